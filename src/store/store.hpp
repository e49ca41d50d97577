#pragma once
// The one store interface. Implementations: SQLite (embedded file, the default) and PostgreSQL (shared by
// several servers), both built on store/sql. Contract for every implementation:
//  - Every mutating call is one transaction: it happens whole or not at all, and appends its audit event(s)
//  in
//    the same transaction. When a mutating call returns ok, the change is durable.
//  - Answers carry versions: save_answer() with a stale expected_version is refused with kConflict and
//  changes
//    nothing.
//  - Methods are safe to call from several threads.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "domain/assessment.hpp"
#include "domain/records.hpp"
#include "domain/template.hpp"

namespace tom::store {

// The plain values are domain's (domain/records.hpp); named here too for the store's own code.
using domain::AssessmentBundle;
using domain::AuditEvent;
using domain::AuditFilter;
using domain::AuditHead;
using domain::AuditPage;
using domain::AuditReport;
using domain::SessionRecord;
using domain::TemplateSummary;

// What the store read about one assessment inside a write transaction, for the summariser.
struct SummaryInput {
  domain::Assessment assessment;                    // with participants
  std::vector<domain::Organisation> organisations;  // those the participants name
  domain::AnswerSet answers;
  std::vector<domain::Finding> findings;
  std::vector<domain::Approval> approvals;
  std::vector<domain::Submission> submissions;
  // Reads the assessment's template through the transaction's own connection (a summariser with a template
  // cache calls it only on a miss; it never needs a second connection).
  std::function<Result<domain::Template>()> fetch_template;
};

// Works out an assessment's summary (domain::AssessmentSummary). Given to Store::keep_summaries by the
// application layer, which owns what the lists show; the store calls it in the transaction of every write
// that changes an assessment, so the summary is never behind the rows it is built from.
using Summariser = std::function<Result<domain::AssessmentSummary>(const SummaryInput&)>;

class Store {
 public:
  virtual ~Store() = default;

  // Templates. Adding id@version again with identical content is a no-op; with other content, kConflict.
  virtual Status put_template(const domain::Template& t, const std::string& actor) = 0;
  // version empty: the newest version (by creation order).
  virtual Result<domain::Template> get_template(const std::string& id, const std::string& version) = 0;
  virtual Result<std::vector<TemplateSummary>> list_templates() = 0;
  // One page of the template versions, by id then the order they were added: `text` words in the id, name
  // or family.
  virtual Result<domain::Page<TemplateSummary>> page_templates(const domain::ListQuery& q) = 0;

  virtual Result<domain::Organisation> add_organisation(const domain::Organisation& o,
                                                        const std::string& actor) = 0;
  virtual Result<domain::Organisation> get_organisation(int64_t id) = 0;
  virtual Result<std::vector<domain::Organisation>> list_organisations() = 0;
  // One page of the organisations, by name then id: `text` words in the name or ODS code, `type`.
  virtual Result<domain::Page<domain::Organisation>> page_organisations(const domain::ListQuery& q) = 0;

  // Creates the assessment and its participants; the template must exist.
  virtual Result<domain::Assessment> create_assessment(const domain::Assessment& a,
                                                       const std::string& actor) = 0;
  virtual Result<domain::Assessment> get_assessment(int64_t id) = 0;
  virtual Result<std::vector<domain::Assessment>> list_assessments() = 0;
  // Creates the assessment with everything in the bundle in one transaction: all of it or nothing.
  virtual Result<domain::Assessment> import_assessment(const AssessmentBundle& b,
                                                       const std::string& actor) = 0;
  // Points the assessment at another version of its template (answers stay, keyed by item id); the report is
  // recorded in the audit event.
  virtual Status set_template_version(int64_t assessment, const std::string& version,
                                      const std::string& report_json, const std::string& actor) = 0;
  virtual Status set_custodian(int64_t assessment, const std::string& party, const std::string& actor) = 0;

  virtual Result<domain::AnswerSet> get_answers(int64_t assessment) = 0;
  // expected_version: the version the writer read (0: it saw no answer). Returns the saved answer (new
  // version).
  virtual Result<domain::Answer> save_answer(int64_t assessment, const domain::Answer& a,
                                             int64_t expected_version, const std::string& actor) = 0;

  // Inserts (id == 0) or updates a finding; updates check `version` like answers do.
  virtual Result<domain::Finding> save_finding(const domain::Finding& f, const std::string& actor) = 0;
  virtual Result<std::vector<domain::Finding>> list_findings(int64_t assessment) = 0;

  virtual Result<domain::Approval> add_approval(const domain::Approval& a, const std::string& actor) = 0;
  // A gateway decision and the answers it fills in the TOM's own items (domain::decision_record), in one
  // transaction with their audit events. The answers are saved over whatever version is there; each record's
  // `author` is kept. The approval's decided_at is set here and given to `record(approval)`, which returns
  // the answers to save.
  virtual Result<domain::Approval> record_decision(
      const domain::Approval& a,
      const std::function<std::vector<domain::Answer>(const domain::Approval&)>& record,
      const std::string& actor) = 0;
  virtual Result<std::vector<domain::Approval>> list_approvals(int64_t assessment) = 0;

  // People and their sign-in sessions / API tokens (kept as hashes: a stolen database holds no usable token).
  virtual Result<domain::User> add_user(const domain::User& u, const std::string& password_hash,
                                        const std::string& actor) = 0;
  virtual Result<domain::User> get_user(int64_t id) = 0;
  // The user with this email (case-insensitive) and their password hash.
  virtual Result<std::pair<domain::User, std::string>> find_user_by_email(const std::string& email) = 0;
  virtual Result<std::vector<domain::User>> list_users() = 0;
  // The names of the people with these emails (exactly as stored), by email; an email no one has is left out.
  // Costs a read per 64 emails, whatever the number of people.
  virtual Result<std::map<std::string, std::string>> user_names(const std::vector<std::string>& emails) = 0;
  // One page of the people, by name then id: `text` words in the name or email, `organisations`.
  virtual Result<domain::Page<domain::User>> page_users(const domain::ListQuery& q) = 0;
  virtual Status add_session(const SessionRecord& s) = 0;
  // The live (unexpired at `now`) session or token with this hash, its user and the user's organisation, in
  // one read; kUnauthorized when there is none such (or its user's organisation is gone).
  virtual Result<domain::LiveSession> find_session(const std::string& token_hash, const std::string& now) = 0;
  virtual Status delete_session(const std::string& token_hash) = 0;
  // The user's API tokens (kind "token") unexpired at `now`, oldest first.
  virtual Result<std::vector<SessionRecord>> list_tokens(int64_t user_id, const std::string& now) = 0;
  // Deletes the user's API token whose hash starts with `hash_prefix` (16 hex digits), with an audit event;
  // kNotFound when the user has none such.
  virtual Status revoke_token(int64_t user_id, const std::string& hash_prefix, const std::string& actor) = 0;

  // The custody chain: records the hand-off and moves custody, in one transaction.
  virtual Result<domain::Handoff> add_handoff(const domain::Handoff& h, const std::string& actor) = 0;
  virtual Result<std::vector<domain::Handoff>> list_handoffs(int64_t assessment) = 0;
  virtual Result<domain::Submission> add_submission(const domain::Submission& s,
                                                    const std::string& actor) = 0;
  virtual Result<std::vector<domain::Submission>> list_submissions(int64_t assessment) = 0;

  virtual Result<std::vector<AuditEvent>> list_audit(const AuditFilter& filter) = 0;
  // The events of one assessment, one page at a time (an indexed query: any number of events).
  virtual Result<std::vector<AuditEvent>> list_assessment_audit(int64_t assessment,
                                                                const AuditPage& page) = 0;
  // How many events one assessment has (the total its pages are out of).
  virtual Result<int64_t> count_assessment_audit(int64_t assessment) = 0;
  // Recomputes the keyed hash chain and names every event that was edited, removed or inserted out of order;
  // replays the events and names every answer, finding, approval, custodian and hand-off row that differs
  // from them; with `against`, checks the log still holds that head (not cut back, not rewritten before it).
  // Reads one consistent snapshot; writers are not held up.
  virtual Result<AuditReport> verify_audit(const AuditHead* against = nullptr) = 0;

  // A number that changes whenever anything audited is written (it is the audit head): caches of views built
  // from templates, assessments, answers, findings, approvals, hand-offs and submissions are valid while it
  // stays the same, also across several servers on one database. Sign-in sessions are not audited and do not
  // move it (no view is built from them).
  virtual Result<int64_t> revision() = 0;

  // ---- Summaries (domain::AssessmentSummary) ----
  // From now on every write that changes an assessment (any audited event filed under it) rewrites its
  // summary with `summariser`, in the same transaction; a summariser failure fails the write. `format` names
  // the summariser's version: summaries kept by another format count as missing.
  virtual void keep_summaries(Summariser summariser, int64_t format) = 0;
  // Rewrites up to `limit` summaries that are missing or of another format (assessments written before the
  // summariser was set, or by an older version); returns how many, 0 when all are current. Each is its own
  // short transaction, so writers are not held up.
  virtual Result<int64_t> refresh_summaries(int64_t limit) = 0;
  // The summary of one assessment as kept (kNotFound when none is).
  virtual Result<domain::AssessmentSummary> get_summary(int64_t assessment) = 0;
  // One page of assessments matching the query, in its order, with the total over all pages: filtered,
  // sorted and paged in the database.
  virtual Result<domain::SummaryPage> list_summaries(const domain::SummaryQuery& query) = 0;
  // RAG counts (and counts of assessments with escalations, findings awaiting acceptance, lapsed acceptances)
  // over every assessment matching the query's filters, by SQL aggregates.
  virtual Result<domain::SummaryCounts> count_summaries(const domain::SummaryQuery& query) = 0;

  // "sqlite" or "postgresql".
  virtual std::string kind() const = 0;
};

struct OpenOptions {
  // The file holding the audit key (kept outside the database; every server of one database uses the same
  // file). Empty: default_audit_key_file(url).
  std::string audit_key_file;
  // The time writes are stamped with (audit events, created and decided times); null: the system clock. It
  // must outlive the store.
  const Clock* clock = nullptr;
};

// Beside an SQLite file: "<file>.audit-key"; for PostgreSQL: $XDG_CONFIG_HOME/tom/audit-key, else
// $HOME/.config/tom/audit-key.
std::string default_audit_key_file(const std::string& url);

// Opens (and migrates) a store: a postgresql:// or postgres:// URL, otherwise an SQLite file path. The audit
// key file is created (0600, random) when the database's audit chain is not keyed yet; once it is, the file
// must hold the key the chain was keyed with, or opening is refused.
Result<std::unique_ptr<Store>> open_store(const std::string& url, const OpenOptions& options = {});

}  // namespace tom::store
