#include "store/sql/pg_connection.hpp"

#include <libpq-fe.h>

#include <set>

namespace tom::store::sql {

namespace {

class PgConnection : public Connection {
 public:
  explicit PgConnection(PGconn* c) : c_(c) {}
  ~PgConnection() override { PQfinish(c_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status exec_script(std::string_view sql) override {
    std::string s(sql);
    PGresult* r = PQexec(c_, s.c_str());
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return fail(r, "exec");
    PQclear(r);
    return ok_status();
  }

  Result<std::vector<Row>> query(const Query& q, const std::vector<Param>& params) override {
    if (!prepared_.count(q.name)) {
      PGresult* r = PQprepare(c_, q.name, q.text(Dialect::kPostgres), 0, nullptr);
      if (PQresultStatus(r) != PGRES_COMMAND_OK) return fail(r, q.name);
      PQclear(r);
      prepared_.insert(q.name);
    }
    std::vector<std::string> storage(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (auto* n = std::get_if<int64_t>(&params[i])) {
        storage[i] = std::to_string(*n);
        values[i] = storage[i].c_str();
      } else if (auto* s = std::get_if<std::string>(&params[i])) {
        values[i] = s->c_str();
      }
    }
    PGresult* r = PQexecPrepared(c_, q.name, static_cast<int>(params.size()), values.data(), nullptr, nullptr, 0);
    auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return fail(r, q.name);
    std::vector<Row> rows;
    int n = PQntuples(r), cols = PQnfields(r);
    rows.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      Row row(static_cast<size_t>(cols));
      for (int c = 0; c < cols; ++c)
        if (!PQgetisnull(r, i, c))
          row[static_cast<size_t>(c)] = std::string(PQgetvalue(r, i, c), static_cast<size_t>(PQgetlength(r, i, c)));
      rows.push_back(std::move(row));
    }
    PQclear(r);
    return rows;
  }

  Status begin() override { return exec_script("BEGIN"); }
  Status commit() override { return exec_script("COMMIT"); }
  void rollback() override { (void)exec_script("ROLLBACK"); }

 private:
  Error fail(PGresult* r, const std::string& what) {
    std::string state = r && PQresultErrorField(r, PG_DIAG_SQLSTATE) ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : "";
    std::string msg = PQerrorMessage(c_);
    PQclear(r);
    if (PQstatus(c_) != CONNECTION_OK) {
      PQreset(c_);
      prepared_.clear();
      return Error::unavailable("the database is not reachable; try again", "postgres " + what + ": " + msg);
    }
    if (state.rfind("23", 0) == 0)  // integrity constraint violation
      return Error{ErrorCode::kConflict, "the change conflicts with existing data", "postgres " + what + ": " + msg, {}};
    if (state == "40001" || state == "40P01")
      return Error::unavailable("the database is busy; try again", "postgres " + what + ": " + msg);
    return Error::internal("postgres " + what + " [" + state + "]: " + msg);
  }

  PGconn* c_;
  std::set<std::string> prepared_;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_postgres(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    return Error::unavailable("cannot connect to the PostgreSQL database", msg);
  }
  auto conn = std::make_unique<PgConnection>(c);
  TOM_TRY(conn->exec_script("SET client_min_messages TO warning"));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace tom::store::sql
