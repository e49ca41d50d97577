#pragma once
// One CSV field, for every CSV the workbench writes (the central audit download, `tom export --format csv`).
#include <string>

namespace tom {

// `s` as one RFC 4180 field: quoted when it holds a comma, quote or line break. A spreadsheet would run a
// field that starts with = + - @ (or a tab or carriage return before one) as a formula, so such a field gets
// a leading apostrophe: a person's answer or a product name never becomes a formula in the reader's
// spreadsheet.
inline std::string csv_field(const std::string& s) {
  std::string v = s;
  if (!v.empty() &&
      (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' || v[0] == '\t' || v[0] == '\r'))
    v.insert(v.begin(), '\'');
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace tom
