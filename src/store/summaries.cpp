// Summaries (domain::AssessmentSummary): rewritten in the transaction of every write that changes an
// assessment, and read by every list with SQL, filtered, sorted, counted and paged in the database.
#include <algorithm>
#include <boost/json.hpp>
#include <deque>
#include <map>
#include <mutex>

#include "core/text.hpp"
#include "store/loaders.hpp"
#include "store/sql_store.hpp"

namespace tom::store {

using namespace tom::domain;
namespace json = boost::json;
using sql::integer;
using sql::Param;
using sql::Query;
using sql::text;

namespace {

const Query kUpsert{
    "summary.upsert",
    "INSERT INTO assessment_summaries (assessment_id, format, template_id, template_version, product, "
    "custodian, created_at, required, answered, open_findings, open_escalations, awaiting_acceptance, "
    "next_lapse, next_escalation_lapse, approved, phase_states, search_text, detail) VALUES ($1, $2, $3, "
    "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) ON CONFLICT (assessment_id) DO "
    "UPDATE SET format = excluded.format, template_id = excluded.template_id, template_version = "
    "excluded.template_version, product = excluded.product, custodian = excluded.custodian, created_at = "
    "excluded.created_at, required = excluded.required, answered = excluded.answered, open_findings = "
    "excluded.open_findings, open_escalations = excluded.open_escalations, awaiting_acceptance = "
    "excluded.awaiting_acceptance, next_lapse = excluded.next_lapse, next_escalation_lapse = "
    "excluded.next_escalation_lapse, approved = excluded.approved, phase_states = excluded.phase_states, "
    "search_text = excluded.search_text, detail = excluded.detail",
    nullptr};
const Query kWaitsClear{"summary.waits_clear", "DELETE FROM assessment_waits WHERE assessment_id = $1",
                        nullptr};
const Query kWaitInsert{"summary.wait_insert",
                        "INSERT INTO assessment_waits (organisation_id, assessment_id) VALUES ($1, $2)",
                        nullptr};
const Query kLapsesClear{"summary.lapses_clear", "DELETE FROM assessment_lapses WHERE assessment_id = $1",
                         nullptr};
const Query kLapseInsert{
    "summary.lapse_insert",
    "INSERT INTO assessment_lapses (assessment_id, expires_on, escalation) VALUES ($1, $2, $3)", nullptr};
const Query kStale{
    "summary.stale",
    "SELECT a.id FROM assessments a LEFT JOIN assessment_summaries s ON s.assessment_id = a.id "
    "WHERE s.assessment_id IS NULL OR s.format <> $1 ORDER BY a.id LIMIT $2",
    nullptr};

// The columns every read of a summary takes, in this order (from_row reads them).
const char* const kColumns =
    "s.assessment_id, s.template_id, s.template_version, s.product, s.custodian, s.created_at, s.required, "
    "s.answered, s.open_findings, s.open_escalations, s.awaiting_acceptance, s.approved, s.detail, "
    "a.product_version, a.title, a.derived_from, a.created_by";
constexpr size_t kColumnCount = 17;

const char* kind_name(StepKind k) {
  switch (k) {
    case StepKind::kAnswer:
      return "answer";
    case StepKind::kHandOn:
      return "hand-on";
    case StepKind::kSubmit:
      return "submit";
    case StepKind::kDecide:
      return "decide";
  }
  return "answer";
}

StepKind kind_of(std::string_view s) {
  if (s == "hand-on") return StepKind::kHandOn;
  if (s == "submit") return StepKind::kSubmit;
  if (s == "decide") return StepKind::kDecide;
  return StepKind::kAnswer;
}

std::string lower_ascii(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// What the columns do not hold: for display only, never filtered on.
std::string detail_json(const AssessmentSummary& s) {
  json::array phases, steps, waiting, progress, players, expiries;
  for (const auto& [id, state] : s.phases) phases.push_back(json::array{json::value(id), json::value(state)});
  for (const auto& st : s.steps)
    steps.push_back(json::object{{"kind", kind_name(st.kind)},
                                 {"party", st.party},
                                 {"phase", st.phase},
                                 {"to", st.to},
                                 {"items", st.items},
                                 {"text", st.text}});
  for (int64_t o : s.waiting_for) waiting.push_back(o);
  for (const auto& p : s.progress)
    progress.push_back(json::array{json::value(p.phase), json::value(p.party), p.required, p.answered});
  for (const auto& p : s.players)
    players.push_back(
        json::array{json::value(p.party), p.organisation_id, json::value(p.name), json::value(p.ods_code)});
  for (const auto& [date, escalation] : s.expiries)
    expiries.push_back(json::array{json::value(date), escalation});
  json::object missing;
  for (const auto& [party, section] : s.first_missing_section) missing[party] = section;
  return json::serialize(json::object{{"template_name", s.template_name},
                                      {"end_user", s.end_user},
                                      {"phases", std::move(phases)},
                                      {"steps", std::move(steps)},
                                      {"waiting_for", std::move(waiting)},
                                      {"first_missing_section", std::move(missing)},
                                      {"progress", std::move(progress)},
                                      {"players", std::move(players)},
                                      {"expiries", std::move(expiries)}});
}

Status read_detail(const std::string& text_json, AssessmentSummary& s) {
  boost::system::error_code ec;
  json::value v = json::parse(text_json, ec);
  if (ec || !v.is_object())
    return Error::internal("the kept summary of assessment " + std::to_string(s.assessment_id) +
                           " is not valid JSON");
  try {
    const json::object& o = v.as_object();
    auto str = [](const json::value& x) { return std::string(x.as_string()); };
    s.template_name = str(o.at("template_name"));
    s.end_user = str(o.at("end_user"));
    for (const auto& p : o.at("phases").as_array())
      s.phases.emplace_back(str(p.as_array().at(0)), str(p.as_array().at(1)));
    for (const auto& x : o.at("steps").as_array()) {
      const auto& st = x.as_object();
      NextStep n;
      n.kind = kind_of(st.at("kind").as_string());
      n.party = str(st.at("party"));
      n.phase = str(st.at("phase"));
      n.to = str(st.at("to"));
      n.items = static_cast<size_t>(st.at("items").to_number<int64_t>());
      n.text = str(st.at("text"));
      s.steps.push_back(std::move(n));
    }
    for (const auto& w : o.at("waiting_for").as_array()) s.waiting_for.push_back(w.to_number<int64_t>());
    for (const auto& [party, section] : o.at("first_missing_section").as_object())
      s.first_missing_section[std::string(party)] = str(section);
    for (const auto& p : o.at("progress").as_array()) {
      const auto& a = p.as_array();
      s.progress.push_back(
          {str(a.at(0)), str(a.at(1)), a.at(2).to_number<int64_t>(), a.at(3).to_number<int64_t>()});
    }
    for (const auto& p : o.at("players").as_array()) {
      const auto& a = p.as_array();
      s.players.push_back({str(a.at(0)), a.at(1).to_number<int64_t>(), str(a.at(2)), str(a.at(3))});
    }
    for (const auto& p : o.at("expiries").as_array())
      s.expiries.emplace_back(str(p.as_array().at(0)), p.as_array().at(1).as_bool());
  } catch (const std::exception& e) {
    return Error::internal("the kept summary of assessment " + std::to_string(s.assessment_id) +
                           " is not as written: " + e.what());
  }
  return ok_status();
}

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
  return out;
}

// A query's SQL built from the filters in use, with its parameters numbered as they are added. Each distinct
// text is one prepared statement, named by the text (the statement caches key on the name).
class Builder {
 public:
  std::string arg(Param p) {
    params.push_back(std::move(p));
    return "$" + std::to_string(params.size());
  }
  // Today's date as a parameter, added once when first used.
  std::string today(const std::string& date) {
    if (today_.empty()) today_ = arg(date);
    return today_;
  }
  Query query(const std::string& sql) {
    static std::mutex mu;
    static std::map<std::string, std::string> names;  // text -> name; nodes are stable
    std::lock_guard lock(mu);
    auto it = names.find(sql);
    if (it == names.end()) it = names.emplace(sql, "summary.q" + std::to_string(names.size())).first;
    return Query{it->second.c_str(), it->first.c_str(), nullptr};
  }
  std::vector<Param> params;

 private:
  std::string today_;
};

// Red: an escalation is open (or its acceptance lapsed), or less than half is answered. Amber: not complete,
// or findings open (or an acceptance lapsed). Green: complete with nothing open. The one definition: rows,
// filters and counts all use it.
std::string rag_sql(Builder& b, const std::string& today) {
  std::string t = b.today(today);
  return "(CASE WHEN s.open_escalations > 0 OR (s.next_escalation_lapse <> '' AND s.next_escalation_lapse "
         "< " +
         t +
         ") OR s.answered * 2 < s.required THEN 'Red' WHEN s.answered < s.required OR s.open_findings > 0 "
         "OR (s.next_lapse <> '' AND s.next_lapse < " +
         t + ") THEN 'Amber' ELSE 'Green' END)";
}

std::string escalation_sql(Builder& b, const std::string& today) {
  return "(s.open_escalations > 0 OR (s.next_escalation_lapse <> '' AND s.next_escalation_lapse < " +
         b.today(today) + "))";
}

std::string like_pattern(const std::string& word) {
  std::string out = "%";
  for (char ch : lower_ascii(word)) {
    if (ch == '%' || ch == '_' || ch == '!') out += '!';
    out += ch;
  }
  return out + "%";
}

// The date `days` after `date` (YYYY-MM-DD), by the civil calendar.
std::string add_days(const std::string& date, int days) {
  int y = std::stoi(date.substr(0, 4)), m = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
  // days_from_civil / civil_from_days (H. Hinnant's algorithms).
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t z = era * 146097 + doe - 719468 + days;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t yy = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t dd = doy - (153 * mp + 2) / 5 + 1;
  int64_t mm = mp + (mp < 10 ? 3 : -9);
  yy += mm <= 2;
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02d-%02d", static_cast<int>(yy), static_cast<int>(mm),
                static_cast<int>(dd));
  return out;
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

// The words of a search, split at spaces (at most eight are used).
std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text + " ") {
    if (ch == ' ' || ch == '\t') {
      if (!cur.empty() && out.size() < 8) out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  return out;
}

// The WHERE clause of the query's filters ("" when none): visibility first, then each filter in use.
std::string where_sql(Builder& b, const SummaryQuery& q, bool with_rag) {
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
  if (q.open_escalations) parts.push_back(escalation_sql(b, q.today));
  if (q.expiring_within_days >= 0)
    parts.push_back("s.assessment_id IN (SELECT assessment_id FROM assessment_lapses WHERE expires_on >= " +
                    b.today(q.today) +
                    " AND expires_on <= " + b.arg(add_days(q.today, q.expiring_within_days)) + ")");
  for (const auto& word : words_of(q.text))
    parts.push_back("s.search_text LIKE " + b.arg(like_pattern(word)) + " ESCAPE '!'");
  if (!q.group.empty() && q.group != "approved") {
    std::string mine =
        "s.assessment_id IN (SELECT assessment_id FROM assessment_waits WHERE organisation_id ";
    mine += q.central ? "IN (" + b.arg(q.waiting_org) + ", " + b.arg(AssessmentSummary::kCentralBody) + "))"
                      : "= " + b.arg(q.waiting_org) + ")";
    parts.push_back(q.group == "mine" ? mine : "s.approved = 0 AND NOT " + mine);
  }
  if (q.group == "approved") parts.push_back("s.approved = 1");
  if (with_rag && !q.rag.empty()) parts.push_back(rag_sql(b, q.today) + " = " + b.arg(q.rag));
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

// Why the row has its status, in words (the same conditions as rag_sql).
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

Status write_summary(sql::Connection& c, int64_t id, const Summariser& summarise, int64_t format) {
  SummaryInput in;
  TOM_ASSIGN(in.assessment, load_assessment(c, id));
  for (const auto& p : in.assessment.participants) {
    TOM_ASSIGN(Organisation o, load_organisation(c, p.organisation_id));
    in.organisations.push_back(std::move(o));
  }
  TOM_ASSIGN(in.answers, load_answers(c, id));
  TOM_ASSIGN(in.findings, load_findings(c, id));
  TOM_ASSIGN(in.approvals, load_approvals(c, id));
  TOM_ASSIGN(in.submissions, load_submissions(c, id));
  const Assessment& a = in.assessment;
  in.fetch_template = [&c, &a] { return load_template(c, a.template_id, a.template_version); };
  TOM_ASSIGN(AssessmentSummary s, summarise(in));
  s.assessment_id = id;
  std::sort(s.expiries.begin(), s.expiries.end());
  std::string next_lapse, next_escalation_lapse;
  for (const auto& [date, escalation] : s.expiries) {
    if (next_lapse.empty()) next_lapse = date;
    if (escalation && next_escalation_lapse.empty()) next_escalation_lapse = date;
  }
  std::string phase_states = ";";
  for (const auto& [phase, state] : s.phases) phase_states += lower_ascii(phase + "=" + state) + ";";
  std::string search = a.product + " " + a.product_version + " " + a.title;
  for (const auto& p : s.players) search += " " + p.name + " " + p.ods_code;
  TOM_TRY(c.query(kUpsert, {id, format, a.template_id, a.template_version, a.product, a.custodian,
                            a.created_at, s.required, s.answered, s.open_findings, s.open_escalations,
                            s.awaiting_acceptance, next_lapse, next_escalation_lapse,
                            int64_t{s.approved ? 1 : 0}, phase_states, lower_ascii(search), detail_json(s)}));
  TOM_TRY(c.query(kWaitsClear, {id}));
  std::vector<int64_t> waits = s.waiting_for;
  std::sort(waits.begin(), waits.end());
  waits.erase(std::unique(waits.begin(), waits.end()), waits.end());
  for (int64_t org : waits) TOM_TRY(c.query(kWaitInsert, {org, id}));
  TOM_TRY(c.query(kLapsesClear, {id}));
  for (const auto& [date, escalation] : s.expiries)
    TOM_TRY(c.query(kLapseInsert, {id, date, int64_t{escalation ? 1 : 0}}));
  return ok_status();
}

}  // namespace

void SqlStore::keep_summaries(Summariser summariser, int64_t format) {
  std::lock_guard lock(mu_);
  summariser_ = summariser ? std::make_shared<const Summariser>(std::move(summariser)) : nullptr;
  summary_format_ = format;
}

Status SqlStore::keep_touched(sql::Connection& conn) {
  std::shared_ptr<const Summariser> fn;
  int64_t format = 0;
  {
    std::lock_guard lock(mu_);
    fn = summariser_;
    format = summary_format_;
  }
  if (!fn || conn.touched.empty()) return ok_status();
  std::set<int64_t> ids = std::move(conn.touched);
  conn.touched.clear();
  for (int64_t id : ids) TOM_TRY(write_summary(conn, id, *fn, format));
  return ok_status();
}

Result<int64_t> SqlStore::refresh_summaries(int64_t limit) {
  std::shared_ptr<const Summariser> fn;
  int64_t format = 0;
  {
    std::lock_guard lock(mu_);
    fn = summariser_;
    format = summary_format_;
  }
  if (!fn) return Error::unsupported("no summariser is set: summaries cannot be refreshed");
  TOM_ASSIGN(auto rows, read<std::vector<sql::Row>>([&](sql::Connection& c) {
               return c.query(kStale, {format, limit});
             }));
  for (const auto& r : rows) {
    int64_t id = integer(r, 0);
    auto written = write<bool>([&](sql::Connection& c) -> Result<bool> {
      TOM_TRY(write_summary(c, id, *fn, format));
      return true;
    });
    if (!written.ok()) return std::move(written).error();
  }
  return static_cast<int64_t>(rows.size());
}

Result<AssessmentSummary> SqlStore::get_summary(int64_t assessment) {
  return read<AssessmentSummary>([&](sql::Connection& c) -> Result<AssessmentSummary> {
    Builder b;
    std::string sql = std::string("SELECT ") + kColumns +
                      " FROM assessment_summaries s JOIN assessments a ON a.id = s.assessment_id "
                      "WHERE s.assessment_id = " +
                      b.arg(assessment);
    TOM_ASSIGN(auto rows, c.query(b.query(sql), b.params));
    if (rows.empty())
      return Error::not_found("no summary is kept for assessment " + std::to_string(assessment));
    TOM_ASSIGN(SummaryRow row, from_row(rows[0]));
    return std::move(row.summary);
  });
}

Result<SummaryPage> SqlStore::list_summaries(const SummaryQuery& q) {
  TOM_TRY(check_query(q));
  int64_t limit = std::clamp<int64_t>(q.limit, 1, 500);
  Order order = order_of(q.sort);
  return read<SummaryPage>([&](sql::Connection& c) -> Result<SummaryPage> {
    SummaryPage page;
    page.total = -1;
    if (q.with_total) {
      Builder b;
      std::string sql = "SELECT count(*) FROM assessment_summaries s" + where_sql(b, q, true);
      TOM_ASSIGN(auto rows, c.query(b.query(sql), b.params));
      page.total = rows.empty() ? 0 : integer(rows[0], 0);
    }
    Builder b;
    std::string rag = rag_sql(b, q.today);
    std::string where = where_sql(b, q, true);
    bool backward = q.backward && !q.cursor.empty();
    if (!q.cursor.empty()) {
      TOM_ASSIGN(std::string after, after_sql(b, order, q.cursor, backward));
      where += (where.empty() ? " WHERE " : " AND ") + after;
    }
    std::string sql = std::string("SELECT ") + kColumns + ", " + rag +
                      " FROM assessment_summaries s JOIN assessments a ON a.id = s.assessment_id" + where +
                      " ORDER BY " + order.by(backward) + " LIMIT " + b.arg(limit + 1);
    TOM_ASSIGN(auto rows, c.query(b.query(sql), b.params));
    bool more = static_cast<int64_t>(rows.size()) > limit;
    for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < limit; ++i) {
      TOM_ASSIGN(SummaryRow row, from_row(rows[i]));
      row.rag = text(rows[i], kColumnCount);
      for (const auto& e : row.summary.expiries) row.lapsed += e.first < q.today;
      row.why = why_of(row, q.today);
      page.rows.push_back(std::move(row));
    }
    if (backward) std::reverse(page.rows.begin(), page.rows.end());
    if (!page.rows.empty()) {
      // Forward: more after the last row, and rows before the first when we came from a cursor. Backward:
      // the page we came from is after the last row, and `more` says whether any are before the first.
      if (backward ? true : more) page.next_cursor = cursor_of(order, page.rows.back());
      if (backward ? more : !q.cursor.empty()) page.prev_cursor = cursor_of(order, page.rows.front());
    }
    return page;
  });
}

Result<SummaryCounts> SqlStore::count_summaries(const SummaryQuery& q) {
  TOM_TRY(check_query(q));
  return read<SummaryCounts>([&](sql::Connection& c) -> Result<SummaryCounts> {
    Builder b;
    std::string rag = rag_sql(b, q.today);
    std::string esc = escalation_sql(b, q.today);
    std::string sql = "SELECT " + rag + ", count(*), SUM(CASE WHEN " + esc +
                      " THEN 1 ELSE 0 END), SUM(CASE WHEN s.awaiting_acceptance > 0 THEN 1 ELSE 0 END), "
                      "SUM(CASE WHEN s.next_lapse <> '' AND s.next_lapse < " +
                      b.today(q.today) + " THEN 1 ELSE 0 END) FROM assessment_summaries s" +
                      where_sql(b, q, false) + " GROUP BY 1";
    TOM_ASSIGN(auto rows, c.query(b.query(sql), b.params));
    SummaryCounts out;
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
