#include "app/dashboard.hpp"

#include "app/views.hpp"
#include "core/clock.hpp"
#include "store/store.hpp"

namespace tom::app {

using namespace tom::domain;

Result<std::vector<AuditRow>> audit_dashboard(Workbench& wb, const Caller& caller, const AuditQuery& query) {
  if (!may_see_whole_audit(caller))
    return Error::forbidden("the central audit is for the central body's reviewers and administrators");
  TOM_ASSIGN(auto all, wb.store().list_assessments());
  std::vector<AuditRow> out;
  std::string today = wb.clock().today();
  for (const auto& a : all) {
    if (!query.template_id.empty() && a.template_id != query.template_id) continue;
    auto t = wb.load_template(a.template_id, a.template_version);
    auto report = wb.check_cached(a.id);
    if (!t || !report) continue;
    const auto& rep = **report;
    AuditRow row;
    row.percent = rep.completeness.required == 0
                      ? 100
                      : static_cast<int>(100 * rep.completeness.answered / rep.completeness.required);
    bool escalation = false;
    for (const auto& f : merge_findings(rep, today))
      if (f.status == "open" || f.status == "lapsed") {
        ++row.open;
        escalation = escalation || f.kind == "escalation";
      }
    row.rag = "Green", row.why = "complete, nothing open";
    if (escalation)
      row.rag = "Red", row.why = "an escalation is open";
    else if (row.percent < 50)
      row.rag = "Red", row.why = "less than half answered";
    else if (row.percent < 100 || row.open > 0)
      row.rag = "Amber", row.why = row.percent < 100 ? "not complete yet" : "findings open";
    if (!query.rag.empty() && row.rag != query.rag) continue;
    for (const auto& p : a.participants)
      if (const Party* party = t->tmpl->find_party(p.party); party && party->role == PartyRole::kEndUser)
        if (auto o = wb.store().get_organisation(p.organisation_id)) row.organisation = o->name;
    row.id = a.id;
    row.product = a.product;
    row.template_name = t->tmpl->name;
    row.template_id = a.template_id;
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace tom::app
