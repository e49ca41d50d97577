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
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "domain/assessment.hpp"
#include "domain/template.hpp"

namespace tom::store {

struct TemplateSummary {
  std::string id;
  std::string version;
  std::string name;
  std::string family;
  size_t sections = 0;
  size_t items = 0;
  std::string created_at;
};

struct AuditEvent {
  int64_t seq = 0;
  std::string at;
  std::string actor;
  std::string action;      // e.g. answer.save, template.add
  std::string entity;      // e.g. answer, assessment
  std::string entity_key;  // e.g. "3/OR-01"
  std::string before;      // JSON, empty when none
  std::string after;       // JSON, empty when none
  std::string prev_hash;
  std::string hash;
};

struct AuditReport {
  size_t checked = 0;
  std::vector<std::string> problems;  // one line per broken event, naming its sequence number
  bool ok() const { return problems.empty(); }
};

struct AuditFilter {
  std::string entity_prefix;  // e.g. "3/" to see one assessment's answers; empty: all
  int64_t after_seq = 0;
  int64_t limit = 1000;
};

// A whole assessment as it travels between databases (export / import): organisations by value, matched by
// name on import; answers keep their author and time.
struct AssessmentBundle {
  domain::Assessment assessment;  // id, participants ignored on import
  std::vector<std::pair<std::string, domain::Organisation>> participants;  // party -> organisation
  domain::AnswerSet answers;
  std::vector<domain::Finding> findings;
  std::vector<domain::Approval> approvals;
};

struct SessionRecord {
  std::string token_hash;
  int64_t user_id = 0;
  std::string kind;  // "session" (cookie) or "token" (API token)
  std::string name;  // for tokens: what the script is called
  std::string csrf_token;
  std::string created_at;
  std::string expires_at;  // ISO 8601; compared as text
};

class Store {
 public:
  virtual ~Store() = default;

  // Templates. Adding id@version again with identical content is a no-op; with other content, kConflict.
  virtual Status put_template(const domain::Template& t, const std::string& actor) = 0;
  // version empty: the newest version (by creation order).
  virtual Result<domain::Template> get_template(const std::string& id, const std::string& version) = 0;
  virtual Result<std::vector<TemplateSummary>> list_templates() = 0;

  virtual Result<domain::Organisation> add_organisation(const domain::Organisation& o,
                                                        const std::string& actor) = 0;
  virtual Result<domain::Organisation> get_organisation(int64_t id) = 0;
  virtual Result<std::vector<domain::Organisation>> list_organisations() = 0;

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
  virtual Status add_session(const SessionRecord& s) = 0;
  // The live (unexpired at `now`) session or token with this hash, and its user.
  virtual Result<std::pair<SessionRecord, domain::User>> find_session(const std::string& token_hash,
                                                                      const std::string& now) = 0;
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
  // Recomputes the hash chain; names every event that was edited, removed or inserted out of order.
  virtual Result<AuditReport> verify_audit() = 0;

  // A number that changes whenever anything is written (the audit head): caches of derived views are valid
  // while it stays the same, also across several servers on one database.
  virtual Result<int64_t> revision() = 0;

  // "sqlite" or "postgresql".
  virtual std::string kind() const = 0;
};

// Opens (and migrates) a store: a postgresql:// or postgres:// URL, otherwise an SQLite file path.
Result<std::unique_ptr<Store>> open_store(const std::string& url);

}  // namespace tom::store
