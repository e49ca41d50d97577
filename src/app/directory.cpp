#include "app/directory.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "domain/access.hpp"
#include "store/store.hpp"

namespace tom::app {

using namespace tom::domain;

Result<Page<Organisation>> organisations(Workbench& wb, const ListQuery& q) {
  return wb.store().page_organisations(q);
}

Result<Organisation> organisation(Workbench& wb, int64_t id) {
  return wb.store().get_organisation(id);
}

Result<Organisation> add_organisation(Workbench& wb, const Caller& caller, Organisation o) {
  if (std::string why = why_not_manage_directory(caller, "organisations"); !why.empty())
    return Error::forbidden(why);
  std::vector<Problem> problems;
  auto bad = [&](const char* field, std::string message) {
    problems.push_back(Problem{{"", "", 0, field, ""}, std::move(message)});
  };
  for (auto [field, value] : {std::pair{"name", &o.name}, std::pair{"ods_code", &o.ods_code}})
    if (auto why = text_problem(*value); !why.empty()) bad(field, why);
  if (o.name.empty()) bad("name", "is required: enter the organisation's name");
  if (utf8_length(o.name) > 200) bad("name", "has more than 200 characters");
  if (utf8_length(o.ods_code) > 20) bad("ods_code", "has more than 20 characters");
  if (o.type.empty()) o.type = "other";
  // The type is checked by the store, the last line before the database, in the same words.
  if (!problems.empty()) {
    std::string first =
        "the organisation cannot be added: " + problems.front().where.field + " " + problems.front().message;
    return Error::invalid(std::move(first), std::move(problems));
  }
  o.id = 0;
  return wb.store().add_organisation(o, caller.user.email);
}

Result<Page<User>> people(Workbench& wb, const Caller& caller, ListQuery q) {
  if (!caller.admin()) {
    // domain::may_see_person: their own organisation's people only (none for someone of no organisation,
    // as organisation ids start at 1).
    int64_t own = caller.organisation.id;
    bool asked_other = !q.organisations.empty() && std::find(q.organisations.begin(), q.organisations.end(),
                                                             own) == q.organisations.end();
    q.organisations = {asked_other || own == 0 ? int64_t{-1} : own};
  }
  return wb.store().page_users(q);
}

std::map<std::string, std::string> names_by_email(Workbench& wb, const std::vector<std::string>& emails) {
  auto names = wb.store().user_names(emails);
  return names ? std::move(*names) : std::map<std::string, std::string>{};
}

Result<User> add_person(Identity& identity, const Caller& caller, const User& u,
                        const std::string& password) {
  if (std::string why = why_not_manage_directory(caller, "people"); !why.empty())
    return Error::forbidden(why);
  return identity.create_user(u, password, caller.user.email);
}

}  // namespace tom::app
