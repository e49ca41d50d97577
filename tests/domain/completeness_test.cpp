#include "domain/completeness.hpp"

#include <gtest/gtest.h>

#include "support/test_support.hpp"

namespace tom::domain {
namespace {

Template tiny() {
  Template t;
  t.id = "tiny";
  t.version = "1";
  t.vocabularies["compliance"] = Vocabulary{"compliance", {"Compliant", "Non-compliant"}, {"Non-compliant"}};
  Section s;
  s.id = "reqs";
  s.title = "Requirements";
  auto item = [](std::string id, std::string party, std::vector<std::string> phases) {
    Item i;
    i.id = std::move(id);
    i.kind = ItemKind::kReq;
    i.text = "x";
    i.party = std::move(party);
    i.answer = AnswerType::kChoice;
    i.choices = "compliance";
    i.obligation = Obligation::kMust;
    i.phases = std::move(phases);
    return i;
  };
  s.items.push_back(item("R-1", "supplier", {"1A"}));
  s.items.push_back(item("R-2", "trust", {"2"}));
  Item opt = item("R-3", "trust", {"2"});
  opt.optional = true;
  s.items.push_back(opt);
  Item info;
  info.id = "I-1";
  info.kind = ItemKind::kInfo;
  info.answer = AnswerType::kNone;
  s.items.push_back(info);
  Item date = item("D-1", "trust", {"2"});
  date.answer = AnswerType::kDate;
  date.choices.clear();
  s.items.push_back(date);
  t.sections.push_back(s);
  return t;
}

TEST(Completeness, ListsWhatIsMissingPerPartyAndPhase) {
  Template t = tiny();
  AnswerSet answers;
  auto c = assess_completeness(t, answers, {}, {});
  ASSERT_EQ(c.missing.size(), 3u);  // D-1; not the optional or the info item
  EXPECT_EQ(c.required, 3u);
  EXPECT_EQ(c.missing[0].reason, "not answered");

  auto supplier = assess_completeness(t, answers, {}, {"", "supplier"});
  ASSERT_EQ(supplier.missing.size(), 1u);
  EXPECT_EQ(supplier.missing[0].item_id, "R-1");

  auto phase2 = assess_completeness(t, answers, {}, {"2", ""});
  EXPECT_EQ(phase2.missing.size(), 2u);
}

TEST(Completeness, ExplainsWhyAnAnswerDoesNotCount) {
  Template t = tiny();
  AnswerSet answers;
  answers["R-1"] = Answer{"R-1", "Non-compliant", "", "", "", "", 1};
  answers["D-1"] = Answer{"D-1", "next week", "", "", "", "", 1};
  auto c = assess_completeness(t, answers, {}, {});
  std::map<std::string, std::string> why;
  for (const auto& m : c.missing) why[m.item_id] = m.reason;
  EXPECT_EQ(why["R-1"], "the answer 'Non-compliant' needs a note explaining it");
  EXPECT_NE(why["D-1"].find("is not a date"), std::string::npos);

  answers["R-1"].note = "Agreed exception, see risk log RL-4";
  answers["D-1"].value = "2026-11-30";
  answers["R-2"] = Answer{"R-2", "Compliant", "", "", "", "", 1};
  c = assess_completeness(t, answers, {}, {});
  EXPECT_TRUE(c.complete());
  EXPECT_EQ(c.answered, 3u);
}

TEST(Completeness, OutOfScopeItemsAreNeverMissing) {
  Template t = tiny();
  auto c = assess_completeness(t, {}, {"R-2", "D-1"}, {});
  ASSERT_EQ(c.missing.size(), 1u);
  EXPECT_EQ(c.missing[0].item_id, "R-1");
}

TEST(Completeness, ValidatesValuesAgainstTheVocabulary) {
  Template t = tiny();
  const Item* r1 = t.find_item("R-1");
  EXPECT_TRUE(validate_answer_value(t, *r1, "Compliant").ok());
  EXPECT_TRUE(validate_answer_value(t, *r1, "").ok());
  auto bad = validate_answer_value(t, *r1, "compliant");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "'compliant' is not one of the choices for R-1: Compliant, Non-compliant");
  EXPECT_FALSE(validate_answer_value(t, *t.find_item("I-1"), "x").ok());
}

TEST(Completeness, BundledTemplatesHaveRequiredItemsForEveryParty) {
  for (const char* id : {"sms-client-tom", "sms-provider-tom", "ers-api-tom"}) {
    Template t = test::bundled(id);
    auto c = assess_completeness(t, {}, {}, {});
    EXPECT_GT(c.required, 100u) << id;
    std::set<std::string> parties;
    for (const auto& m : c.missing) parties.insert(m.party);
    // The one TOM is filled by several parties in turn: at least two hold required items.
    EXPECT_GE(parties.size(), 2u) << id;
  }
}

}  // namespace
}  // namespace tom::domain
