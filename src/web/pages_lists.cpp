// The home page and what the lists share: rows from the kept summaries, and the NHS.UK pagination.
#include "web/pages.hpp"

namespace tom::web {

namespace {

// 30000 -> "30,000".
std::string grouped(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (n < 0 ? "-" : "") + out;
}

// The request's query with `changes` applied (an empty value removes the parameter).
std::string href_with(const Request& r, const std::string& path,
                      const std::vector<std::pair<std::string, std::string>>& changes) {
  std::map<std::string, std::string> q = r.query;
  for (const auto& [k, v] : changes) {
    if (v.empty())
      q.erase(k);
    else
      q[k] = v;
  }
  std::string out = path;
  char sep = '?';
  for (const auto& [k, v] : q) {
    if (v.empty()) continue;
    out += sep + http::percent_encode_component(k) + "=" + http::percent_encode_component(v);
    sep = '&';
  }
  return out;
}

int64_t from_of(const Request& r) {
  auto it = r.query.find("from");
  if (it == r.query.end() || it->second.empty() || it->second.size() > 9 ||
      it->second.find_first_not_of("0123456789") != std::string::npos)
    return 1;
  return std::max<int64_t>(1, std::stoll(it->second));
}

}  // namespace

std::string Pages::pagination(const Request& r, const std::string& path, const std::string& prev_cursor,
                              const std::string& next_cursor, int64_t shown, int64_t total, int64_t limit,
                              const std::string& nothing) {
  Data p = object();
  int64_t from = prev_cursor.empty() ? 1 : from_of(r);
  p.set("summary", shown == 0 ? nothing
                              : "Showing " + grouped(from) + " to " + grouped(from + shown - 1) +
                                    (total >= 0 ? " of " + grouped(total) : ""));
  p.set("has_prev", !prev_cursor.empty());
  p.set("has_next", !next_cursor.empty());
  p.set("has_links", !prev_cursor.empty() || !next_cursor.empty());
  if (!prev_cursor.empty())
    p.set("prev_href", href_with(r, path,
                                 {{"cursor", prev_cursor},
                                  {"dir", "back"},
                                  {"from", std::to_string(std::max<int64_t>(1, from - limit))}}));
  if (!next_cursor.empty())
    p.set("next_href",
          href_with(r, path, {{"cursor", next_cursor}, {"dir", ""}, {"from", std::to_string(from + shown)}}));
  return render("pagination", p);
}

std::string Pages::pagination(const Request& r, const std::string& path, const SummaryPage& page,
                              int64_t limit) {
  return pagination(r, path, page.prev_cursor, page.next_cursor, static_cast<int64_t>(page.rows.size()),
                    page.total, limit, "No assessments match.");
}

domain::ListQuery Pages::list_request(const Request& r, int64_t limit) {
  domain::ListQuery q;
  if (auto it = r.query.find("cursor"); it != r.query.end()) q.cursor = it->second.substr(0, 400);
  if (auto it = r.query.find("q"); it != r.query.end()) q.text = it->second.substr(0, 400);
  q.backward = r.query.count("dir") && r.query.at("dir") == "back";
  q.limit = limit;
  // ?limit= as the API takes it (1-200); anything else leaves the page's own size.
  if (auto it = r.query.find("limit"); it != r.query.end() && !it->second.empty() && it->second.size() <= 3 &&
                                       it->second.find_first_not_of("0123456789") == std::string::npos) {
    int64_t n = std::stoll(it->second);
    if (n >= 1 && n <= 200) q.limit = n;
  }
  return q;
}

Data Pages::summary_row(const SummaryRow& row, const Session& s) {
  const Assessment& a = row.assessment;
  const AssessmentSummary& sum = row.summary;
  Data d = object();
  d.set("id", std::to_string(a.id));
  d.set("product", a.product + (a.product_version.empty() ? "" : " " + a.product_version));
  d.set("title", opt(a.title));
  d.set("template", sum.template_name);
  d.set("organisation", sum.end_user);
  d.set("answered", std::to_string(sum.answered));
  d.set("required", std::to_string(sum.required));
  d.set("has_required", sum.required > 0);
  d.set("percent", std::to_string(row.percent));
  d.set("open", std::to_string(sum.open_findings + row.lapsed));
  d.set("rag", row.rag);
  d.set("why", row.why);
  d.set("tag", row.rag == "Red"     ? "nhsuk-tag--red"
               : row.rag == "Amber" ? "nhsuk-tag--yellow"
                                    : "nhsuk-tag--green");
  d.set("progress", sum.required == 0 ? std::string("Nothing to answer")
                                      : grouped(sum.answered) + " of " + grouped(sum.required) + " answered");
  Data phases = list();
  for (const auto& [phase, state] : sum.phases) {
    Data p = object();
    p.set("phase", phase);
    p.set("state", state);
    p.set("tag_class", tag_class(state));
    phases.push_back(p);
  }
  d.set("phases", phases);
  // The template from the workbench's cache (immutable by id@version): party names and who waits.
  auto t = wb_.load_template(a.template_id, a.template_version);
  d.set("custodian", t ? party_name(*t->tmpl, a.custodian) : a.custodian);
  if (t) {
    std::map<int64_t, std::string> names;
    for (const auto& p : sum.players) names[p.organisation_id] = p.name;
    d.set("next", steps_data(*t->tmpl, a, sum.approved, sum.steps, sum.first_missing_section, names, s));
  }
  return d;
}

Response Pages::home(Request& r, Session& s) {
  const Caller& c = s.auth.caller;
  auto parsed = api::summary_query(r);
  if (!parsed) return failure_page(parsed.error(), s);
  SummaryQuery query = *parsed;
  query.backward = r.query.count("dir") && r.query.at("dir") == "back";
  // A search, a chosen group or a later page lists one paged list; otherwise each group shows its first rows.
  bool listing = !query.group.empty() || !query.text.empty() || !query.cursor.empty();
  Data d = base("Your assessments", &s);
  d.set("organisation", c.organisation.name);
  d.set("q", r.query.count("q") ? r.query.at("q") : "");
  d.set("listing", listing);
  struct Group {
    const char* id;
    const char* heading;
    const char* empty;
  };
  const Group groups_of[] = {
      {"mine", "Waiting for your organisation", "Nothing is waiting for your organisation."},
      {"others", "Waiting for others", "None."},
      {"approved", "Approved in every phase", "None yet."}};
  Data groups = list();
  auto add_group = [&](const std::string& id, const std::string& heading, const std::string& empty,
                       const SummaryPage& page, bool paged) {
    Data rows = list();
    for (const auto& row : page.rows) rows.push_back(summary_row(row, s));
    Data g = object();
    g.set("group_id", id == "mine"     ? std::string("waiting-for-you")
                      : id == "others" ? std::string("waiting-for-others")
                      : id.empty()     ? std::string("results")
                                       : id);
    g.set("heading", heading + (page.total > 0 ? " (" + grouped(page.total) + ")" : ""));
    g.set("rows", rows);
    g.set("has_rows", rows.is_non_empty_list());
    g.set("empty", opt(rows.is_non_empty_list() ? "" : empty));
    bool more = !paged && page.total > static_cast<int64_t>(page.rows.size());
    g.set("more", more);
    if (more) {
      g.set("more_href", "/?group=" + id);
      g.set("more_text", "See all " + grouped(page.total));
    }
    g.set("paged", paged);
    if (paged) g.set("pagination_html", pagination(r, "/", page, query.limit));
    groups.push_back(g);
  };
  if (listing) {
    auto page = app::list_assessments(wb_, c, query);
    if (!page) return failure_page(page.error(), s);
    std::string heading = "Assessments";
    std::string empty = "No assessments match.";
    for (const auto& g : groups_of)
      if (query.group == g.id) heading = g.heading, empty = g.empty;
    if (!query.text.empty()) heading += " matching \u2018" + query.text + "\u2019";
    add_group(query.group, heading, empty, *page, true);
    d.set("breadcrumbs", crumbs({{"/", "Your assessments"}}));
  } else {
    for (const auto& g : groups_of) {
      SummaryQuery gq = query;
      gq.group = g.id;
      gq.limit = 10;
      auto page = app::list_assessments(wb_, c, gq);
      if (!page) return failure_page(page.error(), s);
      add_group(g.id, g.heading, g.empty, *page, false);
    }
  }
  d.set("groups", groups);
  return html(200, render_page("home", d));
}

}  // namespace tom::web
