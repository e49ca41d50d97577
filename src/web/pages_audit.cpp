// The central audit: every TOM with its RAG status, as a page and as a CSV download.
#include <algorithm>

#include "core/csv.hpp"
#include "web/pages.hpp"

namespace tom::web {

namespace {

std::string csv_cell(const std::string& s) {
  return csv_field(s);
}

}  // namespace

namespace {

app::AuditQuery audit_query(const Request& r) {
  return {r.query.count("template") ? r.query.at("template") : "",
          r.query.count("rag") ? r.query.at("rag") : ""};
}

}  // namespace

Response Pages::audit_dashboard(Request& r, Session& s) {
  auto rows = app::audit_dashboard(wb_, s.auth.caller, audit_query(r));
  if (!rows) return failure_page(rows.error(), s);
  Data d = base("Central audit", &s);
  d.set("breadcrumbs", crumbs({{"/", "Your assessments"}}));
  Data table = list();
  std::map<std::string, int> counts{{"Red", 0}, {"Amber", 0}, {"Green", 0}};
  for (const auto& x : *rows) {
    ++counts[x.rag];
    Data row = object();
    row.set("id", std::to_string(x.id));
    row.set("product", x.product);
    row.set("template", x.template_name);
    row.set("organisation", x.organisation);
    row.set("percent", std::to_string(x.percent));
    row.set("open", std::to_string(x.open));
    row.set("rag", x.rag);
    row.set("why", x.why);
    row.set("tag", x.rag == "Red"     ? "nhsuk-tag--red"
                   : x.rag == "Amber" ? "nhsuk-tag--yellow"
                                      : "nhsuk-tag--green");
    table.push_back(row);
  }
  d.set("rows", table);
  Data chart = list();
  int total = std::max<int>(1, static_cast<int>(rows->size()));
  for (const char* label : {"Red", "Amber", "Green"}) {
    Data c = object();
    c.set("label", label);
    c.set("count", std::to_string(counts[label]));
    c.set("width", std::to_string(counts[label] * 80 / total));
    std::string cls = label;
    for (auto& ch : cls) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.set("class", cls);
    chart.push_back(c);
  }
  d.set("chart", chart);
  Data templates = list();
  if (auto list_t = app::list_templates(wb_))
    for (const auto& t : *list_t) {
      Data x = object();
      x.set("id", t.id);
      x.set("name", t.name + " " + t.version);
      x.set("selected", r.query["template"] == t.id);
      templates.push_back(x);
    }
  d.set("template_options", templates);
  Data rags = list();
  for (const char* v : {"Red", "Amber", "Green"}) {
    Data x = object();
    x.set("value", opt(v));
    x.set("selected", r.query["rag"] == v);
    rags.push_back(x);
  }
  d.set("rag_options", rags);
  std::string query = "?template=" + http::percent_encode_component(r.query["template"]) +
                      "&rag=" + http::percent_encode_component(r.query["rag"]);
  d.set("query", query);
  return html(200, render_page("audit", d));
}

Response Pages::audit_csv(Request& r, Session& s) {
  auto rows = app::audit_dashboard(wb_, s.auth.caller, audit_query(r));
  if (!rows) return failure_page(rows.error(), s);
  std::string out =
      "assessment,product,template,deploying_organisation,percent_complete,open_findings,status,why\r\n";
  for (const auto& x : *rows)
    out += std::to_string(x.id) + "," + csv_cell(x.product) + "," + csv_cell(x.template_name) + "," +
           csv_cell(x.organisation) + "," + std::to_string(x.percent) + "," + std::to_string(x.open) + "," +
           x.rag + "," + csv_cell(x.why) + "\r\n";
  return Response::text(200, out, "text/csv; charset=utf-8")
      .with("Content-Disposition", "attachment; filename=\"tom-audit.csv\"");
}

}  // namespace tom::web
