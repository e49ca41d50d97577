#pragma once
// Internal to src/web: the page handlers and the helpers they share. See web/web.hpp for the contract.
#include <sodium.h>

#include <functional>
#include <mutex>
#include <unordered_map>
#include <map>
#include <optional>
#include <string>

#include "api/api.hpp"
#include "core/clock.hpp"
#include "domain/workflow.hpp"
#include "service/views.hpp"
#include "service/workflow.hpp"
#include "web/assets.hpp"
#include "web/render.hpp"

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
std::string safe_next(const std::string& next);
const char* tag_class(const std::string& state);

class Pages {
 public:
  explicit Pages(api::Api& api) : api_(api), wb_(api.workbench()), store_(wb_.store()), identity_(api.identity()) {}

  void install() {
    for (const auto& a : assets()) {
      http::Route r;
      r.method = "GET";
      r.pattern = std::string(a.path);
      r.summary = "Static asset";
      r.public_route = true;
      r.api = false;
      r.handler = [a](Request&) {
        return Response::text(200, std::string(a.bytes), std::string(a.content_type)).with("Cache-Control", "public, max-age=3600");
      };
      api_.add_route(std::move(r));
    }
    {
      http::Route fav;
      fav.method = "GET";
      fav.pattern = "/favicon.ico";
      fav.summary = "Icon";
      fav.public_route = true;
      fav.api = false;
      fav.handler = [](Request&) { return redirect("/assets/images/favicon.ico").with("Cache-Control", "public, max-age=86400"); };
      api_.add_route(std::move(fav));
    }
    page("GET", "/sign-in", true, [this](Request& r, Session*) { return sign_in_form(r, "", "", ""); });
    page("POST", "/sign-in", true, [this](Request& r, Session*) { return sign_in(r); });
    page("POST", "/sign-out", false, [this](Request&, Session* s) {
      (void)store_.delete_session(s->auth.token_hash);
      return redirect("/sign-in").with("Set-Cookie", "tom_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    });
    page("GET", "/", false, [this](Request&, Session* s) { return home(*s); });
    page("GET", "/assessments/{id}", false, [this](Request& r, Session* s) { return overview(r, *s); });
    page("GET", "/assessments/{id}/sections/{section}", false,
         [this](Request& r, Session* s) { return section(r, *s, {}, {}); });
    page("POST", "/assessments/{id}/sections/{section}", false, [this](Request& r, Session* s) { return save_section(r, *s); });
    page("GET", "/assessments/{id}/history", false, [this](Request& r, Session* s) { return history(r, *s); });
    page("GET", "/assessments/{id}/findings", false, [this](Request& r, Session* s) { return findings(r, *s, "", 200); });
    page("POST", "/assessments/{id}/findings/accept", false, [this](Request& r, Session* s) { return accept(r, *s); });
    page("GET", "/assessments/{id}/approvals", false, [this](Request& r, Session* s) { return approvals(r, *s, {}, 200); });
    page("POST", "/assessments/{id}/approvals/submit", false, [this](Request& r, Session* s) { return submit(r, *s); });
    page("POST", "/assessments/{id}/approvals/decide", false, [this](Request& r, Session* s) { return decide(r, *s); });
    page("GET", "/assessments/{id}/handoff", false, [this](Request& r, Session* s) { return handoff(r, *s, {}, 200); });
    page("POST", "/assessments/{id}/handoff", false, [this](Request& r, Session* s) { return do_handoff(r, *s); });
    page("GET", "/assessments/{id}/derive", false, [this](Request& r, Session* s) { return derive_form(r, *s, "", 200); });
    page("POST", "/assessments/{id}/derive", false, [this](Request& r, Session* s) { return derive(r, *s); });
    page("GET", "/assessments/{id}/diff/{other}", false, [this](Request& r, Session* s) { return diff(r, *s); });
    page("GET", "/audit", false, [this](Request& r, Session* s) { return audit_dashboard(r, *s); });
    page("GET", "/audit.csv", false, [this](Request& r, Session* s) { return audit_csv(r, *s); });
    page("GET", "/templates", false, [this](Request& r, Session* s) { return templates(r, *s, "", "", 200); });
    page("POST", "/templates", false, [this](Request& r, Session* s) { return upload_template(r, *s); }, 32u << 20);
    page("GET", "/templates/diff", false, [this](Request& r, Session* s) { return template_diff(r, *s); });
    page("GET", "/organisations", false, [this](Request& r, Session* s) { return organisations(r, *s, "", 200); });
    page("POST", "/organisations", false, [this](Request& r, Session* s) { return add_organisation(r, *s); });
    page("POST", "/users", false, [this](Request& r, Session* s) { return add_user(r, *s); });
  }

 private:
  struct Session {
    service::Authenticated auth;
  };
  using PageHandler = std::function<Response(Request&, Session*)>;

  // Registers a page: signed-out visitors go to the sign-in page; posts must carry the session's CSRF token.
  void page(const std::string& method, const std::string& pattern, bool is_public, PageHandler h,
            size_t body_limit = 1u << 20) {
    http::Route r;
    r.body_limit = body_limit;
    r.method = method;
    r.pattern = pattern;
    r.summary = "Web page";
    r.api = false;
    r.public_route = true;  // pages answer anonymous visitors with the sign-in page, not a 401
    r.request_body = method == "POST" ? "form" : "";
    r.handler = [this, is_public, method, h = std::move(h)](Request& req) -> Response {
      if (is_public) return h(req, nullptr);
      auto auth = identity_.authenticate(req.cookie("tom_session"), "");
      if (!auth) return redirect("/sign-in?next=" + http::percent_encode_component(req.path));
      Session s{std::move(auth).value()};
      if (method == "POST") {
        // Forms arrive url-encoded, or as multipart for file uploads (whose _csrf comes as a query parameter).
        std::string sent = req.header("content-type").rfind("multipart/form-data", 0) == 0 ? req.query["_csrf"]
                                                                                          : field(parse_form(req.body), "_csrf");
        const std::string& want = s.auth.csrf_token;
        if (sent.size() != want.size() || sodium_memcmp(sent.data(), want.data(), want.size()) != 0)
          return error_page(403, "This form has expired", "Go back, reload the page and try again.", &s);
      }
      return h(req, &s);
    };
    api_.add_route(std::move(r));
  }

  Data base(const std::string& title, const Session* s) {
    Data d = object();
    d.set("title", opt(title));
    d.set("has_errors", false);
    if (s) {
      Data u = object();
      u.set("name", s->auth.caller.user.name);
      u.set("organisation", s->auth.caller.organisation.name);
      u.set("csrf", s->auth.csrf_token);
      u.set("central", s->auth.caller.admin() || (s->auth.caller.central() && s->auth.caller.user.has_role("central-reviewer")));
      d.set("user", u);
      d.set("csrf", s->auth.csrf_token);
    }
    d.set("breadcrumbs", list());
    return d;
  }

  Response error_page(int status, const std::string& heading, const std::string& message, const Session* s) {
    Data d = base(heading, s);
    d.set("heading", heading);
    d.set("message", message);
    return html(status, render_page("error", d));
  }

  Response sign_in_form(Request& r, const std::string& email, const std::string& email_error,
                        const std::string& password_error, int status = 200) {
    Data d = base("Sign in", nullptr);
    d.set("next", safe_next(r.query.count("next") ? r.query["next"] : field(parse_form(r.body), "next")));
    d.set("email", email);
    Data errors = list();
    if (!email_error.empty()) {
      d.set("email_error", email_error);
      Data e = object();
      e.set("field", "email");
      e.set("message", email_error);
      errors.push_back(e);
    }
    if (!password_error.empty()) {
      d.set("password_error", password_error);
      Data e = object();
      e.set("field", "password");
      e.set("message", password_error);
      errors.push_back(e);
    }
    d.set("has_errors", !email_error.empty() || !password_error.empty());
    d.set("errors", errors);
    return html(status, render_page("sign_in", d));
  }

  Response sign_in(Request& r) {
    Form f = parse_form(r.body);
    std::string email = field(f, "email"), password = field(f, "password");
    if (email.empty() || password.empty())
      return sign_in_form(r, email, email.empty() ? "Enter your email address" : "",
                          password.empty() ? "Enter your password" : "", 400);
    auto signed_in = identity_.sign_in(email, password, r.remote);
    if (!signed_in) {
      int status = http_status(signed_in.error().code);
      return sign_in_form(r, email, "", signed_in.error().message, status);
    }
    std::string cookie = "tom_session=" + signed_in->token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure";
    return redirect(safe_next(field(f, "next"))).with("Set-Cookie", cookie);
  }

  std::string party_name(const Template& t, const std::string& id) {
    const Party* p = t.find_party(id);
    return p ? p->name : id;
  }

  Response home(Session& s) {
    const Caller& c = s.auth.caller;
    Data d = base("Your assessments", &s);
    d.set("organisation", c.organisation.name);
    auto all = store_.list_assessments();
    if (!all) return error_page(503, "Sorry, there is a problem with the service", "Try again later.", &s);
    Data with_you = list(), others = list();
    bool any_with_you = false, any_other = false;
    for (const auto& a : *all) {
      if (!may_read(c, a)) continue;
      auto t = wb_.load_template(a.template_id, a.template_version);
      auto report = wb_.check_cached(a.id);
      if (!t || !report) continue;
      Data row = object();
      row.set("id", std::to_string(a.id));
      row.set("product", a.product + (a.product_version.empty() ? "" : " " + a.product_version));
      row.set("title", opt(a.title));
      row.set("template", t->tmpl->name);
      row.set("custodian", party_name(*t->tmpl, a.custodian));
      row.set("answered", std::to_string((*report)->completeness.answered));
      row.set("required", std::to_string((*report)->completeness.required));
      Data phases = list();
      auto approvals = store_.list_approvals(a.id);
      auto submissions = store_.list_submissions(a.id);
      if (approvals && submissions)
        for (const auto& ph : phase_statuses(*t->tmpl, *approvals, *submissions)) {
          Data p = object();
          p.set("phase", ph.phase->id);
          p.set("state", to_string(ph.state));
          p.set("tag_class", tag_class(to_string(ph.state)));
          phases.push_back(p);
        }
      row.set("phases", phases);
      auto mine = parties_of(c, a);
      bool holds = std::find(mine.begin(), mine.end(), a.custodian) != mine.end();
      if (holds) {
        with_you.push_back(row);
        any_with_you = true;
      } else {
        others.push_back(row);
        any_other = true;
      }
    }
    Data groups = list();
    Data g1 = object();
    g1.set("heading", "With your organisation now");
    g1.set("rows", with_you);
    g1.set("has_rows", any_with_you);
    if (!any_with_you) g1.set("empty", "Nothing is waiting for your organisation.");
    groups.push_back(g1);
    Data g2 = object();
    g2.set("heading", c.central() ? "Every TOM (central audit)" : "Other TOMs you take part in");
    g2.set("rows", others);
    g2.set("has_rows", any_other);
    if (!any_other) g2.set("empty", "None.");
    groups.push_back(g2);
    d.set("groups", groups);
    return html(200, render_page("home", d));
  }

  // The assessment the caller may read, or a page saying it is not there.
  std::optional<api::Loaded> load(Request& r, Session& s, Response* fail) {
    auto id = api::id_param(r, "id");
    std::optional<Assessment> a;
    if (id) {
      auto got = store_.get_assessment(*id);
      if (got && may_read(s.auth.caller, *got)) a = std::move(got).value();
    }
    if (!a) {
      *fail = error_page(404, "Page not found", "There is no assessment here that you can see.", &s);
      return std::nullopt;
    }
    auto t = wb_.load_template(a->template_id, a->template_version);
    if (!t) {
      *fail = error_page(500, "Sorry, there is a problem with the service", "The assessment's template cannot be read.", &s);
      return std::nullopt;
    }
    return api::Loaded{std::move(*a), std::move(t).value()};
  }

  Data crumbs(std::initializer_list<std::pair<std::string, std::string>> items) {
    Data out = list();
    for (const auto& [href, text] : items) {
      Data c = object();
      c.set("href", href);
      c.set("text", text);
      out.push_back(c);
    }
    return out;
  }

  Response overview(Request& r, Session& s) {
    Response fail;
    auto l = load(r, s, &fail);
    if (!l) return fail;
    const Template& t = *l->tmpl.tmpl;
    const Assessment& a = l->assessment;
    auto report = wb_.check_cached(a.id);
    auto approvals = store_.list_approvals(a.id);
    auto submissions = store_.list_submissions(a.id);
    if (!report || !approvals || !submissions) return error_page(503, "Sorry, there is a problem with the service", "Try again later.", &s);
    Data d = base(a.product, &s);
    d.set("breadcrumbs", crumbs({{"/", "Your assessments"}}));
    d.set("id", std::to_string(a.id));
    d.set("product", a.product);
    d.set("product_version", opt(a.product_version));
    d.set("title", opt(a.title));
    d.set("template_name", t.name + " (" + t.version + ")");
    Data sections = list();
    size_t i = 0;
    for (const auto& sec : t.sections) {
      const auto& p = (*report)->completeness.sections[i++];
      if (p.required == 0 && sec.kind == SectionKind::kCover) continue;
      Data row = object();
      row.set("assessment", std::to_string(a.id));
      row.set("id", sec.id);
      row.set("title", opt(sec.title));
      std::string parties;
      for (const auto& pid : sec.parties) parties += (parties.empty() ? "" : ", ") + party_name(t, pid);
      row.set("parties", parties);
      row.set("answered", std::to_string(p.answered));
      row.set("required", std::to_string(p.required));
      sections.push_back(row);
    }
    d.set("sections", sections);
    d.set("custodian_name", party_name(t, a.custodian));
    Data custody = list();
    for (const auto& pid : t.custody) {
      Data c = object();
      c.set("name", party_name(t, pid));
      c.set("current", pid == a.custodian);
      custody.push_back(c);
    }
    d.set("custody", custody);
    auto phases = phase_statuses(t, *approvals, *submissions);
    Data ph = list();
    for (const auto& p : phases) {
      Data x = object();
      x.set("phase", p.phase->id);
      x.set("name", p.phase->name);
      x.set("state", to_string(p.state));
      x.set("tag_class", tag_class(to_string(p.state)));
      ph.push_back(x);
    }
    d.set("phases", ph);
    std::vector<GateFinding> gf;
    int open = 0, settled = 0;
    for (const auto& f : service::merge_findings(**report, today_utc())) {
      bool done = f.status == "accepted" || f.status == "resolved";
      (done ? settled : open)++;
      gf.push_back({f.key, f.kind, f.title, done});
    }
    d.set("findings_open", std::to_string(open));
    d.set("findings_settled", std::to_string(settled));
    Gate g = go_live_gate(t, phases, (*report)->answers, gf);
    d.set("gate_open", g.open);
    Data reasons = list();
    for (const auto& x : g.reasons) reasons.push_back(Data(x));
    d.set("gate_reasons", reasons);
    Data parts = list();
    for (const auto& p : a.participants) {
      auto org = store_.get_organisation(p.organisation_id);
      Data x = object();
      x.set("party", party_name(t, p.party));
      x.set("organisation", org ? org->name : "");
      x.set("ods", opt(org ? org->ods_code : ""));
      x.set("has_ods", org && !org->ods_code.empty());
      parts.push_back(x);
    }
    d.set("participants", parts);
    auto mine = parties_of(s.auth.caller, a);
    d.set("can_hand_on", std::find(mine.begin(), mine.end(), a.custodian) != mine.end());
    d.set("can_reuse", !phases.empty() && phases.back().state == PhaseState::kApproved);
    return html(200, render_page("assessment", d));
  }

  struct ItemProblem {
    std::string error;
    bool conflict = false;
    Answer theirs;
    std::string mine;
  };

  Response section(Request& r, Session& s, const std::map<std::string, ItemProblem>& problems,
                   const std::map<std::string, std::pair<std::string, std::string>>& submitted, int status = 200,
                   const std::string& notice = "") {
    Response fail;
    auto l = load(r, s, &fail);
    if (!l) return fail;
    const Template& t = *l->tmpl.tmpl;
    const Section* sec = t.find_section(r.params["section"]);
    if (!sec) return error_page(404, "Page not found", "This TOM has no such section.", &s);
    // A plain view is the same for everyone who may edit the same items: reuse its rendered body until anything
    // is written (the store's revision), with the caller's CSRF token put in afterwards.
    bool plain_view = problems.empty() && submitted.empty() && notice.empty();
    std::string cache_key;
    Data page_only = base(sec->title, &s);
    page_only.set("breadcrumbs", crumbs({{"/", "Your assessments"}, {"/assessments/" + std::to_string(l->assessment.id), l->assessment.product}}));
    if (plain_view) {
      auto revision = store_.revision();
      if (!revision) return error_page(503, "Sorry, there is a problem with the service", "Try again later.", &s);
      cache_key = std::to_string(l->assessment.id) + "/" + sec->id + "/" + std::to_string(*revision) + "/";
      for (const auto& item : sec->items)
        cache_key += item.answerable() && why_not_answer(s.auth.caller, t, l->assessment, item).empty() ? '1' : '0';
      std::lock_guard lock(body_mu_);
      auto hit = bodies_.find(cache_key);
      if (hit != bodies_.end()) return html(status, render_layout(page_only, with_csrf(hit->second, s.auth.csrf_token)));
    }
    auto report = wb_.check_cached(l->assessment.id);
    if (!report) return error_page(503, "Sorry, there is a problem with the service", "Try again later.", &s);
    const auto& rep = **report;
    Data d = base(sec->title, &s);
    d.set("breadcrumbs", crumbs({{"/", "Your assessments"}, {"/assessments/" + std::to_string(l->assessment.id), l->assessment.product}}));
    d.set("assessment", std::to_string(l->assessment.id));
    d.set("section", sec->id);
    d.set("section_title", sec->title);
    d.set("description", opt(sec->description));
    d.set("product", l->assessment.product);
    d.set("custodian", party_name(t, l->assessment.custodian));
    if (!notice.empty()) d.set("notice", notice);
    size_t index = static_cast<size_t>(sec - &t.sections[0]);
    d.set("answered", std::to_string(rep.completeness.sections[index].answered));
    d.set("required", std::to_string(rep.completeness.sections[index].required));
    std::map<std::string, std::string> missing;
    for (const auto& m : rep.completeness.missing) missing[m.item_id] = m.reason;
    std::map<std::string, std::vector<const rules::RaisedFinding*>> results;
    for (const auto& f : rep.evaluation.findings)
      if (!f.item_id.empty()) results[f.item_id].push_back(&f);
    Data errors = list();
    std::string items_html, prev_group;
    bool any_editable = false;
    std::string group;
    for (const auto& item : sec->items) {
      // The cheap part first: if this item's HTML is cached, nothing else about it needs building.
      {
        auto a0 = rep.answers.find(item.id);
        bool plain_item = !problems.count(item.id) && !submitted.count(item.id);
        bool editable0 = item.answerable() && why_not_answer(s.auth.caller, t, l->assessment, item).empty();
        any_editable = any_editable || editable0;
        if (plain_item) {
          std::string key0 = std::to_string(l->assessment.id) + '\x1f' + item.id + '\x1f' + (editable0 ? '1' : '0') + '\x1f' +
                             std::to_string(a0 == rep.answers.end() ? 0 : a0->second.version) + '\x1f' +
                             (a0 == rep.answers.end() ? "" : a0->second.value) + '\x1f' +
                             (a0 == rep.answers.end() ? "" : a0->second.note) + '\x1f' +
                             (missing.count(item.id) ? missing[item.id] : "") + '\x1f' +
                             (rep.evaluation.out_of_scope.count(item.id) ? "o" : "i") + '\x1f' +
                             (item.group != prev_group ? item.group : "");
          for (const auto* f : results[item.id]) key0 += '\x1f' + f->explanation;
          std::lock_guard lock(body_mu_);
          auto hit = item_html_.find(key0);
          if (hit != item_html_.end()) {
            items_html += hit->second;
            prev_group = item.group;
            group = item.group;
            continue;
          }
        }
      }
      Data x = object();
      x.set("id", item.id);
      x.set("text", item.text);
      x.set("guidance", opt(item.guidance));
      x.set("party", party_name(t, item.party));
      x.set("obligation", opt(item.obligation == Obligation::kNone ? "" : std::string(to_string(item.obligation)) == "must" ? "Must" : std::string(to_string(item.obligation)) == "should" ? "Should" : "May"));
      if (item.group != group && !item.group.empty()) x.set("group_start", opt(item.group));
      group = item.group;
      x.set("out_of_scope", rep.evaluation.out_of_scope.count(item.id) > 0);
      x.set("answerable", item.answerable());
      auto a = rep.answers.find(item.id);
      std::string value = a == rep.answers.end() ? "" : a->second.value;
      std::string note = a == rep.answers.end() ? "" : a->second.note;
      int64_t version = a == rep.answers.end() ? 0 : a->second.version;
      auto sub = submitted.find(item.id);
      bool editable = item.answerable() && why_not_answer(s.auth.caller, t, l->assessment, item).empty();
      any_editable = any_editable || editable;
      x.set("editable", editable);
      // After a failed save the person's own input is shown again; the stored version stays the one they edited
      // unless it changed meanwhile (then they see both, and save against the new version).
      auto prob = problems.find(item.id);
      std::string shown_value = sub != submitted.end() ? sub->second.first : value;
      std::string shown_note = sub != submitted.end() ? sub->second.second : note;
      x.set("value", opt(shown_value));
      x.set("note", opt(shown_note));
      x.set("version", std::to_string(version));
      if (missing.count(item.id) && item.answerable()) x.set("missing", opt(missing[item.id]));
      if (prob != problems.end()) {
        if (prob->second.conflict) {
          x.set("conflict", true);
          x.set("conflict_by", prob->second.theirs.author);
          x.set("conflict_value", prob->second.theirs.value);
          x.set("conflict_note", opt(prob->second.theirs.note));
          x.set("mine", prob->second.mine);
        }
        std::string msg = prob->second.conflict ? item.id + " was changed by someone else: choose the answer to keep" : prob->second.error;
        x.set("error", msg);
        Data e = object();
        e.set("field", "item-" + item.id);
        e.set("message", msg);
        errors.push_back(e);
      }
      const Vocabulary* v = t.vocabulary_of(item);
      bool radios = v && v->values.size() <= 5;
      x.set("is_radios", editable && radios);
      x.set("is_select", editable && v && !radios);
      x.set("is_text", editable && !v);
      x.set("is_date", item.answer == AnswerType::kDate);
      Data choices = list();
      if (v) {
        int n = 0;
        for (const auto& c : v->values) {
          Data ch = object();
          ch.set("item", opt(item.id));
          ch.set("n", std::to_string(++n));
          ch.set("value", opt(c));
          ch.set("checked", c == shown_value);
          choices.push_back(ch);
        }
      }
      x.set("choices", choices);
      Data res = list();
      for (const auto* f : results[item.id]) {
        Data rr = object();
        rr.set("kind", to_string(f->spec.kind));
        rr.set("explanation", f->explanation);
        res.push_back(rr);
      }
      x.set("results", res);
      // Each item's HTML depends only on what is set above: reuse it while that is unchanged, so a write
      // re-renders only the items it affected.
      std::string key;
      if (prob == problems.end() && sub == submitted.end()) {
        key = std::to_string(l->assessment.id) + '\x1f' + item.id + '\x1f' + (editable ? '1' : '0') + '\x1f' +
              std::to_string(version) + '\x1f' + value + '\x1f' + note + '\x1f' +
              (missing.count(item.id) ? missing[item.id] : "") + '\x1f' +
              (rep.evaluation.out_of_scope.count(item.id) ? "o" : "i") + '\x1f' + (item.group != prev_group ? item.group : "");
        for (const auto* f : results[item.id]) key += '\x1f' + f->explanation;
      }
      prev_group = item.group;
      std::string fragment;
      {
        std::lock_guard lock(body_mu_);
        auto hit = key.empty() ? item_html_.end() : item_html_.find(key);
        if (hit != item_html_.end()) fragment = hit->second;
      }
      if (fragment.empty()) {
        fragment = render("section_item", x);
        if (!key.empty()) {
          std::lock_guard lock(body_mu_);
          if (item_html_.size() > 50000) item_html_.clear();  // bounded
          item_html_[key] = fragment;
        }
      }
      items_html += fragment;
    }
    d.set("items_html", items_html);
    d.set("any_editable", any_editable);
    d.set("errors", errors);
    d.set("has_errors", !problems.empty());
    // Derived results that read this section's answers.
    Data derived = list();
    std::set<std::string> ids;
    for (const auto& item : sec->items) ids.insert("@" + item.id);
    for (const auto& dr : rep.evaluation.derived) {
      bool reads = false;
      for (const auto& rd : dr.reads) reads = reads || ids.count(rd.ref);
      if (!reads) continue;
      Data x = object();
      x.set("name", dr.description.empty() ? dr.name : dr.description);
      x.set("value", opt(dr.value.is_null() ? "not yet known" : dr.value.plain()));
      x.set("explanation", dr.explanation);
      derived.push_back(x);
    }
    d.set("derived", derived);
    if (!plain_view) return html(status, render_page("section", d));
    d.set("csrf", std::string(kCsrfMark));
    std::string body = render("section", d);
    {
      std::lock_guard lock(body_mu_);
      if (bodies_.size() > 256) bodies_.clear();  // bounded
      bodies_[cache_key] = body;
    }
    return html(status, render_layout(page_only, with_csrf(body, s.auth.csrf_token)));
  }

  Response save_section(Request& r, Session& s) {
    Response fail;
    auto l = load(r, s, &fail);
    if (!l) return fail;
    const Template& t = *l->tmpl.tmpl;
    const Section* sec = t.find_section(r.params["section"]);
    if (!sec) return error_page(404, "Page not found", "This TOM has no such section.", &s);
    Form f = parse_form(r.body);
    std::map<std::string, ItemProblem> problems;
    std::map<std::string, std::pair<std::string, std::string>> submitted;
    int saved = 0;
    for (const auto& item : sec->items) {
      if (!f.count("version." + item.id)) continue;  // not on the form the person had (not editable then)
      std::string value = field(f, "value." + item.id), note = field(f, "note." + item.id);
      if (value == field(f, "was." + item.id) && note == field(f, "wasnote." + item.id)) continue;  // unchanged
      submitted[item.id] = {value, note};
      std::string why = why_not_answer(s.auth.caller, t, l->assessment, item);
      if (!why.empty()) {
        problems[item.id].error = item.id + ": " + why;
        continue;
      }
      std::string vtext = field(f, "version." + item.id);
      int64_t version = vtext.empty() || vtext.size() > 18 || vtext.find_first_not_of("0123456789") != std::string::npos ? -2 : std::stoll(vtext);
      if (version < 0) {
        problems[item.id].error = item.id + ": the form was damaged; reload the page";
        continue;
      }
      auto result = wb_.answer(l->assessment.id, item.id, value, note, "", version, s.auth.caller.user.email);
      if (result) {
        ++saved;
        submitted.erase(item.id);
        continue;
      }
      ItemProblem& p = problems[item.id];
      if (result.error().code == ErrorCode::kConflict) {
        auto now = store_.get_answers(l->assessment.id);
        if (now && now->count(item.id)) p.theirs = now->at(item.id);
        p.conflict = true;
        p.mine = value;
      } else {
        p.error = result.error().message;
      }
    }
    if (problems.empty())
      return redirect("/assessments/" + std::to_string(l->assessment.id) + "/sections/" + sec->id + "?saved=" + std::to_string(saved));
    return section(r, s, problems, submitted, 400, saved > 0 ? std::to_string(saved) + " answers saved; the others need attention." : "");
  }

  Response history(Request& r, Session& s) {
    Response fail;
    auto l = load(r, s, &fail);
    if (!l) return fail;
    store::AuditFilter filter;
    filter.limit = 100000;
    auto events = store_.list_audit(filter);
    if (!events) return error_page(503, "Sorry, there is a problem with the service", "Try again later.", &s);
    Data d = base("History", &s);
    d.set("breadcrumbs", crumbs({{"/", "Your assessments"}, {"/assessments/" + std::to_string(l->assessment.id), l->assessment.product}}));
    d.set("product", l->assessment.product);
    std::string id = std::to_string(l->assessment.id);
    Data rows = list();
    for (auto it = events->rbegin(); it != events->rend(); ++it) {
      if (it->entity_key != id && it->entity_key.rfind(id + "/", 0) != 0) continue;
      Data x = object();
      x.set("at", it->at.substr(0, 16));
      x.set("actor", it->actor);
      x.set("action", it->action);
      x.set("key", it->entity_key);
      x.set("after", it->after.size() > 200 ? it->after.substr(0, 200) + "…" : it->after);
      rows.push_back(x);
    }
    d.set("events", rows);
    return html(200, render_page("history", d));
  }

  // One error for the error summary and the page's status.
  Data one_error(const std::string& field_id, const std::string& message) {
    Data errors = list();
    Data e = object();
    e.set("field", field_id);
    e.set("message", message);
    errors.push_back(e);
    return errors;
  }

  Response findings(Request& r, Session& s, const std::string& error, int status) {
    Response fail;
    auto l = load(r, s, &fail);
    if (!l) return fail;
    auto report = wb_.check_cached(l->assessment.id);
    if (!report) return error_page(503, "Sorry, there is a problem with the service", "Try again later.", &s);
    Data d = base("Findings", &s);
    d.set("breadcrumbs", crumbs({{"/", "Your assessments"}, {"/assessments/" + std::to_string(l->assessment.id), l->assessment.product}}));
    d.set("product", l->assessment.product);
    if (!error.empty()) {
      d.set("has_errors", true);
      d.set("errors", one_error("maincontent", error));
    }
    Data rows = list();
    int n = 0;
    for (const auto& f : service::merge_findings(**report, today_utc())) {
      Data x = object();
      x.set("n", std::to_string(++n));
      x.set("assessment", std::to_string(l->assessment.id));
      x.set("csrf", s.auth.csrf_token);
      x.set("me", s.auth.caller.user.name);
      x.set("key", f.key);
      x.set("title", opt(f.title));
      x.set("kind", f.kind);
      x.set("role", opt(f.role));
      x.set("item", opt(f.item_id));
      x.set("status", f.status);
      x.set("tag_class", f.status == "accepted" || f.status == "resolved" ? "nhsuk-tag--green" : f.status == "lapsed" ? "nhsuk-tag--orange" : "nhsuk-tag--red");
      x.set("explanation", f.explanation);
      if (f.stored && !f.stored->accepted_by.empty()) {
        x.set("accepted_by", opt(f.stored->accepted_by));
        x.set("expires_on", opt(f.stored->expires_on));
        x.set("mitigation", opt(f.stored->mitigation));
      }
      bool open = f.status == "open" || f.status == "lapsed";
      x.set("can_accept", open && why_not_accept(s.auth.caller, l->assessment, f.role).empty());
      rows.push_back(x);
    }
    d.set("findings", rows);
    return html(status, render_page("findings", d));
  }

  Response accept(Request& r, Session& s) {
    Response fail;
    auto l = load(r, s, &fail);
    if (!l) return fail;
    Form f = parse_form(r.body);
    auto done = service::settle_finding(wb_, s.auth.caller, l->assessment,
                                        {field(f, "key"), true, "", field(f, "expires_on"), field(f, "mitigation")});
    if (!done) return findings(r, s, done.error().message, http_status(done.error().code));
    return redirect("/assessments/" + std::to_string(l->assessment.id) + "/findings");
  }

  Response approvals(Request& r, Session& s, const std::string& error, int status) {
    Response fail;
    auto l = load(r, s, &fail);
    if (!l) return fail;
    const Template& t = *l->tmpl.tmpl;
    auto aps = store_.list_approvals(l->assessment.id);
    auto subs = store_.list_submissions(l->assessment.id);
    if (!aps || !subs) return error_page(503, "Sorry, there is a problem with the service", "Try again later.", &s);
    Data d = base("Approvals", &s);
    d.set("breadcrumbs", crumbs({{"/", "Your assessments"}, {"/assessments/" + std::to_string(l->assessment.id), l->assessment.product}}));
    d.set("product", l->assessment.product);
    if (!error.empty()) {
      d.set("has_errors", true);
      d.set("errors", one_error("maincontent", error));
    }
    Data phases = list();
    for (const auto& st : phase_statuses(t, *aps, *subs)) {
      Data x = object();
      x.set("assessment", std::to_string(l->assessment.id));
      x.set("csrf", s.auth.csrf_token);
      x.set("phase", st.phase->id);
      x.set("name", st.phase->name);
      x.set("approver", party_name(t, st.phase->approver));
      x.set("state", to_string(st.state));
      x.set("tag_class", tag_class(to_string(st.state)));
      x.set("certificate", opt(st.certificate));
      x.set("submitted_at", opt(st.submitted ? st.submitted->at.substr(0, 16) : ""));
      Data areas = list();
      for (const auto& a : st.areas) {
        Data y = object();
        y.set("area", a.area.empty() ? "Whole phase" : a.area);
        y.set("decision", a.latest ? std::string(to_string(a.latest->decision)) + " by " + a.latest->decided_by : "no decision yet");
        y.set("reason", opt(a.latest ? a.latest->reason : ""));
        areas.push_back(y);
      }
      x.set("areas", areas);
      Data names = list();
      for (const auto& a : st.phase->areas) names.push_back(Data(a));
      x.set("area_names", names);
      x.set("has_areas", !st.phase->areas.empty());
      x.set("certificate_needed", st.phase->certificate);
      x.set("can_submit", st.state != PhaseState::kApproved && why_not_submit(s.auth.caller, t, l->assessment, *st.phase).empty());
      x.set("can_decide", why_not_decide(s.auth.caller, l->assessment, *st.phase).empty());
      phases.push_back(x);
    }
    d.set("phases", phases);
    return html(status, render_page("approvals", d));
  }

  Response submit(Request& r, Session& s) {
    Response fail;
    auto l = load(r, s, &fail);
    if (!l) return fail;
    auto done = service::submit_phase(wb_, s.auth.caller, l->assessment, *l->tmpl.tmpl, field(parse_form(r.body), "phase"));
    if (!done) return approvals(r, s, done.error().message, http_status(done.error().code));
    return redirect("/assessments/" + std::to_string(l->assessment.id) + "/approvals");
  }

  Response decide(Request& r, Session& s) {
    Response fail;
    auto l = load(r, s, &fail);
    if (!l) return fail;
    Form f = parse_form(r.body);
    auto decision = decision_from(field(f, "decision"));
    if (!decision) return approvals(r, s, "Choose whether to approve or reject", 400);
    Approval ap;
    ap.phase = field(f, "phase");
    ap.area = field(f, "area");
    ap.decision = *decision;
    ap.reason = field(f, "reason");
    ap.outcome = field(f, "outcome");
    ap.certificate = field(f, "certificate");
    auto done = service::decide_phase(wb_, s.auth.caller, l->assessment, *l->tmpl.tmpl, ap);
    if (!done) return approvals(r, s, done.error().message, http_status(done.error().code));
    return redirect("/assessments/" + std::to_string(l->assessment.id) + "/approvals");
  }

  Response handoff(Request& r, Session& s, const std::string& error, int status) {
    Response fail;
    auto l = load(r, s, &fail);
    if (!l) return fail;
    const Template& t = *l->tmpl.tmpl;
    Data d = base("Hand the TOM on", &s);
    d.set("breadcrumbs", crumbs({{"/", "Your assessments"}, {"/assessments/" + std::to_string(l->assessment.id), l->assessment.product}}));
    d.set("product", l->assessment.product);
    d.set("assessment", std::to_string(l->assessment.id));
    d.set("custodian", party_name(t, l->assessment.custodian));
    if (!error.empty()) {
      d.set("has_errors", true);
      d.set("errors", one_error("to-" + (t.custody.empty() ? std::string() : t.custody.front()), error));
    }
    Data targets = list();
    bool any = false;
    for (const auto& p : t.custody) {
      if (p == l->assessment.custodian || l->assessment.organisation_for(p) == 0) continue;
      if (!why_not_handoff(s.auth.caller, t, l->assessment, p).empty()) continue;
      any = true;
      Data x = object();
      x.set("id", p);
      x.set("name", party_name(t, p));
      targets.push_back(x);
    }
    d.set("targets", targets);
    d.set("can_hand_on", any);
    auto chain = store_.list_handoffs(l->assessment.id);
    Data rows = list();
    if (chain)
      for (const auto& h : *chain) {
        Data x = object();
        x.set("at", h.at.substr(0, 16));
        x.set("from", party_name(t, h.from_party));
        x.set("to", party_name(t, h.to_party));
        x.set("by", h.by);
        x.set("note", opt(h.note));
        rows.push_back(x);
      }
    d.set("handoffs", rows);
    return html(status, render_page("handoff", d));
  }

  Response do_handoff(Request& r, Session& s) {
    Response fail;
    auto l = load(r, s, &fail);
    if (!l) return fail;
    Form f = parse_form(r.body);
    if (field(f, "to").empty()) return handoff(r, s, "Choose who should hold the TOM next", 400);
    auto done = service::hand_off(wb_, s.auth.caller, l->assessment, *l->tmpl.tmpl, field(f, "to"), field(f, "note"));
    if (!done) return handoff(r, s, done.error().message, http_status(done.error().code));
    return redirect("/assessments/" + std::to_string(l->assessment.id));
  }

  // Pages in pages_more.cpp.
  Response derive_form(Request& r, Session& s, const std::string& error, int status);
  Response derive(Request& r, Session& s);
  Response diff(Request& r, Session& s);
  Response audit_dashboard(Request& r, Session& s);
  Response audit_csv(Request& r, Session& s);
  Response templates(Request& r, Session& s, const std::string& error, const std::string& notice, int status);
  Response upload_template(Request& r, Session& s);
  Response template_diff(Request& r, Session& s);
  Response organisations(Request& r, Session& s, const std::string& error, int status,
                         const std::string& user_error = "");
  Response add_organisation(Request& r, Session& s);
  Response add_user(Request& r, Session& s);

  static constexpr const char* kCsrfMark = "@@tom-csrf@@";
  static std::string with_csrf(std::string body, const std::string& token) {
    for (size_t at = body.find(kCsrfMark); at != std::string::npos; at = body.find(kCsrfMark, at + token.size()))
      body.replace(at, std::string(kCsrfMark).size(), token);
    return body;
  }
  std::mutex body_mu_;
  std::map<std::string, std::string> bodies_;  // rendered section bodies by assessment/section/revision/editable
  std::unordered_map<std::string, std::string> item_html_;  // rendered items by everything they show

  api::Api& api_;
  service::Workbench& wb_;
  store::Store& store_;
  service::Identity& identity_;
};

}  // namespace tom::web
