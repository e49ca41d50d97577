// The whole TOM journey through the API, against the real binary: the provider supplier starts the TOM and
// hands it on, the client supplier fills its part, then the trust; NHS Digital approves 1A and 1B; the
// trust's SIRO and clinical safety officer accept the open risks and its approver approves phase 2; the
// go-live gate opens; the TOM is reused for a second trust and the two are compared.
#include <gtest/gtest.h>

#include "support/http_client.hpp"
#include "support/test_support.hpp"

namespace tom {
namespace {

namespace json = boost::json;
using test::HttpClient;
using test::ServerProcess;

std::string http_key(const std::string& key) {
  std::string out;
  for (char ch : key) out += ch == ':' ? std::string("%3A") : std::string(1, ch);
  return out;
}

int64_t org_id(HttpClient& c, const std::string& name) {
  auto orgs = c.get("/api/v1/organisations?limit=200").json().at("items");
  for (const auto& o : orgs.as_array())
    if (o.at("name").as_string() == name) return o.at("id").as_int64();
  ADD_FAILURE() << "no organisation " << name;
  return 0;
}

// Answers every answerable, in-scope, unanswered item of `party` the caller may edit, section by section.
int fill_party(HttpClient& c, int64_t a, const std::string& party) {
  int saved = 0;
  std::string base = "/api/v1/assessments/" + std::to_string(a);
  for (int round = 0; round < 3; ++round) {  // answers can bring more items into scope
    int this_round = 0;
    auto sections = c.get(base + "/sections").json();
    for (const auto& s : sections.as_array()) {
      auto sec = c.get(base + "/sections/" + std::string(s.at("id").as_string())).json();
      for (const auto& item : sec.at("items").as_array()) {
        if (item.at("party").as_string() != party || !item.at("editable").as_bool() ||
            !item.at("in_scope").as_bool())
          continue;
        if (!item.at("answer").is_null() && item.at("missing").is_null()) continue;
        std::string value = "Documented in the deployment pack";
        const auto& choices = item.at("choices").as_array();
        if (!choices.empty()) {
          value = std::string(choices[0].as_string());
          for (const auto& ch : choices)
            if (ch.as_string() == "Yes" || ch.as_string() == "Compliant" || ch.as_string() == "Approved")
              value = std::string(ch.as_string());
        } else if (item.at("answer_type").as_string() == "date") {
          value = "2026-11-22";
        } else if (item.at("answer_type").as_string() == "number") {
          value = "2";
        }
        std::string etag;
        if (!item.at("answer").is_null())
          etag = "\"v" + std::to_string(item.at("answer").at("version").as_int64()) + "\"";
        auto r = c.put(base + "/answers/" + std::string(item.at("id").as_string()),
                       json::object{{"value", value}, {"note", "Reviewed by the project board"}}, etag);
        EXPECT_EQ(r.status, 200) << item.at("id").as_string() << ": " << r.body;
        ++saved;
        ++this_round;
      }
    }
    if (this_round == 0) break;
  }
  return saved;
}

class Journey : public ::testing::TestWithParam<std::string> {};

TEST_P(Journey, FromFirstAnswerToGoLiveAndReuse) {
  std::string db = GetParam() == "sqlite" ? test::temp_path("journey.db") : test::fresh_postgres_url();
  if (db.empty()) {
    if (std::getenv("CI")) FAIL() << "TOM_TEST_PG is not set in CI";
    GTEST_SKIP() << "TOM_TEST_PG not set";
  }
  ASSERT_EQ(test::run_tom({"--db", db, "init", "--demo"}).exit_code, 0);
  ServerProcess server(db);
  HttpClient kim(server.port()), lee(server.port()), alex(server.port()), sam(server.port()),
      priya(server.port());
  ASSERT_EQ(kim.sign_in("kim.ng@northbridge.example").status, 200);
  ASSERT_EQ(lee.sign_in("lee.chen@riverside.example").status, 200);
  ASSERT_EQ(alex.sign_in("alex.morgan@lakeside.example").status, 200);
  ASSERT_EQ(sam.sign_in("sam.okafor@lakeside.example").status, 200);
  ASSERT_EQ(priya.sign_in("priya.shah@nhsdigital.example").status, 200);

  // The provider supplier starts the one TOM with every party's organisation.
  json::object participants{{"smsp", org_id(kim, "Northbridge Health Systems Ltd")},
                            {"smsc", org_id(kim, "Riverside Clinical Software Ltd")},
                            {"end-user", org_id(kim, "Lakeside NHS Foundation Trust (demo)")},
                            {"central", org_id(kim, "NHS Digital")}};
  auto created = kim.post("/api/v1/assessments", json::object{{"template", "sms-client-tom"},
                                                              {"product", "Riverside PAS"},
                                                              {"product_version", "5.0"},
                                                              {"title", "PDS lookups at Lakeside"},
                                                              {"participants", participants}});
  ASSERT_EQ(created.status, 201) << created.body;
  int64_t a = created.json().at("id").as_int64();
  std::string base = "/api/v1/assessments/" + std::to_string(a);
  EXPECT_EQ(created.json().at("custodian").as_string(), "smsp");
  EXPECT_FALSE(created.json().at("gate").at("open").as_bool());

  // Nobody else edits while the provider supplier holds it.
  auto early = lee.put(base + "/answers/CA-CONNECTION-AGREEMENT", json::object{{"value", "Yes"}});
  EXPECT_EQ(early.status, 403) << early.body;
  fill_party(kim, a, "smsp");
  auto handed =
      kim.post(base + "/handoffs", json::object{{"to", "smsc"}, {"note", "Provider part complete"}});
  ASSERT_EQ(handed.status, 201) << handed.body;

  // The client supplier fills its part and hands on to the trust.
  EXPECT_GT(fill_party(lee, a, "smsc"), 50);
  auto smsc_check = lee.get(base + "/check?party=smsc").json();
  EXPECT_TRUE(smsc_check.at("complete").as_bool()) << json::serialize(smsc_check.at("missing"));
  ASSERT_EQ(lee.post(base + "/handoffs", json::object{{"to", "end-user"}}).status, 201);
  auto chain = alex.get(base + "/handoffs").json();
  EXPECT_EQ(chain.at("custodian").as_string(), "end-user");
  EXPECT_EQ(chain.at("handoffs").as_array().size(), 2u);

  // The trust fills its part; NHS Digital answers its own review items.
  EXPECT_GT(fill_party(alex, a, "end-user"), 30);
  fill_party(priya, a, "central");
  auto check = alex.get(base + "/check").json();
  EXPECT_TRUE(check.at("complete").as_bool()) << json::serialize(check.at("missing"));

  // Optimistic concurrency: a stale write gets 409 with what is there now.
  auto current = alex.get(base + "/answers/CA-END-USER-POLICY");
  ASSERT_EQ(current.status, 200);
  std::string tag = current.header("etag");
  ASSERT_EQ(alex.put(base + "/answers/CA-END-USER-POLICY",
                     json::object{{"value", "Yes"}, {"note", "signed 1 Nov"}}, tag)
                .status,
            200);
  auto stale = alex.put(base + "/answers/CA-END-USER-POLICY", json::object{{"value", "No"}}, tag);
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.json().at("current").at("note").as_string(), "signed 1 Nov");

  // Phases: submitted by the holder, approved by their approvers.
  for (const char* phase : {"1A", "1B", "2"})
    ASSERT_EQ(alex.post(base + "/phases/" + phase + "/submit", json::object{}).status, 201);
  // The supplier cannot approve NHS Digital's phase.
  EXPECT_EQ(lee.post(base + "/phases/1A/decisions", json::object{{"decision", "approved"}}).status, 403);
  for (const char* area : {"usage", "settings", "data-user-organisation"}) {
    auto d = priya.post(
        base + "/phases/1A/decisions",
        json::object{{"decision", "approved"}, {"area", area}, {"outcome", "Approved as proposed"}});
    ASSERT_EQ(d.status, 201) << d.body;
  }
  auto no_cert = priya.post(base + "/phases/1B/decisions", json::object{{"decision", "approved"}});
  EXPECT_EQ(no_cert.status, 400);
  ASSERT_EQ(priya
                .post(base + "/phases/1B/decisions",
                      json::object{{"decision", "approved"}, {"certificate", "TC-2026-0042"}})
                .status,
            201);

  // Escalations go to whom the rules name; NHS Digital settles them.
  auto findings = priya.get(base + "/findings?limit=200").json().at("items");
  for (const auto& f : findings.as_array()) {
    if (f.at("kind").as_string() != "escalation" || f.at("status").as_string() != "open") continue;
    std::string key(f.at("key").as_string());
    auto acc = priya.post(
        base + "/findings/" + http_key(key) + "/accept",
        json::object{{"expires_on", "2027-11-30"}, {"mitigation", "Agreed at the assurance board"}});
    EXPECT_EQ(acc.status, 200) << key << ": " << acc.body;
  }
  // Each open risk is accepted by the person holding its role in its party (the trust's SIRO or clinical
  // safety officer), under their own name; then the trust's approver approves phase 2.
  HttpClient jo(server.port());
  ASSERT_EQ(jo.sign_in("jo.patel@lakeside.example").status, 200);
  auto open_findings = sam.get(base + "/findings?limit=200").json().at("items");
  for (const auto& f : open_findings.as_array()) {
    if (f.at("kind").as_string() == "escalation" || f.at("status").as_string() != "open") continue;
    HttpClient& who = f.at("role").as_string() == "clinical-safety-officer" ? jo : sam;
    auto acc =
        who.post(base + "/findings/" + http_key(std::string(f.at("key").as_string())) + "/accept",
                 json::object{{"expires_on", "2027-11-30"}, {"mitigation", "Accepted at the trust board"}});
    EXPECT_EQ(acc.status, 200) << f.at("key").as_string() << ": " << acc.body;
  }
  auto p2 = sam.post(base + "/phases/2/decisions",
                     json::object{{"decision", "approved"}, {"outcome", "Approved for go-live"}});
  ASSERT_EQ(p2.status, 201) << p2.body;
  auto after = sam.get(base + "/findings?limit=200").json().at("items");
  for (const auto& f : after.as_array())
    EXPECT_NE(f.at("status").as_string(), "open") << f.at("key").as_string();

  auto gate = alex.get(base + "/gate").json();
  EXPECT_TRUE(gate.at("open").as_bool()) << json::serialize(gate.at("reasons"));
  auto phases = alex.get(base + "/phases").json();
  for (const auto& p : phases.as_array()) EXPECT_EQ(p.at("state").as_string(), "approved");

  // Reuse for a second organisation: suppliers' answers carried, the trust's part reset, lineage kept.
  auto derived =
      kim.post(base + "/derive", json::object{{"organisation_id", org_id(kim, "Hillside Surgery (demo)")},
                                              {"title", "PDS lookups at Hillside"}});
  ASSERT_EQ(derived.status, 201) << derived.body;
  int64_t b = derived.json().at("assessment").at("id").as_int64();
  EXPECT_EQ(derived.json().at("derived_from").as_int64(), a);
  EXPECT_GT(derived.json().at("carried").as_array().size(), 50u);
  EXPECT_GT(derived.json().at("reset_for_review").as_array().size(), 20u);
  auto diff = kim.get(base + "/diff/" + std::to_string(b)).json();
  bool end_user_item_differs = false;
  for (const auto& d : diff.at("differences").as_array())
    end_user_item_differs |=
        d.at("item").as_string() == "CA-END-USER-POLICY" && d.at("right").as_string().empty();
  EXPECT_TRUE(end_user_item_differs) << json::serialize(diff);
  // The first trust cannot see the second trust's TOM.
  EXPECT_EQ(alex.get("/api/v1/assessments/" + std::to_string(b)).status, 404);

  // Everything that happened is in the assessment's audit trail, and the chain verifies.
  auto audit = alex.get(base + "/audit?limit=200").json().at("items").as_array();
  EXPECT_GT(audit.size(), 150u);
  auto verify = priya.get("/api/v1/audit/verify").json();
  EXPECT_TRUE(verify.at("ok").as_bool()) << json::serialize(verify);
}

INSTANTIATE_TEST_SUITE_P(Databases, Journey, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace tom
