#pragma once
// The text form of an audit head (docs/audit.md): one "name value" line per field after the line
// "tom-audit-head v1". Parsing checks the form only; the signature is checked by the store, which holds the
// audit key.
#include <string>

#include "core/error.hpp"
#include "domain/records.hpp"

namespace tom::io {

std::string format_audit_head(const domain::AuditHead& h);
// Every problem is reported with its line and field.
Result<domain::AuditHead> parse_audit_head(const std::string& text);

}  // namespace tom::io
