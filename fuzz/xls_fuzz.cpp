// libFuzzer entry point for the legacy .xls reader: any bytes must give a workbook or an error, within small
// limits, without crashes, hangs or unbounded memory. Seeds: fuzz/corpus/xls.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "io/xls/xls_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  tom::io::workbook::ReadLimits limits;
  limits.max_file_bytes = 4 * 1024 * 1024;
  limits.max_inflated_bytes = 4 * 1024 * 1024;
  limits.max_part_bytes = 4 * 1024 * 1024;
  limits.max_cells = 100'000;
  limits.max_sheets = 64;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto result = tom::io::xls::read_xls(bytes, "fuzz.xls", limits);
  if (result.ok()) {
    // Touch the model so the optimiser keeps the work.
    size_t cells = 0;
    for (const auto& sheet : result->sheets) cells += sheet.cell_count();
    (void)cells;
  }
  return 0;
}
