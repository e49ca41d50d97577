// Bad input gets a clear 4xx (never a 2xx or a 5xx) and stores nothing: malformed JSON, wrong types, unknown
// and missing fields, oversized bodies, path traversal, SQL and HTML injection, wrong methods and content
// types, missing CSRF tokens and stale If-Match. After each refused write the test reads back what it tried
// to change, and checks that the audit trail (every stored change appends to it) did not grow.
//
// One server and one database for the suite (the demo data); admin and alex (Lakeside, editor of the end-user
// party of assessment 3, which the end-user holds) do the writing.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/test_support.hpp"

namespace {

namespace json = boost::json;
using tom::test::HttpClient;
using tom::test::HttpResponse;
using tom::test::ServerProcess;

const char* const kPassword = "demo-password-2026";
const std::string kA3 = "/api/v1/assessments/3";

std::string snippet(const std::string& body) {
  return body.size() > 300 ? body.substr(0, 300) + "..." : body;
}

std::string error_code(const HttpResponse& r) {
  auto v = r.json();
  if (!v.is_object() || !v.as_object().contains("error") || !v.at("error").is_object())
    return "(no error object)";
  const auto& e = v.at("error").as_object();
  return e.contains("code") && e.at("code").is_string() ? std::string(e.at("code").as_string()) : "(no code)";
}

// The `where` of every problem in the error body.
std::vector<std::string> problem_fields(const HttpResponse& r) {
  std::vector<std::string> out;
  auto v = r.json();
  if (!v.is_object() || !v.as_object().contains("error")) return out;
  const auto& e = v.at("error").as_object();
  if (!e.contains("problems") || !e.at("problems").is_array()) return out;
  for (const auto& p : e.at("problems").as_array())
    if (p.is_object() && p.as_object().contains("where")) out.emplace_back(p.at("where").as_string());
  return out;
}

bool names(const std::vector<std::string>& wheres, const std::string& field) {
  for (const auto& w : wheres)
    if (w.find(field) != std::string::npos) return true;
  return false;
}

// One raw exchange for bodies the server may refuse before reading them: send the head, then the body as far
// as the server lets us, then read whatever answer there is. status 0: the connection closed without a
// response.
struct Raw {
  int status = 0;
  std::string response;
  bool send_failed = false;
};

Raw raw_exchange(int port, const std::string& head, const std::string& body) {
  Raw out;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return out;
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  std::string all = head + body;
  size_t off = 0;
  while (off < all.size()) {
    size_t n = std::min<size_t>(64 * 1024, all.size() - off);
    ssize_t sent = ::send(fd, all.data() + off, n, MSG_NOSIGNAL);
    if (sent <= 0) {
      out.send_failed = true;
      break;
    }
    off += static_cast<size_t>(sent);
  }
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.response.append(buf, static_cast<size_t>(n));
    auto end = out.response.find("\r\n\r\n");
    if (end != std::string::npos) {
      auto cl = out.response.find("Content-Length: ");
      if (cl == std::string::npos) cl = out.response.find("content-length: ");
      size_t length = cl != std::string::npos && cl < end ? std::stoul(out.response.substr(cl + 16)) : 0;
      if (out.response.size() >= end + 4 + length) break;
    }
  }
  ::close(fd);
  if (out.response.rfind("HTTP/1.1 ", 0) == 0) out.status = std::stoi(out.response.substr(9, 3));
  return out;
}

std::string chunked(const std::string& body) {
  std::string out;
  char size[32];
  for (size_t off = 0; off < body.size(); off += 65536) {
    size_t n = std::min<size_t>(65536, body.size() - off);
    std::snprintf(size, sizeof size, "%zx\r\n", n);
    out += size;
    out += body.substr(off, n);
    out += "\r\n";
  }
  return out + "0\r\n\r\n";
}

class BadInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      std::string db = tom::test::temp_path("bad-input.db");
      auto init = tom::test::run_tom({"--db", db, "init", "--demo"});
      if (init.exit_code != 0) throw std::runtime_error("tom init --demo failed: " + init.err);
      server_ = std::make_unique<ServerProcess>(db);
      admin_ = std::make_unique<HttpClient>(server_->port());
      alex_ = std::make_unique<HttpClient>(server_->port());
      anon_ = std::make_unique<HttpClient>(server_->port());
      if (auto r = admin_->sign_in("admin@nhsdigital.example", kPassword); r.status != 200)
        throw std::runtime_error(r.body);
      if (auto r = alex_->sign_in("alex.morgan@lakeside.example", kPassword); r.status != 200)
        throw std::runtime_error(r.body);
      audit_seq_ = 0;
      (void)new_audit_events();
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() {
    admin_.reset();
    alex_.reset();
    anon_.reset();
    server_.reset();
  }
  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << "suite set-up failed: " << setup_error_; }

  // Audit events appended since the last call (administrator's view).
  static json::array new_audit_events() {
    json::array out;
    for (;;) {
      auto r = admin_->get("/api/v1/audit?after=" + std::to_string(audit_seq_));
      if (r.status != 200) throw std::runtime_error("GET /api/v1/audit: " + r.body);
      json::value page = r.json();
      for (const auto& e : page.as_array()) {
        out.push_back(e);
        audit_seq_ = std::max(audit_seq_, e.at("seq").to_number<int64_t>());
      }
      if (page.as_array().size() < 1000) return out;
    }
  }
  static void expect_nothing_stored(const std::string& what) {
    auto events = new_audit_events();
    EXPECT_TRUE(events.empty()) << what << ": refused, yet the audit trail grew: "
                                << snippet(json::serialize(events));
  }
  // A refused request: status, error code, and nothing stored.
  static void expect_refused(const HttpResponse& r, int status, const std::string& code,
                             const std::string& what) {
    EXPECT_EQ(r.status, status) << what << ": " << snippet(r.body);
    EXPECT_EQ(error_code(r), code) << what << ": " << snippet(r.body);
    expect_nothing_stored(what);
  }
  static void expect_unanswered(const std::string& item, const std::string& what) {
    auto r = admin_->get(kA3 + "/answers/" + item);
    EXPECT_EQ(r.status, 404) << what << ": item " << item << " was answered: " << r.body;
  }
  static void expect_alive(const std::string& what) {
    HttpClient fresh(server_->port());
    auto h = fresh.get("/health");
    EXPECT_EQ(h.status, 200) << what << ": the server does not answer /health afterwards";
  }
  static HttpResponse alex_put(const std::string& item, const std::string& body,
                               std::map<std::string, std::string> headers = {}) {
    return alex_->call("PUT", kA3 + "/answers/" + item, body, std::move(headers));
  }

  static inline std::string setup_error_;
  static inline std::unique_ptr<ServerProcess> server_;
  static inline std::unique_ptr<HttpClient> admin_, alex_, anon_;
  static inline int64_t audit_seq_ = 0;
};

TEST_F(BadInput, MalformedJsonIs400AndStoresNothing) {
  const std::vector<std::string> bodies = {
      "{\"value\": ",         // cut short
      "{\"value\": \"x\",}",  // trailing comma
      "{'value': 'x'}",       // single quotes
      "value=x",              // a form, labelled JSON
      "not json at all",
      "{\"value\": \"x\"} {\"value\": \"y\"}",  // two documents
      "[\"value\", \"x\"]",                     // not an object
      "\"x\"",
      "null",
      "{\"value\": \"\xff\xfe\"}",  // not UTF-8
      "{\"value\": \"x\u0000\"}",
      std::string(200, '[') + std::string(200, ']'),  // nested past the depth limit
      "{\"value\": \"x\", \"note\": " + std::string(40, '[') + std::string(40, ']') + "}",
      "{\"value\": 1e99999}",
  };
  for (const auto& b : bodies) {
    std::string what = "PUT CON-02 with body " + snippet(b);
    auto r = alex_put("CON-02", b);
    expect_refused(r, 400, "invalid_input", what);
    auto v = r.json();
    EXPECT_TRUE(v.is_object() && !std::string(v.at("error").at("message").as_string()).empty())
        << what << ": no message";
    expect_unanswered("CON-02", what);
  }
  // And on an administrator's route.
  auto r = admin_->call("POST", "/api/v1/organisations", "{\"name\": \"Half an org\"");
  expect_refused(r, 400, "invalid_input", "POST /api/v1/organisations with cut-short JSON");
  EXPECT_EQ(admin_->get("/api/v1/organisations").body.find("Half an org"), std::string::npos);
  // An empty body where one is required.
  r = alex_put("CON-02", "", {{"Content-Type", "application/json"}});
  expect_refused(r, 400, "invalid_input", "PUT CON-02 with an empty JSON body");
  expect_unanswered("CON-02", "empty body");
}

struct FieldCase {
  std::string who;  // "admin" or "alex"
  std::string method, target, body;
  std::vector<std::string> fields;  // each must be named in problems
};

void run_field_cases(const std::vector<FieldCase>& cases, HttpClient& admin, HttpClient& alex,
                     void (*expect_refused)(const HttpResponse&, int, const std::string&,
                                            const std::string&)) {
  for (const auto& c : cases) {
    std::string what = c.who + " " + c.method + " " + c.target + " " + c.body;
    HttpClient& client = c.who == "admin" ? admin : alex;
    auto r = client.call(c.method, c.target, c.body);
    expect_refused(r, 400, "invalid_input", what);
    auto wheres = problem_fields(r);
    for (const auto& f : c.fields) {
      EXPECT_TRUE(names(wheres, f)) << what << ": problems do not name '" << f << "': " << r.body;
    }
  }
}

TEST_F(BadInput, WrongTypesAre400NamingTheField) {
  std::vector<FieldCase> cases = {
      {"alex", "PUT", kA3 + "/answers/CON-03", R"({"value": 42})", {"value"}},
      {"alex", "PUT", kA3 + "/answers/CON-03", R"({"value": true})", {"value"}},
      {"alex", "PUT", kA3 + "/answers/CON-03", R"({"value": {"text": "x"}})", {"value"}},
      {"alex", "PUT", kA3 + "/answers/CON-03", R"({"value": ["x"]})", {"value"}},
      {"alex",
       "PUT",
       kA3 + "/answers/CON-03",
       R"({"value": "x", "note": ["a"], "reference": 7})",
       {"note", "reference"}},
      {"admin",
       "POST",
       "/api/v1/users",
       R"({"email": 1, "name": [], "password": true, "organisation_id": "1", "roles": "editor"})",
       {"email", "name", "password", "organisation_id", "roles"}},
      {"admin",
       "POST",
       "/api/v1/users",
       R"({"email": "typed@example.org", "name": "T", "password": "a-long-password-2026", "organisation_id": 1.5, "roles": [1]})",
       {"organisation_id", "roles"}},
      {"admin", "POST", "/api/v1/organisations", R"({"name": 5})", {"name"}},
      {"admin",
       "POST",
       "/api/v1/organisations",
       R"({"name": "Typed Org", "ods_code": 5, "type": false})",
       {"ods_code", "type"}},
      {"admin",
       "POST",
       "/api/v1/assessments",
       R"({"template": 1, "product": "x", "participants": []})",
       {"template", "participants"}},
      {"admin",
       "POST",
       "/api/v1/assessments",
       R"({"template": "sms-client-tom", "product": "x", "participants": {"smsp": "1"}})",
       {"participants.smsp"}},
      {"alex", "POST", kA3 + "/findings", R"({"kind": 1, "title": ["t"]})", {"kind", "title"}},
      {"alex", "POST", kA3 + "/phases/2/decisions", R"({"decision": true})", {"decision"}},
      {"alex", "POST", kA3 + "/handoffs", R"({"to": 3})", {"to"}},
      {"alex", "POST", kA3 + "/derive", R"({"organisation_id": "3"})", {"organisation_id"}},
      {"alex", "POST", "/api/v1/tokens", R"({"name": 5})", {"name"}},
      {"alex", "POST", "/api/v1/session", R"({"email": 1, "password": 2})", {"email", "password"}},
  };
  run_field_cases(cases, *admin_, *alex_, &BadInput::expect_refused);
  expect_unanswered("CON-03", "wrong types");
  auto users = admin_->get("/api/v1/users");
  EXPECT_EQ(users.body.find("typed@example.org"), std::string::npos) << "a refused user was stored";
  EXPECT_EQ(admin_->get("/api/v1/organisations").body.find("Typed Org"), std::string::npos);
}

TEST_F(BadInput, UnknownFieldsAre400NamingTheField) {
  std::vector<FieldCase> cases = {
      {"alex",
       "PUT",
       kA3 + "/answers/CON-04",
       R"({"value": "x", "author": "someone.else@example.org"})",
       {"author"}},
      {"alex", "PUT", kA3 + "/answers/CON-04", R"({"value": "x", "version": 99})", {"version"}},
      {"alex", "PUT", kA3 + "/answers/CON-04", R"({"valu": "x"})", {"valu"}},
      {"admin", "POST", "/api/v1/organisations", R"({"name": "Unknown Field Org", "id": 1})", {"id"}},
      {"admin",
       "POST",
       "/api/v1/users",
       R"({"email": "unknown-field@example.org", "name": "U", "password": "a-long-password-2026", "organisation_id": 1,
           "roles": ["editor"], "is_admin": true})",
       {"is_admin"}},
      {"alex",
       "POST",
       "/api/v1/session",
       R"({"email": "alex.morgan@lakeside.example", "password": "x", "remember_me": true})",
       {"remember_me"}},
      {"alex",
       "POST",
       kA3 + "/phases/2/decisions",
       R"({"decision": "approved", "decided_by": "Somebody Else"})",
       {"decided_by"}},
      {"alex", "POST", kA3 + "/phases/2/submit", R"({"force": true})", {"force"}},
      {"alex",
       "POST",
       kA3 + "/findings",
       R"({"kind": "risk", "title": "t", "status": "accepted"})",
       {"status"}},
      {"alex", "POST", kA3 + "/handoffs", R"({"to": "supplier", "from": "supplier"})", {"from"}},
  };
  run_field_cases(cases, *admin_, *alex_, &BadInput::expect_refused);
  expect_unanswered("CON-04", "unknown fields");
  EXPECT_EQ(admin_->get("/api/v1/organisations").body.find("Unknown Field Org"), std::string::npos);
  EXPECT_EQ(admin_->get("/api/v1/users").body.find("unknown-field@example.org"), std::string::npos);
}

TEST_F(BadInput, MissingRequiredFieldsAre400NamingTheField) {
  std::vector<FieldCase> cases = {
      {"alex", "PUT", kA3 + "/answers/CON-05", "{}", {"value"}},
      {"alex", "PUT", kA3 + "/answers/CON-05", R"({"note": "only a note"})", {"value"}},
      {"alex", "PUT", kA3 + "/answers/CON-05", R"({"value": null})", {"value"}},
      {"admin", "POST", "/api/v1/organisations", "{}", {"name"}},
      {"admin", "POST", "/api/v1/users", "{}", {"email", "name", "password", "organisation_id"}},
      {"admin", "POST", "/api/v1/assessments", "{}", {"template", "product"}},
      {"alex", "POST", kA3 + "/findings", "{}", {"kind", "title"}},
      {"alex", "POST", kA3 + "/handoffs", "{}", {"to"}},
      {"alex", "POST", kA3 + "/phases/2/decisions", "{}", {"decision"}},
      {"alex", "POST", kA3 + "/derive", "{}", {"organisation_id"}},
      {"alex", "POST", "/api/v1/tokens", "{}", {"name"}},
      {"alex", "POST", "/api/v1/session", "{}", {"email", "password"}},
  };
  run_field_cases(cases, *admin_, *alex_, &BadInput::expect_refused);
  expect_unanswered("CON-05", "missing fields");
}

TEST_F(BadInput, OverlongFieldIs400) {
  // Under the body limit, over the 100,000-character field limit.
  std::string body = json::serialize(json::object{{"value", std::string(150000, 'v')}});
  auto r = alex_put("CON-06", body);
  expect_refused(r, 400, "invalid_input", "PUT CON-06 with a 150,000-character value");
  EXPECT_TRUE(names(problem_fields(r), "value")) << r.body;
  expect_unanswered("CON-06", "overlong value");
}

// Values of the right JSON type but outside what they can mean.
TEST_F(BadInput, OutOfRangeValuesAre400) {
  // 2^64-1 is a JSON number, but no organisation id: it must not wrap round to -1.
  auto u = admin_->call("POST", "/api/v1/users",
                        R"({"email": "wrapped@example.org", "name": "W", "password": "a-long-password-2026",
                            "organisation_id": 18446744073709551615, "roles": ["editor"]})");
  expect_refused(u, 400, "invalid_input", "POST /api/v1/users with organisation_id 18446744073709551615");
  EXPECT_TRUE(names(problem_fields(u), "organisation_id")) << u.body;
  EXPECT_EQ(admin_->get("/api/v1/users").body.find("wrapped@example.org"), std::string::npos);

  // An acceptance that expires on a day that does not exist.
  HttpClient sam(server_->port());
  ASSERT_EQ(sam.sign_in("sam.okafor@lakeside.example", kPassword).status, 200);
  const std::string key = "rule:ig-other-siro-review:IG-19";
  auto before = admin_->get(kA3 + "/findings");
  ASSERT_NE(before.body.find(key), std::string::npos)
      << "the demo finding is not there: " << snippet(before.body);
  for (const std::string date : {"2026-13-45", "2026-02-30", "0000-00-00", "2026-1-1x"}) {
    auto r = sam.post(kA3 + "/findings/" + key + "/accept",
                      json::object{{"mitigation", "Reviewed at the board"}, {"expires_on", date}});
    expect_refused(r, 400, "invalid_input", "POST accept as sam with expires_on " + date);
  }
  EXPECT_EQ(admin_->get(kA3 + "/findings").body, before.body) << "the finding changed";
}

// A JSON body over 1 MiB is refused with 413 (docs/api.md: "Bodies over 1 MiB → 413").
TEST_F(BadInput, HugeJsonBodyIs413) {
  std::string body = "{\"value\": \"" + std::string(2 * 1024 * 1024, 'x') + "\"}";
  std::string cookie_less_target = kA3 + "/answers/CON-06";
  // Sent with Content-Length: the server knows the size from the head.
  auto bearer = alex_->post("/api/v1/tokens", json::object{{"name", "huge body"}});
  ASSERT_EQ(bearer.status, 201) << bearer.body;
  (void)new_audit_events();
  std::string token(bearer.json().at("token").as_string());
  std::string head =
      "PUT " + cookie_less_target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  Raw r = raw_exchange(server_->port(), head, body);
  EXPECT_EQ(r.status, 413) << "PUT " << cookie_less_target << " with a 2 MiB JSON body (Content-Length): "
                           << (r.status == 0 ? "the connection closed without a response"
                                             : snippet(r.response));
  if (r.status == 413) {
    EXPECT_NE(r.response.find("too_large"), std::string::npos) << snippet(r.response);
  }
  expect_alive("after a 2 MiB JSON body");
  expect_nothing_stored("2 MiB JSON body");
  expect_unanswered("CON-06", "2 MiB JSON body");

  // The same body sent chunked (no Content-Length).
  std::string chead = "PUT " + cookie_less_target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                      token + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  Raw c = raw_exchange(server_->port(), chead, chunked(body));
  EXPECT_EQ(c.status, 413) << "PUT " << cookie_less_target << " with a 2 MiB chunked JSON body: "
                           << (c.status == 0 ? "the connection closed without a response"
                                             : snippet(c.response));
  expect_alive("after a 2 MiB chunked JSON body");
  expect_nothing_stored("2 MiB chunked JSON body");
  expect_unanswered("CON-06", "2 MiB chunked JSON body");

  // An administrator's route too, through the ordinary client when the server answers.
  std::string org = "{\"name\": \"Huge Org\", \"ods_code\": \"" + std::string(2 * 1024 * 1024, 'o') + "\"}";
  std::string ahead =
      "POST /api/v1/organisations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Content-Length: " +
      std::to_string(org.size()) + "\r\n";
  Raw a = raw_exchange(server_->port(), ahead + "Authorization: Bearer " + token + "\r\n\r\n", org);
  EXPECT_EQ(a.status, 413) << "POST /api/v1/organisations with a 2 MiB body: "
                           << (a.status == 0 ? "the connection closed without a response"
                                             : snippet(a.response));
  // Anonymous: refused from the header, before the body (or its size) matters.
  Raw anon = raw_exchange(server_->port(), ahead + "\r\n", org);
  EXPECT_EQ(anon.status, 401) << snippet(anon.response);
  expect_alive("after a 2 MiB organisation");
  EXPECT_EQ(admin_->get("/api/v1/organisations").body.find("Huge Org"), std::string::npos);
}

// POST /api/v1/templates takes YAML up to 4 MiB; 20 MB is refused (413, or the connection closed early) and
// the server carries on.
TEST_F(BadInput, TemplateUploadOverTheLimitIsRefused) {
  auto before = admin_->get("/api/v1/templates");
  ASSERT_EQ(before.status, 200);
  auto token = admin_->post("/api/v1/tokens", json::object{{"name", "big upload"}});
  ASSERT_EQ(token.status, 201) << token.body;
  (void)new_audit_events();
  std::string auth = "Authorization: Bearer " + std::string(token.json().at("token").as_string()) + "\r\n";

  std::string big = "format: 1\nid: far-too-big-tom\n" + std::string(20 * 1000 * 1000, '#') + "\n";
  std::string head = "POST /api/v1/templates HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
                     "Content-Type: application/yaml\r\nContent-Length: " + std::to_string(big.size()) +
                     "\r\n\r\n";
  Raw r = raw_exchange(server_->port(), head, big);
  EXPECT_TRUE(r.status == 413 || r.status == 0)
      << "POST /api/v1/templates with 20 MB: expected 413 or a closed connection, got "
      << snippet(r.response);
  if (r.status == 0)
    std::cout << "[ note ] the 20 MB upload ended with a closed connection (send failed: " << r.send_failed
              << ")\n";
  expect_alive("after a 20 MB template upload");
  expect_nothing_stored("20 MB template upload");
  EXPECT_EQ(admin_->get("/api/v1/templates").body, before.body) << "the template library changed";
  EXPECT_EQ(admin_->get("/api/v1/templates/far-too-big-tom").status, 404);
}

// The route's limit is 4 MiB, so a 2 MiB template (padded with comments) is read, not refused as too large.
TEST_F(BadInput, TemplateUploadUnderTheLimitIsAccepted) {
  std::string yaml = tom::test::read_text(tom::test::source_path("templates/sms-client-tom.yaml"));
  auto at = yaml.find("\nid: sms-client-tom\n");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, 20, "\nid: padded-upload-tom\n");
  std::string padding;
  while (padding.size() < 2 * 1024 * 1024) padding += "# padding to make the file larger than one MiB\n";
  yaml = padding + yaml;
  ASSERT_LT(yaml.size(), 4u * 1024 * 1024);
  auto token = admin_->post("/api/v1/tokens", json::object{{"name", "padded upload"}});
  ASSERT_EQ(token.status, 201) << token.body;
  (void)new_audit_events();
  std::string head = "POST /api/v1/templates HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                     std::string(token.json().at("token").as_string()) +
                     "\r\nContent-Type: application/yaml\r\n" +
                     "Content-Length: " + std::to_string(yaml.size()) + "\r\n\r\n";
  Raw r = raw_exchange(server_->port(), head, yaml);
  EXPECT_EQ(r.status, 201) << "POST /api/v1/templates with a " << yaml.size()
                           << "-byte YAML file (limit 4 MiB): "
                           << (r.status == 0 ? "the connection closed without a response"
                                             : snippet(r.response));
  expect_alive("after a 2 MiB template upload");
  if (r.status == 201) {
    EXPECT_EQ(admin_->get("/api/v1/templates/padded-upload-tom").status, 200);
  }
  (void)new_audit_events();
}

TEST_F(BadInput, PathTraversalIsNeverServed) {
  const std::vector<std::string> targets = {
      "/api/v1/../etc/passwd",
      "/api/v1/../../../../etc/passwd",
      "/../../etc/passwd",
      "/api/v1/%2e%2e/etc/passwd",
      "/api/v1/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
      "/api/v1/.%2e/.%2e/etc/passwd",
      "/api/v1/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/api/v1/templates/..%2f..%2f..%2fetc%2fpasswd",
      "/api/v1/templates/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/api/v1/templates/%252e%252e%252fetc%252fpasswd",
      "/api/v1/templates/..%5c..%5c..%5cetc%5cpasswd",
      "/api/v1/templates/sms-client-tom/versions/..%2f..%2f..%2fetc%2fpasswd",
      "/api/v1/templates/sms-client-tom/versions/..",
      "/api/v1/templates/%2fetc%2fpasswd",
      "/api/v1/assessments/1/sections/..%2f..%2f..%2fetc%2fpasswd",
      "/api/v1/assessments/1/answers/%2e%2e",
      "/api/v1/assessments/1/../../../etc/passwd",
      "/api/v1/assessments/%00",
      "/api/v1/assessments/1%00",
      "/api/v1/templates/sms-client-tom%00.yaml",
      "/api/v1/templates/sms-client-tom%00",
      "/health%00",
      "/health/..",
      "/api/v1/openapi.json/..",
      "/api/v1/./assessments",
      "/api/v1/assessments/1/check?phase=%00",
      "/api/v1/assessments/1/check?phase=..%2f..%2fetc%2fpasswd&party=%2e%2e",
      "/api/v1/assessments/%",
      "/api/v1/assessments/%zz",
      "//etc/passwd",
      "/etc/passwd",
  };
  for (const auto& t : targets) {
    // A path that only a query string makes odd may be served (the query is data); the path itself never.
    bool query_only = t.find('?') != std::string::npos && t.find("%00") == std::string::npos;
    // Anonymous: refused, or 401 where the path names a real route.
    auto a = anon_->request("GET", t);
    EXPECT_TRUE(a.status == 400 || a.status == 404 || a.status == 401)
        << "GET " << t << " (anonymous): expected 400/401/404, got " << a.status << " " << snippet(a.body);
    EXPECT_EQ(a.body.find("root:"), std::string::npos) << "GET " << t << " served a file";
    // Signed in (the session cookie travels with call()).
    auto r = admin_->call("GET", t, "");
    if (query_only) {
      EXPECT_TRUE(r.status == 200 || r.status == 400)
          << "GET " << t << " (admin): got " << r.status << " " << snippet(r.body);
    } else {
      EXPECT_TRUE(r.status == 400 || r.status == 404)
          << "GET " << t << " (admin): expected 400/404, got " << r.status << " " << snippet(r.body);
    }
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << "GET " << t << " served a file";
  }
  expect_alive("after path traversal");
}

TEST_F(BadInput, SqlInjectionIsDataNotCode) {
  // In ids: not found, never everything.
  const std::vector<std::string> ids = {"1%20OR%201%3D1",
                                        "1%3B%20DROP%20TABLE%20answers",
                                        "1'--",
                                        "1%27%20OR%20%271%27%3D%271",
                                        "1%20UNION%20SELECT%20*%20FROM%20users",
                                        "0x1",
                                        "-1",
                                        "1e0",
                                        "+1",
                                        "%201"};
  for (const auto& id : ids) {
    for (const char* suffix : {"", "/answers", "/answers/CON-01", "/audit"}) {
      auto r = admin_->get("/api/v1/assessments/" + id + suffix);
      EXPECT_EQ(r.status, 404) << "GET /api/v1/assessments/" << id << suffix << ": " << snippet(r.body);
    }
  }
  auto t = admin_->get("/api/v1/templates/x'%20OR%20'1'%3D'1");
  EXPECT_EQ(t.status, 404) << t.body;
  t = admin_->get("/api/v1/templates/sms-client-tom/versions/x'%20OR%20'1'%3D'1");
  EXPECT_EQ(t.status, 404) << t.body;
  auto item = admin_->get(kA3 + "/answers/A001-01'%20OR%20'1'%3D'1");
  EXPECT_EQ(item.status, 404) << item.body;
  auto q = admin_->get(kA3 + "/check?phase=2'%20OR%201%3D1%20--&party=x'%3B%20DROP%20TABLE%20answers%3B--");
  EXPECT_LT(q.status, 500) << q.body;
  auto audit = admin_->get("/api/v1/audit?after=0%20OR%201%3D1");
  EXPECT_LT(audit.status, 500) << snippet(audit.body);

  // Sign-in with injection strings does not sign in.
  HttpClient intruder(server_->port());
  auto s = intruder.sign_in("admin@nhsdigital.example' OR '1'='1", "' OR '1'='1");
  EXPECT_EQ(s.status, 401) << s.body;
  s = intruder.sign_in("admin@nhsdigital.example'--", "x");
  EXPECT_EQ(s.status, 401) << s.body;
  EXPECT_EQ(intruder.get("/api/v1/me").status, 401);

  // In values, notes and references: stored and read back verbatim, and nothing dropped.
  auto answers_before = admin_->get(kA3 + "/answers");
  ASSERT_EQ(answers_before.status, 200);
  size_t count_before = answers_before.json().as_array().size();
  json::object sent{{"value", "Robert'); DROP TABLE assessments;--"},
                    {"note", "'; DROP TABLE answers; --"},
                    {"reference", "\" OR \"\"=\"; DELETE FROM users WHERE 1=1; --"}};
  auto w = alex_->put(kA3 + "/answers/CON-07", sent);
  ASSERT_EQ(w.status, 200) << w.body;
  auto back = admin_->get(kA3 + "/answers/CON-07");
  ASSERT_EQ(back.status, 200) << back.body;
  json::value got = back.json();
  EXPECT_EQ(got.at("value"), sent.at("value"));
  EXPECT_EQ(got.at("note"), sent.at("note"));
  EXPECT_EQ(got.at("reference"), sent.at("reference"));
  auto answers_after = admin_->get(kA3 + "/answers");
  ASSERT_EQ(answers_after.status, 200);
  EXPECT_EQ(answers_after.json().as_array().size(), count_before + 1) << "answers went missing";
  auto list = admin_->get("/api/v1/assessments");
  ASSERT_EQ(list.status, 200);
  EXPECT_GE(list.json().at("items").as_array().size(), 4u) << "assessments went missing";
  EXPECT_EQ(admin_->get("/api/v1/users?limit=200").json().at("items").as_array().size() >= 8, true)
      << "users went missing";

  // An organisation name too.
  std::string name = "Bobby'); DROP TABLE organisations;--";
  auto o = admin_->post("/api/v1/organisations", json::object{{"name", name}, {"type", "other"}});
  ASSERT_EQ(o.status, 201) << o.body;
  bool found = false;
  json::value orgs = admin_->get("/api/v1/organisations?limit=200").json().at("items");
  for (const auto& x : orgs.as_array()) found = found || x.at("name") == name.c_str();
  EXPECT_TRUE(found) << "the organisation name did not come back verbatim";
  EXPECT_GE(orgs.as_array().size(), 7u);
  (void)new_audit_events();
}

TEST_F(BadInput, HtmlInValuesComesBackAsJsonData) {
  json::object sent{{"value", "<script>alert('xss')</script>"},
                    {"note", "<img src=x onerror=alert(1)>\"</textarea>&amp;\u2028\\"},
                    {"reference", "javascript:alert(document.cookie)"}};
  auto w = alex_->put(kA3 + "/answers/CON-08", sent);
  ASSERT_EQ(w.status, 200) << w.body;
  for (const std::string& target :
       {kA3 + "/answers/CON-08", kA3 + "/sections/contact-log", kA3 + "/answers"}) {
    auto r = admin_->get(target);
    ASSERT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.header("content-type").rfind("application/json", 0), 0u)
        << target << ": " << r.header("content-type");
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff") << target;
    boost::system::error_code ec;
    json::value v = json::parse(r.body, ec);
    ASSERT_FALSE(ec) << target << " is not valid JSON";
    // Find the answer of CON-08 wherever it is in the document and compare it whole.
    const json::object* answer = nullptr;
    std::function<void(const json::value&)> walk = [&](const json::value& x) {
      if (x.is_object()) {
        const auto& o = x.as_object();
        if (o.contains("item") && o.at("item") == "CON-08" && o.contains("value")) answer = &o;
        for (const auto& kv : o) walk(kv.value());
      } else if (x.is_array()) {
        for (const auto& e : x.as_array()) walk(e);
      }
    };
    walk(v);
    ASSERT_NE(answer, nullptr) << target << " does not carry the answer";
    EXPECT_EQ(answer->at("value"), sent.at("value")) << target;
    EXPECT_EQ(answer->at("note"), sent.at("note")) << target;
    EXPECT_EQ(answer->at("reference"), sent.at("reference")) << target;
  }
  // Input echoed in an error message is JSON too.
  auto e = admin_->get("/api/v1/templates/%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  EXPECT_EQ(e.status, 404);
  EXPECT_EQ(e.header("content-type").rfind("application/json", 0), 0u);
  EXPECT_TRUE(e.json().is_object()) << e.body;
  (void)new_audit_events();
}

TEST_F(BadInput, WrongMethodIs405WithAllow) {
  struct M {
    std::string method, target, allow_has;
  };
  const std::vector<M> cases = {
      {"DELETE", "/api/v1/templates", "GET"},
      {"DELETE", "/api/v1/templates", "POST"},
      {"PUT", "/api/v1/templates/sms-client-tom", "GET"},
      {"DELETE", "/api/v1/assessments/1", "GET"},
      {"PATCH", kA3 + "/answers/CON-01", "PUT"},
      {"DELETE", kA3 + "/answers/A001-01", "GET"},
      {"PUT", "/api/v1/assessments", "POST"},
      {"POST", "/health", "GET"},
      {"DELETE", "/api/v1/users", "GET"},
      {"PUT", "/api/v1/organisations", "POST"},
      {"GET", kA3 + "/derive", "POST"},
      {"GET", kA3 + "/phases/2/submit", "POST"},
      {"DELETE", "/api/v1/audit", "GET"},
      {"POST", "/api/v1/openapi.json", "GET"},
  };
  auto templates_before = admin_->get("/api/v1/templates");
  auto answers_before = admin_->get(kA3 + "/answers");
  for (const auto& c : cases) {
    auto r = admin_->call(c.method, c.target, "");
    std::string what = c.method + " " + c.target;
    expect_refused(r, 405, "method_not_allowed", what);
    EXPECT_NE(r.header("allow").find(c.allow_has), std::string::npos)
        << what << ": Allow is '" << r.header("allow") << "'";
    EXPECT_EQ(r.header("allow").find(c.method), std::string::npos)
        << what << ": Allow lists the refused method";
  }
  EXPECT_EQ(admin_->get("/api/v1/templates").body, templates_before.body);
  EXPECT_EQ(admin_->get(kA3 + "/answers").body, answers_before.body);
  EXPECT_EQ(admin_->get("/api/v1/assessments/1").status, 200);
}

TEST_F(BadInput, WrongContentTypeIs415) {
  std::string body = R"({"value": "sent as the wrong type"})";
  for (const std::string type : {"text/plain", "application/x-www-form-urlencoded",
                                 "multipart/form-data; boundary=x", "application/xml", "text/json", ""}) {
    auto r = alex_put("CON-09", type == "application/x-www-form-urlencoded" ? "value=x" : body,
                      {{"Content-Type", type}});
    expect_refused(r, 415, "unsupported", "PUT CON-09 as '" + type + "'");
    expect_unanswered("CON-09", "Content-Type " + type);
  }
  // No Content-Type header at all (a bearer token, so the request is exactly as written).
  auto tok = alex_->post("/api/v1/tokens", json::object{{"name", "content type"}});
  ASSERT_EQ(tok.status, 201);
  (void)new_audit_events();
  HttpClient raw(server_->port());
  auto r = raw.request("PUT", kA3 + "/answers/CON-09", body,
                       {{"Authorization", "Bearer " + std::string(tok.json().at("token").as_string())}});
  expect_refused(r, 415, "unsupported", "PUT CON-09 without Content-Type");
  expect_unanswered("CON-09", "no Content-Type");

  auto o = admin_->call("POST", "/api/v1/organisations", R"({"name": "Plain Text Org"})",
                        {{"Content-Type", "text/plain"}});
  expect_refused(o, 415, "unsupported", "POST /api/v1/organisations as text/plain");
  EXPECT_EQ(admin_->get("/api/v1/organisations").body.find("Plain Text Org"), std::string::npos);
  auto before = admin_->get("/api/v1/templates");
  auto t = admin_->call("POST", "/api/v1/templates", "format: 1\nid: json-labelled-tom\n",
                        {{"Content-Type", "application/json"}});
  expect_refused(t, 415, "unsupported", "POST /api/v1/templates as application/json");
  EXPECT_EQ(admin_->get("/api/v1/templates").body, before.body);
}

TEST_F(BadInput, MissingCsrfTokenIs403AndChangesNothing) {
  HttpClient no_csrf(server_->port());
  auto signed_in = no_csrf.sign_in("alex.morgan@lakeside.example", kPassword);
  ASSERT_EQ(signed_in.status, 200);
  no_csrf.forget_csrf();
  std::string other_sessions_token(
      admin_->sign_in("admin@nhsdigital.example", kPassword).json().at("csrf_token").as_string());

  std::string body = R"({"value": "cross-site write"})";
  const std::vector<std::map<std::string, std::string>> header_sets = {
      {}, {{"X-CSRF-Token", ""}}, {{"X-CSRF-Token", "0000"}}, {{"X-CSRF-Token", other_sessions_token}}};
  for (const auto& h : header_sets) {
    std::string what = "PUT CON-10 with cookie and X-CSRF-Token '" +
                       (h.empty() ? std::string("(none)") : h.begin()->second) + "'";
    auto r = no_csrf.call("PUT", kA3 + "/answers/CON-10", body, h);
    expect_refused(r, 403, "forbidden", what);
    expect_unanswered("CON-10", what);
  }
  auto findings_before = admin_->get(kA3 + "/findings");
  auto f = no_csrf.call("POST", kA3 + "/findings", R"({"kind": "risk", "title": "cross-site finding"})");
  expect_refused(f, 403, "forbidden", "POST findings without CSRF");
  EXPECT_EQ(admin_->get(kA3 + "/findings").body, findings_before.body);
  auto h = no_csrf.call("POST", kA3 + "/handoffs", R"({"to": "supplier"})");
  expect_refused(h, 403, "forbidden", "POST handoffs without CSRF");
  auto s = no_csrf.call("POST", kA3 + "/phases/2/submit", "{}");
  expect_refused(s, 403, "forbidden", "POST submit without CSRF");
  auto tk = no_csrf.call("POST", "/api/v1/tokens", R"({"name": "cross-site token"})");
  expect_refused(tk, 403, "forbidden", "POST tokens without CSRF");
  // Signing out without the token is refused too, and the session lives on.
  auto out = no_csrf.call("DELETE", "/api/v1/session", "");
  EXPECT_EQ(out.status, 403) << out.body;
  EXPECT_EQ(no_csrf.get("/api/v1/me").status, 200) << "the session ended without a CSRF token";
  EXPECT_EQ(admin_->get(kA3).json().at("custodian"), "end-user") << "custody moved";

  // An administrator's write without the token.
  HttpClient admin_no_csrf(server_->port());
  ASSERT_EQ(admin_no_csrf.sign_in("admin@nhsdigital.example", kPassword).status, 200);
  admin_no_csrf.forget_csrf();
  auto o = admin_no_csrf.post("/api/v1/organisations",
                              json::object{{"name", "Cross Site Org"}, {"type", "other"}});
  expect_refused(o, 403, "forbidden", "POST organisations without CSRF");
  EXPECT_EQ(admin_->get("/api/v1/organisations").body.find("Cross Site Org"), std::string::npos);
}

TEST_F(BadInput, StaleIfMatchIs409WithTheCurrentAnswer) {
  std::string target = kA3 + "/answers/EUO-01";
  auto v1 = alex_->put(target, json::object{{"value", "first"}});
  ASSERT_EQ(v1.status, 200) << v1.body;
  std::string etag1 = v1.header("etag");
  ASSERT_FALSE(etag1.empty());
  auto v2 = alex_->put(target, json::object{{"value", "second"}}, etag1);
  ASSERT_EQ(v2.status, 200) << v2.body;
  std::string etag2 = v2.header("etag");
  ASSERT_NE(etag1, etag2);
  (void)new_audit_events();

  struct S {
    std::string if_match, why;
  };
  for (const auto& s : std::vector<S>{
           {etag1, "stale version"}, {"", "no If-Match though answered"}, {"\"v999\"", "future version"}}) {
    std::string what = "PUT EUO-01 with If-Match '" + s.if_match + "' (" + s.why + ")";
    auto r = alex_->put(target, json::object{{"value", "stale write"}, {"note", "must not be stored"}},
                        s.if_match);
    expect_refused(r, 409, "conflict", what);
    auto v = r.json();
    ASSERT_TRUE(v.is_object() && v.as_object().contains("current")) << what << ": no \"current\": " << r.body;
    EXPECT_EQ(v.at("current").at("value"), "second") << what;
    EXPECT_EQ(r.header("etag"), etag2) << what;
    auto now = admin_->get(target);
    EXPECT_EQ(now.json().at("value"), "second") << what;
    EXPECT_EQ(now.header("etag"), etag2) << what;
  }
  for (const std::string bad : {"v2", "\"2\"", "*", "\"v\"", "\"v-1\"", "\"v99999999999999999999\""}) {
    auto r = alex_->put(target, json::object{{"value", "bad etag"}}, bad);
    expect_refused(r, 400, "invalid_input", "PUT EUO-01 with If-Match " + bad);
  }
  EXPECT_EQ(admin_->get(target).json().at("value"), "second");
}

}  // namespace
