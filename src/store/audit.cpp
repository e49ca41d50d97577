#include "store/audit.hpp"

#include <sodium.h>

#include "core/clock.hpp"

namespace tom::store {

namespace {

const sql::Query kHeadForUpdate{"audit.head_lock", "SELECT seq, hash FROM audit_head WHERE id = 1",
                                "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"};
const sql::Query kHead{"audit.head", "SELECT seq, hash FROM audit_head WHERE id = 1", nullptr};
const sql::Query kInsert{"audit.insert",
                         "INSERT INTO audit_events (seq, at, actor, action, entity, entity_key, before_json, "
                         "after_json, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                         nullptr};
const sql::Query kSetHead{"audit.set_head", "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1",
                          nullptr};
const sql::Query kList{
    "audit.list",
    "SELECT seq, at, actor, action, entity, entity_key, before_json, after_json, prev_hash, hash "
    "FROM audit_events WHERE seq > $1 AND entity_key LIKE $2 ORDER BY seq LIMIT $3",
    nullptr};
const sql::Query kAll{
    "audit.all",
    "SELECT seq, at, actor, action, entity, entity_key, before_json, after_json, prev_hash, hash "
    "FROM audit_events ORDER BY seq",
    nullptr};

AuditEvent from_row(const sql::Row& r) {
  AuditEvent e;
  e.seq = sql::integer(r, 0);
  e.at = sql::text(r, 1);
  e.actor = sql::text(r, 2);
  e.action = sql::text(r, 3);
  e.entity = sql::text(r, 4);
  e.entity_key = sql::text(r, 5);
  e.before = sql::text(r, 6);
  e.after = sql::text(r, 7);
  e.prev_hash = sql::text(r, 8);
  e.hash = sql::text(r, 9);
  return e;
}

}  // namespace

std::string audit_hash(const AuditEvent& e) {
  // Fields are length-prefixed so no two different events can serialise alike.
  std::string buf;
  auto add = [&](const std::string& s) {
    buf += std::to_string(s.size());
    buf += ':';
    buf += s;
  };
  add(std::to_string(e.seq));
  add(e.at);
  add(e.actor);
  add(e.action);
  add(e.entity);
  add(e.entity_key);
  add(e.before);
  add(e.after);
  add(e.prev_hash);
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(buf.data()), buf.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

Status append_audit(sql::Connection& conn, AuditEvent e) {
  TOM_ASSIGN(auto head, conn.query(kHeadForUpdate, {}));
  if (head.empty()) return Error::internal("audit head row is missing");
  e.seq = sql::integer(head[0], 0) + 1;
  e.prev_hash = sql::text(head[0], 1);
  if (e.at.empty()) e.at = now_utc_iso();
  e.hash = audit_hash(e);
  TOM_TRY(conn.query(kInsert, {e.seq, e.at, e.actor, e.action, e.entity, e.entity_key, e.before, e.after,
                               e.prev_hash, e.hash}));
  TOM_TRY(conn.query(kSetHead, {e.seq, e.hash}));
  return ok_status();
}

Result<std::vector<AuditEvent>> read_audit(sql::Connection& conn, const AuditFilter& f) {
  TOM_ASSIGN(auto rows, conn.query(kList, {f.after_seq, f.entity_prefix + "%", f.limit}));
  std::vector<AuditEvent> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(from_row(r));
  return out;
}

Result<AuditReport> verify_audit_chain(sql::Connection& conn) {
  TOM_ASSIGN(auto rows, conn.query(kAll, {}));
  TOM_ASSIGN(auto head, conn.query(kHead, {}));
  AuditReport report;
  int64_t expected_seq = 1;
  std::string prev_hash;
  for (const auto& r : rows) {
    AuditEvent e = from_row(r);
    ++report.checked;
    if (e.seq != expected_seq) {
      if (e.seq > expected_seq) {
        report.problems.push_back("event" + std::string(e.seq - expected_seq > 1 ? "s " : " ") +
                                  std::to_string(expected_seq) +
                                  (e.seq - expected_seq > 1 ? "-" + std::to_string(e.seq - 1) : "") +
                                  " missing: deleted from the log");
      } else {
        report.problems.push_back("event " + std::to_string(e.seq) + " is out of order");
      }
    }
    if (e.prev_hash != prev_hash && e.seq == expected_seq)
      report.problems.push_back("event " + std::to_string(e.seq) + " does not follow the event before it");
    if (audit_hash(e) != e.hash)
      report.problems.push_back("event " + std::to_string(e.seq) + " (" + e.action + " " + e.entity_key +
                                ") was edited: its contents do not match its hash");
    expected_seq = e.seq + 1;
    prev_hash = e.hash;
  }
  if (head.empty()) {
    report.problems.push_back("the audit head record is missing");
  } else {
    int64_t head_seq = sql::integer(head[0], 0);
    if (head_seq < expected_seq - 1)
      report.problems.push_back("events after " + std::to_string(head_seq) +
                                " were added outside tom: the recorded head is event " +
                                std::to_string(head_seq));
    else if (head_seq != expected_seq - 1)
      report.problems.push_back("the log ends at event " + std::to_string(expected_seq - 1) + " but " +
                                std::to_string(head_seq) + " were written: events " +
                                std::to_string(expected_seq) + "-" + std::to_string(head_seq) + " deleted");
    else if (sql::text(head[0], 1) != prev_hash)
      report.problems.push_back("the last event " + std::to_string(head_seq) +
                                " does not match the recorded head");
  }
  return report;
}

}  // namespace tom::store
