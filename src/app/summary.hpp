#pragma once
// What the lists show about one assessment (domain::AssessmentSummary), defined once: the store keeps it with
// every write through the summariser the workbench gives it, and a full recomputation uses the same function.
#include <vector>

#include "app/workbench.hpp"
#include "domain/records.hpp"
#include "store/store.hpp"

namespace tom::app {

// Bumped whenever summarise() changes what it computes: summaries kept by an older format are rewritten
// (Store::refresh_summaries) before the lists read them.
inline constexpr int64_t kSummaryFormat = 1;

// The summary of a full, unfiltered check report; `organisations` are those its participants name.
domain::AssessmentSummary summarise(const CheckReport& r,
                                    const std::vector<domain::Organisation>& organisations);

// The hook for Store::keep_summaries: builds the check report from what the store read in its transaction
// (templates through the workbench's cache) and summarises it. The workbench must outlive the store's use.
store::Summariser summariser(Workbench& wb);

// Brings every summary up to date (those missing or of an older format), a batch at a time; returns how many
// were rewritten. Workbench::ensure_summaries calls it once per process before the first list is read.
Result<int64_t> refresh_all_summaries(Workbench& wb);

}  // namespace tom::app
