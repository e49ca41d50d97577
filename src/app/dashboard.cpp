#include "app/dashboard.hpp"

#include "app/reading.hpp"
#include "store/store.hpp"

namespace tom::app {

using namespace tom::domain;

namespace {
Status may_see(const Caller& caller) {
  if (!may_see_whole_audit(caller))
    return Error::forbidden("the central audit is for the central body's reviewers and administrators");
  return ok_status();
}
}  // namespace

Result<AuditDashboard> audit_dashboard(Workbench& wb, const Caller& caller, SummaryQuery query) {
  TOM_TRY(may_see(caller));
  AuditDashboard out;
  TOM_ASSIGN(out.page, list_assessments(wb, caller, query));
  query.visible_to = 0;
  query.today = wb.clock().today();
  TOM_ASSIGN(out.counts, wb.store().count_summaries(query));
  return out;
}

Result<AssessmentReader> audit_rows(Workbench& wb, const Caller& caller, SummaryQuery query) {
  TOM_TRY(may_see(caller));
  return read_assessments(wb, caller, std::move(query));
}

}  // namespace tom::app
