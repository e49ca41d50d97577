#include "http/metrics.hpp"

#include <cstdio>

namespace tom::http {

void Metrics::observe(int status, double seconds) {
  int cls = status >= 100 && status < 600 ? status / 100 : 0;
  constexpr auto kRelaxed = std::memory_order_relaxed;
  by_class_[static_cast<size_t>(cls)].fetch_add(1, kRelaxed);
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  buckets_[b].fetch_add(1, kRelaxed);
  count_.fetch_add(1, kRelaxed);
  sum_micros_.fetch_add(static_cast<long>(seconds * 1e6), kRelaxed);
}

std::string Metrics::render() const {
  std::string out;
  char line[160];
  out += "# HELP tom_http_requests_total HTTP requests answered, by status class.\n";
  out += "# TYPE tom_http_requests_total counter\n";
  for (int c = 1; c <= 5; ++c) {
    std::snprintf(line, sizeof line, "tom_http_requests_total{code=\"%dxx\"} %ld\n", c,
                  by_class_[static_cast<size_t>(c)].load());
    out += line;
  }
  out += "# HELP tom_http_request_duration_seconds Time from a request's last byte to its response.\n";
  out += "# TYPE tom_http_request_duration_seconds histogram\n";
  long cumulative = 0;
  for (size_t b = 0; b < kBuckets.size(); ++b) {
    cumulative += buckets_[b].load();
    std::snprintf(line, sizeof line, "tom_http_request_duration_seconds_bucket{le=\"%g\"} %ld\n", kBuckets[b],
                  cumulative);
    out += line;
  }
  cumulative += buckets_[kBuckets.size()].load();
  std::snprintf(line, sizeof line, "tom_http_request_duration_seconds_bucket{le=\"+Inf\"} %ld\n", cumulative);
  out += line;
  std::snprintf(line, sizeof line, "tom_http_request_duration_seconds_sum %.6f\n",
                static_cast<double>(sum_micros_.load()) / 1e6);
  out += line;
  std::snprintf(line, sizeof line, "tom_http_request_duration_seconds_count %ld\n", count_.load());
  out += line;
  out += "# HELP tom_http_in_flight Requests being handled now.\n# TYPE tom_http_in_flight gauge\n";
  std::snprintf(line, sizeof line, "tom_http_in_flight %ld\n", in_flight_.load());
  out += line;
  return out;
}

}  // namespace tom::http
