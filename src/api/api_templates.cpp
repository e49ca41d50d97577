// The template library.
#include "api/api.hpp"
#include "app/library.hpp"
#include "io/template_file.hpp"
#include "io/template_json.hpp"

namespace tom::api {

using http::Request;
using http::Response;

void Api::template_routes() {
  route("GET", "/api/v1/templates", "Template summaries, a page at a time", [this](Call& call) {
    auto q = list_query(call.req);
    if (!q) return Response::error(q.error());
    auto list = app::list_templates(wb_, *q);
    if (!list) return Response::error(list.error());
    json::array out;
    for (const auto& t : list->items)
      out.push_back(json::object{{"id", t.id},
                                 {"version", t.version},
                                 {"name", t.name},
                                 {"family", t.family},
                                 {"sections", t.sections},
                                 {"items", t.items},
                                 {"created_at", t.created_at}});
    return Response::json(200, list_page_json(std::move(out), list->total, q->limit, list->next_cursor));
  });
  route("GET", "/api/v1/templates/{id}",
        "A template's newest version: sections with items, vocabularies, rules", [this](Call& call) {
          auto t = wb_.load_template(call.req.params["id"], "");
          if (!t) return Response::error(t.error());
          return Response::json(200, io::template_to_json(*t->tmpl));
        });
  route("GET", "/api/v1/templates/{id}/versions/{version}", "One version of a template", [this](Call& call) {
    auto t = wb_.load_template(call.req.params["id"], call.req.params["version"]);
    if (!t) return Response::error(t.error());
    return Response::json(200, io::template_to_json(*t->tmpl));
  });
  route(
      "POST", "/api/v1/templates", "Add a template from its YAML file (administrators)",
      [this](Call& call) {
        std::string type = call.req.header("content-type");
        if (type.find("yaml") == std::string::npos)
          return Response::error(
              Error::unsupported("send the template file as YAML (Content-Type: application/yaml)"));
        auto t = app::add_template_yaml(wb_, call.caller(), call.req.body, "upload.yaml");
        if (!t) return Response::error(t.error());
        return created(json::object{{"id", t->id}, {"version", t->version}, {"items", t->item_count()}});
      },
      "yaml", io::kMaxTemplateFileBytes);
}

}  // namespace tom::api
