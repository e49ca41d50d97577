#pragma once
#include <memory>
#include <string>

#include "store/sql/connection.hpp"

namespace tom::store::sql {

// Opens an SQLite database file in WAL mode with durable commits (synchronous=FULL), foreign keys on and a
// busy timeout, so several connections (and processes) can share it.
Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path);

}  // namespace tom::store::sql
