#pragma once
// Web assets and page templates compiled into the binary (no CDN, nothing to install on a locked-down
// desktop).
#include <string_view>
#include <vector>

namespace tom::web {

struct Asset {
  std::string_view path;  // e.g. /assets/nhsuk-frontend.min.css
  std::string_view content_type;
  std::string_view bytes;
};

struct PageTemplate {
  std::string_view name;  // file name without .mustache
  std::string_view text;
};

const std::vector<Asset>& assets();
const std::vector<PageTemplate>& page_templates();

}  // namespace tom::web
