// The store suite's people and workflow half, on SQLite and PostgreSQL: users, sign-in sessions and API
// tokens, hand-offs, submissions, the revision number and moving an assessment to another template version.
// Every test ends with the audit trail still verifying.
#include <gtest/gtest.h>

#include "store/store_fixture.hpp"

namespace tom::store {
namespace {

using namespace tom::domain;

class StorePeople : public StoreSuite {
 protected:
  int64_t organisation(const std::string& name, const std::string& type = "nhs-trust") {
    auto o = store_->add_organisation({0, name, "", type}, "admin");
    EXPECT_TRUE(o.ok()) << (o.ok() ? "" : o.error().describe());
    return o.ok() ? o->id : 0;
  }

  User user(const std::string& email, int64_t org, std::vector<std::string> roles = {"editor"}) {
    auto u =
        store_->add_user({0, email, "Person " + email, org, std::move(roles)}, "hash-of-" + email, "admin");
    EXPECT_TRUE(u.ok()) << (u.ok() ? "" : u.error().describe());
    return u.ok() ? *u : User{};
  }

  // A 64-hex-digit token hash whose first 16 digits (the id revoke_token takes) are `prefix` padded with 0.
  static std::string token_hash(const std::string& prefix, char fill = 'f') {
    std::string h = prefix + std::string(16 - prefix.size(), '0');
    return h + std::string(48, fill);
  }

  SessionRecord session(const std::string& hash, int64_t user, const std::string& kind,
                        const std::string& expires_at,
                        const std::string& created_at = "2025-01-01T00:00:00Z") {
    return SessionRecord{
        hash,           user,       kind,      kind == "token" ? "script " + hash.substr(0, 4) : "",
        "csrf-" + hash, created_at, expires_at};
  }

  int64_t assessment_held_by(const std::string& party) {
    int64_t id = new_assessment();
    EXPECT_TRUE(store_->set_custodian(id, party, "t").ok());
    return id;
  }

  std::vector<AuditEvent> events(const std::string& key_prefix) {
    AuditFilter f;
    f.entity_prefix = key_prefix;
    auto e = store_->list_audit(f);
    EXPECT_TRUE(e.ok());
    return e.ok() ? *e : std::vector<AuditEvent>{};
  }

  int64_t revision() {
    auto r = store_->revision();
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
    return r.ok() ? *r : -1;
  }

  void expect_audit_verifies() {
    auto report = store_->verify_audit();
    ASSERT_TRUE(report.ok()) << report.error().describe();
    std::string problems;
    for (const auto& p : report->problems) problems += p + "\n";
    EXPECT_TRUE(report->ok()) << problems;
  }
};

TEST_P(StorePeople, UsersAreAddedOnceByEmailWhateverItsCase) {
  int64_t trust = organisation("Lakeside Hospital NHS Trust");
  auto amy = store_->add_user({0, "Amy.Jones@Lakeside.example", "Amy Jones", trust, {"editor", "approver"}},
                              "argon2-hash-amy", "admin");
  ASSERT_TRUE(amy.ok()) << amy.error().describe();
  EXPECT_GT(amy->id, 0);
  for (const char* again :
       {"Amy.Jones@Lakeside.example", "amy.jones@lakeside.example", "AMY.JONES@LAKESIDE.EXAMPLE"}) {
    auto dup = store_->add_user({0, again, "Another Amy", trust, {}}, "h", "admin");
    ASSERT_FALSE(dup.ok()) << again;
    EXPECT_EQ(dup.error().code, ErrorCode::kConflict) << again;
  }
  // What is not a user is refused before anything is written.
  EXPECT_EQ(store_->add_user({0, "no-at-sign", "X", trust, {}}, "h", "admin").error().code,
            ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->add_user({0, "x@y.example", "", trust, {}}, "h", "admin").error().code,
            ErrorCode::kInvalidInput);
  EXPECT_EQ(store_->add_user({0, "x@y.example", "X", 9999, {}}, "h", "admin").error().code,
            ErrorCode::kNotFound);
  User ben = user("ben@lakeside.example", trust, {});

  auto got = store_->get_user(amy->id);
  ASSERT_TRUE(got.ok()) << got.error().describe();
  EXPECT_EQ(got->email, "Amy.Jones@Lakeside.example");  // kept as written
  EXPECT_EQ(got->name, "Amy Jones");
  EXPECT_EQ(got->organisation_id, trust);
  EXPECT_EQ(got->roles, (std::vector<std::string>{"editor", "approver"}));
  EXPECT_TRUE(store_->get_user(ben.id)->roles.empty());
  EXPECT_EQ(store_->get_user(9999).error().code, ErrorCode::kNotFound);

  auto found = store_->find_user_by_email("aMy.JoNeS@lakeside.EXAMPLE");
  ASSERT_TRUE(found.ok()) << found.error().describe();
  EXPECT_EQ(found->first.id, amy->id);
  EXPECT_EQ(found->first.roles, got->roles);
  EXPECT_EQ(found->second, "argon2-hash-amy");
  EXPECT_EQ(store_->find_user_by_email("amy.jones@lakeside").error().code, ErrorCode::kNotFound);

  auto all = store_->list_users();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(0).id, amy->id);  // in the order they were added
  EXPECT_EQ(all->at(1).email, "ben@lakeside.example");
  auto added = events("user/");
  ASSERT_EQ(added.size(), 2u);  // the refused ones left no event
  EXPECT_EQ(added[0].action, "user.add");
  EXPECT_EQ(added[0].actor, "admin");
  EXPECT_EQ(added[0].after.find("argon2"), std::string::npos)
      << "the password hash stays out of the audit trail";
  expect_audit_verifies();
}

TEST_P(StorePeople, ASessionLastsUntilItExpiresOrIsDeleted) {
  User amy = user("amy@lakeside.example", organisation("Lakeside"));
  std::string hash = token_hash("5e55");
  ASSERT_TRUE(store_->add_session(session(hash, amy.id, "session", "2025-06-01T12:00:00Z")).ok());

  auto live = store_->find_session(hash, "2025-06-01T11:59:59Z");
  ASSERT_TRUE(live.ok()) << live.error().describe();
  EXPECT_EQ(live->session.user_id, amy.id);
  EXPECT_EQ(live->session.kind, "session");
  EXPECT_EQ(live->session.csrf_token, "csrf-" + hash);
  EXPECT_EQ(live->session.expires_at, "2025-06-01T12:00:00Z");
  EXPECT_EQ(live->user.email, "amy@lakeside.example");
  EXPECT_EQ(live->user.roles, amy.roles);
  // The user's organisation comes with it (the same read).
  EXPECT_EQ(live->organisation.id, amy.organisation_id);
  EXPECT_EQ(live->organisation.name, "Lakeside");
  // At its expiry it has ended, and after.
  EXPECT_EQ(store_->find_session(hash, "2025-06-01T12:00:00Z").error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(store_->find_session(hash, "2025-06-02T00:00:00Z").error().code, ErrorCode::kUnauthorized);
  EXPECT_EQ(store_->find_session(token_hash("0ther"), "2025-01-01T00:00:00Z").error().code,
            ErrorCode::kUnauthorized);

  std::string second = token_hash("5e56");
  ASSERT_TRUE(store_->add_session(session(second, amy.id, "session", "2025-06-01T12:00:00Z")).ok());
  ASSERT_TRUE(store_->delete_session(hash).ok());
  EXPECT_EQ(store_->find_session(hash, "2025-06-01T00:00:00Z").error().code, ErrorCode::kUnauthorized);
  EXPECT_TRUE(store_->find_session(second, "2025-06-01T00:00:00Z").ok()) << "only the one session ends";
  EXPECT_TRUE(store_->delete_session(hash).ok()) << "signing out twice is no error";
  // Sessions are not API tokens.
  EXPECT_TRUE(store_->list_tokens(amy.id, "2025-01-01T00:00:00Z")->empty());
  expect_audit_verifies();
}

TEST_P(StorePeople, ApiTokensAreListedAndRevokedByTheirOwnerOnly) {
  int64_t trust = organisation("Lakeside");
  User amy = user("amy@lakeside.example", trust);
  User ben = user("ben@lakeside.example", trust);
  std::string older = token_hash("a0a0a0a0a0a0a0a0"), newer = token_hash("b1b1b1b1"),
              expired = token_hash("c2c2c2c2"), bens = token_hash("d3d3d3d3");
  ASSERT_TRUE(
      store_->add_session(session(newer, amy.id, "token", "2026-01-01T00:00:00Z", "2025-02-01T00:00:00Z"))
          .ok());
  ASSERT_TRUE(
      store_->add_session(session(older, amy.id, "token", "2026-01-01T00:00:00Z", "2025-01-01T00:00:00Z"))
          .ok());
  ASSERT_TRUE(store_->add_session(session(expired, amy.id, "token", "2025-03-01T00:00:00Z")).ok());
  ASSERT_TRUE(store_->add_session(session(bens, ben.id, "token", "2026-01-01T00:00:00Z")).ok());
  ASSERT_TRUE(
      store_->add_session(session(token_hash("e4e4"), amy.id, "session", "2026-01-01T00:00:00Z")).ok());

  auto tokens = store_->list_tokens(amy.id, "2025-06-01T00:00:00Z");
  ASSERT_TRUE(tokens.ok()) << tokens.error().describe();
  ASSERT_EQ(tokens->size(), 2u);               // not the expired one, not the session, not Ben's
  EXPECT_EQ(tokens->at(0).token_hash, older);  // oldest first
  EXPECT_EQ(tokens->at(1).token_hash, newer);
  EXPECT_EQ(tokens->at(0).name, "script a0a0");
  EXPECT_EQ(store_->list_tokens(amy.id, "2025-01-15T00:00:00Z")->size(), 3u);  // before the third expired

  // A token is named by the first 16 hex digits of its hash, and only its owner revokes it.
  Status wrong_user = store_->revoke_token(ben.id, older.substr(0, 16), "ben@lakeside.example");
  ASSERT_FALSE(wrong_user.ok());
  EXPECT_EQ(wrong_user.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store_->find_session(older, "2025-06-01T00:00:00Z").ok()) << "Ben cannot revoke Amy's token";
  EXPECT_EQ(store_->revoke_token(amy.id, "ffffffffffffffff", "amy").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->revoke_token(amy.id, token_hash("e4e4").substr(0, 16), "amy").error().code,
            ErrorCode::kNotFound)
      << "a sign-in session is not revoked as a token";

  ASSERT_TRUE(store_->revoke_token(amy.id, older.substr(0, 16), "amy@lakeside.example").ok());
  EXPECT_EQ(store_->find_session(older, "2025-06-01T00:00:00Z").error().code, ErrorCode::kUnauthorized);
  tokens = store_->list_tokens(amy.id, "2025-06-01T00:00:00Z");
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ(tokens->at(0).token_hash, newer);
  EXPECT_EQ(store_->revoke_token(amy.id, older.substr(0, 16), "amy").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->list_tokens(ben.id, "2025-06-01T00:00:00Z")->size(), 1u);

  // Creating and revoking tokens are audited (naming the token, never its hash); sign-ins are not.
  std::vector<std::string> actions;
  for (const auto& e : events("user/" + std::to_string(amy.id))) {
    if (e.action == "user.add") continue;
    actions.push_back(e.action);
    EXPECT_EQ(e.before.find(older), std::string::npos);
    EXPECT_EQ(e.after.find(older), std::string::npos);
  }
  EXPECT_EQ(actions,
            (std::vector<std::string>{"token.create", "token.create", "token.create", "token.revoke"}));
  expect_audit_verifies();
}

TEST_P(StorePeople, AHandOffMovesCustodyFromTheHolderOnly) {
  int64_t id = assessment_held_by("smsp");
  auto first =
      store_->add_handoff({0, id, "smsp", "smsc", "supplier part done", "", ""}, "sam@broker.example");
  ASSERT_TRUE(first.ok()) << first.error().describe();
  EXPECT_GT(first->id, 0);
  EXPECT_EQ(first->by, "sam@broker.example");
  EXPECT_FALSE(first->at.empty());
  EXPECT_EQ(store_->get_assessment(id)->custodian, "smsc");

  // From a party that does not hold it: refused, nothing recorded.
  auto stale = store_->add_handoff({0, id, "smsp", "end-user", "", "", ""}, "sam@broker.example");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  EXPECT_EQ(store_->get_assessment(id)->custodian, "smsc");
  EXPECT_EQ(store_->add_handoff({0, 9999, "smsp", "smsc", "", "", ""}, "x").error().code,
            ErrorCode::kNotFound);

  ASSERT_TRUE(
      store_->add_handoff({0, id, "smsc", "end-user", "over to the trust", "", ""}, "cat@client.example")
          .ok());
  ASSERT_TRUE(store_->add_handoff({0, id, "end-user", "smsc", "please fix MSP-AUD-04", "", ""}, "amy").ok());
  EXPECT_EQ(store_->get_assessment(id)->custodian, "smsc");
  auto chain = store_->list_handoffs(id);
  ASSERT_TRUE(chain.ok()) << chain.error().describe();
  ASSERT_EQ(chain->size(), 3u);
  EXPECT_EQ(chain->at(0).id, first->id);  // in the order they happened
  EXPECT_EQ(chain->at(0).note, "supplier part done");
  EXPECT_EQ(chain->at(1).from_party, "smsc");
  EXPECT_EQ(chain->at(1).to_party, "end-user");
  EXPECT_EQ(chain->at(1).by, "cat@client.example");
  EXPECT_EQ(chain->at(2).note, "please fix MSP-AUD-04");
  EXPECT_LE(chain->at(0).at, chain->at(2).at);
  EXPECT_TRUE(store_->list_handoffs(new_assessment())->empty()) << "hand-offs belong to their assessment";
  expect_audit_verifies();
}

TEST_P(StorePeople, SubmissionsAreListedInTheOrderMade) {
  int64_t id = new_assessment(), other = new_assessment();
  for (const char* phase : {"1A", "1B", "1A"})
    ASSERT_TRUE(store_->add_submission({0, id, phase, "", ""}, "sam@broker.example").ok()) << phase;
  ASSERT_TRUE(store_->add_submission({0, other, "2", "", ""}, "amy").ok());
  EXPECT_EQ(store_->add_submission({0, 9999, "1A", "", ""}, "x").error().code, ErrorCode::kNotFound);

  auto list = store_->list_submissions(id);
  ASSERT_TRUE(list.ok()) << list.error().describe();
  ASSERT_EQ(list->size(), 3u);
  std::vector<std::string> phases;
  for (const auto& s : *list) {
    phases.push_back(s.phase);
    EXPECT_EQ(s.assessment_id, id);
    EXPECT_EQ(s.by, "sam@broker.example");
    EXPECT_FALSE(s.at.empty());
  }
  EXPECT_EQ(phases, (std::vector<std::string>{"1A", "1B", "1A"}));
  EXPECT_LT(list->at(0).id, list->at(2).id);
  EXPECT_LE(list->at(0).at, list->at(2).at);
  ASSERT_EQ(store_->list_submissions(other)->size(), 1u);
  EXPECT_EQ(events(std::to_string(id) + "/phase/1A").size(), 2u);
  EXPECT_EQ(events(std::to_string(id) + "/phase/1A").at(0).action, "phase.submit");
  expect_audit_verifies();
}

TEST_P(StorePeople, TheRevisionMovesWithEveryWriteAndOnlyThen) {
  int64_t id = assessment_held_by("smsp");
  int64_t trust = organisation("Lakeside");
  User amy = user("amy@lakeside.example", trust);
  int64_t seen = revision();
  EXPECT_GT(seen, 0);
  auto reads_leave_it = [&](const char* after) {
    ASSERT_TRUE(store_->get_assessment(id).ok());
    ASSERT_TRUE(store_->get_answers(id).ok());
    ASSERT_TRUE(store_->list_findings(id).ok());
    ASSERT_TRUE(store_->list_approvals(id).ok());
    ASSERT_TRUE(store_->list_handoffs(id).ok());
    ASSERT_TRUE(store_->list_submissions(id).ok());
    ASSERT_TRUE(store_->list_users().ok());
    ASSERT_TRUE(store_->find_user_by_email("amy@lakeside.example").ok());
    ASSERT_TRUE(store_->list_audit({}).ok());
    ASSERT_TRUE(store_->verify_audit().ok());
    EXPECT_EQ(revision(), seen) << "reads after " << after << " moved the revision";
  };
  auto moved = [&](bool ok, const char* what) {
    ASSERT_TRUE(ok) << what;
    int64_t now = revision();
    EXPECT_GT(now, seen) << what << " did not move the revision";
    seen = now;
    reads_leave_it(what);
  };
  reads_leave_it("setting up");
  moved(store_->save_answer(id, {"OR-01", "Yes", "", "", "", "", 0}, 0, "t").ok(), "an answer");
  moved(store_->save_answer(id, {"OR-01", "No", "", "", "", "", 0}, 1, "t").ok(), "a second version");
  Finding f;
  f.assessment_id = id;
  f.key = "manual:1";
  f.kind = "risk";
  f.title = "A risk";
  moved(store_->save_finding(f, "t").ok(), "a finding");
  Approval ap;
  ap.assessment_id = id;
  ap.phase = "1A";
  moved(store_->add_approval(ap, "priya").ok(), "an approval");
  moved(store_->add_submission({0, id, "2", "", ""}, "t").ok(), "a submission");
  moved(store_->add_handoff({0, id, "smsp", "smsc", "", "", ""}, "t").ok(), "a hand-off");
  moved(store_->set_custodian(id, "end-user", "t").ok(), "a custodian");
  moved(store_->add_organisation({0, "Hillside", "", "nhs-trust"}, "admin").ok(), "an organisation");
  moved(store_->add_user({0, "ben@lakeside.example", "Ben", trust, {}}, "h", "admin").ok(), "a user");
  std::string token = token_hash("70c3");
  moved(store_->add_session(session(token, amy.id, "token", "2099-01-01T00:00:00Z")).ok(), "a token");
  moved(store_->revoke_token(amy.id, token.substr(0, 16), "amy").ok(), "a revoked token");
  moved(store_->put_template(small_template("2"), "t").ok(), "a template");
  moved(store_->set_template_version(id, "2", "{}", "t").ok(), "an upgrade");

  // A refused write changes nothing, so neither does it move the revision.
  EXPECT_FALSE(store_->save_answer(id, {"OR-01", "N/A", "", "", "", "", 0}, 1, "t").ok());
  EXPECT_FALSE(store_->add_handoff({0, id, "smsp", "smsc", "", "", ""}, "t").ok());
  EXPECT_FALSE(store_->add_user({0, "AMY@lakeside.example", "Amy again", trust, {}}, "h", "admin").ok());
  EXPECT_EQ(revision(), seen);

  // Another server on the same database sees the same number, and the first sees its writes.
  auto other = open_store(url_, {key_file_});
  ASSERT_TRUE(other.ok()) << other.error().describe();
  EXPECT_EQ((*other)->revision().value(), seen);
  ASSERT_TRUE((*other)->save_answer(id, {"OR-02", "Yes", "", "", "", "", 0}, 0, "elsewhere").ok());
  EXPECT_GT(revision(), seen);
  EXPECT_EQ(revision(), (*other)->revision().value());
  expect_audit_verifies();
}

TEST_P(StorePeople, AnUpgradePointsAtTheNewVersionKeepingAnswersAndRecordsItsReport) {
  int64_t id = new_assessment();  // on sms-client-tom@1
  ASSERT_TRUE(store_->save_answer(id, {"OR-01", "Yes", "checked", "", "", "", 0}, 0, "amy").ok());
  ASSERT_TRUE(store_->save_answer(id, {"OR-02", "No", "", "", "", "", 0}, 0, "amy").ok());
  ASSERT_TRUE(store_->save_answer(id, {"OR-02", "Yes", "", "", "", "", 0}, 1, "ben").ok());
  auto before = store_->get_answers(id);
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(store_->set_template_version(id, "2", "{}", "t").error().code, ErrorCode::kNotFound)
      << "version 2 is not stored yet";
  ASSERT_TRUE(store_->put_template(small_template("2"), "t").ok());

  const std::string report =
      R"({"from":"sms-client-tom@1","to":"sms-client-tom@2","carried":["OR-01","OR-02"],"added":[],)"
      R"("removed":[],"changed":[],"needs_review":[]})";
  ASSERT_TRUE(store_->set_template_version(id, "2", report, "upgrader@nhsd.example").ok());
  auto a = store_->get_assessment(id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->template_version, "2");
  EXPECT_EQ(a->template_id, "sms-client-tom");
  EXPECT_EQ(a->participants.size(), 1u);
  auto after = store_->get_answers(id);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), before->size());
  for (const auto& [item, ans] : *before) {
    EXPECT_EQ(after->at(item).value, ans.value) << item;
    EXPECT_EQ(after->at(item).note, ans.note) << item;
    EXPECT_EQ(after->at(item).version, ans.version) << item;
    EXPECT_EQ(after->at(item).author, ans.author) << item;
  }

  std::vector<AuditEvent> upgrades;
  for (const auto& e : events(std::to_string(id)))
    if (e.action == "assessment.upgrade") upgrades.push_back(e);
  ASSERT_EQ(upgrades.size(), 1u);
  EXPECT_EQ(upgrades[0].entity_key, std::to_string(id));
  EXPECT_EQ(upgrades[0].actor, "upgrader@nhsd.example");
  EXPECT_NE(upgrades[0].before.find(R"("template_version":"1")"), std::string::npos) << upgrades[0].before;
  EXPECT_NE(upgrades[0].after.find(R"("to":"sms-client-tom@2")"), std::string::npos) << upgrades[0].after;
  EXPECT_NE(upgrades[0].after.find(R"("carried":["OR-01","OR-02"])"), std::string::npos) << upgrades[0].after;

  // Unknown versions and assessments are refused and leave the assessment where it is.
  EXPECT_EQ(store_->set_template_version(id, "9", "{}", "t").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->set_template_version(9999, "1", "{}", "t").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->get_assessment(id)->template_version, "2");
  // And back again: the version named is all that changes.
  ASSERT_TRUE(store_->set_template_version(id, "1", "{}", "t").ok());
  EXPECT_EQ(store_->get_assessment(id)->template_version, "1");
  EXPECT_EQ(store_->get_answers(id)->size(), before->size());
  expect_audit_verifies();
}

INSTANTIATE_TEST_SUITE_P(Backends, StorePeople, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace tom::store
