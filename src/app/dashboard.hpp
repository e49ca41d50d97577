#pragma once
// The central audit: every TOM with how far it is from go-live, for the central body's reviewers and for
// administrators (domain::may_see_whole_audit). Read from the kept summaries: a page of rows and the counts
// over all of them, whatever the number of TOMs.
#include <functional>

#include "app/reading.hpp"
#include "app/workbench.hpp"
#include "domain/access.hpp"
#include "domain/records.hpp"

namespace tom::app {

struct AuditDashboard {
  domain::SummaryPage page;      // the rows of this page (domain::SummaryRow: rag, why, percent)
  domain::SummaryCounts counts;  // over every TOM matching the filters (the status filter aside)
};

// Red: an escalation is open or lapsed, or less than half is answered; Amber: not complete yet, or findings
// open or lapsed; Green: complete with nothing open. kForbidden for anyone but central reviewers and
// administrators.
Result<AuditDashboard> audit_dashboard(Workbench& wb, const domain::Caller& caller,
                                       domain::SummaryQuery query);

// Every row of the dashboard matching the query, read a page at a time (the CSV download streams these);
// kForbidden, before anything is read, for anyone but central reviewers and administrators.
Result<AssessmentReader> audit_rows(Workbench& wb, const domain::Caller& caller, domain::SummaryQuery query);

}  // namespace tom::app
