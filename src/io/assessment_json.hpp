#pragma once
// The JSON interchange form of a whole assessment (`tom export --format json`, `tom import --as assessment`):
// {"format": "tom-assessment/1", "assessment": {...}, "participants": [...], "answers": [...],
//  "findings": [...], "approvals": [...]}
#include <boost/json.hpp>
#include <string>

#include "core/error.hpp"
#include "domain/records.hpp"

namespace tom::io {

boost::json::object assessment_bundle_to_json(const domain::AssessmentBundle& b);
// Validates the whole document first; every problem names its place (e.g. answers[3].value).
Result<domain::AssessmentBundle> assessment_bundle_from_json(std::string_view text, const std::string& file);

}  // namespace tom::io
