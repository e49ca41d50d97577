#include "http/server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "http/log.hpp"

namespace tom::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

// The security headers every response carries (unless the handler set its own). The pages load scripts and
// styles from /assets only; inline style attributes remain allowed (the audit chart's bar widths).
constexpr std::pair<const char*, const char*> kSecurityHeaders[] = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; "
     "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"},
    {"X-Frame-Options", "DENY"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
};

// The response as Beast writes it (Beast itself does not check header values). A header that would break the
// framing is never written: writable() makes the whole response a 500, and the attempt is logged.
// The status and headers of the response, as Beast writes them (for a body of either kind).
template <class Body>
void fill_header(bhttp::response<Body>& out, const Response& res) {
  out.result(static_cast<bhttp::status>(res.status));
  out.version(11);
  out.set(bhttp::field::server, "tom");
  if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
  for (const auto& [k, v] : res.headers) out.insert(k, v);
  for (const auto& [k, v] : kSecurityHeaders)
    if (out.find(k) == out.end()) out.set(k, v);
}

bhttp::response<bhttp::string_body> to_message(Response res, Log& log) {
  if (!writable(res)) {
    log.error("refused a response header with a control character");
    res = Response::error(500, "internal", "An internal error occurred.");
  }
  bhttp::response<bhttp::string_body> out;
  fill_header(out, res);
  out.body() = std::move(res.body);
  return out;
}

class Connection;

// Connections the server knows, so shutdown can close the idle ones at once and notice when all are done. A
// connection is entered once, when accepted, and removed when it ends: nothing here is touched per request
// but `stopping`.
struct Registry {
  std::mutex mu;
  std::map<Connection*, std::weak_ptr<Connection>> open;
  std::atomic<bool> stopping{false};  // set under `mu`
  std::function<void()> drained;      // called (once) when stopping and the last connection ends
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, const ServerOptions& o, const RequestHandler& h, const Admit& admit,
             Metrics& m, Registry& reg, Log& log)
      : stream_(std::move(socket)), o_(o), handler_(h), admit_(admit), metrics_(m), reg_(reg), log_(log) {}

  // The connection's strand: run() and everything posted here run one at a time.
  asio::any_io_executor executor() { return stream_.get_executor(); }
  // On the strand, at shutdown: a connection waiting for a request stops waiting; one answering a request
  // finishes it and then closes (it sees Registry::stopping).
  void stop_if_idle() {
    if (idle_) stream_.cancel();
  }

  asio::awaitable<void> run() {
    beast::flat_buffer buffer;
    std::string remote;
    beast::error_code rec;
    auto ep = stream_.socket().remote_endpoint(rec);
    if (!rec) remote = ep.address().to_string();
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(o_.header_limit));
      // No body limit while the header is read: Beast would compare Content-Length with it and fail the
      // header read. The route's own limit is set, and Content-Length checked against it, once the header is
      // in.
      parser.body_limit(boost::none);
      stream_.expires_after(o_.idle_timeout);
      if (!set_idle(true)) break;
      auto [ec, n] = co_await bhttp::async_read_header(stream_, buffer, parser, kTuple);
      set_idle(false);
      if (ec) break;  // closed, timed out or malformed: nothing more to say on this connection
      auto started = std::chrono::steady_clock::now();
      metrics_.started();
      Request req;
      req.method = std::string(parser.get().method_string());
      req.target = std::string(parser.get().target());
      req.remote = remote;
      for (const auto& f : parser.get()) {
        std::string name(f.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        req.headers[name] = std::string(f.value());
      }
      // Whether a body follows the header (Content-Length > 0 or chunked): one left unread ends the
      // connection.
      bool body_pending = !parser.is_done();
      Response res;
      bool close = !parser.get().keep_alive();
      bool drain = false;
      Admission admission;
      if (Status parsed = parse_target(req.target, &req.path, &req.query); !parsed.ok())
        admission.refusal = Response::error(parsed.error());
      else
        admission = guarded([&] { return admit_(req); }, Admission{});
      if (admission.refusal) {
        res = std::move(*admission.refusal);
        close = close || body_pending;
        drain = body_pending;
      } else {
        size_t limit = admission.body_limit;
        parser.body_limit(limit);
        auto declared = parser.content_length();
        bool too_big = declared && *declared > limit;
        beast::error_code ec2;
        // A request without a body is complete with its header: no second read (and no trip through the
        // scheduler that async_read would take to say so).
        if (!too_big && !parser.is_done()) {
          stream_.expires_after(o_.read_timeout);
          auto [e, n2] = co_await bhttp::async_read(stream_, buffer, parser, kTuple);
          ec2 = e;
        }
        if (too_big || ec2 == bhttp::error::body_limit) {
          res = Response::error(413, "too_large",
                                "the request body is over the limit of " + std::to_string(limit) + " bytes");
          close = drain = true;
        } else if (ec2) {
          metrics_.finished();
          break;
        } else {
          req.body = std::move(parser.get().body());
          res = guarded([&] { return handler_(req); },
                        Response::error(500, "internal", "An internal error occurred."));
        }
      }
      close = close || reg_.stopping;
      size_t bytes = 0;
      int status = 0;
      beast::error_code ec3;
      if (res.stream && writable(res)) {
        status = res.status;
        auto written = co_await write_streamed(std::move(res), close);
        bytes = written.first;
        if (!written.second) ec3 = asio::error::connection_aborted;
      } else {
        bhttp::response<bhttp::string_body> out = to_message(std::move(res), log_);
        out.keep_alive(!close);
        out.prepare_payload();
        bytes = out.body().size();
        auto [e3, n3] = co_await bhttp::async_write(stream_, out, kTuple);
        ec3 = e3;
        status = out.result_int();
      }
      double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      metrics_.finished();
      metrics_.observe(status, seconds);
      log_.request(req, status, seconds * 1000.0, bytes);
      if (ec3) break;
      if (close) {
        if (drain) co_await discard_unread_body();
        break;
      }
    }
    set_idle(false);
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    std::function<void()> drained;
    {
      std::lock_guard lock(reg_.mu);
      reg_.open.erase(this);
      if (reg_.open.empty() && reg_.stopping) drained = std::move(reg_.drained);
    }
    if (drained) drained();
  }

 private:
  // Runs a handler; an exception is logged and answered with `fallback`.
  // Sends a streamed response as chunks, each as the producer makes it; returns the body bytes sent and
  // whether the whole response went (a producer failure or a write error ends the connection).
  asio::awaitable<std::pair<size_t, bool>> write_streamed(Response res, bool close) {
    bhttp::response<bhttp::empty_body> head;
    fill_header(head, res);
    head.keep_alive(!close);
    head.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> sr{head};
    stream_.expires_after(o_.read_timeout);
    auto [ec, n] = co_await bhttp::async_write_header(stream_, sr, kTuple);
    if (ec) co_return std::pair<size_t, bool>{0, false};
    size_t bytes = 0;
    std::string piece;
    for (bool more = true; more;) {
      piece.clear();
      try {
        more = res.stream(piece);
      } catch (const std::exception& e) {
        log_.error(std::string("a streamed body failed midway: ") + e.what());
        co_return std::pair<size_t, bool>{bytes, false};
      }
      if (piece.empty()) continue;
      bytes += piece.size();
      stream_.expires_after(o_.read_timeout);
      auto [e2, n2] = co_await asio::async_write(stream_, bhttp::make_chunk(asio::buffer(piece)), kTuple);
      if (e2) co_return std::pair<size_t, bool>{bytes, false};
    }
    auto [e3, n3] = co_await asio::async_write(stream_, bhttp::make_chunk_last(), kTuple);
    co_return std::pair<size_t, bool>{bytes, !e3};
  }

  template <class F, class T>
  T guarded(F&& f, T fallback) {
    try {
      return f();
    } catch (const std::exception& e) {
      log_.error(e.what());
      return fallback;
    }
  }

  // After answering a request whose body was not read, the sender may still be writing it; closing with
  // unread data would reset the connection and lose the answer. Half-close, then read and drop what still
  // comes, for a short while: a fixed buffer, so nothing is kept.
  asio::awaitable<void> discard_unread_body() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kDrainTime);
    std::array<char, 16384> sink;
    for (;;) {
      auto [e, n] = co_await stream_.async_read_some(asio::buffer(sink), kTuple);
      if (e) break;
    }
  }
  static constexpr std::chrono::seconds kDrainTime{2};

  // Marks the connection idle (waiting for a request) or busy; false when the server is stopping. Only ever
  // on the strand, as stop_if_idle() is: a shutdown that set `stopping` before posting stop_if_idle() either
  // finds the connection idle (and cancels its read) or is seen here.
  bool set_idle(bool idle) {
    idle_ = idle;
    return !(idle && reg_.stopping);
  }

  beast::tcp_stream stream_;
  const ServerOptions& o_;
  const RequestHandler& handler_;
  const Admit& admit_;
  Metrics& metrics_;
  Registry& reg_;
  Log& log_;
  bool idle_ = false;
};

asio::awaitable<void> run_connection(std::shared_ptr<Connection> c) {
  co_await c->run();
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, const ServerOptions& o, const RequestHandler& h,
                                  const Admit& bl, Metrics& m, Registry& reg, Log& log) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      continue;
    }
    socket.set_option(tcp::no_delay(true));
    auto conn = std::make_shared<Connection>(std::move(socket), o, h, bl, m, reg, log);
    {
      std::lock_guard lock(reg.mu);
      if (reg.stopping) continue;
      reg.open[conn.get()] = conn;
    }
    auto ex = conn->executor();
    asio::co_spawn(ex, run_connection(conn), asio::detached);
  }
}

}  // namespace

Status serve(const ServerOptions& options, RequestHandler handler, Admit admit, Metrics& metrics,
             const std::function<void(uint16_t)>& on_listening) {
  asio::io_context ioc(options.threads);
  beast::error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) return Error::invalid("cannot listen on '" + options.host + "': not an IP address");
  tcp::acceptor acceptor(ioc);
  tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Error::unavailable("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " +
                              ec.message());
  // Destroyed when serve() returns, after the threads that log have stopped: its destructor writes the last
  // lines.
  Log log;
  Registry reg;
  asio::co_spawn(ioc, accept_loop(acceptor, options, handler, admit, metrics, reg, log), asio::detached);

  asio::steady_timer deadline(ioc);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code& e, int) {
    if (e) return;
    beast::error_code ignored;
    acceptor.close(ignored);
    // Requests in flight get a grace period; then the loop stops regardless.
    deadline.expires_after(options.shutdown_grace);
    deadline.async_wait([&](const beast::error_code& te) {
      if (!te) ioc.stop();
    });
    std::vector<std::weak_ptr<Connection>> open;
    bool none_left;
    {
      std::lock_guard lock(reg.mu);
      reg.stopping = true;
      for (auto& [_, w] : reg.open) open.push_back(w);
      none_left = reg.open.empty();
      reg.drained = [&] { asio::post(ioc, [&] { deadline.cancel(); }); };
    }
    for (auto& w : open)
      if (auto c = w.lock()) asio::post(c->executor(), [c] { c->stop_if_idle(); });
    if (none_left) deadline.cancel();
  });
  on_listening(acceptor.local_endpoint().port());

  std::vector<std::thread> threads;
  for (int i = 1; i < options.threads; ++i) threads.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  return ok_status();
}

}  // namespace tom::http
