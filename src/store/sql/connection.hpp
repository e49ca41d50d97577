#pragma once
// The seam between the store's logic and a database driver. A Connection runs named queries with positional
// parameters ($1, $2, ...) and returns rows of text. One Connection is used by one thread at a time.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/clock.hpp"
#include "core/error.hpp"

namespace tom::store::sql {

enum class Dialect { kSqlite, kPostgres };

using Param = std::variant<std::nullptr_t, int64_t, std::string>;
using Row = std::vector<std::optional<std::string>>;

// A named query: the name identifies a prepared statement; both texts are given so a query states its SQL for
// each dialect in one place (usually the same text).
struct Query {
  const char* name;
  const char* sqlite;
  const char* postgres;  // nullptr: same as sqlite
  const char* text(Dialect d) const { return d == Dialect::kPostgres && postgres ? postgres : sqlite; }
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs statements without parameters (DDL, several statements separated by ';').
  virtual Status exec_script(std::string_view sql) = 0;
  virtual Result<std::vector<Row>> query(const Query& q, const std::vector<Param>& params) = 0;
  // Begins a write transaction (SQLite: BEGIN IMMEDIATE, so writers queue on the busy timeout).
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual void rollback() = 0;

  // The key audit events written through this connection are signed with (store/audit.hpp); the store that
  // opens the connection sets it. Kept here so every transaction-scoped write step can append its event.
  std::string audit_key;
  // The time every write through this connection is stamped with (audit events, created / decided times);
  // the store that opens the connection sets it (OpenOptions::clock), tests set a ManualClock.
  const Clock* clock = &system_clock();
  std::string now() const { return clock->now_iso(); }
  // The assessments the current write transaction filed audit events under (store/audit.cpp adds them): the
  // store rewrites their summaries before it commits, and clears this at every begin.
  std::set<int64_t> touched;
};

// Text of a column, "" for NULL; number of a column, 0 for NULL.
inline std::string text(const Row& r, size_t i) {
  return i < r.size() && r[i] ? *r[i] : std::string();
}
int64_t integer(const Row& r, size_t i);

}  // namespace tom::store::sql
