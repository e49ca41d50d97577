#pragma once
// Expected failures are values. Every fallible operation returns Result<T> (or Status); exceptions are kept
// for programming errors. An Error has a code (which maps to an HTTP status in exactly one place,
// http_status()), a message fit to show a user, an internal detail kept for logs, and, for validation, a list
// of problems each with its location.
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace tom {

enum class ErrorCode {
  kInvalidInput,     // the caller sent something malformed or not allowed
  kNotFound,         // a named thing does not exist
  kConflict,         // a stale version, a duplicate, a state that forbids the change
  kUnauthorized,     // no identity
  kForbidden,        // an identity without the right
  kTooLarge,         // over a size limit
  kUnsupported,      // a format or feature this build does not handle
  kUnavailable,      // a dependency (database) is not reachable right now
  kTooManyRequests,  // a rate limit was reached; try again later
  kInternal,         // a bug or an unexpected failure
};

const char* to_string(ErrorCode code);
int http_status(ErrorCode code);

// Where a problem is: any field may be empty / zero when unknown.
struct Location {
  std::string file;
  std::string sheet;
  int line = 0;  // line (text files) or row (sheets), 1-based
  std::string field;
  std::string item;  // item id, when the problem concerns one
};

struct Problem {
  Location where;
  std::string message;
};

// Formats "file:line: [item] field: message" leaving out what is unknown.
std::string format_problem(const Problem& p);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // safe to show to a user
  std::string detail;   // internal: for logs, never shown to a remote user
  std::vector<Problem> problems;

  static Error invalid(std::string msg, std::vector<Problem> problems = {}) {
    return Error{ErrorCode::kInvalidInput, std::move(msg), {}, std::move(problems)};
  }
  static Error not_found(std::string msg) { return Error{ErrorCode::kNotFound, std::move(msg), {}, {}}; }
  static Error conflict(std::string msg, std::vector<Problem> problems = {}) {
    return Error{ErrorCode::kConflict, std::move(msg), {}, std::move(problems)};
  }
  // A person who is known but may not do this; the message says why, in words they can act on.
  static Error forbidden(std::string why) { return Error{ErrorCode::kForbidden, std::move(why), {}, {}}; }
  // Nobody is signed in (or the session or token is not valid any more).
  static Error unauthorized(std::string msg) {
    return Error{ErrorCode::kUnauthorized, std::move(msg), {}, {}};
  }
  // A format or media type this build does not take.
  static Error unsupported(std::string msg) { return Error{ErrorCode::kUnsupported, std::move(msg), {}, {}}; }
  static Error too_large(std::string msg) { return Error{ErrorCode::kTooLarge, std::move(msg), {}, {}}; }
  static Error internal(std::string detail) {
    return Error{ErrorCode::kInternal, "An internal error occurred.", std::move(detail), {}};
  }
  static Error unavailable(std::string msg, std::string detail = {}) {
    return Error{ErrorCode::kUnavailable, std::move(msg), std::move(detail), {}};
  }

  // The message plus every problem, one per line.
  std::string describe() const;
};

// A small std::expected stand-in (C++20): holds a T or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};
using Status = Result<Ok>;
inline Status ok_status() {
  return Ok{};
}

}  // namespace tom

// Propagates an error from an expression returning Result/Status.
#define TOM_TRY(expr)                                           \
  do {                                                          \
    auto tom_try_r_ = (expr);                                   \
    if (!tom_try_r_.ok()) return std::move(tom_try_r_).error(); \
  } while (0)

#define TOM_CONCAT_INNER(a, b) a##b
#define TOM_CONCAT(a, b) TOM_CONCAT_INNER(a, b)
// Declares `lhs` from a Result, or returns its error.
#define TOM_ASSIGN(lhs, expr) TOM_ASSIGN_IMPL(TOM_CONCAT(tom_res_, __LINE__), lhs, expr)
#define TOM_ASSIGN_IMPL(tmp, lhs, expr)         \
  auto tmp = (expr);                            \
  if (!tmp.ok()) return std::move(tmp).error(); \
  lhs = std::move(tmp).value()
