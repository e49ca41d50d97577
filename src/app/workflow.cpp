#include "app/workflow.hpp"

#include <algorithm>

#include "app/views.hpp"
#include "core/clock.hpp"
#include "domain/workflow.hpp"
#include "store/store.hpp"

namespace tom::app {

using namespace tom::domain;

namespace {
Problem field_problem(const std::string& field, const std::string& message) {
  Problem p;
  p.where.field = field;
  p.message = message;
  return p;
}
bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\r\n") == std::string::npos;
}
}  // namespace

Result<Finding> settle_finding(Workbench& wb, const Caller& caller, const Assessment& a,
                               const AcceptRequest& r) {
  TOM_ASSIGN(auto report, wb.check_cached(a.id));
  auto views = merge_findings(*report, wb.clock().today());
  const FindingView* view = nullptr;
  for (const auto& v : views)
    if (v.key == r.key) view = &v;
  if (!view) return Error::not_found("there is no current finding '" + r.key + "'");
  if (std::string why = why_not_accept(caller, a, view->role, view->party); !why.empty())
    return Error::forbidden(why);
  if (r.accept && !r.by.empty() && r.by != caller.user.name)
    return Error::forbidden("a risk is accepted under your own name (" + caller.user.name + "), not as '" +
                            r.by + "'");
  if (r.accept) {
    std::vector<Problem> problems;
    if (blank(r.mitigation) && !(view->stored && !blank(view->stored->mitigation)))
      problems.push_back(field_problem("mitigation", "say how the risk is mitigated or why it is accepted"));
    if (r.expires_on.empty())
      problems.push_back(field_problem("expires_on", "give the date the acceptance lapses, YYYY-MM-DD"));
    else if (!valid_iso_date(r.expires_on))
      problems.push_back(
          field_problem("expires_on", "the date the acceptance lapses must be a real date, YYYY-MM-DD"));
    else if (r.expires_on <= wb.clock().today())
      problems.push_back(field_problem("expires_on", "the date the acceptance lapses must be after today"));
    if (!problems.empty()) return Error::invalid("the acceptance is not complete", std::move(problems));
  }
  Finding f = finding_to_store(*view, a.id);
  if (!blank(r.mitigation)) f.mitigation = r.mitigation;
  if (r.accept) {
    f.status = FindingStatus::kAccepted;
    f.accepted_by = caller.user.name;
    f.accepted_role = view->role.empty() ? "owner" : view->role;
    f.accepted_at = wb.clock().now_iso();
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
  if (std::string why = why_not_submit(caller, t, a, *phase); !why.empty()) return Error::forbidden(why);
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
  if (std::string why = why_not_decide(caller, a, *phase); !why.empty()) return Error::forbidden(why);
  TOM_ASSIGN(auto report, wb.check_cached(a.id));
  auto phases = report->phases();
  const PhaseStatus* st = nullptr;
  for (const auto& s : phases)
    if (s.phase->id == phase->id) st = &s;
  if (!st || st->state != PhaseState::kSubmitted) {
    std::string now = st ? to_string(st->state) : "open";
    return Error::conflict("phase " + phase->id + " is " + (now == "open" ? "not submitted" : now) +
                           ": only a submitted phase is decided" +
                           (now == "approved" ? "" : " (the party holding the TOM submits it first)"));
  }
  if (std::string why = why_not_decide_own(caller, *phase, st->submitted->by); !why.empty())
    return Error::forbidden(why);
  // An area approved since the submission is not decided again until the phase is resubmitted.
  for (const auto& d : st->areas)
    if (!ap.area.empty() && d.area == ap.area && d.latest && d.latest->decision == Decision::kApproved &&
        d.latest->decided_at > st->submitted->at)
      return Error::conflict("phase " + phase->id + " (" + d.area + ") is already approved");
  if (ap.decision == Decision::kApproved) {
    Completeness c =
        assess_completeness(t, report->answers, report->evaluation.out_of_scope, {phase->id, ""});
    std::vector<Problem> missing;
    for (const auto& m : c.missing) {
      const Section* s = t.find_section(m.section_id);
      if (s && s->kind == SectionKind::kApprovalGateways) continue;  // the decision itself fills these
      Problem p;
      p.where.item = m.item_id;
      p.where.field = m.section_id;
      p.message = m.reason;
      missing.push_back(std::move(p));
    }
    if (!missing.empty() && blank(ap.override_reason))
      return Error::conflict("phase " + phase->id + " has " + std::to_string(missing.size()) +
                                 " required items still missing: complete them, or approve with an override "
                                 "reason that is recorded",
                             std::move(missing));
    if (missing.empty()) ap.override_reason.clear();
    if (phase->accepts_risks) {
      std::vector<Problem> open;
      for (const auto& v : merge_findings(*report, wb.clock().today())) {
        if ((v.status != "open" && v.status != "lapsed") || v.kind == "escalation") continue;
        Problem p;
        p.where.item = v.key;
        p.where.field = v.party;
        p.message = v.title + " (to be accepted by the " + (v.role.empty() ? "owner" : v.role) +
                    (v.party.empty() ? "" : " of " + v.party) + ", or resolved)";
        open.push_back(std::move(p));
      }
      if (!open.empty())
        return Error::conflict("approving phase " + phase->id +
                                   " accepts the TOM's risks: " + std::to_string(open.size()) +
                                   " findings are still open and are first accepted by the person holding "
                                   "their role, or resolved",
                               std::move(open));
    }
    ap.basis = decision_basis(t, *phase, report->answers);
  } else {
    ap.override_reason.clear();
  }
  ap.assessment_id = a.id;
  ap.decided_by = caller.user.name;
  Decided out;
  // The decision and the TOM's own items that record it, together.
  TOM_ASSIGN(out.approval, wb.store().record_decision(
                               ap, [&](const Approval& saved) { return decision_record(t, *phase, saved); },
                               caller.user.email));
  return out;
}

Result<Handoff> hand_off(Workbench& wb, const Caller& caller, const Assessment& a, const Template& t,
                         const std::string& to, const std::string& note) {
  if (std::string why = why_not_handoff(caller, t, a, to); !why.empty()) return Error::forbidden(why);
  return wb.store().add_handoff(Handoff{0, a.id, a.custodian, to, note, "", ""}, caller.user.email);
}

Result<DerivedTom> derive(Workbench& wb, const Caller& caller, const Assessment& a, const Template& t,
                          int64_t organisation, const std::string& title) {
  if (std::string why = why_not_derive(caller, t, a); !why.empty()) return Error::forbidden(why);
  store::Store& store = wb.store();
  TOM_ASSIGN(auto approvals, store.list_approvals(a.id));
  TOM_ASSIGN(auto submissions, store.list_submissions(a.id));
  TOM_ASSIGN(auto answers_now, store.get_answers(a.id));
  auto phases = phase_statuses(t, approvals, submissions, answers_now);
  if (phases.empty() || phases.back().state != PhaseState::kApproved)
    return Error::conflict("only a TOM whose final phase is approved is reused");
  if (!store.get_organisation(organisation).ok())
    return Error::invalid("there is no organisation " + std::to_string(organisation));
  TOM_ASSIGN(auto answers, store.get_answers(a.id));
  Derivation d = derive_assessment(t, a, answers, organisation, title);
  domain::AssessmentBundle b;
  b.assessment = d.assessment;
  for (const auto& p : d.assessment.participants) {
    // A failed read is an error, not a participant to leave out of the new TOM.
    TOM_ASSIGN(Organisation o, store.get_organisation(p.organisation_id));
    b.participants.emplace_back(p.party, std::move(o));
  }
  b.answers = d.answers;
  TOM_ASSIGN(Assessment created, wb.import_bundle(b, caller.user.email));
  return DerivedTom{created, d.carried, d.reset};
}

}  // namespace tom::app
