#pragma once
// The append-only, hash-chained audit log, written inside the caller's transaction.
#include <string>

#include "store/sql/connection.hpp"
#include "store/store.hpp"

namespace tom::store {

// The hash of an event: SHA-256 over its fields and the previous event's hash, hex encoded.
std::string audit_hash(const AuditEvent& e);

// Appends one event after the current head; must run inside a write transaction. On PostgreSQL it locks the
// head row, so concurrent writers from several servers form one chain.
Status append_audit(sql::Connection& conn, AuditEvent event);

// Appends an event for a change (before/after as JSON text) inside the caller's transaction.
Status audit_change(sql::Connection& c, const std::string& actor, const std::string& action,
                    const std::string& entity, const std::string& key, std::string before, std::string after);

Result<std::vector<AuditEvent>> read_audit(sql::Connection& conn, const AuditFilter& filter);
Result<AuditReport> verify_audit_chain(sql::Connection& conn);

}  // namespace tom::store
