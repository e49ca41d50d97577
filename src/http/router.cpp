#include "http/router.hpp"

#include <algorithm>

namespace tom::http {

namespace {
std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 1;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    out.push_back(path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos));
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return out;
}
}  // namespace

void Router::add(Route r) {
  r.segments = split_path(r.pattern);
  routes_.push_back(std::move(r));
}

const Route* Router::match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>* params,
                           std::vector<std::string>* allowed) const {
  // Paths arrive decoded segment by segment; split on '/' here matches how they were built.
  std::vector<std::string> segs = split_path(path);
  const Route* found = nullptr;
  for (const auto& r : routes_) {
    if (r.segments.size() != segs.size()) continue;
    std::map<std::string, std::string> p;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      const std::string& pat = r.segments[i];
      if (pat.size() > 2 && pat.front() == '{' && pat.back() == '}') {
        if (segs[i].empty())
          ok = false;
        else
          p[pat.substr(1, pat.size() - 2)] = segs[i];
      } else if (pat != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    if (allowed && std::find(allowed->begin(), allowed->end(), r.method) == allowed->end())
      allowed->push_back(r.method);
    if (r.method == method && !found) {
      found = &r;
      if (params) *params = std::move(p);
    }
  }
  return found;
}

Response Router::dispatch(Request& req) const {
  std::vector<std::string> allowed;
  const Route* r = match(req.method, req.path, &req.params, &allowed);
  if (!r) {
    if (!allowed.empty()) {
      std::string list;
      for (const auto& m : allowed) list += (list.empty() ? "" : ", ") + m;
      return Response::error(405, "method_not_allowed", req.method + " is not allowed here; use " + list)
          .with("Allow", list);
    }
    return Response::error(404, "not_found", "there is nothing at " + req.path);
  }
  return r->handler(req);
}

}  // namespace tom::http
