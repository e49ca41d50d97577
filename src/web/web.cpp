#include "web/web.hpp"

#include "web/pages.hpp"

#include <sodium.h>

#include <algorithm>

#include "core/clock.hpp"
#include "domain/workflow.hpp"
#include "service/views.hpp"
#include "service/workflow.hpp"
#include "web/assets.hpp"
#include "web/render.hpp"

namespace tom::web {



Form parse_form(const std::string& body) {
  Form out;
  size_t p = 0;
  while (p <= body.size()) {
    size_t amp = body.find('&', p);
    std::string pair = body.substr(p, amp == std::string::npos ? std::string::npos : amp - p);
    if (!pair.empty()) {
      auto eq = pair.find('=');
      bool ok1, ok2 = true;
      std::string k = http::percent_decode_component(pair.substr(0, eq), &ok1);
      std::string v = eq == std::string::npos ? "" : http::percent_decode_component(pair.substr(eq + 1), &ok2);
      if (ok1 && ok2) out.emplace(k, v);
    }
    if (amp == std::string::npos) break;
    p = amp + 1;
  }
  return out;
}

std::string field(const Form& f, const std::string& k) {
  auto it = f.find(k);
  return it == f.end() ? "" : it->second;
}

Response html(int status, std::string body) { return Response::text(status, std::move(body), "text/html; charset=utf-8"); }

Response redirect(const std::string& to) { return Response::empty(303).with("Location", to); }

// Only local paths are followed after sign-in.
std::string safe_next(const std::string& next) {
  if (next.empty() || next[0] != '/' || next.rfind("//", 0) == 0 || next.find('\\') != std::string::npos) return "/";
  return next;
}

const char* tag_class(const std::string& state) {
  if (state == "approved") return "nhsuk-tag--green";
  if (state == "rejected") return "nhsuk-tag--red";
  if (state == "submitted") return "nhsuk-tag--blue";
  return "nhsuk-tag--grey";
}


void add_pages(api::Api& api) {
  static std::vector<std::unique_ptr<Pages>> keep;  // the routes refer to it for the process's life
  keep.push_back(std::make_unique<Pages>(api));
  keep.back()->install();
}

}  // namespace tom::web
