#include "store/faulty_connection.hpp"

namespace tom::test {

namespace sql = store::sql;

void FaultPlan::arm(int64_t fail_at, Mode mode) {
  std::lock_guard lock(mu_);
  armed_ = true;
  mode_ = mode;
  fail_at_ = fail_at;
  seen_ = 0;
  fired_ = false;
}

void FaultPlan::disarm() {
  std::lock_guard lock(mu_);
  armed_ = false;
}

int64_t FaultPlan::seen() const {
  std::lock_guard lock(mu_);
  return seen_;
}

bool FaultPlan::fired() const {
  std::lock_guard lock(mu_);
  return fired_;
}

std::optional<Error> FaultPlan::pass(bool is_commit, const std::string& what) {
  std::lock_guard lock(mu_);
  if (!armed_ || (mode_ == Mode::kCommit && !is_commit)) return std::nullopt;
  ++seen_;
  if (seen_ != fail_at_) return std::nullopt;
  fired_ = true;
  std::string point =
      std::string(mode_ == Mode::kCommit ? "injected fault at commit " : "injected fault at statement ") +
      std::to_string(seen_);
  // Shaped like a driver's unexpected failure (sqlite_connection.cpp, pg_connection.cpp): kInternal, the
  // statement named in the detail.
  return Error{ErrorCode::kInternal, point, point + ": " + what, {}};
}

namespace {

class FaultyConnection : public sql::Connection {
 public:
  FaultyConnection(std::unique_ptr<sql::Connection> inner, std::shared_ptr<FaultPlan> plan)
      : inner_(std::move(inner)), plan_(std::move(plan)) {}

  sql::Dialect dialect() const override { return inner_->dialect(); }

  Status exec_script(std::string_view sql) override {
    if (auto e = plan_->pass(false, "exec " + std::string(sql.substr(0, 60)))) return *e;
    return inner_->exec_script(sql);
  }

  Result<std::vector<sql::Row>> query(const sql::Query& q, const std::vector<sql::Param>& params) override {
    if (auto e = plan_->pass(false, q.name)) return *e;
    return inner_->query(q, params);
  }

  Status begin() override {
    if (auto e = plan_->pass(false, "begin")) return *e;
    return inner_->begin();
  }

  Status commit() override {
    if (auto e = plan_->pass(true, "commit")) return *e;
    return inner_->commit();
  }

  void rollback() override { inner_->rollback(); }

 private:
  std::unique_ptr<sql::Connection> inner_;
  std::shared_ptr<FaultPlan> plan_;
};

}  // namespace

std::unique_ptr<store::sql::Connection> faulty(std::unique_ptr<store::sql::Connection> inner,
                                               std::shared_ptr<FaultPlan> plan) {
  return std::make_unique<FaultyConnection>(std::move(inner), std::move(plan));
}

store::ConnectionFactory faulty_factory(store::ConnectionFactory make, std::shared_ptr<FaultPlan> plan) {
  return [make = std::move(make), plan = std::move(plan)]() -> Result<std::unique_ptr<sql::Connection>> {
    TOM_ASSIGN(auto inner, make());
    return faulty(std::move(inner), plan);
  };
}

}  // namespace tom::test
