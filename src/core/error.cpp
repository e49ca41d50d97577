#include "core/error.hpp"

namespace tom {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
      return "invalid_input";
    case ErrorCode::kNotFound:
      return "not_found";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kUnauthorized:
      return "unauthorized";
    case ErrorCode::kForbidden:
      return "forbidden";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kUnsupported:
      return "unsupported";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kTooManyRequests:
      return "too_many_requests";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

// The one place where error codes become HTTP statuses.
int http_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidInput:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kUnsupported:
      return 415;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kTooManyRequests:
      return 429;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string format_problem(const Problem& p) {
  std::string out;
  const Location& w = p.where;
  if (!w.file.empty()) out += w.file;
  if (!w.sheet.empty()) out += (out.empty() ? "" : ": ") + std::string("sheet '") + w.sheet + "'";
  if (w.line > 0) {
    out += w.sheet.empty() ? (out.empty() ? "line " : ":") : ", row ";
    out += std::to_string(w.line);
  }
  if (!out.empty()) out += ": ";
  if (!w.item.empty()) out += "[" + w.item + "] ";
  if (!w.field.empty()) out += w.field + ": ";
  out += p.message;
  return out;
}

std::string Error::describe() const {
  std::string out = message;
  for (const auto& p : problems) out += "\n  " + format_problem(p);
  return out;
}

}  // namespace tom
