// One assessment's history through the API and the history page once the whole log is past 100,000 events:
// the newest events must still show (they were dropped when the history was filtered from the log's first
// 100,000 events in memory), and both pages go on to older events.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "support/http_client.hpp"
#include "support/test_support.hpp"

namespace tom {
namespace {

namespace json = boost::json;
using test::HttpClient;
using test::ServerProcess;

void exec(const std::string& db, const std::string& sql) {
  sqlite3* c = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &c), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(c, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_close(c);
}

bool has_column(const std::string& db, const std::string& table, const std::string& column) {
  sqlite3* c = nullptr;
  EXPECT_EQ(sqlite3_open(db.c_str(), &c), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(c, ("SELECT 1 FROM pragma_table_info('" + table + "') WHERE name = ?").c_str(), -1, &st,
                     nullptr);
  sqlite3_bind_text(st, 1, column.c_str(), -1, SQLITE_TRANSIENT);
  bool found = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  sqlite3_close(c);
  return found;
}

TEST(AuditHistory, NewestEventsShowPastOneHundredThousandAndOlderOnesArePaged) {
  std::string db = test::temp_path("history.db");
  ASSERT_EQ(test::run_tom({"--db", db, "init", "--demo"}).exit_code, 0);
  // 100,000 events of other things, then 250 of assessment 3, written straight into the log (the chain is not
  // what this test is about: only what the history lists).
  exec(db,
       "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100250) "
       "INSERT INTO audit_events (seq, at, actor, action, entity, entity_key, before_json, after_json, "
       "prev_hash, hash) SELECT (SELECT seq FROM audit_head) + i, '2026-01-01T00:00:00.000Z', "
       "'bulk', 'note.add', CASE WHEN i > 100000 THEN 'answer' ELSE 'organisation' END, "
       "CASE WHEN i > 100000 THEN '3/BULK-' || i ELSE 'org/999' END, '', '{}', '', 'x' FROM n; "
       "UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_events), hash = 'x'");
  // Filed under their assessment as tom files every event, where the schema has the column for it (the test
  // also runs, and fails, against a tom from before).
  if (has_column(db, "audit_events", "assessment_id"))
    exec(db,
         "UPDATE audit_events SET assessment_id = CASE WHEN entity_key LIKE '3/%' THEN 3 ELSE 0 END "
         "WHERE actor = 'bulk'");
  // Then one real change to assessment 3, after all of them: an answer saved again with its value.
  std::string item, value;
  {
    sqlite3* c = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &c), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(c,
                       "SELECT item_id, value FROM answers WHERE assessment_id = 3 ORDER BY item_id LIMIT 1",
                       -1, &st, nullptr);
    ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
    item = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    value = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
    sqlite3_finalize(st);
    sqlite3_close(c);
  }
  auto saved = test::run_tom({"--db", db, "--user", "newest-writer", "answer", "3", item, value});
  ASSERT_EQ(saved.exit_code, 0) << saved.err;

  ServerProcess server(db);
  HttpClient alex(server.port());
  ASSERT_EQ(alex.sign_in("alex.morgan@lakeside.example").status, 200);

  // The API: oldest first, up to 200 a page, following next_cursor; every page says the same total.
  std::vector<json::value> events;
  int64_t total = -1;
  for (std::string cursor;;) {
    auto r = alex.get("/api/v1/assessments/3/audit?limit=200" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    auto body = r.json();
    auto page = body.at("items").as_array();
    EXPECT_LE(page.size(), 200u);
    if (total < 0) total = body.at("total").as_int64();
    EXPECT_EQ(body.at("total").as_int64(), total);
    for (const auto& e : page) {
      std::string key(e.at("key").as_string());
      EXPECT_TRUE(key == "3" || key.rfind("3/", 0) == 0) << key;
      events.push_back(e);
    }
    if (body.at("next_cursor").is_null()) break;
    cursor = std::string(body.at("next_cursor").as_string());
    ASSERT_LT(events.size(), 100000u) << "the pages do not end";
  }
  ASSERT_GT(events.size(), 250u);
  EXPECT_EQ(static_cast<int64_t>(events.size()), total);
  // ?after=SEQ still starts after an event; a cursor that is not one is a 400 naming it.
  auto after =
      alex.get("/api/v1/assessments/3/audit?after=" + std::to_string(events[9].at("seq").as_int64()));
  ASSERT_EQ(after.status, 200);
  EXPECT_EQ(after.json().at("items").at(0).at("seq"), events[10].at("seq"));
  auto bad = alex.get("/api/v1/assessments/3/audit?cursor=x.1.");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("cursor"), std::string::npos) << bad.body;
  EXPECT_EQ(events.back().at("actor").as_string(), "newest-writer");
  EXPECT_GT(events.back().at("seq").as_int64(), 100000);
  for (size_t i = 1; i < events.size(); ++i)
    EXPECT_LT(events[i - 1].at("seq").as_int64(), events[i].at("seq").as_int64());

  // The page: newest first, 200 at a time, with a link to older changes.
  auto first = alex.get("/assessments/3/history");
  ASSERT_EQ(first.status, 200);
  size_t newest = first.body.find("newest-writer"), bulk = first.body.find(">bulk<");
  ASSERT_NE(newest, std::string::npos) << "the newest change is not on the history page";
  EXPECT_LT(newest, bulk);
  auto rows = [](const std::string& html) {  // table rows less the header's
    size_t n = 0;
    for (size_t p = html.find("<tr class=\"nhsuk-table__row\""); p != std::string::npos;
         p = html.find("<tr class=\"nhsuk-table__row\"", p + 1))
      ++n;
    return n - 1;
  };
  EXPECT_EQ(rows(first.body), 200u);
  EXPECT_NE(first.body.find("Showing 1 to 200 of " + std::to_string(events.size())), std::string::npos)
      << "the page does not say how many changes there are";
  auto link_of = [](const std::string& html, const std::string& rel) -> std::string {
    size_t at = html.find("rel=\"" + rel + "\"");
    if (at == std::string::npos) return "";
    size_t href = html.rfind("href=\"", at);
    std::string s = html.substr(href + 6, html.find('"', href + 6) - href - 6);
    for (size_t p = s.find("&amp;"); p != std::string::npos; p = s.find("&amp;")) s.replace(p, 5, "&");
    return s;
  };
  std::string next = link_of(first.body, "next");
  ASSERT_FALSE(next.empty()) << "no link to older changes";
  EXPECT_TRUE(link_of(first.body, "prev").empty()) << "the first page links to a page before it";
  auto older = alex.get(next);
  ASSERT_EQ(older.status, 200);
  EXPECT_EQ(older.body.find("newest-writer"), std::string::npos);
  EXPECT_TRUE(link_of(older.body, "next").empty()) << "the second page is the last";
  EXPECT_EQ(rows(first.body) + rows(older.body), events.size()) << "every event is on one of the pages";
  // Previous from the second page is the first page again, newest first.
  std::string prev = link_of(older.body, "prev");
  ASSERT_FALSE(prev.empty()) << "the second page has no link back";
  auto again = alex.get(prev);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(rows(again.body), 200u);
  EXPECT_NE(again.body.find("newest-writer"), std::string::npos)
      << "Previous did not come back to the newest";
}

TEST(AuditHistory, VerifyOverTheApiGivesASignedHeadAndNamesARowChangedWithNoEvent) {
  std::string db = test::temp_path("verify.db");
  ASSERT_EQ(test::run_tom({"--db", db, "init", "--demo"}).exit_code, 0);
  ServerProcess server(db);
  HttpClient priya(server.port());
  ASSERT_EQ(priya.sign_in("priya.shah@nhsdigital.example").status, 200);
  auto intact = priya.get("/api/v1/audit/verify").json();
  EXPECT_TRUE(intact.at("ok").as_bool()) << json::serialize(intact);
  const auto& head = intact.at("head");
  ASSERT_TRUE(head.is_object()) << json::serialize(intact);
  EXPECT_EQ(head.at("events").as_int64(), intact.at("checked").to_number<int64_t>());
  EXPECT_EQ(head.at("mac").as_string().size(), 64u);

  exec(db, "UPDATE assessments SET custodian = 'smsc' WHERE id = 1");
  auto broken = priya.get("/api/v1/audit/verify").json();
  EXPECT_FALSE(broken.at("ok").as_bool());
  EXPECT_TRUE(broken.at("head").is_null()) << "a broken trail gets no signed head";
  std::string problems;
  for (const auto& p : broken.at("problems").as_array()) problems += std::string(p.as_string()) + "\n";
  EXPECT_NE(problems.find("assessments: assessment 1: custodian is \"smsc\""), std::string::npos) << problems;
}

}  // namespace
}  // namespace tom
