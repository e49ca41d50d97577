// Black-box tests: the built `tom` binary, run as a user would, on a fresh SQLite file.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>

#include "support/test_support.hpp"

namespace tom {
namespace {

namespace json = boost::json;
using test::run_tom;

json::value parse(const std::string& s) {
  boost::system::error_code ec;
  auto v = json::parse(s, ec);
  EXPECT_FALSE(ec) << s.substr(0, 300);
  return v;
}

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = test::temp_path("cli.db");
    auto r = tom({"init"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  test::Run tom(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db_, "--user", "cli-test"});
    return run_tom(args);
  }
  std::string db_;
};

TEST_F(Cli, HelpAndUsageErrors) {
  auto help = run_tom({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("tom [--db PATH|postgresql://...]"), std::string::npos);
  for (const char* cmd :
       {"init", "template", "answer", "check", "export", "import", "audit", "finding", "approve"}) {
    auto r = tom({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << cmd;
  }
  auto bad = tom({"frobnicate"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown command 'frobnicate'"), std::string::npos);
  auto bad_opt = tom({"check", "1", "--colour"});
  EXPECT_EQ(bad_opt.exit_code, 2);
  EXPECT_NE(bad_opt.err.find("unknown option --colour"), std::string::npos);
}

TEST_F(Cli, TemplateShowJsonHasSectionsAndItems) {
  auto r = tom({"template", "show", "ers-api-tom", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto v = parse(r.out);
  const auto& sections = v.at("sections").as_array();
  ASSERT_GE(sections.size(), 10u);
  bool found = false;
  for (const auto& s : sections)
    for (const auto& i : s.at("items").as_array()) {
      for (const char* field : {"id", "text", "kind", "obligation", "party", "choices"})
        EXPECT_TRUE(i.as_object().contains(field)) << field;
      if (i.at("id").as_string() == "A001-01") found = true;
    }
  EXPECT_TRUE(found) << "e-RS requirement A001-01 not in the bundled template";
}

TEST_F(Cli, AnAssessmentGoesFromEmptyToComplete) {
  ASSERT_EQ(tom({"organisation", "add", "Lakeside NHS FT", "--ods", "RZZ", "--type", "nhs-trust"}).exit_code,
            0);
  auto created =
      tom({"assessment", "new", "--template", "sms-client-tom", "--product", "PAS", "--party", "end-user=1"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  auto empty = tom({"check", "1", "--json"});
  EXPECT_EQ(empty.exit_code, 1);
  auto report = parse(empty.out);
  EXPECT_FALSE(report.at("complete").as_bool());
  auto template_json = parse(tom({"template", "show", "sms-client-tom", "--json"}).out);
  std::map<std::string, json::object> items;
  for (const auto& s : template_json.at("sections").as_array())
    for (const auto& i : s.at("items").as_array()) items[std::string(i.at("id").as_string())] = i.as_object();

  // Per party and phase: the filter narrows what is missing.
  auto smsc = parse(tom({"check", "1", "--party", "smsc", "--json"}).out);
  for (const auto& m : smsc.at("missing").as_array()) EXPECT_EQ(m.at("party").as_string(), "smsc");

  // Answer whatever is missing until nothing is; answering can bring new items into scope.
  for (int round = 0; round < 5; ++round) {
    auto now = parse(tom({"check", "1", "--json"}).out);
    const auto& missing = now.at("missing").as_array();
    if (missing.empty()) break;
    for (const auto& m : missing) {
      std::string id(m.at("item").as_string());
      const auto& item = items.at(id);
      std::string value = "Recorded in the deployment file";
      const auto& choices = item.at("choices").as_array();
      if (!choices.empty()) {
        value = std::string(choices[0].as_string());
        for (const auto& c : choices)
          if (c.as_string() == "Yes" || c.as_string() == "Approved") value = std::string(c.as_string());
      } else if (item.at("answer").as_string() == "date") {
        value = "2026-11-22";
      } else if (item.at("answer").as_string() == "number") {
        value = "3";
      }
      auto saved = tom({"answer", "1", id, value, "--note", "explained here"});
      ASSERT_EQ(saved.exit_code, 0) << id << ": " << saved.err;
    }
  }
  auto done = tom({"check", "1"});
  EXPECT_EQ(done.exit_code, 0) << done.out;
  EXPECT_NE(done.out.find("- complete"), std::string::npos) << done.out;
  EXPECT_NE(done.out.find("Rule results:"), std::string::npos);
  EXPECT_NE(done.out.find("clinical-safety-level"), std::string::npos) << done.out;
}

TEST_F(Cli, RuleResultsAndFindingsCarryExplanations) {
  ASSERT_EQ(tom({"assessment", "new", "--template", "sms-client-tom", "--product", "PAS"}).exit_code, 0);
  ASSERT_EQ(tom({"answer", "1", "IG-10", "Other", "--note", "password and token"}).exit_code, 0);
  auto report = parse(tom({"check", "1", "--json"}).out);
  bool check_result = false, siro = false;
  for (const auto& r : report.at("results").as_array())
    if (r.at("name").as_string() == "ig-authentication" && r.at("value") == json::value("CHECK")) {
      check_result = true;
      EXPECT_NE(std::string(r.at("explanation").as_string()).find("IG-10 = \"Other\""), std::string::npos);
    }
  for (const auto& f : report.at("findings").as_array())
    if (f.at("role").as_string() == "siro" && f.at("kind").as_string() == "review") siro = true;
  EXPECT_TRUE(check_result) << json::serialize(report.at("results"));
  EXPECT_TRUE(siro) << json::serialize(report.at("findings"));

  // A non-compliant Must goes to NHS Digital.
  ASSERT_EQ(tom({"answer", "1", "MSCA-AUD-03", "No", "--note", "not yet"}).exit_code, 0);
  report = parse(tom({"check", "1", "--json"}).out);
  bool escalated = false;
  for (const auto& f : report.at("findings").as_array())
    if (f.at("key").as_string() == "rule:must-non-compliant:MSCA-AUD-03") {
      escalated = true;
      EXPECT_EQ(f.at("role").as_string(), "central");
    }
  EXPECT_TRUE(escalated) << json::serialize(report.at("findings"));

  // Nobody accepts it without saying who they are (WorkflowCommandsFollowTheServersRules accepts it).
  auto anonymous = tom({"finding", "accept", "1", "rule:must-non-compliant:MSCA-AUD-03", "--expires",
                        "2030-03-31", "--mitigation", "agreed"});
  EXPECT_EQ(anonymous.exit_code, 3);
  EXPECT_NE(anonymous.err.find("--as EMAIL"), std::string::npos) << anonymous.err;
}

// The CLI acts as a named person (--as) and goes through the same rules as the server: issue 9, items 2, 3
// and 5, through this front door.
TEST_F(Cli, WorkflowCommandsFollowTheServersRules) {
  std::string demo = test::temp_path("cli-demo.db");
  ASSERT_EQ(run_tom({"--db", demo, "init", "--demo"}).exit_code, 0);
  auto t = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", demo});
    return run_tom(args);
  };
  const std::string priya = "priya.shah@nhsdigital.example", sam = "sam.okafor@lakeside.example",
                    alex = "alex.morgan@lakeside.example";
  auto expect_refused = [&](const test::Run& r, const std::string& why) {
    EXPECT_EQ(r.exit_code, 3) << r.out;
    EXPECT_NE(r.err.find(why), std::string::npos) << "expected '" << why << "' in: " << r.err;
  };
  std::string audit_before = t({"audit", "list"}).out;
  // Deciding: somebody named, a submitted phase, not one's own submission, complete or overridden.
  expect_refused(t({"approve", "3", "2", "--decision", "approved"}), "--as EMAIL");
  expect_refused(
      t({"approve", "3", "1B", "--decision", "approved", "--certificate", "FAKE-CERT-1", "--as", priya}),
      "not submitted");
  expect_refused(t({"approve", "3", "2", "--decision", "approved", "--as", "nobody@example.org"}),
                 "no person with the email");
  expect_refused(t({"submit", "3", "2", "--as", "kim.ng@northbridge.example"}),
                 "only the party holding the TOM");
  EXPECT_EQ(t({"audit", "list"}).out, audit_before) << "a refused command wrote to the audit trail";
  ASSERT_EQ(t({"submit", "3", "2", "--as", sam}).exit_code, 0);
  expect_refused(t({"approve", "3", "2", "--decision", "approved", "--as", sam}), "you submitted");
  ASSERT_EQ(t({"submit", "3", "2", "--as", alex}).exit_code, 0);
  expect_refused(t({"approve", "3", "2", "--decision", "approved", "--as", alex}), "approver role");
  expect_refused(t({"approve", "3", "2", "--decision", "approved", "--as", sam}),
                 "required items still missing");
  expect_refused(
      t({"approve", "3", "2", "--decision", "approved", "--as", sam, "--override-reason", "agreed"}),
      "still open");

  // Accepting: the role holder of the finding's party, with a mitigation and a future expiry.
  const std::string key = "rule:ig-other-siro-review:IG-19";
  expect_refused(
      t({"finding", "accept", "3", key, "--as", alex, "--expires", "2030-01-31", "--mitigation", "m"}),
      "siro role");
  expect_refused(t({"finding", "accept", "3", key, "--as", sam, "--expires", "2030-01-31"}), "mitigation");
  expect_refused(
      t({"finding", "accept", "3", key, "--as", sam, "--expires", "2020-01-31", "--mitigation", "m"}),
      "after today");
  auto accepted = t({"finding", "accept", "3", key, "--as", sam, "--expires", "2030-01-31", "--mitigation",
                     "Token reviewed"});
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_NE(accepted.out.find("as Dr Sam Okafor"), std::string::npos) << accepted.out;
  auto listed = parse(t({"finding", "list", "3", "--json"}).out);
  for (const auto& f : listed.as_array())
    if (f.at("key") == json::value(key)) {
      EXPECT_EQ(f.at("status").as_string(), "accepted");
      EXPECT_EQ(f.at("finding").at("accepted_by").as_string(), "Dr Sam Okafor");
    }

  // Who plays which party: only the central body plays central, and there is one.
  auto orgs = parse(t({"organisation", "list", "--json"}).out);
  std::string supplier_id;
  for (const auto& o : orgs.as_array())
    if (o.at("type") == json::value("supplier")) supplier_id = std::to_string(o.at("id").as_int64());
  ASSERT_FALSE(supplier_id.empty());
  expect_refused(t({"assessment", "new", "--template", "sms-client-tom", "--product", "Bypass", "--party",
                    "smsp=" + supplier_id, "--party", "central=" + supplier_id}),
                 "participants.central");
  expect_refused(t({"organisation", "add", "Second Centre", "--type", "central"}), "already a central body");
  expect_refused(t({"organisation", "add", "Odd", "--type", "overlord"}), "not a type of organisation");
}

TEST_F(Cli, AnswersAreValidatedAndVersioned) {
  ASSERT_EQ(tom({"assessment", "new", "--template", "sms-client-tom", "--product", "PAS"}).exit_code, 0);
  auto bad = tom({"answer", "1", "IG-10", "Smartcard"});
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("is not one of the choices for IG-10"), std::string::npos) << bad.err;
  auto unknown = tom({"answer", "1", "NOPE-1", "Yes"});
  EXPECT_EQ(unknown.exit_code, 3);
  EXPECT_NE(unknown.err.find("has no item 'NOPE-1'"), std::string::npos);
  ASSERT_EQ(tom({"answer", "1", "IG-10", "Other", "--if-version", "0"}).exit_code, 0);
  auto stale = tom({"answer", "1", "IG-10", "None", "--if-version", "0"});
  EXPECT_EQ(stale.exit_code, 3);
  EXPECT_NE(stale.err.find("has changed"), std::string::npos) << stale.err;
  ASSERT_EQ(tom({"answer", "1", "IG-10", "None", "--if-version", "1"}).exit_code, 0);
}

TEST_F(Cli, ExportThenImportGivesTheSameAssessment) {
  ASSERT_EQ(tom({"organisation", "add", "Riverside", "--type", "supplier"}).exit_code, 0);
  ASSERT_EQ(
      tom({"assessment", "new", "--template", "ers-api-tom", "--product", "Hub", "--party", "supplier=1"})
          .exit_code,
      0);
  ASSERT_EQ(tom({"answer", "1", "A001-01", "Compliant", "--note", "see test report"}).exit_code, 0);
  std::string file = test::temp_path("export.json");
  ASSERT_EQ(tom({"export", "1", "--format", "json", "-o", file}).exit_code, 0);
  auto exported = parse(test::read_text(file));
  ASSERT_EQ(exported.at("answers").as_array().size(), 1u);
  EXPECT_EQ(exported.at("answers").as_array()[0].at("item").as_string(), "A001-01");

  std::string other_db = test::temp_path("other.db");
  ASSERT_EQ(run_tom({"--db", other_db, "init"}).exit_code, 0);
  auto imported = run_tom({"--db", other_db, "import", file});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  std::string again = test::temp_path("again.json");
  ASSERT_EQ(run_tom({"--db", other_db, "export", "1", "--format", "json", "-o", again}).exit_code, 0);
  auto a = parse(test::read_text(file)), b = parse(test::read_text(again));
  EXPECT_EQ(a.at("answers"), b.at("answers"));
  EXPECT_EQ(a.at("participants"), b.at("participants"));
  // Approvals keep who decided, when, and the answers they were decided on (demo assessment 1 is approved).
  std::string demo = test::temp_path("export-demo.db"), approved = test::temp_path("approved.json"),
              approved_again = test::temp_path("approved-again.json");
  ASSERT_EQ(run_tom({"--db", demo, "init", "--demo"}).exit_code, 0);
  ASSERT_EQ(run_tom({"--db", demo, "export", "1", "--format", "json", "-o", approved}).exit_code, 0);
  ASSERT_EQ(run_tom({"--db", other_db, "import", approved}).exit_code, 0);
  ASSERT_EQ(run_tom({"--db", other_db, "export", "2", "--format", "json", "-o", approved_again}).exit_code,
            0);
  auto c = parse(test::read_text(approved)), d = parse(test::read_text(approved_again));
  ASSERT_EQ(c.at("approvals").as_array().size(), 3u);
  EXPECT_GT(c.at("approvals").as_array()[2].at("basis").as_object().size(), 50u);
  EXPECT_EQ(c.at("approvals"), d.at("approvals"));

  // An assessment that does not fit its template is refused whole.
  auto bad = json::parse(test::read_text(file)).as_object();
  bad["answers"].as_array()[0].as_object()["value"] = "Maybe";
  std::string bad_file = test::temp_path("bad.json");
  test::write_text(bad_file, json::serialize(bad));
  auto refused = run_tom({"--db", other_db, "import", bad_file});
  EXPECT_EQ(refused.exit_code, 3);
  EXPECT_NE(refused.err.find("[A001-01]"), std::string::npos) << refused.err;
  auto list = parse(run_tom({"--db", other_db, "assessment", "list", "--json"}).out);
  EXPECT_EQ(list.as_array().size(), 2u);
}

TEST_F(Cli, TamperedAuditRowIsDetected) {
  ASSERT_EQ(tom({"assessment", "new", "--template", "sms-client-tom", "--product", "PAS"}).exit_code, 0);
  ASSERT_EQ(tom({"answer", "1", "OR-01", "Yes"}).exit_code, 0);
  ASSERT_EQ(tom({"answer", "1", "OR-01", "No", "--note", "changed"}).exit_code, 0);
  auto ok = tom({"audit", "verify"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  // Someone edits history directly in the database file.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_.c_str(), &db), SQLITE_OK);
  int seq = 0;
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "SELECT seq FROM audit_events WHERE action = 'answer.save' ORDER BY seq LIMIT 1", -1,
                     &st, nullptr);
  if (sqlite3_step(st) == SQLITE_ROW) seq = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  ASSERT_GT(seq, 0);
  std::string sql = "UPDATE audit_events SET actor = 'someone else' WHERE seq = " + std::to_string(seq);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto broken = tom({"audit", "verify"});
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.out.find("event " + std::to_string(seq) + " (answer.save 1/OR-01) was edited"),
            std::string::npos)
      << broken.out;
}

TEST_F(Cli, DemoDataShowsDifferentStages) {
  std::string demo = test::temp_path("demo.db");
  auto r = run_tom({"--db", demo, "init", "--demo"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto list = parse(run_tom({"--db", demo, "assessment", "list", "--json"}).out).as_array();
  ASSERT_GE(list.size(), 4u);
  bool complete = false, empty = false, partial = false;
  for (const auto& a : list) {
    auto answered = a.at("answered").as_int64(), required = a.at("required").as_int64();
    complete |= answered == required;
    empty |= answered == 0;
    partial |= answered > 0 && answered < required;
  }
  EXPECT_TRUE(complete && empty && partial);
  EXPECT_EQ(run_tom({"--db", demo, "audit", "verify"}).exit_code, 0);
}

}  // namespace
}  // namespace tom
