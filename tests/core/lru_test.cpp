// The byte-bounded cache (core/lru.hpp): it never holds more than its limit, lets the least recently used go
// first, and reports its figures under its name.
#include "core/lru.hpp"

#include <gtest/gtest.h>

#include <string>

namespace tom {
namespace {

CacheStats stats_of(const std::string& name) {
  for (const auto& s : cache_stats())
    if (s.name == name) return s;
  return {};
}

TEST(LruCache, StaysWithinItsLimitLettingTheLeastRecentlyUsedGo) {
  LruCache<int, std::string> cache("test_lru_limit", 100);
  for (int i = 0; i < 4; ++i) cache.put(i, std::make_shared<const std::string>("v" + std::to_string(i)), 30);
  // 4 x 30 > 100: the oldest (0) went.
  EXPECT_EQ(cache.get(0), nullptr);
  ASSERT_NE(cache.get(1), nullptr);  // 1 is now the most recently used
  cache.put(9, std::make_shared<const std::string>("nine"), 30);
  EXPECT_NE(cache.get(1), nullptr) << "a used entry went before an unused one";
  EXPECT_EQ(cache.get(2), nullptr) << "the least recently used entry stayed";
  CacheStats s = stats_of("test_lru_limit");
  EXPECT_LE(s.bytes, 100u);
  EXPECT_EQ(s.limit, 100u);
  EXPECT_EQ(s.entries, 3u);
  EXPECT_EQ(s.evictions, 2);
}

TEST(LruCache, ReplacingAnEntryCountsOnlyTheNewSizeAndTooBigIsNotKept) {
  LruCache<std::string, std::string> cache("test_lru_replace", 100);
  cache.put("a", std::make_shared<const std::string>("x"), 60);
  cache.put("a", std::make_shared<const std::string>("y"), 70);
  EXPECT_EQ(*cache.get("a"), "y");
  EXPECT_EQ(stats_of("test_lru_replace").bytes, 70u);
  cache.put("huge", std::make_shared<const std::string>("z"), 101);
  EXPECT_EQ(cache.get("huge"), nullptr);
  EXPECT_NE(cache.get("a"), nullptr) << "an entry over the whole limit pushed others out";
}

TEST(LruCache, AnEvictedValueStaysAliveForItsHolder) {
  LruCache<int, std::string> cache("test_lru_alive", 10);
  cache.put(1, std::make_shared<const std::string>("held"), 10);
  auto held = cache.get(1);
  cache.put(2, std::make_shared<const std::string>("other"), 10);
  EXPECT_EQ(cache.get(1), nullptr);
  EXPECT_EQ(*held, "held");
}

TEST(LruCache, AGoneCacheIsNoLongerReported) {
  {
    LruCache<int, int> cache("test_lru_gone", 10);
    EXPECT_EQ(stats_of("test_lru_gone").name, "test_lru_gone");
  }
  EXPECT_EQ(stats_of("test_lru_gone").name, "");
}

}  // namespace
}  // namespace tom
