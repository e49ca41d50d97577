// The simple lists a page at a time (Store::page_organisations, page_users, page_templates), on SQLite and
// PostgreSQL, against a model: every page size walked forward to the end and back to the start gives each
// matching row once, in the model's order (lowered name, then id), with the model's total on every page.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "store/store_fixture.hpp"

namespace tom::store {
namespace {

using namespace tom::domain;

std::string lowered(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

class ListPages : public StoreSuite {
 protected:
  // Names of letters and digits only: every collation orders those the same way once lowered, so the
  // model's byte order is the database's order whatever locale PostgreSQL was given.
  void add_organisations(int n) {
    std::mt19937 rng(1234);
    const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    const char* types[] = {"nhs-trust", "supplier", "gp-practice"};
    for (int i = 0; i < n; ++i) {
      std::string name;
      for (int k = 0; k < 4; ++k) name += alphabet[rng() % 36];
      if (i % 5 == 0) name[0] = static_cast<char>(name[0] >= 'a' && name[0] <= 'z' ? name[0] - 32 : name[0]);
      // Some names repeat once lowered (the order then falls back to the id).
      if (i % 9 == 0 && !orgs_.empty()) name = "DUP" + lowered(orgs_.back().name).substr(0, 3);
      name += std::to_string(i % 3);
      if (std::any_of(orgs_.begin(), orgs_.end(), [&](const Organisation& o) { return o.name == name; }))
        name += "x" + std::to_string(i);
      Organisation o{0, name, "Q" + std::to_string(100 + i), types[i % 3]};
      auto added = store_->add_organisation(o, "admin");
      ASSERT_TRUE(added.ok()) << added.error().describe();
      orgs_.push_back(*added);
    }
  }

  // The model: the rows that match, in the list's order.
  std::vector<Organisation> model(const std::string& word, const std::vector<std::string>& types) const {
    std::vector<Organisation> out;
    for (const auto& o : orgs_)
      if ((types.empty() || std::find(types.begin(), types.end(), o.type) != types.end()) &&
          lowered(o.name + " " + o.ods_code).find(lowered(word)) != std::string::npos)
        out.push_back(o);
    std::sort(out.begin(), out.end(), [](const Organisation& a, const Organisation& b) {
      return std::pair(lowered(a.name), a.id) < std::pair(lowered(b.name), b.id);
    });
    return out;
  }

  // Walks every page forward, then back from the last page to the first, checking each against the model.
  void walk(ListQuery q, const std::vector<Organisation>& want) {
    std::string types;
    for (const auto& t : q.types) types += t + " ";
    SCOPED_TRACE("limit " + std::to_string(q.limit) + " text '" + q.text + "' types '" + types + "'");
    std::vector<std::vector<int64_t>> pages;
    std::vector<std::string> prevs;
    std::vector<int64_t> seen;
    q.cursor.clear();
    for (int guard = 0; guard < 1000; ++guard) {
      auto page = store_->page_organisations(q);
      ASSERT_TRUE(page.ok()) << page.error().describe();
      EXPECT_EQ(page->total, static_cast<int64_t>(want.size()));
      EXPECT_LE(static_cast<int64_t>(page->items.size()), q.limit);
      EXPECT_EQ(page->prev_cursor.empty(), pages.empty()) << "only the first page has nothing before it";
      std::vector<int64_t> ids;
      for (const auto& o : page->items) ids.push_back(o.id);
      seen.insert(seen.end(), ids.begin(), ids.end());
      pages.push_back(ids);
      prevs.push_back(page->prev_cursor);
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    std::vector<int64_t> expected;
    for (const auto& o : want) expected.push_back(o.id);
    ASSERT_EQ(seen, expected);
    // Back: each Previous gives the page before, whole.
    q.backward = true;
    for (size_t i = pages.size() - 1; i > 0; --i) {
      q.cursor = prevs[i];
      auto page = store_->page_organisations(q);
      ASSERT_TRUE(page.ok()) << page.error().describe();
      std::vector<int64_t> ids;
      for (const auto& o : page->items) ids.push_back(o.id);
      EXPECT_EQ(ids, pages[i - 1]) << "page " << i - 1 << " read backward";
      EXPECT_EQ(page->prev_cursor.empty(), i == 1);
      EXPECT_FALSE(page->next_cursor.empty());
    }
  }

  std::vector<Organisation> orgs_;
};

TEST_P(ListPages, OrganisationsPageForwardAndBackInNameOrderWithTheirTotal) {
  add_organisations(137);
  for (int64_t limit : {1, 7, 50, 500}) {
    ListQuery q;
    q.limit = limit;
    walk(q, model("", {}));
  }
  using Types = std::vector<std::string>;
  for (auto [word, types] : {std::pair{"", Types{"supplier"}},
                             {"q11", Types{}},
                             {"dup", Types{"nhs-trust"}},
                             {"Q1", Types{"gp-practice"}},
                             {"", Types{"nhs-trust", "gp-practice"}},
                             {"zzzz-none", Types{}}}) {
    ListQuery q;
    q.limit = 6;
    q.text = word;
    q.types = types;
    auto want = model(word, types);
    if (std::string(word) != "zzzz-none") {
      EXPECT_FALSE(want.empty()) << word;
    }
    walk(q, want);
  }
}

TEST_P(ListPages, ACursorFromAnotherListOrChangedIsRefusedByName) {
  add_organisations(5);
  for (const char* bad : {"u.1.abc", "o.x1.abc", "o.", "o..abc", "t.0.x", "o.123456789012345678901.a"}) {
    ListQuery q;
    q.cursor = bad;
    auto page = store_->page_organisations(q);
    ASSERT_FALSE(page.ok()) << bad;
    EXPECT_EQ(page.error().code, ErrorCode::kInvalidInput) << bad;
    EXPECT_NE(page.error().message.find("cursor"), std::string::npos) << page.error().message;
  }
  // A search with SQL in it is a search for those characters.
  ListQuery q;
  q.text = "' OR 1=1 --";
  auto page = store_->page_organisations(q);
  ASSERT_TRUE(page.ok()) << page.error().describe();
  EXPECT_EQ(page->total, 0);
  q.text = "%";
  EXPECT_EQ(store_->page_organisations(q)->total, 0) << "% is a character, not a wildcard";
}

TEST_P(ListPages, PeoplePageByNameAndOnlyOfTheOrganisationsAsked) {
  add_organisations(6);
  std::vector<User> people;
  for (int i = 0; i < 40; ++i) {
    User u{0,
           "p" + std::to_string(i) + "@list.example",
           (i % 2 ? "Zed " : "amy ") + std::to_string(i % 7),
           orgs_[i % 6].id,
           {"editor"}};
    auto added = store_->add_user(u, "hash", "admin");
    ASSERT_TRUE(added.ok()) << added.error().describe();
    people.push_back(*added);
  }
  std::vector<int64_t> asked = {orgs_[1].id, orgs_[4].id};
  std::vector<User> want;
  for (const auto& u : people)
    if (u.organisation_id == asked[0] || u.organisation_id == asked[1]) want.push_back(u);
  std::sort(want.begin(), want.end(), [](const User& a, const User& b) {
    return std::pair(lowered(a.name), a.id) < std::pair(lowered(b.name), b.id);
  });
  ListQuery q;
  q.organisations = asked;
  q.limit = 3;
  std::vector<int64_t> seen;
  for (int guard = 0; guard < 100; ++guard) {
    auto page = store_->page_users(q);
    ASSERT_TRUE(page.ok()) << page.error().describe();
    EXPECT_EQ(page->total, static_cast<int64_t>(want.size()));
    for (const auto& u : page->items) {
      seen.push_back(u.id);
      EXPECT_EQ(u.roles, std::vector<std::string>{"editor"});
    }
    if (page->next_cursor.empty()) break;
    q.cursor = page->next_cursor;
  }
  std::vector<int64_t> expected;
  for (const auto& u : want) expected.push_back(u.id);
  EXPECT_EQ(seen, expected);
  // Words in the email.
  ListQuery by_email;
  by_email.text = "p13@";
  auto found = store_->page_users(by_email);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->items.size(), 1u);
  EXPECT_EQ(found->items[0].email, "p13@list.example");
  // An organisation cursor is not a people cursor.
  ListQuery orgs_q;
  orgs_q.limit = 1;
  auto first_orgs = store_->page_organisations(orgs_q);
  ASSERT_TRUE(first_orgs.ok());
  ListQuery wrong;
  wrong.cursor = first_orgs->next_cursor;
  EXPECT_EQ(store_->page_users(wrong).error().code, ErrorCode::kInvalidInput);
}

TEST_P(ListPages, UserNamesAreReadForTheEmailsAskedOnly) {
  add_organisations(1);
  std::map<std::string, std::string> model;
  for (int i = 0; i < 150; ++i) {
    User u{0,
           "n" + std::to_string(i) + "@names.example",
           "Person " + std::to_string(i),
           orgs_[0].id,
           {"editor"}};
    ASSERT_TRUE(store_->add_user(u, "hash", "admin").ok());
    model[u.email] = u.name;
  }
  // Sizes either side of the chunk (64) and its padding, with repeats and emails no one has.
  for (size_t n : {0, 1, 3, 63, 64, 65, 130, 150}) {
    std::vector<std::string> asked;
    std::map<std::string, std::string> want;
    for (size_t i = 0; i < n; ++i) {
      std::string e = "n" + std::to_string((i * 7) % 150) + "@names.example";
      asked.push_back(e);
      want[e] = model[e];
    }
    asked.push_back("nobody@names.example");
    if (n) asked.push_back(asked.front());
    auto names = store_->user_names(asked);
    ASSERT_TRUE(names.ok()) << names.error().describe();
    EXPECT_EQ(*names, want) << n << " asked";
  }
}

TEST_P(ListPages, TemplateVersionsPageByIdThenTheOrderAdded) {
  for (const char* v : {"1", "2", "10"}) ASSERT_TRUE(store_->put_template(small_template(v), "t").ok());
  ListQuery q;
  q.limit = 2;
  std::vector<std::string> seen;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = store_->page_templates(q);
    ASSERT_TRUE(page.ok()) << page.error().describe();
    EXPECT_EQ(page->total, 3);
    for (const auto& t : page->items) seen.push_back(t.id + "@" + t.version);
    if (page->next_cursor.empty()) break;
    q.cursor = page->next_cursor;
  }
  ASSERT_EQ(seen.size(), 3u);
  std::vector<std::string> all;
  auto listed = store_->list_templates();
  ASSERT_TRUE(listed.ok());
  for (const auto& t : *listed) all.push_back(t.id + "@" + t.version);
  std::sort(all.begin(), all.end());
  std::vector<std::string> sorted_seen = seen;
  std::sort(sorted_seen.begin(), sorted_seen.end());
  EXPECT_EQ(sorted_seen, all) << "each version once";
  ListQuery none;
  none.text = "no-such-family";
  EXPECT_EQ(store_->page_templates(none)->total, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ListPages, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace tom::store
