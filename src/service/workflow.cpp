#include "service/workflow.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "domain/workflow.hpp"
#include "service/views.hpp"

namespace tom::service {

using namespace tom::domain;

namespace {
Error forbidden(const std::string& why) {
  return Error{ErrorCode::kForbidden, why, {}, {}};
}
}  // namespace

Result<Finding> settle_finding(Workbench& wb, const Caller& caller, const Assessment& a,
                               const AcceptRequest& r) {
  if (!r.expires_on.empty() && !valid_iso_date(r.expires_on))
    return Error::invalid("the date the acceptance lapses must be a real date, YYYY-MM-DD");
  TOM_ASSIGN(auto report, wb.check_cached(a.id));
  auto views = merge_findings(*report, today_utc());
  const FindingView* view = nullptr;
  for (const auto& v : views)
    if (v.key == r.key) view = &v;
  if (!view) return Error::not_found("there is no current finding '" + r.key + "'");
  if (std::string why = why_not_accept(caller, a, view->role); !why.empty()) return forbidden(why);
  Finding f = finding_to_store(*view, a.id);
  if (!r.mitigation.empty()) f.mitigation = r.mitigation;
  if (r.accept) {
    f.status = FindingStatus::kAccepted;
    f.accepted_by = r.by.empty() ? caller.user.name : r.by;
    f.accepted_role = view->role.empty() ? "owner" : view->role;
    f.accepted_at = now_utc_iso();
    f.expires_on = r.expires_on;
  } else {
    f.status = FindingStatus::kResolved;
  }
  return wb.store().save_finding(f, caller.user.email);
}

Result<Submission> submit_phase(Workbench& wb, const Caller& caller, const Assessment& a, const Template& t,
                                const std::string& phase_id) {
  const Phase* phase = t.find_phase(phase_id);
  if (!phase) return Error::not_found("there is no phase '" + phase_id + "'");
  if (std::string why = why_not_submit(caller, t, a, *phase); !why.empty()) return forbidden(why);
  return wb.store().add_submission(Submission{0, a.id, phase->id, "", ""}, caller.user.email);
}

Result<Decided> decide_phase(Workbench& wb, const Caller& caller, const Assessment& a, const Template& t,
                             Approval ap) {
  const Phase* phase = t.find_phase(ap.phase);
  if (!phase) return Error::not_found("there is no phase '" + ap.phase + "'");
  if (!ap.area.empty() && std::find(phase->areas.begin(), phase->areas.end(), ap.area) == phase->areas.end())
    return Error::invalid("phase " + phase->id + " has no area '" + ap.area + "'");
  if (ap.decision == Decision::kRejected && ap.reason.empty())
    return Error::invalid("a rejection needs a reason");
  if (phase->certificate && ap.decision == Decision::kApproved && ap.area.empty() && ap.certificate.empty())
    return Error::invalid("approving phase " + phase->id + " issues a certificate number");
  if (std::string why = why_not_decide(caller, a, *phase); !why.empty()) return forbidden(why);
  ap.assessment_id = a.id;
  ap.decided_by = caller.user.name;
  Decided out;
  TOM_ASSIGN(out.approval, wb.store().add_approval(ap, caller.user.email));
  if (phase->accepts_risks && ap.decision == Decision::kApproved) {
    // The owner who approves the whole TOM accepts the risks still open; escalations are settled by whom they
    // go to.
    TOM_ASSIGN(auto report, wb.check_cached(a.id));
    for (const auto& v : merge_findings(*report, today_utc())) {
      if ((v.status != "open" && v.status != "lapsed") || v.kind == "escalation") continue;
      Finding f = finding_to_store(v, a.id);
      f.status = FindingStatus::kAccepted;
      f.accepted_by = caller.user.name;
      f.accepted_role = "owner";
      f.accepted_at = now_utc_iso();
      if (wb.store().save_finding(f, caller.user.email).ok()) out.accepted_findings.push_back(v.key);
    }
  }
  return out;
}

Result<Handoff> hand_off(Workbench& wb, const Caller& caller, const Assessment& a, const Template& t,
                         const std::string& to, const std::string& note) {
  if (std::string why = why_not_handoff(caller, t, a, to); !why.empty()) return forbidden(why);
  return wb.store().add_handoff(Handoff{0, a.id, a.custodian, to, note, "", ""}, caller.user.email);
}

Result<DerivedTom> derive(Workbench& wb, const Caller& caller, const Assessment& a, const Template& t,
                          int64_t organisation, const std::string& title) {
  bool supplier = false;
  for (const auto& p : parties_of(caller, a))
    if (const Party* party = t.find_party(p))
      supplier = supplier || party->role == PartyRole::kProviderSupplier ||
                 party->role == PartyRole::kClientSupplier;
  if (!supplier && !caller.admin()) return forbidden("a TOM is reused by its suppliers");
  store::Store& store = wb.store();
  TOM_ASSIGN(auto approvals, store.list_approvals(a.id));
  TOM_ASSIGN(auto submissions, store.list_submissions(a.id));
  auto phases = phase_statuses(t, approvals, submissions);
  if (phases.empty() || phases.back().state != PhaseState::kApproved)
    return Error::conflict("only a TOM whose final phase is approved is reused");
  if (!store.get_organisation(organisation).ok())
    return Error::invalid("there is no organisation " + std::to_string(organisation));
  TOM_ASSIGN(auto answers, store.get_answers(a.id));
  Derivation d = derive_assessment(t, a, answers, organisation, title);
  store::AssessmentBundle b;
  b.assessment = d.assessment;
  for (const auto& p : d.assessment.participants)
    if (auto o = store.get_organisation(p.organisation_id)) b.participants.emplace_back(p.party, *o);
  b.answers = d.answers;
  TOM_ASSIGN(Assessment created, wb.import_bundle(b, caller.user.email));
  return DerivedTom{created, d.carried, d.reset};
}

}  // namespace tom::service
