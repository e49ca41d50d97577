// Summaries (domain::AssessmentSummary), the read side: every list filtered, ordered, counted and paged in
// the database, from the rows store/summaries.cpp keeps.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>

#include "core/text.hpp"
#include "store/query_builder.hpp"
#include "store/sql_store.hpp"
#include "store/summary_rows.hpp"

namespace tom::store {

using namespace tom::domain;
using sql::integer;
using sql::Param;
using sql::Query;
using sql::text;

namespace {

// The columns every read of a summary takes, in this order (from_row reads them).
const char* const kColumns =
    "s.assessment_id, s.template_id, s.template_version, s.product, s.custodian, s.created_at, s.required, "
    "s.answered, s.open_findings, s.open_escalations, s.awaiting_acceptance, s.approved, d.detail, "
    "a.product_version, a.title, a.derived_from, a.created_by, s.rag";
const char* const kFrom =
    " FROM assessment_summaries s JOIN assessments a ON a.id = s.assessment_id "
    "JOIN assessment_summary_details d ON d.assessment_id = s.assessment_id";

Result<SummaryRow> from_row(const sql::Row& r) {
  SummaryRow out;
  Assessment& a = out.assessment;
  AssessmentSummary& s = out.summary;
  a.id = s.assessment_id = integer(r, 0);
  a.template_id = text(r, 1);
  a.template_version = text(r, 2);
  a.product = text(r, 3);
  a.custodian = text(r, 4);
  a.created_at = text(r, 5);
  s.required = integer(r, 6);
  s.answered = integer(r, 7);
  s.open_findings = integer(r, 8);
  s.open_escalations = integer(r, 9);
  s.awaiting_acceptance = integer(r, 10);
  s.approved = integer(r, 11) != 0;
  TOM_TRY(read_detail(text(r, 12), s));
  for (const auto& p : s.players) a.participants.push_back({p.party, p.organisation_id});
  a.product_version = text(r, 13);
  a.title = text(r, 14);
  a.derived_from = integer(r, 15);
  a.created_by = text(r, 16);
  out.percent = s.required == 0 ? 100 : s.answered * 100 / s.required;
  out.rag = text(r, 17);
  return out;
}

// The date `days` after `date` (YYYY-MM-DD, checked by the caller), by the civil calendar.
std::string add_days(const std::string& date, int days) {
  using namespace std::chrono;
  year_month_day ymd{year{std::stoi(date.substr(0, 4))},
                     month{static_cast<unsigned>(std::stoi(date.substr(5, 2)))},
                     day{static_cast<unsigned>(std::stoi(date.substr(8, 2)))}};
  year_month_day out{sys_days{ymd} + std::chrono::days{days}};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(out.year()),
                static_cast<unsigned>(out.month()), static_cast<unsigned>(out.day()));
  return text;
}

bool one_of(const std::string& v, std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (v == a) return true;
  return false;
}

Status check_query(const SummaryQuery& q) {
  if (q.today.size() != 10) return Error::invalid("a summary query needs today's date (YYYY-MM-DD)");
  if (!one_of(q.rag, {"", "Red", "Amber", "Green"}))
    return Error::invalid("the status must be Red, Amber or Green, not '" + q.rag + "'");
  if (!one_of(q.group, {"", "mine", "others", "approved"}))
    return Error::invalid("the group must be mine, others or approved, not '" + q.group + "'");
  if (!one_of(q.sort, {"", "newest", "oldest", "product", "progress"}))
    return Error::invalid("the order must be newest, oldest, product or progress, not '" + q.sort + "'");
  if (q.expiring_within_days > 3660) return Error::invalid("look at most ten years ahead for expiries");
  return ok_status();
}

// The WHERE clause of the query's filters ("" when none): visibility first, then each filter in use.
std::string where_sql(Builder& b, const SummaryQuery& q, bool with_rag, sql::Dialect dialect) {
  std::vector<std::string> parts;
  if (q.visible_to != 0)
    parts.push_back("s.assessment_id IN (SELECT assessment_id FROM participants WHERE organisation_id = " +
                    b.arg(q.visible_to) + ")");
  if (q.organisation != 0)
    parts.push_back("s.assessment_id IN (SELECT assessment_id FROM participants WHERE organisation_id = " +
                    b.arg(q.organisation) + ")");
  if (!q.template_id.empty()) parts.push_back("s.template_id = " + b.arg(q.template_id));
  if (!q.template_version.empty()) parts.push_back("s.template_version = " + b.arg(q.template_version));
  if (!q.custodian.empty()) parts.push_back("s.custodian = " + b.arg(q.custodian));
  if (!q.phase_state.empty())
    parts.push_back("s.phase_states LIKE " +
                    b.arg(like_pattern(";" + (q.phase.empty() ? "" : q.phase + "=") + q.phase_state + ";")) +
                    " ESCAPE '!'");
  if (q.open_escalations) parts.push_back("s.escalation = 1");
  if (q.expiring_within_days >= 0)
    parts.push_back("s.assessment_id IN (SELECT assessment_id FROM assessment_lapses WHERE expires_on >= " +
                    b.today(q.today) +
                    " AND expires_on <= " + b.arg(add_days(q.today, q.expiring_within_days)) + ")");
  // SQLite finds words of three characters or more by the trigram table (migration 7), all in one phrase
  // query: FTS5 walks the rarest word's rows, where a LIKE per word read every row matching each (200 ms for
  // three common words at 30,000 TOMs). Shorter words, and every word on PostgreSQL, are a LIKE on the
  // summary: pg_trgm's index serves it there.
  std::string phrases;
  for (const auto& word : search_words(q.text)) {
    if (dialect == sql::Dialect::kSqlite && utf8_length(word) >= 3) {
      std::string quoted = "\"";
      for (char ch : lower_ascii(word)) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
      phrases += (phrases.empty() ? "" : " AND ") + quoted + "\"";
    } else {
      parts.push_back("s.search_text LIKE " + b.arg(like_pattern(word)) + " ESCAPE '!'");
    }
  }
  if (!phrases.empty())
    parts.push_back("s.assessment_id IN (SELECT rowid FROM assessment_search WHERE assessment_search MATCH " +
                    b.arg(phrases) + ")");
  // Written so the indexes on (waits_central, id) and (approved, waits_central, id) give the rows in order:
  // an approved TOM waits for nobody, so approved = 1 implies waits_central = 0.
  if (q.group == "approved") parts.push_back("s.approved = 1 AND s.waits_central = 0");
  if (q.group == "mine" || q.group == "others") {
    // The central body's work is every step for the central party (kept as a column); an organisation's,
    // the steps for the parties it plays.
    if (q.central) {
      parts.push_back(q.group == "mine" ? "s.waits_central = 1" : "s.approved = 0 AND s.waits_central = 0");
    } else {
      std::string mine =
          "s.assessment_id IN (SELECT assessment_id FROM assessment_waits WHERE organisation_id = " +
          b.arg(q.waiting_org) + ")";
      parts.push_back(q.group == "mine" ? mine : "s.approved = 0 AND NOT " + mine);
    }
  }
  if (with_rag && !q.rag.empty()) parts.push_back("s.rag = " + b.arg(q.rag));
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? " WHERE " : " AND ") + p;
  return out;
}

struct Order {
  char letter;
  std::string value;  // the sort value's SQL (empty: the id alone)
  bool descending;
  // ORDER BY for reading forward, or (backward) for the rows before a cursor, nearest first.
  std::string by(bool backward) const {
    const char* dir = descending != backward ? " DESC" : "";
    return value.empty() ? std::string("s.assessment_id") + dir : value + dir + ", s.assessment_id" + dir;
  }
};

Order order_of(const std::string& sort) {
  if (sort == "oldest") return {'o', "", false};
  if (sort == "product") return {'p', "s.product", false};
  if (sort == "progress")
    return {'g', "(CASE WHEN s.required = 0 THEN 100 ELSE s.answered * 100 / s.required END)", false};
  return {'n', "", true};
}

// A cursor is "<letter>.<id>.<value>": the order it belongs to, and the row's id and sort value. The rows
// after it in the order (or, backward, before it).
Result<std::string> after_sql(Builder& b, const Order& o, const std::string& cursor, bool backward) {
  auto bad = [&] {
    return Error::invalid("the page cursor '" + cursor.substr(0, 40) +
                          "' is not one this list gave (it belongs to another order, or was changed)");
  };
  if (cursor.size() < 4 || cursor[0] != o.letter || cursor[1] != '.') return bad();
  size_t dot = cursor.find('.', 2);
  if (dot == std::string::npos || dot == 2 || dot > 20) return bad();
  for (size_t i = 2; i < dot; ++i)
    if (cursor[i] < '0' || cursor[i] > '9') return bad();
  int64_t id = std::stoll(cursor.substr(2, dot - 2));
  std::string value = cursor.substr(dot + 1);
  const char* cmp = o.descending != backward ? " < " : " > ";
  if (o.value.empty()) return "s.assessment_id" + std::string(cmp) + b.arg(id);
  Param v = value;
  if (o.letter == 'g') {
    if (value.empty() || value.size() > 3 || value.find_first_not_of("0123456789") != std::string::npos)
      return bad();
    v = static_cast<int64_t>(std::stoll(value));
  }
  std::string vv = b.arg(v);
  return "(" + o.value + cmp + vv + " OR (" + o.value + " = " + vv + " AND s.assessment_id" + cmp +
         b.arg(id) + "))";
}

std::string cursor_of(const Order& o, const SummaryRow& r) {
  std::string value = o.letter == 'p'   ? r.assessment.product
                      : o.letter == 'g' ? std::to_string(r.percent)
                                        : "";
  return std::string(1, o.letter) + "." + std::to_string(r.assessment.id) + "." + value;
}

}  // namespace

std::string why_of(const SummaryRow& r, const std::string& today) {
  const AssessmentSummary& s = r.summary;
  bool escalation_lapsed = false;
  for (const auto& [date, escalation] : s.expiries) escalation_lapsed |= escalation && date < today;
  if (r.rag == "Red") {
    if (s.open_escalations > 0) return "an escalation is open";
    if (escalation_lapsed) return "an escalation's acceptance has lapsed";
    return "less than half answered";
  }
  if (r.rag == "Amber") {
    if (s.answered < s.required) return "not complete yet";
    if (s.open_findings > 0) return "findings open";
    return "an acceptance has lapsed";
  }
  return "complete, nothing open";
}

Result<AssessmentSummary> SqlStore::get_summary(int64_t assessment) {
  return read<AssessmentSummary>([&](sql::Connection& c) -> Result<AssessmentSummary> {
    Builder b;
    std::string sql =
        std::string("SELECT ") + kColumns + kFrom + " WHERE s.assessment_id = " + b.arg(assessment);
    TOM_ASSIGN(auto rows, c.query(b.query(sql), b.params));
    if (rows.empty())
      return Error::not_found("no summary is kept for assessment " + std::to_string(assessment));
    TOM_ASSIGN(SummaryRow row, from_row(rows[0]));
    return std::move(row.summary);
  });
}

namespace {

// Whether the query filters on nothing the counters do not hold: every assessment, at most one status, the
// central body's grouping.
bool plain(const SummaryQuery& q) {
  return q.visible_to == 0 && q.organisation == 0 && q.template_id.empty() && q.template_version.empty() &&
         q.custodian.empty() && q.phase_state.empty() && !q.open_escalations && q.expiring_within_days < 0 &&
         search_words(q.text).empty() && (q.group.empty() || q.central);
}

// The total from the counters, when they hold it.
std::optional<int64_t> counted_total(const SummaryQuery& q, const std::map<std::string, int64_t>& n) {
  auto at = [&](const std::string& k) {
    auto it = n.find(k);
    return it == n.end() ? int64_t{0} : it->second;
  };
  if (!plain(q)) return std::nullopt;
  if (q.group.empty()) return q.rag.empty() ? at("total") : at("rag:" + q.rag);
  if (!q.rag.empty()) return std::nullopt;
  if (q.group == "mine") return at("mine-central");
  if (q.group == "approved") return at("approved");
  return at("total") - at("mine-central") - at("approved");
}

}  // namespace

Result<SummaryPage> SqlStore::list_summaries(const SummaryQuery& q) {
  TOM_TRY(check_query(q));
  TOM_TRY(ensure_day(q.today));
  int64_t limit = std::clamp<int64_t>(q.limit, 1, 500);
  Order order = order_of(q.sort);
  return read<SummaryPage>([&](sql::Connection& c) -> Result<SummaryPage> {
    SummaryPage page;
    page.total = -1;
    if (q.with_total) {
      std::optional<int64_t> total;
      if (plain(q)) {
        TOM_ASSIGN(auto counters, read_counters(c));
        total = counted_total(q, counters);
      }
      if (!total) {
        Builder b;
        std::string sql = "SELECT count(*) FROM assessment_summaries s" + where_sql(b, q, true, c.dialect());
        TOM_ASSIGN(auto rows, c.query(b.query(sql), b.params));
        total = rows.empty() ? 0 : integer(rows[0], 0);
      }
      page.total = *total;
    }
    Builder b;
    std::string where = where_sql(b, q, true, c.dialect());
    bool backward = q.backward && !q.cursor.empty();
    if (!q.cursor.empty()) {
      TOM_ASSIGN(std::string after, after_sql(b, order, q.cursor, backward));
      where += (where.empty() ? " WHERE " : " AND ") + after;
    }
    // The page's ids first, from the narrow rows alone (the planner walks the index that serves the filter
    // and the order, and stops at the limit), then what they show; joining the wide detail first let
    // PostgreSQL walk every detail row when no row matched.
    std::string sql =
        std::string("SELECT ") + kColumns + " FROM (SELECT s.assessment_id AS page_id FROM " +
        "assessment_summaries s" + where + " ORDER BY " + order.by(backward) + " LIMIT " + b.arg(limit + 1) +
        ") p JOIN assessment_summaries s ON s.assessment_id = p.page_id JOIN assessments a ON a.id = "
        "s.assessment_id JOIN assessment_summary_details d ON d.assessment_id = s.assessment_id "
        "ORDER BY " +
        order.by(backward);
    TOM_ASSIGN(auto rows, c.query(b.query(sql), b.params));
    bool more = static_cast<int64_t>(rows.size()) > limit;
    for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < limit; ++i) {
      TOM_ASSIGN(SummaryRow row, from_row(rows[i]));
      for (const auto& e : row.summary.expiries) row.lapsed += e.first < q.today;
      row.why = why_of(row, q.today);
      page.rows.push_back(std::move(row));
    }
    if (backward) std::reverse(page.rows.begin(), page.rows.end());
    if (!page.rows.empty()) {
      // Forward: more after the last row, and rows before the first when we came from a cursor. Backward:
      // the page we came from is after the last row, and `more` says whether any are before the first.
      if (backward || more) page.next_cursor = cursor_of(order, page.rows.back());
      if (backward ? more : !q.cursor.empty()) page.prev_cursor = cursor_of(order, page.rows.front());
    }
    return page;
  });
}

Result<SummaryCounts> SqlStore::count_summaries(const SummaryQuery& q) {
  TOM_TRY(check_query(q));
  TOM_TRY(ensure_day(q.today));
  return read<SummaryCounts>([&](sql::Connection& c) -> Result<SummaryCounts> {
    SummaryCounts out;
    SummaryQuery all = q;
    all.rag.clear();
    all.group.clear();
    if (plain(all)) {
      TOM_ASSIGN(auto n, read_counters(c));
      out.red = n["rag:Red"], out.amber = n["rag:Amber"], out.green = n["rag:Green"];
      out.escalations = n["escalation"], out.awaiting_acceptance = n["awaiting"], out.lapsed = n["lapsed"];
      return out;
    }
    Builder b;
    std::string sql =
        "SELECT s.rag, count(*), SUM(s.escalation), SUM(CASE WHEN s.awaiting_acceptance > 0 THEN 1 ELSE 0 "
        "END), "
        "SUM(s.lapsed) FROM assessment_summaries s" +
        where_sql(b, all, false, c.dialect()) + " GROUP BY s.rag";
    TOM_ASSIGN(auto rows, c.query(b.query(sql), b.params));
    for (const auto& r : rows) {
      std::string rag_of = text(r, 0);
      int64_t n = integer(r, 1);
      (rag_of == "Red" ? out.red : rag_of == "Amber" ? out.amber : out.green) += n;
      out.escalations += integer(r, 2);
      out.awaiting_acceptance += integer(r, 3);
      out.lapsed += integer(r, 4);
    }
    return out;
  });
}

}  // namespace tom::store
