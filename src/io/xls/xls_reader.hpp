#pragma once
// Reads a legacy Excel 97-2003 workbook (.xls: BIFF8 records in an OLE2 compound file) into the workbook
// model, including data validations (DV records), merged cells, hidden rows/columns and defined names.
#include "io/workbook/workbook.hpp"

namespace tom::io::xls {

Result<workbook::Workbook> read_xls(std::string_view bytes, const std::string& name,
                                    const workbook::ReadLimits& limits);

}  // namespace tom::io::xls
