#include "store/sql_store.hpp"

#include <sodium.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>

#include "core/clock.hpp"
#include "domain/access.hpp"
#include "io/template_json.hpp"
#include "store/audit.hpp"
#include "store/loaders.hpp"
#include "store/migrations.hpp"
#include "store/records.hpp"
#include "store/sql/pg_connection.hpp"
#include "store/sql/sqlite_connection.hpp"

namespace tom::store {

using namespace tom::domain;
namespace json = boost::json;
using sql::integer;
using sql::Query;
using sql::text;

namespace q {
const Query kTemplateDigest{"template.digest", "SELECT digest FROM templates WHERE id = $1 AND version = $2",
                            nullptr};
const Query kTemplateInsert{
    "template.insert",
    "INSERT INTO templates (id, version, name, family, body, digest, sections, items, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    nullptr};
const Query kTemplateGet{"template.get", "SELECT body FROM templates WHERE id = $1 AND version = $2",
                         nullptr};
const Query kTemplateLatest{
    "template.latest",
    "SELECT body FROM templates WHERE id = $1 ORDER BY created_at DESC, version DESC LIMIT 1", nullptr};
const Query kTemplateList{"template.list",
                          "SELECT id, version, name, family, sections, items, created_at FROM templates "
                          "ORDER BY id, created_at",
                          nullptr};
const Query kOrgInsert{"org.insert",
                       "INSERT INTO organisations (name, ods_code, type, created_at) VALUES ($1, $2, $3, $4) "
                       "RETURNING id",
                       nullptr};
const Query kOrgGet{"org.get", "SELECT id, name, ods_code, type FROM organisations WHERE id = $1", nullptr};
const Query kOrgByName{"org.by_name", "SELECT id FROM organisations WHERE name = $1", nullptr};
const Query kOrgCentral{
    "org.central", "SELECT id, name FROM organisations WHERE type = 'central' ORDER BY id LIMIT 1", nullptr};
const Query kOrgList{"org.list", "SELECT id, name, ods_code, type FROM organisations ORDER BY id", nullptr};
const Query kAssessmentInsert{
    "assessment.insert",
    "INSERT INTO assessments (template_id, template_version, product, product_version, "
    "title, custodian, derived_from, created_at, created_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    nullptr};
const Query kParticipantInsert{
    "participant.insert",
    "INSERT INTO participants (assessment_id, party, organisation_id) VALUES ($1, $2, $3)", nullptr};
const Query kAssessmentGet{
    "assessment.get",
    "SELECT id, template_id, template_version, product, product_version, title, custodian, "
    "derived_from, created_at, created_by FROM assessments WHERE id = $1",
    nullptr};
const Query kAssessmentList{
    "assessment.list",
    "SELECT id, template_id, template_version, product, product_version, title, custodian, "
    "derived_from, created_at, created_by FROM assessments ORDER BY id",
    nullptr};
const Query kParticipants{
    "participant.list",
    "SELECT party, organisation_id FROM participants WHERE assessment_id = $1 ORDER BY party", nullptr};
const Query kAllParticipants{"participant.all",
                             "SELECT assessment_id, party, organisation_id FROM participants ORDER BY party",
                             nullptr};
const Query kSetTemplateVersion{"assessment.set_template_version",
                                "UPDATE assessments SET template_version = $2 WHERE id = $1", nullptr};
const Query kSetCustodian{"assessment.set_custodian",
                          "UPDATE assessments SET custodian = $2 WHERE id = $1 RETURNING custodian", nullptr};
const Query kAnswers{"answer.list",
                     "SELECT item_id, value, note, reference, author, updated_at, version FROM answers "
                     "WHERE assessment_id = $1",
                     nullptr};
const Query kAnswerGet{"answer.get",
                       "SELECT item_id, value, note, reference, author, updated_at, version FROM answers "
                       "WHERE assessment_id = $1 AND item_id = $2",
                       nullptr};
const Query kAnswerInsert{
    "answer.insert",
    "INSERT INTO answers (assessment_id, item_id, value, note, reference, author, updated_at, "
    "version) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
    nullptr};
const Query kAnswerUpdate{
    "answer.update",
    "UPDATE answers SET value = $3, note = $4, reference = $5, author = $6, updated_at = $7, "
    "version = version + 1 WHERE assessment_id = $1 AND item_id = $2 AND version = $8 "
    "RETURNING version",
    nullptr};
const char* const kFindingColumns =
    "id, assessment_id, key, kind, item_id, title, detail, role, party, owner, mitigation, status, "
    "accepted_by, "
    "accepted_role, accepted_at, expires_on, created_at, version";
const Query kFindingInsert{
    "finding.insert",
    "INSERT INTO findings (assessment_id, key, kind, item_id, title, detail, role, party, "
    "owner, mitigation, status, accepted_by, accepted_role, accepted_at, expires_on, "
    "created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
    "$14, $15, $16, 1) RETURNING id",
    nullptr};
const Query kFindingUpdate{"finding.update",
                           "UPDATE findings SET kind = $3, item_id = $4, title = $5, detail = $6, role = $7, "
                           "party = $8, owner = $9, mitigation = $10, status = $11, accepted_by = $12, "
                           "accepted_role = $13, accepted_at = $14, expires_on = $15, version = version + 1 "
                           "WHERE id = $1 AND assessment_id = $2 AND version = $16 RETURNING version",
                           nullptr};
const Query kFindingGet{
    "finding.get",
    "SELECT id, assessment_id, key, kind, item_id, title, detail, role, party, owner, "
    "mitigation, status, accepted_by, accepted_role, accepted_at, expires_on, created_at, "
    "version FROM findings WHERE id = $1",
    nullptr};
const Query kFindingList{
    "finding.list",
    "SELECT id, assessment_id, key, kind, item_id, title, detail, role, party, owner, "
    "mitigation, status, accepted_by, accepted_role, accepted_at, expires_on, created_at, "
    "version FROM findings WHERE assessment_id = $1 ORDER BY id",
    nullptr};
const Query kApprovalInsert{"approval.insert",
                            "INSERT INTO approvals (assessment_id, phase, area, decision, reason, outcome, "
                            "certificate, decided_by, decided_at, override_reason, basis) VALUES ($1, $2, "
                            "$3, $4, $5, $6, $7, $8, $9, "
                            "$10, $11) RETURNING id",
                            nullptr};
const Query kApprovalList{"approval.list",
                          "SELECT id, assessment_id, phase, area, decision, reason, outcome, certificate, "
                          "decided_by, decided_at, override_reason, basis FROM approvals "
                          "WHERE assessment_id = $1 ORDER BY id",
                          nullptr};
}  // namespace q

namespace {

std::string sha256_hex(const std::string& s) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

Assessment assessment_from(const sql::Row& r) {
  Assessment a;
  a.id = integer(r, 0);
  a.template_id = text(r, 1);
  a.template_version = text(r, 2);
  a.product = text(r, 3);
  a.product_version = text(r, 4);
  a.title = text(r, 5);
  a.custodian = text(r, 6);
  a.derived_from = integer(r, 7);
  a.created_at = text(r, 8);
  a.created_by = text(r, 9);
  return a;
}

}  // namespace

namespace {
Status audit(sql::Connection& c, const std::string& actor, const std::string& action,
             const std::string& entity, const std::string& key, std::string before, std::string after) {
  return audit_change(c, actor, action, entity, key, std::move(before), std::move(after));
}
}  // namespace

// ---- pool and transactions ----

Result<std::unique_ptr<SqlStore>> SqlStore::open(ConnectionFactory factory, std::string kind,
                                                 size_t pool_size, const std::string& audit_key_file) {
  std::unique_ptr<SqlStore> s(
      new SqlStore(std::move(factory), std::move(kind), pool_size < 1 ? 1 : pool_size));
  TOM_ASSIGN(auto conn, s->factory_());
  TOM_TRY(migrate(*conn));
  TOM_ASSIGN(s->audit_key_, establish_audit_key(*conn, audit_key_file));
  conn->audit_key = s->audit_key_;
  s->created_ = 1;
  s->idle_.push_back(std::move(conn));
  return s;
}

Result<std::unique_ptr<sql::Connection>> SqlStore::acquire() {
  std::unique_lock lock(mu_);
  while (true) {
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
    if (created_ < max_) {
      ++created_;
      lock.unlock();
      auto c = factory_();
      if (!c.ok()) {
        std::lock_guard relock(mu_);
        --created_;
      } else {
        (*c)->audit_key = audit_key_;
      }
      return c;
    }
    cv_.wait(lock);
  }
}

void SqlStore::release(std::unique_ptr<sql::Connection> c) {
  {
    std::lock_guard lock(mu_);
    if (c)
      idle_.push_back(std::move(c));
    else
      --created_;
  }
  cv_.notify_one();
}

// ---- templates ----

Status SqlStore::put_template(const Template& t, const std::string& actor) {
  std::string body = json::serialize(io::template_to_json(t));
  std::string digest = sha256_hex(body);
  auto r = write<bool>([&](sql::Connection& c) -> Result<bool> {
    TOM_ASSIGN(auto rows, c.query(q::kTemplateDigest, {t.id, t.version}));
    if (!rows.empty()) {
      if (text(rows[0], 0) == digest) return false;
      return Error::conflict(
          "template " + t.ref() +
          " already exists with different content; give the changed template a new version");
    }
    TOM_TRY(c.query(q::kTemplateInsert,
                    {t.id, t.version, t.name, t.family, body, digest, static_cast<int64_t>(t.sections.size()),
                     static_cast<int64_t>(t.item_count()), c.now()}));
    TOM_TRY(audit(c, actor, "template.add", "template", t.ref(), "",
                  json::serialize(json::object{{"id", t.id}, {"version", t.version}, {"digest", digest}})));
    return true;
  });
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

Result<Template> load_template(sql::Connection& c, const std::string& id, const std::string& version) {
  TOM_ASSIGN(auto rows,
             version.empty() ? c.query(q::kTemplateLatest, {id}) : c.query(q::kTemplateGet, {id, version}));
  if (rows.empty()) return Error::not_found("no template " + id + (version.empty() ? "" : "@" + version));
  boost::system::error_code ec;
  json::value v = json::parse(text(rows[0], 0), ec);
  if (ec) return Error::internal("stored template " + id + " is not valid JSON: " + ec.message());
  return io::template_from_json(v);
}

Result<Template> SqlStore::get_template(const std::string& id, const std::string& version) {
  return read<Template>([&](sql::Connection& c) { return load_template(c, id, version); });
}

Result<std::vector<TemplateSummary>> SqlStore::list_templates() {
  return read<std::vector<TemplateSummary>>([&](sql::Connection& c) -> Result<std::vector<TemplateSummary>> {
    TOM_ASSIGN(auto rows, c.query(q::kTemplateList, {}));
    std::vector<TemplateSummary> out;
    for (const auto& r : rows)
      out.push_back({text(r, 0), text(r, 1), text(r, 2), text(r, 3), static_cast<size_t>(integer(r, 4)),
                     static_cast<size_t>(integer(r, 5)), text(r, 6)});
    return out;
  });
}

// ---- transaction-scoped steps, shared by the single operations and by import ----

namespace {

Result<Organisation> insert_organisation(sql::Connection& c, const Organisation& o,
                                         const std::string& actor) {
  if (o.name.empty()) return Error::invalid("an organisation needs a name");
  const auto& types = organisation_types();
  if (std::find(types.begin(), types.end(), o.type) == types.end()) {
    std::string list;
    for (const auto& t : types) list += (list.empty() ? "" : ", ") + t;
    return Error::invalid(
        "the organisation's type must be one of " + list,
        {Problem{{"", "", 0, "type", ""}, "'" + o.type + "' is not a type of organisation"}});
  }
  if (o.type == "central") {
    // The central body is configured once: a second one could approve what only NHS Digital may.
    TOM_ASSIGN(auto central, c.query(q::kOrgCentral, {}));
    if (!central.empty())
      return Error::conflict("there is already a central body (" + text(central[0], 1) +
                             "); there is only one");
  }
  TOM_ASSIGN(auto rows, c.query(q::kOrgInsert, {o.name, o.ods_code, o.type, c.now()}));
  Organisation out = o;
  out.id = integer(rows.at(0), 0);
  TOM_TRY(audit(c, actor, "organisation.add", "organisation", "org/" + std::to_string(out.id), "",
                json::serialize(json::object{{"name", o.name}, {"ods_code", o.ods_code}, {"type", o.type}})));
  return out;
}

Result<Assessment> insert_assessment(sql::Connection& c, const Assessment& a, const std::string& actor) {
  if (a.product.empty()) return Error::invalid("an assessment needs a product name");
  TOM_ASSIGN(auto t, c.query(q::kTemplateDigest, {a.template_id, a.template_version}));
  if (t.empty()) return Error::not_found("no template " + a.template_ref());
  Assessment out = a;
  out.created_at = c.now();
  out.created_by = actor;
  TOM_ASSIGN(auto rows,
             c.query(q::kAssessmentInsert, {a.template_id, a.template_version, a.product, a.product_version,
                                            a.title, a.custodian, a.derived_from, out.created_at, actor}));
  out.id = integer(rows.at(0), 0);
  json::object parts;
  for (const auto& p : a.participants) {
    TOM_ASSIGN(auto org, c.query(q::kOrgGet, {p.organisation_id}));
    if (org.empty()) return Error::not_found("no organisation " + std::to_string(p.organisation_id));
    TOM_TRY(c.query(q::kParticipantInsert, {out.id, p.party, p.organisation_id}));
    parts[p.party] = p.organisation_id;
  }
  TOM_TRY(audit(c, actor, "assessment.create", "assessment", std::to_string(out.id), "",
                json::serialize(json::object{{"template", a.template_ref()},
                                             {"product", a.product},
                                             {"product_version", a.product_version},
                                             {"title", a.title},
                                             {"derived_from", a.derived_from},
                                             {"custodian", a.custodian},
                                             {"participants", parts}})));
  return out;
}

Result<Answer> upsert_answer(sql::Connection& c, int64_t assessment, const Answer& a,
                             int64_t expected_version, const std::string& actor) {
  TOM_ASSIGN(auto current, c.query(q::kAnswerGet, {assessment, a.item_id}));
  Answer out = a;
  out.author = a.author.empty() ? actor : a.author;
  out.updated_at = a.updated_at.empty() ? c.now() : a.updated_at;
  std::string before;
  if (current.empty()) {
    if (expected_version != 0)
      return Error::conflict("the answer to " + a.item_id + " was removed since version " +
                             std::to_string(expected_version));
    TOM_ASSIGN(auto exists, c.query(q::kAssessmentGet, {assessment}));
    if (exists.empty()) return Error::not_found("no assessment " + std::to_string(assessment));
    TOM_TRY(c.query(q::kAnswerInsert,
                    {assessment, a.item_id, a.value, a.note, a.reference, out.author, out.updated_at}));
    out.version = 1;
  } else {
    Answer old = answer_from(current[0]);
    if (old.version != expected_version)
      return Error::conflict("the answer to " + a.item_id + " has changed (now version " +
                             std::to_string(old.version) + ", you edited version " +
                             std::to_string(expected_version) + ")");
    before = json::serialize(answer_payload(old));
    TOM_ASSIGN(auto rows, c.query(q::kAnswerUpdate, {assessment, a.item_id, a.value, a.note, a.reference,
                                                     out.author, out.updated_at, expected_version}));
    if (rows.empty()) return Error::conflict("the answer to " + a.item_id + " has changed; reload it");
    out.version = integer(rows[0], 0);
  }
  TOM_TRY(audit(c, actor, "answer.save", "answer", std::to_string(assessment) + "/" + a.item_id, before,
                json::serialize(answer_payload(out))));
  return out;
}

Result<Finding> upsert_finding(sql::Connection& c, const Finding& f, const std::string& actor) {
  Finding out = f;
  std::string before;
  if (f.id == 0) {
    out.created_at = f.created_at.empty() ? c.now() : f.created_at;
    TOM_ASSIGN(auto rows,
               c.query(q::kFindingInsert,
                       {f.assessment_id, f.key, f.kind, f.item_id, f.title, f.detail, f.role, f.party,
                        f.owner, f.mitigation, std::string(to_string(f.status)), f.accepted_by,
                        f.accepted_role, f.accepted_at, f.expires_on, out.created_at}));
    out.id = integer(rows.at(0), 0);
    out.version = 1;
  } else {
    TOM_ASSIGN(auto cur, c.query(q::kFindingGet, {f.id}));
    if (cur.empty() || integer(cur[0], 1) != f.assessment_id)
      return Error::not_found("no finding " + std::to_string(f.id));
    Finding old = finding_from(cur[0]);
    if (old.version != f.version)
      return Error::conflict("finding " + std::to_string(f.id) + " has changed (now version " +
                             std::to_string(old.version) + ")");
    before = json::serialize(finding_payload(old));
    TOM_ASSIGN(auto rows, c.query(q::kFindingUpdate,
                                  {f.id, f.assessment_id, f.kind, f.item_id, f.title, f.detail, f.role,
                                   f.party, f.owner, f.mitigation, std::string(to_string(f.status)),
                                   f.accepted_by, f.accepted_role, f.accepted_at, f.expires_on, f.version}));
    if (rows.empty()) return Error::conflict("finding " + std::to_string(f.id) + " has changed; reload it");
    out.version = integer(rows[0], 0);
    out.key = old.key;  // the update leaves the key as it was
    out.created_at = old.created_at;
  }
  TOM_TRY(audit(c, actor, f.id == 0 ? "finding.add" : "finding.update", "finding",
                std::to_string(f.assessment_id) + "/finding/" + std::to_string(out.id), before,
                json::serialize(finding_payload(out))));
  return out;
}

Result<Approval> insert_approval(sql::Connection& c, const Approval& a, const std::string& actor) {
  TOM_ASSIGN(auto exists, c.query(q::kAssessmentGet, {a.assessment_id}));
  if (exists.empty()) return Error::not_found("no assessment " + std::to_string(a.assessment_id));
  Approval out = a;
  out.decided_by = a.decided_by.empty() ? actor : a.decided_by;
  out.decided_at = a.decided_at.empty() ? c.now() : a.decided_at;
  json::object basis;
  for (const auto& [item, value] : a.basis) basis[item] = value;
  std::string basis_text = a.basis.empty() ? "" : json::serialize(basis);
  TOM_ASSIGN(auto rows, c.query(q::kApprovalInsert,
                                {a.assessment_id, a.phase, a.area, std::string(to_string(a.decision)),
                                 a.reason, a.outcome, a.certificate, out.decided_by, out.decided_at,
                                 a.override_reason, basis_text}));
  out.id = integer(rows.at(0), 0);
  TOM_TRY(audit(c, actor, "approval.add", "approval",
                std::to_string(a.assessment_id) + "/approval/" + std::to_string(out.id), "",
                json::serialize(approval_payload(out))));
  return out;
}

}  // namespace

// ---- organisations ----

Result<Organisation> SqlStore::add_organisation(const Organisation& o, const std::string& actor) {
  return write<Organisation>([&](sql::Connection& c) { return insert_organisation(c, o, actor); });
}

Result<Organisation> load_organisation(sql::Connection& c, int64_t id) {
  TOM_ASSIGN(auto rows, c.query(q::kOrgGet, {id}));
  if (rows.empty()) return Error::not_found("no organisation " + std::to_string(id));
  return Organisation{integer(rows[0], 0), text(rows[0], 1), text(rows[0], 2), text(rows[0], 3)};
}

Result<Organisation> SqlStore::get_organisation(int64_t id) {
  return read<Organisation>([&](sql::Connection& c) { return load_organisation(c, id); });
}

Result<std::vector<Organisation>> SqlStore::list_organisations() {
  return read<std::vector<Organisation>>([&](sql::Connection& c) -> Result<std::vector<Organisation>> {
    TOM_ASSIGN(auto rows, c.query(q::kOrgList, {}));
    std::vector<Organisation> out;
    for (const auto& r : rows) out.push_back({integer(r, 0), text(r, 1), text(r, 2), text(r, 3)});
    return out;
  });
}

// ---- assessments ----

Result<Assessment> SqlStore::create_assessment(const Assessment& a, const std::string& actor) {
  return write<Assessment>([&](sql::Connection& c) { return insert_assessment(c, a, actor); });
}

Result<Assessment> load_assessment(sql::Connection& c, int64_t id) {
  TOM_ASSIGN(auto rows, c.query(q::kAssessmentGet, {id}));
  if (rows.empty()) return Error::not_found("no assessment " + std::to_string(id));
  Assessment a = assessment_from(rows[0]);
  TOM_ASSIGN(auto parts, c.query(q::kParticipants, {id}));
  for (const auto& p : parts) a.participants.push_back({text(p, 0), integer(p, 1)});
  return a;
}

Result<Assessment> SqlStore::get_assessment(int64_t id) {
  return read<Assessment>([&](sql::Connection& c) { return load_assessment(c, id); });
}

Result<std::vector<Assessment>> SqlStore::list_assessments() {
  return read<std::vector<Assessment>>([&](sql::Connection& c) -> Result<std::vector<Assessment>> {
    TOM_ASSIGN(auto rows, c.query(q::kAssessmentList, {}));
    TOM_ASSIGN(auto parts, c.query(q::kAllParticipants, {}));
    std::vector<Assessment> out;
    std::map<int64_t, size_t> index;
    for (const auto& r : rows) {
      index[integer(r, 0)] = out.size();
      out.push_back(assessment_from(r));
    }
    for (const auto& p : parts) {
      auto it = index.find(integer(p, 0));
      if (it != index.end()) out[it->second].participants.push_back({text(p, 1), integer(p, 2)});
    }
    return out;
  });
}

Status SqlStore::set_custodian(int64_t assessment, const std::string& party, const std::string& actor) {
  auto r = write<bool>([&](sql::Connection& c) -> Result<bool> {
    TOM_ASSIGN(auto before, c.query(q::kAssessmentGet, {assessment}));
    if (before.empty()) return Error::not_found("no assessment " + std::to_string(assessment));
    TOM_TRY(c.query(q::kSetCustodian, {assessment, party}));
    TOM_TRY(audit(c, actor, "assessment.custody", "assessment", std::to_string(assessment),
                  json::serialize(json::object{{"custodian", text(before[0], 6)}}),
                  json::serialize(json::object{{"custodian", party}})));
    return true;
  });
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

Status SqlStore::set_template_version(int64_t assessment, const std::string& version,
                                      const std::string& report_json, const std::string& actor) {
  auto r = write<bool>([&](sql::Connection& c) -> Result<bool> {
    TOM_ASSIGN(auto before, c.query(q::kAssessmentGet, {assessment}));
    if (before.empty()) return Error::not_found("no assessment " + std::to_string(assessment));
    TOM_ASSIGN(auto t, c.query(q::kTemplateDigest, {text(before[0], 1), version}));
    if (t.empty()) return Error::not_found("no template " + text(before[0], 1) + "@" + version);
    TOM_TRY(c.query(q::kSetTemplateVersion, {assessment, version}));
    TOM_TRY(audit(c, actor, "assessment.upgrade", "assessment", std::to_string(assessment),
                  json::serialize(json::object{{"template_version", text(before[0], 2)}}), report_json));
    return true;
  });
  if (!r.ok()) return std::move(r).error();
  return ok_status();
}

Result<Assessment> SqlStore::import_assessment(const AssessmentBundle& b, const std::string& actor) {
  return write<Assessment>([&](sql::Connection& c) -> Result<Assessment> {
    Assessment a = b.assessment;
    a.participants.clear();
    for (const auto& [party, org] : b.participants) {
      TOM_ASSIGN(auto found, c.query(q::kOrgByName, {org.name}));
      int64_t id = 0;
      if (!found.empty()) {
        id = integer(found[0], 0);
      } else {
        TOM_ASSIGN(Organisation created, insert_organisation(c, org, actor));
        id = created.id;
      }
      a.participants.push_back({party, id});
    }
    TOM_ASSIGN(Assessment out, insert_assessment(c, a, actor));
    for (const auto& [_, ans] : b.answers) TOM_TRY(upsert_answer(c, out.id, ans, 0, actor));
    for (Finding f : b.findings) {
      f.id = 0;
      f.assessment_id = out.id;
      TOM_TRY(upsert_finding(c, f, actor));
    }
    for (Approval ap : b.approvals) {
      ap.id = 0;
      ap.assessment_id = out.id;
      TOM_TRY(insert_approval(c, ap, actor));
    }
    return out;
  });
}

// ---- answers ----

Result<AnswerSet> load_answers(sql::Connection& c, int64_t assessment) {
  TOM_ASSIGN(auto rows, c.query(q::kAnswers, {assessment}));
  AnswerSet out;
  for (const auto& r : rows) {
    Answer a = answer_from(r);
    out.emplace(a.item_id, std::move(a));
  }
  return out;
}

Result<AnswerSet> SqlStore::get_answers(int64_t assessment) {
  return read<AnswerSet>([&](sql::Connection& c) { return load_answers(c, assessment); });
}

Result<Answer> SqlStore::save_answer(int64_t assessment, const Answer& a, int64_t expected_version,
                                     const std::string& actor) {
  Answer clean = a;
  clean.author.clear();
  clean.updated_at.clear();
  return write<Answer>(
      [&](sql::Connection& c) { return upsert_answer(c, assessment, clean, expected_version, actor); });
}

// ---- findings ----

Result<Finding> SqlStore::save_finding(const Finding& f, const std::string& actor) {
  return write<Finding>([&](sql::Connection& c) { return upsert_finding(c, f, actor); });
}

Result<std::vector<Finding>> load_findings(sql::Connection& c, int64_t assessment) {
  TOM_ASSIGN(auto rows, c.query(q::kFindingList, {assessment}));
  std::vector<Finding> out;
  for (const auto& r : rows) out.push_back(finding_from(r));
  return out;
}

Result<std::vector<Finding>> SqlStore::list_findings(int64_t assessment) {
  return read<std::vector<Finding>>([&](sql::Connection& c) { return load_findings(c, assessment); });
}

// ---- approvals ----

Result<Approval> SqlStore::add_approval(const Approval& a, const std::string& actor) {
  Approval clean = a;
  clean.decided_at.clear();
  return write<Approval>([&](sql::Connection& c) { return insert_approval(c, clean, actor); });
}

Result<Approval> SqlStore::record_decision(const Approval& a,
                                           const std::function<std::vector<Answer>(const Approval&)>& record,
                                           const std::string& actor) {
  Approval clean = a;
  clean.decided_at.clear();
  return write<Approval>([&](sql::Connection& c) -> Result<Approval> {
    TOM_ASSIGN(Approval saved, insert_approval(c, clean, actor));
    for (Answer ans : record(saved)) {
      TOM_ASSIGN(auto current, c.query(q::kAnswerGet, {a.assessment_id, ans.item_id}));
      int64_t version = current.empty() ? 0 : answer_from(current[0]).version;
      ans.updated_at = saved.decided_at;
      TOM_TRY(upsert_answer(c, a.assessment_id, ans, version, actor));
    }
    return saved;
  });
}

Result<std::vector<Approval>> load_approvals(sql::Connection& c, int64_t assessment) {
  TOM_ASSIGN(auto rows, c.query(q::kApprovalList, {assessment}));
  std::vector<Approval> out;
  for (const auto& r : rows) {
    TOM_ASSIGN(Approval a, approval_from(r));
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<Approval>> SqlStore::list_approvals(int64_t assessment) {
  return read<std::vector<Approval>>([&](sql::Connection& c) { return load_approvals(c, assessment); });
}

// ---- audit ----

Result<std::vector<AuditEvent>> SqlStore::list_audit(const AuditFilter& filter) {
  return read<std::vector<AuditEvent>>([&](sql::Connection& c) { return read_audit(c, filter); });
}

Result<int64_t> SqlStore::revision() {
  static const Query kRevision{"store.revision", "SELECT seq FROM audit_head WHERE id = 1", nullptr};
  return read<int64_t>([&](sql::Connection& c) -> Result<int64_t> {
    TOM_ASSIGN(auto rows, c.query(kRevision, {}));
    return rows.empty() ? int64_t{0} : integer(rows[0], 0);
  });
}

Result<std::vector<AuditEvent>> SqlStore::list_assessment_audit(int64_t assessment, const AuditPage& page) {
  return read<std::vector<AuditEvent>>(
      [&](sql::Connection& c) { return read_assessment_audit(c, assessment, page); });
}

Result<int64_t> SqlStore::count_assessment_audit(int64_t assessment) {
  static const Query kCount{"audit.assessment_count",
                            "SELECT count(*) FROM audit_events WHERE assessment_id = $1", nullptr};
  return read<int64_t>([&](sql::Connection& c) -> Result<int64_t> {
    TOM_ASSIGN(auto rows, c.query(kCount, {assessment}));
    return rows.empty() ? int64_t{0} : integer(rows[0], 0);
  });
}

Result<AuditReport> SqlStore::verify_audit(const AuditHead* against) {
  return read<AuditReport>([&](sql::Connection& c) { return verify_audit_chain(c, against); });
}

// ---- opening ----

namespace {
bool is_postgres_url(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}
}  // namespace

std::string default_audit_key_file(const std::string& url) {
  if (!is_postgres_url(url)) return url + ".audit-key";
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  std::string config = xdg && *xdg ? xdg : std::string(home && *home ? home : ".") + "/.config";
  return config + "/tom/audit-key";
}

Result<std::unique_ptr<Store>> open_store(const std::string& url, const OpenOptions& options) {
  if (sodium_init() < 0) return Error::internal("libsodium failed to initialise");
  if (url.empty()) return Error::invalid("no database given: use --db PATH or set TOM_DB");
  std::string key_file =
      options.audit_key_file.empty() ? default_audit_key_file(url) : options.audit_key_file;
  const Clock* clock = options.clock ? options.clock : &system_clock();
  bool pg = is_postgres_url(url);
  // Every connection stamps its writes with the store's clock.
  ConnectionFactory factory = [url, pg, clock]() -> Result<std::unique_ptr<sql::Connection>> {
    TOM_ASSIGN(auto c, pg ? sql::open_postgres(url) : sql::open_sqlite(url));
    c->clock = clock;
    return c;
  };
  TOM_ASSIGN(auto s, SqlStore::open(std::move(factory), pg ? "postgresql" : "sqlite", pg ? 8 : 4, key_file));
  return std::unique_ptr<Store>(std::move(s));
}

}  // namespace tom::store
