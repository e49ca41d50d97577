#pragma once
// Internal to src/web: the page handlers and the helpers they share. See web/web.hpp for the contract.
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/api.hpp"
#include "app/dashboard.hpp"
#include "app/directory.hpp"
#include "app/reading.hpp"
#include "domain/next_steps.hpp"
#include "io/tom_import/sheet_layout.hpp"
#include "web/render.hpp"
#include "web/words.hpp"

namespace tom::web {

using http::Request;
using http::Response;
using namespace tom::domain;
namespace json = boost::json;

using Form = std::multimap<std::string, std::string>;
Form parse_form(const std::string& body);
std::string field(const Form& f, const std::string& k);
http::Response html(int status, std::string body);
http::Response redirect(const std::string& to);
// The local path to go to after sign-in: `next` when it is a plain same-site path ("/", or "/" then letters,
// digits and / _ . - with an optional simple query; no "//", backslash, control character or percent-escape
// left after decoding), else "/". Browsers drop tabs and newlines and read "//host" and "/\\host" as another
// site, so anything unusual goes home.
std::string safe_next(const std::string& next);

const char* tag_class(const std::string& state);
// An error as one sentence for a page: its message, its first problem, a capital and a full stop.
std::string sentence(const Error& e);

// A bounded multipart/form-data reader for the workbook upload form (pages_library.cpp).
struct Part {
  std::map<std::string, std::string> headers;  // lower-case names
  std::string name, filename, body;
};
// With `only`, just the parts of that name (the others' bodies are not copied).
std::vector<Part> parse_multipart(const std::string& content_type, const std::string& body,
                                  const std::string& only = "");
// The value of a plain (non-file) field of a multipart form, or "".
std::string multipart_field(const std::string& content_type, const std::string& body,
                            const std::string& name);

class Pages {
 public:
  explicit Pages(api::Api& api) : api_(api), wb_(api.workbench()), identity_(api.identity()) {}

  // Adds the pages and the static assets to the API's router (web.cpp).
  void install();

 private:
  struct Session {
    app::Authenticated auth;
  };
  using PageHandler = std::function<Response(Request&, Session*)>;

  // Registers a page: signed-out visitors go to the sign-in page; posts must carry the session's CSRF token.
  void page(const std::string& method, const std::string& pattern, bool is_public, PageHandler h,
            size_t body_limit = 1u << 20);

  static bool multipart(const Request& req);
  static bool csrf_matches(const Session& s, const std::string& sent);
  // Why a posted form cannot be taken as text ("" when it can): the first field (url-encoded, or a multipart
  // field that is not a file) whose name or value is not valid UTF-8, holds a NUL byte or is badly encoded.
  static std::string bad_form_text(const Request& req);

  Data base(const std::string& title, const Session* s);

  Response error_page(int status, const std::string& heading, const std::string& message, const Session* s);
  // The page for a use case's refusal or failure: 403 with why, 404, 400 / 409 with the problem, else 503.
  Response failure_page(const Error& e, const Session& s);

  Response sign_in_form(Request& r, const std::string& email, const std::string& email_error,
                        const std::string& password_error, int status = 200);

  Response sign_in(Request& r);

  std::string party_name(const Template& t, const std::string& id);

  // The home page and the lists' shared parts: pages_lists.cpp.
  Response home(Request& r, Session& s);
  // The NHS.UK pagination of a list page, as HTML (templates/pagination.mustache, shown with
  // {{{pagination_html}}}): Previous / Next links keeping the request's other parameters (cursor, dir=back,
  // from), and "Showing 51 to 100 of 1,234" (`nothing` when the page is empty).
  std::string pagination(const Request& r, const std::string& path, const std::string& prev_cursor,
                         const std::string& next_cursor, int64_t shown, int64_t total, int64_t limit,
                         const std::string& nothing);
  std::string pagination(const Request& r, const std::string& path, const SummaryPage& page, int64_t limit);
  // The page a simple list's request asks for (q, cursor, dir=back, limit 1-200; `limit` when not given).
  static domain::ListQuery list_request(const Request& r, int64_t limit);
  // One summary row as the lists show it: product, template, holder, progress, phase tags, next steps.
  Data summary_row(const SummaryRow& row, const Session& s);

  // The assessment the caller may read, or a page saying it is not there.
  std::optional<api::Loaded> load(Request& r, Session& s, Response* fail);

  Data crumbs(std::initializer_list<std::pair<std::string, std::string>> items);
  // One error for the error summary.
  Data one_error(const std::string& field_id, const std::string& message);
  // The start of every page about one assessment: title, breadcrumbs, product and id.
  Data assessment_page(const std::string& title, const api::Loaded& l, const Session& s);

  // Assessment overview, sections and history: pages_assessment.cpp.
  Response overview(Request& r, Session& s);

  struct ItemProblem {
    std::string error;
    bool conflict = false;
    Answer theirs;
    std::string mine;
  };

  Response section(Request& r, Session& s, const std::map<std::string, ItemProblem>& problems,
                   const std::map<std::string, std::pair<std::string, std::string>>& submitted,
                   int status = 200, const std::string& notice = "");

  Response save_section(Request& r, Session& s);

  Response history(Request& r, Session& s);

  // Findings, approvals and hand-off: pages_workflow.cpp.
  Response findings(Request& r, Session& s, const std::string& error, int status);

  Response accept(Request& r, Session& s);

  Response approvals(Request& r, Session& s, const std::string& error, int status);

  Response submit(Request& r, Session& s);

  Response decide(Request& r, Session& s);

  Response handoff(Request& r, Session& s, const std::string& error, int status);

  Response do_handoff(Request& r, Session& s);

  // Reuse and diff (pages_reuse.cpp), the central audit (pages_audit.cpp), the template library
  // (pages_library.cpp), organisations and people (pages_directory.cpp).
  Response derive_form(Request& r, Session& s, const std::string& error, int status);
  Response derive(Request& r, Session& s);
  Response diff(Request& r, Session& s);
  Response audit_dashboard(Request& r, Session& s);
  Response audit_csv(Request& r, Session& s);
  Response templates(Request& r, Session& s, const std::string& error, const std::string& notice, int status,
                     const std::vector<io::tom_import::ImportNote>& not_mapped = {});
  Response upload_template(Request& r, Session& s);
  Response template_diff(Request& r, Session& s);
  Response organisations(Request& r, Session& s, const std::string& error, int status,
                         const std::string& user_error = "");
  Response add_organisation(Request& r, Session& s);
  Response add_user(Request& r, Session& s);

  // What a section page shows below its heading, the same for everyone who may edit the same items: kept per
  // store revision so a plain view does not rebuild it. The caller's CSRF token is never part of it (the page
  // around it is rendered for each request), so nothing in stored answers can stand in for a token.
  struct SectionBody {
    std::string items_html;
    bool any_editable = false;
    size_t answered = 0, required = 0;
    std::vector<ResultView> results;  // derived results built from this section's items
  };
  SectionBody section_body(const api::Loaded& l, const app::SectionView& view, const Caller& caller,
                           const std::map<std::string, ItemProblem>& problems,
                           const std::map<std::string, std::pair<std::string, std::string>>& submitted,
                           Data& errors);

  // People's names by email, for pages that would otherwise show who did something as an email address: only
  // those of these emails are read (see app::names_by_email).
  std::map<std::string, std::string> people(const std::vector<std::string>& emails);
  std::string person_name(const std::string& email);

  // What the assessment waits for, as the home page and the overview list it: each step with who it waits
  // for, whether that is the caller's organisation, and a link to where it is done.
  Data next_steps(const Template& t, const Assessment& a, const Waiting& w, const Completeness& c,
                  const Session& s);
  // The same from a kept summary's parts (no answers loaded): steps, the first missing section of each
  // party, and the names of the organisations playing the parties.
  Data steps_data(const Template& t, const Assessment& a, bool approved, const std::vector<NextStep>& steps,
                  const std::map<std::string, std::string>& first_missing,
                  const std::map<int64_t, std::string>& organisation_names, const Session& s);

  // By assessment/section/editable items, each with the view it was rendered from (valid while current);
  // rendered items by everything they show. Bounded in bytes (core/lru.hpp, reported in /metrics).
  LruCache<std::string, std::pair<std::shared_ptr<const app::SectionView>, SectionBody>> bodies_{
      "page_section_bodies", 16u << 20};
  LruCache<std::string, std::string> item_html_{"page_items", 16u << 20};

  api::Api& api_;
  app::Workbench& wb_;
  app::Identity& identity_;
};

}  // namespace tom::web
