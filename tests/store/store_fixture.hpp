#pragma once
// The fixture of the shared store suite: every test runs against SQLite (a temporary file) and PostgreSQL (a
// fresh database in the real throwaway cluster that scripts/test.sh starts; its URL is in TOM_TEST_PG).
#include <gtest/gtest.h>

#include <cstdlib>

#include "store/sql/pg_connection.hpp"
#include "store/sql/sqlite_connection.hpp"
#include "store/store.hpp"
#include "support/test_support.hpp"

namespace tom::store {

using namespace tom::domain;

class StoreSuite : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    choose_database();
    if (IsSkipped() || HasFatalFailure()) return;
    auto s = open_store(url_, {key_file_});
    ASSERT_TRUE(s.ok()) << s.error().describe() << " " << s.error().detail;
    store_ = std::move(s).value();
  }

  // Sets url_ (a fresh database of the backend under test) and key_file_; skips the test when PostgreSQL is
  // not configured outside CI.
  void choose_database() {
    if (GetParam() == "postgresql") {
      url_ = test::fresh_postgres_url();
      if (url_.empty()) {
        if (std::getenv("CI"))
          FAIL() << "TOM_TEST_PG is not set in CI: scripts/test.sh must start PostgreSQL";
        GTEST_SKIP() << "TOM_TEST_PG not set; run scripts/test.sh to start a throwaway PostgreSQL";
      }
    } else {
      url_ = test::temp_path("store.db");
    }
    key_file_ = test::temp_path("store.audit-key");
  }

  // A raw connection for what no Store method may do: tampering with the audit log.
  std::unique_ptr<sql::Connection> raw() {
    auto c = GetParam() == "postgresql" ? sql::open_postgres(url_) : sql::open_sqlite(url_);
    EXPECT_TRUE(c.ok());
    return std::move(c).value();
  }

  Template small_template(const std::string& version = "1") {
    Template t = test::bundled("sms-client-tom");
    t.version = version;
    return t;
  }

  int64_t new_assessment() {
    if (!store_->get_template("sms-client-tom", "1").ok()) {
      EXPECT_TRUE(store_->put_template(small_template(), "t").ok());
    }
    auto org = store_->add_organisation(
        {0, "Org " + std::to_string(++orgs_), "R" + std::to_string(orgs_), "nhs-trust"}, "t");
    EXPECT_TRUE(org.ok());
    Assessment a;
    a.template_id = "sms-client-tom";
    a.template_version = "1";
    a.product = "Product";
    a.participants.push_back({"end-user", org->id});
    auto created = store_->create_assessment(a, "tester");
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().describe());
    return created->id;
  }

  std::string url_;
  std::string key_file_;  // the audit key, outside the database
  std::unique_ptr<Store> store_;
  int orgs_ = 0;
};

}  // namespace tom::store
