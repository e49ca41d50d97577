// Every multi-write operation is one transaction (store/store.hpp), proved by failing it at each of its
// statements and at its commit in turn, on SQLite and PostgreSQL: each failure must be reported (not
// swallowed), leave every table row for row as it was, and leave an audit trail that verifies; without a
// fault the operation must succeed. The store's own calls are exercised, and the application operations that
// read before they write (decide_phase, derive, import_bundle, upgrade).
#include "app/workbench.hpp"
#include "app/workflow.hpp"
#include "store/fault_fixture.hpp"

namespace tom::store {
namespace {

using namespace tom::domain;

class StoreFaults : public FaultSuite {
 protected:
  // A unique suffix, so each prepared case writes rows of its own.
  std::string fresh() { return std::to_string(++fresh_); }

  void ensure_template(const std::string& version) {
    if (!store_->get_template("sms-client-tom", version).ok()) {
      ASSERT_TRUE(store_->put_template(small_template(version), "t").ok());
    }
  }

  int64_t organisation(const std::string& type) {
    auto o = store_->add_organisation({0, type + " " + fresh(), "X" + fresh(), type}, "t");
    EXPECT_TRUE(o.ok()) << (o.ok() ? "" : o.error().describe());
    return o.ok() ? o->id : 0;
  }

  // There is one central body: made once.
  Organisation central() {
    if (central_.id == 0) {
      auto o = store_->add_organisation({0, "NHS Digital", "X26", "central"}, "t");
      EXPECT_TRUE(o.ok()) << (o.ok() ? "" : o.error().describe());
      if (o.ok()) central_ = *o;
    }
    return central_;
  }

  // An assessment of sms-client-tom@1 with a client supplier and an end user, held by `custodian`.
  Assessment assessment(const std::string& custodian = "smsc") {
    ensure_template("1");
    supplier_ = *store_->get_organisation(organisation("supplier"));
    trust_ = *store_->get_organisation(organisation("nhs-trust"));
    Assessment a;
    a.template_id = "sms-client-tom";
    a.template_version = "1";
    a.product = "Product " + fresh();
    a.custodian = custodian;
    a.participants = {{"smsc", supplier_.id}, {"end-user", trust_.id}};
    auto created = store_->create_assessment(a, "t");
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().describe());
    auto back = store_->get_assessment(created.ok() ? created->id : 0);
    return back.ok() ? *back : Assessment{};
  }

  Answer answer(const std::string& item, const std::string& value) {
    return Answer{item, value, "note " + fresh(), "", "", "", 0};
  }

  Finding finding(int64_t assessment) {
    Finding f;
    f.assessment_id = assessment;
    f.key = "manual:" + fresh();
    f.kind = "risk";
    f.title = "A risk";
    f.role = "siro";
    f.party = "end-user";
    return f;
  }

  Approval approval(int64_t assessment, const std::string& phase) {
    Approval ap;
    ap.assessment_id = assessment;
    ap.phase = phase;
    ap.decision = Decision::kApproved;
    ap.outcome = "fine";
    return ap;
  }

  Caller caller(const Organisation& org, std::vector<std::string> roles) {
    return Caller{User{0, "caller" + fresh() + "@example.org", "Caller " + fresh(), org.id, std::move(roles)},
                  org};
  }

  // A bundle with an organisation that exists (matched by name), one that does not, answers, a finding and
  // an approval: every kind of write import makes.
  AssessmentBundle bundle() {
    ensure_template("1");
    AssessmentBundle b;
    b.assessment.template_id = "sms-client-tom";
    b.assessment.template_version = "1";
    b.assessment.product = "Imported " + fresh();
    b.assessment.custodian = "smsc";
    b.participants = {{"smsc", *store_->get_organisation(organisation("supplier"))},
                      {"end-user", Organisation{0, "New trust " + fresh(), "N" + fresh(), "nhs-trust"}}};
    b.answers = {{"OR-01", answer("OR-01", "Yes")}, {"OR-02", answer("OR-02", "No")}};
    b.findings = {finding(0)};
    b.approvals = {approval(0, "1B")};
    return b;
  }

  // The application layer over the faulty store (made on first use: the store is opened in SetUp).
  app::Workbench& wb() {
    if (!wb_) wb_ = std::make_unique<app::Workbench>(*store_);
    return *wb_;
  }

  std::unique_ptr<app::Workbench> wb_;
  int fresh_ = 0;
  Organisation central_, supplier_, trust_;
};

// ---- the store's own operations ----

TEST_P(StoreFaults, PutTemplate) {
  exercise("put_template", [&]() -> Operation {
    Template t = small_template("p" + fresh());
    return [this, t] { return store_->put_template(t, "t"); };
  });
}

TEST_P(StoreFaults, AddOrganisation) {
  exercise("add_organisation", [&]() -> Operation {
    Organisation o{0, "Trust " + fresh(), "R" + fresh(), "nhs-trust"};
    return [this, o] { return status_of(store_->add_organisation(o, "t")); };
  });
}

TEST_P(StoreFaults, CreateAssessment) {
  exercise("create_assessment", [&]() -> Operation {
    Assessment a = assessment();
    a.id = 0;
    a.product = "Another " + fresh();
    return [this, a] { return status_of(store_->create_assessment(a, "t")); };
  });
}

TEST_P(StoreFaults, ImportAssessment) {
  exercise("import_assessment", [&]() -> Operation {
    AssessmentBundle b = bundle();
    return [this, b] { return status_of(store_->import_assessment(b, "t")); };
  });
}

TEST_P(StoreFaults, SetTemplateVersion) {
  exercise("set_template_version", [&]() -> Operation {
    ensure_template("2");
    int64_t id = assessment().id;
    return [this, id] { return store_->set_template_version(id, "2", R"({"template_version":"2"})", "t"); };
  });
}

TEST_P(StoreFaults, SetCustodian) {
  exercise("set_custodian", [&]() -> Operation {
    int64_t id = assessment().id;
    return [this, id] { return store_->set_custodian(id, "end-user", "t"); };
  });
}

TEST_P(StoreFaults, SaveAnswer) {
  exercise("save_answer", [&]() -> Operation {
    int64_t id = assessment().id;
    return [this, id] { return status_of(store_->save_answer(id, answer("OR-01", "Yes"), 0, "t")); };
  });
  exercise("save_answer_again", [&]() -> Operation {
    int64_t id = assessment().id;
    EXPECT_TRUE(store_->save_answer(id, answer("OR-01", "Yes"), 0, "t").ok());
    return [this, id] { return status_of(store_->save_answer(id, answer("OR-01", "No"), 1, "t")); };
  });
}

TEST_P(StoreFaults, SaveFinding) {
  exercise("save_finding", [&]() -> Operation {
    Finding f = finding(assessment().id);
    return [this, f] { return status_of(store_->save_finding(f, "t")); };
  });
  exercise("save_finding_update", [&]() -> Operation {
    auto saved = store_->save_finding(finding(assessment().id), "t");
    EXPECT_TRUE(saved.ok());
    Finding f = saved.ok() ? *saved : Finding{};
    f.status = FindingStatus::kResolved;
    return [this, f] { return status_of(store_->save_finding(f, "t")); };
  });
}

TEST_P(StoreFaults, AddApproval) {
  exercise("add_approval", [&]() -> Operation {
    Approval ap = approval(assessment().id, "1B");
    return [this, ap] { return status_of(store_->add_approval(ap, "t")); };
  });
}

TEST_P(StoreFaults, RecordDecision) {
  // The approval and the answers it records, one of them over an answer already there.
  exercise("record_decision", [&]() -> Operation {
    int64_t id = assessment().id;
    EXPECT_TRUE(store_->save_answer(id, answer("AP-1A-USAGE", "Rejected"), 0, "t").ok());
    Approval ap = approval(id, "1A");
    return [this, ap] {
      return status_of(store_->record_decision(
          ap,
          [&](const Approval& saved) {
            return std::vector<Answer>{{"AP-1A-USAGE", "Approved", "", "", saved.decided_by, "", 0},
                                       {"AP-1A-DATE", saved.decided_at.substr(0, 10), "", "", "", "", 0}};
          },
          "t"));
    };
  });
}

TEST_P(StoreFaults, AddHandoff) {
  exercise("add_handoff", [&]() -> Operation {
    int64_t id = assessment("smsc").id;
    return [this, id] {
      return status_of(store_->add_handoff(Handoff{0, id, "smsc", "end-user", "over to you", "", ""}, "t"));
    };
  });
}

TEST_P(StoreFaults, AddSubmission) {
  exercise("add_submission", [&]() -> Operation {
    int64_t id = assessment().id;
    return [this, id] { return status_of(store_->add_submission(Submission{0, id, "1A", "", ""}, "t")); };
  });
}

TEST_P(StoreFaults, AddUser) {
  exercise("add_user", [&]() -> Operation {
    User u{0, "user" + fresh() + "@example.org", "User", organisation("supplier"), {"editor", "approver"}};
    return [this, u] { return status_of(store_->add_user(u, "hash", "t")); };
  });
}

SessionRecord token(int64_t user, const std::string& suffix) {
  // Two tokens of one user share a 16-digit prefix, so revoking the prefix deletes (and audits) both.
  return SessionRecord{"0123456789abcdef" + suffix, user, "token",
                       "script " + suffix,          "",   "2024-01-01T00:00:00Z",
                       "2999-01-01T00:00:00Z"};
}

TEST_P(StoreFaults, AddToken) {
  exercise("add_session_token", [&]() -> Operation {
    auto u =
        store_->add_user({0, "t" + fresh() + "@example.org", "T", organisation("supplier"), {}}, "h", "t");
    EXPECT_TRUE(u.ok());
    SessionRecord s = token(u.ok() ? u->id : 0, fresh());
    return [this, s] { return store_->add_session(s); };
  });
}

TEST_P(StoreFaults, RevokeToken) {
  exercise("revoke_token", [&]() -> Operation {
    auto u =
        store_->add_user({0, "r" + fresh() + "@example.org", "R", organisation("supplier"), {}}, "h", "t");
    EXPECT_TRUE(u.ok());
    int64_t user = u.ok() ? u->id : 0;
    EXPECT_TRUE(store_->add_session(token(user, "a" + fresh())).ok());
    EXPECT_TRUE(store_->add_session(token(user, "b" + fresh())).ok());
    return [this, user] { return store_->revoke_token(user, "0123456789abcdef", "t"); };
  });
}

// ---- the application operations: reads, checks, then one store write ----

TEST_P(StoreFaults, DecidePhase) {
  // The central body approves phase 1A, incomplete, with an override: the approval and the four answers
  // that record it.
  exercise("decide_phase", [&]() -> Operation {
    Organisation body = central();
    Assessment a = assessment();
    EXPECT_TRUE(store_->add_submission(Submission{0, a.id, "1A", "", ""}, "supplier@example.org").ok());
    auto loaded = wb().load_template("sms-client-tom", "1");
    EXPECT_TRUE(loaded.ok());
    auto t = loaded.ok() ? loaded->tmpl : nullptr;
    Caller reviewer = caller(body, {"central-reviewer"});
    Approval ap;
    ap.phase = "1A";
    ap.decision = Decision::kApproved;
    ap.outcome = "The usage and settings statement has been fully approved";
    ap.override_reason = "a test of faults";
    return [this, reviewer, a, t, ap] { return status_of(app::decide_phase(wb(), reviewer, a, *t, ap)); };
  });
}

TEST_P(StoreFaults, Derive) {
  // The client supplier reuses an approved TOM for another trust: reads the source, then imports.
  exercise("derive", [&]() -> Operation {
    Assessment a = assessment();
    EXPECT_TRUE(store_->save_answer(a.id, answer("OR-01", "Yes"), 0, "t").ok());
    EXPECT_TRUE(store_->save_answer(a.id, answer("OR-02", "No"), 0, "t").ok());
    EXPECT_TRUE(store_->add_submission(Submission{0, a.id, "2", "", ""}, "t").ok());
    EXPECT_TRUE(store_->add_approval(approval(a.id, "2"), "t").ok());
    int64_t other_trust = organisation("nhs-trust");
    auto loaded = wb().load_template("sms-client-tom", "1");
    EXPECT_TRUE(loaded.ok());
    auto t = loaded.ok() ? loaded->tmpl : nullptr;
    Caller supplier = caller(supplier_, {"editor"});
    return [this, supplier, a, t, other_trust] {
      return status_of(app::derive(wb(), supplier, a, *t, other_trust, "Reused"));
    };
  });
}

TEST_P(StoreFaults, ImportBundle) {
  exercise("import_bundle", [&]() -> Operation {
    AssessmentBundle b = bundle();
    return [this, b] { return status_of(wb().import_bundle(b, "t")); };
  });
}

TEST_P(StoreFaults, Upgrade) {
  exercise("upgrade", [&]() -> Operation {
    ensure_template("2");
    int64_t id = assessment().id;
    EXPECT_TRUE(store_->save_answer(id, answer("OR-01", "Yes"), 0, "t").ok());
    return [this, id] { return status_of(wb().upgrade(id, "sms-client-tom@2", false, "t")); };
  });
}

// ---- opening: migrating and keying, counted from the first statement ----

TEST_P(StoreFaults, OpeningFailsWholeAtEveryPoint) {
  // A fresh database opened with a fault at each point of migration and keying in turn (a fresh database
  // each time, so every point of a first open is reached): each failed open is reported, and leaves a
  // database that the next open, without faults, migrates, keys and verifies. On PostgreSQL each "database"
  // is an empty schema of this test's database (creating a database per point would take seconds).
  FaultPoints points;
  int schemas = 0;
  auto empty_database = [&]() -> std::string {
    if (GetParam() != "postgresql") return tom::test::temp_path("open.db");
    std::string schema = "open_" + std::to_string(++schemas);
    auto made = raw_->exec_script("CREATE SCHEMA " + schema);
    EXPECT_TRUE(made.ok()) << (made.ok() ? "" : made.error().detail);
    return url_ + "?options=-csearch_path%3D" + schema;
  };
  for (auto mode : {test::FaultPlan::Mode::kStatement, test::FaultPlan::Mode::kCommit}) {
    for (int64_t n = 1; n < 1000; ++n) {
      std::string url = empty_database();
      std::string key_file = tom::test::temp_path("open.audit-key");
      ConnectionFactory real = GetParam() == "postgresql"
                                   ? ConnectionFactory([url] { return sql::open_postgres(url); })
                                   : ConnectionFactory([url] { return sql::open_sqlite(url); });
      auto plan = std::make_shared<test::FaultPlan>();
      plan->arm(n, mode);  // before open: the migration's and the keying's statements count
      auto s = SqlStore::open(test::faulty_factory(real, plan), GetParam(), 1, key_file);
      if (!plan->fired()) {
        ASSERT_TRUE(s.ok()) << s.error().describe() << " " << s.error().detail;
        (mode == test::FaultPlan::Mode::kCommit ? points.commits : points.statements) = n - 1;
        break;
      }
      ASSERT_FALSE(s.ok()) << "open with a fault at point " << n << " reported success";
      auto again = SqlStore::open(real, GetParam(), 1, key_file);
      ASSERT_TRUE(again.ok()) << "after a fault at point " << n << ": " << again.error().describe() << " "
                              << again.error().detail;
      auto report = (*again)->verify_audit();
      ASSERT_TRUE(report.ok());
      EXPECT_TRUE(report->ok()) << "after a fault at point " << n << ": " << report->problems.front();
    }
  }
  std::printf("[ faults   ] %s open: %lld statement and %lld commit fault points\n", GetParam().c_str(),
              static_cast<long long>(points.statements), static_cast<long long>(points.commits));
  EXPECT_GT(points.statements, 5);
  EXPECT_EQ(points.commits, 2);  // the migration, then the keying
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreFaults, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace tom::store
