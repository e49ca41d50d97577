// Pages for reuse and comparison, the central audit dashboard, the template library and organisations.
#include <algorithm>

#include "app/library.hpp"
#include "app/views.hpp"
#include "app/workflow.hpp"
#include "core/clock.hpp"
#include "core/csv.hpp"
#include "domain/template_diff.hpp"
#include "domain/workflow.hpp"
#include "io/tom_import/template_import.hpp"
#include "io/workbook/workbook.hpp"
#include "web/pages.hpp"

namespace tom::web {

// A bounded multipart/form-data reader for the workbook upload form.
std::vector<Part> parse_multipart(const std::string& content_type, const std::string& body,
                                  const std::string& only) {
  std::vector<Part> parts;
  auto b = content_type.find("boundary=");
  if (b == std::string::npos) return parts;
  std::string boundary = content_type.substr(b + 9);
  if (!boundary.empty() && boundary.front() == '"') boundary = boundary.substr(1, boundary.find('"', 1) - 1);
  std::string delim = "--" + boundary;
  size_t pos = body.find(delim);
  while (pos != std::string::npos && parts.size() < 20) {
    pos += delim.size();
    if (body.compare(pos, 2, "--") == 0) break;
    pos = body.find("\r\n", pos);
    if (pos == std::string::npos) break;
    pos += 2;
    size_t header_end = body.find("\r\n\r\n", pos);
    size_t next = body.find(delim, pos);
    if (header_end == std::string::npos || next == std::string::npos || header_end > next) break;
    Part p;
    std::string headers = body.substr(pos, header_end - pos);
    size_t hp = 0;
    while (hp < headers.size()) {
      size_t eol = headers.find("\r\n", hp);
      std::string line = headers.substr(hp, eol == std::string::npos ? std::string::npos : eol - hp);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string k = line.substr(0, colon);
        for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        p.headers[k] = line.substr(colon + 1);
      }
      if (eol == std::string::npos) break;
      hp = eol + 2;
    }
    const std::string& cd = p.headers["content-disposition"];
    auto grab = [&](const std::string& key) {
      auto at = cd.find(key + "=\"");
      if (at == std::string::npos) return std::string();
      at += key.size() + 2;
      return cd.substr(at, cd.find('"', at) - at);
    };
    p.name = grab("name");
    p.filename = grab("filename");
    if (!only.empty() && p.name != only) {  // not wanted: its body (perhaps the whole upload) is not copied
      pos = next;
      continue;
    }
    size_t content_end = next >= 2 ? next - 2 : next;  // the CRLF before the delimiter belongs to it
    p.body = body.substr(header_end + 4, content_end - header_end - 4);
    parts.push_back(std::move(p));
    pos = next;
  }
  return parts;
}

std::string multipart_field(const std::string& content_type, const std::string& body,
                            const std::string& name) {
  for (const auto& p : parse_multipart(content_type, body, name))
    if (p.name == name && p.filename.empty()) return p.body;
  return "";
}

namespace {

std::string csv_cell(const std::string& s) {
  return csv_field(s);
}

}  // namespace

Response Pages::derive_form(Request& r, Session& s, const std::string& error, int status) {
  Response fail;
  auto l = load(r, s, &fail);
  if (!l) return fail;
  Data d = assessment_page("Reuse this TOM", *l, s);
  if (!error.empty()) {
    d.set("has_errors", true);
    d.set("errors", one_error("organisation", error));
  }
  auto orgs = app::organisations(wb_);
  Data rows = list();
  if (orgs)
    for (const auto& o : *orgs) {
      if (o.type != "nhs-trust" && o.type != "gp-practice" && o.type != "other") continue;
      Data x = object();
      x.set("id", std::to_string(o.id));
      x.set("name", o.name);
      x.set("ods", opt(o.ods_code));
      rows.push_back(x);
    }
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

Response Pages::templates(Request&, Session& s, const std::string& error, const std::string& notice,
                          int status, const std::vector<io::tom_import::ImportNote>& not_mapped) {
  Data d = base("Template library", &s);
  d.set("breadcrumbs", crumbs({{"/", "Your assessments"}}));
  Data rows = list();
  if (auto all = app::list_templates(wb_))
    for (const auto& t : *all) {
      Data x = object();
      x.set("id", t.id);
      x.set("name", t.name);
      x.set("version", t.version);
      x.set("sections", std::to_string(t.sections));
      x.set("items", std::to_string(t.items));
      rows.push_back(x);
    }
  d.set("templates", rows);
  d.set("admin", s.auth.caller.admin());
  if (!error.empty()) {
    d.set("upload_error", error);
    d.set("has_errors", true);
    d.set("errors", one_error("workbook", error));
  }
  if (!notice.empty()) {
    d.set("success", notice);
    d.set("imported", true);
    Data notes = list();
    for (const auto& n : not_mapped) {
      Data x = object();
      x.set("sheet", n.sheet);
      x.set("row", opt(n.row > 0 ? std::to_string(n.row) : ""));
      x.set("message", n.message);
      notes.push_back(x);
    }
    d.set("notes", notes);
    d.set("has_notes", !not_mapped.empty());
  }
  return html(status, render_page("templates", d));
}

Response Pages::upload_template(Request& r, Session& s) {
  if (std::string why = why_not_add_template(s.auth.caller); !why.empty())
    return failure_page(Error::forbidden(why), s);  // before the upload is parsed
  auto parts = parse_multipart(r.header("content-type"), r.body);
  const Part* file = nullptr;
  std::string id, version;
  for (const auto& p : parts) {
    if (p.name == "workbook") file = &p;
    if (p.name == "id") id = p.body;
    if (p.name == "version") version = p.body;
  }
  if (!file || file->body.empty())
    return templates(r, s, "Choose a workbook (.xlsx or .xls) to import", "", 400);
  auto imported = app::add_template_workbook(
      wb_, s.auth.caller, file->body, file->filename.empty() ? "upload" : file->filename, {id, version, ""});
  if (!imported) {
    const Error& e = imported.error();
    if (e.code == ErrorCode::kForbidden) return failure_page(e, s);
    return templates(r, s, e.problems.empty() ? e.message : e.describe(), "", http_status(e.code));
  }
  std::string notice = "Imported " + imported->tmpl.ref() + ": " +
                       std::to_string(imported->tmpl.sections.size()) + " sections, " +
                       std::to_string(imported->tmpl.item_count()) + " items. " +
                       std::to_string(imported->notes.size()) + " rows or sheets could not be mapped.";
  return templates(r, s, "", notice, 201, imported->notes);
}

Response Pages::template_diff(Request& r, Session& s) {
  auto a = wb_.load_template_ref(r.query["a"]);
  auto b = wb_.load_template_ref(r.query["b"]);
  if (!a || !b)
    return error_page(404, "Page not found", "Choose two templates from the library to compare.", &s);
  TemplateDiff d = diff_templates(*a->tmpl, *b->tmpl);
  Data page = base("Compare templates", &s);
  page.set("breadcrumbs", crumbs({{"/", "Your assessments"}, {"/templates", "Template library"}}));
  page.set("a", a->tmpl->ref());
  page.set("b", b->tmpl->ref());
  Data added = list(), removed = list(), changed = list();
  for (const auto& x : d.added) added.push_back(Data(x));
  for (const auto& x : d.removed) removed.push_back(Data(x));
  for (const auto& c : d.changed) {
    Data x = object();
    x.set("item", opt(c.item_id));
    std::string fields;
    for (const auto& f : c.fields) fields += (fields.empty() ? "" : ", ") + f;
    x.set("fields", fields);
    changed.push_back(x);
  }
  page.set("added", added);
  page.set("removed", removed);
  page.set("changed", changed);
  page.set("has_added", !d.added.empty());
  page.set("has_removed", !d.removed.empty());
  page.set("has_changed", !d.changed.empty());
  page.set("added_count", std::to_string(d.added.size()));
  page.set("removed_count", std::to_string(d.removed.size()));
  page.set("changed_count", std::to_string(d.changed.size()));
  page.set("unchanged", std::to_string(d.unchanged.size()));
  return html(200, render_page("template_diff", page));
}

Response Pages::organisations(Request&, Session& s, const std::string& error, int status,
                              const std::string& user_error) {
  Data d = base("Organisations and people", &s);
  d.set("breadcrumbs", crumbs({{"/", "Your assessments"}}));
  auto orgs = app::organisations(wb_);
  auto users = app::people(wb_, s.auth.caller);
  Data rows = list();
  if (orgs)
    for (const auto& o : *orgs) {
      Data x = object();
      x.set("id", std::to_string(o.id));
      x.set("name", o.name);
      x.set("ods", opt(o.ods_code));
      x.set("type", o.type);
      std::string people;
      if (users)
        for (const auto& u : *users)
          if (u.organisation_id == o.id) people += (people.empty() ? "" : ", ") + u.name;
      x.set("people", people);
      rows.push_back(x);
    }
  d.set("organisations", rows);
  d.set("admin", s.auth.caller.admin());
  Data roles = list();
  for (const char* r :
       {"editor", "approver", "siro", "clinical-safety-officer", "central-reviewer", "administrator"})
    roles.push_back(Data(r));
  d.set("roles", roles);
  if (!error.empty()) {
    d.set("error", error);
    d.set("has_errors", true);
    d.set("errors", one_error("org-name", error));
  }
  if (!user_error.empty()) {
    d.set("user_error", user_error);
    d.set("has_errors", true);
    d.set("errors", one_error("user-email", user_error));
  }
  return html(status, render_page("organisations", d));
}

Response Pages::add_organisation(Request& r, Session& s) {
  Form f = parse_form(r.body);
  Organisation o{0, field(f, "name"), field(f, "ods_code"), field(f, "type")};
  auto added = app::add_organisation(wb_, s.auth.caller, o);
  if (!added && added.error().code == ErrorCode::kForbidden) return failure_page(added.error(), s);
  if (!added) return organisations(r, s, sentence(added.error()), http_status(added.error().code));
  return redirect("/organisations");
}

Response Pages::add_user(Request& r, Session& s) {
  if (std::string why = why_not_manage_directory(s.auth.caller, "people"); !why.empty())
    return failure_page(Error::forbidden(why), s);
  Form f = parse_form(r.body);
  User u;
  u.email = field(f, "email");
  u.name = field(f, "name");
  std::string org = field(f, "organisation_id");
  if (org.empty() || org.size() > 18 || org.find_first_not_of("0123456789") != std::string::npos)
    return organisations(r, s, "", 400, "Choose the person's organisation");
  u.organisation_id = std::stoll(org);
  for (auto [it, end] = f.equal_range("roles"); it != end; ++it) u.roles.push_back(it->second);
  auto added = app::add_person(identity_, s.auth.caller, u, field(f, "password"));
  if (!added) return organisations(r, s, "", http_status(added.error().code), sentence(added.error()));
  return redirect("/organisations");
}

}  // namespace tom::web
