#include "web/render.hpp"

#include <map>
#include <memory>
#include <stdexcept>

#include "web/assets.hpp"

namespace tom::web {

namespace {

// Parsed templates, one set per thread: kainjow's render() is not const, and parsing once per thread keeps
// rendering cheap without locks.
kainjow::mustache::mustache& parsed(const std::string& name) {
  thread_local std::map<std::string, std::unique_ptr<kainjow::mustache::mustache>> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return *it->second;
  for (const auto& t : page_templates()) {
    if (t.name != name) continue;
    auto m = std::make_unique<kainjow::mustache::mustache>(std::string(t.text));
    if (!m->is_valid()) throw std::runtime_error("page template " + name + ": " + m->error_message());
    return *cache.emplace(name, std::move(m)).first->second;
  }
  throw std::runtime_error("no page template named " + name);
}

}  // namespace

std::string render(const std::string& name, const Data& data) {
  auto& m = parsed(name);
  std::string out = m.render(data);
  if (!m.error_message().empty())
    throw std::runtime_error("page template " + name + ": " + m.error_message());
  return out;
}

namespace {

// Whether a page field holds a non-empty list: the templates test booleans, never list indexes (kainjow does
// not index lists, so `{{#breadcrumbs.0}}` would always be false).
bool has_items(const Data& page, const std::string& name) {
  const Data* d = page.get(name);
  return d && d->is_non_empty_list();
}

}  // namespace

std::string render_page(const std::string& body_template, Data page) {
  std::string content = render(body_template, page);
  return render_layout(std::move(page), content);
}

std::string render_layout(Data page, const std::string& content) {
  page.set("content", content);
  page.set("has_breadcrumbs", has_items(page, "breadcrumbs"));
  // On a phone the breadcrumbs become one back link, to the last of them (the NHS.UK breadcrumb pattern).
  if (has_items(page, "breadcrumbs")) page.set("back", page.get("breadcrumbs")->list_value().back());
  return render("layout", page);
}

Data opt(const std::string& text) {
  return text.empty() ? Data(false) : Data(text);
}

Data list() {
  return Data(Data::type::list);
}
Data object() {
  return Data(Data::type::object);
}

}  // namespace tom::web
