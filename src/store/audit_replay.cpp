#include "store/audit_replay.hpp"

#include <set>

#include "store/audit.hpp"
#include "store/records.hpp"

namespace tom::store {

namespace json = boost::json;
using sql::integer;
using sql::Query;
using sql::text;

namespace {

// Column orders as store/records.hpp states them, after the assessment id where the row needs one.
const Query kAnswersAll{"replay.answers",
                        "SELECT assessment_id, item_id, value, note, reference, author, updated_at, version "
                        "FROM answers ORDER BY assessment_id, item_id",
                        nullptr};
const Query kFindingsAll{
    "replay.findings",
    "SELECT id, assessment_id, key, kind, item_id, title, detail, role, party, owner, "
    "mitigation, status, accepted_by, accepted_role, accepted_at, expires_on, created_at, "
    "version FROM findings ORDER BY id",
    nullptr};
const Query kApprovalsAll{"replay.approvals",
                          "SELECT id, assessment_id, phase, area, decision, reason, outcome, certificate, "
                          "decided_by, decided_at, override_reason, basis FROM approvals ORDER BY id",
                          nullptr};
const Query kAssessmentsAll{"replay.assessments", "SELECT id, custodian FROM assessments ORDER BY id",
                            nullptr};
const Query kHandoffsAll{"replay.handoffs",
                         "SELECT id, assessment_id, from_party, to_party, note, by_user, at FROM handoffs "
                         "ORDER BY id",
                         nullptr};

const Query kTemplatesAll{"replay.templates",
                          "SELECT id, version, digest FROM templates ORDER BY id, version", nullptr};
const Query kOrganisationsAll{"replay.organisations",
                              "SELECT id, name, ods_code, type FROM organisations ORDER BY id", nullptr};
const Query kUsersAll{"replay.users", "SELECT id, email, name, organisation_id, roles FROM users ORDER BY id",
                      nullptr};

// The entities whose rows the replay compares, and the table each lives in.
const std::map<std::string, std::string> kTables = {
    {"answer", "answers"},     {"finding", "findings"},
    {"approval", "approvals"}, {"assessment", "assessments"},
    {"template", "templates"}, {"organisation", "organisations"},
    {"user", "users"}};

std::string show(const json::value& v) {
  std::string s = json::serialize(v);
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

// "value is "No" where the trail says "Yes", version is 3 where the trail says 2"; empty when they agree.
std::string differences(const json::object& row, const json::object& replayed) {
  std::string out;
  for (const auto& field : replayed) {
    auto it = row.find(field.key());
    if (it == row.end() || it->value() == field.value()) continue;
    out += (out.empty() ? "" : ", ") + std::string(field.key()) + " is " + show(it->value()) +
           " where the trail says " + show(field.value());
  }
  return out;
}

// How a problem names a row: "assessment 3, item OR-01", "assessment 3, finding 7", "assessment 3".
std::string describe(const std::string& entity, const std::string& key) {
  if (entity == "template") return "template " + key;
  if (entity == "organisation") return "organisation " + key.substr(key.find('/') + 1);
  if (entity == "user") return "user " + key.substr(key.find('/') + 1);
  size_t slash = key.find('/');
  std::string assessment = "assessment " + key.substr(0, slash);
  if (slash == std::string::npos) return assessment;
  std::string rest = key.substr(slash + 1);
  if (entity == "answer") return assessment + ", item " + rest;
  size_t second = rest.find('/');
  return assessment + ", " + rest.substr(0, second) + " " +
         (second == std::string::npos ? "" : rest.substr(second + 1));
}

}  // namespace

void AuditReplay::apply(const AuditEvent& e) {
  if (!kTables.count(e.entity)) return;
  if (e.after.empty()) {
    if (!e.before.empty()) entities_.erase(e.entity_key);
    return;
  }
  boost::system::error_code ec;
  json::value v = json::parse(e.after, ec);
  if (ec || !v.is_object()) return;
  State& st = entities_[e.entity_key];
  st.entity = e.entity;
  st.seq = e.seq;
  for (const auto& field : v.as_object()) st.fields[field.key()] = field.value();
  if (e.action != "assessment.handoff") return;
  int64_t assessment = assessment_of_key(e.entity_key);
  const json::value* h = v.as_object().if_contains("handoff");
  if (h && h->is_object() && h->as_object().contains("id") && h->as_object().at("id").is_int64())
    handoffs_[assessment][h->as_object().at("id").as_int64()] = State{"handoff", h->as_object(), e.seq};
  else
    ++unrecorded_handoffs_[assessment];
}

Status AuditReplay::compare(sql::Connection& conn, std::vector<std::string>& problems) const {
  std::set<std::string> seen;
  auto check = [&](const std::string& table, const std::string& entity, const std::string& key,
                   const json::object& row) {
    std::string what = table + ": " + describe(entity, key);
    auto it = entities_.find(key);
    if (it == entities_.end() || it->second.entity != entity) {
      problems.push_back(what +
                         " has no audit event: it was written outside tom, or its events were removed");
      return;
    }
    seen.insert(key);
    std::string diff = differences(row, it->second.fields);
    if (!diff.empty())
      problems.push_back(what + ": " + diff + " (event " + std::to_string(it->second.seq) +
                         "): changed outside tom, with no audit event");
  };

  TOM_ASSIGN(auto answers, conn.query(kAnswersAll, {}));
  for (const auto& r : answers) {
    domain::Answer a = answer_from(r, 1);
    check("answers", "answer", std::to_string(integer(r, 0)) + "/" + a.item_id, answer_payload(a));
  }
  TOM_ASSIGN(auto findings, conn.query(kFindingsAll, {}));
  for (const auto& r : findings) {
    domain::Finding f = finding_from(r);
    check("findings", "finding", std::to_string(f.assessment_id) + "/finding/" + std::to_string(f.id),
          finding_payload(f));
  }
  TOM_ASSIGN(auto approvals, conn.query(kApprovalsAll, {}));
  for (const auto& r : approvals) {
    auto read = approval_from(r);
    if (!read) {
      std::string key = text(r, 1) + "/approval/" + text(r, 0);
      seen.insert(key);
      problems.push_back("approvals: " + describe("approval", key) +
                         ": its basis is not readable: changed outside tom, with no audit event");
      continue;
    }
    const domain::Approval& a = *read;
    check("approvals", "approval", std::to_string(a.assessment_id) + "/approval/" + std::to_string(a.id),
          approval_payload(a));
  }
  TOM_ASSIGN(auto assessments, conn.query(kAssessmentsAll, {}));
  for (const auto& r : assessments)
    check("assessments", "assessment", std::to_string(integer(r, 0)),
          json::object{{"custodian", text(r, 1)}});
  TOM_ASSIGN(auto templates, conn.query(kTemplatesAll, {}));
  for (const auto& r : templates)
    check("templates", "template", text(r, 0) + "@" + text(r, 1),
          json::object{{"id", text(r, 0)}, {"version", text(r, 1)}, {"digest", text(r, 2)}});
  TOM_ASSIGN(auto organisations, conn.query(kOrganisationsAll, {}));
  for (const auto& r : organisations)
    check("organisations", "organisation", "org/" + text(r, 0),
          json::object{{"name", text(r, 1)}, {"ods_code", text(r, 2)}, {"type", text(r, 3)}});
  TOM_ASSIGN(auto users, conn.query(kUsersAll, {}));
  for (const auto& r : users)
    check("users", "user", "user/" + text(r, 0),
          json::object{{"email", text(r, 1)},
                       {"name", text(r, 2)},
                       {"organisation_id", integer(r, 3)},
                       {"roles", text(r, 4)}});
  for (const auto& [key, st] : entities_) {
    if (seen.count(key)) continue;
    problems.push_back(kTables.at(st.entity) + ": " + describe(st.entity, key) +
                       " is in the audit trail (event " + std::to_string(st.seq) +
                       ") but not in the table: removed outside tom");
  }

  TOM_ASSIGN(auto handoffs, conn.query(kHandoffsAll, {}));
  std::map<int64_t, size_t> unmatched_allowed = unrecorded_handoffs_;
  std::set<std::pair<int64_t, int64_t>> handoffs_seen;
  for (const auto& r : handoffs) {
    domain::Handoff h = handoff_from(r);
    std::string what = "handoffs: assessment " + std::to_string(h.assessment_id) + ", hand-off " +
                       std::to_string(h.id) + " (" + h.from_party + " to " + h.to_party + ")";
    const State* it = nullptr;
    if (auto a = handoffs_.find(h.assessment_id); a != handoffs_.end())
      if (auto found = a->second.find(h.id); found != a->second.end()) it = &found->second;
    if (!it) {
      if (unmatched_allowed[h.assessment_id] > 0) {
        --unmatched_allowed[h.assessment_id];
        continue;
      }
      problems.push_back(what +
                         " has no audit event: it was written outside tom, or its events were removed");
      continue;
    }
    handoffs_seen.insert({h.assessment_id, h.id});
    std::string diff = differences(handoff_payload(h), it->fields);
    if (!diff.empty())
      problems.push_back(what + ": " + diff + " (event " + std::to_string(it->seq) +
                         "): changed outside tom, with no audit event");
  }
  for (const auto& [assessment, byid] : handoffs_)
    for (const auto& [id, st] : byid)
      if (!handoffs_seen.count({assessment, id}))
        problems.push_back("handoffs: assessment " + std::to_string(assessment) + ", hand-off " +
                           std::to_string(id) + " is in the audit trail (event " + std::to_string(st.seq) +
                           ") but not in the table: removed outside tom");
  return ok_status();
}

}  // namespace tom::store
