#pragma once
// Differences between two templates, by item id (never by position).
#include <string>
#include <vector>

#include "domain/template.hpp"

namespace tom::domain {

struct ItemChange {
  std::string item_id;
  std::vector<std::string> fields;  // e.g. "text", "obligation", "choices", "section"
};

struct TemplateDiff {
  std::vector<std::string> added;    // in B only
  std::vector<std::string> removed;  // in A only
  std::vector<ItemChange> changed;   // in both, with differing fields
  std::vector<std::string> unchanged;
  bool empty() const { return added.empty() && removed.empty() && changed.empty(); }
};

TemplateDiff diff_templates(const Template& a, const Template& b);

}  // namespace tom::domain
