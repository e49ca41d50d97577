#pragma once
// A cache bounded in bytes: the least recently used entries go first when a new one would pass the limit.
// Each cache registers under a name so /metrics can report its size, limit, entries and evictions
// (cache_stats()). Safe to use from several threads; values are shared_ptrs, so an evicted entry stays
// alive for whoever still holds it.
#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace tom {

struct CacheStats {
  std::string name;
  size_t bytes = 0, limit = 0, entries = 0;
  long long hits = 0, misses = 0, evictions = 0;
};

// Every live cache's figures, by name.
std::vector<CacheStats> cache_stats();

namespace detail {
class CacheBase {
 public:
  CacheBase(std::string name, size_t limit);
  virtual ~CacheBase();
  CacheBase(const CacheBase&) = delete;
  CacheBase& operator=(const CacheBase&) = delete;
  virtual CacheStats stats() const = 0;

 protected:
  std::string name_;
  size_t limit_;
};
}  // namespace detail

template <class Key, class Value>
class LruCache : public detail::CacheBase {
 public:
  // `limit_bytes`: the most the entries may hold together, as their put() calls estimate it.
  LruCache(std::string name, size_t limit_bytes) : CacheBase(std::move(name), limit_bytes) {}

  // The cached value (now the most recently used), or null.
  std::shared_ptr<const Value> get(const Key& k) {
    std::lock_guard lock(mu_);
    auto it = index_.find(k);
    if (it == index_.end()) {
      ++misses_;
      return nullptr;
    }
    ++hits_;
    order_.splice(order_.begin(), order_, it->second);
    return it->second->value;
  }

  // Keeps `v` under `k` (replacing what was there), counting `bytes` against the limit; an entry larger than
  // the whole limit is not kept.
  void put(const Key& k, std::shared_ptr<const Value> v, size_t bytes) {
    std::lock_guard lock(mu_);
    if (auto it = index_.find(k); it != index_.end()) erase(it);
    if (bytes > limit_) return;
    while (bytes_ + bytes > limit_ && !order_.empty()) {
      erase(index_.find(order_.back().key));
      ++evictions_;
    }
    order_.push_front({k, std::move(v), bytes});
    index_[k] = order_.begin();
    bytes_ += bytes;
  }

  CacheStats stats() const override {
    std::lock_guard lock(mu_);
    return {name_, bytes_, limit_, index_.size(), hits_, misses_, evictions_};
  }

 private:
  struct Entry {
    Key key;
    std::shared_ptr<const Value> value;
    size_t bytes;
  };
  using Iter = typename std::list<Entry>::iterator;
  void erase(typename std::map<Key, Iter>::iterator it) {
    bytes_ -= it->second->bytes;
    order_.erase(it->second);
    index_.erase(it);
  }

  mutable std::mutex mu_;
  std::list<Entry> order_;  // most recently used first
  std::map<Key, Iter> index_;
  size_t bytes_ = 0;
  long long hits_ = 0, misses_ = 0, evictions_ = 0;
};

}  // namespace tom
