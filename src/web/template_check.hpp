#pragma once
// A build-time check of the page templates (src/web/templates/*.mustache) against what kainjow mustache 4.1
// renders and what the page handlers set. kainjow silently renders an unsupported tag as nothing:
// `{{#list.0}}` is always false (it does not index lists), a misspelt name is always empty, and so a computed
// result never shows. The build runs this over every template and fails on any problem (see
// src/CMakeLists.txt).
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace tom::web {

struct TemplateProblem {
  std::string file;
  int line = 0;
  std::string message;
};

struct TemplateRules {
  // Names the page handlers set (from names_set_in_source); every name a template uses must be one of them.
  std::set<std::string> known_names;
  // Names that may be rendered raw ({{{name}}} or {{&name}}): HTML the handlers rendered themselves.
  std::set<std::string> raw_names;
};

// Problems in one template, each with its line: a tag that is not a plain name ({{#if x}}, {{x.0}}, list
// indexes, spaces), partials and delimiter changes (nothing supplies them), raw output of a name not in
// raw_names, `{{.}}` outside a section, a name no handler sets, and sections that do not close in order.
std::vector<TemplateProblem> check_page_template(const std::string& file, std::string_view text,
                                                 const TemplateRules& rules);

// The names C++ source sets on template data: the string literal in each `.set("name", ...)`.
std::set<std::string> names_set_in_source(std::string_view source);

}  // namespace tom::web
