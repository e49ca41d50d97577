#include "store/sql/sqlite_connection.hpp"

#include <sqlite3.h>

#include <charconv>
#include <map>
#include <mutex>

namespace tom::store::sql {

int64_t integer(const Row& r, size_t i) {
  if (i >= r.size() || !r[i]) return 0;
  int64_t v = 0;
  const std::string& s = *r[i];
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

namespace {

// $N placeholders become ?N, which SQLite binds by number.
std::string to_sqlite_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  for (char c : sql) out += c == '$' ? '?' : c;
  return out;
}

class SqliteConnection : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [_, st] : statements_) sqlite3_finalize(st);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Status exec_script(std::string_view sql) override {
    char* err = nullptr;
    std::string s(sql);
    if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      return fail("exec", msg);
    }
    return ok_status();
  }

  Result<std::vector<Row>> query(const Query& q, const std::vector<Param>& params) override {
    sqlite3_stmt* st = nullptr;
    auto it = statements_.find(q.name);
    if (it != statements_.end()) {
      st = it->second;
    } else {
      std::string sql = to_sqlite_placeholders(q.text(Dialect::kSqlite));
      if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr) != SQLITE_OK)
        return fail(q.name, sqlite3_errmsg(db_));
      statements_[q.name] = st;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i) + 1;
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::nullptr_t>(params[i]))
        rc = sqlite3_bind_null(st, idx);
      else if (auto* n = std::get_if<int64_t>(&params[i]))
        rc = sqlite3_bind_int64(st, idx, *n);
      else {
        const auto& s = std::get<std::string>(params[i]);
        rc = sqlite3_bind_text(st, idx, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return fail(q.name, sqlite3_errmsg(db_));
    }
    std::vector<Row> rows;
    int cols = sqlite3_column_count(st);
    while (true) {
      int rc = sqlite3_step(st);
      if (rc == SQLITE_ROW) {
        Row row(static_cast<size_t>(cols));
        for (int c = 0; c < cols; ++c) {
          if (sqlite3_column_type(st, c) == SQLITE_NULL) continue;
          const unsigned char* t = sqlite3_column_text(st, c);
          int len = sqlite3_column_bytes(st, c);
          row[static_cast<size_t>(c)] =
              std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(len));
        }
        rows.push_back(std::move(row));
      } else if (rc == SQLITE_DONE) {
        break;
      } else {
        std::string msg = sqlite3_errmsg(db_);
        sqlite3_reset(st);
        if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT)
          return Error{ErrorCode::kConflict,
                       "the change conflicts with existing data",
                       q.name + std::string(": ") + msg,
                       {}};
        return fail(q.name, msg, rc);
      }
    }
    sqlite3_reset(st);
    return rows;
  }

  Status begin() override { return exec_script("BEGIN IMMEDIATE"); }
  Status commit() override { return exec_script("COMMIT"); }
  void rollback() override { (void)exec_script("ROLLBACK"); }

 private:
  Error fail(const std::string& what, const std::string& msg, int rc = 0) {
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
      return Error::unavailable("the database is busy; try again", "sqlite " + what + ": " + msg);
    return Error::internal("sqlite " + what + ": " + msg);
  }

  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*> statements_;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_sqlite(const std::string& path) {
  // SQLite counts every allocation under one process-wide mutex unless told not to; with two threads that
  // mutex was the server's most contended lock (perf: most futex wakes came from sqlite3Malloc). Nothing
  // reads SQLite's memory statistics. It must be set before SQLite initialises, so once, before the first
  // open.
  static std::once_flag configured;
  std::call_once(configured, [] { (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close_v2(db);
    return Error::unavailable("cannot open the database file " + path, msg);
  }
  sqlite3_busy_timeout(db, 10000);
  auto conn = std::make_unique<SqliteConnection>(db);
  // WAL lets readers work beside one writer; synchronous=FULL makes each commit durable on return.
  TOM_TRY(conn->exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace tom::store::sql
