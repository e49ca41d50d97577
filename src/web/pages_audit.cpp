// The central audit: every TOM with its RAG status, as a page and as a CSV download.
#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>

#include "core/csv.hpp"
#include "web/pages.hpp"

namespace tom::web {

namespace {

std::string csv_cell(const std::string& s) {
  return csv_field(s);
}

}  // namespace

Response Pages::audit_dashboard(Request& r, Session& s) {
  auto parsed = api::summary_query(r);
  if (!parsed) return failure_page(parsed.error(), s);
  SummaryQuery query = *parsed;
  query.backward = r.query.count("dir") && r.query.at("dir") == "back";
  auto board = app::audit_dashboard(wb_, s.auth.caller, query);
  if (!board) return failure_page(board.error(), s);
  Data d = base("Central audit", &s);
  d.set("breadcrumbs", crumbs({{"/", "Your assessments"}}));
  Data table = list();
  for (const auto& x : board->page.rows) table.push_back(summary_row(x, s));
  d.set("rows", table);
  d.set("has_rows", table.is_non_empty_list());
  d.set("pagination_html", pagination(r, "/audit", board->page, query.limit));
  const SummaryCounts& counts = board->counts;
  Data chart = list();
  int64_t total = std::max<int64_t>(1, counts.total());
  for (auto [label, count] :
       {std::pair{"Red", counts.red}, {"Amber", counts.amber}, {"Green", counts.green}}) {
    Data c = object();
    c.set("label", label);
    c.set("count", std::to_string(count));
    c.set("width", std::to_string(count * 80 / total));
    std::string cls = label;
    for (auto& ch : cls) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.set("class", cls);
    chart.push_back(c);
  }
  d.set("chart", chart);
  d.set("total", std::to_string(counts.total()));
  d.set("escalations", std::to_string(counts.escalations));
  d.set("awaiting", std::to_string(counts.awaiting_acceptance));
  d.set("lapsed", std::to_string(counts.lapsed));
  Data templates = list();
  if (auto list_t = app::list_templates(wb_)) {
    std::set<std::string> seen;
    for (const auto& t : *list_t) {
      if (!seen.insert(t.id).second) continue;
      Data x = object();
      x.set("id", t.id);
      x.set("name", t.name);
      x.set("selected", query.template_id == t.id);
      templates.push_back(x);
    }
  }
  d.set("template_options", templates);
  Data rags = list();
  for (const char* v : {"Red", "Amber", "Green"}) {
    Data x = object();
    x.set("value", opt(v));
    x.set("selected", query.rag == v);
    rags.push_back(x);
  }
  d.set("rag_options", rags);
  Data states = list();
  for (const char* v : {"submitted", "approved", "rejected", "open"}) {
    Data x = object();
    x.set("value", opt(v));
    x.set("selected", query.phase_state == v);
    states.push_back(x);
  }
  d.set("state_options", states);
  d.set("q", query.text);
  d.set("escalations_checked", query.open_escalations);
  d.set("expiring", query.expiring_within_days >= 0 ? std::to_string(query.expiring_within_days) : "");
  // The download takes the same filters, without the page.
  std::string csv = "/audit.csv";
  char sep = '?';
  for (const auto& [k, v] : r.query) {
    if (k == "cursor" || k == "dir" || k == "from" || k == "limit" || v.empty()) continue;
    csv += sep + http::percent_encode_component(k) + "=" + http::percent_encode_component(v);
    sep = '&';
  }
  d.set("csv_href", csv);
  return html(200, render_page("audit", d));
}

Response Pages::audit_csv(Request& r, Session& s) {
  auto parsed = api::summary_query(r);
  if (!parsed) return failure_page(parsed.error(), s);
  auto reader = app::audit_rows(wb_, s.auth.caller, *parsed);
  if (!reader) return failure_page(reader.error(), s);
  // Streamed a page of rows at a time: any number of TOMs, in memory bounded by one page.
  auto rows = std::make_shared<app::AssessmentReader>(std::move(reader).value());
  auto header = std::make_shared<bool>(true);
  Response res = Response::text(200, "", "text/csv; charset=utf-8")
                     .with("Content-Disposition", "attachment; filename=\"tom-audit.csv\"");
  res.stream = [rows, header](std::string& out) {
    if (*header) {
      *header = false;
      out +=
          "assessment,product,template,deploying_organisation,percent_complete,open_findings,status,why\r\n";
    }
    auto page = rows->next();
    if (!page) throw std::runtime_error("the audit rows could not be read: " + page.error().message);
    for (const auto& x : *page)
      out += std::to_string(x.assessment.id) + "," + csv_cell(x.assessment.product) + "," +
             csv_cell(x.summary.template_name) + "," + csv_cell(x.summary.end_user) + "," +
             std::to_string(x.percent) + "," + std::to_string(x.summary.open_findings + x.lapsed) + "," +
             x.rag + "," + csv_cell(x.why) + "\r\n";
    return !page->empty();
  };
  return res;
}

}  // namespace tom::web
