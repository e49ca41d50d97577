// Regression tests, through the API of the real binary, for the approval and acceptance rules that an
// independent test found bypassed (issue 9, items 1-5): who may play the central party, deciding only a
// submitted and complete phase and never one's own submission, approvals that go stale when an answer
// changes, and findings accepted only by their role holder in their party, under their own name, with a
// mitigation and a future expiry. Also the section cache that outlived its template (a use-after-free).
#include <gtest/gtest.h>

#include <algorithm>

#include "support/http_client.hpp"
#include "support/test_support.hpp"

namespace tom {
namespace {

namespace json = boost::json;
using test::HttpClient;
using test::ServerProcess;

std::string url_key(const std::string& key) {
  std::string out;
  for (char ch : key) out += ch == ':' ? std::string("%3A") : std::string(1, ch);
  return out;
}

class Approvals : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = test::temp_path("approvals-" + std::to_string(++n_) + ".db");
    ASSERT_EQ(test::run_tom({"--db", db_, "init", "--demo"}).exit_code, 0);
    server_ = std::make_unique<ServerProcess>(db_);
    for (auto* c : {&admin_, &priya_, &kim_, &lee_, &alex_, &sam_, &jo_})
      *c = std::make_unique<HttpClient>(server_->port());
    ASSERT_EQ(admin_->sign_in("admin@nhsdigital.example").status, 200);
    ASSERT_EQ(priya_->sign_in("priya.shah@nhsdigital.example").status, 200);
    ASSERT_EQ(kim_->sign_in("kim.ng@northbridge.example").status, 200);
    ASSERT_EQ(lee_->sign_in("lee.chen@riverside.example").status, 200);
    ASSERT_EQ(alex_->sign_in("alex.morgan@lakeside.example").status, 200);
    ASSERT_EQ(sam_->sign_in("sam.okafor@lakeside.example").status, 200);
    ASSERT_EQ(jo_->sign_in("jo.patel@lakeside.example").status, 200);
  }

  int64_t org(const std::string& prefix) {
    auto orgs = admin_->get("/api/v1/organisations?limit=200").json().at("items");
    for (const auto& o : orgs.as_array())
      if (std::string(o.at("name").as_string()).rfind(prefix, 0) == 0) return o.at("id").as_int64();
    ADD_FAILURE() << "no organisation " << prefix;
    return 0;
  }
  std::string phase_state(HttpClient& c, int64_t a, const std::string& phase) {
    auto phases = c.get("/api/v1/assessments/" + std::to_string(a) + "/phases").json();
    for (const auto& p : phases.as_array())
      if (p.at("phase").as_string() == phase) return std::string(p.at("state").as_string());
    return "?";
  }
  // The newest audit event's number (the administrator's view, read a page at a time).
  int64_t audit_count() {
    int64_t seq = 0;
    for (;;) {
      auto page = admin_->get("/api/v1/audit?after=" + std::to_string(seq)).json();
      if (!page.is_array() || page.as_array().empty()) return seq;
      for (const auto& e : page.as_array()) seq = std::max(seq, e.at("seq").to_number<int64_t>());
    }
  }

  static inline int n_ = 0;
  std::string db_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<HttpClient> admin_, priya_, kim_, lee_, alex_, sam_, jo_;
};

// Item 1: a section view cached from one load of a template survives a later load of the same template.
TEST_F(Approvals, SectionCacheOutlivesATemplateReload) {
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(alex_->get("/api/v1/assessments/3").status, 200);
    EXPECT_EQ(alex_->get("/api/v1/templates/ers-api-tom").status, 200);
    auto s = alex_->get("/api/v1/assessments/3/sections/approval-gateways");
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_EQ(s.json().at("id").as_string(), "approval-gateways");
    EXPECT_GT(s.json().at("items").as_array().size(), 3u);
  }
  EXPECT_EQ(alex_->get("/health").status, 200) << "the server died: " << server_->log();
}

// Item 2: only the central body plays the central party; an organisation plays only parties its type may.
TEST_F(Approvals, OnlyTheCentralBodyPlaysCentral) {
  json::object parts{{"smsp", org("Northbridge")},
                     {"smsc", org("Riverside")},
                     {"end-user", org("Lakeside")},
                     {"central", org("Northbridge")}};
  int64_t before = audit_count();
  auto r = kim_->post(
      "/api/v1/assessments",
      json::object{{"template", "sms-client-tom"}, {"product", "Bypass"}, {"participants", parts}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("participants.central"), std::string::npos) << r.body;
  // A trust playing the provider supplier is refused too (asked by an administrator, who may start any TOM).
  parts["central"] = org("NHS Digital");
  parts["smsp"] = org("Lakeside");
  r = admin_->post(
      "/api/v1/assessments",
      json::object{{"template", "sms-client-tom"}, {"product", "Bypass"}, {"participants", parts}});
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(r.body.find("participants.smsp"), std::string::npos) << r.body;
  EXPECT_EQ(audit_count(), before) << "a refused assessment left audit events";

  // There is one central body: a second is refused, and so is a type that is not one.
  auto second =
      admin_->post("/api/v1/organisations", json::object{{"name", "Also Central"}, {"type", "central"}});
  EXPECT_EQ(second.status, 409) << second.body;
  auto bogus = admin_->post("/api/v1/organisations", json::object{{"name", "Odd Org"}, {"type", "overlord"}});
  EXPECT_EQ(bogus.status, 400) << bogus.body;
  // The right organisations are accepted.
  parts["smsp"] = org("Northbridge");
  r = kim_->post("/api/v1/assessments",
                 json::object{{"template", "sms-client-tom"}, {"product", "Fine"}, {"participants", parts}});
  EXPECT_EQ(r.status, 201) << r.body;
}

// Item 3: a decision needs a submitted phase; an incomplete one needs a recorded override; nobody decides a
// phase they submitted.
TEST_F(Approvals, DecisionsNeedASubmittedCompletePhaseAndAnotherPerson) {
  // Assessment 3 (e-RS, with the trust, half done): nothing submitted yet.
  std::string base = "/api/v1/assessments/3";
  int64_t before = audit_count();
  auto early = sam_->post(base + "/phases/2/decisions", json::object{{"decision", "approved"}});
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_NE(early.body.find("not submitted"), std::string::npos) << early.body;
  auto early1a = priya_->post(base + "/phases/1B/decisions",
                              json::object{{"decision", "approved"}, {"certificate", "FAKE-CERT-1"}});
  EXPECT_EQ(early1a.status, 409) << early1a.body;
  EXPECT_EQ(audit_count(), before);

  // Sam (an approver of the trust) submits phase 2 himself: he may not then approve it.
  ASSERT_EQ(sam_->post(base + "/phases/2/submit", json::object{}).status, 201);
  auto own = sam_->post(base + "/phases/2/decisions", json::object{{"decision", "approved"}});
  EXPECT_EQ(own.status, 403) << own.body;
  EXPECT_NE(own.body.find("you submitted"), std::string::npos) << own.body;

  // Alex submits it; Sam may decide now, but the phase is incomplete: refused, with the missing items listed.
  ASSERT_EQ(alex_->post(base + "/phases/2/submit", json::object{}).status, 201);
  EXPECT_EQ(phase_state(*alex_, 3, "2"), "submitted");
  before = audit_count();
  auto incomplete = sam_->post(base + "/phases/2/decisions", json::object{{"decision", "approved"}});
  EXPECT_EQ(incomplete.status, 409) << incomplete.body;
  EXPECT_NE(incomplete.body.find("required items still missing"), std::string::npos) << incomplete.body;
  EXPECT_NE(incomplete.body.find("CON-01"), std::string::npos) << "the missing items are not named";
  EXPECT_EQ(audit_count(), before);
  EXPECT_EQ(phase_state(*alex_, 3, "2"), "submitted");

  // A rejection needs no completeness; after it the phase goes back to the trust.
  auto rejected = sam_->post(base + "/phases/2/decisions",
                             json::object{{"decision", "rejected"}, {"reason", "Half of it is missing"}});
  EXPECT_EQ(rejected.status, 201) << rejected.body;
  EXPECT_EQ(phase_state(*alex_, 3, "2"), "rejected");
  auto again =
      sam_->post(base + "/phases/2/decisions", json::object{{"decision", "rejected"}, {"reason", "twice"}});
  EXPECT_EQ(again.status, 409) << "a rejected phase was decided again without a resubmission: " << again.body;
}

TEST_F(Approvals, AnIncompletePhaseIsApprovedOnlyWithARecordedOverride) {
  std::string base = "/api/v1/assessments/4";  // the provider TOM, 40 answers, held by Northbridge
  ASSERT_EQ(kim_->post(base + "/phases/1A/submit", json::object{}).status, 201);
  auto refused =
      priya_->post(base + "/phases/1A/decisions", json::object{{"decision", "approved"}, {"area", "usage"}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  auto blank =
      priya_->post(base + "/phases/1A/decisions",
                   json::object{{"decision", "approved"}, {"area", "usage"}, {"override_reason", "  "}});
  EXPECT_EQ(blank.status, 409) << "a blank override reason was taken: " << blank.body;
  auto overridden = priya_->post(
      base + "/phases/1A/decisions",
      json::object{
          {"decision", "approved"}, {"area", "usage"}, {"override_reason", "Usage agreed at the board"}});
  ASSERT_EQ(overridden.status, 201) << overridden.body;
  EXPECT_EQ(overridden.json().at("override_reason").as_string(), "Usage agreed at the board");
  // Recorded: on the phase and in the audit trail.
  auto phases = alex_->get(base + "/phases");
  EXPECT_NE(phases.body.find("Usage agreed at the board"), std::string::npos) << phases.body;
  auto audit = admin_->get(base + "/audit");
  EXPECT_NE(audit.body.find("Usage agreed at the board"), std::string::npos);
  // One record: the decision fills the TOM's own approval-gateway item, which nobody answers by hand.
  auto item = alex_->get(base + "/answers/AG-1A-USAGE");
  ASSERT_EQ(item.status, 200) << item.body;
  EXPECT_EQ(item.json().at("value").as_string(), "Approved");
  EXPECT_NE(std::string(item.json().at("note").as_string()).find("Usage agreed at the board"),
            std::string::npos)
      << item.body;
  auto date = alex_->get(base + "/answers/AG-1A-DATE");
  ASSERT_EQ(date.status, 200) << date.body;
  EXPECT_EQ(date.json().at("value").as_string().size(), 10u);
  auto by_hand =
      priya_->put(base + "/answers/AG-1A-USAGE", json::object{{"value", "Rejected"}}, item.header("etag"));
  EXPECT_EQ(by_hand.status, 403) << by_hand.body;
  // The same area is not approved twice on one submission.
  auto twice =
      priya_->post(base + "/phases/1A/decisions",
                   json::object{{"decision", "approved"}, {"area", "usage"}, {"override_reason", "again"}});
  EXPECT_EQ(twice.status, 409) << twice.body;
}

// Item 4: an answer changed after approval reopens the phase, with what changed.
TEST_F(Approvals, AChangeAfterApprovalReopensThePhase) {
  std::string base = "/api/v1/assessments/1";  // approved in every phase, held by the trust
  ASSERT_EQ(phase_state(*alex_, 1, "2"), "approved");
  ASSERT_TRUE(alex_->get(base + "/gate").json().at("open").as_bool());
  auto current = alex_->get(base + "/answers/IG-16");
  ASSERT_EQ(current.status, 200) << current.body;
  std::string was(current.json().at("value").as_string());
  std::string now = was == "Yes" ? "No" : "Yes";
  auto changed = alex_->put(base + "/answers/IG-16", json::object{{"value", now}, {"note", "changed later"}},
                            current.header("etag"));
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(phase_state(*alex_, 1, "2"), "open");
  auto phases = alex_->get(base + "/phases").json();
  bool listed = false;
  for (const auto& p : phases.as_array()) {
    if (p.at("phase").as_string() != "2") continue;
    EXPECT_TRUE(p.at("reopened").as_bool());
    for (const auto& c : p.at("changed_since_approval").as_array())
      listed |= c.at("item") == json::value("IG-16") && c.at("before") == json::value(was) &&
                c.at("after") == json::value(now);
  }
  EXPECT_TRUE(listed) << json::serialize(phases);
  auto gate = alex_->get(base + "/gate").json();
  EXPECT_FALSE(gate.at("open").as_bool());
  EXPECT_NE(json::serialize(gate.at("reasons")).find("changed since"), std::string::npos)
      << json::serialize(gate);
  // Setting it back restores the approval: the decision was made on the old value.
  auto back = alex_->put(base + "/answers/IG-16", json::object{{"value", was}},
                         "\"v" + std::to_string(changed.json().at("version").as_int64()) + "\"");
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(phase_state(*alex_, 1, "2"), "approved");
}

// Item 5: findings are accepted by a person holding their role in their party, under their own name, with a
// mitigation and a future expiry; approving phase 2 accepts nothing by itself.
TEST_F(Approvals, FindingsAreAcceptedOnlyByTheirRoleHolder) {
  // A SIRO at the client supplier, to try the trust's SIRO finding.
  auto made = admin_->post("/api/v1/users", json::object{{"email", "sid.siro@riverside.example"},
                                                         {"name", "Sid Siro"},
                                                         {"password", "a-long-password-2026"},
                                                         {"organisation_id", org("Riverside")},
                                                         {"roles", json::array{"siro", "approver"}}});
  ASSERT_EQ(made.status, 201) << made.body;
  HttpClient sid(server_->port());
  ASSERT_EQ(sid.sign_in("sid.siro@riverside.example", "a-long-password-2026").status, 200);

  std::string base = "/api/v1/assessments/3";
  std::string key = "rule:ig-other-siro-review:IG-19";  // the trust's SIRO reviews an 'Other' answer
  std::string accept = base + "/findings/" + url_key(key) + "/accept";
  json::object good{{"expires_on", "2030-06-30"}, {"mitigation", "Reviewed the token control"}};
  int64_t before = audit_count();
  auto wrong_party = sid.post(accept, good);
  EXPECT_EQ(wrong_party.status, 403) << wrong_party.body;
  auto wrong_role = alex_->post(accept, good);
  EXPECT_EQ(wrong_role.status, 403) << wrong_role.body;
  json::object someone_else = good;
  someone_else["by"] = "Dr Sam Okafor (SIRO)";
  auto in_another_name = sid.post(accept, someone_else);
  EXPECT_EQ(in_another_name.status, 403) << in_another_name.body;
  auto no_mitigation = sam_->post(accept, json::object{{"expires_on", "2030-06-30"}});
  EXPECT_EQ(no_mitigation.status, 400) << no_mitigation.body;
  EXPECT_NE(no_mitigation.body.find("mitigation"), std::string::npos);
  auto no_expiry = sam_->post(accept, json::object{{"mitigation", "x"}});
  EXPECT_EQ(no_expiry.status, 400) << no_expiry.body;
  auto past = sam_->post(accept, json::object{{"mitigation", "x"}, {"expires_on", "2020-01-01"}});
  EXPECT_EQ(past.status, 400) << past.body;
  EXPECT_NE(past.body.find("after today"), std::string::npos) << past.body;
  EXPECT_EQ(audit_count(), before) << "a refused acceptance left audit events";

  auto ok = sam_->post(accept, good);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json().at("accepted_by").as_string(), "Dr Sam Okafor");
  EXPECT_EQ(ok.json().at("expires_on").as_string(), "2030-06-30");
}

TEST_F(Approvals, PhaseTwoApprovalAcceptsNoRisksByItself) {
  // Assessment 3's trust part answered 'Other' on IG-19: its SIRO review is open. Fill the rest with an
  // override and submit: approving phase 2 is refused while the finding is open, and accepts nothing.
  std::string base = "/api/v1/assessments/3";
  ASSERT_EQ(alex_->post(base + "/phases/2/submit", json::object{}).status, 201);
  auto refused = sam_->post(base + "/phases/2/decisions",
                            json::object{{"decision", "approved"}, {"override_reason", "Board agreed"}});
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("still open"), std::string::npos) << refused.body;
  auto findings = sam_->get(base + "/findings?limit=200").json().at("items");
  bool open_siro = false;
  for (const auto& f : findings.as_array())
    open_siro |= f.at("key") == json::value("rule:ig-other-siro-review:IG-19") &&
                 f.at("status") == json::value("open");
  EXPECT_TRUE(open_siro) << "the approval attempt changed a finding: " << json::serialize(findings);
}

// Issue 9, item 10: the central audit's CSV download never hands a spreadsheet a formula.
TEST_F(Approvals, AuditCsvNeverCarriesAFormula) {
  json::object parts{{"smsp", org("Northbridge")}, {"smsc", org("Riverside")}, {"end-user", org("Lakeside")}};
  auto r = kim_->post(
      "/api/v1/assessments",
      json::object{
          {"template", "sms-client-tom"}, {"product", "=1+2"}, {"title", "-2+3"}, {"participants", parts}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto csv = priya_->get("/audit.csv");
  ASSERT_EQ(csv.status, 200) << csv.body.substr(0, 300);
  EXPECT_EQ(csv.headers["x-test-chunked"], "yes") << "the CSV is streamed in chunks";
  // One line per TOM after the header, and the stream ends cleanly (the next request on the connection
  // works).
  auto list = priya_->get("/api/v1/assessments?limit=1");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n') - 1,
            json::parse(list.body).at("total").as_int64());
  // A filter the list refuses is refused before anything is streamed; only the central body may download.
  EXPECT_EQ(priya_->get("/audit.csv?status=Purple").status, 400);
  EXPECT_EQ(kim_->get("/audit.csv").status, 403);
  EXPECT_NE(csv.body.find(",'=1+2,"), std::string::npos) << csv.body;
  EXPECT_EQ(csv.body.find(",=1+2"), std::string::npos) << csv.body;
}

}  // namespace
}  // namespace tom
