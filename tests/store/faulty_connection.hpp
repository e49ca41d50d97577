#pragma once
// Test support: a sql::Connection that fails on cue, to prove that every multi-write Store operation is one
// transaction (tests/store/fault_injection_test.cpp).
//
// Every connection made by one faulty_factory() shares one FaultPlan. While the plan is armed it counts the
// fault points the connections pass: in kStatement mode every begin(), query(), exec_script() and commit();
// in kCommit mode only commit(). The fail_at-th point (1-based) is refused instead of run, with an Error like
// a driver's (kInternal, "injected fault at statement N: ..."); the points after it run normally, so the
// store's rollback and the next operation work. A disarmed plan counts nothing and fails nothing, so setup
// writes and checks are not disturbed; a plan armed before SqlStore::open counts the migration and keying
// too. rollback() is never failed (the driver's rollback cannot report one).
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "store/sql/connection.hpp"
#include "store/sql_store.hpp"

namespace tom::test {

class FaultPlan {
 public:
  enum class Mode { kStatement, kCommit };

  // Starts counting from zero; fail_at 0 never fails (counts only).
  void arm(int64_t fail_at, Mode mode = Mode::kStatement);
  void disarm();

  // The fault points passed since arm(), the one that failed included.
  int64_t seen() const;
  // Whether the fault was injected since arm().
  bool fired() const;

  // Called by the connections: the error to return at this point, or nullopt to run it.
  std::optional<Error> pass(bool is_commit, const std::string& what);

 private:
  mutable std::mutex mu_;
  bool armed_ = false;
  Mode mode_ = Mode::kStatement;
  int64_t fail_at_ = 0;
  int64_t seen_ = 0;
  bool fired_ = false;
};

// Wraps `inner` (a real connection) so it counts and fails as `plan` says.
std::unique_ptr<store::sql::Connection> faulty(std::unique_ptr<store::sql::Connection> inner,
                                               std::shared_ptr<FaultPlan> plan);

// A factory for SqlStore::open whose every connection is `make()` wrapped in faulty(..., plan).
store::ConnectionFactory faulty_factory(store::ConnectionFactory make, std::shared_ptr<FaultPlan> plan);

}  // namespace tom::test
