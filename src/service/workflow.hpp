#pragma once
// The workflow's operations with their access checks, shared by the API and the web pages: accepting
// findings, submitting and deciding phases, handing the TOM on. Each refuses with kForbidden (why, in words)
// or kInvalidInput before writing anything.
#include <string>
#include <vector>

#include "domain/access.hpp"
#include "service/workbench.hpp"

namespace tom::service {

struct AcceptRequest {
  std::string key;
  bool accept = true;  // false: resolve
  std::string by;      // named person; default the caller's name
  std::string expires_on;
  std::string mitigation;
};
Result<domain::Finding> settle_finding(Workbench& wb, const domain::Caller& caller,
                                       const domain::Assessment& a, const AcceptRequest& r);

Result<domain::Submission> submit_phase(Workbench& wb, const domain::Caller& caller,
                                        const domain::Assessment& a, const domain::Template& t,
                                        const std::string& phase);

struct Decided {
  domain::Approval approval;
  std::vector<std::string> accepted_findings;  // open risks the phase 2 owner accepted by approving
};
Result<Decided> decide_phase(Workbench& wb, const domain::Caller& caller, const domain::Assessment& a,
                             const domain::Template& t, domain::Approval decision);

Result<domain::Handoff> hand_off(Workbench& wb, const domain::Caller& caller, const domain::Assessment& a,
                                 const domain::Template& t, const std::string& to, const std::string& note);

struct DerivedTom {
  domain::Assessment assessment;
  std::vector<std::string> carried;
  std::vector<std::string> reset;
};
// Reuses an approved TOM (final phase approved) for another deploying organisation; suppliers (or
// administrators) only.
Result<DerivedTom> derive(Workbench& wb, const domain::Caller& caller, const domain::Assessment& a,
                          const domain::Template& t, int64_t organisation, const std::string& title);

}  // namespace tom::service
