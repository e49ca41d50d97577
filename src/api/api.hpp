#pragma once
// The JSON API (docs/api.md): a pure Request -> Response function over the workbench, identity and store. The
// transport (http/server) calls handle(); nothing here does network I/O. Handlers are grouped by resource in
// api_*.cpp; this file holds what they share: authentication, CSRF, strict JSON bodies, access checks.
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "http/metrics.hpp"
#include "http/router.hpp"
#include "service/identity.hpp"
#include "service/workbench.hpp"

namespace tom::api {

namespace json = boost::json;

struct ApiOptions {
  bool secure_cookies = true;
};

// One authenticated call.
struct Call {
  http::Request& req;
  service::Authenticated auth;
  const domain::Caller& caller() const { return auth.caller; }
  std::string actor() const { return auth.caller.user.email; }
};

// A JSON request body read strictly: an object, with only the allowed fields, each of the right type.
// Problems are collected and reported together (400).
class Body {
 public:
  static Result<Body> parse(const http::Request& r, std::initializer_list<const char*> allowed);
  std::string str(const char* key, bool required = false);
  std::optional<int64_t> integer(const char* key, bool required = false);
  std::vector<std::string> strs(const char* key);
  const json::object* object(const char* key);
  bool has(const char* key) const { return obj_.contains(key); }
  Status done();

 private:
  void bad(const std::string& field, const std::string& message);
  json::object obj_;
  std::vector<Problem> problems_;
};

// An assessment the caller may read, with its template and rules.
struct Loaded {
  domain::Assessment assessment;
  service::LoadedTemplate tmpl;
};

class Api {
 public:
  Api(service::Workbench& workbench, service::Identity& identity, http::Metrics& metrics,
      ApiOptions options = {});

  http::Response handle(http::Request& req);
  size_t body_limit(const std::string& method, const std::string& path) const;
  const http::Router& router() const { return router_; }
  // Lets the web pages (src/web) share the router, store and identity.
  void add_route(http::Route r) { router_.add(std::move(r)); }
  service::Workbench& workbench() { return wb_; }
  service::Identity& identity() { return identity_; }
  json::object openapi() const;

 private:
  using Authed = std::function<http::Response(Call&)>;
  void route(const std::string& method, const std::string& pattern, const std::string& summary,
             Authed handler, const std::string& body = "", size_t limit = 1 << 20);
  void public_route(const std::string& method, const std::string& pattern, const std::string& summary,
                    http::Handler handler, const std::string& body = "");

  void identity_routes();
  void template_routes();
  void assessment_routes();
  void workflow_routes();

  // 404 when the assessment does not exist or the caller may not read it (no existence leak).
  Result<Loaded> readable(Call& call, const std::string& id_param);
  // Findings as the rules and people left them, merged (service::merge_findings).
  // Unfiltered checks are shared from the workbench's cache (valid until anything is written).
  Result<std::shared_ptr<const service::CheckReport>> check_of(const Loaded& l,
                                                               const domain::CompletenessFilter& f = {});
  json::object assessment_detail(Call& call, const Loaded& l);

  // Rendered sections (everything but the caller's `editable` flags), reused until anything is written.
  struct RenderedSection {
    int64_t revision = -1;
    // Owns the items that `items` points into: a later load of the template must not free them.
    std::shared_ptr<const domain::Template> tmpl;
    std::string head;  // {"id":..,"items":[
    std::vector<std::pair<const domain::Item*, std::string>>
        items;  // each item's JSON without its closing brace
  };
  std::mutex section_mu_;
  std::map<std::pair<int64_t, std::string>, std::shared_ptr<const RenderedSection>> sections_;

  service::Workbench& wb_;
  store::Store& store_;
  service::Identity& identity_;
  http::Metrics& metrics_;
  ApiOptions options_;
  http::Router router_;
};

// Small shared helpers for the handlers.
Result<int64_t> id_param(const http::Request& r, const std::string& name);
http::Response created(const json::value& v);

}  // namespace tom::api
