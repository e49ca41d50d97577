#pragma once
// Writes an assessment as a TOM workbook: one sheet per section in the family's layout (ID | Item | Guidance
// | Actioned By | Obligation | Response | Additional Notes / References | Type | Result), the party colour
// key, dropdowns with the template's vocabularies, template text locked and answer cells open, rule results
// visible, approvals, and a hidden metadata sheet so the workbook imports back as exactly the same
// assessment.
#include <string>

#include "core/error.hpp"
#include "rules/engine.hpp"
#include "domain/records.hpp"

namespace tom::io::xlsx_export {

// Writes atomically to `path` (via PATH.tmp).
Status write_assessment_xlsx(const std::string& path, const domain::Template& t,
                             const domain::AssessmentBundle& b, const rules::Evaluation& evaluation);

// The answers as CSV (one row per answerable item), RFC 4180 quoting.
std::string assessment_csv(const domain::Template& t, const domain::AssessmentBundle& b);

}  // namespace tom::io::xlsx_export
