// What must hold when things go wrong: a server killed mid-write loses no acknowledged answer, and two
// servers on one PostgreSQL database see each other's writes.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "support/http_client.hpp"
#include "support/test_support.hpp"

namespace tom {
namespace {

namespace json = boost::json;
using test::HttpClient;
using test::ServerProcess;

// Free-text items the trust answers in assessment 3 (e-RS, held by the trust in the demo data).
std::vector<std::string> text_items(HttpClient& c, int64_t a, size_t n) {
  std::vector<std::string> out;
  std::string base = "/api/v1/assessments/" + std::to_string(a);
  auto sections = c.get(base + "/sections").json();
  for (const auto& s : sections.as_array()) {
    auto sec = c.get(base + "/sections/" + std::string(s.at("id").as_string())).json();
    for (const auto& i : sec.at("items").as_array())
      if (i.at("editable").as_bool() && i.at("choices").as_array().empty() &&
          i.at("answer_type").as_string() == "text" && out.size() < n)
        out.emplace_back(i.at("id").as_string());
  }
  return out;
}

TEST(Durability, KillNineLosesNoAcknowledgedWrite) {
  std::string db = test::temp_path("crash.db");
  ASSERT_EQ(test::run_tom({"--db", db, "init", "--demo"}).exit_code, 0);
  auto server = std::make_unique<ServerProcess>(db);
  HttpClient probe(server->port());
  ASSERT_EQ(probe.sign_in("alex.morgan@lakeside.example").status, 200);
  auto items = text_items(probe, 3, 8);
  ASSERT_EQ(items.size(), 8u);

  // Four writers, two items each, each write naming the version it replaces. Record what was acknowledged.
  std::mutex mu;
  std::map<std::string, std::pair<int64_t, std::string>> acknowledged;  // item -> version, value
  std::atomic<bool> stop{false};
  std::atomic<int> acks{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w, port = server->port()] {
      HttpClient c(port);
      try {
        if (c.sign_in("alex.morgan@lakeside.example").status != 200) return;
      } catch (const std::exception&) {
        return;
      }
      std::map<std::string, int64_t> version;
      for (int n = 0; !stop; ++n) {
        const std::string& item = items[static_cast<size_t>(w * 2 + n % 2)];
        std::string value = "writer " + std::to_string(w) + " write " + std::to_string(n);
        try {
          std::string tag = version[item] ? "\"v" + std::to_string(version[item]) + "\"" : "";
          auto r = c.put("/api/v1/assessments/3/answers/" + item, json::object{{"value", value}}, tag);
          if (r.status != 200) continue;
          version[item] = r.json().at("version").as_int64();
          std::lock_guard lock(mu);
          acknowledged[item] = {version[item], value};
          ++acks;
        } catch (const std::exception&) {
          return;  // the server is gone
        }
      }
    });
  }
  // Kill once every writer has had writes acknowledged (bounded: at most 20 s).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  auto ready = [&] {
    std::lock_guard lock(mu);
    return acks >= 40 && acknowledged.size() >= 8;
  };
  while (!ready() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server->kill9();
  stop = true;
  for (auto& t : writers) t.join();

  // Restart on the same file: every acknowledged write is there (a later unacknowledged one may be too).
  ServerProcess again(db);
  HttpClient reader(again.port());
  ASSERT_EQ(reader.sign_in("alex.morgan@lakeside.example").status, 200);
  ASSERT_GE(acknowledged.size(), 8u);
  for (const auto& [item, ack] : acknowledged) {
    auto r = reader.get("/api/v1/assessments/3/answers/" + item);
    ASSERT_EQ(r.status, 200) << item;
    int64_t stored = r.json().at("version").as_int64();
    EXPECT_GE(stored, ack.first) << item << " lost acknowledged version " << ack.first;
    if (stored == ack.first) {
      EXPECT_EQ(r.json().at("value").as_string(), ack.second) << item;
    }
  }
  auto verify = test::run_tom({"--db", db, "audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

TEST(Durability, TwoServersShareOnePostgresDatabase) {
  std::string url = test::fresh_postgres_url();
  if (url.empty()) {
    if (std::getenv("CI")) FAIL() << "TOM_TEST_PG is not set in CI";
    GTEST_SKIP() << "TOM_TEST_PG not set";
  }
  ASSERT_EQ(test::run_tom({"--db", url, "init", "--demo"}).exit_code, 0);
  ServerProcess one(url), two(url);
  HttpClient a(one.port()), b(two.port());
  ASSERT_EQ(a.sign_in("alex.morgan@lakeside.example").status, 200);
  // A session made on one server works on the other: they share the database.
  ASSERT_EQ(b.sign_in("alex.morgan@lakeside.example").status, 200);
  auto items = text_items(a, 3, 1);
  ASSERT_EQ(items.size(), 1u);
  auto w =
      a.put("/api/v1/assessments/3/answers/" + items[0], json::object{{"value", "written on server one"}});
  ASSERT_EQ(w.status, 200) << w.body;
  auto r = b.get("/api/v1/assessments/3/answers/" + items[0]);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json().at("value").as_string(), "written on server one");
  // A write on two with one's version succeeds; a second write with the same version is refused on either.
  std::string tag = r.header("etag");
  ASSERT_EQ(
      b.put("/api/v1/assessments/3/answers/" + items[0], json::object{{"value", "then on server two"}}, tag)
          .status,
      200);
  EXPECT_EQ(a.put("/api/v1/assessments/3/answers/" + items[0], json::object{{"value", "stale"}}, tag).status,
            409);
  EXPECT_EQ(a.get("/api/v1/assessments/3/answers/" + items[0]).json().at("value").as_string(),
            "then on server two");
  // Both servers append to one audit chain, which still verifies.
  EXPECT_EQ(test::run_tom({"--db", url, "audit", "verify"}).exit_code, 0);
}

TEST(Durability, GracefulShutdownAnswersAndExits) {
  std::string db = test::temp_path("graceful.db");
  ASSERT_EQ(test::run_tom({"--db", db, "init"}).exit_code, 0);
  ServerProcess server(db);
  HttpClient c(server.port());
  EXPECT_EQ(c.get("/health").status, 200);
  server.terminate();
  EXPECT_NE(server.log().find("TOM Workbench stopped"), std::string::npos) << server.log();
}

}  // namespace
}  // namespace tom
