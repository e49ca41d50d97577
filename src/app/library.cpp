#include "app/library.hpp"

#include "domain/access.hpp"
#include "io/template_file.hpp"
#include "io/workbook/workbook.hpp"

namespace tom::app {

Result<domain::Template> add_template_yaml(Workbench& wb, const domain::Caller& caller, std::string_view yaml,
                                           const std::string& name) {
  if (std::string why = domain::why_not_add_template(caller); !why.empty()) return Error::forbidden(why);
  TOM_ASSIGN(domain::Template t, io::parse_template_yaml(yaml, name));
  TOM_TRY(wb.add_template(t, caller));
  return t;
}

Result<io::tom_import::TemplateImport> add_template_workbook(
    Workbench& wb, const domain::Caller& caller, std::string_view bytes, const std::string& file,
    const io::tom_import::TemplateImportOptions& options) {
  if (std::string why = domain::why_not_add_template(caller); !why.empty()) return Error::forbidden(why);
  TOM_ASSIGN(auto book, io::workbook::read_workbook(bytes, file));
  TOM_ASSIGN(auto imported, io::tom_import::import_template(book, file, options));
  TOM_TRY(wb.add_template(imported.tmpl, caller));
  return imported;
}

}  // namespace tom::app
