// The ceiling for the server benchmark (issue 15): a bare Boost.Beast coroutine server with the transport's
// threading model (src/http/server.cpp) and nothing else. One io_context run by N threads (default 2, as
// `tom serve`), an accept coroutine, one coroutine per connection on its own strand, a tcp_stream with an
// idle timeout, keep-alive, TCP_NODELAY. Every request gets 200 and a small JSON body, as /health does; there
// is no routing, no logging, no metrics, no database. What tom serves is measured as a share of what this
// serves.
//
// Usage: bare_server [PORT] [THREADS]      (port 0, the default: any free port)
// Prints "bare Beast listening on http://127.0.0.1:PORT (THREADS threads)" once accepting, like `tom serve`.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

asio::awaitable<void> serve_connection(beast::tcp_stream stream) {
  beast::flat_buffer buffer;
  for (;;) {
    bhttp::request<bhttp::string_body> req;
    stream.expires_after(std::chrono::seconds(60));
    auto [ec, n] = co_await bhttp::async_read(stream, buffer, req, kTuple);
    if (ec) break;
    bhttp::response<bhttp::string_body> res{bhttp::status::ok, req.version()};
    res.set(bhttp::field::server, "bare");
    res.set(bhttp::field::content_type, "application/json");
    res.body() = R"({"status":"ok","database":"none"})";
    res.keep_alive(req.keep_alive());
    res.prepare_payload();
    auto [ec2, n2] = co_await bhttp::async_write(stream, res, kTuple);
    if (ec2 || !res.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      continue;
    }
    socket.set_option(tcp::no_delay(true));
    auto ex = socket.get_executor();
    asio::co_spawn(ex, serve_connection(beast::tcp_stream(std::move(socket))), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  auto port = static_cast<unsigned short>(argc > 1 ? std::atoi(argv[1]) : 0);
  int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  if (threads < 1) threads = 1;
  asio::io_context ioc(threads);
  tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  asio::co_spawn(ioc, accept_loop(acceptor), asio::detached);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code&, int) { ioc.stop(); });
  std::cout << "bare Beast listening on http://127.0.0.1:" << acceptor.local_endpoint().port() << " ("
            << threads << " threads)" << std::endl;
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}
