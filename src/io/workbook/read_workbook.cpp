// Chooses the reader by content. Lives apart from workbook.cpp so each reader library builds on its own.
#include "core/file.hpp"
#include "core/text.hpp"
#include "io/workbook/workbook.hpp"
#include "io/xls/xls_reader.hpp"
#include "io/xlsx/xlsx_reader.hpp"

namespace tom::io::workbook {

namespace {

// Cells become answers, names and choices; text the workbench cannot store is refused here, where the message
// can say which cell. (XML cannot carry a NUL, but a legacy .xls string can.)
Result<Workbook> text_only(Result<Workbook> wb, const std::string& name) {
  if (!wb) return wb;
  for (const auto& sheet : wb->sheets)
    for (const auto& [ref, cell] : sheet.cells())
      for (const std::string* text : {&cell.text, &cell.formula})
        if (auto why = text_problem(*text); !why.empty())
          return Error::invalid(name + ": sheet '" + sheet.name + "' cell " + column_name(ref.col) +
                                std::to_string(ref.row + 1) + ": the cell's text " + why);
  return wb;
}

}  // namespace

Result<Workbook> read_workbook(std::string_view bytes, const std::string& name, const ReadLimits& limits) {
  if (bytes.size() > limits.max_file_bytes)
    return Error::too_large(name + " is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                            std::to_string(limits.max_file_bytes) + " bytes");
  if (bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4))
    return text_only(xlsx::read_xlsx(bytes, name, limits), name);
  static const char kOle2[] = {'\xD0', '\xCF', '\x11', '\xE0', '\xA1', '\xB1', '\x1A', '\xE1'};
  if (bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view(kOle2, 8))
    return text_only(xls::read_xls(bytes, name, limits), name);
  return Error{ErrorCode::kUnsupported,
               name + " is not a spreadsheet this tool reads (expected an .xlsx or .xls workbook)",
               {},
               {}};
}

Result<Workbook> read_workbook_file(const std::string& path, const ReadLimits& limits) {
  TOM_ASSIGN(std::string bytes, read_file_limited(path, limits.max_file_bytes));
  return read_workbook(bytes, path, limits);
}

}  // namespace tom::io::workbook
