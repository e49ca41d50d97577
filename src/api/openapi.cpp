// The OpenAPI 3.1 document, built from the route table itself: a route cannot be served undocumented, nor
// documented and not served.
#include <algorithm>
#include <cctype>

#include "api/api.hpp"

namespace tom::api {

json::object Api::openapi() const {
  json::object paths;
  for (const auto& r : router_.routes()) {
    if (!r.api) continue;
    json::object op;
    op["summary"] = r.summary;
    std::string op_id = r.method;
    for (char c : r.pattern) op_id += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    op["operationId"] = op_id;
    json::array params;
    for (const auto& seg : r.segments)
      if (seg.size() > 2 && seg.front() == '{')
        params.push_back(json::object{{"name", seg.substr(1, seg.size() - 2)},
                                      {"in", "path"},
                                      {"required", true},
                                      {"schema", json::object{{"type", "string"}}}});
    if (!params.empty()) op["parameters"] = std::move(params);
    if (r.request_body == "json")
      op["requestBody"] = json::object{
          {"required", true},
          {"content",
           json::object{{"application/json", json::object{{"schema", json::object{{"type", "object"}}}}}}}};
    else if (r.request_body == "yaml")
      op["requestBody"] = json::object{
          {"required", true},
          {"content",
           json::object{{"application/yaml", json::object{{"schema", json::object{{"type", "string"}}}}}}}};
    json::object responses{{"200", json::object{{"description", "Success"}}},
                           {"400", json::object{{"$ref", "#/components/responses/Error"}}},
                           {"404", json::object{{"$ref", "#/components/responses/Error"}}}};
    if (!r.public_route) {
      responses["401"] = json::object{{"$ref", "#/components/responses/Error"}};
      responses["403"] = json::object{{"$ref", "#/components/responses/Error"}};
      op["security"] =
          json::array{json::object{{"session", json::array{}}}, json::object{{"bearer", json::array{}}}};
    } else {
      op["security"] = json::array{};
    }
    if (r.method != "GET") responses["409"] = json::object{{"$ref", "#/components/responses/Error"}};
    op["responses"] = std::move(responses);
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (!paths.contains(r.pattern)) paths[r.pattern] = json::object{};
    paths[r.pattern].as_object()[method] = std::move(op);
  }
  json::object error_schema{
      {"type", "object"},
      {"properties",
       json::object{{"error", json::object{{"type", "object"},
                                           {"properties",
                                            json::object{{"code", json::object{{"type", "string"}}},
                                                         {"message", json::object{{"type", "string"}}},
                                                         {"problems", json::object{{"type", "array"}}}}}}}}}};
  return {
      {"openapi", "3.1.0"},
      {"info", json::object{{"title", "TOM Workbench API"},
                            {"version", "1"},
                            {"description",
                             "Target Operating Model assessments: templates, answers, findings, approvals, "
                             "the custody chain and the go-live gate. See docs/api.md."}}},
      {"paths", std::move(paths)},
      {"components",
       json::object{
           {"securitySchemes",
            json::object{
                {"session", json::object{{"type", "apiKey"}, {"in", "cookie"}, {"name", "tom_session"}}},
                {"bearer", json::object{{"type", "http"}, {"scheme", "bearer"}}}}},
           {"schemas", json::object{{"Error", error_schema}}},
           {"responses",
            json::object{
                {"Error",
                 json::object{
                     {"description", "An error"},
                     {"content",
                      json::object{
                          {"application/json",
                           json::object{
                               {"schema", json::object{{"$ref", "#/components/schemas/Error"}}}}}}}}}}}}}};
}

}  // namespace tom::api
