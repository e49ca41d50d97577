// Chooses the reader by content. Lives apart from workbook.cpp so each reader library builds on its own.
#include "core/file.hpp"
#include "io/workbook/workbook.hpp"
#include "io/xls/xls_reader.hpp"
#include "io/xlsx/xlsx_reader.hpp"

namespace tom::io::workbook {

Result<Workbook> read_workbook(std::string_view bytes, const std::string& name, const ReadLimits& limits) {
  if (bytes.size() > limits.max_file_bytes)
    return Error::too_large(name + " is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                            std::to_string(limits.max_file_bytes) + " bytes");
  if (bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("PK\x03\x04", 4))
    return xlsx::read_xlsx(bytes, name, limits);
  static const char kOle2[] = {'\xD0', '\xCF', '\x11', '\xE0', '\xA1', '\xB1', '\x1A', '\xE1'};
  if (bytes.size() >= 8 && bytes.substr(0, 8) == std::string_view(kOle2, 8))
    return xls::read_xls(bytes, name, limits);
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
