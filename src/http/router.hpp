#pragma once
// A pure request -> response router: routes are a method and a path pattern with {name} segments. It matches,
// fills Request::params and calls the handler; unknown paths get 404, known paths with another method 405.
// The route table also documents itself (summary, public or not) so the OpenAPI document is built from it.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/message.hpp"

namespace tom::http {

using Handler = std::function<Response(Request&)>;

struct Route {
  std::string method;
  std::string pattern;  // e.g. /api/v1/assessments/{id}/answers/{item}
  std::string summary;
  bool public_route = false;  // no sign-in needed
  bool api = true;            // part of the JSON API (documented in OpenAPI); web pages and assets are not
  size_t body_limit = 1 << 20;
  std::string request_body;  // "json", "yaml", "" (none): for documentation
  // Runs on the request line and header before any body byte is read (the transport's admission check): a
  // response refuses the request unread, e.g. 401 for an anonymous upload. Routes without one are anonymous
  // and get at most a small body (api::Api::admit).
  std::function<std::optional<Response>(Request&)> admit;
  Handler handler;
  std::vector<std::string> segments;
};

class Router {
 public:
  void add(Route r);
  // The route for method + path, or nullptr; `allowed` gets the methods the path supports (for 405).
  const Route* match(const std::string& method, const std::string& path,
                     std::map<std::string, std::string>* params, std::vector<std::string>* allowed) const;
  Response dispatch(Request& req) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace tom::http
