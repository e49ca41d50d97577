#include "app/summary.hpp"

#include <algorithm>

#include "app/views.hpp"

namespace tom::app {

using namespace tom::domain;

AssessmentSummary summarise(const CheckReport& r, const std::vector<Organisation>& organisations) {
  const Template& t = *r.loaded.tmpl;
  const Assessment& a = r.assessment;
  AssessmentSummary s;
  s.assessment_id = a.id;
  s.template_name = t.name;
  s.required = static_cast<int64_t>(r.completeness.required);
  s.answered = static_cast<int64_t>(r.completeness.answered);
  for (const auto& p : a.participants) {
    SummaryPlayer player{p.party, p.organisation_id, "", ""};
    for (const auto& o : organisations)
      if (o.id == p.organisation_id) player.name = o.name, player.ods_code = o.ods_code;
    if (const Party* party = t.find_party(p.party); party && party->role == PartyRole::kEndUser)
      s.end_user = player.name;
    s.players.push_back(std::move(player));
  }
  // With no "today", no acceptance counts as lapsed: the store keeps the expiry dates and the lists compare
  // them with the day they are read.
  for (const auto& f : merge_findings(r, "")) {
    if (f.status == "open") {
      ++s.open_findings;
      if (f.kind == "escalation")
        ++s.open_escalations;
      else
        ++s.awaiting_acceptance;
    } else if (f.status == "accepted" && f.stored && !f.stored->expires_on.empty()) {
      s.expiries.emplace_back(f.stored->expires_on, f.kind == "escalation");
    }
  }
  std::sort(s.expiries.begin(), s.expiries.end());
  auto statuses = r.phases();
  for (const auto& ph : statuses) s.phases.emplace_back(ph.phase->id, to_string(ph.state));
  Waiting w = whats_waiting(t, a, statuses, r.completeness);
  s.approved = w.approved;
  s.steps = w.steps;
  for (const auto& step : w.steps) {
    if (int64_t org = a.organisation_for(step.party)) s.waiting_for.push_back(org);
    if (const Party* party = t.find_party(step.party); party && party->role == PartyRole::kCentral)
      s.waiting_for.push_back(AssessmentSummary::kCentralBody);
  }
  std::sort(s.waiting_for.begin(), s.waiting_for.end());
  s.waiting_for.erase(std::unique(s.waiting_for.begin(), s.waiting_for.end()), s.waiting_for.end());
  for (const auto& m : r.completeness.missing) s.first_missing_section.emplace(m.party, m.section_id);
  // Progress of every phase for every party, and the totals of each ("" for all).
  std::vector<std::string> phases{""}, parties{""};
  for (const auto& ph : t.phases) phases.push_back(ph.id);
  for (const auto& p : t.parties) parties.push_back(p.id);
  for (const auto& phase : phases)
    for (const auto& party : parties) {
      Completeness c = phase.empty() && party.empty()
                           ? r.completeness
                           : assess_completeness(t, r.answers, r.evaluation.out_of_scope, {phase, party});
      if (c.required == 0 && !(phase.empty() && party.empty())) continue;
      s.progress.push_back(
          {phase, party, static_cast<int64_t>(c.required), static_cast<int64_t>(c.answered)});
    }
  return s;
}

store::Summariser summariser(Workbench& wb) {
  return [&wb](const store::SummaryInput& in) -> Result<AssessmentSummary> {
    TOM_ASSIGN(LoadedTemplate t, wb.load_template_with(in.assessment.template_id,
                                                       in.assessment.template_version, in.fetch_template));
    CheckReport r =
        build_report(in.assessment, std::move(t), in.answers, in.findings, in.approvals, in.submissions, {});
    return summarise(r, in.organisations);
  };
}

Result<int64_t> refresh_all_summaries(Workbench& wb) {
  int64_t total = 0;
  while (true) {
    TOM_ASSIGN(int64_t n, wb.store().refresh_summaries(200));
    total += n;
    if (n < 200) return total;
  }
}

}  // namespace tom::app
