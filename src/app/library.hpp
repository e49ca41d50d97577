#pragma once
// The template library: adding a template from its YAML file or from a TOM-family workbook. Who may add is
// decided before the upload is even parsed (administrators only), so a person who may not add templates
// cannot make the server read a large file either.
#include <string>
#include <string_view>

#include "app/workbench.hpp"
#include "io/tom_import/template_import.hpp"

namespace tom::app {

// Parses the YAML file (named `name` in errors), validates and stores it.
Result<domain::Template> add_template_yaml(Workbench& wb, const domain::Caller& caller, std::string_view yaml,
                                           const std::string& name);

// Reads the workbook (xlsx or xls), maps it to a template (with what could not be mapped in `notes`) and
// stores it.
Result<io::tom_import::TemplateImport> add_template_workbook(
    Workbench& wb, const domain::Caller& caller, std::string_view bytes, const std::string& file,
    const io::tom_import::TemplateImportOptions& options);

}  // namespace tom::app
