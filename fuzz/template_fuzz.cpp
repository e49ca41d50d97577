// libFuzzer entry point for the template file parser: any bytes must give a template or located errors,
// without crashes, hangs or unbounded memory (YAML aliases included). Seeds: fuzz/corpus/template.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/template_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto t = tom::io::parse_template_yaml(text, "fuzz.yaml");
  if (t.ok()) (void)t->item_count();
  return 0;
}
