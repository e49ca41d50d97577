// tom_page_check TEMPLATE_DIR SOURCE...: checks every TEMPLATE_DIR/*.mustache against kainjow's parser and
// web/template_check (names must be set by one of the SOURCE files). Prints each problem as file:line:
// message and exits 1 when there is any, which fails the build; exit 2 for a usage or read error.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <kainjow/mustache.hpp>
#include <sstream>

#include "web/template_check.hpp"

namespace {

bool read(const std::filesystem::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: tom_page_check TEMPLATE_DIR SOURCE...\n";
    return 2;
  }
  tom::web::TemplateRules rules;
  // The layout's body and a section's items are HTML the handlers rendered from these same templates.
  rules.raw_names = {"content", "items_html", "pagination_html"};
  for (int i = 2; i < argc; ++i) {
    std::string text;
    if (!read(argv[i], &text)) {
      std::cerr << argv[i] << ": cannot be read\n";
      return 2;
    }
    rules.known_names.merge(tom::web::names_set_in_source(text));
  }
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(argv[1], ec))
    if (e.path().extension() == ".mustache") files.push_back(e.path());
  if (ec || files.empty()) {
    std::cerr << argv[1] << ": no page templates (*.mustache) found\n";
    return 2;
  }
  std::sort(files.begin(), files.end());
  size_t problems = 0;
  for (const auto& f : files) {
    std::string text;
    if (!read(f, &text)) {
      std::cerr << f.string() << ": cannot be read\n";
      return 2;
    }
    for (const auto& p : tom::web::check_page_template(f.string(), text, rules)) {
      std::cerr << p.file << ":" << p.line << ": " << p.message << "\n";
      ++problems;
    }
    kainjow::mustache::mustache parsed(text);
    if (!parsed.is_valid()) {
      std::cerr << f.string() << ": kainjow mustache cannot parse it: " << parsed.error_message() << "\n";
      ++problems;
    }
  }
  if (problems) {
    std::cerr << problems << " problem(s) in the page templates\n";
    return 1;
  }
  return 0;
}
