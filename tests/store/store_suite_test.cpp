// One suite, run against every Store implementation: SQLite (a temporary file) and PostgreSQL (a fresh
// database in the real throwaway cluster that scripts/test.sh starts; its URL is in TOM_TEST_PG).
#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "store/store_fixture.hpp"

namespace tom::store {
namespace {

using namespace tom::domain;

TEST_P(StoreSuite, TemplatesAreIdempotentAndImmutablePerVersion) {
  Template t = small_template();
  ASSERT_TRUE(store_->put_template(t, "t").ok());
  ASSERT_TRUE(store_->put_template(t, "t").ok());  // same content: no-op
  auto back = store_->get_template(t.id, t.version);
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(back->item_count(), t.item_count());
  EXPECT_EQ(back->sections[0].title, t.sections[0].title);
  EXPECT_EQ(back->rules.size(), t.rules.size());
  Template changed = t;
  changed.name = "Different";
  auto conflict = store_->put_template(changed, "t");
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store_->put_template(small_template("2"), "t").ok());
  auto latest = store_->get_template(t.id, "");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version, "2");
  auto list = store_->list_templates();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
  EXPECT_EQ(store_->get_template("nope", "").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreSuite, AssessmentsKeepTheirParticipants) {
  int64_t id = new_assessment();
  auto a = store_->get_assessment(id);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->product, "Product");
  ASSERT_EQ(a->participants.size(), 1u);
  EXPECT_EQ(a->participants[0].party, "end-user");
  ASSERT_TRUE(store_->set_custodian(id, "smsc", "t").ok());
  EXPECT_EQ(store_->get_assessment(id)->custodian, "smsc");
  auto list = store_->list_assessments();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->at(0).participants.size(), 1u);
  Assessment bad;
  bad.template_id = "missing";
  bad.template_version = "1";
  bad.product = "x";
  EXPECT_EQ(store_->create_assessment(bad, "t").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(store_->get_assessment(999).error().code, ErrorCode::kNotFound);
}

TEST_P(StoreSuite, StaleAnswerWritesAreRefusedNeverOverwritten) {
  int64_t id = new_assessment();
  Answer a{"OR-01", "Yes", "first", "", "", "", 0};
  auto v1 = store_->save_answer(id, a, 0, "amy");
  ASSERT_TRUE(v1.ok()) << v1.error().describe();
  EXPECT_EQ(v1->version, 1);
  EXPECT_EQ(v1->author, "amy");
  a.value = "No";
  auto v2 = store_->save_answer(id, a, 1, "ben");
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->version, 2);
  a.value = "N/A";
  auto stale = store_->save_answer(id, a, 1, "cat");
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kConflict);
  auto again_new = store_->save_answer(id, a, 0, "cat");
  EXPECT_EQ(again_new.error().code, ErrorCode::kConflict);
  auto answers = store_->get_answers(id);
  ASSERT_TRUE(answers.ok());
  EXPECT_EQ(answers->at("OR-01").value, "No");
  EXPECT_EQ(answers->at("OR-01").author, "ben");
  EXPECT_EQ(answers->at("OR-01").version, 2);
  EXPECT_EQ(store_->save_answer(12345, a, 0, "x").error().code, ErrorCode::kNotFound);
}

TEST_P(StoreSuite, ConcurrentWritersLoseNothing) {
  int64_t id = new_assessment();
  constexpr int kThreads = 4, kWritesEach = 15;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int done = 0; done < kWritesEach;) {
        auto current = store_->get_answers(id);
        if (!current.ok()) continue;
        int64_t version = current->count("OR-01") ? current->at("OR-01").version : 0;
        Answer a{"OR-01", "Yes", "writer " + std::to_string(t) + " write " + std::to_string(done), "", "",
                 "",      0};
        auto saved = store_->save_answer(id, a, version, "w" + std::to_string(t));
        if (saved.ok())
          ++done;
        else if (saved.error().code == ErrorCode::kConflict || saved.error().code == ErrorCode::kUnavailable)
          ++conflicts;
        else
          ADD_FAILURE() << saved.error().describe() << " " << saved.error().detail;
      }
    });
  }
  for (auto& th : threads) th.join();
  auto answers = store_->get_answers(id);
  ASSERT_TRUE(answers.ok());
  // Every acknowledged write became exactly one version: none silently replaced another.
  EXPECT_EQ(answers->at("OR-01").version, kThreads * kWritesEach);
  AuditFilter f;
  f.entity_prefix = std::to_string(id) + "/OR-01";
  auto events = store_->list_audit(f);
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(static_cast<int>(events->size()), kThreads * kWritesEach);
  EXPECT_TRUE(store_->verify_audit()->ok());
}

TEST_P(StoreSuite, AgreesWithASimpleModelOverRandomOperations) {
  int64_t id = new_assessment();
  const std::vector<std::string> items = {"OR-01", "OR-02", "OG-01", "IG-10", "IG-11"};
  const std::vector<std::string> values = {"Yes", "No", "N/A", ""};
  std::map<std::string, std::pair<std::string, int64_t>> model;  // item -> value, version
  std::mt19937 rng(42);
  for (int step = 0; step < 150; ++step) {
    const std::string& item = items[rng() % items.size()];
    const std::string& value = values[rng() % values.size()];
    int64_t known = model.count(item) ? model[item].second : 0;
    bool stale = rng() % 4 == 0;
    int64_t expected = stale ? known + 1 + static_cast<int64_t>(rng() % 3) : known;
    auto r = store_->save_answer(id, Answer{item, value, "", "", "", "", 0}, expected, "model");
    if (stale) {
      ASSERT_FALSE(r.ok()) << "step " << step;
      EXPECT_EQ(r.error().code, ErrorCode::kConflict);
    } else {
      ASSERT_TRUE(r.ok()) << "step " << step << ": " << r.error().describe();
      model[item] = {value, known + 1};
    }
    if (step % 25 == 0 || step == 149) {
      auto stored = store_->get_answers(id);
      ASSERT_TRUE(stored.ok());
      ASSERT_EQ(stored->size(), model.size());
      for (const auto& [k, v] : model) {
        EXPECT_EQ(stored->at(k).value, v.first) << k;
        EXPECT_EQ(stored->at(k).version, v.second) << k;
      }
    }
  }
}

TEST_P(StoreSuite, FindingsAndApprovals) {
  int64_t id = new_assessment();
  Finding f;
  f.assessment_id = id;
  f.key = "rule:ig-other:IG-10";
  f.kind = "review";
  f.title = "SIRO review";
  f.role = "siro";
  auto saved = store_->save_finding(f, "t");
  ASSERT_TRUE(saved.ok()) << saved.error().describe();
  EXPECT_EQ(saved->version, 1);
  Finding dup = f;
  EXPECT_EQ(store_->save_finding(dup, "t").error().code, ErrorCode::kConflict);  // same key
  Finding accept = *saved;
  accept.status = FindingStatus::kAccepted;
  accept.accepted_by = "Dr Sam Okafor";
  accept.accepted_role = "siro";
  accept.expires_on = "2027-06-30";
  auto accepted = store_->save_finding(accept, "sam");
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->version, 2);
  EXPECT_EQ(store_->save_finding(accept, "sam").error().code, ErrorCode::kConflict);  // stale version 1
  auto list = store_->list_findings(id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->at(0).status, FindingStatus::kAccepted);
  EXPECT_EQ(list->at(0).accepted_by, "Dr Sam Okafor");

  Approval ap;
  ap.assessment_id = id;
  ap.phase = "1B";
  ap.decision = Decision::kApproved;
  ap.certificate = "TC-0042";
  auto added = store_->add_approval(ap, "priya");
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(added->decided_by, "priya");
  auto approvals = store_->list_approvals(id);
  ASSERT_TRUE(approvals.ok());
  ASSERT_EQ(approvals->size(), 1u);
  EXPECT_EQ(approvals->at(0).certificate, "TC-0042");
}

TEST_P(StoreSuite, ImportIsAllOrNothing) {
  ASSERT_TRUE(store_->put_template(small_template(), "t").ok());
  AssessmentBundle b;
  b.assessment.template_id = "sms-client-tom";
  b.assessment.template_version = "1";
  b.assessment.product = "Imported";
  b.participants.push_back({"end-user", Organisation{0, "Brand New Trust", "RX9", "nhs-trust"}});
  b.answers["OR-01"] = Answer{"OR-01", "Yes", "n", "", "old author", "2025-01-01T00:00:00.000Z", 4};
  Finding f;
  f.key = "manual:1";
  f.kind = "risk";
  f.title = "A risk";
  b.findings = {f, f};  // the second has the same key: the import must fail as a whole
  auto r = store_->import_assessment(b, "importer");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(store_->list_assessments()->empty());
  EXPECT_TRUE(store_->list_organisations()->empty());

  b.findings = {f};
  auto ok = store_->import_assessment(b, "importer");
  ASSERT_TRUE(ok.ok()) << ok.error().describe();
  auto answers = store_->get_answers(ok->id);
  EXPECT_EQ(answers->at("OR-01").author, "old author");
  EXPECT_EQ(store_->list_organisations()->size(), 1u);
  // A second import reuses the organisation by name.
  ASSERT_TRUE(store_->import_assessment(b, "importer").ok());
  EXPECT_EQ(store_->list_organisations()->size(), 1u);
}

TEST_P(StoreSuite, AuditChainDetectsAnEditedRow) {
  int64_t id = new_assessment();
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(
        store_->save_answer(id, Answer{"OR-01", i % 2 ? "No" : "Yes", "", "", "", "", 0}, i, "t").ok());
  auto report = store_->verify_audit();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  size_t total = report->checked;
  ASSERT_GE(total, 5u);
  auto c = raw();
  ASSERT_TRUE(
      c->exec_script("UPDATE audit_events SET after_json = '{\"value\":\"Yes\"}' WHERE seq = 4").ok());
  report = store_->verify_audit();
  ASSERT_TRUE(report.ok());
  ASSERT_FALSE(report->ok());
  ASSERT_EQ(report->problems.size(), 1u);
  EXPECT_NE(report->problems[0].find("event 4 "), std::string::npos) << report->problems[0];
  EXPECT_NE(report->problems[0].find("was edited"), std::string::npos) << report->problems[0];
}

TEST_P(StoreSuite, AuditChainDetectsDeletedRows) {
  int64_t id = new_assessment();
  for (int i = 0; i < 4; ++i)
    ASSERT_TRUE(
        store_->save_answer(id, Answer{"OR-02", "Yes", std::to_string(i), "", "", "", 0}, i, "t").ok());
  auto c = raw();
  ASSERT_TRUE(c->exec_script("DELETE FROM audit_events WHERE seq = 3").ok());
  auto report = store_->verify_audit();
  ASSERT_FALSE(report->ok());
  EXPECT_NE(report->problems[0].find("event 3 missing"), std::string::npos) << report->problems[0];

  // Deleting the newest event leaves no gap, but the recorded head still catches it.
  auto fresh = raw();
  auto max = store_->verify_audit()->checked + 1;  // one was deleted above
  ASSERT_TRUE(fresh->exec_script("DELETE FROM audit_events WHERE seq = " + std::to_string(max)).ok());
  report = store_->verify_audit();
  bool tail_found = false;
  for (const auto& p : report->problems)
    tail_found |= p.find("deleted") != std::string::npos && p.find(std::to_string(max)) != std::string::npos;
  EXPECT_TRUE(tail_found) << report->problems.back();
}

TEST_P(StoreSuite, ChangesSurviveReopening) {
  int64_t id = new_assessment();
  ASSERT_TRUE(store_->save_answer(id, Answer{"OR-01", "Yes", "kept", "", "", "", 0}, 0, "t").ok());
  store_.reset();
  auto s = open_store(url_, {key_file_});  // migrations run again and are a no-op; the key is checked
  ASSERT_TRUE(s.ok()) << s.error().describe();
  EXPECT_EQ((*s)->get_answers(id)->at("OR-01").note, "kept");
  EXPECT_TRUE((*s)->verify_audit()->ok());
}

TEST_P(StoreSuite, AMigrationOfALowerNumberAppliedLaterIsStillRun) {
  // A database that took migration 4 before migration 3 existed (branches merged in either order).
  store_.reset();
  auto c = raw();
  ASSERT_TRUE(c->exec_script("ALTER TABLE approvals DROP COLUMN override_reason; "
                             "ALTER TABLE approvals DROP COLUMN basis; "
                             "DELETE FROM schema_migrations WHERE version = 3")
                  .ok());
  c.reset();
  auto s = open_store(url_, {key_file_});
  ASSERT_TRUE(s.ok()) << s.error().describe() << " " << s.error().detail;
  store_ = std::move(s).value();
  int64_t id = new_assessment();
  Approval ap;
  ap.assessment_id = id;
  ap.phase = "1A";
  ap.decision = Decision::kApproved;
  ap.override_reason = "agreed with NHS Digital";
  ASSERT_TRUE(store_->add_approval(ap, "priya").ok());
  EXPECT_EQ(store_->list_approvals(id)->at(0).override_reason, "agreed with NHS Digital");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreSuite, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace tom::store
