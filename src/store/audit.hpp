#pragma once
// The append-only audit log, written inside the caller's transaction and chained by HMAC-SHA-256 with a key
// kept outside the database (docs/audit.md). Events written before a database was keyed keep their plain
// SHA-256 chain; the first keyed event ("audit.keyed") binds that older part and records where keying began.
#include <string>

#include "store/sql/connection.hpp"
#include "store/store.hpp"

namespace tom::store {

// ---- the key (audit_key.cpp) ----

// A short name for a key (an HMAC of a fixed text), safe to store and print: it tells keys apart without
// revealing them.
std::string audit_key_id(const std::string& key);

// The key in `path`: its bytes without trailing white space, at least 32 of them. kNotFound when the file
// does not exist; refused when others may read or change it.
Result<std::string> load_audit_key(const std::string& path);

// Runs on a freshly migrated connection, in its own transaction. When the database's chain is keyed, loads
// the key from `path` and refuses a missing file or another key. Otherwise loads the key (creating the file,
// 0600, with 32 random bytes in hex, when it does not exist), files every older event under its assessment,
// appends the "audit.keyed" event and records where the keyed chain starts. Returns the key.
Result<std::string> establish_audit_key(sql::Connection& conn, const std::string& path);

// ---- the chain (audit.cpp) ----

// The hash of an event, hex encoded: HMAC-SHA-256 with `key` over its fields and the previous event's hash;
// with an empty key the plain SHA-256 of the unkeyed chain that databases had before keying.
std::string audit_hash(const AuditEvent& e, const std::string& key);

// The assessment an entity key belongs to ("3", "3/OR-01", "3/finding/7": 3), 0 for none ("org/2").
int64_t assessment_of_key(const std::string& entity_key);

// Appends one event after the current head, signed with conn.audit_key; must run inside a write transaction.
// On PostgreSQL it locks the head row, so concurrent writers from several servers form one chain.
Status append_audit(sql::Connection& conn, AuditEvent event);

// Appends an event for a change (before/after as JSON text) inside the caller's transaction.
Status audit_change(sql::Connection& c, const std::string& actor, const std::string& action,
                    const std::string& entity, const std::string& key, std::string before, std::string after);

Result<std::vector<AuditEvent>> read_audit(sql::Connection& conn, const AuditFilter& filter);
Result<std::vector<AuditEvent>> read_assessment_audit(sql::Connection& conn, int64_t assessment,
                                                      const AuditPage& page);

// Store::verify_audit on one connection (a read-only snapshot transaction of its own).
Result<AuditReport> verify_audit_chain(sql::Connection& conn, const AuditHead* against);

}  // namespace tom::store
