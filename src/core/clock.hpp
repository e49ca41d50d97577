#pragma once
// The time seam (as leveldb's Env is the I/O seam): what reads the time asks a Clock, so a test can set the
// time and see sessions end, accepted risks lapse and audit events carry the time it chose. The system clock
// is the real one; ManualClock is set by hand.
#include <atomic>
#include <chrono>
#include <string>

namespace tom {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;

  // Now as ISO 8601 UTC with milliseconds (2026-11-22T10:15:30.123Z): the text the store keeps and compares.
  std::string now_iso() const;
  // Today's UTC date, YYYY-MM-DD.
  std::string today() const;
  // Now plus `d`, as now_iso() writes it (expiry times).
  std::string iso_after(std::chrono::seconds d) const;
};

// The real time. One for the process; safe from any thread.
const Clock& system_clock();

// A clock that stands still until moved: for tests. Safe from any thread.
class ManualClock : public Clock {
 public:
  explicit ManualClock(TimePoint start) : at_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(at_.load())); }
  void set(TimePoint t) { at_ = t.time_since_epoch().count(); }
  void advance(std::chrono::seconds d) { at_ += std::chrono::duration_cast<TimePoint::duration>(d).count(); }

 private:
  std::atomic<TimePoint::duration::rep> at_;
};

// A time as ISO 8601 UTC with milliseconds.
std::string iso_utc(Clock::TimePoint t);

// The system clock's now_iso() and today(), for code with no clock of its own (logs, the CLI's messages).
std::string now_utc_iso();
std::string today_utc();
// Whether `s` is a real calendar date written YYYY-MM-DD (2026-02-30 is not; leap years are).
bool valid_iso_date(const std::string& s);

}  // namespace tom
