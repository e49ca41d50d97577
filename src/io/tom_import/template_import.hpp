#pragma once
// Imports a TOM-family workbook (blank or filled in) as a template, and a filled-in workbook as an assessment
// of a known template. Both are two-phase: everything is read and checked first; the caller writes only a
// complete, valid result. What could not be mapped is reported (sheet, row, why), never guessed silently.
#include <string>
#include <vector>

#include "domain/template.hpp"
#include "io/tom_import/sheet_layout.hpp"
#include "io/workbook/workbook.hpp"
#include "domain/records.hpp"

namespace tom::io::tom_import {

struct TemplateImportOptions {
  std::string id;       // default: from the cover's title
  std::string version;  // default: from the cover's version
  std::string name;     // default: from the cover's title
};

// Where an item came from, with what the row held (answers, when the workbook was filled in).
struct SourceRow {
  std::string sheet;
  ParsedRow row;
};

struct TemplateImport {
  domain::Template tmpl;
  std::vector<ImportNote> notes;          // what was not mapped, and why
  std::map<std::string, SourceRow> rows;  // item id -> its row
};

Result<TemplateImport> import_template(const workbook::Workbook& wb, const std::string& file,
                                       const TemplateImportOptions& options);

struct AssessmentImport {
  domain::AssessmentBundle bundle;
  std::vector<ImportNote> notes;
};

// Reads answers, notes, contacts, the topology choice and approvals from a filled-in workbook, matching rows
// to the template's items by id (rows without an id are matched by the id the template importer would give
// them).
Result<AssessmentImport> import_assessment(const workbook::Workbook& wb, const std::string& file,
                                           const domain::Template& tmpl);

}  // namespace tom::io::tom_import
