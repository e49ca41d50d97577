#include "domain/next_steps.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace tom::domain {

namespace {

std::string phase_label(const Phase& p) {
  return "phase " + p.id + (p.name.empty() ? "" : " (" + p.name + ")");
}

std::string items_text(size_t n) {
  return std::to_string(n) + (n == 1 ? " item" : " items");
}

}  // namespace

Waiting whats_waiting(const Template& t, const Assessment& a, const std::vector<PhaseStatus>& phases,
                      const Completeness& completeness) {
  Waiting w;
  std::set<std::string> approved;
  for (const auto& st : phases)
    if (st.state == PhaseState::kApproved) approved.insert(st.phase->id);
  w.approved = !phases.empty() && approved.size() == phases.size();
  if (w.approved) return w;

  // Work still to answer, by party, and which phases it holds back.
  std::map<std::string, size_t> missing_by_party;
  std::set<std::string> incomplete_phases;
  for (const auto& m : completeness.missing) {
    const Section* sec = t.find_section(m.section_id);
    if (sec && sec->kind == SectionKind::kApprovalGateways) continue;
    bool open = m.phases.empty() || std::any_of(m.phases.begin(), m.phases.end(),
                                                [&](const std::string& p) { return !approved.count(p); });
    if (!open) continue;
    ++missing_by_party[m.party];
    incomplete_phases.insert(m.phases.begin(), m.phases.end());
  }
  auto in_chain = [&](const std::string& party) {
    return std::find(t.custody.begin(), t.custody.end(), party) != t.custody.end();
  };

  for (const auto& st : phases)
    if (st.state == PhaseState::kSubmitted)
      w.steps.push_back(
          {StepKind::kDecide, st.phase->approver, st.phase->id, "", 0, "Decide " + phase_label(*st.phase)});

  const std::string& holder = a.custodian;
  if (!holder.empty()) {
    auto own = missing_by_party.find(holder);
    if (own != missing_by_party.end()) {
      w.steps.push_back(
          {StepKind::kAnswer, holder, "", "", own->second, "Answer " + items_text(own->second)});
    } else {
      // The next party in the chain that takes part in this assessment.
      auto at = std::find(t.custody.begin(), t.custody.end(), holder);
      if (at != t.custody.end())
        for (auto next = std::next(at); next != t.custody.end(); ++next) {
          if (a.organisation_for(*next) == 0) continue;
          const Party* p = t.find_party(*next);
          w.steps.push_back(
              {StepKind::kHandOn, holder, "", *next, 0, "Hand it on to " + (p ? p->name : *next)});
          break;
        }
    }
    for (const auto& st : phases) {
      if (st.state == PhaseState::kApproved || st.state == PhaseState::kSubmitted) continue;
      if (incomplete_phases.count(st.phase->id)) continue;
      w.steps.push_back({StepKind::kSubmit, holder, st.phase->id, "", 0,
                         "Submit " + phase_label(*st.phase) + " for approval"});
    }
  }
  // Parties outside the custody chain (the central body, a commissioner) answer at any time.
  for (const auto& [party, n] : missing_by_party)
    if (party != holder && !in_chain(party) && a.organisation_for(party) != 0)
      w.steps.push_back({StepKind::kAnswer, party, "", "", n, "Answer " + items_text(n)});
  return w;
}

bool waits_for(const Caller& c, const Template& t, const Assessment& a, const NextStep& step) {
  auto mine = parties_of(c, a);
  if (std::find(mine.begin(), mine.end(), step.party) != mine.end()) return true;
  const Party* p = t.find_party(step.party);
  return c.central() && p && p->role == PartyRole::kCentral;
}

}  // namespace tom::domain
