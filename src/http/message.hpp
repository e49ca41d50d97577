#pragma once
// Plain request and response values: what the transport hands the router, and what it writes back. No I/O.
#include <any>
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace tom::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as received
  std::string path;    // percent-decoded, without the query
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string remote;                         // peer address
  std::map<std::string, std::string> params;  // filled by the router from the route's {names}
  // What the admission check learned before the body was read (the authenticated caller), for the handler.
  std::any admitted;

  // The header's value, "" when absent. `name` in lower case.
  std::string header(const std::string& name) const;
  std::string cookie(const std::string& name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // A body of any size produced a piece at a time, in place of `body`: each call appends the next piece to
  // `out` and returns true while more follow, false with (or after) the last. The transport sends the pieces
  // as HTTP/1.1 chunks as they come, so the whole body is never held. The status and headers are sent before
  // the first call: a producer that fails midway can only end the connection (it should throw), so whatever
  // can be refused is refused before a streaming response is made.
  std::function<bool(std::string& out)> stream;

  static Response json(int status, const boost::json::value& v);
  static Response text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response empty(int status);
  // The error as the API shows it: {"error": {"code", "message", "problems"}}. Internal details stay out.
  static Response error(const Error& e);
  static Response error(int status, const std::string& code, const std::string& message);
  Response& with(std::string name, std::string value);
};

// Decided from the request line and header alone (Request::body empty), before any body byte is read.
struct Admission {
  size_t body_limit = 1 << 20;
  // When set, the answer to the request: its body is not read, and the connection is closed after the
  // response when a body was announced.
  std::optional<Response> refusal;
};

// A header field as the transport writes it: false when the name is not an HTTP token or the value holds a
// control character other than tab (CR and LF among them: they would end the header and start another).
bool valid_header_field(const std::string& name, const std::string& value);
// Whether every header of the response (Content-Type included) is valid_header_field; the transport answers
// 500 instead of writing one that is not.
bool writable(const Response& r);

// Splits the target into path and query; refuses bad percent-encoding, NUL bytes and ".." segments.
Status parse_target(const std::string& target, std::string* path, std::map<std::string, std::string>* query);
std::string percent_decode_component(const std::string& s, bool* ok);
std::string percent_encode_component(const std::string& s);

}  // namespace tom::http
