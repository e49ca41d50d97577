#pragma once
// One section of an assessment as everyone who may read it sees it: each item with its answer, whether it
// counts as missing and why, whether it is in scope, and the rule results about it. Built once per store
// revision and shared by the API and the pages (each renders it its own way); what differs per person (which
// items they may edit) is asked of domain::why_not_answer by the front door.
#include <memory>
#include <string>
#include <vector>

#include "domain/template.hpp"
#include "rules/engine.hpp"

namespace tom::app {

struct CheckReport;

struct ItemView {
  const domain::Item* item = nullptr;
  const domain::Answer* answer = nullptr;  // null: not answered
  std::string missing;                     // why it counts as missing; empty: it does not
  bool in_scope = true;
  std::vector<const rules::RaisedFinding*> results;  // rule findings about this item
};

// Everything the pointers point into is owned by `report` (its template included), so a view stays valid for
// as long as it is held, whatever is loaded or written meanwhile.
struct SectionView {
  std::shared_ptr<const CheckReport> report;
  const domain::Section* section = nullptr;
  size_t answered = 0, required = 0;  // the section's required items, and how many of them are answered
  std::vector<ItemView> items;
};

// Builds the view of `section` from a report (no I/O).
SectionView build_section_view(std::shared_ptr<const CheckReport> report, const domain::Section& section);

}  // namespace tom::app
