// The time seam (issue 14, item 5): a workbench opened with a ManualClock stamps audit events and records
// with that clock's time, ends sessions and API tokens by it, and lets accepted risks lapse by it. Nothing
// here sleeps: the clock is moved by hand.
#include <gtest/gtest.h>

#include "app/directory.hpp"
#include "app/identity.hpp"
#include "app/reading.hpp"
#include "app/views.hpp"
#include "app/workflow.hpp"
#include "support/test_support.hpp"

namespace tom::app {
namespace {

using namespace std::chrono;
using namespace tom::domain;

Clock::TimePoint at(int year, int month, int day, int hour = 0) {
  return sys_days{std::chrono::year{year} / month / day} + hours{hour};
}

class ClockSeam : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = test::temp_path("clock.db");
    auto opened = Workbench::open(db_, Workbench::default_audit_key_file(db_), clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().describe();
    wb_ = std::move(opened).value();
  }
  Caller op_ = local_operator("clock-test");
  ManualClock clock_{at(2030, 1, 2, 3)};
  std::string db_;
  std::unique_ptr<Workbench> wb_;
};

TEST_F(ClockSeam, WritesAreStampedWithTheWorkbenchClock) {
  ASSERT_TRUE(add_organisation(*wb_, op_, {0, "Lakeside", "", "nhs-trust"}).ok());
  clock_.advance(hours(5));
  ASSERT_TRUE(add_organisation(*wb_, op_, {0, "Riverside", "", "supplier"}).ok());
  auto events = whole_audit(*wb_, op_, {});
  ASSERT_TRUE(events.ok());
  // Every event, the opening's keying of the chain included, carries the clock's time.
  ASSERT_GE(events->size(), 2u);
  size_t n = events->size();
  for (size_t i = 0; i + 1 < n; ++i)
    EXPECT_EQ((*events)[i].at, "2030-01-02T03:00:00.000Z") << (*events)[i].action;
  EXPECT_EQ((*events)[n - 1].action, "organisation.add");
  EXPECT_EQ((*events)[n - 1].at, "2030-01-02T08:00:00.000Z");
  // The chain still verifies, and the head is taken at the clock's time.
  auto report = verify_audit(*wb_, op_);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->head.at, "2030-01-02T08:00:00.000Z");
}

TEST_F(ClockSeam, SessionsAndTokensEndByTheClock) {
  auto org = add_organisation(*wb_, op_, {0, "Lakeside", "", "nhs-trust"});
  ASSERT_TRUE(org.ok());
  Identity identity(*wb_);
  ASSERT_TRUE(add_person(identity, op_, {0, "amy@lakeside.example", "Amy", org->id, {"editor"}},
                         "a long enough passphrase 42")
                  .ok());
  auto session = identity.sign_in("amy@lakeside.example", "a long enough passphrase 42", "127.0.0.1");
  ASSERT_TRUE(session.ok()) << session.error().describe();
  auto token = identity.create_api_token(session->user, "nightly export", 2);
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->info.expires_at, "2030-01-04T03:00:00.000Z");

  clock_.advance(hours(11) + minutes(59));
  EXPECT_TRUE(identity.authenticate(session->token, "").ok()) << "a session lasts 12 hours";
  clock_.advance(minutes(2));
  auto ended = identity.authenticate(session->token, "");
  ASSERT_FALSE(ended.ok());
  EXPECT_EQ(ended.error().code, ErrorCode::kUnauthorized);
  EXPECT_TRUE(identity.authenticate("", token->token).ok()) << "the token lasts its two days";
  clock_.advance(hours(36));
  EXPECT_FALSE(identity.authenticate("", token->token).ok());
}

TEST_F(ClockSeam, AnAcceptedRiskLapsesByTheClock) {
  Template t = test::bundled("sms-client-tom");
  ASSERT_TRUE(wb_->add_template(t, op_).ok());
  auto trust = add_organisation(*wb_, op_, {0, "Lakeside", "", "nhs-trust"});
  ASSERT_TRUE(trust.ok());
  Assessment a;
  a.template_id = t.id;
  a.template_version = t.version;
  a.product = "Clocked";
  a.custodian = "end-user";
  a.participants.push_back({"end-user", trust->id});
  auto created = wb_->create_assessment(a, op_);
  ASSERT_TRUE(created.ok()) << created.error().describe();
  Identity identity(*wb_);
  auto siro = add_person(identity, op_, {0, "sam@lakeside.example", "Sam", trust->id, {"siro", "editor"}},
                         "a long enough passphrase 42");
  ASSERT_TRUE(siro.ok());
  Caller sam{*siro, *trust};
  auto opened = open_assessment(*wb_, sam, created->id);
  ASSERT_TRUE(opened.ok());
  Finding f;
  f.kind = "risk";
  f.title = "Shared smartcards at the front desk";
  f.role = "siro";
  auto recorded = record_finding(*wb_, sam, *opened, f);
  ASSERT_TRUE(recorded.ok()) << recorded.error().describe();
  EXPECT_EQ(recorded->created_at, "2030-01-02T03:00:00.000Z");

  // "After today" is the clock's today: the 2nd is refused on the 2nd, the 5th accepted.
  auto same_day = settle_finding(*wb_, sam, opened->assessment,
                                 {recorded->key, true, "", "2030-01-02", "Cards locked away"});
  ASSERT_FALSE(same_day.ok());
  EXPECT_NE(same_day.error().describe().find("after today"), std::string::npos);
  auto accepted = settle_finding(*wb_, sam, opened->assessment,
                                 {recorded->key, true, "", "2030-01-05", "Cards locked away"});
  ASSERT_TRUE(accepted.ok()) << accepted.error().describe();
  EXPECT_EQ(accepted->accepted_at, "2030-01-02T03:00:00.000Z");

  auto status = [&] {
    auto report = wb_->check_cached(created->id);
    EXPECT_TRUE(report.ok());
    for (const auto& v : merge_findings(**report, wb_->clock().today()))
      if (v.key == recorded->key) return v.status;
    return std::string("missing");
  };
  EXPECT_EQ(status(), "accepted");
  clock_.set(at(2030, 1, 5, 23));
  EXPECT_EQ(status(), "accepted") << "the acceptance holds through its last day";
  clock_.set(at(2030, 1, 6, 0));
  EXPECT_EQ(status(), "lapsed");
}

}  // namespace
}  // namespace tom::app
