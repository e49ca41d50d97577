#pragma once
// Moving an assessment to another version of its template: answers are carried by item id, never by row.
// Pure.
#include <string>
#include <vector>

#include "domain/assessment.hpp"
#include "domain/template.hpp"

namespace tom::domain {

struct UpgradeReport {
  std::string from;  // id@version
  std::string to;
  std::vector<std::string> carried;       // answered in both versions, carried unchanged
  std::vector<std::string> added;         // new in the target version: to be answered
  std::vector<std::string> removed;       // gone from the target version; their answers are kept, not shown
  std::vector<std::string> changed;       // in both but the item changed (text, choices, party...): review
  std::vector<std::string> needs_review;  // carried answers the target's rules no longer accept
};

UpgradeReport plan_upgrade(const Template& from, const Template& to, const AnswerSet& answers);

}  // namespace tom::domain
