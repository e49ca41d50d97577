#pragma once
// Request counters and a latency histogram, rendered in the Prometheus text format for /metrics.
#include <array>
#include <atomic>
#include <string>

namespace tom::http {

class Metrics {
 public:
  void observe(int status, double seconds);
  // Counters only: no ordering with other memory is needed.
  void started() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void finished() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }
  std::string render() const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,    0.5,   2.5};
  std::array<std::atomic<long>, 6> by_class_{};  // 0: other, 1..5: 1xx..5xx
  std::array<std::atomic<long>, kBuckets.size() + 1> buckets_{};
  std::atomic<long> count_{0};
  std::atomic<long> sum_micros_{0};
  std::atomic<long> in_flight_{0};
};

}  // namespace tom::http
