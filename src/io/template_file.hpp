#pragma once
// Reads template files (YAML, docs/template-format.md). Loading is all-or-nothing: the whole file is parsed
// and validated, every problem is reported (file:line, item id, field), and a Template is returned only when
// the file is valid in every respect, rules included.
#include <memory>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/file.hpp"
#include "domain/template.hpp"

namespace tom::io {

constexpr size_t kMaxTemplateFileBytes = 4 * 1024 * 1024;

// `name` is used in messages (usually the path).
Result<domain::Template> parse_template_yaml(std::string_view text, const std::string& name);
Result<domain::Template> load_template_file(const std::string& path);

}  // namespace tom::io
