#pragma once
// The workflow's operations with their access checks, shared by the API and the web pages: accepting
// findings, submitting and deciding phases, handing the TOM on. Each refuses with kForbidden (why, in words)
// or kInvalidInput before writing anything.
#include <string>
#include <vector>

#include "app/workbench.hpp"
#include "domain/access.hpp"

namespace tom::app {

struct AcceptRequest {
  std::string key;
  bool accept = true;  // false: resolve
  std::string by;      // empty, or the caller's own name: nobody accepts a risk in another's name
  std::string expires_on;
  std::string mitigation;
};
// Accepts (or resolves) a current finding. Only a person holding the finding's role in the finding's party
// does (domain::why_not_accept); an acceptance is under the caller's own name, needs a mitigation and an
// expiry date after today.
Result<domain::Finding> settle_finding(Workbench& wb, const domain::Caller& caller,
                                       const domain::Assessment& a, const AcceptRequest& r);

Result<domain::Submission> submit_phase(Workbench& wb, const domain::Caller& caller,
                                        const domain::Assessment& a, const domain::Template& t,
                                        const std::string& phase);

struct Decided {
  domain::Approval approval;
};
// Records a gateway decision. Refused (nothing written) unless: the caller's organisation plays the phase's
// approver party with the approver role (domain::why_not_decide); the phase is submitted and not already
// decided since; the caller did not submit it; for an approval, the phase's required items are complete, or
// `decision.override_reason` says why it is approved anyway (recorded); for a phase that accepts risks, no
// finding other than an escalation is open (each is accepted by its own role holder first). The approval
// keeps the answers it was made on (its basis), so a later change shows.
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

}  // namespace tom::app
