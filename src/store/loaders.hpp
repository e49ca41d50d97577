#pragma once
// Reads of one assessment's rows through a given connection, so a write transaction can read what it is
// writing (the summaries are built from these), and the store's single reads share the same code.
#include <cstdint>
#include <vector>

#include "domain/assessment.hpp"
#include "domain/template.hpp"
#include "store/sql/connection.hpp"

namespace tom::store {

// With participants; kNotFound when there is no such assessment.
Result<domain::Assessment> load_assessment(sql::Connection& c, int64_t id);
Result<domain::Organisation> load_organisation(sql::Connection& c, int64_t id);
// A user from columns id, email, name, organisation_id, roles starting at `at`.
domain::User user_from(const sql::Row& r, size_t at = 0);
Result<domain::AnswerSet> load_answers(sql::Connection& c, int64_t assessment);
Result<std::vector<domain::Finding>> load_findings(sql::Connection& c, int64_t assessment);
Result<std::vector<domain::Approval>> load_approvals(sql::Connection& c, int64_t assessment);
Result<std::vector<domain::Submission>> load_submissions(sql::Connection& c, int64_t assessment);
// The template's stored body, parsed (kNotFound when id@version is not stored).
Result<domain::Template> load_template(sql::Connection& c, const std::string& id, const std::string& version);

}  // namespace tom::store
