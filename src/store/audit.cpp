#include "store/audit.hpp"

#include <sodium.h>

#include <boost/json.hpp>
#include <limits>
#include <optional>
#include <sstream>

#include "core/clock.hpp"
#include "store/audit_replay.hpp"

namespace tom::store {

namespace json = boost::json;
using sql::integer;
using sql::text;

namespace {

#define TOM_AUDIT_COLUMNS \
  "seq, at, actor, action, entity, entity_key, before_json, after_json, prev_hash, hash, assessment_id"

const sql::Query kHeadForUpdate{"audit.head_lock", "SELECT seq, hash FROM audit_head WHERE id = 1",
                                "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"};
const sql::Query kHead{"audit.head", "SELECT seq, hash, keyed_from, key_id FROM audit_head WHERE id = 1",
                       nullptr};
const sql::Query kInsert{"audit.insert",
                         "INSERT INTO audit_events (seq, at, actor, action, entity, entity_key, before_json, "
                         "after_json, prev_hash, hash, assessment_id) "
                         "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                         nullptr};
const sql::Query kSetHead{"audit.set_head", "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
                          nullptr};
const sql::Query kList{"audit.list",
                       "SELECT " TOM_AUDIT_COLUMNS
                       " FROM audit_events WHERE seq > $1 AND entity_key LIKE $2 ORDER BY seq LIMIT $3",
                       nullptr};
const sql::Query kPage{"audit.page",
                       "SELECT " TOM_AUDIT_COLUMNS " FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT $2",
                       nullptr};
const sql::Query kAssessmentOldest{"audit.assessment_oldest",
                                   "SELECT " TOM_AUDIT_COLUMNS
                                   " FROM audit_events WHERE assessment_id = $1 AND seq > $2 "
                                   "ORDER BY seq LIMIT $3",
                                   nullptr};
const sql::Query kAssessmentNewest{"audit.assessment_newest",
                                   "SELECT " TOM_AUDIT_COLUMNS
                                   " FROM audit_events WHERE assessment_id = $1 AND seq < $2 "
                                   "ORDER BY seq DESC LIMIT $3",
                                   nullptr};

#undef TOM_AUDIT_COLUMNS

constexpr int64_t kVerifyPage = 5000;
constexpr size_t kMaxProblems = 500;

AuditEvent from_row(const sql::Row& r) {
  AuditEvent e;
  e.seq = integer(r, 0);
  e.at = text(r, 1);
  e.actor = text(r, 2);
  e.action = text(r, 3);
  e.entity = text(r, 4);
  e.entity_key = text(r, 5);
  e.before = text(r, 6);
  e.after = text(r, 7);
  e.prev_hash = text(r, 8);
  e.hash = text(r, 9);
  return e;
}

std::vector<AuditEvent> events_from(const std::vector<sql::Row>& rows) {
  std::vector<AuditEvent> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

// Fields are length-prefixed so no two different records serialise alike.
class Fields {
 public:
  Fields& add(const std::string& s) {
    buf_ += std::to_string(s.size());
    buf_ += ':';
    buf_ += s;
    return *this;
  }
  Fields& add(int64_t n) { return add(std::to_string(n)); }
  const std::string& str() const { return buf_; }

 private:
  std::string buf_;
};

std::string to_hex(const unsigned char* p, size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), p, n);
  hex.pop_back();
  return hex;
}

std::string sha256_hex(const std::string& data) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(out, sizeof out);
}

std::string hmac_hex(const std::string& key, const std::string& data) {
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  crypto_auth_hmacsha256_final(&st, out);
  return to_hex(out, sizeof out);
}

bool same_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string head_mac(const AuditHead& h, const std::string& key) {
  return hmac_hex(key, Fields()
                           .add("tom-audit-head-v1")
                           .add(h.events)
                           .add(h.last_seq)
                           .add(h.last_hash)
                           .add(h.at)
                           .add(h.key_id)
                           .str());
}

std::string name(const AuditEvent& e) {
  return "event " + std::to_string(e.seq) + " (" + e.action + " " + e.entity_key + ")";
}

std::string range(int64_t from, int64_t to) {
  return from == to ? "event " + std::to_string(from)
                    : "events " + std::to_string(from) + "-" + std::to_string(to);
}

struct Problems {
  AuditReport& report;
  size_t dropped = 0;
  void add(std::string p) {
    if (report.problems.size() < kMaxProblems)
      report.problems.push_back(std::move(p));
    else
      ++dropped;
  }
};

// The keyed chain must start with the audit.keyed event, signed with this key, naming it.
void check_keyed_start(const AuditEvent& e, const std::string& key_id, Problems& problems) {
  boost::system::error_code ec;
  json::value after = json::parse(e.after, ec);
  const json::value* named = !ec && after.is_object() ? after.as_object().if_contains("key_id") : nullptr;
  if (e.action != "audit.keyed" || !named || !named->is_string() || named->as_string() != key_id)
    problems.add(name(e) + " should start the keyed chain (audit.keyed, key " + key_id +
                 "): where the keyed chain starts was changed outside tom");
}

void check_against(const AuditHead& against, const std::string& key, int64_t last_seq,
                   const std::optional<std::pair<std::string, int64_t>>& at_head, Problems& problems) {
  std::string taken = "the head taken at " + against.at;
  if (against.key_id != audit_key_id(key)) {
    problems.add("the head file was signed with another audit key (key " + against.key_id +
                 "; this database's trail is signed with key " + audit_key_id(key) + ")");
    return;
  }
  if (!same_secret(head_mac(against, key), against.mac)) {
    problems.add(
        "the head file's signature does not match its contents: it was edited, or was not written "
        "by tom audit head");
    return;
  }
  if (against.last_seq == 0) return;
  if (last_seq < against.last_seq) {
    problems.add("the log was cut back: " + taken + " ends at event " + std::to_string(against.last_seq) +
                 " but the log now ends at event " + std::to_string(last_seq) + " (" +
                 range(last_seq + 1, against.last_seq) + " gone)");
    return;
  }
  if (!at_head) {
    problems.add("event " + std::to_string(against.last_seq) + ", the last event of " + taken +
                 ", is missing from the log");
    return;
  }
  if (at_head->first != against.last_hash)
    problems.add("the log was rewritten: event " + std::to_string(against.last_seq) +
                 " no longer has the hash " + taken + " recorded");
  if (at_head->second != against.events)
    problems.add("the log holds " + std::to_string(at_head->second) + " events up to event " +
                 std::to_string(against.last_seq) + " where " + taken + " recorded " +
                 std::to_string(against.events) + ": events were removed or inserted before it");
}

Result<AuditReport> verify_in_snapshot(sql::Connection& conn, const AuditHead* against) {
  const std::string& key = conn.audit_key;
  if (key.empty()) return Error::internal("no audit key on this connection");
  TOM_ASSIGN(auto head, conn.query(kHead, {}));
  AuditReport report;
  Problems problems{report};
  int64_t keyed_from = head.empty() ? 0 : integer(head[0], 2);
  std::string key_id = head.empty() ? "" : text(head[0], 3);
  AuditReplay replay;
  int64_t expected_seq = 1;
  std::string prev_hash;
  bool keyed_start_seen = false;
  std::optional<std::pair<std::string, int64_t>>
      at_head;  // the hash of against->last_seq and events up to it
  for (int64_t after = 0;;) {
    TOM_ASSIGN(auto rows, conn.query(kPage, {after, kVerifyPage}));
    for (const auto& r : rows) {
      AuditEvent e = from_row(r);
      ++report.checked;
      if (e.seq != expected_seq) {
        if (e.seq > expected_seq)
          problems.add(range(expected_seq, e.seq - 1) + " missing: deleted from the log");
        else
          problems.add("event " + std::to_string(e.seq) + " is out of order");
      }
      if (e.prev_hash != prev_hash && e.seq == expected_seq)
        problems.add("event " + std::to_string(e.seq) + " does not follow the event before it");
      bool keyed = keyed_from > 0 && e.seq >= keyed_from;
      if (!keyed) ++report.unkeyed;
      if (!same_secret(audit_hash(e, keyed ? key : std::string()), e.hash))
        problems.add(name(e) + " was edited: its contents do not match its " +
                     (keyed ? "signature (HMAC with the audit key)" : "hash"));
      if (e.seq == keyed_from) {
        keyed_start_seen = true;
        check_keyed_start(e, key_id, problems);
      }
      int64_t filed = integer(r, 10);
      if (filed != assessment_of_key(e.entity_key))
        problems.add(name(e) + " is filed under assessment " + std::to_string(filed) +
                     " in the history: moved outside tom");
      replay.apply(e);
      expected_seq = e.seq + 1;
      prev_hash = e.hash;
      if (against && e.seq == against->last_seq)
        at_head = std::make_pair(e.hash, static_cast<int64_t>(report.checked));
    }
    if (static_cast<int64_t>(rows.size()) < kVerifyPage) break;
    after = expected_seq - 1;
  }
  int64_t last_seq = expected_seq - 1;

  if (keyed_from <= 0)
    problems.add("the audit trail is not keyed: the record of where its keyed chain starts was removed");
  else if (!keyed_start_seen)
    problems.add("event " + std::to_string(keyed_from) +
                 ", which starts the keyed chain (audit.keyed), is missing: the log was cut back or emptied");
  if (key_id != audit_key_id(key))
    problems.add("the audit head names key " + key_id + " but the trail is checked with key " +
                 audit_key_id(key));

  if (head.empty()) {
    problems.add("the audit head record is missing");
  } else {
    int64_t head_seq = integer(head[0], 0);
    if (head_seq < last_seq)
      problems.add("events after " + std::to_string(head_seq) +
                   " were added outside tom: the recorded head is event " + std::to_string(head_seq));
    else if (head_seq != last_seq)
      problems.add("the log ends at event " + std::to_string(last_seq) + " but " + std::to_string(head_seq) +
                   " were written: " + range(last_seq + 1, head_seq) + " deleted");
    else if (text(head[0], 1) != prev_hash)
      problems.add("the last event " + std::to_string(head_seq) + " does not match the recorded head");
  }

  if (against) check_against(*against, key, last_seq, at_head, problems);

  std::vector<std::string> differences;
  TOM_TRY(replay.compare(conn, differences));
  for (auto& d : differences) problems.add(std::move(d));
  if (problems.dropped)
    report.problems.push_back("... and " + std::to_string(problems.dropped) + " more problems");

  report.head.events = static_cast<int64_t>(report.checked);
  report.head.last_seq = last_seq;
  report.head.last_hash = prev_hash;
  report.head.at = conn.now();
  report.head.key_id = audit_key_id(key);
  report.head.mac = head_mac(report.head, key);
  return report;
}

}  // namespace

std::string audit_hash(const AuditEvent& e, const std::string& key) {
  Fields f;
  if (!key.empty()) f.add("tom-audit-event-v1");
  f.add(e.seq)
      .add(e.at)
      .add(e.actor)
      .add(e.action)
      .add(e.entity)
      .add(e.entity_key)
      .add(e.before)
      .add(e.after);
  f.add(e.prev_hash);
  return key.empty() ? sha256_hex(f.str()) : hmac_hex(key, f.str());
}

int64_t assessment_of_key(const std::string& entity_key) {
  size_t end = entity_key.find('/');
  if (end == std::string::npos) end = entity_key.size();
  if (end == 0 || end > 18) return 0;
  for (size_t i = 0; i < end; ++i)
    if (entity_key[i] < '0' || entity_key[i] > '9') return 0;
  return std::stoll(entity_key.substr(0, end));
}

Status append_audit(sql::Connection& conn, AuditEvent e) {
  if (conn.audit_key.empty())
    return Error::internal("no audit key on this connection: the event is not written");
  TOM_ASSIGN(auto head, conn.query(kHeadForUpdate, {}));
  if (head.empty()) return Error::internal("audit head row is missing");
  e.seq = integer(head[0], 0) + 1;
  e.prev_hash = text(head[0], 1);
  if (e.at.empty()) e.at = conn.now();
  e.hash = audit_hash(e, conn.audit_key);
  int64_t assessment = assessment_of_key(e.entity_key);
  TOM_TRY(conn.query(kInsert, {e.seq, e.at, e.actor, e.action, e.entity, e.entity_key, e.before, e.after,
                               e.prev_hash, e.hash, assessment}));
  if (assessment > 0) conn.touched.insert(assessment);
  TOM_TRY(conn.query(kSetHead, {e.seq, e.hash}));
  return ok_status();
}

Status audit_change(sql::Connection& c, const std::string& actor, const std::string& action,
                    const std::string& entity, const std::string& key, std::string before,
                    std::string after) {
  AuditEvent e;
  e.actor = actor;
  e.action = action;
  e.entity = entity;
  e.entity_key = key;
  e.before = std::move(before);
  e.after = std::move(after);
  return append_audit(c, std::move(e));
}

Result<std::vector<AuditEvent>> read_audit(sql::Connection& conn, const AuditFilter& f) {
  TOM_ASSIGN(auto rows, conn.query(kList, {f.after_seq, f.entity_prefix + "%", f.limit}));
  return events_from(rows);
}

Result<std::vector<AuditEvent>> read_assessment_audit(sql::Connection& conn, int64_t assessment,
                                                      const AuditPage& page) {
  if (page.limit <= 0) return std::vector<AuditEvent>{};
  if (page.newest_first) {
    int64_t before = page.before_seq > 0 ? page.before_seq : std::numeric_limits<int64_t>::max();
    TOM_ASSIGN(auto rows, conn.query(kAssessmentNewest, {assessment, before, page.limit}));
    return events_from(rows);
  }
  TOM_ASSIGN(auto rows, conn.query(kAssessmentOldest, {assessment, page.after_seq, page.limit}));
  return events_from(rows);
}

Result<AuditReport> verify_audit_chain(sql::Connection& conn, const AuditHead* against) {
  // One snapshot for the log and the tables, so a write committed meanwhile cannot look like tampering; read
  // only, so writers go on.
  TOM_TRY(conn.exec_script(conn.dialect() == sql::Dialect::kPostgres
                               ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                               : "BEGIN"));
  auto report = verify_in_snapshot(conn, against);
  conn.rollback();
  return report;
}

}  // namespace tom::store
