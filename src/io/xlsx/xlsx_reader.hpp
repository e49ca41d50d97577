#pragma once
// Reads an Office Open XML workbook (.xlsx: a zip of XML parts) into the workbook model.
#include "io/workbook/workbook.hpp"

namespace tom::io::xlsx {

Result<workbook::Workbook> read_xlsx(std::string_view bytes, const std::string& name,
                                     const workbook::ReadLimits& limits);

}  // namespace tom::io::xlsx
