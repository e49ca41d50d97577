#pragma once
// The transport: Boost.Beast over Asio with C++20 coroutines. It reads requests header first and asks the
// admission check whether the body may be read at all (an anonymous upload is answered 401 before a byte of
// it is buffered) and how large it may be; applies timeouts, hands each Request to a pure handler, writes the
// Response, logs one JSON line per request (http/log.hpp: buffered, written by its own thread) and counts it
// for /metrics. SIGTERM / SIGINT stop it gracefully: no new connections, idle ones closed, requests in flight
// answered, every log line written.
//
// Every response carries the security headers (Content-Security-Policy, X-Frame-Options,
// X-Content-Type-Options, Referrer-Policy), and no response header can carry CR, LF or another control
// character: a handler's response with such a header is replaced by a 500 (header injection is refused, never
// written).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/error.hpp"
#include "http/message.hpp"
#include "http/metrics.hpp"

namespace tom::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0: any free port (printed when listening)
  int threads = 2;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds idle_timeout{60};
  std::chrono::seconds shutdown_grace{10};
  size_t header_limit = 16 * 1024;
};

using RequestHandler = std::function<Response(Request&)>;
using Admit = std::function<Admission(Request&)>;

// Runs until SIGTERM or SIGINT. `on_listening` is called with the bound port once accepting.
Status serve(const ServerOptions& options, RequestHandler handler, Admit admit, Metrics& metrics,
             const std::function<void(uint16_t)>& on_listening);

}  // namespace tom::http
