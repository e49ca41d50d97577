// Organisations and people: who plays parties, and adding organisations and people (administrators).
#include "web/pages.hpp"

namespace tom::web {

Response Pages::organisations(Request& r, Session& s, const std::string& error, int status,
                              const std::string& user_error) {
  constexpr int64_t kPerPage = 25;
  Data d = base("Organisations and people", &s);
  d.set("breadcrumbs", crumbs({{"/", "Your assessments"}}));
  // A page of organisations, then the people of just those (whom the caller may see), in two reads.
  domain::ListQuery q = list_request(r, kPerPage);
  auto orgs = app::organisations(wb_, q);
  if (!orgs) return failure_page(orgs.error(), s);
  domain::ListQuery of_these;
  of_these.limit = 500;
  for (const auto& o : orgs->items) of_these.organisations.push_back(o.id);
  std::map<int64_t, std::string> people;
  if (!of_these.organisations.empty()) {
    auto users = app::people(wb_, s.auth.caller, of_these);
    if (!users) return failure_page(users.error(), s);
    for (const auto& u : users->items) {
      std::string& names = people[u.organisation_id];
      names += (names.empty() ? "" : ", ") + u.name;
    }
    if (users->total > static_cast<int64_t>(users->items.size()))
      d.set("people_cut", "Only the first 500 people of these organisations are named.");
  }
  Data rows = list();
  for (const auto& o : orgs->items) {
    Data x = object();
    x.set("id", std::to_string(o.id));
    x.set("name", o.name);
    x.set("ods", opt(o.ods_code));
    x.set("type", o.type);
    x.set("people", people[o.id]);
    rows.push_back(x);
  }
  d.set("q", q.text);
  d.set("organisations", rows);
  d.set("has_organisations", rows.is_non_empty_list());
  d.set("pagination_html",
        pagination(r, "/organisations", orgs->prev_cursor, orgs->next_cursor,
                   static_cast<int64_t>(orgs->items.size()), orgs->total, q.limit,
                   q.text.empty() ? "There are no organisations yet."
                                  : "No organisation's name or ODS code has those words."));
  d.set("admin", s.auth.caller.admin());
  Data roles = list();
  for (const char* role :
       {"editor", "approver", "siro", "clinical-safety-officer", "central-reviewer", "administrator"})
    roles.push_back(Data(role));
  d.set("roles", roles);
  if (!error.empty()) {
    d.set("error", error);
    d.set("has_errors", true);
    d.set("errors", one_error("org-name", error));
  }
  if (!user_error.empty()) {
    d.set("user_error", user_error);
    d.set("has_errors", true);
    d.set("errors", one_error("user-email", user_error));
  }
  return html(status, render_page("organisations", d));
}

Response Pages::add_organisation(Request& r, Session& s) {
  Form f = parse_form(r.body);
  Organisation o{0, field(f, "name"), field(f, "ods_code"), field(f, "type")};
  auto added = app::add_organisation(wb_, s.auth.caller, o);
  if (!added && added.error().code == ErrorCode::kForbidden) return failure_page(added.error(), s);
  if (!added) return organisations(r, s, sentence(added.error()), http_status(added.error().code));
  return redirect("/organisations");
}

Response Pages::add_user(Request& r, Session& s) {
  if (std::string why = why_not_manage_directory(s.auth.caller, "people"); !why.empty())
    return failure_page(Error::forbidden(why), s);
  Form f = parse_form(r.body);
  User u;
  u.email = field(f, "email");
  u.name = field(f, "name");
  std::string org = field(f, "organisation_id");
  if (org.empty() || org.size() > 18 || org.find_first_not_of("0123456789") != std::string::npos)
    return organisations(r, s, "", 400, "Choose the person's organisation");
  u.organisation_id = std::stoll(org);
  for (auto [it, end] = f.equal_range("roles"); it != end; ++it) u.roles.push_back(it->second);
  auto added = app::add_person(identity_, s.auth.caller, u, field(f, "password"));
  if (!added) return organisations(r, s, "", http_status(added.error().code), sentence(added.error()));
  return redirect("/organisations");
}

}  // namespace tom::web
