#include "http/router.hpp"

#include <algorithm>
#include <string_view>

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

namespace {
bool is_param(const std::string& pattern_segment) {
  return pattern_segment.size() > 2 && pattern_segment.front() == '{' && pattern_segment.back() == '}';
}

// Whether the path's segments fit the route's pattern: literal segments equal, {name} segments not empty.
bool fits(const Route& r, const std::vector<std::string_view>& segs) {
  if (r.segments.size() != segs.size()) return false;
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& pat = r.segments[i];
    if (is_param(pat) ? segs[i].empty() : pat != segs[i]) return false;
  }
  return true;
}
}  // namespace

const Route* Router::match(const std::string& method, const std::string& path,
                           std::map<std::string, std::string>* params,
                           std::vector<std::string>* allowed) const {
  // Paths arrive decoded segment by segment; split on '/' here matches how they were built. Every request is
  // matched against every route: views into the path, and params built only for the route that is taken.
  std::vector<std::string_view> segs;
  for (size_t pos = 1; pos <= path.size();) {
    size_t slash = path.find('/', pos);
    segs.emplace_back(
        std::string_view(path).substr(pos, slash == std::string::npos ? std::string::npos : slash - pos));
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  const Route* found = nullptr;
  for (const auto& r : routes_) {
    if (!fits(r, segs)) continue;
    if (allowed && std::find(allowed->begin(), allowed->end(), r.method) == allowed->end())
      allowed->push_back(r.method);
    if (r.method == method && !found) {
      found = &r;
      if (params) {
        params->clear();
        for (size_t i = 0; i < segs.size(); ++i)
          if (is_param(r.segments[i])) (*params)[r.segments[i].substr(1, r.segments[i].size() - 2)] = segs[i];
      }
      if (!allowed) break;
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
