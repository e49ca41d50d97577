// app::page_findings: a findings register a page at a time, by status and words, with cursors that survive
// findings added before the cursor's and refuse one whose finding has gone.
#include <gtest/gtest.h>

#include "app/views.hpp"

namespace tom::app {
namespace {

std::vector<FindingView> register_of(int n) {
  std::vector<FindingView> out;
  for (int i = 0; i < n; ++i) {
    FindingView f;
    f.key = "rule-" + std::to_string(i);
    f.title = i % 3 ? "Non-compliant must" : "Clinical risk accepted";
    f.item_id = "REQ-" + std::to_string(i);
    f.status = i % 4 == 0 ? "accepted" : "open";
    out.push_back(f);
  }
  return out;
}

std::vector<std::string> keys(const domain::Page<FindingView>& p) {
  std::vector<std::string> out;
  for (const auto& f : p.items) out.push_back(f.key);
  return out;
}

TEST(PageFindings, ForwardToTheEndAndBackGiveEveryFindingOnceInTheRegistersOrder) {
  auto all = register_of(23);
  domain::ListQuery q;
  q.limit = 5;
  std::vector<domain::Page<FindingView>> pages;
  for (int guard = 0; guard < 20; ++guard) {
    auto page = page_findings(all, "", q);
    ASSERT_TRUE(page.ok()) << page.error().describe();
    EXPECT_EQ(page->total, 23);
    EXPECT_EQ(page->prev_cursor.empty(), pages.empty());
    pages.push_back(*page);
    if (page->next_cursor.empty()) break;
    q.cursor = page->next_cursor;
  }
  ASSERT_EQ(pages.size(), 5u);
  std::vector<std::string> seen;
  for (const auto& p : pages)
    for (const auto& k : keys(p)) seen.push_back(k);
  std::vector<std::string> want;
  for (const auto& f : all) want.push_back(f.key);
  EXPECT_EQ(seen, want);
  q.backward = true;
  for (size_t i = pages.size() - 1; i > 0; --i) {
    q.cursor = pages[i].prev_cursor;
    auto back = page_findings(all, "", q);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(keys(*back), keys(pages[i - 1])) << "page " << i - 1;
  }
}

TEST(PageFindings, StatusAndWordsFilterAndTheTotalCountsWhatMatches) {
  auto all = register_of(40);
  domain::ListQuery q;
  q.limit = 100;
  auto accepted = page_findings(all, "accepted", q);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->total, 10);
  for (const auto& f : accepted->items) EXPECT_EQ(f.status, "accepted");
  q.text = "CLINICAL req-3";  // words, any case, all of them: REQ-3, REQ-30..39 with i % 3 == 0
  auto found = page_findings(all, "", q);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(keys(*found), (std::vector<std::string>{"rule-3", "rule-30", "rule-33", "rule-36", "rule-39"}));
  auto bad = page_findings(all, "closed", q);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidInput);
}

TEST(PageFindings, ACursorSurvivesFindingsAddedBeforeItAndIsRefusedWhenItsFindingHasGone) {
  auto all = register_of(12);
  domain::ListQuery q;
  q.limit = 4;
  auto first = page_findings(all, "", q);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->next_cursor, "f.3.rule-3");
  // Two findings raised since, ahead of the cursor's: the next page still starts after rule-3.
  auto grown = all;
  auto extra = register_of(2);
  grown.insert(grown.begin(), extra.begin(), extra.end());
  grown[0].key = "new-a";
  grown[1].key = "new-b";
  q.cursor = first->next_cursor;
  auto next = page_findings(grown, "", q);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(keys(*next), (std::vector<std::string>{"rule-4", "rule-5", "rule-6", "rule-7"}));
  // The cursor's finding resolved away from this filter, or made up: refused, saying so.
  std::vector<FindingView> gone(all.begin() + 4, all.end());
  auto refused = page_findings(gone, "", q);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidInput);
  for (const char* c : {"x.3.rule-3", "f.x.rule-3", "f.3", "f..rule-3"}) {
    q.cursor = c;
    EXPECT_FALSE(page_findings(all, "", q).ok()) << c;
  }
}

}  // namespace
}  // namespace tom::app
