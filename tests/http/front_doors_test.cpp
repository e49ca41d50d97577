// One rule, every front door (issue 14): behaviours that had drifted between the API, the pages and the CLI
// while each door had its own copy, now decided once in src/app. Each test asks the same thing through every
// door that offers it and expects the same answer: the session cookie's Secure flag, an organisation's type,
// a person's email, who may add templates and see the whole audit, and how a person's finding is keyed and
// listed.
#include <gtest/gtest.h>

#include <cstdlib>

#include "http/message.hpp"
#include "support/http_client.hpp"
#include "support/test_support.hpp"

namespace tom {
namespace {

namespace json = boost::json;
using test::HttpClient;
using test::HttpResponse;
using test::ServerProcess;

constexpr const char* kPassword = "demo-password-2026";

std::string form_field(const std::string& k, const std::string& v) {
  return http::percent_encode_component(k) + "=" + http::percent_encode_component(v);
}

class FrontDoors : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = test::temp_path("front-doors.db");
    ASSERT_EQ(test::run_tom({"--db", db_, "init", "--demo"}).exit_code, 0);
  }
  void start(const std::vector<std::string>& extra = {}) {
    server_ = std::make_unique<ServerProcess>(db_, extra);
  }

  // A browser's sign-in through the sign-in page: the Set-Cookie it is given.
  std::string page_sign_in_cookie(const std::string& email) {
    HttpClient c(server_->port());
    auto r =
        c.request("POST", "/sign-in", form_field("email", email) + "&" + form_field("password", kPassword),
                  {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(r.status, 303) << r.body;
    return r.header("set-cookie");
  }
  // A signed-in browser: cookie and the CSRF token its forms carry.
  struct Browser {
    std::string cookie, csrf;
  };
  Browser browser(const std::string& email) {
    HttpClient c(server_->port());
    auto r = c.sign_in(email, kPassword);
    Browser b;
    std::string set = r.header("set-cookie");
    b.cookie = set.substr(0, set.find(';'));
    b.csrf = std::string(r.json().at("csrf_token").as_string());
    return b;
  }
  HttpResponse form(const Browser& b, const std::string& target, const std::string& body) {
    HttpClient c(server_->port());
    return c.request("POST", target, form_field("_csrf", b.csrf) + "&" + body,
                     {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", b.cookie}});
  }
  HttpResponse page(const Browser& b, const std::string& target) {
    HttpClient c(server_->port());
    return c.request("GET", target, "", {{"Cookie", b.cookie}});
  }
  int64_t audit_events() {
    HttpClient admin(server_->port());
    admin.sign_in("admin@nhsdigital.example", kPassword);
    int64_t seq = 0;
    for (;;) {
      auto events = admin.get("/api/v1/audit?after=" + std::to_string(seq)).json();
      if (!events.is_array() || events.as_array().empty()) return seq;
      for (const auto& e : events.as_array()) seq = std::max(seq, e.at("seq").to_number<int64_t>());
    }
  }

  std::string db_;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(FrontDoors, TheSessionCookieIsSecureUnlessTheServerSaysOtherwiseOnBothSignIns) {
  start();
  std::string page_cookie = page_sign_in_cookie("alex.morgan@lakeside.example");
  HttpClient api(server_->port());
  std::string api_cookie = api.sign_in("alex.morgan@lakeside.example", kPassword).header("set-cookie");
  for (const auto& c : {page_cookie, api_cookie}) {
    EXPECT_NE(c.find("tom_session="), std::string::npos) << c;
    EXPECT_NE(c.find("; Secure"), std::string::npos) << c;
    EXPECT_NE(c.find("HttpOnly"), std::string::npos) << c;
  }
  server_.reset();

  // Over plain HTTP on a trusted network the operator turns Secure off: both doors follow (the page's
  // sign-in once ignored the option and set Secure regardless, so the browser dropped the cookie).
  start({"--insecure-cookies"});
  page_cookie = page_sign_in_cookie("alex.morgan@lakeside.example");
  HttpClient api2(server_->port());
  api_cookie = api2.sign_in("alex.morgan@lakeside.example", kPassword).header("set-cookie");
  for (const auto& c : {page_cookie, api_cookie}) {
    EXPECT_NE(c.find("tom_session="), std::string::npos) << c;
    EXPECT_EQ(c.find("Secure"), std::string::npos) << c;
  }
}

TEST_F(FrontDoors, AnOrganisationOfNoKnownTypeIsRefusedByEveryDoor) {
  start();
  int64_t before = audit_events();
  HttpClient admin(server_->port());
  admin.sign_in("admin@nhsdigital.example", kPassword);
  auto api = admin.post("/api/v1/organisations", json::object{{"name", "Odd Org"}, {"type", "overlord"}});
  EXPECT_EQ(api.status, 400) << api.body;
  EXPECT_NE(api.body.find("not a type of organisation"), std::string::npos) << api.body;

  auto page = form(browser("admin@nhsdigital.example"), "/organisations",
                   form_field("name", "Odd Org") + "&" + form_field("type", "overlord"));
  EXPECT_EQ(page.status, 400) << page.body;
  EXPECT_NE(page.body.find("not a type of organisation"), std::string::npos);
  // The page's own check once stopped at an empty name; a name alone now gets the same words as the API.
  auto no_name = form(browser("admin@nhsdigital.example"), "/organisations", form_field("name", ""));
  EXPECT_EQ(no_name.status, 400);
  EXPECT_NE(no_name.body.find("enter the organisation"), std::string::npos);
  server_.reset();

  auto cli = test::run_tom({"--db", db_, "organisation", "add", "Odd Org", "--type", "overlord"});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.err.find("not a type of organisation"), std::string::npos) << cli.err;
  start();
  EXPECT_EQ(audit_events(), before) << "a refused organisation left audit events";
}

TEST_F(FrontDoors, OrganisationsAreListedOfSeveralTypesAtOnce) {
  start();
  HttpClient admin(server_->port());
  admin.sign_in("admin@nhsdigital.example", kPassword);
  auto all = admin.get("/api/v1/organisations?limit=200").json().at("items").as_array();
  for (std::string types : {"nhs-trust,gp-practice,,icb", "supplier", "central,supplier,no-such-type"}) {
    SCOPED_TRACE(types);
    int64_t want = 0;
    for (const auto& o : all)
      if (("," + types + ",").find("," + std::string(o.at("type").as_string()) + ",") != std::string::npos)
        ++want;
    EXPECT_GT(want, 0);
    auto got = admin.get("/api/v1/organisations?limit=200&type=" + types).json();
    EXPECT_EQ(got.at("total").as_int64(), want);
    EXPECT_EQ(static_cast<int64_t>(got.at("items").as_array().size()), want);
    for (const auto& o : got.at("items").as_array())
      EXPECT_NE(("," + types + ",").find("," + std::string(o.at("type").as_string()) + ","),
                std::string::npos);
  }
}

TEST_F(FrontDoors, APersonWithoutARealEmailIsRefusedByEveryDoor) {
  start();
  HttpClient admin(server_->port());
  admin.sign_in("admin@nhsdigital.example", kPassword);
  auto orgs = admin.get("/api/v1/organisations?limit=200").json().at("items");
  int64_t org = orgs.as_array().at(0).at("id").as_int64();
  // The API once took any email the page would have refused.
  auto api = admin.post("/api/v1/users", json::object{{"email", "not-an-email"},
                                                      {"name", "Nobody"},
                                                      {"password", "a long enough passphrase 42"},
                                                      {"organisation_id", org},
                                                      {"roles", json::array{"editor"}}});
  EXPECT_EQ(api.status, 400) << api.body;
  EXPECT_NE(api.body.find("not an email address"), std::string::npos) << api.body;

  auto page = form(browser("admin@nhsdigital.example"), "/users",
                   form_field("email", "not-an-email") + "&" + form_field("name", "Nobody") + "&" +
                       form_field("password", "a long enough passphrase 42") + "&" +
                       form_field("organisation_id", std::to_string(org)));
  EXPECT_EQ(page.status, 400) << page.body;
  EXPECT_NE(page.body.find("not an email address"), std::string::npos);
  server_.reset();

  ::setenv("TOM_PASSWORD", "a long enough passphrase 42", 1);
  auto cli = test::run_tom({"--db", db_, "user", "add", "not-an-email", "--name", "Nobody", "--organisation",
                            std::to_string(org), "--role", "editor"});
  ::unsetenv("TOM_PASSWORD");
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_NE(cli.err.find("not an email address"), std::string::npos) << cli.err;
}

TEST_F(FrontDoors, OnlyAdministratorsAddTemplatesAndOnlyTheCentralReviewersSeeTheWholeAudit) {
  start();
  const std::string yaml = "format: 1\nid: tiny\nfamily: t\nname: Tiny\nversion: \"1\"\nparties: []\n";
  HttpClient kim(server_->port());
  kim.sign_in("kim.ng@northbridge.example", kPassword);
  auto api_t = kim.call("POST", "/api/v1/templates", yaml, {{"Content-Type", "application/yaml"}});
  EXPECT_EQ(api_t.status, 403) << api_t.body;
  EXPECT_NE(api_t.body.find("only administrators add templates"), std::string::npos) << api_t.body;

  // The whole audit: refused to a supplier through the API (trail and verification) and the pages
  // (dashboard and its CSV); given to a central reviewer through both, and to the local operator's CLI.
  EXPECT_EQ(kim.get("/api/v1/audit").status, 403);
  EXPECT_EQ(kim.get("/api/v1/audit/verify").status, 403);
  Browser kim_page = browser("kim.ng@northbridge.example");
  EXPECT_EQ(page(kim_page, "/audit").status, 403);
  EXPECT_EQ(page(kim_page, "/audit.csv").status, 403);
  HttpClient priya(server_->port());
  priya.sign_in("priya.shah@nhsdigital.example", kPassword);
  EXPECT_EQ(priya.get("/api/v1/audit").status, 200);
  EXPECT_EQ(priya.get("/api/v1/audit/verify").status, 200);
  Browser priya_page = browser("priya.shah@nhsdigital.example");
  auto dashboard = page(priya_page, "/audit");
  EXPECT_EQ(dashboard.status, 200);
  EXPECT_NE(dashboard.body.find("Central audit"), std::string::npos);
  server_.reset();
  auto cli = test::run_tom({"--db", db_, "audit", "verify"});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("Audit trail intact"), std::string::npos) << cli.out;
}

TEST_F(FrontDoors, APersonsFindingIsKeyedAndListedTheSameWayByTheApiAndTheCli) {
  start();
  HttpClient alex(server_->port());
  alex.sign_in("alex.morgan@lakeside.example", kPassword);
  auto api = alex.post("/api/v1/assessments/3/findings",
                       json::object{{"kind", "risk"}, {"title", "Smartcards shared at the desk"}});
  ASSERT_EQ(api.status, 201) << api.body;
  std::string api_key(api.json().at("key").as_string());
  EXPECT_EQ(api_key.rfind("manual:", 0), 0u) << api_key;
  EXPECT_NE(api_key.find(":alex.morgan@lakeside.example"), std::string::npos) << api_key;
  std::string api_party(api.json().at("party").as_string());
  EXPECT_FALSE(api_party.empty());
  // Bad input is named by field, through both doors.
  auto bad = alex.post("/api/v1/assessments/3/findings", json::object{{"kind", "gossip"}, {"title", "x"}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("non-compliance, risk, escalation or review"), std::string::npos) << bad.body;
  server_.reset();

  auto cli = test::run_tom({"--db", db_, "finding", "add", "3", "--kind", "risk", "--title",
                            "Printer in a public corridor", "--as", "alex.morgan@lakeside.example"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  auto at = cli.out.find("manual:");
  ASSERT_NE(at, std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find(":alex.morgan@lakeside.example", at), std::string::npos) << cli.out;
  auto cli_bad = test::run_tom({"--db", db_, "finding", "add", "3", "--kind", "gossip", "--title", "x",
                                "--as", "alex.morgan@lakeside.example"});
  EXPECT_NE(cli_bad.exit_code, 0);
  EXPECT_NE(cli_bad.err.find("non-compliance, risk, escalation or review"), std::string::npos) << cli_bad.err;
  // A person who takes no part is refused by the CLI as by the API.
  auto outsider = test::run_tom({"--db", db_, "finding", "add", "3", "--kind", "risk", "--title", "x", "--as",
                                 "robin.hale@hillside.example"});
  EXPECT_NE(outsider.exit_code, 0);

  // The CLI's register carries what the API's does: party and source among them.
  auto list = test::run_tom({"--db", db_, "finding", "list", "3", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  auto cli_rows = json::parse(list.out).as_array();
  start();
  // A new server after the CLI's writes: sign in again on it.
  HttpClient alex2(server_->port());
  alex2.sign_in("alex.morgan@lakeside.example", kPassword);
  auto api_list = alex2.get("/api/v1/assessments/3/findings?limit=200").json().at("items").as_array();
  ASSERT_EQ(cli_rows.size(), api_list.size());
  size_t people = 0;
  for (size_t i = 0; i < cli_rows.size(); ++i) {
    for (const char* field : {"key", "kind", "party", "source", "status", "role"})
      EXPECT_EQ(cli_rows[i].at(field), api_list[i].at(field)) << field << " of row " << i;
    people += cli_rows[i].at("source") == "person";
  }
  EXPECT_GE(people, 2u);
}

}  // namespace
}  // namespace tom
