#pragma once
// Text as the workbench stores it: valid UTF-8 without NUL bytes. Every front door (JSON and form bodies, the
// CLI, the importers) checks values with text_problem() so nothing stored can later break a JSON export or a
// page. Limits described to people in characters are counted with utf8_length().
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace tom {

// Where `s` stops being valid UTF-8 (overlong forms, surrogates and code points past U+10FFFF are invalid),
// or std::string::npos when it is valid throughout.
inline size_t utf8_error_at(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t n;
    unsigned cp;
    if (b >= 0xC2 && b <= 0xDF) {
      n = 2;
      cp = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 3;
      cp = b & 0x0Fu;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 4;
      cp = b & 0x07u;
    } else {
      return i;
    }
    if (i + n > s.size()) return i;
    for (size_t k = 1; k < n; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return i;
    i += n;
  }
  return std::string::npos;
}

// Characters (code points) in valid UTF-8; for invalid input, a count of the bytes that start characters.
inline size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Why `s` cannot be stored as text ("" when it can): the message completes "<field> ...".
inline std::string text_problem(std::string_view s) {
  if (auto nul = s.find('\0'); nul != std::string_view::npos)
    return "contains a NUL byte (at byte " + std::to_string(nul + 1) + ")";
  if (auto bad = utf8_error_at(s); bad != std::string::npos)
    return "is not valid UTF-8 text (at byte " + std::to_string(bad + 1) + ")";
  return "";
}

// `s` with A-Z lowered and every other byte as it was (searches match names case-blind, the same way in every
// list and on both databases' lowered copies).
inline std::string lower_ascii(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

// The words of a search, split at spaces and tabs; at most eight are used, so a pasted paragraph cannot make
// a query of hundreds of conditions.
inline std::vector<std::string> search_words(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty() && out.size() < 8) out.push_back(cur);
    cur.clear();
  };
  for (char ch : text) {
    if (ch == ' ' || ch == '\t')
      flush();
    else
      cur += ch;
  }
  flush();
  return out;
}

}  // namespace tom
