#pragma once
#include <memory>
#include <string>

#include "store/sql/connection.hpp"

namespace tom::store::sql {

// Connects with libpq to a postgresql:// URL.
Result<std::unique_ptr<Connection>> open_postgres(const std::string& url);

}  // namespace tom::store::sql
