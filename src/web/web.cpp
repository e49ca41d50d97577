#include "web/web.hpp"

#include "web/pages.hpp"

#include <sodium.h>

#include <algorithm>

#include "core/clock.hpp"
#include "domain/workflow.hpp"
#include "service/views.hpp"
#include "service/workflow.hpp"
#include "web/assets.hpp"
#include "web/render.hpp"

namespace tom::web {

Form parse_form(const std::string& body) {
  Form out;
  size_t p = 0;
  while (p <= body.size()) {
    size_t amp = body.find('&', p);
    std::string pair = body.substr(p, amp == std::string::npos ? std::string::npos : amp - p);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      bool ok1, ok2 = true;
      std::string k = http::percent_decode_component(pair.substr(0, eq), &ok1);
      std::string v =
          eq == std::string::npos ? "" : http::percent_decode_component(pair.substr(eq + 1), &ok2);
      if (ok1 && ok2) out.emplace(k, v);
    }
    if (amp == std::string::npos) break;
    p = amp + 1;
  }
  return out;
}

std::string field(const Form& f, const std::string& k) {
  auto it = f.find(k);
  return it == f.end() ? "" : it->second;
}

Response html(int status, std::string body) {
  return Response::text(status, std::move(body), "text/html; charset=utf-8");
}

Response redirect(const std::string& to) {
  return Response::empty(303).with("Location", to);
}

// Only local paths are followed after sign-in.
std::string safe_next(const std::string& next) {
  if (next.empty() || next[0] != '/' || next.rfind("//", 0) == 0 || next.find('\\') != std::string::npos)
    return "/";
  return next;
}

const char* tag_class(const std::string& state) {
  if (state == "approved") return "nhsuk-tag--green";
  if (state == "rejected") return "nhsuk-tag--red";
  if (state == "submitted") return "nhsuk-tag--blue";
  return "nhsuk-tag--grey";
}

void Pages::install() {
  for (const auto& a : assets()) {
    http::Route r;
    r.method = "GET";
    r.pattern = std::string(a.path);
    r.summary = "Static asset";
    r.public_route = true;
    r.api = false;
    r.handler = [a](Request&) {
      return Response::text(200, std::string(a.bytes), std::string(a.content_type))
          .with("Cache-Control", "public, max-age=3600");
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
    fav.handler = [](Request&) {
      return redirect("/assets/images/favicon.ico").with("Cache-Control", "public, max-age=86400");
    };
    api_.add_route(std::move(fav));
  }
  page("GET", "/sign-in", true, [this](Request& r, Session*) { return sign_in_form(r, "", "", ""); });
  page("POST", "/sign-in", true, [this](Request& r, Session*) { return sign_in(r); });
  page("POST", "/sign-out", false, [this](Request&, Session* s) {
    (void)store_.delete_session(s->auth.token_hash);
    return redirect("/sign-in")
        .with("Set-Cookie", "tom_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
  });
  page("GET", "/", false, [this](Request&, Session* s) { return home(*s); });
  page("GET", "/assessments/{id}", false, [this](Request& r, Session* s) { return overview(r, *s); });
  page("GET", "/assessments/{id}/sections/{section}", false,
       [this](Request& r, Session* s) { return section(r, *s, {}, {}); });
  page("POST", "/assessments/{id}/sections/{section}", false,
       [this](Request& r, Session* s) { return save_section(r, *s); });
  page("GET", "/assessments/{id}/history", false, [this](Request& r, Session* s) { return history(r, *s); });
  page("GET", "/assessments/{id}/findings", false,
       [this](Request& r, Session* s) { return findings(r, *s, "", 200); });
  page("POST", "/assessments/{id}/findings/accept", false,
       [this](Request& r, Session* s) { return accept(r, *s); });
  page("GET", "/assessments/{id}/approvals", false,
       [this](Request& r, Session* s) { return approvals(r, *s, {}, 200); });
  page("POST", "/assessments/{id}/approvals/submit", false,
       [this](Request& r, Session* s) { return submit(r, *s); });
  page("POST", "/assessments/{id}/approvals/decide", false,
       [this](Request& r, Session* s) { return decide(r, *s); });
  page("GET", "/assessments/{id}/handoff", false,
       [this](Request& r, Session* s) { return handoff(r, *s, {}, 200); });
  page("POST", "/assessments/{id}/handoff", false,
       [this](Request& r, Session* s) { return do_handoff(r, *s); });
  page("GET", "/assessments/{id}/derive", false,
       [this](Request& r, Session* s) { return derive_form(r, *s, "", 200); });
  page("POST", "/assessments/{id}/derive", false, [this](Request& r, Session* s) { return derive(r, *s); });
  page("GET", "/assessments/{id}/diff/{other}", false,
       [this](Request& r, Session* s) { return diff(r, *s); });
  page("GET", "/audit", false, [this](Request& r, Session* s) { return audit_dashboard(r, *s); });
  page("GET", "/audit.csv", false, [this](Request& r, Session* s) { return audit_csv(r, *s); });
  page("GET", "/templates", false, [this](Request& r, Session* s) { return templates(r, *s, "", "", 200); });
  page(
      "POST", "/templates", false, [this](Request& r, Session* s) { return upload_template(r, *s); },
      32u << 20);
  page("GET", "/templates/diff", false, [this](Request& r, Session* s) { return template_diff(r, *s); });
  page("GET", "/organisations", false,
       [this](Request& r, Session* s) { return organisations(r, *s, "", 200); });
  page("POST", "/organisations", false, [this](Request& r, Session* s) { return add_organisation(r, *s); });
  page("POST", "/users", false, [this](Request& r, Session* s) { return add_user(r, *s); });
}

void Pages::page(const std::string& method, const std::string& pattern, bool is_public, PageHandler h,
                 size_t body_limit) {
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
      std::string sent = req.header("content-type").rfind("multipart/form-data", 0) == 0
                             ? req.query["_csrf"]
                             : field(parse_form(req.body), "_csrf");
      const std::string& want = s.auth.csrf_token;
      if (sent.size() != want.size() || sodium_memcmp(sent.data(), want.data(), want.size()) != 0)
        return error_page(403, "This form has expired", "Go back, reload the page and try again.", &s);
    }
    return h(req, &s);
  };
  api_.add_route(std::move(r));
}

Data Pages::base(const std::string& title, const Session* s) {
  Data d = object();
  d.set("title", opt(title));
  d.set("has_errors", false);
  if (s) {
    Data u = object();
    u.set("name", s->auth.caller.user.name);
    u.set("organisation", s->auth.caller.organisation.name);
    u.set("csrf", s->auth.csrf_token);
    u.set("central", s->auth.caller.admin() ||
                         (s->auth.caller.central() && s->auth.caller.user.has_role("central-reviewer")));
    d.set("user", u);
    d.set("csrf", s->auth.csrf_token);
  }
  d.set("breadcrumbs", list());
  return d;
}

Response Pages::error_page(int status, const std::string& heading, const std::string& message,
                           const Session* s) {
  Data d = base(heading, s);
  d.set("heading", heading);
  d.set("message", message);
  return html(status, render_page("error", d));
}

Response Pages::sign_in_form(Request& r, const std::string& email, const std::string& email_error,
                             const std::string& password_error, int status) {
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

Response Pages::sign_in(Request& r) {
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
  std::string cookie =
      "tom_session=" + signed_in->token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure";
  return redirect(safe_next(field(f, "next"))).with("Set-Cookie", cookie);
}

std::string Pages::party_name(const Template& t, const std::string& id) {
  const Party* p = t.find_party(id);
  return p ? p->name : id;
}

Response Pages::home(Session& s) {
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
    for (const auto& ph : (*report)->phases()) {
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

std::optional<api::Loaded> Pages::load(Request& r, Session& s, Response* fail) {
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
    *fail = error_page(500, "Sorry, there is a problem with the service",
                       "The assessment's template cannot be read.", &s);
    return std::nullopt;
  }
  return api::Loaded{std::move(*a), std::move(t).value()};
}

Data Pages::crumbs(std::initializer_list<std::pair<std::string, std::string>> items) {
  Data out = list();
  for (const auto& [href, text] : items) {
    Data c = object();
    c.set("href", href);
    c.set("text", text);
    out.push_back(c);
  }
  return out;
}

Data Pages::one_error(const std::string& field_id, const std::string& message) {
  Data errors = list();
  Data e = object();
  e.set("field", field_id);
  e.set("message", message);
  errors.push_back(e);
  return errors;
}

Data Pages::assessment_page(const std::string& title, const api::Loaded& l, const Session& s) {
  Data d = base(title, &s);
  d.set("breadcrumbs", crumbs({{"/", "Your assessments"},
                               {"/assessments/" + std::to_string(l.assessment.id), l.assessment.product}}));
  d.set("product", l.assessment.product);
  d.set("assessment", std::to_string(l.assessment.id));
  return d;
}

void add_pages(api::Api& api) {
  static std::vector<std::unique_ptr<Pages>> keep;  // the routes refer to it for the process's life
  keep.push_back(std::make_unique<Pages>(api));
  keep.back()->install();
}

}  // namespace tom::web
