#include "web/template_check.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

namespace tom::web {

namespace {

bool is_segment(std::string_view s) {
  if (s.empty() || !(std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
           c == '_';
  });
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_dots(std::string_view name) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    out.push_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

}  // namespace

std::vector<TemplateProblem> check_page_template(const std::string& file, std::string_view text,
                                                 const TemplateRules& rules) {
  std::vector<TemplateProblem> problems;
  std::vector<std::pair<std::string, int>> open;  // section name, line it opened on
  int line = 1;
  size_t pos = 0;
  auto problem = [&](int at, std::string message) { problems.push_back({file, at, std::move(message)}); };
  auto advance_to = [&](size_t to) {
    line += static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(pos),
                                        text.begin() + static_cast<std::ptrdiff_t>(to), '\n'));
    pos = to;
  };
  while (true) {
    size_t start = text.find("{{", pos);
    if (start == std::string_view::npos) break;
    advance_to(start);
    bool triple = text.compare(start, 3, "{{{") == 0;
    std::string_view closer = triple ? "}}}" : "}}";
    size_t end = text.find(closer, start + closer.size());
    if (end == std::string_view::npos) {
      problem(line, "a tag opens with " + std::string(triple ? "{{{" : "{{") + " and never closes");
      break;
    }
    std::string_view inner = text.substr(start + closer.size(), end - start - closer.size());
    std::string tag = "{{" + std::string(triple ? "{" : "") + std::string(inner) + (triple ? "}" : "") + "}}";
    int tag_line = line;
    advance_to(end + closer.size());
    char sigil = triple || inner.empty() ? '\0' : inner.front();
    if (sigil == '!') continue;  // a comment
    if (sigil == '>') {
      problem(tag_line, tag + ": partials are not supplied by the page renderer (render a fragment in C++)");
      continue;
    }
    if (sigil == '=') {
      problem(tag_line, tag + ": changing the delimiters is not allowed in page templates");
      continue;
    }
    bool raw = triple || sigil == '&';
    std::string_view name =
        trim(sigil == '#' || sigil == '^' || sigil == '/' || sigil == '&' ? inner.substr(1) : inner);
    if (name == ".") {
      if (open.empty()) problem(tag_line, tag + ": {{.}} is only meaningful inside a section over a list");
      if (sigil == '#' || sigil == '^' || sigil == '/')
        problem(tag_line, tag + ": a section cannot be opened or closed on {{.}}");
      if (raw) problem(tag_line, tag + ": {{.}} is never rendered raw");
      continue;
    }
    auto segments = split_dots(name);
    bool named = std::all_of(segments.begin(), segments.end(), is_segment);
    if (!named) {
      if (std::any_of(segments.begin(), segments.end(), all_digits))
        problem(tag_line,
                tag +
                    ": kainjow mustache does not index lists, so this is always empty or false; set a "
                    "boolean such as has_" +
                    std::string(segments.front()) + " in C++");
      else
        problem(tag_line, tag +
                              ": not a plain mustache name (lower-case words with _ joined by dots; no "
                              "helpers, spaces or conditions such as #if / else)");
      continue;
    }
    for (const auto& s : segments)
      if (!rules.known_names.count(std::string(s)))
        problem(tag_line,
                tag + ": no page handler sets '" + std::string(s) + "' (a misspelt name renders as nothing)");
    if (raw && !rules.raw_names.count(std::string(name)))
      problem(
          tag_line, tag + ": only handler-rendered HTML is output unescaped (allowed: " + [&] {
            std::string list;
            for (const auto& r : rules.raw_names) list += (list.empty() ? "" : ", ") + r;
            return list;
          }() + ")");
    if (sigil == '#' || sigil == '^') {
      open.emplace_back(std::string(name), tag_line);
    } else if (sigil == '/') {
      if (open.empty()) {
        problem(tag_line, tag + ": closes a section that is not open");
      } else if (open.back().first != name) {
        problem(tag_line, tag + ": closes '" + std::string(name) + "' but the section open since line " +
                              std::to_string(open.back().second) + " is '" + open.back().first + "'");
        // Recover if the name closes an outer section, so one slip is reported once.
        auto it = std::find_if(open.rbegin(), open.rend(), [&](const auto& o) { return o.first == name; });
        if (it != open.rend()) open.erase(std::next(it).base(), open.end());
      } else {
        open.pop_back();
      }
    }
  }
  for (const auto& [name, at] : open) problem(at, "section '" + name + "' opened here is never closed");
  return problems;
}

std::set<std::string> names_set_in_source(std::string_view source) {
  std::set<std::string> out;
  static constexpr std::string_view kMark = ".set(\"";
  for (size_t at = source.find(kMark); at != std::string_view::npos; at = source.find(kMark, at + 1)) {
    size_t begin = at + kMark.size();
    size_t end = source.find('"', begin);
    if (end == std::string_view::npos) break;
    out.emplace(source.substr(begin, end - begin));
  }
  return out;
}

}  // namespace tom::web
