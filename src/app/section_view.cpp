#include "app/section_view.hpp"

#include <map>

#include "app/workbench.hpp"

namespace tom::app {

SectionView build_section_view(std::shared_ptr<const CheckReport> report, const domain::Section& section) {
  SectionView v;
  const domain::Template& t = *report->loaded.tmpl;
  v.section = &section;
  size_t index = static_cast<size_t>(&section - &t.sections[0]);
  if (index < report->completeness.sections.size()) {
    v.answered = report->completeness.sections[index].answered;
    v.required = report->completeness.sections[index].required;
  }
  std::map<std::string, const std::string*> missing;
  for (const auto& m : report->completeness.missing) missing[m.item_id] = &m.reason;
  std::map<std::string, std::vector<const rules::RaisedFinding*>> results;
  for (const auto& f : report->evaluation.findings)
    if (!f.item_id.empty()) results[f.item_id].push_back(&f);
  for (const auto& item : section.items) {
    ItemView iv;
    iv.item = &item;
    if (auto a = report->answers.find(item.id); a != report->answers.end()) iv.answer = &a->second;
    if (auto m = missing.find(item.id); m != missing.end()) iv.missing = *m->second;
    iv.in_scope = report->evaluation.out_of_scope.count(item.id) == 0;
    if (auto r = results.find(item.id); r != results.end()) iv.results = std::move(r->second);
    v.items.push_back(std::move(iv));
  }
  v.report = std::move(report);
  return v;
}

}  // namespace tom::app
