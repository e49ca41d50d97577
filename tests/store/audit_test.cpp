// The audit trail as an attacker with write access to the database (but not to the key file) would meet it,
// on SQLite and PostgreSQL: every way of tampering the issue names must make verify_audit() name what is
// wrong, and the untampered journey must verify.
#include <sys/stat.h>

#include <atomic>
#include <thread>

#include "io/audit_head.hpp"
#include "store/audit.hpp"
#include "store/store_fixture.hpp"

namespace tom::store {
namespace {

class AuditSuite : public StoreSuite {
 protected:
  void exec(const std::string& sql) {
    auto c = raw();
    auto st = c->exec_script(sql);
    ASSERT_TRUE(st.ok()) << sql << ": " << st.error().detail;
  }

  std::vector<sql::Row> rows(const std::string& sql, const std::vector<sql::Param>& params = {}) {
    auto c = raw();  // a connection of its own: its statement cache goes with it
    sql::Query q{"test.rows", sql.c_str(), nullptr};
    auto r = c->query(q, params);
    EXPECT_TRUE(r.ok()) << sql << ": " << (r.ok() ? "" : r.error().detail);
    return r.ok() ? *r : std::vector<sql::Row>{};
  }

  int64_t number(const std::string& sql) {
    auto r = rows(sql);
    return r.empty() ? -1 : sql::integer(r[0], 0);
  }

  AuditReport verify(const AuditHead* against = nullptr) {
    auto r = store_->verify_audit(against);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
    return r.ok() ? *r : AuditReport{};
  }

  static std::string all(const AuditReport& r) {
    std::string s;
    for (const auto& p : r.problems) s += p + "\n";
    return s;
  }

  static bool names(const AuditReport& r, const std::string& text) {
    return all(r).find(text) != std::string::npos;
  }

  std::string key() {
    auto k = load_audit_key(key_file_);
    EXPECT_TRUE(k.ok());
    return k.ok() ? *k : "";
  }

  // One assessment through answers, a finding, an approval, a custodian and a hand-off.
  struct Journey {
    int64_t id = 0, finding = 0, approval = 0, handoff = 0;
  };
  Journey journey() {
    Journey j;
    j.id = new_assessment();
    EXPECT_TRUE(store_->save_answer(j.id, Answer{"OR-01", "Yes", "", "", "", "", 0}, 0, "amy").ok());
    EXPECT_TRUE(store_->save_answer(j.id, Answer{"OR-01", "No", "see TR-12", "", "", "", 0}, 1, "ben").ok());
    EXPECT_TRUE(store_->save_answer(j.id, Answer{"OR-02", "Yes", "", "", "", "", 0}, 0, "amy").ok());
    Finding f;
    f.assessment_id = j.id;
    f.key = "manual:1";
    f.kind = "risk";
    f.title = "A risk";
    f.role = "siro";
    auto saved = store_->save_finding(f, "amy");
    EXPECT_TRUE(saved.ok());
    j.finding = saved.ok() ? saved->id : 0;
    Approval ap;
    ap.assessment_id = j.id;
    ap.phase = "1B";
    ap.decision = Decision::kRejected;
    ap.reason = "incomplete";
    auto added = store_->add_approval(ap, "priya");
    EXPECT_TRUE(added.ok());
    j.approval = added.ok() ? added->id : 0;
    EXPECT_TRUE(store_->set_custodian(j.id, "supplier", "amy").ok());
    auto h = store_->add_handoff(Handoff{0, j.id, "supplier", "end-user", "over to you", "", ""}, "amy");
    EXPECT_TRUE(h.ok()) << (h.ok() ? "" : h.error().describe());
    j.handoff = h.ok() ? h->id : 0;
    return j;
  }

  // Rewrites the whole chain as someone who can write the database would: `edit` changes events, then every
  // hash is recomputed with `with_key` (empty: plain SHA-256) and the head is moved to the new last hash.
  void rewrite_chain(const std::string& with_key, const std::function<void(AuditEvent&)>& edit) {
    auto c = raw();
    sql::Query all_events{"test.events",
                          "SELECT seq, at, actor, action, entity, entity_key, before_json, after_json FROM "
                          "audit_events ORDER BY seq",
                          nullptr};
    sql::Query update{
        "test.update",
        "UPDATE audit_events SET actor = $2, before_json = $3, after_json = $4, prev_hash = $5, "
        "hash = $6 WHERE seq = $1",
        nullptr};
    sql::Query head{"test.head", "UPDATE audit_head SET seq = $1, hash = $2", nullptr};
    auto events = c->query(all_events, {});
    ASSERT_TRUE(events.ok());
    std::string prev;
    int64_t last = 0;
    for (const auto& r : *events) {
      AuditEvent e{sql::integer(r, 0),
                   sql::text(r, 1),
                   sql::text(r, 2),
                   sql::text(r, 3),
                   sql::text(r, 4),
                   sql::text(r, 5),
                   sql::text(r, 6),
                   sql::text(r, 7),
                   prev,
                   ""};
      edit(e);
      e.hash = audit_hash(e, with_key);
      ASSERT_TRUE(c->query(update, {e.seq, e.actor, e.before, e.after, e.prev_hash, e.hash}).ok());
      prev = e.hash;
      last = e.seq;
    }
    ASSERT_TRUE(c->query(head, {last, prev}).ok());
  }

  // Removes the newest n events and moves the head back to the one before them, as a careful attacker would.
  void cut_back(int64_t n) {
    int64_t last = number("SELECT max(seq) FROM audit_events");
    exec("DELETE FROM audit_events WHERE seq > " + std::to_string(last - n));
    exec("UPDATE audit_head SET seq = " + std::to_string(last - n) +
         ", hash = (SELECT hash FROM audit_events WHERE seq = " + std::to_string(last - n) + ")");
  }
};

TEST_P(AuditSuite, TheUntamperedJourneyVerifies) {
  Journey j = journey();
  AuditReport r = verify();
  EXPECT_TRUE(r.ok()) << all(r);
  int64_t events = number("SELECT count(*) FROM audit_events");
  EXPECT_EQ(static_cast<int64_t>(r.checked), events);
  EXPECT_EQ(r.unkeyed, 0u);
  EXPECT_EQ(r.head.events, events);
  EXPECT_EQ(r.head.last_seq, number("SELECT max(seq) FROM audit_events"));
  EXPECT_EQ(rows("SELECT hash FROM audit_events WHERE seq = " + std::to_string(r.head.last_seq)).at(0).at(0),
            r.head.last_hash);
  EXPECT_EQ(r.head.key_id, audit_key_id(key()));
  // The chain starts with the keyed event, and every event is an HMAC, not a plain SHA-256.
  auto first = rows("SELECT action FROM audit_events WHERE seq = 1");
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(sql::text(first[0], 0), "audit.keyed");
  auto answer = rows(
      "SELECT seq, at, actor, action, entity, entity_key, before_json, after_json, prev_hash, "
      "hash FROM audit_events WHERE action = 'answer.save' ORDER BY seq LIMIT 1");
  ASSERT_FALSE(answer.empty());
  const auto& a = answer[0];
  AuditEvent e{sql::integer(a, 0), sql::text(a, 1), sql::text(a, 2), sql::text(a, 3), sql::text(a, 4),
               sql::text(a, 5),    sql::text(a, 6), sql::text(a, 7), sql::text(a, 8), sql::text(a, 9)};
  EXPECT_EQ(audit_hash(e, key()), e.hash);
  EXPECT_NE(audit_hash(e, ""), e.hash);
  (void)j;
}

TEST_P(AuditSuite, AnEditedEventIsNamed) {
  Journey j = journey();
  int64_t seq = number("SELECT min(seq) FROM audit_events WHERE action = 'answer.save'");
  exec("UPDATE audit_events SET actor = 'someone else' WHERE seq = " + std::to_string(seq));
  AuditReport r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(names(
      r, "event " + std::to_string(seq) + " (answer.save " + std::to_string(j.id) + "/OR-01) was edited"))
      << all(r);
}

TEST_P(AuditSuite, EventsRewrittenWithRecomputedPlainHashesAreDetected) {
  Journey j = journey();
  int64_t events = number("SELECT count(*) FROM audit_events");
  // Change who gave the first answer, then recompute every hash the way the unkeyed chain did.
  int64_t target = number("SELECT min(seq) FROM audit_events WHERE action = 'answer.save'");
  rewrite_chain("", [&](AuditEvent& e) {
    if (e.seq == target) e.actor = "mallory";
  });
  AuditReport r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(names(r, "event 1 (audit.keyed audit) was edited")) << all(r);
  EXPECT_TRUE(names(
      r, "event " + std::to_string(target) + " (answer.save " + std::to_string(j.id) + "/OR-01) was edited"))
      << all(r);
  size_t edited = 0;
  for (const auto& p : r.problems) edited += p.find("was edited") != std::string::npos;
  EXPECT_EQ(static_cast<int64_t>(edited), events) << all(r);
}

TEST_P(AuditSuite, EventsRewrittenWithAnotherKeyAreDetected) {
  journey();
  rewrite_chain(std::string(64, 'a'), [](AuditEvent& e) {
    if (e.action == "approval.add") e.after = "{\"decision\":\"approved\"}";
  });
  AuditReport r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(names(r, "(approval.add")) << all(r);
  EXPECT_TRUE(names(r, "was edited")) << all(r);
}

TEST_P(AuditSuite, TheLastEventsDeletedAndTheHeadMovedBackAreDetected) {
  Journey j = journey();
  ASSERT_TRUE(store_->save_answer(j.id, Answer{"OR-03", "Yes", "", "", "", "", 0}, 0, "amy").ok());
  ASSERT_TRUE(store_->save_answer(j.id, Answer{"OR-01", "Yes", "", "", "", "", 0}, 2, "amy").ok());
  AuditReport before = verify();
  ASSERT_TRUE(before.ok()) << all(before);
  AuditHead head = before.head;  // kept outside the database
  cut_back(2);
  // Without the head: the rows still hold what the deleted events did.
  AuditReport r = verify();
  ASSERT_FALSE(r.ok());
  std::string a = "answers: assessment " + std::to_string(j.id);
  EXPECT_TRUE(names(r, a + ", item OR-03 has no audit event")) << all(r);
  EXPECT_TRUE(names(r, a + ", item OR-01: value is \"Yes\" where the trail says \"No\"")) << all(r);
  EXPECT_TRUE(names(r, "version is 3 where the trail says 2")) << all(r);
  // With the head: the log was cut back, whatever the rows say.
  r = verify(&head);
  ASSERT_FALSE(r.ok());
  std::string gone =
      "events " + std::to_string(head.last_seq - 1) + "-" + std::to_string(head.last_seq) + " gone";
  EXPECT_TRUE(names(r, "the log was cut back")) << all(r);
  EXPECT_TRUE(names(r, gone)) << all(r);
}

TEST_P(AuditSuite, ACutBackWithNoRowEffectIsCaughtByTheHead) {
  journey();
  ASSERT_TRUE(store_->put_template(small_template("9"), "t").ok());
  AuditHead head = verify().head;
  // Remove the template row too, so that no table disagrees with the shortened log.
  cut_back(1);
  exec("DELETE FROM templates WHERE version = '9'");
  EXPECT_TRUE(verify().ok()) << "nothing but the head can tell";
  AuditReport r = verify(&head);
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(names(r, "the log was cut back")) << all(r);
}

TEST_P(AuditSuite, EveryEventDeletedIsDetected) {
  Journey j = journey();
  exec("DELETE FROM audit_events");
  exec("UPDATE audit_head SET seq = 0, hash = ''");
  AuditReport r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(names(r, "event 1, which starts the keyed chain (audit.keyed), is missing")) << all(r);
  EXPECT_TRUE(names(r, "answers: assessment " + std::to_string(j.id) + ", item OR-01 has no audit event"))
      << all(r);
  EXPECT_TRUE(names(r, "approvals: assessment " + std::to_string(j.id) + ", approval " +
                           std::to_string(j.approval) + " has no audit event"))
      << all(r);

  // Resetting where the keyed chain starts as well makes tom key it afresh on the next open, but the rows
  // still have no events.
  exec("UPDATE audit_head SET keyed_from = 0, key_id = ''");
  store_.reset();
  auto reopened = open_store(url_, {key_file_});
  ASSERT_TRUE(reopened.ok()) << reopened.error().describe();
  store_ = std::move(reopened).value();
  r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.checked, 1u);
  EXPECT_TRUE(names(r, "answers: assessment " + std::to_string(j.id) + ", item OR-02 has no audit event"))
      << all(r);
  EXPECT_TRUE(names(r, "templates: template sms-client-tom@1 has no audit event")) << all(r);
}

TEST_P(AuditSuite, RowsChangedWithNoEventAreNamed) {
  Journey j = journey();
  std::string id = std::to_string(j.id);
  exec("UPDATE answers SET value = 'Yes' WHERE assessment_id = " + id + " AND item_id = 'OR-01'");
  exec("UPDATE approvals SET decision = 'approved', certificate = 'FAKE-CERT-1' WHERE id = " +
       std::to_string(j.approval));
  exec("UPDATE assessments SET custodian = 'supplier' WHERE id = " + id);
  exec("UPDATE findings SET status = 'accepted', accepted_by = 'Dr Sam Okafor' WHERE id = " +
       std::to_string(j.finding));
  exec("UPDATE handoffs SET note = 'never said' WHERE id = " + std::to_string(j.handoff));
  exec(
      "INSERT INTO answers (assessment_id, item_id, value, note, reference, author, updated_at, version) "
      "VALUES (" +
      id + ", 'OR-09', 'Yes', '', '', 'ghost', '2026-01-01', 1)");
  AuditReport r = verify();
  ASSERT_FALSE(r.ok());
  std::string a = "assessment " + id;
  EXPECT_TRUE(names(r, "answers: " + a + ", item OR-01: value is \"Yes\" where the trail says \"No\""))
      << all(r);
  EXPECT_TRUE(names(r, "approvals: " + a + ", approval " + std::to_string(j.approval) +
                           ": decision is \"approved\" where the trail says \"rejected\", certificate is "
                           "\"FAKE-CERT-1\" where the trail says \"\""))
      << all(r);
  EXPECT_TRUE(names(r, "assessments: " + a + ": custodian is \"supplier\" where the trail says \"end-user\""))
      << all(r);
  EXPECT_TRUE(names(r, "findings: " + a + ", finding " + std::to_string(j.finding) +
                           ": status is \"accepted\" where the trail says \"open\""))
      << all(r);
  EXPECT_TRUE(
      names(r, "handoffs: " + a + ", hand-off " + std::to_string(j.handoff) +
                   " (supplier to end-user): note is \"never said\" where the trail says \"over to you\""))
      << all(r);
  EXPECT_TRUE(names(r, "answers: " + a + ", item OR-09 has no audit event")) << all(r);
  EXPECT_EQ(r.problems.size(), 6u) << all(r);

  // A row removed with no event is named too.
  exec("DELETE FROM approvals WHERE id = " + std::to_string(j.approval));
  r = verify();
  EXPECT_TRUE(
      names(r, "approvals: " + a + ", approval " + std::to_string(j.approval) + " is in the audit trail"))
      << all(r);
}

TEST_P(AuditSuite, AHeadStaysValidAsTheLogGrowsAndAForgedHeadIsRefused) {
  Journey j = journey();
  AuditHead head = verify().head;
  auto parsed = io::parse_audit_head(io::format_audit_head(head));
  ASSERT_TRUE(parsed.ok()) << parsed.error().describe();
  EXPECT_EQ(parsed->mac, head.mac);
  EXPECT_EQ(parsed->last_hash, head.last_hash);
  ASSERT_TRUE(store_->save_answer(j.id, Answer{"OR-04", "Yes", "", "", "", "", 0}, 0, "amy").ok());
  AuditReport r = verify(&*parsed);
  EXPECT_TRUE(r.ok()) << all(r);

  AuditHead forged = head;
  forged.events -= 1;
  r = verify(&forged);
  EXPECT_TRUE(names(r, "the head file's signature does not match")) << all(r);
  AuditHead other = head;
  other.key_id = "0123456789abcdef";
  r = verify(&other);
  EXPECT_TRUE(names(r, "signed with another audit key")) << all(r);

  auto bad = io::parse_audit_head("tom-audit-head v1\nevents x\nlast-seq 3\nat now\nkey-id 12\nmac zz\n");
  ASSERT_FALSE(bad.ok());
  std::string text = bad.error().describe();
  EXPECT_NE(text.find("events"), std::string::npos) << text;
  EXPECT_NE(text.find("last-hash"), std::string::npos) << text;  // missing
  EXPECT_NE(text.find("line 2: events: should be a number"), std::string::npos) << text;
  EXPECT_FALSE(io::parse_audit_head("hello\n").ok());
}

TEST_P(AuditSuite, AKeyThiefsConsistentRewriteIsCaughtByTheHead) {
  journey();
  AuditHead head = verify().head;
  // Someone with the key as well as the database rewrites history before the head consistently.
  rewrite_chain(key(), [](AuditEvent& e) {
    if (e.action == "answer.save" && e.actor == "amy") e.actor = "mallory";
  });
  EXPECT_TRUE(verify().ok()) << "a consistent rewrite with the key passes the chain";
  AuditReport r = verify(&head);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(names(r, "the log was rewritten: event " + std::to_string(head.last_seq))) << all(r);
}

TEST_P(AuditSuite, TheKeyFileIsKeptOutsideAndChecked) {
  journey();
  struct stat st {};
  ASSERT_EQ(::stat(key_file_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_GE(key().size(), 32u);
  store_.reset();

  // Missing: refused, naming the file; never silently re-keyed.
  std::string moved = key_file_ + ".moved";
  ASSERT_EQ(::rename(key_file_.c_str(), moved.c_str()), 0);
  auto missing = open_store(url_, {key_file_});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(missing.error().message.find(key_file_ + " is missing"), std::string::npos)
      << missing.error().message;
  struct stat none {};
  EXPECT_NE(::stat(key_file_.c_str(), &none), 0) << "a missing key file must not be created afresh";

  // Another key: refused.
  std::string other = test::temp_path("other.audit-key");
  test::write_text(other, std::string(64, 'b') + "\n");
  ::chmod(other.c_str(), 0600);
  auto wrong = open_store(url_, {other});
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("is not the key this database's audit trail is signed with"),
            std::string::npos)
      << wrong.error().message;

  // Readable by others, or too short: refused.
  ASSERT_EQ(::rename(moved.c_str(), key_file_.c_str()), 0);
  ::chmod(key_file_.c_str(), 0644);
  auto open_to_all = open_store(url_, {key_file_});
  ASSERT_FALSE(open_to_all.ok());
  EXPECT_NE(open_to_all.error().message.find("chmod 600"), std::string::npos) << open_to_all.error().message;
  std::string short_key = test::temp_path("short.audit-key");
  test::write_text(short_key, "secret\n");
  ::chmod(short_key.c_str(), 0600);
  auto too_short = load_audit_key(short_key);
  ASSERT_FALSE(too_short.ok());
  EXPECT_NE(too_short.error().message.find("at least 32"), std::string::npos);

  ::chmod(key_file_.c_str(), 0600);
  auto back = open_store(url_, {key_file_});
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_TRUE((*back)->verify_audit()->ok());
}

TEST_P(AuditSuite, AnUnkeyedChainFromBeforeMigration4IsKeptAndBound) {
  Journey j = journey();
  // Make the database look as one from before the keyed chain does right after migration 4: the same
  // events without the audit.keyed one, renumbered, plainly hashed, not filed under assessments, no key.
  {
    auto c = raw();
    sql::Query q{
        "test.legacy",
        "SELECT seq, at, actor, action, entity, entity_key, before_json, after_json FROM audit_events "
        "WHERE seq > 1 ORDER BY seq",
        nullptr};
    auto events = c->query(q, {});
    ASSERT_TRUE(events.ok());
    ASSERT_TRUE(c->exec_script("DELETE FROM audit_events").ok());
    sql::Query insert{
        "test.insert",
        "INSERT INTO audit_events (seq, at, actor, action, entity, entity_key, before_json, "
        "after_json, prev_hash, hash, assessment_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
        "$10, -1)",
        nullptr};
    std::string prev;
    int64_t seq = 0;
    for (const auto& r : *events) {
      AuditEvent e{++seq,
                   sql::text(r, 1),
                   sql::text(r, 2),
                   sql::text(r, 3),
                   sql::text(r, 4),
                   sql::text(r, 5),
                   sql::text(r, 6),
                   sql::text(r, 7),
                   prev,
                   ""};
      e.hash = audit_hash(e, "");
      ASSERT_TRUE(c->query(insert, {e.seq, e.at, e.actor, e.action, e.entity, e.entity_key, e.before, e.after,
                                    e.prev_hash, e.hash})
                      .ok());
      prev = e.hash;
    }
    sql::Query head{"test.head", "UPDATE audit_head SET seq = $1, hash = $2, keyed_from = 0, key_id = ''",
                    nullptr};
    ASSERT_TRUE(c->query(head, {seq, prev}).ok());
  }
  int64_t legacy = number("SELECT count(*) FROM audit_events");
  store_.reset();
  auto reopened = open_store(url_, {key_file_});
  ASSERT_TRUE(reopened.ok()) << reopened.error().describe();
  store_ = std::move(reopened).value();
  AuditReport r = verify();
  EXPECT_TRUE(r.ok()) << all(r);
  EXPECT_EQ(static_cast<int64_t>(r.unkeyed), legacy);
  EXPECT_EQ(static_cast<int64_t>(r.checked), legacy + 1);
  auto keyed = rows("SELECT action, after_json FROM audit_events WHERE seq = " + std::to_string(legacy + 1));
  ASSERT_FALSE(keyed.empty());
  EXPECT_EQ(sql::text(keyed[0], 0), "audit.keyed");
  EXPECT_NE(sql::text(keyed[0], 1).find("\"unkeyed_events\":" + std::to_string(legacy)), std::string::npos);
  // The older events are filed under their assessment, so the history shows them.
  AuditPage page;
  page.limit = 100;
  auto history = store_->list_assessment_audit(j.id, page);
  ASSERT_TRUE(history.ok());
  EXPECT_GE(history->size(), 7u);

  // Rewriting the unkeyed part with recomputed plain hashes breaks the first keyed event, which binds it.
  rewrite_chain("", [&](AuditEvent& e) {
    if (e.seq == 3) e.actor = "mallory";
  });
  r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(names(r, "event " + std::to_string(legacy + 1) + " (audit.keyed audit) was edited")) << all(r);
}

TEST_P(AuditSuite, AssessmentHistoryIsPagedInSql) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 11; ++i) ids.push_back(new_assessment());  // 1 and 11: one key prefixes the other
  int64_t a = ids.front(), b = ids.back();
  ASSERT_EQ(std::to_string(b).rfind(std::to_string(a), 0), 0u);
  for (int i = 0; i < 12; ++i) {
    ASSERT_TRUE(
        store_->save_answer(a, Answer{"OR-01", "Yes", std::to_string(i), "", "", "", 0}, i, "t").ok());
    ASSERT_TRUE(store_->save_answer(b, Answer{"OR-01", "No", std::to_string(i), "", "", "", 0}, i, "t").ok());
  }
  AuditFilter f;
  f.limit = 100000;
  auto everything = store_->list_audit(f);
  ASSERT_TRUE(everything.ok());
  std::vector<int64_t> expected;
  for (const auto& e : *everything)
    if (e.entity_key == std::to_string(a) || e.entity_key.rfind(std::to_string(a) + "/", 0) == 0)
      expected.push_back(e.seq);
  ASSERT_EQ(expected.size(), 13u);  // the creation and 12 answers

  std::vector<int64_t> oldest_first;
  for (AuditPage p{0, 0, 5, false};;) {
    auto page = store_->list_assessment_audit(a, p);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    EXPECT_LE(page->size(), 5u);
    for (const auto& e : *page) oldest_first.push_back(e.seq);
    p.after_seq = page->back().seq;
  }
  EXPECT_EQ(oldest_first, expected);

  std::vector<int64_t> newest_first;
  for (AuditPage p{0, 0, 4, true};;) {
    auto page = store_->list_assessment_audit(a, p);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    for (const auto& e : *page) newest_first.push_back(e.seq);
    p.before_seq = page->back().seq;
  }
  EXPECT_EQ(newest_first, std::vector<int64_t>(expected.rbegin(), expected.rend()));
  auto none = store_->list_assessment_audit(99999, AuditPage{});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST_P(AuditSuite, VerifyingWhileOthersWriteFindsNothing) {
  int64_t id = new_assessment();
  std::atomic<bool> done{false};
  std::vector<std::thread> writers;
  for (int t = 0; t < 3; ++t)
    writers.emplace_back([&, t] {
      std::string item = "OR-0" + std::to_string(t + 1);
      for (int64_t v = 0; v < 20;) {
        auto saved = store_->save_answer(id, Answer{item, v % 2 ? "No" : "Yes", "", "", "", "", 0}, v, "w");
        if (saved.ok()) ++v;
      }
    });
  std::thread closer([&] {
    for (auto& w : writers) w.join();
    done = true;
  });
  int rounds = 0;
  while (!done || rounds == 0) {
    AuditReport r = verify();
    EXPECT_TRUE(r.ok()) << all(r);
    ++rounds;
  }
  closer.join();
  EXPECT_TRUE(verify().ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditSuite, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace tom::store
