#pragma once
// Organisations and people: who may list and add them is decided here (domain/access), the same for the API,
// the pages and the CLI.
#include <map>
#include <string>
#include <vector>

#include "app/identity.hpp"
#include "app/workbench.hpp"

namespace tom::app {

// One page of the organisations, by name (ListQuery: text in the name or ODS code, type). Any signed-in
// person may see who plays parties.
Result<domain::Page<domain::Organisation>> organisations(Workbench& wb, const domain::ListQuery& q);
Result<domain::Organisation> organisation(Workbench& wb, int64_t id);
// Adds an organisation: administrators only; the name is required and the type is one of
// domain::organisation_types() (empty: "other"); there is one central body. Every problem is named by field.
Result<domain::Organisation> add_organisation(Workbench& wb, const domain::Caller& caller,
                                              domain::Organisation o);

// One page of the people the caller may see (domain::may_see_person), by name (ListQuery: text in the name or
// email, organisations): an administrator sees anyone's, anyone else only their own organisation's, whatever
// organisations the query names.
Result<domain::Page<domain::User>> people(Workbench& wb, const domain::Caller& caller, domain::ListQuery q);
// The names of the people with these emails, by email, for showing who did something by name rather than by
// address (an email no one has, or a failed read, is left out: the caller shows the address).
std::map<std::string, std::string> names_by_email(Workbench& wb, const std::vector<std::string>& emails);
// Adds a person: administrators only; then as Identity::create_user (email, name, password, roles checked).
Result<domain::User> add_person(Identity& identity, const domain::Caller& caller, const domain::User& u,
                                const std::string& password);

}  // namespace tom::app
