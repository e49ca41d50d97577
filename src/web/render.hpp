#pragma once
// Renders pages from the mustache templates in web/templates: a page's body, then the layout around it.
// Values are HTML-escaped unless a template asks for raw output ({{{...}}}), which only the layout's content
// uses.
#include <kainjow/mustache.hpp>
#include <string>

namespace tom::web {

using Data = kainjow::mustache::data;

// Renders template `name` with `data`; throws std::runtime_error naming the template when it has an error.
std::string render(const std::string& name, const Data& data);

// A whole page: the body template inside the layout. `page` holds the layout's fields (title, user, csrf...).
std::string render_page(const std::string& body_template, Data page);

// The layout around an already rendered body.
std::string render_layout(Data page, const std::string& content);

// An optional text: mustache treats even an empty string as true in {{#section}}, so empty becomes false
// (which also renders as nothing).
Data opt(const std::string& text);

// Data helpers.
Data list();
Data object();

}  // namespace tom::web
