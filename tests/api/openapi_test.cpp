// The OpenAPI document and the router agree: every route is documented, and every documented path and method
// reaches a handler (never the router's own 404 or 405).
#include <gtest/gtest.h>

#include "api/api.hpp"
#include "support/test_support.hpp"

namespace tom::api {
namespace {

TEST(OpenApi, EveryRouteDocumentedAndEveryDocumentedRouteServed) {
  std::string db = test::temp_path("openapi.db");
  auto opened = app::Workbench::open(db, app::Workbench::default_audit_key_file(db));
  ASSERT_TRUE(opened.ok());
  app::Workbench& wb = **opened;
  app::Identity identity(wb);
  http::Metrics metrics;
  Api api(wb, identity, metrics);
  json::object doc = api.openapi();
  EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");
  const json::object& paths = doc.at("paths").as_object();

  size_t documented = 0;
  for (const auto& r : api.router().routes()) {
    if (!r.api) continue;
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(paths.contains(r.pattern)) << r.pattern << " is served but not documented";
    EXPECT_TRUE(paths.at(r.pattern).as_object().contains(method)) << r.method << " " << r.pattern;
    EXPECT_FALSE(r.summary.empty()) << r.pattern;
  }
  for (const auto& [path, ops] : paths) {
    for (const auto& [method, op] : ops.as_object()) {
      ++documented;
      http::Request req;
      req.method = std::string(method);
      for (auto& c : req.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      std::string concrete;
      for (char c : std::string(path)) concrete += c;
      for (size_t at; (at = concrete.find('{')) != std::string::npos;)
        concrete.replace(at, concrete.find('}', at) - at + 1, "1");
      req.path = concrete;
      req.target = concrete;
      auto res = api.handle(req);
      EXPECT_NE(res.status, 405) << method << " " << path;
      EXPECT_EQ(res.body.find("there is nothing at"), std::string::npos)
          << method << " " << path << " is not served";
      bool is_public = op.as_object().at("security").as_array().empty();
      if (!is_public) {
        EXPECT_EQ(res.status, 401) << method << " " << path << " answers anonymous callers";
      }
    }
  }
  size_t api_routes = 0;
  for (const auto& r : api.router().routes()) api_routes += r.api;
  EXPECT_EQ(documented, api_routes);
  EXPECT_GE(documented, 30u);
}

TEST(OpenApi, UnknownPathsAndMethodsGet404And405) {
  std::string db = test::temp_path("openapi2.db");
  auto opened = app::Workbench::open(db, app::Workbench::default_audit_key_file(db));
  ASSERT_TRUE(opened.ok());
  app::Workbench& wb = **opened;
  app::Identity identity(wb);
  http::Metrics metrics;
  Api api(wb, identity, metrics);
  http::Request nothing{"GET", "/api/v1/nothing", "/api/v1/nothing", {}, {}, "", "", {}, {}};
  EXPECT_EQ(api.handle(nothing).status, 404);
  http::Request wrong{"DELETE", "/api/v1/templates", "/api/v1/templates", {}, {}, "", "", {}, {}};
  auto res = api.handle(wrong);
  EXPECT_EQ(res.status, 405);
  bool allow = false;
  for (const auto& [k, v] : res.headers) allow |= k == "Allow" && v.find("GET") != std::string::npos;
  EXPECT_TRUE(allow);
}

}  // namespace
}  // namespace tom::api
