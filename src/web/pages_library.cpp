// The template library: the templates there are, a workbook upload that becomes a template, and what
// differs between two templates. Also the bounded multipart reader the upload form is read with.
#include <algorithm>

#include "app/library.hpp"
#include "domain/template_diff.hpp"
#include "io/tom_import/template_import.hpp"
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

Response Pages::templates(Request& r, Session& s, const std::string& error, const std::string& notice,
                          int status, const std::vector<io::tom_import::ImportNote>& not_mapped) {
  constexpr int64_t kPerPage = 50;
  Data d = base("Template library", &s);
  d.set("breadcrumbs", crumbs({{"/", "Your assessments"}}));
  domain::ListQuery q = list_request(r, kPerPage);
  auto page = app::list_templates(wb_, q);
  if (!page) return failure_page(page.error(), s);
  d.set("q", q.text);
  d.set("pagination_html", pagination(r, "/templates", page->prev_cursor, page->next_cursor,
                                      static_cast<int64_t>(page->items.size()), page->total, q.limit,
                                      q.text.empty() ? "There are no templates yet."
                                                     : "No template's id, name or family has those words."));
  Data rows = list();
  for (const auto& t : page->items) {
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

}  // namespace tom::web
