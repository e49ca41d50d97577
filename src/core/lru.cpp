#include "core/lru.hpp"

#include <algorithm>
#include <set>

namespace tom {

namespace {
std::mutex& registry_mu() {
  static std::mutex mu;
  return mu;
}
std::set<const detail::CacheBase*>& registry() {
  static std::set<const detail::CacheBase*> caches;
  return caches;
}
}  // namespace

detail::CacheBase::CacheBase(std::string name, size_t limit) : name_(std::move(name)), limit_(limit) {
  std::lock_guard lock(registry_mu());
  registry().insert(this);
}

detail::CacheBase::~CacheBase() {
  std::lock_guard lock(registry_mu());
  registry().erase(this);
}

std::vector<CacheStats> cache_stats() {
  std::lock_guard lock(registry_mu());
  std::vector<CacheStats> out;
  for (const auto* c : registry()) out.push_back(c->stats());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

}  // namespace tom
