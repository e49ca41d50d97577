#include "domain/tasks.hpp"

#include <set>

#include "domain/access.hpp"

namespace tom::domain {

const char* to_string(TaskStatus s) {
  switch (s) {
    case TaskStatus::kNotYours:
      return "Not yours";
    case TaskStatus::kCannotStartYet:
      return "Cannot start yet";
    case TaskStatus::kNotStarted:
      return "Not started";
    case TaskStatus::kInProgress:
      return "In progress";
    case TaskStatus::kCompleted:
      return "Completed";
  }
  return "Not yours";
}

std::vector<SectionTask> task_list(const Template& t, const Assessment& a,
                                   const std::vector<std::string>& mine,
                                   const std::vector<Completeness>& per_party) {
  std::vector<SectionTask> out;
  out.reserve(t.sections.size());
  for (size_t i = 0; i < t.sections.size(); ++i) {
    const Section& sec = t.sections[i];
    SectionTask task;
    task.section = &sec;
    bool blocked = false;
    for (size_t p = 0; p < mine.size() && p < per_party.size(); ++p) {
      if (i >= per_party[p].sections.size()) continue;
      const SectionProgress& progress = per_party[p].sections[i];
      if (progress.required == 0) continue;
      task.required += progress.required;
      task.answered += progress.answered;
      if (held_elsewhere(t, a, mine[p]) && progress.answered < progress.required) blocked = true;
    }
    // The owners: the parties of the section's items that count towards its progress.
    std::set<std::string> owning;
    for (const auto& item : sec.items)
      if (item.answerable() && !t.recorded_by(item.id) && !item.party.empty()) owning.insert(item.party);
    for (const auto& party : t.parties)
      if (owning.count(party.id)) task.owners.push_back(party.id);
    if (task.required == 0)
      task.status = TaskStatus::kNotYours;
    else if (task.answered >= task.required)
      task.status = TaskStatus::kCompleted;
    else if (blocked) {
      task.status = TaskStatus::kCannotStartYet;
      task.held_by = a.custodian;
    } else
      task.status = task.answered == 0 ? TaskStatus::kNotStarted : TaskStatus::kInProgress;
    out.push_back(std::move(task));
  }
  return out;
}

}  // namespace tom::domain
