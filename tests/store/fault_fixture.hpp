#pragma once
// The fixture of the fault-injection suite (fault_injection_test.cpp): a SqlStore over the backend under test
// whose every connection is wrapped in faulty(), and exercise(), which runs one operation with a fault at
// each of its fault points in turn and checks that each failure wrote nothing.
#include <gtest/gtest.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <iterator>
#include <map>

#include "store/faulty_connection.hpp"
#include "store/sql_store.hpp"
#include "store/store_fixture.hpp"

namespace tom::store {

class FaultSuite : public StoreSuite {
 protected:
  // An operation under test, as a Status (ok: it happened).
  using Operation = std::function<Status()>;
  template <class T>
  static Status status_of(const Result<T>& r) {
    if (!r.ok()) return r.error();
    return ok_status();
  }

  void SetUp() override {
    choose_database();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_GE(sodium_init(), 0);
    plan_ = std::make_shared<test::FaultPlan>();
    auto s = SqlStore::open(test::faulty_factory(real_factory(), plan_), GetParam(), 4, key_file_);
    ASSERT_TRUE(s.ok()) << s.error().describe() << " " << s.error().detail;
    store_ = std::move(s).value();
    raw_ = raw();
  }

  // Connections to the database under test, without faults.
  ConnectionFactory real_factory() const {
    std::string url = url_;
    if (GetParam() == "postgresql") return [url] { return sql::open_postgres(url); };
    return [url] { return sql::open_sqlite(url); };
  }

  // Every row of every table, read on a connection of its own: table -> its rows, each encoded as one line
  // (NULL told apart from ""), sorted, so two snapshots are equal exactly when the tables hold the same rows.
  using Snapshot = std::map<std::string, std::vector<std::string>>;
  Snapshot snapshot() {
    static const sql::Query kTables{
        "snapshot.tables", "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
        "AND table_type = 'BASE TABLE' ORDER BY table_name"};
    Snapshot out;
    auto tables = raw_->query(kTables, {});
    EXPECT_TRUE(tables.ok()) << (tables.ok() ? "" : tables.error().detail);
    if (!tables.ok()) return out;
    for (const auto& t : *tables) {
      std::string table = sql::text(t, 0);
      // Query names and texts must outlive the connection's statement cache: kept in a node-based map.
      auto& select = selects_.try_emplace(table, "SELECT * FROM \"" + table + "\"").first->second;
      auto& name = names_.try_emplace(table, "snapshot." + table).first->second;
      auto rows = raw_->query(sql::Query{name.c_str(), select.c_str(), nullptr}, {});
      EXPECT_TRUE(rows.ok()) << table << ": " << (rows.ok() ? "" : rows.error().detail);
      if (!rows.ok()) continue;
      auto& lines = out[table];
      for (const auto& row : *rows) {
        std::string line;
        for (const auto& col : row)
          line += col ? std::to_string(col->size()) + ":" + *col + "|" : std::string("NULL|");
        lines.push_back(std::move(line));
      }
      std::sort(lines.begin(), lines.end());
    }
    return out;
  }

  // The rows one snapshot has and the other has not, for a failure message.
  static std::string difference(const Snapshot& before, const Snapshot& after) {
    std::string out;
    auto side = [&](const Snapshot& a, const Snapshot& b, const char* sign) {
      for (const auto& [table, rows] : a) {
        auto it = b.find(table);
        std::vector<std::string> only;
        if (it == b.end())
          only = rows;
        else
          std::set_difference(rows.begin(), rows.end(), it->second.begin(), it->second.end(),
                              std::back_inserter(only));
        if (it == b.end()) out += std::string(sign) + " table " + table + "\n";
        for (const auto& r : only) out += std::string(sign) + " " + table + ": " + r.substr(0, 300) + "\n";
      }
    };
    side(before, after, "-");
    side(after, before, "+");
    return out;
  }

  void expect_audit_ok(const std::string& when) {
    auto r = store_->verify_audit();
    ASSERT_TRUE(r.ok()) << when << ": " << r.error().describe() << " " << r.error().detail;
    std::string problems;
    for (const auto& p : r->problems) problems += p + "\n";
    EXPECT_TRUE(r->ok()) << when << ": verify_audit found\n" << problems;
  }

  struct FaultPoints {
    int64_t statements = 0;
    int64_t commits = 0;
  };

  // Runs the operation `prepare()` returns once per fault point with a fault there (every statement, then
  // every commit), and checks that each run failed, left every table as it was and the audit trail
  // verifiable; then that it succeeds without a fault. `prepare` runs once per mode (faults off) and sets up
  // a fresh case, since the successful run that ends a mode changes the state.
  FaultPoints exercise(const std::string& name, const std::function<Operation()>& prepare) {
    FaultPoints points;
    auto started = std::chrono::steady_clock::now();
    for (auto mode : {test::FaultPlan::Mode::kStatement, test::FaultPlan::Mode::kCommit}) {
      bool commits = mode == test::FaultPlan::Mode::kCommit;
      (commits ? points.commits : points.statements) = run_mode(name, prepare, mode);
      if (HasFailure()) break;
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    if (HasFailure()) return points;
    RecordProperty("fault_points_" + name, static_cast<int>(points.statements + points.commits));
    std::printf(
        "[ faults   ] %s %s: %lld statement and %lld commit fault points, each failed whole (%.0f ms)\n",
        GetParam().c_str(), name.c_str(), static_cast<long long>(points.statements),
        static_cast<long long>(points.commits), ms);
    EXPECT_GT(points.statements, 2) << name << " passed too few statements to be a multi-write";
    EXPECT_GE(points.commits, 1) << name << " committed nothing";
    return points;
  }

  std::shared_ptr<test::FaultPlan> plan_;
  std::unique_ptr<sql::Connection> raw_;

 private:
  int64_t run_mode(const std::string& name, const std::function<Operation()>& prepare,
                   test::FaultPlan::Mode mode) {
    const char* what = mode == test::FaultPlan::Mode::kCommit ? "commit" : "statement";
    Operation op = prepare();
    if (HasFailure()) return 0;
    Snapshot before = snapshot();
    for (int64_t n = 1; n < 5000; ++n) {
      plan_->arm(n, mode);
      Status st = op();
      bool fired = plan_->fired();
      int64_t seen = plan_->seen();
      plan_->disarm();
      std::string at = name + " with a fault at " + what + " " + std::to_string(n);
      if (!fired) {
        EXPECT_TRUE(st.ok()) << name << " without a fault: " << st.error().describe() << " "
                             << st.error().detail;
        EXPECT_EQ(seen, n - 1) << name << " passed another number of fault points than before";
        Snapshot after = snapshot();
        EXPECT_NE(after, before) << name << " succeeded but no table changed";
        expect_audit_ok(name + " without a fault");
        return n - 1;
      }
      if (st.ok()) {
        ADD_FAILURE() << at << " reported success: the fault was swallowed, and it wrote:\n"
                      << difference(before, snapshot());
        return n;
      }
      // Not a failure of the contract, but worth seeing: a database fault reported as something else.
      if (st.error().message.find("injected fault") == std::string::npos)
        std::printf("[ faults   ] note: %s was reported as %s: %s\n", at.c_str(), to_string(st.error().code),
                    st.error().message.c_str());
      Snapshot after = snapshot();
      if (after != before) {
        ADD_FAILURE() << at << " (" << st.error().detail
                      << ") failed but left a change behind (half-written):\n"
                      << difference(before, after);
        return n;
      }
      expect_audit_ok(at);
      if (HasFailure()) return n;
    }
    ADD_FAILURE() << name << " never ran to the end without a fault";
    return 0;
  }

  std::map<std::string, std::string> selects_, names_;
};

}  // namespace tom::store
