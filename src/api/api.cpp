#include "api/api.hpp"

#include "app/views.hpp"
#include "core/text.hpp"

namespace tom::api {

using http::Request;
using http::Response;

Result<Body> Body::parse(const Request& r, std::initializer_list<const char*> allowed) {
  std::string type = r.header("content-type");
  if (type.find("application/json") == std::string::npos)
    return Error::unsupported("send the body as JSON (Content-Type: application/json)");
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 16;
  // Invalid UTF-8 is let through the parser so the refusal below can name the field that carries it.
  opts.allow_invalid_utf8 = true;
  json::value v = json::parse(r.body, ec, {}, opts);
  if (ec) return Error::invalid("the body is not valid JSON: " + ec.message());
  if (!v.is_object()) return Error::invalid("the body must be a JSON object");
  Body b;
  b.obj_ = std::move(v.as_object());
  b.check_text(b.obj_, "");
  if (!b.problems_.empty()) return Error::invalid("the request body is not valid text", b.problems_);
  for (const auto& kv : b.obj_) {
    bool ok = false;
    for (const char* a : allowed) ok = ok || kv.key() == a;
    if (!ok) b.bad(std::string(kv.key()), "unknown field");
  }
  return b;
}

// Every key and string, at any depth, must be valid UTF-8 without NUL bytes (\u0000 included).
void Body::check_text(const json::value& v, const std::string& path) {
  if (v.is_string()) {
    if (auto why = text_problem(v.as_string()); !why.empty()) bad(path, why);
  } else if (v.is_array()) {
    const auto& a = v.as_array();
    for (size_t i = 0; i < a.size(); ++i) check_text(a[i], path + "[" + std::to_string(i) + "]");
  } else if (v.is_object()) {
    for (const auto& kv : v.as_object()) {
      std::string key(kv.key());
      if (auto why = text_problem(key); !why.empty()) {
        bad(path.empty() ? "(a field name)" : path, "has a field name that " + why);
        continue;
      }
      check_text(kv.value(), path.empty() ? key : path + "." + key);
    }
  }
}

void Body::bad(const std::string& field, const std::string& message) {
  Problem p;
  p.where.field = field;
  p.message = message;
  problems_.push_back(std::move(p));
}

std::string Body::str(const char* key, bool required) {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) {
    if (required) bad(key, "is required");
    return "";
  }
  if (!it->value().is_string()) {
    bad(key, "must be a string");
    return "";
  }
  if (utf8_length(it->value().as_string()) > 100000) {
    bad(key, "is longer than 100,000 characters");
    return "";
  }
  return std::string(it->value().as_string());
}

std::optional<int64_t> Body::integer(const char* key, bool required) {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) {
    if (required) bad(key, "is required");
    return std::nullopt;
  }
  // Ids and counts: whole numbers from 0 to 2^53 (what every JSON reader holds exactly).
  constexpr int64_t kMax = int64_t{1} << 53;
  if (it->value().is_int64() && it->value().as_int64() >= 0 && it->value().as_int64() <= kMax)
    return it->value().as_int64();
  if (it->value().is_uint64() && it->value().as_uint64() <= static_cast<uint64_t>(kMax))
    return static_cast<int64_t>(it->value().as_uint64());
  bad(key, "must be a whole number from 0 to 9007199254740992");
  return std::nullopt;
}

std::vector<std::string> Body::strs(const char* key) {
  std::vector<std::string> out;
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) return out;
  if (!it->value().is_array()) {
    bad(key, "must be a list of strings");
    return out;
  }
  for (const auto& e : it->value().as_array()) {
    if (!e.is_string()) {
      bad(key, "must be a list of strings");
      return {};
    }
    out.emplace_back(e.as_string());
  }
  return out;
}

const json::object* Body::object(const char* key) {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->value().is_null()) return nullptr;
  if (!it->value().is_object()) {
    bad(key, "must be an object");
    return nullptr;
  }
  return &it->value().as_object();
}

Status Body::done() {
  if (problems_.empty()) return ok_status();
  return Error::invalid("the request body is not valid", problems_);
}

Result<int64_t> id_param(const Request& r, const std::string& name) {
  auto it = r.params.find(name);
  std::string s = it == r.params.end() ? "" : it->second;
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return Error::not_found("there is no " + name + " '" + s + "'");
  return static_cast<int64_t>(std::stoll(s));
}

Response created(const json::value& v) {
  return Response::json(201, v);
}

Api::Api(app::Workbench& workbench, app::Identity& identity, http::Metrics& metrics, ApiOptions options)
    : wb_(workbench), identity_(identity), metrics_(metrics), options_(options) {
  public_route("GET", "/health", "Liveness: the process answers and its database responds", [this](Request&) {
    auto kind = app::health(wb_);
    if (!kind) return Response::error(kind.error());
    return Response::json(200, json::object{{"status", "ok"}, {"database", *kind}});
  });
  public_route("GET", "/metrics", "Counters and latencies in the Prometheus text format", [this](Request&) {
    // The transport's figures, then every cache's size against its limit (core/lru.hpp).
    std::string out = metrics_.render();
    out +=
        "# HELP tom_cache_bytes Bytes held by each cache (as its entries estimate them).\n"
        "# TYPE tom_cache_bytes gauge\n";
    auto stats = cache_stats();
    for (const auto& c : stats)
      out += "tom_cache_bytes{cache=\"" + c.name + "\"} " + std::to_string(c.bytes) + "\n";
    out += "# HELP tom_cache_limit_bytes The most each cache may hold.\n# TYPE tom_cache_limit_bytes gauge\n";
    for (const auto& c : stats)
      out += "tom_cache_limit_bytes{cache=\"" + c.name + "\"} " + std::to_string(c.limit) + "\n";
    out += "# HELP tom_cache_entries Entries in each cache.\n# TYPE tom_cache_entries gauge\n";
    for (const auto& c : stats)
      out += "tom_cache_entries{cache=\"" + c.name + "\"} " + std::to_string(c.entries) + "\n";
    out +=
        "# HELP tom_cache_evictions_total Entries each cache let go to stay within its limit.\n"
        "# TYPE tom_cache_evictions_total counter\n";
    for (const auto& c : stats)
      out += "tom_cache_evictions_total{cache=\"" + c.name + "\"} " + std::to_string(c.evictions) + "\n";
    return Response::text(200, out, "text/plain; version=0.0.4");
  });
  public_route("GET", "/api/v1/openapi.json", "This API described in OpenAPI 3.1",
               [this](Request&) { return Response::json(200, openapi()); });
  identity_routes();
  template_routes();
  assessment_routes();
  workflow_routes();
}

void Api::public_route(const std::string& method, const std::string& pattern, const std::string& summary,
                       http::Handler handler, const std::string& body) {
  http::Route r;
  r.method = method;
  r.pattern = pattern;
  r.summary = summary;
  r.public_route = true;
  r.request_body = body;
  r.handler = std::move(handler);
  router_.add(std::move(r));
}

void Api::route(const std::string& method, const std::string& pattern, const std::string& summary,
                Authed handler, const std::string& body, size_t limit) {
  http::Route r;
  r.method = method;
  r.pattern = pattern;
  r.summary = summary;
  r.body_limit = limit;
  r.request_body = body;
  bool unsafe = method != "GET" && method != "HEAD";
  auto refusal = [](const Error& e) {
    Response res = Response::error(e);
    if (e.code == ErrorCode::kUnauthorized) res.with("WWW-Authenticate", "Bearer realm=\"tom\"");
    return res;
  };
  r.admit = [this, unsafe, refusal](Request& req) -> std::optional<Response> {
    auto auth = caller_of(req, unsafe);
    if (!auth) return refusal(auth.error());
    req.admitted = std::move(auth).value();
    return std::nullopt;
  };
  r.handler = [this, handler = std::move(handler), unsafe, refusal](Request& req) -> Response {
    auto auth = caller_of(req, unsafe);
    if (!auth) return refusal(auth.error());
    Call call{req, std::move(auth).value()};
    return handler(call);
  };
  router_.add(std::move(r));
}

Result<app::Authenticated> Api::caller_of(Request& req, bool unsafe) {
  if (auto* admitted = std::any_cast<app::Authenticated>(&req.admitted)) return *admitted;
  std::string bearer;
  std::string authz = req.header("authorization");
  if (authz.rfind("Bearer ", 0) == 0) bearer = authz.substr(7);
  TOM_ASSIGN(auto auth, identity_.authenticate(req.cookie("tom_session"), bearer));
  // Cookies ride along with cross-site requests; a change needs the session's CSRF token too.
  if (unsafe && !app::Identity::csrf_matches(auth, req.header("x-csrf-token")))
    return Error::forbidden("the request lacks the session's CSRF token (X-CSRF-Token)");
  return auth;
}

Response Api::finish(Response res) {
  bool has_cache_control = false;
  for (const auto& [k, v] : res.headers) has_cache_control |= k == "Cache-Control";
  if (!has_cache_control) res.with("Cache-Control", "no-store");
  return res;
}

Response Api::handle(Request& req) {
  if (req.method == "HEAD") req.method = "GET";
  return finish(router_.dispatch(req));
}

http::Admission Api::admit(Request& req) {
  std::string method = req.method == "HEAD" ? "GET" : req.method;
  std::map<std::string, std::string> params;
  const http::Route* r = router_.match(method, req.path, &params, nullptr);
  if (!r) return {0, handle(req)};  // 404 or 405, known from the request line
  if (!r->admit) return {std::min(r->body_limit, kAnonymousBodyLimit), std::nullopt};
  std::optional<Response> refusal = r->admit(req);
  if (refusal) return {0, finish(std::move(*refusal))};
  return {r->body_limit, std::nullopt};
}

Result<Loaded> Api::readable(Call& call, const std::string& param) {
  auto id = id_param(call.req, param);
  if (!id) return std::move(id).error();
  return app::open_assessment(wb_, call.caller(), *id);
}

std::string Api::session_cookie(const std::string& token) const {
  return "tom_session=" + token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200" +
         (options_.secure_cookies ? "; Secure" : "");
}

std::string Api::cleared_session_cookie() {
  return "tom_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
}

Result<std::shared_ptr<const app::CheckReport>> Api::check_of(const Loaded& l,
                                                              const domain::CompletenessFilter& f) {
  if (f.phase.empty() && f.party.empty()) return wb_.check_cached(l.assessment.id, l.revision);
  TOM_ASSIGN(app::CheckReport r, wb_.check(l.assessment.id, f));
  return std::make_shared<const app::CheckReport>(std::move(r));
}

}  // namespace tom::api
