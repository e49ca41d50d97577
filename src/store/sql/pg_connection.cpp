#include "store/sql/pg_connection.hpp"

#include <dlfcn.h>
#include <libpq-fe.h>

#include <mutex>
#include <set>

namespace tom::store::sql {

namespace {

// libpq (and its Kerberos, LDAP and TLS dependencies) is loaded only when a PostgreSQL database is used, so
// the common SQLite case starts quickly. The functions used are resolved once.
struct LibPq {
  decltype(&::PQconnectdb) connectdb;
  decltype(&::PQstatus) status;
  decltype(&::PQerrorMessage) error_message;
  decltype(&::PQfinish) finish;
  decltype(&::PQexec) exec;
  decltype(&::PQresultStatus) result_status;
  decltype(&::PQclear) clear;
  decltype(&::PQprepare) prepare;
  decltype(&::PQexecPrepared) exec_prepared;
  decltype(&::PQntuples) ntuples;
  decltype(&::PQnfields) nfields;
  decltype(&::PQgetisnull) getisnull;
  decltype(&::PQgetvalue) getvalue;
  decltype(&::PQgetlength) getlength;
  decltype(&::PQresultErrorField) result_error_field;
  decltype(&::PQreset) reset;
};

Result<const LibPq*> libpq() {
  static std::once_flag once;
  static LibPq lib;
  static std::string failure;
  std::call_once(once, [] {
    void* h = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      failure = dlerror();
      return;
    }
    auto sym = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(dlsym(h, name));
      if (!fn && failure.empty()) failure = std::string("libpq has no ") + name;
    };
    sym(lib.connectdb, "PQconnectdb");
    sym(lib.status, "PQstatus");
    sym(lib.error_message, "PQerrorMessage");
    sym(lib.finish, "PQfinish");
    sym(lib.exec, "PQexec");
    sym(lib.result_status, "PQresultStatus");
    sym(lib.clear, "PQclear");
    sym(lib.prepare, "PQprepare");
    sym(lib.exec_prepared, "PQexecPrepared");
    sym(lib.ntuples, "PQntuples");
    sym(lib.nfields, "PQnfields");
    sym(lib.getisnull, "PQgetisnull");
    sym(lib.getvalue, "PQgetvalue");
    sym(lib.getlength, "PQgetlength");
    sym(lib.result_error_field, "PQresultErrorField");
    sym(lib.reset, "PQreset");
  });
  if (!failure.empty())
    return Error::unavailable("PostgreSQL support is not available: install libpq5",
                              "dlopen libpq: " + failure);
  return &lib;
}

class PgConnection : public Connection {
 public:
  PgConnection(const LibPq* lib, PGconn* c) : pq(lib), c_(c) {}
  ~PgConnection() override { pq->finish(c_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Status exec_script(std::string_view sql) override {
    std::string s(sql);
    PGresult* r = pq->exec(c_, s.c_str());
    auto st = pq->result_status(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return fail(r, "exec");
    pq->clear(r);
    return ok_status();
  }

  Result<std::vector<Row>> query(const Query& q, const std::vector<Param>& params) override {
    if (!prepared_.count(q.name)) {
      PGresult* r = pq->prepare(c_, q.name, q.text(Dialect::kPostgres), 0, nullptr);
      if (pq->result_status(r) != PGRES_COMMAND_OK) return fail(r, q.name);
      pq->clear(r);
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
    PGresult* r =
        pq->exec_prepared(c_, q.name, static_cast<int>(params.size()), values.data(), nullptr, nullptr, 0);
    auto st = pq->result_status(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return fail(r, q.name);
    std::vector<Row> rows;
    int n = pq->ntuples(r), cols = pq->nfields(r);
    rows.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      Row row(static_cast<size_t>(cols));
      for (int c = 0; c < cols; ++c)
        if (!pq->getisnull(r, i, c))
          row[static_cast<size_t>(c)] =
              std::string(pq->getvalue(r, i, c), static_cast<size_t>(pq->getlength(r, i, c)));
      rows.push_back(std::move(row));
    }
    pq->clear(r);
    return rows;
  }

  Status begin() override { return exec_script("BEGIN"); }
  Status commit() override { return exec_script("COMMIT"); }
  void rollback() override { (void)exec_script("ROLLBACK"); }

 private:
  Error fail(PGresult* r, const std::string& what) {
    std::string state =
        r && pq->result_error_field(r, PG_DIAG_SQLSTATE) ? pq->result_error_field(r, PG_DIAG_SQLSTATE) : "";
    std::string msg = pq->error_message(c_);
    pq->clear(r);
    if (pq->status(c_) != CONNECTION_OK) {
      pq->reset(c_);
      prepared_.clear();
      return Error::unavailable("the database is not reachable; try again", "postgres " + what + ": " + msg);
    }
    if (state.rfind("23", 0) == 0)  // integrity constraint violation
      return Error{ErrorCode::kConflict,
                   "the change conflicts with existing data",
                   "postgres " + what + ": " + msg,
                   {}};
    if (state == "40001" || state == "40P01")
      return Error::unavailable("the database is busy; try again", "postgres " + what + ": " + msg);
    return Error::internal("postgres " + what + " [" + state + "]: " + msg);
  }

  const LibPq* pq;
  PGconn* c_;
  std::set<std::string> prepared_;
};

}  // namespace

Result<std::unique_ptr<Connection>> open_postgres(const std::string& url) {
  TOM_ASSIGN(const LibPq* pq, libpq());
  PGconn* c = pq->connectdb(url.c_str());
  if (pq->status(c) != CONNECTION_OK) {
    std::string msg = pq->error_message(c);
    pq->finish(c);
    return Error::unavailable("cannot connect to the PostgreSQL database", msg);
  }
  auto conn = std::make_unique<PgConnection>(pq, c);
  TOM_TRY(conn->exec_script("SET client_min_messages TO warning"));
  return std::unique_ptr<Connection>(std::move(conn));
}

}  // namespace tom::store::sql
