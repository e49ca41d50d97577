#pragma once
// A small SAX wrapper over expat for the parts of an .xlsx. Elements and attributes are reported by local
// name (any "prefix:" stripped), so transitional, strict and oddly prefixed documents ("x:row") read alike.
// Documents with a DOCTYPE (and so any entity declaration: billion laughs, external entities) are refused.
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace tom::io::xlsx {

// The attributes of one element, as expat hands them over: name, value, name, value, ..., nullptr.
class XmlAttrs {
 public:
  explicit XmlAttrs(const char** raw) : raw_(raw) {}
  // The value of the attribute with this local name ("id" matches "r:id"), or nullopt. xmlns declarations are
  // never matched.
  std::optional<std::string_view> get(std::string_view local) const;
  std::string_view get_or(std::string_view local, std::string_view fallback = {}) const {
    auto v = get(local);
    return v ? *v : fallback;
  }

 private:
  const char** raw_;
};

class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void start(std::string_view name, const XmlAttrs& attrs) = 0;  // local name
  virtual void end(std::string_view name) = 0;
  virtual void text(std::string_view /*chunk*/) {}  // character data, possibly in several chunks

  // Handlers call this to stop the parse with an error; parse_xml returns it.
  void fail(Error e) {
    if (!error_) error_ = std::move(e);
  }
  const std::optional<Error>& error() const { return error_; }

 private:
  std::optional<Error> error_;
};

// The local part of a possibly prefixed name.
inline std::string_view local_name(std::string_view qname) {
  auto colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

// Parses a whole document. `where` (e.g. "book.xlsx: xl/workbook.xml") prefixes messages. Errors:
// kInvalidInput for malformed XML or a DOCTYPE, or whatever the handler failed with.
Status parse_xml(std::string_view doc, const std::string& where, XmlHandler& handler);

}  // namespace tom::io::xlsx
