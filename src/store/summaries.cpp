// Summaries (domain::AssessmentSummary), the write side: rewritten in the transaction of every write that
// changes an assessment, with the counters of the unfiltered lists, and moved from day to day as acceptances
// lapse. The lists read them in store/summary_queries.cpp.
#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <mutex>

#include "core/text.hpp"
#include "store/loaders.hpp"
#include "store/sql_store.hpp"
#include "store/summary_rows.hpp"

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
    "next_lapse, next_escalation_lapse, approved, waits_central, rag, escalation, lapsed, phase_states, "
    "search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
    "$19, $20, $21) ON CONFLICT (assessment_id) DO UPDATE SET format = excluded.format, template_id = "
    "excluded.template_id, template_version = excluded.template_version, product = excluded.product, "
    "custodian = excluded.custodian, created_at = excluded.created_at, required = excluded.required, "
    "answered "
    "= excluded.answered, open_findings = excluded.open_findings, open_escalations = "
    "excluded.open_escalations, "
    "awaiting_acceptance = excluded.awaiting_acceptance, next_lapse = excluded.next_lapse, "
    "next_escalation_lapse = excluded.next_escalation_lapse, approved = excluded.approved, waits_central = "
    "excluded.waits_central, rag = excluded.rag, escalation = excluded.escalation, lapsed = excluded.lapsed, "
    "phase_states = excluded.phase_states, search_text = excluded.search_text",
    nullptr};
const Query kDetailUpsert{"summary.detail_upsert",
                          "INSERT INTO assessment_summary_details (assessment_id, detail) VALUES ($1, $2) "
                          "ON CONFLICT (assessment_id) DO UPDATE SET detail = excluded.detail",
                          nullptr};
const Query kOld{"summary.old",
                 "SELECT rag, escalation, awaiting_acceptance, lapsed, approved, waits_central "
                 "FROM assessment_summaries WHERE assessment_id = $1",
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
const Query kCount{"summary.count",
                   "INSERT INTO summary_counts (bucket, shard, n) VALUES ($1, $2, $3) ON CONFLICT (bucket, "
                   "shard) DO UPDATE SET n = summary_counts.n + excluded.n",
                   nullptr};
const Query kCounters{"summary.counters", "SELECT bucket, SUM(n) FROM summary_counts GROUP BY bucket",
                      nullptr};
// Writers share the day's row, the roll-over takes it whole: on PostgreSQL a summary written while the day
// moves on is either seen by the roll-over or written as of the new day (SQLite has one writer at a time).
const Query kDayShared{"summary.day_shared", "SELECT today FROM summary_day WHERE id = 1",
                       "SELECT today FROM summary_day WHERE id = 1 FOR SHARE"};
const Query kDayLocked{"summary.day_locked", "SELECT today FROM summary_day WHERE id = 1",
                       "SELECT today FROM summary_day WHERE id = 1 FOR UPDATE"};
const Query kDaySet{"summary.day_set", "UPDATE summary_day SET today = $1 WHERE id = 1", nullptr};
const Query kCrossing{
    "summary.crossing",
    "SELECT assessment_id, required, answered, open_findings, open_escalations, next_lapse, "
    "next_escalation_lapse, rag, escalation, lapsed, awaiting_acceptance, approved, waits_central "
    "FROM assessment_summaries WHERE (next_lapse <> '' AND next_lapse >= $1 AND next_lapse < $2) OR "
    "(next_escalation_lapse <> '' AND next_escalation_lapse >= $1 AND next_escalation_lapse < $2)",
    nullptr};
const Query kStale{
    "summary.stale",
    "SELECT a.id FROM assessments a LEFT JOIN assessment_summaries s ON s.assessment_id = a.id "
    "WHERE s.assessment_id IS NULL OR s.format <> $1 ORDER BY a.id LIMIT $2",
    nullptr};
const Query kStanding{"summary.standing",
                      "UPDATE assessment_summaries SET rag = $2, escalation = $3, lapsed = $4 "
                      "WHERE assessment_id = $1",
                      nullptr};

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

// Adds `delta` to each bucket, in the assessment's shard.
Status count(sql::Connection& c, int64_t id, const std::map<std::string, int64_t>& deltas) {
  for (const auto& [bucket, delta] : deltas)
    if (delta != 0) TOM_TRY(c.query(kCount, {bucket, id % kCounterShards, delta}));
  return ok_status();
}

void add(std::map<std::string, int64_t>& deltas, const std::vector<std::string>& buckets, int64_t by) {
  for (const auto& b : buckets) deltas[b] += by;
}

}  // namespace

Standing standing_of(int64_t required, int64_t answered, int64_t open_findings, int64_t open_escalations,
                     const std::string& next_lapse, const std::string& next_escalation_lapse,
                     const std::string& day) {
  Standing s;
  s.lapsed = !next_lapse.empty() && next_lapse < day;
  s.escalation = open_escalations > 0 || (!next_escalation_lapse.empty() && next_escalation_lapse < day);
  if (s.escalation || answered * 2 < required)
    s.rag = "Red";
  else if (answered < required || open_findings > 0 || s.lapsed)
    s.rag = "Amber";
  else
    s.rag = "Green";
  return s;
}

std::vector<std::string> buckets_of(const Standing& s, int64_t awaiting_acceptance, bool approved,
                                    bool waits_central) {
  std::vector<std::string> out{"total", "rag:" + s.rag};
  if (s.escalation) out.push_back("escalation");
  if (awaiting_acceptance > 0) out.push_back("awaiting");
  if (s.lapsed) out.push_back("lapsed");
  if (approved) out.push_back("approved");
  if (waits_central) out.push_back("mine-central");
  return out;
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
  bool waits_central = std::find(s.waiting_for.begin(), s.waiting_for.end(),
                                 AssessmentSummary::kCentralBody) != s.waiting_for.end();
  TOM_ASSIGN(auto day, c.query(kDayShared, {}));
  Standing st = standing_of(s.required, s.answered, s.open_findings, s.open_escalations, next_lapse,
                            next_escalation_lapse, day.empty() ? "" : text(day[0], 0));
  std::map<std::string, int64_t> deltas;
  TOM_ASSIGN(auto old, c.query(kOld, {id}));
  if (!old.empty()) {
    const auto& o = old[0];
    Standing was{text(o, 0), integer(o, 1) != 0, integer(o, 3) != 0};
    add(deltas, buckets_of(was, integer(o, 2), integer(o, 4) != 0, integer(o, 5) != 0), -1);
  }
  add(deltas, buckets_of(st, s.awaiting_acceptance, s.approved, waits_central), +1);
  TOM_TRY(c.query(kUpsert, {id,
                            format,
                            a.template_id,
                            a.template_version,
                            a.product,
                            a.custodian,
                            a.created_at,
                            s.required,
                            s.answered,
                            s.open_findings,
                            s.open_escalations,
                            s.awaiting_acceptance,
                            next_lapse,
                            next_escalation_lapse,
                            int64_t{s.approved ? 1 : 0},
                            int64_t{waits_central ? 1 : 0},
                            st.rag,
                            int64_t{st.escalation ? 1 : 0},
                            int64_t{st.lapsed ? 1 : 0},
                            phase_states,
                            lower_ascii(search)}));
  TOM_TRY(c.query(kDetailUpsert, {id, detail_json(s)}));
  TOM_TRY(count(c, id, deltas));
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

Status roll_summaries(sql::Connection& c, const std::string& today) {
  TOM_ASSIGN(auto day, c.query(kDayLocked, {}));
  std::string was = day.empty() ? "" : text(day[0], 0);
  if (today <= was) return ok_status();
  // A status changes between two days only where an acceptance lapses from one to the other.
  TOM_ASSIGN(auto rows, c.query(kCrossing, {was, today}));
  for (const auto& r : rows) {
    int64_t id = integer(r, 0);
    Standing now = standing_of(integer(r, 1), integer(r, 2), integer(r, 3), integer(r, 4), text(r, 5),
                               text(r, 6), today);
    Standing before{text(r, 7), integer(r, 8) != 0, integer(r, 9) != 0};
    if (now == before) continue;
    std::map<std::string, int64_t> deltas;
    bool approved = integer(r, 11) != 0, central = integer(r, 12) != 0;
    add(deltas, buckets_of(before, integer(r, 10), approved, central), -1);
    add(deltas, buckets_of(now, integer(r, 10), approved, central), +1);
    TOM_TRY(c.query(kStanding, {id, now.rag, int64_t{now.escalation ? 1 : 0}, int64_t{now.lapsed ? 1 : 0}}));
    TOM_TRY(count(c, id, deltas));
  }
  TOM_TRY(c.query(kDaySet, {today}));
  return ok_status();
}

Result<std::map<std::string, int64_t>> read_counters(sql::Connection& c) {
  TOM_ASSIGN(auto rows, c.query(kCounters, {}));
  std::map<std::string, int64_t> out;
  for (const auto& r : rows) out[text(r, 0)] = integer(r, 1);
  return out;
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

void SqlStore::keep_summaries(Summariser summariser, int64_t format) {
  std::lock_guard lock(mu_);
  summariser_ = summariser ? std::make_shared<const Summariser>(std::move(summariser)) : nullptr;
  summary_format_ = format;
}

Status SqlStore::ensure_day(const std::string& today) {
  {
    std::lock_guard lock(mu_);
    if (rolled_day_ == today) return ok_status();
  }
  auto rolled = write<bool>([&](sql::Connection& c) -> Result<bool> {
    TOM_TRY(roll_summaries(c, today));
    return true;
  });
  if (!rolled.ok()) return std::move(rolled).error();
  std::lock_guard lock(mu_);
  rolled_day_ = today;
  return ok_status();
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

}  // namespace tom::store
