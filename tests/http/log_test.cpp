// The server's log (http/log.hpp): the lines keep the format they always had, every line accepted is written
// (in order per thread) by the time the Log is gone, and a blocked stderr drops lines, counted, instead of
// holding up the caller.
#include "http/log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "support/http_client.hpp"
#include "support/test_support.hpp"

namespace tom::http {
namespace {

using namespace std::chrono;

// The request line as the transport wrote it before the Log existed (an ostream on stderr), for comparison.
std::string escaped_as_before(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\')
      out += '\\', out += static_cast<char>(c);
    else if (c < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      out += b;
    } else
      out += static_cast<char>(c);
  }
  return out;
}

std::string line_as_before(Clock::TimePoint t, const Request& r, int status, double ms, size_t bytes) {
  std::ostringstream o;
  o << "{\"ts\":\"" << iso_utc(t) << "\",\"level\":\"info\",\"msg\":\"request\",\"method\":\""
    << escaped_as_before(r.method) << "\",\"path\":\"" << escaped_as_before(r.path)
    << "\",\"status\":" << status << ",\"ms\":" << ms << ",\"bytes\":" << bytes << ",\"remote\":\""
    << escaped_as_before(r.remote) << "\"}\n";
  return o.str();
}

TEST(LogFormat, TimesAreWrittenAsIsoUtcDoesAcrossSecondsAndDays) {
  // 2026-12-31T23:59:58.000Z, then steps of 7 ms into the next year: the per-second cache must follow.
  auto start = Clock::TimePoint(seconds(1798761598));
  for (int i = 0; i < 1000; ++i) {
    auto t = start + milliseconds(7 * i);
    std::string out;
    append_iso_utc(out, t);
    ASSERT_EQ(out, iso_utc(t)) << i;
  }
  std::string back;
  append_iso_utc(back, start + milliseconds(999));
  append_iso_utc(back, start);  // an earlier second after a later one
  EXPECT_EQ(back, iso_utc(start + milliseconds(999)) + iso_utc(start));
}

TEST(LogFormat, RequestLinesAreTheOnesTheTransportAlwaysWrote) {
  Request r;
  r.method = "GET";
  r.path = "/api/v1/\"quoted\"\\back\nline\x01";
  r.remote = "127.0.0.1";
  auto t = Clock::TimePoint(milliseconds(1795000000123));
  for (double ms : {0.538836, 12.0, 0.0001234567, 1234567.5, 0.0}) {
    std::string out;
    append_request_line(out, t, r, 200, ms, 35);
    EXPECT_EQ(out, line_as_before(t, r, 200, ms, 35));
  }
  std::string out;
  append_request_line(out, t, r, 404, 3.25, 0);
  EXPECT_EQ(out,
            "{\"ts\":\"2026-11-18T11:06:40.123Z\",\"level\":\"info\",\"msg\":\"request\",\"method\":\"GET\","
            "\"path\":\"/api/v1/\\\"quoted\\\"\\\\back\\u000aline\\u0001\",\"status\":404,\"ms\":3.25,"
            "\"bytes\":0,\"remote\":\"127.0.0.1\"}\n");
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

TEST(Log, EveryLineFromEveryThreadIsWrittenInOrderByTheTimeTheLogIsGone) {
  std::string path = test::temp_path("log-all.jsonl");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  constexpr int kThreads = 4, kLines = 20000;
  {
    // Room for every line: this test is about order and completeness; dropping under a full buffer has its
    // own test (on a busy machine the writer can fall behind 80,000 lines written as fast as they can be).
    Log log(fd, 64u << 20);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        Request r;
        r.method = "GET";
        r.remote = "thread" + std::to_string(t);
        for (int i = 0; i < kLines; ++i) {
          r.path = "/" + std::to_string(i);
          log.request(r, 200, 1.0, 0);
        }
      });
    for (auto& th : threads) th.join();
    log.error("the last line");
    EXPECT_EQ(log.dropped(), 0);
  }
  ::close(fd);
  auto lines = lines_of(test::read_text(path));
  ASSERT_EQ(lines.size(), size_t{kThreads * kLines + 1});
  std::map<std::string, int> next;  // per thread, the path the next line must have
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    const auto& l = lines[i];
    auto p = l.find("\"path\":\"/") + 9, re = l.find("\"remote\":\"") + 10;
    std::string remote = l.substr(re, l.find('"', re) - re);
    ASSERT_EQ(std::stoi(l.substr(p)), next[remote]++) << l;
  }
  EXPECT_NE(lines.back().find("\"level\":\"error\",\"msg\":\"the last line\"}"), std::string::npos);
}

TEST(Log, FlushReturnsOnceTheLinesAreWritten) {
  std::string path = test::temp_path("log-flush.jsonl");
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  Log log(fd);
  log.error("one");
  log.flush();
  EXPECT_EQ(lines_of(test::read_text(path)).size(), 1u);
  log.error("two");
  log.flush();
  EXPECT_EQ(lines_of(test::read_text(path)).size(), 2u);
  ::close(fd);
}

TEST(Log, ABlockedStderrDropsLinesAndCountsThemInsteadOfHoldingUpRequests) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  ::fcntl(p[1], F_SETPIPE_SZ, 4096);  // nobody reads yet: the writer blocks once the pipe is full
  std::optional<Log> log;
  log.emplace(p[1], 16 * 1024);
  Request r;
  r.method = "GET";
  r.path = "/health";
  auto started = steady_clock::now();
  for (int i = 0; i < 5000; ++i) log->request(r, 200, 0.5, 35);
  // 5000 lines against a pipe nobody drains: the calls must not have waited for it.
  EXPECT_LT(steady_clock::now() - started, seconds(2));
  long dropped = log->dropped();
  EXPECT_GT(dropped, 0);
  std::string text;
  std::thread reader([&] {
    char b[4096];
    for (ssize_t n; (n = ::read(p[0], b, sizeof b)) > 0;) text.append(b, static_cast<size_t>(n));
  });
  log.reset();  // writes what it accepted, and the count of what it dropped
  ::close(p[1]);
  reader.join();
  ::close(p[0]);
  long requests = 0, reported = 0;
  for (const auto& l : lines_of(text)) {
    if (l.find("\"msg\":\"request\"") != std::string::npos) {
      ++requests;
    } else {
      ASSERT_NE(l.find("\"level\":\"warn\""), std::string::npos) << l;
      auto at = l.find("\"dropped\":");
      ASSERT_NE(at, std::string::npos) << l;
      reported += std::stol(l.substr(at + 10));
    }
  }
  EXPECT_EQ(reported, dropped);
  EXPECT_EQ(requests + dropped, 5000);
}

// The whole server: every request answered, up to the SIGTERM that stops it mid-load, has its line in the log
// once the process is gone (the last lines are still in memory when the signal comes).
TEST(Log, TheServerLogsEveryRequestItAnsweredUpToItsStop) {
  std::string db = test::temp_path("log-serve.db");
  ASSERT_EQ(test::run_tom({"--db", db, "init"}).exit_code, 0);
  test::ServerProcess server(db);
  constexpr int kClients = 4;
  std::atomic<int> answered{0}, answered_404{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c)
    clients.emplace_back([&, port = server.port()] {
      test::HttpClient client(port);
      try {
        for (int i = 0;; ++i) {
          int status = client.get(i % 2 ? "/health" : "/nothing-here").status;
          ++answered;
          if (status == 404) ++answered_404;
        }
      } catch (const std::exception&) {
        // the server stopped
      }
    });
  std::this_thread::sleep_for(milliseconds(500));
  server.terminate();
  for (auto& t : clients) t.join();
  ASSERT_GT(answered, 100);
  int logged = 0, logged_404 = 0;
  for (const auto& l : lines_of(server.log())) {
    if (l.find("\"msg\":\"request\"") == std::string::npos) continue;
    ++logged;
    auto v = boost::json::parse(l).as_object();
    EXPECT_EQ(v.at("method").as_string(), "GET");
    EXPECT_EQ(v.at("remote").as_string(), "127.0.0.1");
    if (v.at("status").as_int64() == 404) {
      ++logged_404;
      EXPECT_EQ(v.at("path").as_string(), "/nothing-here");
    }
  }
  // A response can be written and logged but not read, when its connection is cut: at most one per client.
  EXPECT_GE(logged, answered);
  EXPECT_LE(logged, answered + kClients);
  EXPECT_GE(logged_404, answered_404);
}

}  // namespace
}  // namespace tom::http
