// libFuzzer entry point for the .xlsx reader: any input must come back as a workbook or an error, within
// small limits, without crashing, leaking or reading out of bounds. Seeds: fuzz/corpus/xlsx/.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "io/xlsx/xlsx_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tom::io::workbook::ReadLimits limits;
  limits.max_file_bytes = 1u << 20;
  limits.max_inflated_bytes = 8u << 20;
  limits.max_part_bytes = 4u << 20;
  limits.max_cells = 100'000;
  limits.max_sheets = 32;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto result = tom::io::xlsx::read_xlsx(bytes, "fuzz.xlsx", limits);
  if (result.ok()) {
    // Touch what a caller would: every cell and every resolved list.
    size_t n = 0;
    for (const auto& sheet : result->sheets) {
      for (const auto& [ref, cell] : sheet.cells()) n += cell.text.size() + static_cast<size_t>(ref.row);
      for (const auto& v : sheet.validations) n += v.values.size();
    }
    volatile size_t sink = n;
    (void)sink;
  } else {
    volatile size_t sink = result.error().message.size();
    (void)sink;
  }
  return 0;
}
