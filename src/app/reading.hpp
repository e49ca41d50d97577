#pragma once
// What a person reads about assessments, with the read check made here once: an `Opened` assessment is the
// proof that the caller may read it, so the functions taking one need not ask again. Front doors (api, web,
// cli) call these and never the store.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/workbench.hpp"
#include "domain/access.hpp"
#include "domain/records.hpp"
#include "domain/tasks.hpp"
#include "domain/workflow.hpp"

namespace tom::app {

// An assessment the caller may read, with its template and compiled rules.
struct Opened {
  domain::Assessment assessment;
  LoadedTemplate tmpl;
  // The store's revision it was read at: what the request reads of it later is at least this current.
  int64_t revision = 0;
};

// kNotFound both when there is no such assessment and when the caller may not read it: whether an
// assessment exists is not told to those who may not see it.
Result<Opened> open_assessment(Workbench& wb, const domain::Caller& caller, int64_t id);

// One page of the assessments the caller may read, from the kept summaries (Store::list_summaries): filtered,
// ordered and paged by `query`; who may see what, today's date and whose work is "mine" come from the caller
// (the query's visible_to, today, waiting_org and central are set here, whatever they held).
Result<domain::SummaryPage> list_assessments(Workbench& wb, const domain::Caller& caller,
                                             domain::SummaryQuery query);
// The assessments the caller may read that match a query, a page of up to 500 at a time, oldest first, for
// downloads of any size: each next() is one read in the database, and nothing is held whole.
class AssessmentReader {
 public:
  AssessmentReader(Workbench& wb, domain::SummaryQuery seen_by_caller);
  // The next page's rows; empty once every row has been read.
  Result<std::vector<domain::SummaryRow>> next();
  // Reads the first page now, so that a query the store refuses is refused before anything is sent.
  Status start();

 private:
  Workbench* wb_;
  domain::SummaryQuery query_;
  bool done_ = false;
  std::optional<std::vector<domain::SummaryRow>> first_;
};
Result<AssessmentReader> read_assessments(Workbench& wb, const domain::Caller& caller,
                                          domain::SummaryQuery query);

// Every assessment the caller may read that matches the query, a page at a time, oldest first: nothing is
// held whole. Stops at the first error `each` returns.
Status each_assessment(Workbench& wb, const domain::Caller& caller, domain::SummaryQuery query,
                       const std::function<Status(const domain::SummaryRow&)>& each);

// Who plays each party, with the organisation by value (an organisation that is gone shows with its id only).
struct ParticipantView {
  std::string party;
  int64_t organisation_id = 0;
  domain::Organisation organisation;
};
std::vector<ParticipantView> participants(Workbench& wb, const domain::Assessment& a);

Result<domain::AnswerSet> answers(Workbench& wb, const Opened& o);
Result<std::vector<domain::Handoff>> handoffs(Workbench& wb, const Opened& o);
// Items whose answers differ between two assessments the caller opened.
Result<std::vector<domain::AnswerDifference>> diff(Workbench& wb, const Opened& left, const Opened& right);

// The task list of the TOM for the caller (domain::task_list): each section's status for the parties the
// caller's organisation plays in it, from the report (no further reads).
std::vector<domain::SectionTask> task_list(const CheckReport& r, const domain::Caller& caller);

// One section as everyone sees it (app/section_view.hpp), shared until anything is written.
Result<std::shared_ptr<const SectionView>> section_view(Workbench& wb, const Opened& o,
                                                        const std::string& section_id);

// One page of the assessment's history (an indexed read: any number of events).
Result<std::vector<domain::AuditEvent>> history(Workbench& wb, const Opened& o,
                                                const domain::AuditPage& page);
// One page of the assessment's history with its total, oldest first or newest first. A cursor is
// "h.<seq>.", an event's number: the page after it in that order, or (backward) the page before it.
// A cursor that is not one is kInvalidInput naming it.
Result<domain::Page<domain::AuditEvent>> history_page(Workbench& wb, const Opened& o,
                                                      const domain::ListQuery& q, bool newest_first);
// Every assessment's events, and their verification: central reviewers and administrators
// (domain::may_see_whole_audit), kForbidden for anyone else.
Result<std::vector<domain::AuditEvent>> whole_audit(Workbench& wb, const domain::Caller& caller,
                                                    const domain::AuditFilter& filter);
Result<domain::AuditReport> verify_audit(Workbench& wb, const domain::Caller& caller,
                                         const domain::AuditHead* against = nullptr);

// A number that changes whenever anything is written: views built from the store stay valid while it holds.
Result<int64_t> revision(Workbench& wb);
// The database's kind ("sqlite", "postgresql") when it answers; kUnavailable when it does not.
Result<std::string> health(Workbench& wb);
Result<std::vector<domain::TemplateSummary>> list_templates(Workbench& wb);
// One page of the template versions, by id then the order they were added (ListQuery: text in the id, name
// or family).
Result<domain::Page<domain::TemplateSummary>> list_templates(Workbench& wb, const domain::ListQuery& q);

// Answers an item: the caller must be allowed to answer it (domain::why_not_answer: their party's item, while
// their party holds the TOM), then the value is checked against the item and saved. expected_version as in
// Workbench::answer; a stale one is kConflict and changes nothing.
Result<domain::Answer> answer(Workbench& wb, const domain::Caller& caller, const Opened& o,
                              const std::string& item_id, const std::string& value, const std::string& note,
                              const std::string& reference, int64_t expected_version);

// A finding a person records (not raised by the rules): kind, title and (optionally) the item it is about are
// checked; the caller must take part (domain::why_not_record_finding). The key and the party are set here,
// the same whichever front door asked.
Result<domain::Finding> record_finding(Workbench& wb, const domain::Caller& caller, const Opened& o,
                                       domain::Finding f);

}  // namespace tom::app
