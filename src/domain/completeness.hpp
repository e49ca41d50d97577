#pragma once
// What is still missing from an assessment, per phase and party, and why. Pure.
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "domain/assessment.hpp"
#include "domain/template.hpp"

namespace tom::domain {

struct MissingItem {
  std::string item_id;
  std::string section_id;
  std::string party;
  std::vector<std::string> phases;
  std::string reason;  // e.g. "not answered", "'Non-compliant' needs a note explaining it"
};

struct SectionProgress {
  std::string section_id;
  std::string title;
  size_t required = 0;  // answerable, in scope, not optional, matching the filter
  size_t answered = 0;  // of those, answered acceptably
};

struct Completeness {
  std::vector<MissingItem> missing;
  std::vector<SectionProgress> sections;
  size_t required = 0;
  size_t answered = 0;
  bool complete() const { return missing.empty(); }
};

struct CompletenessFilter {
  std::string phase;  // empty: every phase
  std::string party;  // empty: every party
};

// Items listed in out_of_scope (their applies_when is false) are never missing.
Completeness assess_completeness(const Template& t, const AnswerSet& answers,
                                 const std::set<std::string>& out_of_scope, const CompletenessFilter& filter);

// Checks a value against the item's answer type and vocabulary; the error message says what is allowed.
// An empty value is allowed (it clears the answer).
Status validate_answer_value(const Template& t, const Item& item, const std::string& value);

// Why a stored answer does not count as complete, or empty when it does.
std::string incomplete_reason(const Template& t, const Item& item, const Answer* answer);

}  // namespace tom::domain
