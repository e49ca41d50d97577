#pragma once
// Semantic checks every template must pass, whatever it was read from (YAML file, workbook, store).
#include <vector>

#include "core/error.hpp"
#include "domain/template.hpp"

namespace tom::domain {

// Every problem found, each with the item/rule id and the template line when known. Empty means valid.
// Expression problems (syntax, missing items, cycles) are found by rules::RuleSet::compile, not here.
std::vector<Problem> validate_template(const Template& t);

// Whether `id` is a valid id of the given shape: lower-case ids for sections, parties, vocabularies, rules;
// item ids allow upper case, '_' and '.'.
bool valid_lower_id(const std::string& id);
bool valid_item_id(const std::string& id);

}  // namespace tom::domain
