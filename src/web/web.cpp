#include "web/web.hpp"

#include "web/pages.hpp"

#include <algorithm>

#include "app/views.hpp"
#include "app/workflow.hpp"
#include "core/clock.hpp"
#include "core/text.hpp"
#include "domain/next_steps.hpp"
#include "domain/workflow.hpp"
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

std::string safe_next(const std::string& next) {
  // ^/[A-Za-z0-9][A-Za-z0-9/_.-]*(\?[A-Za-z0-9=&_.%-]*)?$ without "//", checked by hand (no regex engine on
  // attacker input), and a length a Location header can carry.
  auto in = [](char c, std::string_view extra) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           extra.find(c) != std::string_view::npos;
  };
  if (next == "/") return next;
  if (next.size() < 2 || next.size() > 2000 || next[0] != '/' || !in(next[1], "")) return "/";
  size_t q = next.find('?');
  std::string_view path = std::string_view(next).substr(0, q);
  for (char c : path)
    if (!in(c, "/_.-")) return "/";
  if (path.find("//") != std::string_view::npos) return "/";
  if (q != std::string::npos)
    for (char c : std::string_view(next).substr(q + 1))
      if (!in(c, "=&_.%-")) return "/";
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
    (void)identity_.sign_out(s->auth);
    return redirect("/sign-in").with("Set-Cookie", api::Api::cleared_session_cookie());
  });
  page("GET", "/", false, [this](Request& r, Session* s) { return home(r, *s); });
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
  if (!is_public) {
    // Before the body is read: a visitor who is not signed in is sent to the sign-in page unread, so only a
    // signed-in person can make the server read a large upload. (The CSRF token is a field of the body, never
    // in the URL, so it is checked once the body is in.)
    r.admit = [this](Request& req) -> std::optional<Response> {
      auto auth = identity_.authenticate(req.cookie("tom_session"), "");
      if (!auth) return redirect("/sign-in?next=" + http::percent_encode_component(req.path));
      Session s{std::move(auth).value()};
      req.admitted = std::move(s.auth);
      return std::nullopt;
    };
  }
  r.handler = [this, is_public, method, h = std::move(h)](Request& req) -> Response {
    if (is_public) {
      if (auto bad = method == "POST" ? bad_form_text(req) : ""; !bad.empty())
        return error_page(400, "There is a problem with the form", bad, nullptr);
      return h(req, nullptr);
    }
    std::optional<Session> s;
    if (auto* admitted = std::any_cast<app::Authenticated>(&req.admitted)) {
      s = Session{*admitted};
    } else {
      auto auth = identity_.authenticate(req.cookie("tom_session"), "");
      if (!auth) return redirect("/sign-in?next=" + http::percent_encode_component(req.path));
      s = Session{std::move(auth).value()};
    }
    if (method == "POST") {
      // Forms arrive url-encoded, or as multipart for file uploads; the token is a field of either, never in
      // the URL (where it would be logged and leak through Referer).
      std::string sent = multipart(req) ? multipart_field(req.header("content-type"), req.body, "_csrf")
                                        : field(parse_form(req.body), "_csrf");
      if (!csrf_matches(*s, sent))
        return error_page(403, "This form has expired", "Go back, reload the page and try again.", &*s);
      if (auto bad = bad_form_text(req); !bad.empty())
        return error_page(400, "There is a problem with the form", bad, &*s);
    }
    return h(req, &*s);
  };
  api_.add_route(std::move(r));
}

std::string Pages::bad_form_text(const Request& req) {
  auto check = [](const std::string& name, const std::string& value) -> std::string {
    if (auto p = text_problem(name); !p.empty()) return "A field's name " + p + ".";
    if (auto p = text_problem(value); !p.empty()) return "The field '" + name + "' " + p + ".";
    return "";
  };
  if (multipart(req)) {
    for (const auto& part : parse_multipart(req.header("content-type"), req.body))
      if (part.filename.empty())
        if (auto m = check(part.name, part.body); !m.empty()) return m;
    return "";
  }
  const std::string& body = req.body;
  for (size_t p = 0; p <= body.size();) {
    size_t amp = body.find('&', p);
    std::string pair = body.substr(p, amp == std::string::npos ? std::string::npos : amp - p);
    auto eq = pair.find('=');
    bool key_ok, value_ok = true;
    std::string k = http::percent_decode_component(pair.substr(0, eq), &key_ok);
    std::string v =
        eq == std::string::npos ? "" : http::percent_decode_component(pair.substr(eq + 1), &value_ok);
    // percent_decode_component refuses NUL bytes (keeping the text) and broken escapes (returning "").
    if (!key_ok && k.find('\0') == std::string::npos) return "The form is not validly encoded.";
    if (auto m = check(k, ""); !m.empty()) return m;
    if (!value_ok && v.find('\0') == std::string::npos)
      return "The field '" + k + "' is not validly encoded.";
    if (auto m = check(k, v); !m.empty()) return m;
    if (amp == std::string::npos) break;
    p = amp + 1;
  }
  return "";
}

bool Pages::multipart(const Request& req) {
  return req.header("content-type").rfind("multipart/form-data", 0) == 0;
}

bool Pages::csrf_matches(const Session& s, const std::string& sent) {
  return app::Identity::csrf_matches(s.auth, sent);
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
    u.set("central", may_see_whole_audit(s->auth.caller));
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

Response Pages::failure_page(const Error& e, const Session& s) {
  switch (e.code) {
    case ErrorCode::kForbidden:
      return error_page(403, "You cannot do this", sentence(e), &s);
    case ErrorCode::kNotFound:
      return error_page(404, "Page not found", sentence(e), &s);
    case ErrorCode::kInvalidInput:
    case ErrorCode::kConflict:
      return error_page(http_status(e.code), "There is a problem", sentence(e), &s);
    default:
      return error_page(503, "Sorry, there is a problem with the service", "Try again later.", &s);
  }
}

std::string sentence(const Error& e) {
  std::string out = e.message;
  if (!e.problems.empty() && out.find(e.problems.front().message) == std::string::npos)
    out += ": " + (e.problems.front().where.field.empty() ? "" : e.problems.front().where.field + " ") +
           e.problems.front().message;
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  if (!out.empty() && out.back() != '.') out += '.';
  return out;
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
  // The same cookie as the API's sign-in: Secure unless the server runs with --insecure-cookies.
  std::string cookie = api_.session_cookie(signed_in->token);
  return redirect(safe_next(field(f, "next"))).with("Set-Cookie", cookie);
}

std::string Pages::party_name(const Template& t, const std::string& id) {
  const Party* p = t.find_party(id);
  return p ? p->name : id;
}

std::map<std::string, std::string> Pages::people(const std::vector<std::string>& emails) {
  return app::names_by_email(wb_, emails);
}

std::string Pages::person_name(const std::string& email) {
  auto named = people({email});
  auto it = named.find(email);
  return it == named.end() ? email : it->second;
}

Data Pages::next_steps(const Template& t, const Assessment& a, const Waiting& w, const Completeness& c,
                       const Session& s) {
  std::map<std::string, std::string> first_missing;
  for (const auto& m : c.missing) first_missing.emplace(m.party, m.section_id);
  std::map<int64_t, std::string> names;
  for (const auto& p : a.participants)
    if (auto o = app::organisation(wb_, p.organisation_id)) names[p.organisation_id] = o->name;
  return steps_data(t, a, w.approved, w.steps, first_missing, names, s);
}

Data Pages::steps_data(const Template& t, const Assessment& a, bool approved,
                       const std::vector<NextStep>& steps_of,
                       const std::map<std::string, std::string>& first_missing,
                       const std::map<int64_t, std::string>& organisation_names, const Session& s) {
  std::string base_href = "/assessments/" + std::to_string(a.id);
  Data steps = list();
  bool mine_any = false;
  Data out = object();
  for (const auto& step : steps_of) {
    Data x = object();
    bool mine = waits_for(s.auth.caller, t, a, step);
    bool first_mine = mine && !mine_any;  // the main button of the page
    mine_any = mine_any || mine;
    x.set("mine", mine);
    x.set("text", step.text);
    // The organisation's name when one plays the party (that is who people know), else the party's.
    std::string who = party_name(t, step.party);
    if (int64_t org = a.organisation_for(step.party))
      if (auto it = organisation_names.find(org); it != organisation_names.end()) who = it->second;
    x.set("who", who);
    std::string href = base_href;
    switch (step.kind) {
      case StepKind::kAnswer:
        if (auto it = first_missing.find(step.party); it != first_missing.end())
          href = base_href + "/sections/" + it->second;
        break;
      case StepKind::kHandOn:
        href = base_href + "/handoff";
        break;
      case StepKind::kSubmit:
      case StepKind::kDecide:
        href = base_href + "/approvals";
        break;
    }
    x.set("href", href);
    if (first_mine) {
      out.set("has_primary", true);
      out.set("primary_text", step.text);
      out.set("primary_href", href);
    }
    steps.push_back(x);
  }
  out.set("approved", approved);
  out.set("has_steps", !steps_of.empty());
  out.set("steps", steps);
  out.set("mine", mine_any);
  return out;
}

std::optional<api::Loaded> Pages::load(Request& r, Session& s, Response* fail) {
  auto id = api::id_param(r, "id");
  if (!id) {
    *fail = error_page(404, "Page not found", "There is no assessment here that you can see.", &s);
    return std::nullopt;
  }
  auto opened = app::open_assessment(wb_, s.auth.caller, *id);
  if (!opened) {
    *fail = opened.error().code == ErrorCode::kNotFound
                ? error_page(404, "Page not found", "There is no assessment here that you can see.", &s)
                : error_page(500, "Sorry, there is a problem with the service",
                             "The assessment's template cannot be read.", &s);
    return std::nullopt;
  }
  return std::move(opened).value();
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
