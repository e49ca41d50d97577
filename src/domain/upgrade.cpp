#include "domain/upgrade.hpp"

#include "domain/completeness.hpp"
#include "domain/template_diff.hpp"

namespace tom::domain {

UpgradeReport plan_upgrade(const Template& from, const Template& to, const AnswerSet& answers) {
  UpgradeReport r;
  r.from = from.ref();
  r.to = to.ref();
  TemplateDiff d = diff_templates(from, to);
  r.added = d.added;
  r.removed = d.removed;
  for (const auto& c : d.changed) r.changed.push_back(c.item_id);
  for (const auto& s : to.sections) {
    for (const auto& item : s.items) {
      auto a = answers.find(item.id);
      if (a == answers.end() || a->second.value.empty() || !from.find_item(item.id)) continue;
      if (!item.answerable() || !validate_answer_value(to, item, a->second.value).ok())
        r.needs_review.push_back(item.id);
      else
        r.carried.push_back(item.id);
    }
  }
  return r;
}

}  // namespace tom::domain
