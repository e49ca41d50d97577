// Pages for reusing an approved TOM for another deploying organisation, and comparing two TOMs' answers.
#include "app/workflow.hpp"
#include "domain/workflow.hpp"
#include "web/pages.hpp"

namespace tom::web {

Response Pages::derive_form(Request& r, Session& s, const std::string& error, int status) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  Data d = assessment_page("Reuse this TOM", *l, s);
  if (!error.empty()) {
    d.set("has_errors", true);
    d.set("errors", one_error("organisation", error));
  }
  // The organisations that may deploy it (domain::types_that_play), a page at a time and searchable: there
  // can be thousands, more than one list can usefully offer.
  constexpr int64_t kPerPage = 25;
  domain::ListQuery q = list_request(r, kPerPage);
  q.types = domain::types_that_play(domain::PartyRole::kEndUser);
  auto orgs = app::organisations(wb_, q);
  if (!orgs) return failure_page(orgs.error(), s);
  Data rows = list();
  for (const auto& o : orgs->items) {
    Data x = object();
    x.set("id", std::to_string(o.id));
    x.set("name", o.name);
    x.set("ods", opt(o.ods_code));
    rows.push_back(x);
  }
  d.set("q", q.text);
  d.set("has_organisations", rows.is_non_empty_list());
  d.set("pagination_html",
        pagination(r, "/assessments/" + std::to_string(l->assessment.id) + "/derive", orgs->prev_cursor,
                   orgs->next_cursor, static_cast<int64_t>(orgs->items.size()), orgs->total, q.limit,
                   q.text.empty() ? "There are no NHS organisations to deploy it yet."
                                  : "No NHS organisation's name or ODS code has those words."));
  d.set("organisations", rows);
  const Template& t = *l->tmpl.tmpl;
  std::string why = why_not_derive(s.auth.caller, t, l->assessment);
  d.set("allowed", why.empty());
  d.set("why", why.empty() ? "" : sentence(Error::forbidden(why)));
  return html(status, render_page("derive", d));
}

Response Pages::derive(Request& r, Session& s) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  Form f = parse_form(r.body);
  std::string org = field(f, "organisation");
  if (org.empty() || org.size() > 18 || org.find_first_not_of("0123456789") != std::string::npos)
    return derive_form(r, s, "Choose the deploying organisation", 400);
  auto created =
      app::derive(wb_, s.auth.caller, l->assessment, *l->tmpl.tmpl, std::stoll(org), field(f, "title"));
  if (!created) return derive_form(r, s, created.error().message, http_status(created.error().code));
  return redirect("/assessments/" + std::to_string(l->assessment.id) + "/diff/" +
                  std::to_string(created->assessment.id));
}

Response Pages::diff(Request& r, Session& s) {
  Response fail;
  auto a = load(r, s, &fail);
  if (!a) return fail;
  Request other = r;
  other.params["id"] = r.params["other"];
  auto b = load(other, s, &fail);
  if (!b) return fail;
  auto differences = app::diff(wb_, *a, *b);
  if (!differences) return failure_page(differences.error(), s);
  Data d = base("What differs", &s);
  d.set("breadcrumbs", crumbs({{"/", "Your assessments"}}));
  auto name = [](const Assessment& x) { return x.product + (x.title.empty() ? "" : " (" + x.title + ")"); };
  d.set("left", std::to_string(a->assessment.id));
  d.set("right", std::to_string(b->assessment.id));
  d.set("left_name", name(a->assessment));
  d.set("right_name", name(b->assessment));
  Data rows = list();
  const auto& diffs = *differences;
  for (const auto& x : diffs) {
    Data row = object();
    row.set("item", opt(x.item_id));
    row.set("left", x.left.empty() ? "not answered" : x.left);
    row.set("right", x.right.empty() ? "not answered" : x.right);
    row.set("note_differs", x.note_differs);
    rows.push_back(row);
  }
  d.set("rows", rows);
  d.set("has_rows", !diffs.empty());
  d.set("count", std::to_string(diffs.size()));
  return html(200, render_page("diff", d));
}

}  // namespace tom::web
