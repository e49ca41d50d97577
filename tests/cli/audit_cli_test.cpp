// `tom audit` as a user runs it, on a demo SQLite database that someone then tampers with through sqlite3
// (everything but the key file): each tampering must make `tom audit verify` exit 1 naming what is wrong.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cstdlib>

#include "store/audit.hpp"
#include "support/test_support.hpp"

namespace tom {
namespace {

using test::run_tom;

class AuditCli : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = test::temp_path("audit.db");
    auto r = tom({"init", "--demo"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void TearDown() override {
    if (db) sqlite3_close(db);
  }

  test::Run tom(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_, "--user", "cli-test"});
    return run_tom(args);
  }

  // The database opened as an attacker would open it: directly, around tom.
  sqlite3* open() {
    if (!db) {
      EXPECT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
    }
    return db;
  }
  void exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(open(), sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << sql << ": " << err;
  }
  std::string value(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(open(), sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  }

  // Expects verify to fail naming `what`.
  void expect_broken(const std::vector<std::string>& what, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"audit", "verify"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = tom(args);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_NE(r.out.find("Audit trail BROKEN"), std::string::npos) << r.out;
    for (const auto& w : what)
      EXPECT_NE(r.out.find(w), std::string::npos) << "not named: " << w << "\n" << r.out;
  }
  void expect_intact() {
    auto r = tom({"audit", "verify"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  }

  std::string db_;
  sqlite3* db = nullptr;
};

TEST_F(AuditCli, TheUntamperedJourneyVerifiesAndItsHeadIsKeptElsewhere) {
  ASSERT_EQ(tom({"answer", "2", "OR-01", "Yes"}).exit_code, 0);
  auto r = tom({"audit", "verify"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Audit trail intact"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("match a replay of the events"), std::string::npos) << r.out;

  auto printed = tom({"audit", "head"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  EXPECT_EQ(printed.out.rfind("tom-audit-head v1\n", 0), 0u) << printed.out;
  std::string head = test::temp_path("head.txt");
  auto saved = tom({"audit", "head", "-o", head});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  EXPECT_NE(saved.out.find("keep it outside this server"), std::string::npos);
  auto against = tom({"audit", "verify", "--against", head});
  EXPECT_EQ(against.exit_code, 0) << against.out << against.err;
  EXPECT_NE(against.out.find("is still in the log"), std::string::npos) << against.out;
  // The log grows; the head stays valid.
  ASSERT_EQ(tom({"answer", "2", "OR-02", "Yes"}).exit_code, 0);
  EXPECT_EQ(tom({"audit", "verify", "--against", head}).exit_code, 0);
}

TEST_F(AuditCli, TheLastEventsDeletedAndTheHeadMovedBackAreDetected) {
  ASSERT_EQ(tom({"answer", "2", "OR-01", "Yes"}).exit_code, 0);
  ASSERT_EQ(tom({"answer", "2", "OR-02", "No"}).exit_code, 0);
  std::string head = test::temp_path("head.txt");
  ASSERT_EQ(tom({"audit", "head", "-o", head}).exit_code, 0);
  int last = std::stoi(value("SELECT max(seq) FROM audit_events"));
  exec("DELETE FROM audit_events WHERE seq > " + std::to_string(last - 2));
  exec("UPDATE audit_head SET seq = " + std::to_string(last - 2) +
       ", hash = (SELECT hash FROM audit_events WHERE seq = " + std::to_string(last - 2) + ")");
  expect_broken({"answers: assessment 2, item OR-01 has no audit event",
                 "answers: assessment 2, item OR-02 has no audit event"});
  expect_broken(
      {"the log was cut back", "events " + std::to_string(last - 1) + "-" + std::to_string(last) + " gone"},
      {"--against", head});
  // A broken trail gets no signed head.
  auto refused = tom({"audit", "head"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.out.find("tom-audit-head"), std::string::npos) << refused.out;
}

TEST_F(AuditCli, EveryEventDeletedIsDetected) {
  exec("DELETE FROM audit_events");
  exec("UPDATE audit_head SET seq = 0, hash = ''");
  expect_broken({"which starts the keyed chain (audit.keyed), is missing", "has no audit event",
                 "assessments: assessment 1 has no audit event"});
}

TEST_F(AuditCli, EventsRewrittenWithRecomputedPlainHashesAreDetected) {
  std::string first_answer = value("SELECT min(seq) FROM audit_events WHERE action = 'answer.save'");
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(open(),
                               "SELECT seq, at, actor, action, entity, entity_key, before_json, after_json "
                               "FROM audit_events ORDER BY seq",
                               -1, &st, nullptr),
            SQLITE_OK);
  std::vector<domain::AuditEvent> events;
  auto col = [&](int i) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i))); };
  while (sqlite3_step(st) == SQLITE_ROW)
    events.push_back(
        {sqlite3_column_int64(st, 0), col(1), col(2), col(3), col(4), col(5), col(6), col(7), "", ""});
  sqlite3_finalize(st);
  std::string prev;
  exec("BEGIN");
  for (auto& e : events) {
    if (std::to_string(e.seq) == first_answer) e.actor = "mallory";
    e.prev_hash = prev;
    e.hash = store::audit_hash(e, "");  // the unkeyed chain's SHA-256, which anyone can recompute
    exec("UPDATE audit_events SET actor = '" + e.actor + "', prev_hash = '" + e.prev_hash + "', hash = '" +
         e.hash + "' WHERE seq = " + std::to_string(e.seq));
    prev = e.hash;
  }
  exec("UPDATE audit_head SET hash = '" + prev + "'");
  exec("COMMIT");
  expect_broken({"event 1 (audit.keyed audit) was edited", "event " + first_answer + " (answer.save",
                 "do not match its signature (HMAC with the audit key)"});
}

TEST_F(AuditCli, AnswerApprovalAndCustodianRowsChangedWithNoEventAreNamed) {
  expect_intact();
  // An answer.
  std::string item = value("SELECT item_id FROM answers WHERE assessment_id = 1 ORDER BY item_id LIMIT 1");
  std::string old_value =
      value("SELECT value FROM answers WHERE assessment_id = 1 AND item_id = '" + item + "'");
  ASSERT_FALSE(item.empty());
  exec("UPDATE answers SET value = 'tampered' WHERE assessment_id = 1 AND item_id = '" + item + "'");
  expect_broken({"answers: assessment 1, item " + item + ": value is \"tampered\" where the trail says"});
  exec("UPDATE answers SET value = '" + old_value + "' WHERE assessment_id = 1 AND item_id = '" + item + "'");
  expect_intact();

  // An approval.
  std::string approval = value("SELECT id FROM approvals ORDER BY id LIMIT 1");
  std::string assessment = value("SELECT assessment_id FROM approvals WHERE id = " + approval);
  std::string certificate = value("SELECT certificate FROM approvals WHERE id = " + approval);
  ASSERT_FALSE(approval.empty());
  exec("UPDATE approvals SET certificate = 'FAKE-CERT-1' WHERE id = " + approval);
  expect_broken({"approvals: assessment " + assessment + ", approval " + approval +
                 ": certificate is \"FAKE-CERT-1\" where the trail says"});
  exec("UPDATE approvals SET certificate = '" + certificate + "' WHERE id = " + approval);
  expect_intact();

  // The custodian.
  std::string custodian = value("SELECT custodian FROM assessments WHERE id = 2");
  exec("UPDATE assessments SET custodian = 'someone-else' WHERE id = 2");
  expect_broken({"assessments: assessment 2: custodian is \"someone-else\" where the trail says \"" +
                 custodian + "\""});
}

TEST_F(AuditCli, TheKeyFileIsGivenOutsideTheDatabase) {
  std::string key = db_ + ".audit-key";
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0) << "the default key file sits beside the database";
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // Another place, by option and by environment.
  std::string other_db = test::temp_path("keyed.db"), other_key = test::temp_path("elsewhere.key");
  auto init = run_tom({"--db", other_db, "--audit-key", other_key, "init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find("Audit key: " + other_key), std::string::npos) << init.out;
  EXPECT_EQ(::stat(other_key.c_str(), &st), 0);
  EXPECT_NE(::stat((other_db + ".audit-key").c_str(), &st), 0) << "no second key beside the database";
  auto without = run_tom({"--db", other_db, "audit", "verify"});
  EXPECT_EQ(without.exit_code, 3);
  EXPECT_NE(without.err.find(other_db + ".audit-key is missing"), std::string::npos) << without.err;
  ::setenv("TOM_AUDIT_KEY_FILE", other_key.c_str(), 1);
  auto by_env = run_tom({"--db", other_db, "audit", "verify"});
  ::unsetenv("TOM_AUDIT_KEY_FILE");
  EXPECT_EQ(by_env.exit_code, 0) << by_env.err;
  auto wrong = run_tom({"--db", other_db, "--audit-key", key, "audit", "verify"});
  EXPECT_EQ(wrong.exit_code, 3);
  EXPECT_NE(wrong.err.find("is not the key this database's audit trail is signed with"), std::string::npos)
      << wrong.err;
}

TEST_F(AuditCli, ABadOrEditedHeadFileIsRefused) {
  std::string head = test::temp_path("head.txt");
  ASSERT_EQ(tom({"audit", "head", "-o", head}).exit_code, 0);
  std::string text = test::read_text(head);
  size_t at = text.find("events ");
  ASSERT_NE(at, std::string::npos);
  std::string edited = text;
  edited.replace(at, text.find('\n', at) - at, "events 1");
  std::string edited_file = test::temp_path("edited-head.txt");
  test::write_text(edited_file, edited);
  expect_broken({"the head file's signature does not match its contents"}, {"--against", edited_file});

  std::string garbage = test::temp_path("garbage.txt");
  test::write_text(garbage, "tom-audit-head v1\nevents many\n");
  auto r = tom({"audit", "verify", "--against", garbage});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find(garbage + ":2: events: should be a number"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mac: is missing"), std::string::npos) << r.err;
  auto none = tom({"audit", "verify", "--against", test::temp_path("absent.txt")});
  EXPECT_EQ(none.exit_code, 3);
}

}  // namespace
}  // namespace tom
