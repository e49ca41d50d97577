// What the pages say instead of keys (src/web/words): dates, result names, explanations and history events.
#include "web/words.hpp"

#include <gtest/gtest.h>

namespace tom::web {
namespace {

using namespace tom::domain;

Template ig() {
  Template t;
  t.id = "t";
  t.version = "1";
  t.parties = {{"supplier", "Solution supplier", PartyRole::kClientSupplier},
               {"end-user", "End user organisation", PartyRole::kEndUser}};
  Section s;
  s.id = "ig";
  Item i16;
  i16.id = "IG-16";
  i16.party = "supplier";
  Item i17 = i16;
  i17.id = "IG-17";
  s.items = {i16, i17};
  t.sections = {s};
  Rule flows;
  flows.id = "ig-flows";
  flows.derive = "ig-flows";
  flows.description = "Result of the end-to-end information flow control (data leakage fails it)";
  flows.value = R"(if "Yes" in [@IG-16, @IG-17] then "FAIL" else "PASS")";
  Rule overall;
  overall.id = "ig-overall";
  overall.derive = "ig-overall";
  overall.description = "Overall IG result: FAIL if any group fails";
  overall.value = "$ig-flows";
  Rule bare;
  bare.id = "bare";
  bare.derive = "bare";
  bare.value = "1";
  t.rules = {flows, overall, bare};
  return t;
}

TEST(Words, TimestampsInUkTimeAsPeopleWriteThem) {
  EXPECT_EQ(when_in_words("2026-12-01T20:18:05.123Z"), "1 December 2026 at 20:18");
  EXPECT_EQ(when_in_words("2026-07-01T23:30:00Z"), "2 July 2026 at 00:30");  // BST
  // BST starts at 01:00 UTC on the last Sunday of March (29 March 2026) and ends on 25 October 2026.
  EXPECT_EQ(when_in_words("2026-03-29T00:59:00Z"), "29 March 2026 at 00:59");
  EXPECT_EQ(when_in_words("2026-03-29T01:00:00Z"), "29 March 2026 at 02:00");
  EXPECT_EQ(when_in_words("2026-10-25T00:59:00Z"), "25 October 2026 at 01:59");
  EXPECT_EQ(when_in_words("2026-10-25T01:00:00Z"), "25 October 2026 at 01:00");
  EXPECT_EQ(when_in_words("not a date"), "not a date");
  EXPECT_EQ(day_in_words("2027-03-31"), "31 March 2027");
  EXPECT_EQ(day_in_words(""), "");
}

TEST(Words, ResultsAreCalledByTheirNamesNotTheirKeys) {
  Template t = ig();
  EXPECT_EQ(result_name(t, "ig-overall"), "Overall IG result");
  EXPECT_EQ(result_name(t, "ig-flows"), "Result of the end-to-end information flow control");
  EXPECT_EQ(result_name(t, "bare"), "bare");
  EXPECT_EQ(keys_in_words(t, "Overall: $ig-overall in [\"FAIL\"] {rule:ig-risk}, costs $5"),
            "Overall: Overall IG result in [\"FAIL\"], costs $5");
  std::vector<rules::Read> reads{{"@IG-16", rules::Value::text("Yes")},
                                 {"@IG-17", rules::Value::null()},
                                 {"$ig-overall", rules::Value::text("FAIL")}};
  EXPECT_EQ(because_in_words(t, reads),
            "Because IG-16 is \u201cYes\u201d, IG-17 is not answered and Overall IG result is FAIL.");
  EXPECT_EQ(because_in_words(t, {}), "");
}

TEST(Words, ResultViewsKnowTheOverallResultsAndTheItemsBehindThem) {
  Template t = ig();
  rules::Evaluation e;
  e.derived.push_back({"ig-flows",
                       "ig-flows",
                       t.rules[0].description,
                       rules::Value::text("FAIL"),
                       "",
                       {{"@IG-16", rules::Value::text("Yes")}}});
  e.derived.push_back({"ig-overall",
                       "ig-overall",
                       t.rules[1].description,
                       rules::Value::text("FAIL"),
                       "",
                       {{"$ig-flows", rules::Value::text("FAIL")}}});
  auto views = result_views(t, e);
  ASSERT_EQ(views.size(), 2u);
  EXPECT_FALSE(views[0].overall);
  EXPECT_TRUE(views[1].overall);
  EXPECT_EQ(views[1].name, "Overall IG result");
  EXPECT_EQ(views[1].value, "FAIL");
  EXPECT_EQ(views[1].because, "Because Result of the end-to-end information flow control is FAIL.");
  // Through ig-flows, the overall result depends on both items, though this evaluation read only one.
  EXPECT_EQ(views[1].items, (std::vector<std::string>{"IG-16", "IG-17"}));
}

TEST(Words, HistoryEventsSayWhatChangedByWhomAndWhen) {
  Template t = ig();
  std::map<std::string, std::string> people{{"alex@lakeside.example", "Alex Morgan"}};
  domain::AuditEvent e;
  e.at = "2026-12-01T20:18:00Z";
  e.actor = "alex@lakeside.example";
  e.action = "answer.save";
  e.entity_key = "3/IG-16";
  e.before = R"({"value":"No","note":"","reference":"","version":1})";
  e.after = R"({"value":"Yes","note":"see the IG pack","reference":"","version":2})";
  auto w = event_in_words(e, t, people);
  EXPECT_EQ(w.when, "1 December 2026 at 20:18");
  EXPECT_EQ(w.who, "Alex Morgan");
  EXPECT_EQ(w.what, "Changed the answer to IG-16");
  EXPECT_EQ(w.detail, "From \u201cNo\u201d to \u201cYes\u201d. Note: see the IG pack.");

  e.before.clear();
  e.after = R"({"value":"No","note":"","reference":"","version":1})";
  w = event_in_words(e, t, people);
  EXPECT_EQ(w.what, "Answered IG-16");
  EXPECT_EQ(w.detail, "\u201cNo\u201d");

  e.action = "assessment.handoff";
  e.entity_key = "3";
  e.before = R"({"custodian":"supplier"})";
  e.after = R"({"custodian":"end-user","note":"Our part is done."})";
  e.actor = "someone@else.example";
  w = event_in_words(e, t, people);
  EXPECT_EQ(w.what, "Handed the TOM to End user organisation");
  EXPECT_EQ(w.detail, "From Solution supplier. Note: Our part is done.");
  EXPECT_EQ(w.who, "someone@else.example");  // not a known person: shown as recorded

  e.action = "finding.update";
  e.after =
      R"({"key":"rule:x","status":"accepted","title":"Review $ig-overall","accepted_by":"Dr Sam Okafor",)"
      R"("expires_on":"2027-03-31","mitigation":"IG team review"})";
  w = event_in_words(e, t, people);
  EXPECT_EQ(w.what, "Accepted a finding");
  EXPECT_EQ(
      w.detail,
      "Review Overall IG result. Accepted by Dr Sam Okafor until 31 March 2027. Mitigation: IG team review.");

  e.action = "approval.add";
  e.after =
      R"({"phase":"1B","area":"","decision":"approved","certificate":"ERS-1","reason":"","outcome":""})";
  w = event_in_words(e, t, people);
  EXPECT_EQ(w.what, "Approved phase 1B");
  EXPECT_EQ(w.detail, "Certificate ERS-1.");
  for (const auto& text : {w.what, w.detail}) EXPECT_EQ(text.find('{'), std::string::npos) << text;
}

}  // namespace
}  // namespace tom::web
