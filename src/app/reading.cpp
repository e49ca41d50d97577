#include "app/reading.hpp"

#include "core/clock.hpp"
#include "store/store.hpp"

namespace tom::app {

using namespace tom::domain;

Result<Opened> open_assessment(Workbench& wb, const Caller& caller, int64_t id) {
  auto a = wb.store().get_assessment(id);
  if (!a.ok() && a.error().code != ErrorCode::kNotFound) return std::move(a).error();
  if (!a.ok() || !may_read(caller, *a))
    return Error::not_found("there is no assessment " + std::to_string(id) + " you can see");
  TOM_ASSIGN(auto t, wb.load_template(a->template_id, a->template_version));
  return Opened{std::move(a).value(), std::move(t)};
}

Result<std::vector<AssessmentRow>> list_assessments(Workbench& wb, const Caller& caller) {
  TOM_ASSIGN(auto all, wb.store().list_assessments());
  std::vector<AssessmentRow> out;
  for (auto& a : all) {
    if (!may_read(caller, a)) continue;
    AssessmentRow row;
    if (auto r = wb.check_cached(a.id); r.ok()) {
      row.checked = true;
      row.complete = (*r)->completeness.complete();
      row.required = (*r)->completeness.required;
      row.answered = (*r)->completeness.answered;
    }
    row.assessment = std::move(a);
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<ParticipantView> participants(Workbench& wb, const Assessment& a) {
  std::vector<ParticipantView> out;
  for (const auto& p : a.participants) {
    ParticipantView v{p.party, p.organisation_id, {}};
    if (auto o = wb.store().get_organisation(p.organisation_id)) v.organisation = *o;
    out.push_back(std::move(v));
  }
  return out;
}

Result<AnswerSet> answers(Workbench& wb, const Opened& o) {
  return wb.store().get_answers(o.assessment.id);
}

Result<std::vector<Handoff>> handoffs(Workbench& wb, const Opened& o) {
  return wb.store().list_handoffs(o.assessment.id);
}

Result<std::vector<AnswerDifference>> diff(Workbench& wb, const Opened& left, const Opened& right) {
  TOM_ASSIGN(auto l, wb.store().get_answers(left.assessment.id));
  TOM_ASSIGN(auto r, wb.store().get_answers(right.assessment.id));
  return diff_answers(l, r);
}

Result<std::shared_ptr<const SectionView>> section_view(Workbench& wb, const Opened& o,
                                                        const std::string& section_id) {
  return wb.section_view(o.assessment.id, section_id);
}

Result<std::vector<AuditEvent>> history(Workbench& wb, const Opened& o, const AuditPage& page) {
  return wb.store().list_assessment_audit(o.assessment.id, page);
}

Result<std::vector<AuditEvent>> whole_audit(Workbench& wb, const Caller& caller, const AuditFilter& filter) {
  if (!may_see_whole_audit(caller))
    return Error::forbidden("the whole audit trail is for central reviewers and administrators");
  return wb.store().list_audit(filter);
}

Result<AuditReport> verify_audit(Workbench& wb, const Caller& caller, const AuditHead* against) {
  if (!may_see_whole_audit(caller))
    return Error::forbidden("verifying the audit trail is for central reviewers and administrators");
  return wb.store().verify_audit(against);
}

Result<int64_t> revision(Workbench& wb) {
  return wb.store().revision();
}

Result<std::string> health(Workbench& wb) {
  // One row read (the audit head): the database answers. Listing every template cost /health half its time.
  if (!wb.store().revision().ok()) return Error::unavailable("the database does not respond");
  return wb.store().kind();
}

Result<std::vector<TemplateSummary>> list_templates(Workbench& wb) {
  return wb.store().list_templates();
}

Result<Answer> answer(Workbench& wb, const Caller& caller, const Opened& o, const std::string& item_id,
                      const std::string& value, const std::string& note, const std::string& reference,
                      int64_t expected_version) {
  const Item* item = o.tmpl.tmpl->find_item(item_id);
  if (!item) return Error::not_found("template " + o.tmpl.tmpl->ref() + " has no item '" + item_id + "'");
  if (std::string why = why_not_answer(caller, *o.tmpl.tmpl, o.assessment, *item); !why.empty())
    return Error::forbidden(why);
  return wb.answer(o.assessment.id, item_id, value, note, reference, expected_version, caller.user.email);
}

Result<Finding> record_finding(Workbench& wb, const Caller& caller, const Opened& o, Finding f) {
  std::vector<Problem> problems;
  auto bad = [&](const char* field, std::string message) {
    problems.push_back(Problem{{"", "", 0, field, ""}, std::move(message)});
  };
  if (!finding_kind_from(f.kind)) bad("kind", "must be non-compliance, risk, escalation or review");
  if (f.title.empty()) bad("title", "is required");
  if (!f.item_id.empty() && !o.tmpl.tmpl->find_item(f.item_id))
    bad("item", "there is no item '" + f.item_id + "' in " + o.tmpl.tmpl->ref());
  if (!problems.empty()) return Error::invalid("the finding is not valid", std::move(problems));
  if (std::string why = why_not_record_finding(caller, o.assessment); !why.empty())
    return Error::forbidden(why);
  // A person's finding is keyed by when and by whom, so two front doors never key it two ways.
  f.id = 0;
  f.assessment_id = o.assessment.id;
  f.key = "manual:" + wb.clock().now_iso() + ":" + caller.user.email;
  auto parties = parties_of(caller, o.assessment);
  f.party = parties.empty() ? (caller.central() ? "central" : "") : parties.front();
  f.status = FindingStatus::kOpen;
  return wb.store().save_finding(f, caller.user.email);
}

}  // namespace tom::app
