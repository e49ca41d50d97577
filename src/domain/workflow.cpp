#include "domain/workflow.hpp"

#include <algorithm>
#include <set>

namespace tom::domain {

const char* to_string(PhaseState s) {
  switch (s) {
    case PhaseState::kOpen:
      return "open";
    case PhaseState::kSubmitted:
      return "submitted";
    case PhaseState::kApproved:
      return "approved";
    case PhaseState::kRejected:
      return "rejected";
  }
  return "open";
}

std::map<std::string, std::string> decision_basis(const Template& t, const Phase& phase,
                                                  const AnswerSet& answers) {
  std::map<std::string, std::string> basis;
  for (const auto& s : t.sections) {
    if (s.kind == SectionKind::kApprovalGateways) continue;
    for (const auto& item : s.items) {
      if (!item.answerable()) continue;
      if (std::find(item.phases.begin(), item.phases.end(), phase.id) == item.phases.end()) continue;
      auto a = answers.find(item.id);
      basis[item.id] = a == answers.end() ? "" : a->second.value;
    }
  }
  return basis;
}

namespace {
// What differs between a decision's basis and the answers now.
std::vector<ChangeSinceApproval> changes_since(const Approval& ap, const AnswerSet& answers) {
  std::vector<ChangeSinceApproval> out;
  for (const auto& [item, before] : ap.basis) {
    auto a = answers.find(item);
    std::string now = a == answers.end() ? "" : a->second.value;
    if (now != before) out.push_back({item, before, now});
  }
  return out;
}
}  // namespace

std::vector<PhaseStatus> phase_statuses(const Template& t, const std::vector<Approval>& approvals,
                                        const std::vector<Submission>& submissions,
                                        const AnswerSet& answers) {
  std::vector<PhaseStatus> out;
  for (const auto& ph : t.phases) {
    PhaseStatus st;
    st.phase = &ph;
    std::vector<std::string> areas = ph.areas.empty() ? std::vector<std::string>{""} : ph.areas;
    for (const auto& area : areas) {
      AreaDecision d{area, nullptr};
      for (const auto& a : approvals)
        if (a.phase == ph.id && (a.area == area || a.area.empty()))
          d.latest = &a;  // a whole-phase decision covers each area
      st.areas.push_back(d);
    }
    for (const auto& s : submissions)
      if (s.phase == ph.id) st.submitted = &s;
    bool all_approved = true, any_rejected = false;
    std::string last_decision_at;
    for (const auto& d : st.areas) {
      all_approved = all_approved && d.latest && d.latest->decision == Decision::kApproved;
      any_rejected = any_rejected || (d.latest && d.latest->decision == Decision::kRejected);
      if (d.latest) last_decision_at = std::max(last_decision_at, d.latest->decided_at);
      if (d.latest && !d.latest->certificate.empty()) st.certificate = d.latest->certificate;
    }
    if (all_approved) {
      std::set<std::string> seen;
      for (const auto& d : st.areas)
        for (auto& c : changes_since(*d.latest, answers))
          if (seen.insert(c.item_id).second) st.changed.push_back(std::move(c));
      st.reopened = !st.changed.empty() && ph.reopen_on_change;
    }
    // A submission stands until every area is approved; a rejection sends it back until the phase is
    // submitted again, and so does a change that reopened an approved phase.
    std::string submitted_at = st.submitted ? st.submitted->at : "";
    bool rejections_before_submission = true;
    for (const auto& d : st.areas)
      if (d.latest && d.latest->decision == Decision::kRejected && d.latest->decided_at >= submitted_at)
        rejections_before_submission = false;
    if (all_approved && !st.reopened)
      st.state = PhaseState::kApproved;
    else if (st.submitted && rejections_before_submission &&
             (!st.reopened || submitted_at > last_decision_at))
      st.state = PhaseState::kSubmitted;
    else if (any_rejected)
      st.state = PhaseState::kRejected;
    else
      st.state = PhaseState::kOpen;
    out.push_back(std::move(st));
  }
  return out;
}

Gate go_live_gate(const Template& t, const std::vector<PhaseStatus>& phases, const AnswerSet& answers,
                  const std::vector<GateFinding>& findings) {
  Gate g;
  for (const auto& st : phases) {
    const Phase& ph = *st.phase;
    std::string name = "Phase " + ph.id + " (" + ph.name + ")";
    if (st.state != PhaseState::kApproved) {
      std::vector<std::string> pending;
      for (const auto& d : st.areas)
        if (!d.latest || d.latest->decision != Decision::kApproved)
          pending.push_back(d.area.empty() ? "the phase" : d.area);
      std::string list;
      for (const auto& p : pending) list += (list.empty() ? "" : ", ") + p;
      if (st.reopened)
        g.reasons.push_back(name + " was approved, but " + std::to_string(st.changed.size()) +
                            " of its answers changed since (" + st.changed.front().item_id +
                            (st.changed.size() > 1 ? ", ..." : "") +
                            "): it must be submitted and approved again");
      else
        g.reasons.push_back(name + " is not approved yet: " + list +
                            (st.state == PhaseState::kRejected ? " (rejected: see the reasons given)" : ""));
    } else if (ph.certificate && st.certificate.empty()) {
      g.reasons.push_back(name + " is approved without a certificate number");
    }
  }
  for (const auto& c : t.gate) {
    auto a = answers.find(c.item);
    bool met =
        a != answers.end() && std::find(c.accept.begin(), c.accept.end(), a->second.value) != c.accept.end();
    if (!met) g.reasons.push_back(c.label + " (" + c.item + ") is not recorded");
  }
  for (const auto& f : findings)
    if (f.kind == "escalation" && !f.settled)
      g.reasons.push_back("Escalation still open: " + f.title + " {" + f.key + "}");
  g.open = g.reasons.empty();
  return g;
}

Derivation derive_assessment(const Template& t, const Assessment& from, const AnswerSet& answers,
                             int64_t new_end_user_organisation, const std::string& title) {
  Derivation d;
  d.assessment = from;
  d.assessment.id = 0;
  d.assessment.derived_from = from.id;
  d.assessment.title = title.empty() ? from.title + " (reused)" : title;
  std::set<std::string> supplier_parties, end_user_parties;
  for (const auto& p : t.parties) {
    if (p.role == PartyRole::kProviderSupplier || p.role == PartyRole::kClientSupplier)
      supplier_parties.insert(p.id);
    if (p.role == PartyRole::kEndUser) end_user_parties.insert(p.id);
  }
  d.assessment.participants.clear();
  for (const auto& p : from.participants)
    if (supplier_parties.count(p.party)) d.assessment.participants.push_back(p);
  for (const auto& p : end_user_parties) d.assessment.participants.push_back({p, new_end_user_organisation});
  // The new organisation reviews its own part next.
  d.assessment.custodian = end_user_parties.empty() ? from.custodian : *end_user_parties.begin();
  for (const auto& s : t.sections)
    for (const auto& item : s.items) {
      auto a = answers.find(item.id);
      if (a == answers.end()) continue;
      if (supplier_parties.count(item.party)) {
        Answer carried = a->second;
        carried.version = 0;
        d.answers[item.id] = carried;
        d.carried.push_back(item.id);
      } else {
        d.reset.push_back(item.id);
      }
    }
  return d;
}

std::vector<AnswerDifference> diff_answers(const AnswerSet& left, const AnswerSet& right) {
  std::vector<AnswerDifference> out;
  std::set<std::string> ids;
  for (const auto& [k, _] : left) ids.insert(k);
  for (const auto& [k, _] : right) ids.insert(k);
  for (const auto& id : ids) {
    auto l = left.find(id), r = right.find(id);
    std::string lv = l == left.end() ? "" : l->second.value, rv = r == right.end() ? "" : r->second.value;
    std::string ln = l == left.end() ? "" : l->second.note, rn = r == right.end() ? "" : r->second.note;
    if (lv != rv || ln != rn) out.push_back({id, lv, rv, ln != rn});
  }
  return out;
}

}  // namespace tom::domain
