#pragma once
// The server's log: one JSON object per line, on stderr. A request's line is formatted on the thread that
// answered it and appended to a buffer in memory (a copy under a mutex held for nothing else); a writer
// thread takes the whole buffer and writes it with one write(2), so lines go out in large batches and a
// request never waits for stderr. The buffer is bounded: when the writer cannot keep up (stderr blocked)
// further lines are dropped and counted, and the count is logged, as a warning line, once the writer catches
// up. Lines accepted before the Log is destroyed are all written (the server destroys it after its last
// request), so a graceful stop loses nothing; a crash or SIGKILL can lose the last ~10 ms.
//
// The lines are those the transport always wrote:
//   {"ts":"2026-11-22T10:15:30.123Z","level":"info","msg":"request","method":"GET","path":"/health",
//    "status":200,"ms":0.538836,"bytes":35,"remote":"127.0.0.1"}
//   {"ts":"...","level":"error","msg":"..."}
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/clock.hpp"
#include "http/message.hpp"

namespace tom::http {

class Log {
 public:
  static constexpr size_t kDefaultCapacity = 4 << 20;  // bytes waiting to be written (~20,000 request lines)

  // Writes to `fd` (not owned). `clock` gives the lines' times.
  explicit Log(int fd = 2, size_t capacity = kDefaultCapacity, const Clock& clock = system_clock());
  ~Log();  // writes every line accepted, then stops the writer
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  // A request answered: its line, as the class comment shows.
  void request(const Request& r, int status, double ms, size_t bytes);
  // {"ts","level":"error","msg":message}
  void error(std::string_view message);
  // Returns once every line accepted so far has been handed to write(2).
  void flush();
  // Lines dropped because the buffer was full, since the Log was made.
  long dropped() const;

 private:
  void append(std::string_view line);
  void run_writer();

  const int fd_;
  const size_t capacity_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::condition_variable wake_;     // the writer: lines are waiting (or the Log is stopping)
  std::condition_variable written_;  // flush(): the writer finished a batch
  std::string pending_;              // accepted, not yet taken by the writer
  long dropped_ = 0, dropped_unreported_ = 0;
  unsigned long accepted_ = 0,
                written_upto_ = 0;  // lines: flush() waits for written_upto_ to reach accepted_
  int flushing_ = 0;                // flush() calls waiting
  bool stopping_ = false;
  std::thread writer_;
};

// The log's formatting, exposed so a test can hold it to the format above. Both append to `out`.
// ISO 8601 UTC with milliseconds, as iso_utc() writes it; the date and time of day are formatted once a
// second per thread.
void append_iso_utc(std::string& out, Clock::TimePoint t);
void append_json_escaped(std::string& out, std::string_view s);
void append_request_line(std::string& out, Clock::TimePoint t, const Request& r, int status, double ms,
                         size_t bytes);

}  // namespace tom::http
