#pragma once
// Versioned schema migrations. Each migration runs once, in order, in its own transaction, and is recorded in
// schema_migrations. A database newer than this binary (an unknown version) is refused.
#include "store/sql/connection.hpp"

namespace tom::store {

constexpr int kSchemaVersion = 7;

Status migrate(sql::Connection& conn);

}  // namespace tom::store
