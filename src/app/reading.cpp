#include "app/reading.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "store/store.hpp"

namespace tom::app {

using namespace tom::domain;

Result<Opened> open_assessment(Workbench& wb, const Caller& caller, int64_t id) {
  auto current = wb.current_assessment(id);
  if (!current.ok() && current.error().code != ErrorCode::kNotFound) return std::move(current).error();
  if (!current.ok() || !may_read(caller, *current->assessment))
    return Error::not_found("there is no assessment " + std::to_string(id) + " you can see");
  const Assessment& a = *current->assessment;
  TOM_ASSIGN(auto t, wb.load_template(a.template_id, a.template_version));
  return Opened{a, std::move(t), current->revision};
}

namespace {
SummaryQuery as_seen_by(Workbench& wb, const Caller& caller, SummaryQuery q) {
  q.visible_to = caller.central() || caller.admin() ? 0 : caller.organisation.id;
  // Someone of no organisation sees nothing (organisation ids start at 1).
  if (q.visible_to == 0 && !caller.central() && !caller.admin()) q.visible_to = -2;
  q.today = wb.clock().today();
  q.waiting_org = caller.organisation.id;
  q.central = caller.central();
  return q;
}
}  // namespace

Result<SummaryPage> list_assessments(Workbench& wb, const Caller& caller, SummaryQuery query) {
  TOM_TRY(wb.ensure_summaries());
  return wb.store().list_summaries(as_seen_by(wb, caller, std::move(query)));
}

AssessmentReader::AssessmentReader(Workbench& wb, SummaryQuery q) : wb_(&wb), query_(std::move(q)) {
  query_.sort = "oldest";
  query_.cursor.clear();
  query_.backward = false;
  query_.limit = 500;
  query_.with_total = false;
}

Status AssessmentReader::start() {
  TOM_ASSIGN(auto rows, next());
  first_ = std::move(rows);
  return ok_status();
}

Result<std::vector<SummaryRow>> AssessmentReader::next() {
  if (first_) {
    auto rows = std::move(*first_);
    first_.reset();
    return rows;
  }
  if (done_) return std::vector<SummaryRow>{};
  TOM_ASSIGN(SummaryPage page, wb_->store().list_summaries(query_));
  query_.cursor = page.next_cursor;
  done_ = page.next_cursor.empty();
  return std::move(page.rows);
}

Result<AssessmentReader> read_assessments(Workbench& wb, const Caller& caller, SummaryQuery query) {
  TOM_TRY(wb.ensure_summaries());
  AssessmentReader reader(wb, as_seen_by(wb, caller, std::move(query)));
  TOM_TRY(reader.start());
  return reader;
}

Status each_assessment(Workbench& wb, const Caller& caller, SummaryQuery query,
                       const std::function<Status(const SummaryRow&)>& each) {
  TOM_ASSIGN(AssessmentReader reader, read_assessments(wb, caller, std::move(query)));
  while (true) {
    TOM_ASSIGN(auto rows, reader.next());
    if (rows.empty()) return ok_status();
    for (const auto& row : rows) TOM_TRY(each(row));
  }
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

std::vector<SectionTask> task_list(const CheckReport& r, const Caller& caller) {
  const Template& t = *r.loaded.tmpl;
  std::vector<std::string> mine = parties_of(caller, r.assessment);
  std::vector<Completeness> per_party;
  for (const auto& party : mine)
    per_party.push_back(assess_completeness(t, r.answers, r.evaluation.out_of_scope, {"", party}));
  return domain::task_list(t, r.assessment, mine, per_party);
}

Result<std::shared_ptr<const SectionView>> section_view(Workbench& wb, const Opened& o,
                                                        const std::string& section_id) {
  return wb.section_view(o.assessment.id, section_id, o.revision);
}

Result<std::vector<AuditEvent>> history(Workbench& wb, const Opened& o, const AuditPage& page) {
  return wb.store().list_assessment_audit(o.assessment.id, page);
}

Result<Page<AuditEvent>> history_page(Workbench& wb, const Opened& o, const ListQuery& q, bool newest_first) {
  int64_t at = 0;
  if (!q.cursor.empty()) {
    const std::string& c = q.cursor;
    if (c.size() < 4 || c.size() > 22 || c.compare(0, 2, "h.") != 0 || c.back() != '.' ||
        c.find_first_not_of("0123456789", 2) != c.size() - 1)
      return Error::invalid("the page cursor '" + c.substr(0, 40) + "' is not one this history gave",
                            {Problem{{"", "", 0, "cursor", ""}, "is not one this history gave"}});
    at = std::stoll(c.substr(2, c.size() - 3));
  }
  int64_t limit = std::clamp<int64_t>(q.limit, 1, 500);
  // Backward reads the other way from the cursor, then turns the page round.
  bool backward = q.backward && at > 0;
  AuditPage page;
  page.newest_first = newest_first != backward;
  (page.newest_first ? page.before_seq : page.after_seq) = at;
  page.limit = limit + 1;  // one more tells whether the list goes on
  TOM_ASSIGN(auto events, wb.store().list_assessment_audit(o.assessment.id, page));
  TOM_ASSIGN(int64_t total, wb.store().count_assessment_audit(o.assessment.id));
  bool more = static_cast<int64_t>(events.size()) > limit;
  if (more) events.pop_back();
  if (backward) std::reverse(events.begin(), events.end());
  Page<AuditEvent> out;
  out.total = total;
  auto cursor = [](const AuditEvent& e) { return "h." + std::to_string(e.seq) + "."; };
  if (!events.empty()) {
    // Forward: more after the last, and some before the first when we came from a cursor. Backward: the page
    // we came from is after the last, and `more` says whether any are before the first.
    if (backward || more) out.next_cursor = cursor(events.back());
    if (backward ? more : at > 0) out.prev_cursor = cursor(events.front());
  }
  out.items = std::move(events);
  return out;
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

Result<Page<TemplateSummary>> list_templates(Workbench& wb, const ListQuery& q) {
  return wb.store().page_templates(q);
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
