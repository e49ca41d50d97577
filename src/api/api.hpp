#pragma once
// The JSON API (docs/api.md): a pure Request -> Response function over the application layer (src/app). The
// transport (http/server) calls handle(); nothing here does network I/O. Handlers are grouped by resource in
// api_*.cpp; this file holds what they share: authentication, CSRF, strict JSON bodies, access checks.
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "app/identity.hpp"
#include "app/reading.hpp"
#include "app/workbench.hpp"
#include "core/lru.hpp"
#include "http/metrics.hpp"
#include "http/router.hpp"

namespace tom::api {

namespace json = boost::json;

struct ApiOptions {
  bool secure_cookies = true;
};

// One authenticated call.
struct Call {
  http::Request& req;
  app::Authenticated auth;
  const domain::Caller& caller() const { return auth.caller; }
  std::string actor() const { return auth.caller.user.email; }
};

// A JSON request body read strictly: an object, with only the allowed fields, each of the right type, and
// every string valid UTF-8 without NUL bytes (a 400 names the field that is not). Problems are collected and
// reported together (400).
class Body {
 public:
  static Result<Body> parse(const http::Request& r, std::initializer_list<const char*> allowed);
  std::string str(const char* key, bool required = false);
  std::optional<int64_t> integer(const char* key, bool required = false);
  std::vector<std::string> strs(const char* key);
  const json::object* object(const char* key);
  bool has(const char* key) const { return obj_.contains(key); }
  Status done();

 private:
  void bad(const std::string& field, const std::string& message);
  void check_text(const json::value& v, const std::string& path);
  json::object obj_;
  std::vector<Problem> problems_;
};

// An assessment the caller may read, with its template and rules.
using Loaded = app::Opened;

class Api {
 public:
  Api(app::Workbench& workbench, app::Identity& identity, http::Metrics& metrics, ApiOptions options = {});

  http::Response handle(http::Request& req);
  // The transport's check from the header alone: the route's body limit, or the answer without reading the
  // body (401 / 403 for calls that are not signed in or lack the CSRF token, 404 / 405 for unknown routes).
  // Anonymous routes (sign-in, health, assets) take at most kAnonymousBodyLimit bytes.
  http::Admission admit(http::Request& req);
  static constexpr size_t kAnonymousBodyLimit = 16 * 1024;
  // The caller: the one admit() authenticated, else from the session cookie or bearer token. A change made
  // with a session cookie needs the session's CSRF token in X-CSRF-Token. Errors are the API's responses.
  Result<app::Authenticated> caller_of(http::Request& req, bool unsafe);
  const http::Router& router() const { return router_; }
  // The Set-Cookie value that starts a session (Secure unless the server was started with
  // --insecure-cookies), the same for the API's sign-in and the sign-in page.
  std::string session_cookie(const std::string& token) const;
  static std::string cleared_session_cookie();
  // Lets the web pages (src/web) share the router, workbench and identity.
  void add_route(http::Route r) { router_.add(std::move(r)); }
  app::Workbench& workbench() { return wb_; }
  app::Identity& identity() { return identity_; }
  json::object openapi() const;

 private:
  using Authed = std::function<http::Response(Call&)>;
  void route(const std::string& method, const std::string& pattern, const std::string& summary,
             Authed handler, const std::string& body = "", size_t limit = 1 << 20);
  void public_route(const std::string& method, const std::string& pattern, const std::string& summary,
                    http::Handler handler, const std::string& body = "");
  static http::Response finish(http::Response res);

  void identity_routes();
  void template_routes();
  void assessment_routes();
  void workflow_routes();

  // 404 when the assessment does not exist or the caller may not read it (no existence leak).
  Result<Loaded> readable(Call& call, const std::string& id_param);
  // Findings as the rules and people left them, merged (app::merge_findings).
  // Unfiltered checks are shared from the workbench's cache (valid until anything is written).
  Result<std::shared_ptr<const app::CheckReport>> check_of(const Loaded& l,
                                                           const domain::CompletenessFilter& f = {});
  json::object assessment_detail(Call& call, const Loaded& l);

  // Rendered sections (everything but the caller's `editable` flags), reused while their view is current.
  struct RenderedSection {
    std::shared_ptr<const app::SectionView> view;  // what it was rendered from (and keeps alive)
    std::string head;                              // {"id":..,"items":[
    std::vector<std::string> items;  // each item's JSON without its closing brace, in view order
  };
  http::Response section(Call& call);
  // Bounded in bytes, with the reports the views keep alive (core/lru.hpp, reported in /metrics).
  LruCache<std::pair<int64_t, std::string>, RenderedSection> sections_{"api_sections", 16u << 20};

  app::Workbench& wb_;
  app::Identity& identity_;
  http::Metrics& metrics_;
  ApiOptions options_;
  http::Router router_;
};

// Small shared helpers for the handlers.
Result<int64_t> id_param(const http::Request& r, const std::string& name);
// The filters, order and page of an assessment list from the request's query (docs/api.md, "Lists"):
// template, version, status (Red | Amber | Green), phase, phase_state, organisation, custodian,
// escalations=1, expiring (days), q (words), group, sort, cursor, limit (1-200, default 50). A bad value is
// kInvalid naming the parameter.
Result<domain::SummaryQuery> summary_query(const http::Request& r);
// A page of summaries as the API lists it: {"items": [...], "total", "limit", "next_cursor"}.
json::object summary_page_json(const domain::SummaryPage& page, int64_t limit);
// The page of any other list (organisations, users, templates, findings, history): q (words), cursor, limit
// (1-200, default 50), and `type` / `organisation` where the list has them. A bad value is kInvalid naming
// it.
Result<domain::ListQuery> list_query(const http::Request& r);
// Any other list's page as the API gives it: {"items", "total", "limit", "next_cursor"} (null on the last).
json::object list_page_json(json::array items, int64_t total, int64_t limit, const std::string& next_cursor);
http::Response created(const json::value& v);

}  // namespace tom::api
