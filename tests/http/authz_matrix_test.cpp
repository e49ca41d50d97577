// The authorization matrix: every route of the OpenAPI document (GET /api/v1/openapi.json) against every kind
// of caller (anonymous, each demo user, and a user of a foreign organisation that takes part in nothing),
// compared with a table of expected statuses. A route in the document without a row here fails the test, and
// so does a row for a route the document lacks, so the matrix follows the route table.
//
// One server and one database serve the whole suite; each user signs in once. Refused writes are checked to
// have changed nothing: no new audit event (every stored change appends one), and for answers the answer read
// back before and after is identical.
#include <gtest/gtest.h>

#include <array>
#include <boost/json.hpp>
#include <cctype>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/test_support.hpp"

namespace {

namespace json = boost::json;
using tom::test::HttpClient;
using tom::test::HttpResponse;
using tom::test::ServerProcess;

// ---------------------------------------------------------------------------------------------------- actors

enum Actor { kAnon, kAdmin, kPriya, kKim, kLee, kAlex, kSam, kJo, kRobin, kForeign, kActors };

constexpr std::array<const char*, kActors> kActorName = {"anonymous",
                                                         "admin",
                                                         "priya(central-reviewer)",
                                                         "kim(smsp editor)",
                                                         "lee(smsc editor)",
                                                         "alex(trust editor)",
                                                         "sam(trust siro+approver)",
                                                         "jo(trust cso)",
                                                         "robin(hillside)",
                                                         "foreign(editor+approver+siro)"};
// Short names for request bodies ("made by {actor}").
constexpr std::array<const char*, kActors> kActorKey = {"anon", "admin", "priya", "kim",   "lee",
                                                        "alex", "sam",   "jo",    "robin", "foreign"};
constexpr std::array<const char*, kActors> kEmail = {"",
                                                     "admin@nhsdigital.example",
                                                     "priya.shah@nhsdigital.example",
                                                     "kim.ng@northbridge.example",
                                                     "lee.chen@riverside.example",
                                                     "alex.morgan@lakeside.example",
                                                     "sam.okafor@lakeside.example",
                                                     "jo.patel@lakeside.example",
                                                     "robin.hale@hillside.example",
                                                     "fran.foreign@foreign-supplier.example"};
const char* const kForeignPassword = "foreign-password-2026";

// Who may read each demo assessment: its participants' users, the central body and administrators.
//   1 sms-client-tom  Lakeside: smsp Northbridge, smsc Riverside, end-user Lakeside, ICB, NHS Digital
//   2 sms-client-tom  Hillside: smsp Northbridge, smsc Riverside, end-user Hillside, NHS Digital
//   3 ers-api-tom     Lakeside: supplier Riverside, end-user Lakeside, ICB, NHS Digital
//   4 sms-provider    Lakeside: smsp Northbridge, smsc Riverside, end-user Lakeside, ICB, NHS Digital
//                                        anon admin priya kim lee alex sam jo robin foreign
constexpr bool kReads[5][kActors] = {{},
                                     /* 1 */ {0, 1, 1, 1, 1, 1, 1, 1, 0, 0},
                                     /* 2 */ {0, 1, 1, 1, 1, 0, 0, 0, 1, 0},
                                     /* 3 */ {0, 1, 1, 0, 1, 1, 1, 1, 0, 0},
                                     /* 4 */ {0, 1, 1, 1, 1, 1, 1, 1, 0, 0}};

// Per demo assessment: a section of its template and an answered item (assessment 2 is seeded in set-up).
const std::map<std::string, std::string> kSection = {
    {"1", "basic-details"}, {"2", "basic-details"}, {"3", "supplier-information"}, {"4", "basic-details"}};
const std::map<std::string, std::string> kAnsweredItem = {
    {"1", "AP-2-ORG-OTHER"}, {"2", "AP-1A-APPROVER"}, {"3", "A001-01"}, {"4", "AG-2-PROVIDER-REP"}};

using Row = std::array<int, kActors>;

// Expected statuses of a read of assessment `id` (and `other`, when given): 200 for readers, 404 otherwise.
Row reads(int id, int other = 0) {
  Row r{};
  for (int a = 0; a < kActors; ++a)
    r[a] = a == kAnon ? 401 : (kReads[id][a] && (other == 0 || kReads[other][a])) ? 200 : 404;
  return r;
}
Row all(int signed_in, int anonymous = 401) {
  Row r;
  r.fill(signed_in);
  r[kAnon] = anonymous;
  return r;
}

// ---------------------------------------------------------------------------------------------------- cases

struct Case {
  std::string method, pattern;
  std::map<std::string, std::string> params;
  std::string body;  // placeholders: {actor}, {northbridge}, {riverside}, {lakeside}
  Row expect;
  int stage = 0;  // stage 1 runs after every stage-0 case: it changes what other rows rely on
  std::string content_type;
};

std::string key_of(const std::string& method, const std::string& pattern) {
  return method + " " + pattern;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::string encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == ':') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string fill(const std::string& pattern, const std::map<std::string, std::string>& params,
                 std::string* missing) {
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    if (pattern[i] == '{') {
      size_t close = pattern.find('}', i);
      std::string name = pattern.substr(i + 1, close - i - 1);
      auto it = params.find(name);
      if (it == params.end())
        *missing += name + " ";
      else
        out += encode(it->second);
      i = close + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

const char* code_for(int status) {
  switch (status) {
    case 400:
      return "invalid_input";
    case 401:
      return "unauthorized";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    default:
      return "";
  }
}

std::string snippet(const std::string& body) {
  return body.size() > 300 ? body.substr(0, 300) + "..." : body;
}

// ----------------------------------------------------------------------------------------------------
// fixture

class AuthzMatrix : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      set_up();
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    for (auto& c : as_) c.reset();
    server_.reset();
  }
  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << "suite set-up failed: " << setup_error_; }

  static void set_up() {
    std::string db = tom::test::temp_path("authz.db");
    auto init = tom::test::run_tom({"--db", db, "init", "--demo"});
    if (init.exit_code != 0) throw std::runtime_error("tom init --demo failed: " + init.err);
    server_ = std::make_unique<ServerProcess>(db);
    for (auto& c : as_) c = std::make_unique<HttpClient>(server_->port());
    sign_in(kAdmin, "demo-password-2026");

    auto orgs = as_[kAdmin]->get("/api/v1/organisations");
    if (orgs.status != 200) throw std::runtime_error("GET /api/v1/organisations: " + orgs.body);
    json::value org_list = orgs.json().at("items");
    for (const auto& o : org_list.as_array()) {
      std::string name(o.at("name").as_string());
      for (const char* key : {"Northbridge", "Riverside", "Lakeside", "Hillside"})
        if (name.rfind(key, 0) == 0) org_[key] = o.at("id").as_int64();
    }
    if (org_.size() != 4)
      throw std::runtime_error("the demo organisations are not as expected: " + orgs.body);

    // The foreign organisation and its user: every role an editor could have, in no assessment.
    auto foreign = as_[kAdmin]->post("/api/v1/organisations",
                                     json::object{{"name", "Foreign Supplier Ltd"}, {"type", "supplier"}});
    if (foreign.status != 201) throw std::runtime_error("adding Foreign Supplier Ltd: " + foreign.body);
    org_["Foreign"] = foreign.json().at("id").as_int64();
    auto user = as_[kAdmin]->post("/api/v1/users",
                                  json::object{{"email", kEmail[kForeign]},
                                               {"name", "Fran Foreign"},
                                               {"password", kForeignPassword},
                                               {"organisation_id", org_["Foreign"]},
                                               {"roles", json::array{"editor", "approver", "siro"}}});
    if (user.status != 201) throw std::runtime_error("adding the foreign user: " + user.body);

    for (int a = kPriya; a < kActors; ++a)
      sign_in(static_cast<Actor>(a), a == kForeign ? kForeignPassword : "demo-password-2026");

    // Assessment 2 has no answers; give it one (a central item, which central reviewers answer in any
    // custody) so that reading one answer there is a 200 for its readers.
    auto seeded =
        as_[kPriya]->put("/api/v1/assessments/2/answers/AP-1A-APPROVER",
                         json::object{{"value", "Priya Shah, priya.shah@nhsdigital.example, 0113 000 0000"}});
    if (seeded.status != 200) throw std::runtime_error("seeding assessment 2: " + seeded.body);
    sync_audit();
  }

  static void sign_in(Actor who, const std::string& password) {
    auto r = as_[who]->sign_in(kEmail[who], password);
    if (r.status != 200) throw std::runtime_error(std::string("sign-in of ") + kEmail[who] + ": " + r.body);
  }

  // Audit events after seq (administrator's view), all pages.
  static json::array audit_after(int64_t seq) {
    json::array out;
    for (;;) {
      auto r = as_[kAdmin]->get("/api/v1/audit?after=" + std::to_string(seq));
      if (r.status != 200)
        throw std::runtime_error("GET /api/v1/audit: " + std::to_string(r.status) + " " + r.body);
      json::value page_v = r.json();
      const auto& page = page_v.as_array();
      for (const auto& e : page) {
        out.push_back(e);
        seq = std::max(seq, e.at("seq").to_number<int64_t>());
      }
      if (page.size() < 1000) return out;
    }
  }
  static json::array sync_audit() {
    json::array events = audit_after(audit_seq_);
    for (const auto& e : events) audit_seq_ = std::max(audit_seq_, e.at("seq").to_number<int64_t>());
    return events;
  }

  static std::string expand(std::string body, Actor who) {
    body = replace_all(body, "{actor}", kActorKey[who]);
    body = replace_all(body, "{northbridge}", std::to_string(org_["Northbridge"]));
    body = replace_all(body, "{riverside}", std::to_string(org_["Riverside"]));
    body = replace_all(body, "{lakeside}", std::to_string(org_["Lakeside"]));
    return body;
  }

  // Runs one case for one actor and checks the status, the error shape and that a refusal changed nothing.
  static void check(const Case& c, Actor who) {
    std::string missing;
    std::string target = fill(c.pattern, c.params, &missing);
    std::string where = c.method + " " + target + " as " + kActorName[who];
    ASSERT_TRUE(missing.empty()) << where << ": the case gives no value for {" << missing << "}";
    bool is_write = c.method != "GET";
    bool answer_put = c.method == "PUT" && c.pattern == "/api/v1/assessments/{id}/answers/{item}";

    std::string body = expand(c.body, who);
    std::map<std::string, std::string> headers;
    if (!c.content_type.empty()) headers["Content-Type"] = c.content_type;
    HttpResponse before;
    if (answer_put) {
      // Re-send what is there (or the case's value) with the current version: only access can refuse it.
      before = as_[kAdmin]->get(target);
      if (before.status == 200) {
        json::value cur_v = before.json();
        const auto& cur = cur_v.as_object();
        body = json::serialize(json::object{
            {"value", cur.at("value")}, {"note", cur.at("note")}, {"reference", cur.at("reference")}});
        headers["If-Match"] = before.header("etag");
      }
    }

    HttpResponse r;
    if (c.method == "DELETE" && c.pattern == "/api/v1/session" && who != kAnon) {
      // Signing out ends the session; use the API token this actor made in the tokens row, not the session.
      ASSERT_TRUE(token_.count(who)) << where << ": no API token from POST /api/v1/tokens to sign out with";
      HttpClient bearer(server_->port());
      bearer.use_bearer(token_[who]);
      r = bearer.call(c.method, target, body, headers);
      if (r.status == 204) {
        auto again = bearer.get("/api/v1/me");
        EXPECT_EQ(again.status, 401) << where << ": the token still works after signing out";
      }
    } else {
      r = as_[who]->call(c.method, target, body, headers);
    }
    ++checks_;

    int want = c.expect[who];
    EXPECT_EQ(r.status, want) << where << ": expected " << want << ", got " << r.status << " "
                              << snippet(r.body);
    EXPECT_LT(r.status, 500) << where << ": server error " << snippet(r.body);
    if (r.status == want && std::string(code_for(want)).size() > 0) {
      auto v = r.json();
      bool shaped =
          v.is_object() && v.as_object().contains("error") && v.at("error").is_object() &&
          v.at("error").as_object().contains("code") && v.at("error").at("code") == code_for(want) &&
          v.at("error").as_object().contains("message") && v.at("error").as_object().contains("problems");
      EXPECT_TRUE(shaped) << where << ": the error body is not {\"error\": {\"code\": \"" << code_for(want)
                          << "\", \"message\", \"problems\"}}: " << snippet(r.body);
      if (want == 401) {
        EXPECT_FALSE(r.header("www-authenticate").empty()) << where << ": 401 without WWW-Authenticate";
      }
    }
    if (c.method == "POST" && c.pattern == "/api/v1/tokens" && r.status == 201)
      token_[who] = std::string(r.json().at("token").as_string());

    if (is_write) {
      json::array events = sync_audit();
      if (r.status >= 400) {
        EXPECT_TRUE(events.empty()) << where << ": refused with " << r.status
                                    << " but the audit trail grew by " << events.size() << ": "
                                    << snippet(json::serialize(events));
      }
    }
    if (answer_put && r.status >= 400) {
      auto after = as_[kAdmin]->get(target);
      EXPECT_EQ(after.status, before.status)
          << where << ": the refused write changed the answer: " << after.body;
      EXPECT_EQ(after.body, before.body) << where << ": the refused write changed the answer";
    }
  }

  static inline std::string setup_error_;
  static inline std::unique_ptr<ServerProcess> server_;
  static inline std::array<std::unique_ptr<HttpClient>, kActors> as_;  // as_[kAnon] never signs in
  static inline std::map<std::string, int64_t> org_;
  static inline std::map<int, std::string> token_;
  static inline int64_t audit_seq_ = 0;
  static inline int checks_ = 0;
};

// ---------------------------------------------------------------------------------------------------- the
// table

// Columns:                     anon  admin priya kim  lee  alex sam  jo   robin foreign
std::vector<Case> matrix_cases() {
  std::vector<Case> cs;
  auto add = [&](const std::string& m, const std::string& p, std::map<std::string, std::string> params,
                 std::string body, Row expect, int stage = 0, std::string type = "") {
    cs.push_back(Case{m, p, std::move(params), std::move(body), expect, stage, std::move(type)});
  };
  const std::string A = "/api/v1/assessments/{id}";

  // Public routes: everyone, signed in or not. An empty sign-in body is a 400 (and counts no failed sign-in).
  add("GET", "/health", {}, "", all(200, 200));
  add("GET", "/metrics", {}, "", all(200, 200));
  add("GET", "/api/v1/openapi.json", {}, "", all(200, 200));
  add("POST", "/api/v1/session", {}, "{}", all(400, 400));

  // Identity. Tokens are made before signing out (stage 1 signs out with them).
  add("GET", "/api/v1/me", {}, "", all(200));
  add("POST", "/api/v1/tokens", {}, R"({"name": "authz matrix {actor}"})", all(201));
  // Everyone lists their own tokens; revoking one that is not yours is a 404 (hardening_test: another's).
  add("GET", "/api/v1/tokens", {}, "", all(200));
  add("DELETE", "/api/v1/tokens/{id}", {{"id", "0123456789abcdef"}}, "", all(404));
  add("DELETE", "/api/v1/session", {}, "", all(204), 1);
  add("GET", "/api/v1/users", {}, "", all(200));
  add("POST", "/api/v1/users", {},
      R"({"email": "made-by-{actor}@authz.example", "name": "Made by {actor}", "password": "a-long-password-2026",
          "organisation_id": {northbridge}, "roles": ["editor"]})",
      {401, 201, 403, 403, 403, 403, 403, 403, 403, 403});
  add("GET", "/api/v1/organisations", {}, "", all(200));
  add("POST", "/api/v1/organisations", {}, R"({"name": "Organisation made by {actor}", "type": "other"})",
      {401, 201, 403, 403, 403, 403, 403, 403, 403, 403});

  // Templates: everyone signed in reads them; administrators add them.
  add("GET", "/api/v1/templates", {}, "", all(200));
  for (const auto& [id, version] : std::map<std::string, std::string>{
           {"sms-client-tom", "0.10.1"}, {"ers-api-tom", "1.2.1"}, {"sms-provider-tom", "1.0.1"}}) {
    add("GET", "/api/v1/templates/{id}", {{"id", id}}, "", all(200));
    add("GET", "/api/v1/templates/{id}/versions/{version}", {{"id", id}, {"version", version}}, "", all(200));
  }
  std::string yaml =
      replace_all(tom::test::read_text(tom::test::source_path("templates/sms-client-tom.yaml")),
                  "\nid: sms-client-tom\n", "\nid: authz-by-{actor}-tom\n");
  add("POST", "/api/v1/templates", {}, yaml, {401, 201, 403, 403, 403, 403, 403, 403, 403, 403}, 0,
      "application/yaml");

  // Assessments: the list is for everyone signed in (what is in it: AssessmentListShowsOnlyWhatEachMayRead).
  // An assessment is started by an editor of the first custody party (smsp: Northbridge) or an administrator.
  add("GET", "/api/v1/assessments", {}, "", all(200));
  add("POST", "/api/v1/assessments", {},
      R"({"template": "sms-client-tom", "product": "Authz {actor}",
          "participants": {"smsp": {northbridge}, "smsc": {riverside}, "end-user": {lakeside}}})",
      {401, 201, 403, 201, 403, 403, 403, 403, 403, 403});

  // Reads of each demo assessment: its participants, the central body and administrators; 404 for the rest.
  for (int id = 1; id <= 4; ++id) {
    std::string s = std::to_string(id);
    std::map<std::string, std::string> p = {
        {"id", s}, {"section", kSection.at(s)}, {"item", kAnsweredItem.at(s)}};
    for (const char* route : {"", "/sections", "/sections/{section}", "/answers", "/answers/{item}", "/check",
                              "/tasks", "/findings", "/phases", "/handoffs", "/gate", "/audit"})
      add("GET", A + route, p, "", reads(id));
    int other = id % 4 + 1;
    add("GET", A + "/diff/{other}", {{"id", s}, {"other", std::to_string(other)}}, "", reads(id, other));
  }

  // Answers: an editor of the item's party, while that party holds the TOM; central items: central reviewers.
  auto put = [&](const std::string& id, const std::string& item, Row expect) {
    add("PUT", A + "/answers/{item}", {{"id", id}, {"item", item}},
        R"({"value": "Authz Matrix, authz@example.org, 01632 960000"})", expect);
  };
  // 1: held by end-user (Lakeside).                 anon admin priya kim  lee  alex sam  jo   robin foreign
  put("1", "AP-2-ORG-OTHER" /* end-user */, {401, 403, 403, 403, 403, 200, 200, 200, 404, 404});
  put("1", "AP-2-SUPPLIER-REP" /* smsc */, {401, 403, 403, 403, 403, 403, 403, 403, 404, 404});
  put("1", "AP-1A-APPROVER" /* central */, {401, 403, 200, 403, 403, 403, 403, 403, 404, 404});
  // 2: held by smsp (Northbridge), which has no items here; Hillside is the end-user.
  put("2", "CT-01" /* end-user */, {401, 403, 403, 403, 403, 404, 404, 404, 403, 404});
  put("2", "CT-10" /* smsc */, {401, 403, 403, 403, 403, 404, 404, 404, 403, 404});
  // 3: held by end-user (Lakeside); the supplier is Riverside.
  put("3", "CON-01" /* end-user */, {401, 403, 403, 404, 403, 200, 200, 200, 404, 404});
  put("3", "A001-01" /* supplier */, {401, 403, 403, 404, 403, 403, 403, 403, 404, 404});
  // 4: held by smsp (Northbridge).
  put("4", "AG-2-PROVIDER-REP" /* smsp */, {401, 403, 403, 200, 403, 403, 403, 403, 404, 404});
  put("4", "AG-2-APPROVER" /* end-user */, {401, 403, 403, 403, 403, 403, 403, 403, 404, 404});

  // Findings: recorded by participants' (or the central body's) editors, approvers and central reviewers.
  add("POST", A + "/findings", {{"id", "4"}},
      R"({"kind": "review", "title": "Authz matrix finding by {actor}"})",
      {401, 403, 201, 201, 201, 201, 201, 201, 404, 404});
  // Accepted or resolved by someone holding the finding's role (here siro) in the finding's party, under
  // their own name, with a mitigation and a future expiry.
  for (const char* verb : {"accept", "resolve"})
    add("POST", A + "/findings/{key}/" + verb, {{"id", "3"}, {"key", "rule:ig-other-siro-review:IG-19"}},
        R"({"expires_on": "2030-01-31", "mitigation": "Authz matrix {actor}"})",
        {401, 403, 403, 404, 403, 403, 200, 403, 404, 404});

  // Phases: the holding party submits; the phase's approver party approves or rejects (central: central
  // reviewers).
  add("POST", A + "/phases/{phase}/submit", {{"id", "3"}, {"phase", "2"}}, "{}",
      {401, 403, 403, 404, 403, 201, 201, 201, 404, 404});
  add("POST", A + "/phases/{phase}/submit", {{"id", "4"}, {"phase", "1A"}}, "{}",
      {401, 403, 403, 201, 403, 403, 403, 403, 404, 404});
  add("POST", A + "/phases/{phase}/decisions", {{"id", "3"}, {"phase", "2"}},
      R"({"decision": "rejected", "reason": "authz matrix {actor}"})",
      {401, 403, 403, 404, 403, 403, 201, 403, 404, 404});
  add("POST", A + "/phases/{phase}/decisions", {{"id", "4"}, {"phase", "1A"}},
      R"({"decision": "rejected", "reason": "authz matrix {actor}"})",
      {401, 403, 201, 403, 403, 403, 403, 403, 404, 404});

  // Reuse of an approved TOM: its suppliers or administrators.
  add("POST", A + "/derive", {{"id", "1"}},
      R"({"organisation_id": {lakeside}, "title": "Derived by {actor}"})",
      {401, 201, 403, 201, 201, 403, 403, 403, 404, 404});

  // The whole audit trail: central reviewers and administrators.
  add("GET", "/api/v1/audit", {}, "", {401, 200, 200, 403, 403, 403, 403, 403, 403, 403});
  add("GET", "/api/v1/audit/verify", {}, "", {401, 200, 200, 403, 403, 403, 403, 403, 403, 403});

  // Hand-off moves custody, so it runs last: Northbridge (smsp) hands assessment 2 to smsc; after that
  // Riverside holds it and handing it to smsc again is refused.
  add("POST", A + "/handoffs", {{"id", "2"}}, R"({"to": "smsc", "note": "authz matrix {actor}"})",
      {401, 403, 403, 201, 403, 404, 404, 404, 403, 404}, 1);
  return cs;
}

// The routes of the OpenAPI document, as "METHOD /pattern", in document order.
std::vector<std::pair<std::string, std::string>> openapi_routes(HttpClient& anon) {
  std::vector<std::pair<std::string, std::string>> out;
  auto r = anon.get("/api/v1/openapi.json");
  EXPECT_EQ(r.status, 200) << r.body;
  auto doc = r.json();
  if (!doc.is_object() || !doc.as_object().contains("paths")) return out;
  for (const auto& [path, ops] : doc.at("paths").as_object())
    for (const auto& [method, op] : ops.as_object()) {
      (void)op;
      std::string m(method);
      for (auto& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      out.emplace_back(m, std::string(path));
    }
  return out;
}

bool is_public(const std::string& method, const std::string& path) {
  return (method == "POST" && path == "/api/v1/session") ||
         (method == "GET" && (path == "/health" || path == "/metrics" || path == "/api/v1/openapi.json"));
}

// ---------------------------------------------------------------------------------------------------- tests

TEST_F(AuthzMatrix, AssessmentListShowsOnlyWhatEachMayRead) {
  for (int a = kAdmin; a < kActors; ++a) {
    auto r = as_[a]->get("/api/v1/assessments");
    ASSERT_EQ(r.status, 200) << kActorName[a] << ": " << r.body;
    std::set<int64_t> seen;
    json::value list = r.json();
    for (const auto& x : list.at("items").as_array()) seen.insert(x.at("id").as_int64());
    EXPECT_EQ(list.at("total").as_int64(), static_cast<int64_t>(seen.size()))
        << kActorName[a] << ": the total counts assessments the caller may not read";
    for (int id = 1; id <= 4; ++id) {
      EXPECT_EQ(seen.count(id) == 1, kReads[id][a])
          << "GET /api/v1/assessments as " << kActorName[a] << ": assessment " << id
          << (kReads[id][a] ? " is missing" : " is listed though the caller may not read it");
    }
    if (a == kForeign) {
      EXPECT_TRUE(seen.empty()) << "the foreign organisation's user sees " << r.body;
    }
    if (a == kAdmin || a == kPriya)
      for (int id = 1; id <= 4; ++id) {
        EXPECT_TRUE(seen.count(id)) << kActorName[a] << " must read every assessment";
      }
  }
}

// The foreign user, and every other non-participant, gets 404 (never 403: no existence leak) on every
// assessment route of the OpenAPI document for every demo assessment it takes no part in; everybody gets 404
// for an assessment that does not exist, with the same message as for one that exists but is not theirs.
TEST_F(AuthzMatrix, OutsidersGet404OnEveryAssessmentRoute) {
  auto routes = openapi_routes(*as_[kAnon]);
  ASSERT_FALSE(routes.empty());
  int n = 0;
  for (const auto& [method, pattern] : routes) {
    if (pattern.rfind("/api/v1/assessments/{id}", 0) != 0) continue;
    for (int id : {1, 2, 3, 4, 999999}) {
      std::string s = std::to_string(id);
      std::string tmpl_id = id == 999999 ? "1" : s;
      Case c{method,
             pattern,
             {{"id", s},
              {"other", "1"},
              {"item", kAnsweredItem.at(tmpl_id)},
              {"section", kSection.at(tmpl_id)},
              {"phase", "2"},
              {"key", "rule:ig-other-siro-review:IG-19"}},
             method == "GET" ? "" : R"({"value": "outsider {actor}"})",
             {},
             0,
             ""};
      for (int a = kAdmin; a < kActors; ++a) c.expect[a] = 0;
      for (int a = kAdmin; a < kActors; ++a) {
        if (id != 999999 && kReads[id][a]) continue;
        c.expect[a] = 404;
        check(c, static_cast<Actor>(a));
        ++n;
      }
    }
  }
  // Same answer for "exists but not yours" and "does not exist".
  for (int a : {kRobin, kForeign}) {
    auto hidden = as_[a]->get("/api/v1/assessments/1");
    auto absent = as_[a]->get("/api/v1/assessments/999999");
    EXPECT_EQ(hidden.status, absent.status);
    EXPECT_EQ(replace_all(hidden.body, "1", "N"), replace_all(absent.body, "999999", "N"))
        << kActorName[a] << ": the 404 for an assessment that exists differs from one that does not";
  }
  std::cout << "[ outsiders ] " << n << " route x actor x assessment checks\n";
  EXPECT_GT(n, 100);
}

// Party confinement, with a value that would show if it were stored.
TEST_F(AuthzMatrix, NobodyWritesAnotherPartysAnswer) {
  struct W {
    Actor who;
    std::string id, item, why;
  };
  std::vector<W> refused = {
      {kLee, "1", "AP-2-ORG-OTHER", "client supplier writing an end-user item"},
      {kLee, "3", "CON-01", "supplier writing an end-user item"},
      {kAlex, "1", "AP-2-SUPPLIER-REP", "trust writing a client-supplier item"},
      {kAlex, "3", "A001-01", "trust writing a supplier item"},
      {kAlex, "4", "AG-2-PROVIDER-REP", "trust writing a provider-supplier item"},
      {kKim, "1", "AP-2-ORG-OTHER", "provider supplier writing an end-user item"},
      {kKim, "1", "AP-2-SUPPLIER-REP", "provider supplier writing a client-supplier item"},
      {kPriya, "1", "AP-2-ORG-OTHER", "central body writing an end-user item"},
      {kPriya, "1", "AP-2-SUPPLIER-REP", "central body writing a client-supplier item"},
      {kPriya, "3", "A001-01", "central body writing a supplier item"},
      {kPriya, "4", "AG-2-PROVIDER-REP", "central body writing a provider-supplier item"},
      {kAdmin, "1", "AP-2-ORG-OTHER", "administrator (no editor role) writing an end-user item"},
      {kSam, "1", "AP-1A-APPROVER", "trust siro writing a central item"},
      {kRobin, "2", "CT-01", "end-user writing while the provider holds the TOM"},
      {kLee, "2", "CT-10", "client supplier writing while the provider holds the TOM"},
  };
  for (const auto& w : refused) {
    std::string target = "/api/v1/assessments/" + w.id + "/answers/" + w.item;
    std::string where = std::string("PUT ") + target + " as " + kActorName[w.who] + " (" + w.why + ")";
    auto before = as_[kAdmin]->get(target);
    ASSERT_LT(before.status, 500) << before.body;
    // With the current version, so that only access can refuse the write.
    auto r = as_[w.who]->put(
        target, json::object{{"value", "SHOULD NOT BE STORED"}, {"note", "authz: must be refused"}},
        before.status == 200 ? before.header("etag") : "");
    EXPECT_EQ(r.status, 403) << where << ": " << snippet(r.body);
    auto events = sync_audit();
    EXPECT_TRUE(events.empty()) << where << ": the audit trail grew: " << snippet(json::serialize(events));
    auto after = as_[kAdmin]->get(target);
    EXPECT_EQ(after.status, before.status) << where;
    EXPECT_EQ(after.body, before.body) << where << ": the answer changed";
    EXPECT_EQ(after.body.find("SHOULD NOT BE STORED"), std::string::npos) << where;
  }
}

TEST_F(AuthzMatrix, OnlyAdministratorsAddUsersOrganisationsAndTemplates) {
  std::string yaml = tom::test::read_text(tom::test::source_path("templates/ers-api-tom.yaml"));
  yaml = replace_all(yaml, "\nid: ers-api-tom\n", "\nid: not-an-admin-tom\n");
  for (int a = kPriya; a < kActors; ++a) {
    std::string who = kActorName[a];
    auto u = as_[a]->post("/api/v1/users", json::object{{"email", "sneaky@authz.example"},
                                                        {"name", "Sneaky"},
                                                        {"password", "a-long-password-2026"},
                                                        {"organisation_id", org_["Foreign"]},
                                                        {"roles", json::array{"administrator"}}});
    EXPECT_EQ(u.status, 403) << "POST /api/v1/users as " << who << ": " << u.body;
    auto o = as_[a]->post("/api/v1/organisations", json::object{{"name", "Sneaky Org"}, {"type", "central"}});
    EXPECT_EQ(o.status, 403) << "POST /api/v1/organisations as " << who << ": " << o.body;
    auto t = as_[a]->call("POST", "/api/v1/templates", yaml, {{"Content-Type", "application/yaml"}});
    EXPECT_EQ(t.status, 403) << "POST /api/v1/templates as " << who << ": " << snippet(t.body);
  }
  EXPECT_TRUE(sync_audit().empty()) << "refused additions left audit events";
  auto users = as_[kAdmin]->get("/api/v1/users");
  EXPECT_EQ(users.body.find("sneaky@authz.example"), std::string::npos) << "a refused user was stored";
  auto orgs = as_[kAdmin]->get("/api/v1/organisations");
  EXPECT_EQ(orgs.body.find("Sneaky Org"), std::string::npos) << "a refused organisation was stored";
  auto tmpl = as_[kAdmin]->get("/api/v1/templates/not-an-admin-tom");
  EXPECT_EQ(tmpl.status, 404) << "a refused template was stored";
}

TEST_F(AuthzMatrix, WholeAuditTrailIsNotForSuppliersOrParticipants) {
  for (int a : {kKim, kLee, kForeign, kAlex, kSam, kJo, kRobin}) {
    auto r = as_[a]->get("/api/v1/audit");
    EXPECT_EQ(r.status, 403) << "GET /api/v1/audit as " << kActorName[a] << ": " << snippet(r.body);
    auto v = as_[a]->get("/api/v1/audit/verify");
    EXPECT_EQ(v.status, 403) << "GET /api/v1/audit/verify as " << kActorName[a] << ": " << snippet(v.body);
  }
  EXPECT_EQ(as_[kPriya]->get("/api/v1/audit").status, 200);
  EXPECT_EQ(as_[kAdmin]->get("/api/v1/audit").status, 200);
}

TEST_F(AuthzMatrix, UsersListIsConfinedToTheOwnOrganisation) {
  auto everyone = as_[kAdmin]->get("/api/v1/users?limit=200");
  ASSERT_EQ(everyone.status, 200) << everyone.body;
  json::value all_people = everyone.json().at("items");
  for (int a = kPriya; a < kActors; ++a) {
    // The organisations page names the people of the organisations on it: only the caller's own.
    auto me_v = as_[a]->get("/api/v1/me").json();
    int64_t own_org = me_v.at("user").at("organisation_id").as_int64();
    auto page = as_[a]->get("/organisations?limit=200");
    ASSERT_EQ(page.status, 200) << kActorName[a];
    int named_own = 0;
    for (const auto& u : all_people.as_array()) {
      std::string name(u.at("name").as_string());
      bool shown = page.body.find(name) != std::string::npos;
      if (u.at("organisation_id").as_int64() == own_org)
        named_own += shown;
      else
        EXPECT_FALSE(shown) << "/organisations as " << kActorName[a] << " names " << name
                            << " of another organisation";
    }
    EXPECT_GT(named_own, 0) << "/organisations as " << kActorName[a]
                            << " names nobody of their own organisation";
  }
  for (int a = kPriya; a < kActors; ++a) {
    auto me = as_[a]->get("/api/v1/me");
    ASSERT_EQ(me.status, 200) << me.body;
    int64_t own = me.json().at("user").at("organisation_id").as_int64();
    auto r = as_[a]->get("/api/v1/users");
    ASSERT_EQ(r.status, 200);
    json::value list = r.json().at("items");
    for (const auto& u : list.as_array())
      EXPECT_EQ(u.at("organisation_id").as_int64(), own)
          << "GET /api/v1/users as " << kActorName[a] << " shows " << json::serialize(u);
    EXPECT_EQ(r.json().at("total").as_int64(), static_cast<int64_t>(list.as_array().size()))
        << "the total counts people " << kActorName[a] << " may not see";
    EXPECT_EQ(r.body.find("password"), std::string::npos) << "a user list carries password material";
    // Asking for other organisations' people by name of the organisation gives none of them.
    for (int64_t other = 1; other <= 8; ++other) {
      if (other == own) continue;
      auto asked = as_[a]->get("/api/v1/users?organisation=" + std::to_string(other));
      ASSERT_EQ(asked.status, 200) << asked.body;
      EXPECT_EQ(asked.json().at("total").as_int64(), 0)
          << "GET /api/v1/users?organisation=" << other << " as " << kActorName[a] << ": "
          << snippet(asked.body);
    }
  }
}

// The matrix itself. Runs last in this file because some rows change state (see the stage-1 rows).
TEST_F(AuthzMatrix, EveryRouteForEveryActor) {
  auto routes = openapi_routes(*as_[kAnon]);
  ASSERT_GT(routes.size(), 30u) << "the OpenAPI document lists too few routes";
  std::vector<Case> cases = matrix_cases();
  std::map<std::string, std::vector<const Case*>> by_route;
  for (const auto& c : cases) by_route[key_of(c.method, c.pattern)].push_back(&c);

  // The table follows the document: no route without rows, no rows without a route.
  std::set<std::string> documented;
  for (const auto& [m, p] : routes) {
    documented.insert(key_of(m, p));
    EXPECT_TRUE(by_route.count(key_of(m, p)))
        << key_of(m, p) << " is in the OpenAPI document but has no row in the matrix";
    // Anonymous callers get 401 everywhere but the public routes.
    for (const Case* c : by_route[key_of(m, p)])
      if (!is_public(m, p)) {
        EXPECT_EQ(c->expect[kAnon], 401) << key_of(m, p) << ": the table expects anonymous access";
      }
  }
  for (const auto& [k, _] : by_route) {
    EXPECT_TRUE(documented.count(k)) << k << " has rows but is not in the OpenAPI document";
  }

  checks_ = 0;
  for (int stage = 0; stage <= 1; ++stage)
    for (const auto& [m, p] : routes)
      for (const Case* c : by_route[key_of(m, p)])
        if (c->stage == stage)
          for (int a = 0; a < kActors; ++a) check(*c, static_cast<Actor>(a));
  std::cout << "[ matrix ] " << routes.size() << " routes, " << cases.size() << " cases, " << checks_
            << " route x actor checks\n";

  // The hand-off row moved assessment 2 to smsc: Riverside now holds it, so it may hand it back (which also
  // restores the demo state for the other tests of this suite, whatever their order).
  auto back = as_[kLee]->post("/api/v1/assessments/2/handoffs", json::object{{"to", "smsp"}});
  EXPECT_EQ(back.status, 201) << "POST /api/v1/assessments/2/handoffs as lee after the hand-off to smsc: "
                              << back.body;
  sync_audit();

  // After it all, the foreign user still sees nothing.
  auto list = as_[kForeign]->get("/api/v1/assessments");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(list.json().at("items").as_array().empty())
      << "the foreign organisation's user sees assessments: " << snippet(list.body);
  EXPECT_EQ(list.json().at("total").as_int64(), 0) << snippet(list.body);
}

}  // namespace
