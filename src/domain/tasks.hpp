#pragma once
// The task list of a TOM for one person (the NHS.UK "task list" pattern on the overview): each section with
// where it stands for the parties the person's organisation plays, from the completeness of those parties'
// items and who holds the TOM. Pure: no I/O.
#include <string>
#include <vector>

#include "domain/assessment.hpp"
#include "domain/completeness.hpp"
#include "domain/template.hpp"

namespace tom::domain {

enum class TaskStatus {
  kNotYours,        // none of the section's required items is for the person's parties
  kCannotStartYet,  // they are, but the TOM is held by another party of the custody chain
  kNotStarted,      // none of them answered yet
  kInProgress,      // some answered
  kCompleted,       // every one answered acceptably
};
// "Not yours", "Cannot start yet", "Not started", "In progress", "Completed".
const char* to_string(TaskStatus s);

struct SectionTask {
  const Section* section = nullptr;
  TaskStatus status = TaskStatus::kNotYours;
  size_t required = 0, answered = 0;  // the person's parties' required items in the section, and answered
  std::vector<std::string> owners;    // the parties answering the section's required items, in template order
  std::string held_by;                // kCannotStartYet: the party holding the TOM now
};

// One task per section of `t`, in order, for someone whose organisation plays `mine` (party ids) in `a`.
// `per_party` holds, for each of those parties in the same order, its completeness (assess_completeness
// filtered to the party: its `sections` in template order).
// A party of the custody chain answers only while it holds the TOM (domain::held_elsewhere), so a section
// whose items wait for such a party that does not hold it cannot be started (or finished) yet.
std::vector<SectionTask> task_list(const Template& t, const Assessment& a,
                                   const std::vector<std::string>& mine,
                                   const std::vector<Completeness>& per_party);

}  // namespace tom::domain
