#pragma once
// Black-box HTTP testing: start the real `tom serve` on a free port, talk to it over TCP, stop it.
#include <sys/types.h>

#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

namespace tom::test {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  boost::json::value json() const;  // null when the body is not JSON
  std::string header(const std::string& name) const;
};

// One keep-alive connection to 127.0.0.1:port (reconnects when the server closes it).
class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  HttpResponse request(const std::string& method, const std::string& target, const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});
  // Convenience: JSON body, session cookie and CSRF token remembered from sign_in().
  HttpResponse get(const std::string& target) { return call("GET", target, ""); }
  HttpResponse post(const std::string& target, const boost::json::value& body) {
    return call("POST", target, boost::json::serialize(body));
  }
  HttpResponse put(const std::string& target, const boost::json::value& body,
                   const std::string& if_match = "");
  HttpResponse del(const std::string& target) { return call("DELETE", target, ""); }
  HttpResponse call(const std::string& method, const std::string& target, const std::string& body,
                    std::map<std::string, std::string> headers = {});
  // Signs in; later calls carry the cookie and the CSRF token. Returns the sign-in response.
  HttpResponse sign_in(const std::string& email, const std::string& password = "demo-password-2026");
  void use_bearer(const std::string& token) { bearer_ = token; }
  void forget_csrf() { csrf_.clear(); }

 private:
  int port_;
  int fd_ = -1;
  std::string cookie_, csrf_, bearer_;
};

// `tom serve` as a child process on its own database.
class ServerProcess {
 public:
  // db: an SQLite path or postgresql:// URL, already initialised (e.g. `tom init --demo`).
  // extra: more `tom serve` options (e.g. --insecure-cookies).
  explicit ServerProcess(const std::string& db, const std::vector<std::string>& extra = {});
  ~ServerProcess();
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  void terminate();  // SIGTERM and wait
  void kill9();      // SIGKILL and wait
  std::string log() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string out_path_, err_path_;
};

}  // namespace tom::test
