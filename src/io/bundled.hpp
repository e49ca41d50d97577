#pragma once
// Templates shipped inside the binary (templates/*.yaml, embedded at build time).
#include <string_view>
#include <vector>

namespace tom::io {

struct BundledFile {
  std::string_view name;  // file name, e.g. "sms-client-tom.yaml"
  std::string_view text;
};

const std::vector<BundledFile>& bundled_templates();

}  // namespace tom::io
