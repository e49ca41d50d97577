// What every assessment list shares: the query parameters it takes and the page it answers with.
#include "api/api.hpp"
#include "app/views.hpp"

namespace tom::api {

using namespace tom::domain;
using http::Request;

namespace {

Result<int64_t> number(const Request& r, const char* name, int64_t lo, int64_t hi, int64_t fallback) {
  auto it = r.query.find(name);
  if (it == r.query.end() || it->second.empty()) return fallback;
  const std::string& s = it->second;
  if (s.size() > 9 || s.find_first_not_of("0123456789") != std::string::npos || std::stoll(s) < lo ||
      std::stoll(s) > hi)
    return Error::invalid("the parameter '" + std::string(name) + "' must be a whole number from " +
                              std::to_string(lo) + " to " + std::to_string(hi),
                          {Problem{{"", "", 0, name, ""}, "'" + s.substr(0, 20) + "' is not"}});
  return static_cast<int64_t>(std::stoll(s));
}

std::string param(const Request& r, const char* name) {
  auto it = r.query.find(name);
  return it == r.query.end() ? "" : it->second.substr(0, 400);
}

}  // namespace

Result<SummaryQuery> summary_query(const Request& r) {
  SummaryQuery q;
  q.template_id = param(r, "template");
  q.template_version = param(r, "version");
  q.rag = param(r, "status");
  if (q.rag.empty()) q.rag = param(r, "rag");
  q.phase = param(r, "phase");
  q.phase_state = param(r, "phase_state");
  q.custodian = param(r, "custodian");
  q.text = param(r, "q");
  q.group = param(r, "group");
  q.sort = param(r, "sort");
  q.cursor = param(r, "cursor");
  TOM_ASSIGN(q.organisation, number(r, "organisation", 0, 999999999, 0));
  TOM_ASSIGN(q.limit, number(r, "limit", 1, 200, 50));
  TOM_ASSIGN(int64_t expiring, number(r, "expiring", 0, 3660, -1));
  q.expiring_within_days = static_cast<int>(expiring);
  std::string esc = param(r, "escalations");
  if (!esc.empty() && esc != "0" && esc != "1")
    return Error::invalid("the parameter 'escalations' must be 1 (only those with an open escalation) or 0");
  q.open_escalations = esc == "1";
  if (!q.phase.empty() && q.phase_state.empty())
    return Error::invalid("the parameter 'phase' needs 'phase_state' (open, submitted, approved, rejected)");
  if (!q.phase_state.empty() && q.phase_state != "open" && q.phase_state != "submitted" &&
      q.phase_state != "approved" && q.phase_state != "rejected")
    return Error::invalid("the parameter 'phase_state' must be open, submitted, approved or rejected");
  return q;
}

Result<ListQuery> list_query(const Request& r) {
  ListQuery q;
  q.text = param(r, "q");
  // type=a,b: of any of these types.
  const std::string types = param(r, "type");
  for (std::string_view rest = types; !rest.empty();) {
    size_t comma = rest.find(',');
    std::string_view one = rest.substr(0, comma);
    if (!one.empty()) q.types.emplace_back(one);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  q.cursor = param(r, "cursor");
  TOM_ASSIGN(q.limit, number(r, "limit", 1, 200, 50));
  TOM_ASSIGN(int64_t org, number(r, "organisation", 1, 999999999, 0));
  if (org) q.organisations = {org};
  return q;
}

json::object list_page_json(json::array items, int64_t total, int64_t limit, const std::string& next_cursor) {
  json::object out{{"items", std::move(items)}, {"total", total}, {"limit", limit}};
  out["next_cursor"] = next_cursor.empty() ? json::value(nullptr) : json::value(next_cursor);
  return out;
}

json::object summary_page_json(const SummaryPage& page, int64_t limit) {
  json::array items;
  for (const auto& row : page.rows) {
    const AssessmentSummary& s = row.summary;
    json::object o = app::assessment_json(row.assessment);
    o["template_name"] = s.template_name;
    o["end_user"] = s.end_user;
    o["complete"] = s.required == s.answered;
    o["required"] = s.required;
    o["answered"] = s.answered;
    o["percent"] = row.percent;
    o["status"] = row.rag;
    o["why"] = row.why;
    o["open_findings"] = s.open_findings + row.lapsed;
    o["open_escalations"] = s.open_escalations;
    o["awaiting_acceptance"] = s.awaiting_acceptance;
    o["lapsed"] = row.lapsed;
    o["approved"] = s.approved;
    json::array phases, steps;
    for (const auto& [phase, state] : s.phases)
      phases.push_back(json::object{{"phase", phase}, {"state", state}});
    for (const auto& st : s.steps) steps.push_back(json::object{{"party", st.party}, {"text", st.text}});
    o["phases"] = std::move(phases);
    o["next_steps"] = std::move(steps);
    items.push_back(std::move(o));
  }
  json::object out{{"items", std::move(items)}, {"limit", limit}};
  out["total"] = page.total;
  out["next_cursor"] = page.next_cursor.empty() ? json::value(nullptr) : json::value(page.next_cursor);
  return out;
}

}  // namespace tom::api
