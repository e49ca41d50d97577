// Hardening at the doors, tested as an attacker would (issue 9, items 6, 7, 9 and 10): the sign-in redirect
// and header injection, bodies refused before they are read, the sign-in limiter (bounded, never reset, and
// one address cannot lock other people out), field sizes, invalid UTF-8 and NUL bytes, API tokens' lifetime
// and revocation, the security headers on every response, and the password rules.
//
// The pure parts (safe_next, the header check, the limiter, the password rules) are tested directly; the rest
// against the real `tom serve` on the demo data, over raw sockets where the server must answer before a body
// arrives.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "core/text.hpp"
#include "http/message.hpp"
#include "app/identity.hpp"
#include "support/http_client.hpp"
#include "support/test_support.hpp"
#include "web/pages.hpp"

namespace {

namespace json = boost::json;
using tom::test::HttpClient;
using tom::test::HttpResponse;
using tom::test::ServerProcess;

const char* const kPassword = "demo-password-2026";
const char* const kAdmin = "admin@nhsdigital.example";
const char* const kAlex = "alex.morgan@lakeside.example";

// ---- pure parts ----

TEST(SafeNext, OnlyPlainSameSitePathsAreFollowed) {
  using tom::web::safe_next;
  for (const char* good : {"/", "/assessments/3", "/assessments/3/sections/approval-gateways",
                           "/templates/diff?a=ers-api-tom%401.2.0&b=sms-client-tom", "/audit.csv"})
    EXPECT_EQ(safe_next(good), good);
  for (const char* bad :
       {"", "//evil.example", "/\t/evil.example", "/\\evil.example", "/\r\nSet-Cookie: tom_session=x",
        "/assessments/3\r\nSet-Cookie: x=1", "https://evil.example/", "evil.example", "/%2F%2Fevil.example",
        "/a//b", "/.evil", "/ evil", "/assessments/3?x=<script>", "/assessments/3#frag", "/\xC3\xA9",
        "/a\x7F"})
    EXPECT_EQ(safe_next(bad), "/") << tom::text_problem(bad) << " '" << bad << "'";
  EXPECT_EQ(safe_next("/" + std::string(3000, 'a')), "/");
}

TEST(ResponseHeaders, ControlCharactersAreNeverWritable) {
  using tom::http::Response;
  EXPECT_TRUE(tom::http::writable(Response::empty(303).with("Location", "/assessments/3")));
  EXPECT_TRUE(tom::http::writable(Response::empty(200).with("Content-Disposition", "attachment;\tx=1")));
  for (const std::string& value : {std::string("/\r\nSet-Cookie: x=1"), std::string("/\nx"),
                                   std::string("/\rx"), std::string("a\0b", 3), std::string("a\x7F")})
    EXPECT_FALSE(tom::http::writable(Response::empty(303).with("Location", value))) << value;
  EXPECT_FALSE(tom::http::writable(Response::empty(200).with("X-A\r\nB", "1")));
  EXPECT_FALSE(tom::http::writable(Response::empty(200).with("", "1")));
  EXPECT_FALSE(tom::http::writable(Response::text(200, "x", "text/plain\r\nSet-Cookie: a=b")));
}

TEST(Text, Utf8AndNul) {
  EXPECT_EQ(tom::text_problem("plain, é, €, 😀"), "");
  EXPECT_NE(tom::text_problem("\xFF"), "");
  EXPECT_NE(tom::text_problem("\xC0\xAF"), "");          // overlong '/'
  EXPECT_NE(tom::text_problem("\xED\xA0\x80"), "");      // a UTF-16 surrogate
  EXPECT_NE(tom::text_problem("\xF4\x90\x80\x80"), "");  // past U+10FFFF
  EXPECT_NE(tom::text_problem("\xE2\x82"), "");          // truncated
  EXPECT_NE(tom::text_problem(std::string("a\0b", 3)).find("NUL"), std::string::npos);
  EXPECT_EQ(tom::utf8_length("é€😀"), 3u);
}

TEST(SignInLimiter, AFloodOfOtherKeysNeverLiftsABlock) {
  // The old table was wiped once it held 100,000 keys, lifting every block. Here a small capacity stands in
  // for that size: the blocked key stays blocked however many others fail, and memory stays bounded.
  tom::app::RateLimiter limiter(3, std::chrono::minutes(15), 100);
  for (int i = 0; i < 3; ++i) limiter.failure("victim");
  ASSERT_GT(limiter.retry_after("victim"), 0);
  for (int i = 0; i < 20'000; ++i) limiter.failure("flood-" + std::to_string(i));
  EXPECT_GT(limiter.retry_after("victim"), 800) << "the block was lifted by a flood of other keys";
  EXPECT_LE(limiter.counting(), 100u);
  EXPECT_LE(limiter.blocked(), 100u);
  // A key that is counting but not blocked may be forgotten by the flood; never one that is blocked.
  EXPECT_EQ(limiter.retry_after("flood-19999"), 0);
}

TEST(SignInLimiter, FullOfBlocksItRefusesRatherThanForgets) {
  tom::app::RateLimiter limiter(1, std::chrono::minutes(15), 2);
  limiter.failure("a");
  limiter.failure("b");
  limiter.failure("c");  // no room to record this block
  EXPECT_GT(limiter.retry_after("a"), 0);
  EXPECT_GT(limiter.retry_after("b"), 0);
  EXPECT_GT(limiter.retry_after("c"), 0) << "a block that could not be recorded was forgotten";
  EXPECT_LE(limiter.blocked(), 2u);
}

TEST(SignInLimiter, BlocksEndWithTheirWindowAndSuccessResets) {
  tom::app::RateLimiter limiter(2, std::chrono::seconds(1), 10);
  limiter.failure("k");
  limiter.failure("k");
  EXPECT_GT(limiter.retry_after("k"), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(limiter.retry_after("k"), 0);
  limiter.failure("j");
  limiter.reset("j");
  limiter.failure("j");
  EXPECT_EQ(limiter.retry_after("j"), 0);
}

TEST(Passwords, WeakOnesAreRefusedAndTheDemoPasswordIsNot) {
  using tom::app::check_password_strength;
  EXPECT_TRUE(check_password_strength("demo-password-2026").ok());
  EXPECT_TRUE(check_password_strength("a-long-password-2026").ok());
  EXPECT_TRUE(check_password_strength("correct horse battery").ok());
  struct Case {
    std::string password, why;
  };
  for (const Case& c : std::vector<Case>{{"aaaaaaaaaa", "12 characters"},
                                         {"Tr0ub4dor&3", "12 characters"},
                                         {"aaaaaaaaaaaa", "repeated"},
                                         {"éééééééééééé", "repeated"},
                                         {"abcabcabcabc", "repeated"},
                                         {"password1234", "common"},
                                         {"Password1234", "common"},
                                         {"QWERTY123456", "common"},
                                         {std::string(300, 'x') + "y", "at most 256"},
                                         {"valid-but-\xFF-not-utf8", "UTF-8"}}) {
    auto st = check_password_strength(c.password);
    ASSERT_FALSE(st.ok()) << c.password;
    EXPECT_NE(st.error().message.find(c.why), std::string::npos) << c.password << ": " << st.error().message;
  }
  // Characters, not bytes: 12 two-byte characters pass the length rule, 11 do not.
  EXPECT_TRUE(check_password_strength("éàüößçñøåæœ€").ok());
  EXPECT_FALSE(check_password_strength("éàüößçñøåæœ").ok());
  auto same = check_password_strength("casey@example.org", "Casey@Example.org");
  ASSERT_FALSE(same.ok());
  EXPECT_NE(same.error().message.find("email"), std::string::npos);
}

// ---- against the server ----

// One raw exchange: the head, then up to `body_bytes` of body (zeros), then whatever answer comes within
// `timeout`. `from`: the local address to connect from (any 127.x address reaches the server). status 0: no
// answer.
struct Raw {
  int status = 0;
  std::string response;
  double seconds = 0;
};

Raw raw_exchange(int port, const std::string& head, size_t body_bytes = 0, int timeout_s = 10,
                 const char* from = nullptr) {
  Raw out;
  auto started = std::chrono::steady_clock::now();
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (from) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &local.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      ::close(fd);
      return out;
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return out;
  }
  timeval tv{timeout_s, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  (void)::send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  std::string chunk(64 * 1024, '\0');
  for (size_t sent = 0; sent < body_bytes;) {
    ssize_t n = ::send(fd, chunk.data(), std::min(chunk.size(), body_bytes - sent), MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.response.append(buf, static_cast<size_t>(n));
    auto end = out.response.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::smatch m;
      std::string head_part = out.response.substr(0, end);
      size_t length = 0;
      if (std::regex_search(head_part, m, std::regex("[Cc]ontent-[Ll]ength: *([0-9]+)")))
        length = std::stoul(m[1]);
      if (out.response.size() >= end + 4 + length) break;
    }
  }
  ::close(fd);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (out.response.rfind("HTTP/1.1 ", 0) == 0) out.status = std::stoi(out.response.substr(9, 3));
  return out;
}

// The value of a header in a raw response, "" when absent (first occurrence).
std::string raw_header(const std::string& response, const std::string& name) {
  std::string head = response.substr(0, response.find("\r\n\r\n"));
  std::string lower_head = head, lower_name = name;
  for (auto& c : lower_head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto& c : lower_name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto at = lower_head.find("\r\n" + lower_name + ":");
  if (at == std::string::npos) return "";
  size_t start = at + 3 + name.size();
  size_t end = head.find("\r\n", start);
  std::string v = head.substr(start, end == std::string::npos ? std::string::npos : end - start);
  return v.substr(v.find_first_not_of(' ') == std::string::npos ? v.size() : v.find_first_not_of(' '));
}

// The server's resident memory now and at its peak, in KiB (from /proc).
std::pair<long, long> rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  long now = 0, peak = 0;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) now = std::stol(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) peak = std::stol(line.substr(6));
  }
  return {now, peak};
}

// A signed-in session as a browser holds it: the cookie and the CSRF token.
struct Browser {
  std::string cookie, csrf;
};

class Hardening : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      std::string db = tom::test::temp_path("hardening.db");
      auto init = tom::test::run_tom({"--db", db, "init", "--demo"});
      if (init.exit_code != 0) throw std::runtime_error("tom init --demo failed: " + init.err);
      server_ = std::make_unique<ServerProcess>(db);
    } catch (const std::exception& e) {
      setup_error_ = e.what();
    }
  }
  static void TearDownTestSuite() { server_.reset(); }
  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << "suite set-up failed: " << setup_error_; }

  static int port() { return server_->port(); }
  static Browser browser(const std::string& email) {
    HttpClient c(port());
    auto r = c.request("POST", "/api/v1/session",
                       json::serialize(json::object{{"email", email}, {"password", kPassword}}),
                       {{"Content-Type", "application/json"}});
    EXPECT_EQ(r.status, 200) << r.body;
    std::string set = r.header("set-cookie");
    auto eq = set.find("tom_session=");
    Browser b;
    if (eq != std::string::npos) b.cookie = "tom_session=" + set.substr(eq + 12, set.find(';', eq) - eq - 12);
    if (r.json().is_object()) b.csrf = std::string(r.json().at("csrf_token").as_string());
    return b;
  }
  static HttpResponse form(const Browser& b, const std::string& target, const std::string& body) {
    HttpClient c(port());
    return c.request("POST", target, body,
                     {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", b.cookie}});
  }
  // CON-03 of assessment 3, which alex (Lakeside, holding it) may answer, and its section.
  static std::string section_of(const std::string& item) {
    HttpClient admin(port());
    admin.sign_in(kAdmin, kPassword);
    auto a = admin.get("/api/v1/assessments/3").json();
    const auto& detail = a.as_object().contains("assessment") ? a.at("assessment") : a;
    std::string tid(detail.at("template").as_string()), version(detail.at("template_version").as_string());
    auto t = admin.get("/api/v1/templates/" + tid + "/versions/" + version).json();
    for (const auto& s : t.at("sections").as_array())
      for (const auto& i : s.at("items").as_array())
        if (i.at("id").as_string() == item) return std::string(s.at("id").as_string());
    return "";
  }

  static std::unique_ptr<ServerProcess> server_;
  static std::string setup_error_;
};
std::unique_ptr<ServerProcess> Hardening::server_;
std::string Hardening::setup_error_;

std::string sign_in_form(const std::string& email, const std::string& next) {
  return "email=" + tom::http::percent_encode_component(email) +
         "&password=" + tom::http::percent_encode_component(kPassword) +
         "&next=" + tom::http::percent_encode_component(next);
}

TEST_F(Hardening, SignInRedirectsOnlyToPlainLocalPathsAndNeverSplitsHeaders) {
  HttpClient c(port());
  for (const std::string& next :
       {std::string("/\r\nSet-Cookie: tom_session=planted"), std::string("/\t/evil.example"),
        std::string("//evil.example"), std::string("/\\evil.example"), std::string("https://evil.example")}) {
    auto r = c.request("POST", "/sign-in", sign_in_form(kAlex, next),
                       {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.header("location"), "/") << "next=" << next;
    EXPECT_EQ(r.header("set-cookie").find("planted"), std::string::npos) << r.header("set-cookie");
  }
  auto ok = c.request("POST", "/sign-in", sign_in_form(kAlex, "/assessments/3"),
                      {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(ok.header("location"), "/assessments/3");
  // The raw bytes on the wire: exactly one Set-Cookie, and no header line the attacker wrote.
  std::string body = sign_in_form(kAlex, "/\r\nSet-Cookie: tom_session=planted\r\nX-Planted: 1");
  Raw raw =
      raw_exchange(port(),
                   "POST /sign-in HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded"
                   "\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
  EXPECT_EQ(raw.status, 303) << raw.response.substr(0, 400);
  EXPECT_EQ(raw.response.find("X-Planted"), std::string::npos) << raw.response.substr(0, 600);
  EXPECT_EQ(raw.response.find("planted"), std::string::npos) << raw.response.substr(0, 600);
  // The sign-in page carries only a safe `next` in its form.
  auto page = c.get("/sign-in?next=%2F%09%2Fevil.example");
  EXPECT_NE(page.body.find("name=\"next\" value=\"/\""), std::string::npos) << page.body.substr(0, 2000);
}

TEST_F(Hardening, SecurityHeadersOnEveryKindOfResponse) {
  Browser alex = browser(kAlex);
  std::vector<std::pair<std::string, Raw>> answers;
  auto get = [&](const std::string& target, const std::string& extra = "") {
    answers.emplace_back(target, raw_exchange(port(), "GET " + target + " HTTP/1.1\r\nHost: t\r\n" + extra +
                                                          "Connection: close\r\n\r\n"));
  };
  get("/sign-in");
  get("/", "Cookie: " + alex.cookie + "\r\n");
  get("/assets/app.js");
  get("/api/v1/me");
  get("/api/v1/me", "Cookie: " + alex.cookie + "\r\n");
  get("/no/such/page");
  answers.emplace_back("413", raw_exchange(port(),
                                           "POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Type: "
                                           "application/json\r\nContent-Length: 99999999\r\n\r\n"));
  for (const auto& [what, r] : answers) {
    ASSERT_NE(r.status, 0) << what;
    std::string csp = raw_header(r.response, "Content-Security-Policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << what << ": " << csp;
    EXPECT_NE(csp.find("script-src 'self';"), std::string::npos) << what << ": " << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << what << ": " << csp;
    EXPECT_EQ(raw_header(r.response, "X-Frame-Options"), "DENY") << what;
    EXPECT_EQ(raw_header(r.response, "X-Content-Type-Options"), "nosniff") << what;
    EXPECT_EQ(raw_header(r.response, "Referrer-Policy"), "no-referrer") << what;
  }
  // The pages need no inline script, so the policy can forbid it.
  for (const auto& [what, r] : answers) {
    std::regex inline_script("<script(?![^>]*\\bsrc=)[^>]*>", std::regex::icase);
    EXPECT_FALSE(std::regex_search(r.response, inline_script)) << what << " has an inline script";
  }
}

TEST_F(Hardening, LargeBodiesAreRefusedUnreadWhenNotSignedIn) {
  // The head announces a 30 MB upload and no body follows: the answer must come at once, from the head.
  struct Case {
    std::string head;
    int status;
  };
  Browser alex = browser(kAlex);
  for (const Case& c : std::vector<Case>{
           {"POST /api/v1/templates HTTP/1.1\r\nHost: t\r\nContent-Type: application/yaml\r\n"
            "Content-Length: 3000000\r\n\r\n",
            401},
           {"POST /templates HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            "Content-Length: 30000000\r\n\r\n",
            303},
           // (A signed-in person's upload is read, within the route's limit: its CSRF token is a field of the
           // body, never in the URL, and is checked once the body is in.)
           {"PUT /api/v1/assessments/3/answers/CON-03 HTTP/1.1\r\nHost: t\r\nCookie: " + alex.cookie +
                "\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n\r\n",
            403},
           // Anonymous routes take 16 KiB at most.
           {"POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
            "Content-Length: 20000\r\n\r\n",
            413},
           {"POST /sign-in HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            "Content-Length: 20000\r\n\r\n",
            413},
       }) {
    Raw r = raw_exchange(port(), c.head, 0, 5);
    EXPECT_EQ(r.status, c.status) << c.head.substr(0, 60) << ": " << r.response.substr(0, 300);
    EXPECT_LT(r.seconds, 3.0) << c.head.substr(0, 60) << ": the server waited for the body";
  }
}

TEST_F(Hardening, AnonymousUploadsDoNotGrowTheServer) {
  // 16 anonymous connections each send 4 MiB of a 30 MB upload; none of it is kept.
  auto [before, peak_before] = rss_kib(server_->pid());
  std::vector<std::thread> senders;
  std::vector<int> statuses(16, 0);
  for (int i = 0; i < 16; ++i)
    senders.emplace_back([&, i] {
      statuses[static_cast<size_t>(i)] =
          raw_exchange(
              port(),
              "POST /templates HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=b\r\n"
              "Content-Length: 30000000\r\n\r\n",
              4u << 20, 10)
              .status;
    });
  for (auto& t : senders) t.join();
  auto [after, peak_after] = rss_kib(server_->pid());
  for (int s : statuses) EXPECT_EQ(s, 303);
  std::cout << "[ figures ] server RSS before " << before / 1024 << " MiB, peak before " << peak_before / 1024
            << " MiB, peak after 16 anonymous 4 MiB upload attempts " << peak_after / 1024 << " MiB\n";
  EXPECT_LT(peak_after - peak_before, 16 * 1024) << "the server buffered anonymous upload bodies";
}

TEST_F(Hardening, SignInBoundsFieldSizesBeforeUse) {
  HttpClient c(port());
  auto long_email = c.request("POST", "/api/v1/session",
                              json::serialize(json::object{{"email", std::string(300, 'e') + "@x.example"},
                                                           {"password", "whatever-it-is"}}),
                              {{"Content-Type", "application/json"}});
  EXPECT_EQ(long_email.status, 400) << long_email.body;
  EXPECT_NE(long_email.body.find("254 characters"), std::string::npos) << long_email.body;
  auto long_password =
      c.request("POST", "/api/v1/session",
                json::serialize(json::object{{"email", kAlex}, {"password", std::string(2000, 'p')}}),
                {{"Content-Type", "application/json"}});
  EXPECT_EQ(long_password.status, 400) << long_password.body;
  EXPECT_NE(long_password.body.find("256 characters"), std::string::npos) << long_password.body;
  // A 99 KB email is refused by size before it is parsed at all.
  auto huge = c.request("POST", "/api/v1/session",
                        json::serialize(json::object{{"email", std::string(99'000, 'e')}, {"password", "x"}}),
                        {{"Content-Type", "application/json"}});
  EXPECT_EQ(huge.status, 413) << huge.body.substr(0, 200);
}

TEST_F(Hardening, InvalidUtf8AndNulAreRefusedAtTheDoorNamingTheField) {
  Browser alex = browser(kAlex);
  HttpClient api(port());
  api.sign_in(kAlex, kPassword);
  auto before = api.get("/api/v1/assessments/3/answers");
  ASSERT_EQ(before.status, 200);
  // JSON: a raw invalid byte, an escaped NUL, and one nested in a list.
  struct Case {
    std::string body, field;
  };
  for (const Case& c : std::vector<Case>{{"{\"value\": \"Yes\", \"note\": \"caf\xE9\"}", "note"},
                                         {"{\"value\": \"Ye\\u0000s\"}", "value"},
                                         {"{\"value\": \"\xED\xA0\x80\"}", "value"}}) {
    auto r = api.call("PUT", "/api/v1/assessments/3/answers/CON-03", c.body);
    EXPECT_EQ(r.status, 400) << c.body << ": " << r.body;
    EXPECT_NE(r.body.find("\"where\":\"" + c.field + "\""), std::string::npos) << r.body;
  }
  auto token = api.call("POST", "/api/v1/tokens", "{\"name\": [\"ok\", \"b\xFF\"]}");
  EXPECT_EQ(token.status, 400) << token.body;
  EXPECT_NE(token.body.find("name[1]"), std::string::npos) << token.body;

  // The section form, url-encoded: the field is named and nothing is stored.
  std::string section = section_of("CON-03");
  ASSERT_FALSE(section.empty());
  std::string target = "/assessments/3/sections/" + section;
  for (const auto& [value, why] : std::vector<std::pair<std::string, std::string>>{
           {"caf%E9", "not valid UTF-8"}, {"Yes%00", "NUL byte"}, {"%C0%AF", "not valid UTF-8"}}) {
    auto r = form(alex, target,
                  "_csrf=" + alex.csrf +
                      "&version.CON-03=0&was.CON-03=&wasnote.CON-03=&note.CON-03=x&value.CON-03=" + value);
    EXPECT_EQ(r.status, 400) << value << ": " << r.body.substr(0, 300);
    EXPECT_NE(r.body.find("value.CON-03"), std::string::npos) << r.body.substr(0, 3000);
    EXPECT_NE(r.body.find(why), std::string::npos) << r.body.substr(0, 3000);
  }
  // A multipart text field (the upload form's id) likewise, before the workbook is looked at.
  Browser admin = browser(kAdmin);
  std::string multipart = "--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + admin.csrf +
                          "\r\n--b\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nbad\xFF"
                          "id\r\n--b--\r\n";
  HttpClient c(port());
  auto up = c.request("POST", "/templates", multipart,
                      {{"Content-Type", "multipart/form-data; boundary=b"}, {"Cookie", admin.cookie}});
  EXPECT_EQ(up.status, 400) << up.body.substr(0, 300);
  EXPECT_NE(up.body.find("field &apos;id&apos; is not valid UTF-8"), std::string::npos)
      << up.body.substr(0, 3000);

  // Nothing was stored, and what is stored still reads (the answers and the JSON export).
  auto after = api.get("/api/v1/assessments/3/answers");
  EXPECT_EQ(after.status, 200);
  EXPECT_EQ(after.body, before.body);
  EXPECT_EQ(api.get("/api/v1/assessments/3/check").status, 200);
}

TEST_F(Hardening, ApiTokensLastThirtyDaysByDefaultAndCanBeRevoked) {
  HttpClient alex(port());
  alex.sign_in(kAlex, kPassword);
  auto made = alex.post("/api/v1/tokens", json::object{{"name", "nightly export"}});
  ASSERT_EQ(made.status, 201) << made.body;
  auto v = made.json();
  std::string token(v.at("token").as_string()), id(v.at("id").as_string());
  std::string created(v.at("created_at").as_string()), expires(v.at("expires_at").as_string());
  // 30 days, by the date: created 2026-01-01 -> expires 2026-01-31.
  auto days = [](const std::string& iso) {
    std::tm tm{};
    strptime(iso.substr(0, 10).c_str(), "%Y-%m-%d", &tm);
    return timegm(&tm) / 86400;
  };
  EXPECT_EQ(days(expires) - days(created), 30) << created << " -> " << expires;
  for (int bad : {0, 366, -1})
    EXPECT_EQ(alex.post("/api/v1/tokens", json::object{{"name", "x"}, {"expires_in_days", bad}}).status, 400)
        << bad;
  auto week = alex.post("/api/v1/tokens", json::object{{"name", "a week"}, {"expires_in_days", 7}});
  ASSERT_EQ(week.status, 201);
  EXPECT_EQ(days(std::string(week.json().at("expires_at").as_string())) - days(created), 7);

  // Listed by id and name, never the token.
  auto list = alex.get("/api/v1/tokens");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find(id), std::string::npos);
  EXPECT_NE(list.body.find("nightly export"), std::string::npos);
  EXPECT_EQ(list.body.find(token.substr(4)), std::string::npos) << "the list shows the token";

  HttpClient script(port());
  script.use_bearer(token);
  EXPECT_EQ(script.get("/api/v1/me").status, 200);
  // Another user cannot see or revoke it.
  HttpClient sam(port());
  ASSERT_EQ(sam.sign_in(kAdmin, kPassword).status, 200);
  EXPECT_EQ(sam.get("/api/v1/tokens").body.find(id), std::string::npos);
  EXPECT_EQ(sam.del("/api/v1/tokens/" + id).status, 404);
  EXPECT_EQ(script.get("/api/v1/me").status, 200);
  EXPECT_EQ(alex.del("/api/v1/tokens/not-an-id").status, 404);
  // Revoked: it stops working at once, leaves the list, and the audit trail records it.
  EXPECT_EQ(alex.del("/api/v1/tokens/" + id).status, 204);
  EXPECT_EQ(script.get("/api/v1/me").status, 401);
  EXPECT_EQ(alex.get("/api/v1/tokens").body.find(id), std::string::npos);
  EXPECT_EQ(alex.del("/api/v1/tokens/" + id).status, 404);
  bool audited = false;
  for (int64_t after = 0;;) {
    auto page = sam.get("/api/v1/audit?after=" + std::to_string(after)).json();
    ASSERT_TRUE(page.is_array());
    for (const auto& e : page.as_array()) {
      after = e.at("seq").to_number<int64_t>();
      audited = audited || (e.at("action").as_string() == "token.revoke" &&
                            json::serialize(e).find(id) != std::string::npos);
    }
    if (page.as_array().size() < 1000) break;
  }
  EXPECT_TRUE(audited) << "no token.revoke event names the token";
}

TEST_F(Hardening, WeakPasswordsAreRefusedThroughTheApiAndThePeoplePage) {
  HttpClient admin(port());
  admin.sign_in(kAdmin, kPassword);
  for (const char* weak : {"aaaaaaaaaa", "aaaaaaaaaaaa", "password1234", "short-pw"}) {
    auto r = admin.post("/api/v1/users", json::object{{"email", std::string("weak@example.org")},
                                                      {"name", "Weak"},
                                                      {"password", weak},
                                                      {"organisation_id", 1},
                                                      {"roles", json::array{"editor"}}});
    EXPECT_EQ(r.status, 400) << weak << ": " << r.body;
  }
  Browser b = browser(kAdmin);
  auto page =
      form(b, "/users",
           "_csrf=" + b.csrf +
               "&email=weak%40example.org&name=Weak&organisation_id=1&roles=editor&password=aaaaaaaaaaaa");
  EXPECT_EQ(page.status, 400) << page.body.substr(0, 300);
  EXPECT_NE(page.body.find("repeated"), std::string::npos) << page.body.substr(0, 3000);
  EXPECT_EQ(admin.get("/api/v1/users").body.find("weak@example.org"), std::string::npos);
  auto good = admin.post("/api/v1/users", json::object{{"email", std::string("strong@example.org")},
                                                       {"name", "Strong"},
                                                       {"password", "a-long-password-2026"},
                                                       {"organisation_id", 1},
                                                       {"roles", json::array{"editor"}}});
  EXPECT_EQ(good.status, 201) << good.body;
}

// The limiter through the front doors, on its own server so its failures do not touch the other tests.
class SignInLockout : public Hardening {
 protected:
  static void SetUpTestSuite() { Hardening::SetUpTestSuite(); }
  static void TearDownTestSuite() { Hardening::TearDownTestSuite(); }
  static int sign_in_from(const char* from, const std::string& email, const std::string& password) {
    std::string body = json::serialize(json::object{{"email", email}, {"password", password}});
    return raw_exchange(port(),
                        "POST /api/v1/session HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                        "Connection: close\r\nContent-Length: " +
                            std::to_string(body.size()) + "\r\n\r\n" + body,
                        0, 30, from)
        .status;
  }
};

TEST_F(SignInLockout, OneAddressCannotLockOutOtherPeople) {
  // 20 failures from one address, spread over many emails: the others behind that address still sign in.
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(sign_in_from("127.0.0.1", "nobody" + std::to_string(i) + "@example.org", "wrong-password"),
              401);
  EXPECT_EQ(sign_in_from("127.0.0.1", kAlex, kPassword), 200)
      << "20 failures locked out everyone behind 127.0.0.1";
  // Five failures for one account from one address block that account there ...
  for (int i = 0; i < 5; ++i) EXPECT_EQ(sign_in_from("127.0.0.1", kAdmin, "wrong-password"), 401);
  EXPECT_EQ(sign_in_from("127.0.0.1", kAdmin, kPassword), 429);
  // ... and not from elsewhere, nor for anyone else.
  EXPECT_EQ(sign_in_from("127.0.0.2", kAdmin, kPassword), 200)
      << "one address locked the account out everywhere";
  EXPECT_EQ(sign_in_from("127.0.0.1", kAlex, kPassword), 200);
  // The web sign-in form shares the same rules.
  HttpClient c(port());
  auto page = c.request("POST", "/sign-in", sign_in_form(kAdmin, "/"),
                        {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(page.status, 429) << page.body.substr(0, 300);
}

}  // namespace
