#pragma once
// The Store implementation shared by SQLite and PostgreSQL: all logic and SQL here, drivers behind
// sql::Connection. Connections come from a small pool so reads run in parallel (WAL on SQLite).
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "store/sql/connection.hpp"
#include "store/store.hpp"

namespace tom::store {

using ConnectionFactory = std::function<Result<std::unique_ptr<sql::Connection>>()>;

class SqlStore : public Store {
 public:
  // Opens one connection at once (migrating the schema and establishing the audit key from
  // audit_key_file) and up to pool_size more on demand.
  static Result<std::unique_ptr<SqlStore>> open(ConnectionFactory factory, std::string kind, size_t pool_size,
                                                const std::string& audit_key_file);

  Status put_template(const domain::Template& t, const std::string& actor) override;
  Result<domain::Template> get_template(const std::string& id, const std::string& version) override;
  Result<std::vector<TemplateSummary>> list_templates() override;
  Result<domain::Page<TemplateSummary>> page_templates(const domain::ListQuery& q) override;
  Result<domain::Organisation> add_organisation(const domain::Organisation& o,
                                                const std::string& actor) override;
  Result<domain::Organisation> get_organisation(int64_t id) override;
  Result<std::vector<domain::Organisation>> list_organisations() override;
  Result<domain::Page<domain::Organisation>> page_organisations(const domain::ListQuery& q) override;
  Result<domain::Assessment> create_assessment(const domain::Assessment& a,
                                               const std::string& actor) override;
  Result<domain::Assessment> get_assessment(int64_t id) override;
  Result<std::vector<domain::Assessment>> list_assessments() override;
  Result<domain::Assessment> import_assessment(const AssessmentBundle& b, const std::string& actor) override;
  Status set_template_version(int64_t assessment, const std::string& version, const std::string& report_json,
                              const std::string& actor) override;
  Status set_custodian(int64_t assessment, const std::string& party, const std::string& actor) override;
  Result<domain::AnswerSet> get_answers(int64_t assessment) override;
  Result<domain::Answer> save_answer(int64_t assessment, const domain::Answer& a, int64_t expected_version,
                                     const std::string& actor) override;
  Result<domain::Finding> save_finding(const domain::Finding& f, const std::string& actor) override;
  Result<std::vector<domain::Finding>> list_findings(int64_t assessment) override;
  Result<domain::Approval> add_approval(const domain::Approval& a, const std::string& actor) override;
  Result<domain::Approval> record_decision(
      const domain::Approval& a,
      const std::function<std::vector<domain::Answer>(const domain::Approval&)>& record,
      const std::string& actor) override;
  Result<std::vector<domain::Approval>> list_approvals(int64_t assessment) override;
  Result<domain::User> add_user(const domain::User& u, const std::string& password_hash,
                                const std::string& actor) override;
  Result<domain::User> get_user(int64_t id) override;
  Result<std::pair<domain::User, std::string>> find_user_by_email(const std::string& email) override;
  Result<std::vector<domain::User>> list_users() override;
  Result<std::map<std::string, std::string>> user_names(const std::vector<std::string>& emails) override;
  Result<domain::Page<domain::User>> page_users(const domain::ListQuery& q) override;
  Status add_session(const SessionRecord& s) override;
  Result<domain::LiveSession> find_session(const std::string& token_hash, const std::string& now) override;
  Status delete_session(const std::string& token_hash) override;
  Result<std::vector<SessionRecord>> list_tokens(int64_t user_id, const std::string& now) override;
  Status revoke_token(int64_t user_id, const std::string& hash_prefix, const std::string& actor) override;
  Result<domain::Handoff> add_handoff(const domain::Handoff& h, const std::string& actor) override;
  Result<std::vector<domain::Handoff>> list_handoffs(int64_t assessment) override;
  Result<domain::Submission> add_submission(const domain::Submission& s, const std::string& actor) override;
  Result<std::vector<domain::Submission>> list_submissions(int64_t assessment) override;
  Result<std::vector<AuditEvent>> list_audit(const AuditFilter& filter) override;
  Result<std::vector<AuditEvent>> list_assessment_audit(int64_t assessment, const AuditPage& page) override;
  Result<int64_t> count_assessment_audit(int64_t assessment) override;
  Result<AuditReport> verify_audit(const AuditHead* against = nullptr) override;
  Result<int64_t> revision() override;
  void keep_summaries(Summariser summariser, int64_t format) override;
  Result<int64_t> refresh_summaries(int64_t limit) override;
  Result<domain::AssessmentSummary> get_summary(int64_t assessment) override;
  Result<domain::SummaryPage> list_summaries(const domain::SummaryQuery& query) override;
  Result<domain::SummaryCounts> count_summaries(const domain::SummaryQuery& query) override;
  std::string kind() const override { return kind_; }

 private:
  class Lease;
  SqlStore(ConnectionFactory f, std::string kind, size_t pool_size)
      : factory_(std::move(f)), kind_(std::move(kind)), max_(pool_size) {}
  Result<std::unique_ptr<sql::Connection>> acquire();
  // Rewrites the summaries of the assessments conn.touched names (store/summaries.cpp); ok when no
  // summariser is set.
  Status keep_touched(sql::Connection& conn);
  // Moves the kept statuses to `today` once per day per process (store::roll_summaries).
  Status ensure_day(const std::string& today);
  void release(std::unique_ptr<sql::Connection> c);

  // Runs fn in a write transaction; commits when it succeeds, rolls back otherwise.
  template <class T>
  Result<T> write(const std::function<Result<T>(sql::Connection&)>& fn) {
    TOM_ASSIGN(auto conn, acquire());
    conn->touched.clear();
    auto began = conn->begin();
    if (!began.ok()) {
      release(std::move(conn));
      return std::move(began).error();
    }
    auto r = fn(*conn);
    if (r.ok()) {
      // Every assessment the write changed gets its summary rewritten before the commit (or nothing is).
      if (auto kept = keep_touched(*conn); !kept.ok()) r = std::move(kept).error();
    }
    if (!r.ok()) {
      conn->rollback();
      release(std::move(conn));
      return r;
    }
    auto committed = conn->commit();
    if (!committed.ok()) {
      conn->rollback();
      release(std::move(conn));
      return std::move(committed).error();
    }
    release(std::move(conn));
    return r;
  }
  template <class T>
  Result<T> read(const std::function<Result<T>(sql::Connection&)>& fn) {
    TOM_ASSIGN(auto conn, acquire());
    auto r = fn(*conn);
    release(std::move(conn));
    return r;
  }

  ConnectionFactory factory_;
  std::string kind_;
  std::string audit_key_;  // given to every connection (sql::Connection::audit_key)
  size_t max_;
  size_t created_ = 0;
  std::vector<std::unique_ptr<sql::Connection>> idle_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const Summariser> summariser_;  // under mu_
  int64_t summary_format_ = 0;                    // under mu_
  std::string rolled_day_;                        // under mu_: the day the statuses were last moved to
};

}  // namespace tom::store
