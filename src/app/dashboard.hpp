#pragma once
// The central audit: every TOM with how far it is from go-live, for the central body's reviewers and for
// administrators (domain::may_see_whole_audit). The same rows feed the audit page and its CSV download.
#include <string>
#include <vector>

#include "app/workbench.hpp"
#include "domain/access.hpp"

namespace tom::app {

struct AuditRow {
  int64_t id = 0;
  std::string product, template_name, template_id, organisation;  // organisation: the deploying one
  std::string rag;                                                // Red | Amber | Green
  std::string why;                                                // the RAG status in words
  int percent = 0;                                                // required items answered
  int open = 0;                                                   // findings open or lapsed
};

struct AuditQuery {
  std::string template_id;  // empty: every template
  std::string rag;          // empty: every status
};

// Red: an escalation is open, or less than half is answered; Amber: not complete yet, or findings open;
// Green: complete with nothing open. kForbidden for anyone but central reviewers and administrators.
Result<std::vector<AuditRow>> audit_dashboard(Workbench& wb, const domain::Caller& caller,
                                              const AuditQuery& query);

}  // namespace tom::app
