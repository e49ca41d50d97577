#include "http/log.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdio>
#include <ctime>
#include <utility>

namespace tom::http {

namespace {

// The writer waits this long after the first line of a batch for more to join it, unless kBatch bytes are
// waiting already: at most ~100 write(2) calls a second however busy the server, and a line reaches stderr
// ~10 ms after its request.
constexpr std::chrono::milliseconds kGather{10};
constexpr size_t kBatch = 64 * 1024;

// Writes all of `data` to `fd`; a descriptor that refuses it (closed, broken pipe) loses the batch, as an
// unbuffered stream would have lost each line.
void write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, -1);
    } else {
      return;
    }
  }
}

template <class Int>
void append_int(std::string& out, Int v) {
  char b[24];
  auto end = std::to_chars(b, b + sizeof b, v).ptr;
  out.append(b, end);
}

}  // namespace

void append_iso_utc(std::string& out, Clock::TimePoint t) {
  using namespace std::chrono;
  long long ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  long long sec = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  int milli = static_cast<int>(ms - sec * 1000);
  // The date and time of day change once a second: format them then, not per line.
  thread_local long long cached_sec = LLONG_MIN;
  thread_local char cached[32];
  thread_local int cached_len = 0;
  if (sec != cached_sec) {
    std::time_t tt = static_cast<std::time_t>(sec);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    cached_len = std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                               tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_sec = sec;
  }
  out.append(cached, static_cast<size_t>(cached_len));
  char frac[6] = {'.', static_cast<char>('0' + milli / 100), static_cast<char>('0' + milli / 10 % 10),
                  static_cast<char>('0' + milli % 10), 'Z'};
  out.append(frac, 5);
}

void append_json_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
}

void append_request_line(std::string& out, Clock::TimePoint t, const Request& r, int status, double ms,
                         size_t bytes) {
  out += "{\"ts\":\"";
  append_iso_utc(out, t);
  out += "\",\"level\":\"info\",\"msg\":\"request\",\"method\":\"";
  append_json_escaped(out, r.method);
  out += "\",\"path\":\"";
  append_json_escaped(out, r.path);
  out += "\",\"status\":";
  append_int(out, status);
  // As an ostream writes a double by default (what the log always held): six significant digits.
  char b[32];
  int n = std::snprintf(b, sizeof b, "%g", ms);
  out += ",\"ms\":";
  out.append(b, static_cast<size_t>(n));
  out += ",\"bytes\":";
  append_int(out, bytes);
  out += ",\"remote\":\"";
  append_json_escaped(out, r.remote);
  out += "\"}\n";
}

Log::Log(int fd, size_t capacity, const Clock& clock) : fd_(fd), capacity_(capacity), clock_(clock) {
  writer_ = std::thread([this] { run_writer(); });
}

Log::~Log() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
}

void Log::request(const Request& r, int status, double ms, size_t bytes) {
  thread_local std::string line;
  line.clear();
  append_request_line(line, clock_.now(), r, status, ms, bytes);
  append(line);
}

void Log::error(std::string_view message) {
  thread_local std::string line;
  line.clear();
  line += "{\"ts\":\"";
  append_iso_utc(line, clock_.now());
  line += "\",\"level\":\"error\",\"msg\":\"";
  append_json_escaped(line, message);
  line += "\"}\n";
  append(line);
}

void Log::append(std::string_view line) {
  bool wake;
  {
    std::lock_guard lock(mu_);
    if (pending_.size() + line.size() > capacity_) {
      ++dropped_;
      ++dropped_unreported_;
      return;
    }
    // The writer waits for the first line of a batch, then for a full batch (or its gathering time).
    wake = pending_.empty() || (pending_.size() < kBatch && pending_.size() + line.size() >= kBatch);
    pending_.append(line);
    ++accepted_;
  }
  if (wake) wake_.notify_one();
}

void Log::flush() {
  std::unique_lock lock(mu_);
  unsigned long target = accepted_;
  if (written_upto_ >= target) return;
  ++flushing_;
  wake_.notify_one();
  written_.wait(lock, [&] { return written_upto_ >= target; });
  --flushing_;
}

long Log::dropped() const {
  std::lock_guard lock(mu_);
  return dropped_;
}

void Log::run_writer() {
  std::string batch;
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return !pending_.empty() || dropped_unreported_ > 0 || stopping_; });
    if (pending_.empty() && dropped_unreported_ == 0) break;  // stopping, and everything is written
    // A flush() or the stop cuts the gathering short.
    wake_.wait_for(lock, kGather, [&] { return pending_.size() >= kBatch || stopping_ || flushing_ > 0; });
    batch.swap(pending_);
    long dropped = std::exchange(dropped_unreported_, 0);
    unsigned long upto = accepted_;
    lock.unlock();
    if (dropped > 0) {
      batch += "{\"ts\":\"";
      append_iso_utc(batch, clock_.now());
      batch += "\",\"level\":\"warn\",\"msg\":\"log lines dropped: stderr did not keep up\",\"dropped\":";
      append_int(batch, dropped);
      batch += "}\n";
    }
    write_all(fd_, batch);
    batch.clear();
    lock.lock();
    written_upto_ = upto;
    written_.notify_all();
  }
}

}  // namespace tom::http
