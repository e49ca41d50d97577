// Users, sessions, hand-offs and phase submissions: the identity and workflow half of SqlStore.
#include <boost/json.hpp>

#include "core/clock.hpp"
#include "store/audit.hpp"
#include "store/loaders.hpp"
#include "store/records.hpp"
#include "store/sql_store.hpp"

namespace tom::store {

using namespace tom::domain;
namespace json = boost::json;
using sql::integer;
using sql::Query;
using sql::text;

namespace {

const Query kUserInsert{"user.insert",
                        "INSERT INTO users (email, name, organisation_id, roles, password_hash, created_at) "
                        "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                        nullptr};
const Query kUserGet{"user.get", "SELECT id, email, name, organisation_id, roles FROM users WHERE id = $1",
                     nullptr};
const Query kUserByEmail{"user.by_email",
                         "SELECT id, email, name, organisation_id, roles, password_hash FROM users "
                         "WHERE lower(email) = lower($1)",
                         nullptr};
const Query kUserList{"user.list", "SELECT id, email, name, organisation_id, roles FROM users ORDER BY id",
                      nullptr};
const Query kOrgExists{"user.org_exists", "SELECT id FROM organisations WHERE id = $1", nullptr};
const Query kSessionInsert{
    "session.insert",
    "INSERT INTO sessions (token_hash, user_id, kind, name, csrf_token, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
    nullptr};
const Query kSessionFind{
    "session.find",
    "SELECT s.token_hash, s.user_id, s.kind, s.name, s.csrf_token, s.created_at, s.expires_at, "
    "u.id, u.email, u.name, u.organisation_id, u.roles, o.id, o.name, o.ods_code, o.type "
    "FROM sessions s JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.organisation_id "
    "WHERE s.token_hash = $1 AND s.expires_at > $2",
    nullptr};
const Query kSessionDelete{"session.delete", "DELETE FROM sessions WHERE token_hash = $1", nullptr};
const Query kTokenList{
    "token.list",
    "SELECT token_hash, user_id, kind, name, csrf_token, created_at, expires_at FROM sessions "
    "WHERE user_id = $1 AND kind = 'token' AND expires_at > $2 ORDER BY created_at, token_hash",
    nullptr};
const Query kTokenFind{"token.find",
                       "SELECT token_hash, name FROM sessions WHERE user_id = $1 AND kind = 'token' AND "
                       "substr(token_hash, 1, 16) = $2",
                       nullptr};
const Query kAssessmentCustody{"handoff.assessment", "SELECT custodian FROM assessments WHERE id = $1",
                               nullptr};
const Query kSetCustody{"handoff.set_custodian", "UPDATE assessments SET custodian = $2 WHERE id = $1",
                        nullptr};
const Query kHandoffInsert{"handoff.insert",
                           "INSERT INTO handoffs (assessment_id, from_party, to_party, note, by_user, at) "
                           "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                           nullptr};
const Query kHandoffList{"handoff.list",
                         "SELECT id, assessment_id, from_party, to_party, note, by_user, at FROM handoffs "
                         "WHERE assessment_id = $1 ORDER BY id",
                         nullptr};
const Query kSubmissionInsert{
    "submission.insert",
    "INSERT INTO submissions (assessment_id, phase, by_user, at) VALUES ($1, $2, $3, $4) "
    "RETURNING id",
    nullptr};
const Query kSubmissionList{
    "submission.list",
    "SELECT id, assessment_id, phase, by_user, at FROM submissions WHERE assessment_id = $1 "
    "ORDER BY id",
    nullptr};

std::string join_roles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ",") + r;
  return out;
}

std::vector<std::string> split_roles(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string r = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!r.empty()) out.push_back(r);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

User user_from(const sql::Row& r, size_t at) {
  return User{integer(r, at), text(r, at + 1), text(r, at + 2), integer(r, at + 3),
              split_roles(text(r, at + 4))};
}

Result<User> SqlStore::add_user(const User& u, const std::string& password_hash, const std::string& actor) {
  if (u.email.empty() || u.email.find('@') == std::string::npos)
    return Error::invalid("a user needs an email address");
  if (u.name.empty()) return Error::invalid("a user needs a name");
  return write<User>([&](sql::Connection& c) -> Result<User> {
    TOM_ASSIGN(auto org, c.query(kOrgExists, {u.organisation_id}));
    if (org.empty()) return Error::not_found("no organisation " + std::to_string(u.organisation_id));
    TOM_ASSIGN(auto existing, c.query(kUserByEmail, {u.email}));
    if (!existing.empty()) return Error::conflict("a user with email " + u.email + " already exists");
    TOM_ASSIGN(auto rows, c.query(kUserInsert, {u.email, u.name, u.organisation_id, join_roles(u.roles),
                                                password_hash, c.now()}));
    User out = u;
    out.id = integer(rows.at(0), 0);
    TOM_TRY(audit_change(c, actor, "user.add", "user", "user/" + std::to_string(out.id), "",
                         json::serialize(json::object{{"email", u.email},
                                                      {"name", u.name},
                                                      {"organisation_id", u.organisation_id},
                                                      {"roles", join_roles(u.roles)}})));
    return out;
  });
}

Result<User> SqlStore::get_user(int64_t id) {
  return read<User>([&](sql::Connection& c) -> Result<User> {
    TOM_ASSIGN(auto rows, c.query(kUserGet, {id}));
    if (rows.empty()) return Error::not_found("no user " + std::to_string(id));
    return user_from(rows[0]);
  });
}

Result<std::pair<User, std::string>> SqlStore::find_user_by_email(const std::string& email) {
  using R = std::pair<User, std::string>;
  return read<R>([&](sql::Connection& c) -> Result<R> {
    TOM_ASSIGN(auto rows, c.query(kUserByEmail, {email}));
    if (rows.empty()) return Error::not_found("no user with that email");
    return R{user_from(rows[0]), text(rows[0], 5)};
  });
}

Result<std::vector<User>> SqlStore::list_users() {
  return read<std::vector<User>>([&](sql::Connection& c) -> Result<std::vector<User>> {
    TOM_ASSIGN(auto rows, c.query(kUserList, {}));
    std::vector<User> out;
    for (const auto& r : rows) out.push_back(user_from(r));
    return out;
  });
}

Status SqlStore::add_session(const SessionRecord& s) {
  auto r = write<bool>([&](sql::Connection& c) -> Result<bool> {
    TOM_TRY(c.query(kSessionInsert,
                    {s.token_hash, s.user_id, s.kind, s.name, s.csrf_token, s.created_at, s.expires_at}));
    if (s.kind == "token")
      TOM_TRY(audit_change(c, "user/" + std::to_string(s.user_id), "token.create", "token",
                           "user/" + std::to_string(s.user_id), "",
                           json::serialize(json::object{{"name", s.name}})));
    return true;
  });
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

Result<LiveSession> SqlStore::find_session(const std::string& token_hash, const std::string& now) {
  using R = LiveSession;
  return read<R>([&](sql::Connection& c) -> Result<R> {
    TOM_ASSIGN(auto rows, c.query(kSessionFind, {token_hash, now}));
    if (rows.empty()) return Error::unauthorized("sign in again: the session has ended");
    const auto& r = rows[0];
    SessionRecord s{text(r, 0), integer(r, 1), text(r, 2), text(r, 3), text(r, 4), text(r, 5), text(r, 6)};
    return R{s, user_from(r, 7), Organisation{integer(r, 12), text(r, 13), text(r, 14), text(r, 15)}};
  });
}

Status SqlStore::delete_session(const std::string& token_hash) {
  auto r = write<bool>([&](sql::Connection& c) -> Result<bool> {
    TOM_TRY(c.query(kSessionDelete, {token_hash}));
    return true;
  });
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

Result<std::vector<SessionRecord>> SqlStore::list_tokens(int64_t user_id, const std::string& now) {
  using R = std::vector<SessionRecord>;
  return read<R>([&](sql::Connection& c) -> Result<R> {
    TOM_ASSIGN(auto rows, c.query(kTokenList, {user_id, now}));
    R out;
    for (const auto& r : rows)
      out.push_back({text(r, 0), integer(r, 1), text(r, 2), text(r, 3), text(r, 4), text(r, 5), text(r, 6)});
    return out;
  });
}

Status SqlStore::revoke_token(int64_t user_id, const std::string& hash_prefix, const std::string& actor) {
  auto r = write<bool>([&](sql::Connection& c) -> Result<bool> {
    TOM_ASSIGN(auto rows, c.query(kTokenFind, {user_id, hash_prefix}));
    if (rows.empty()) return Error::not_found("you have no API token '" + hash_prefix + "'");
    for (const auto& row : rows) {
      TOM_TRY(c.query(kSessionDelete, {text(row, 0)}));
      TOM_TRY(audit_change(c, actor, "token.revoke", "token", "user/" + std::to_string(user_id),
                           json::serialize(json::object{{"id", hash_prefix}, {"name", text(row, 1)}}), ""));
    }
    return true;
  });
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

Result<Handoff> SqlStore::add_handoff(const Handoff& h, const std::string& actor) {
  return write<Handoff>([&](sql::Connection& c) -> Result<Handoff> {
    TOM_ASSIGN(auto rows, c.query(kAssessmentCustody, {h.assessment_id}));
    if (rows.empty()) return Error::not_found("no assessment " + std::to_string(h.assessment_id));
    if (text(rows[0], 0) != h.from_party)
      return Error::conflict("the TOM is held by " + text(rows[0], 0) + ", not " + h.from_party);
    Handoff out = h;
    out.at = c.now();
    out.by = actor;
    TOM_ASSIGN(auto ids,
               c.query(kHandoffInsert, {h.assessment_id, h.from_party, h.to_party, h.note, actor, out.at}));
    out.id = integer(ids.at(0), 0);
    TOM_TRY(c.query(kSetCustody, {h.assessment_id, h.to_party}));
    TOM_TRY(
        audit_change(c, actor, "assessment.handoff", "assessment", std::to_string(h.assessment_id),
                     json::serialize(json::object{{"custodian", h.from_party}}),
                     json::serialize(json::object{
                         {"custodian", h.to_party}, {"note", h.note}, {"handoff", handoff_payload(out)}})));
    return out;
  });
}

Result<std::vector<Handoff>> SqlStore::list_handoffs(int64_t assessment) {
  return read<std::vector<Handoff>>([&](sql::Connection& c) -> Result<std::vector<Handoff>> {
    TOM_ASSIGN(auto rows, c.query(kHandoffList, {assessment}));
    std::vector<Handoff> out;
    for (const auto& r : rows) out.push_back(handoff_from(r));
    return out;
  });
}

Result<Submission> SqlStore::add_submission(const Submission& s, const std::string& actor) {
  return write<Submission>([&](sql::Connection& c) -> Result<Submission> {
    TOM_ASSIGN(auto exists, c.query(kAssessmentCustody, {s.assessment_id}));
    if (exists.empty()) return Error::not_found("no assessment " + std::to_string(s.assessment_id));
    Submission out = s;
    out.at = c.now();
    out.by = actor;
    TOM_ASSIGN(auto ids, c.query(kSubmissionInsert, {s.assessment_id, s.phase, actor, out.at}));
    out.id = integer(ids.at(0), 0);
    TOM_TRY(audit_change(c, actor, "phase.submit", "phase",
                         std::to_string(s.assessment_id) + "/phase/" + s.phase, "",
                         json::serialize(json::object{{"phase", s.phase}})));
    return out;
  });
}

Result<std::vector<Submission>> load_submissions(sql::Connection& c, int64_t assessment) {
  TOM_ASSIGN(auto rows, c.query(kSubmissionList, {assessment}));
  std::vector<Submission> out;
  for (const auto& r : rows)
    out.push_back({integer(r, 0), integer(r, 1), text(r, 2), text(r, 3), text(r, 4)});
  return out;
}

Result<std::vector<Submission>> SqlStore::list_submissions(int64_t assessment) {
  return read<std::vector<Submission>>([&](sql::Connection& c) { return load_submissions(c, assessment); });
}

}  // namespace tom::store
