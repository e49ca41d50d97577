#include "domain/template_diff.hpp"

#include <gtest/gtest.h>

#include "support/test_support.hpp"

namespace tom::domain {
namespace {

TEST(TemplateDiff, ByIdNotByPosition) {
  Template a = test::bundled("sms-client-tom");
  Template b = a;
  b.version = "next";
  // Insert a new item at the top of a section: every row below shifts, yet nothing else counts as changed.
  Section& s = b.sections[3];
  Item added = s.items.front();
  added.id = "NEW-01";
  added.text = "A new question";
  s.items.insert(s.items.begin(), added);
  // Change one item's obligation and remove another.
  Item* changed = nullptr;
  for (auto& sec : b.sections)
    for (auto& i : sec.items)
      if (i.kind == ItemKind::kReq && !changed) changed = &i;
  ASSERT_NE(changed, nullptr);
  changed->obligation = changed->obligation == Obligation::kMust ? Obligation::kShould : Obligation::kMust;
  std::string removed = b.sections.back().items.back().id;
  b.sections.back().items.pop_back();

  TemplateDiff d = diff_templates(a, b);
  EXPECT_EQ(d.added, std::vector<std::string>{"NEW-01"});
  EXPECT_EQ(d.removed, std::vector<std::string>{removed});
  ASSERT_EQ(d.changed.size(), 1u);
  EXPECT_EQ(d.changed[0].item_id, changed->id);
  EXPECT_EQ(d.changed[0].fields, std::vector<std::string>{"obligation"});
  EXPECT_EQ(d.unchanged.size(), a.item_count() - 2);
}

TEST(TemplateDiff, IdenticalTemplatesHaveNoDifferences) {
  Template a = test::bundled("ers-api-tom");
  EXPECT_TRUE(diff_templates(a, a).empty());
}

}  // namespace
}  // namespace tom::domain
