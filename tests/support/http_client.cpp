#include "support/http_client.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "support/test_support.hpp"

namespace tom::test {

boost::json::value HttpResponse::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value(nullptr) : v;
}

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

namespace {

int connect_to(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{30, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

bool send_all(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Reads one response (Content-Length framed, or chunked for a streamed body). False when the connection died.
bool read_response(int fd, HttpResponse* out) {
  std::string buf;
  char chunk[65536];
  size_t header_end;
  while ((header_end = buf.find("\r\n\r\n")) == std::string::npos) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buf.append(chunk, static_cast<size_t>(n));
  }
  std::string head = buf.substr(0, header_end);
  out->status = std::stoi(head.substr(9, 3));
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string line = head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      out->headers[name] = value;
    }
    pos = next;
  }
  std::string body = buf.substr(header_end + 4);
  if (out->headers["transfer-encoding"] == "chunked") {
    // A streamed body: each chunk's size in hex, CRLF, the bytes, CRLF; a zero size ends it.
    auto more = [&] {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      body.append(chunk, static_cast<size_t>(n));
      return true;
    };
    std::string decoded;
    size_t at = 0;
    while (true) {
      size_t eol;
      while ((eol = body.find("\r\n", at)) == std::string::npos)
        if (!more()) return false;
      size_t size = std::stoul(body.substr(at, eol - at), nullptr, 16);
      while (body.size() < eol + 2 + size + 2)
        if (!more()) return false;
      decoded.append(body, eol + 2, size);
      at = eol + 2 + size + 2;
      if (size == 0) break;
    }
    out->body = decoded;
    out->headers["x-test-chunked"] = "yes";
    return true;
  }
  size_t length = out->headers.count("content-length") ? std::stoul(out->headers["content-length"]) : 0;
  while (body.size() < length) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    body.append(chunk, static_cast<size_t>(n));
  }
  out->body = body.substr(0, length);
  return true;
}

}  // namespace

HttpResponse HttpClient::request(const std::string& method, const std::string& target,
                                 const std::string& body, const std::map<std::string, std::string>& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [k, v] : headers) req += k + ": " + v + "\r\n";
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) fd_ = connect_to(port_);
    if (fd_ < 0) throw std::runtime_error("cannot connect to port " + std::to_string(port_));
    HttpResponse r;
    if (send_all(fd_, req) && read_response(fd_, &r)) {
      if (r.header("connection") == "close") {
        ::close(fd_);
        fd_ = -1;
      }
      return r;
    }
    ::close(fd_);
    fd_ = -1;
  }
  throw std::runtime_error("the server closed the connection during " + method + " " + target);
}

HttpResponse HttpClient::call(const std::string& method, const std::string& target, const std::string& body,
                              std::map<std::string, std::string> headers) {
  if (!body.empty() && !headers.count("Content-Type")) headers["Content-Type"] = "application/json";
  if (!cookie_.empty()) headers["Cookie"] = "tom_session=" + cookie_;
  if (!csrf_.empty() && method != "GET") headers["X-CSRF-Token"] = csrf_;
  if (!bearer_.empty()) headers["Authorization"] = "Bearer " + bearer_;
  return request(method, target, body, headers);
}

HttpResponse HttpClient::put(const std::string& target, const boost::json::value& body,
                             const std::string& if_match) {
  std::map<std::string, std::string> h;
  if (!if_match.empty()) h["If-Match"] = if_match;
  return call("PUT", target, boost::json::serialize(body), h);
}

HttpResponse HttpClient::sign_in(const std::string& email, const std::string& password) {
  cookie_.clear();
  csrf_.clear();
  auto r = call("POST", "/api/v1/session",
                boost::json::serialize(boost::json::object{{"email", email}, {"password", password}}));
  std::string set = r.header("set-cookie");
  auto eq = set.find("tom_session=");
  if (eq != std::string::npos) cookie_ = set.substr(eq + 12, set.find(';', eq) - eq - 12);
  auto v = r.json();
  if (v.is_object() && v.as_object().contains("csrf_token"))
    csrf_ = std::string(v.at("csrf_token").as_string());
  return r;
}

ServerProcess::ServerProcess(const std::string& db, const std::vector<std::string>& extra) {
  out_path_ = temp_path("serve.out");
  err_path_ = temp_path("serve.err");
  // Both files exist, empty, before the child starts, so nothing read below can predate this server.
  for (const auto* path : {&out_path_, &err_path_}) {
    int fd = ::open(path->c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) throw std::runtime_error("cannot create " + *path);
    ::close(fd);
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    int o = ::open(out_path_.c_str(), O_WRONLY, 0600);
    int e = ::open(err_path_.c_str(), O_WRONLY, 0600);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::string bin = TOM_BINARY;
    std::vector<std::string> args = {bin, "--db", db, "serve", "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  // The server prints "listening on http://127.0.0.1:PORT" once it accepts connections.
  for (int i = 0; i < 400 && port_ == 0; ++i) {
    std::string out = read_text(out_path_);
    auto at = out.find("127.0.0.1:");
    // Only a whole line: the port is followed by " (" and the database it serves.
    if (at != std::string::npos && out.find(" (", at) != std::string::npos)
      port_ = std::stoi(out.substr(at + 10));
    else
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  if (port_ == 0) throw std::runtime_error("tom serve did not start: " + read_text(err_path_));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) terminate();
}

void ServerProcess::terminate() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  // A server that crashed, or (in the sanitizer build) reported memory or undefined-behaviour errors, fails
  // the test that used it even if every response it gave looked right.
  if (WIFSIGNALED(status) && WTERMSIG(status) != SIGTERM)
    ADD_FAILURE() << "tom serve died of signal " << WTERMSIG(status) << ":\n" << read_text(err_path_);
  std::string err = read_text(err_path_);
  for (const char* report : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"})
    if (err.find(report) != std::string::npos)
      ADD_FAILURE() << "tom serve reported a sanitizer error:\n" << err.substr(0, 8000);
}

void ServerProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ServerProcess::log() const {
  return read_text(out_path_) + read_text(err_path_);
}

}  // namespace tom::test
