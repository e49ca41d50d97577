#include "io/audit_head.hpp"

#include <map>
#include <sstream>
#include <vector>

namespace tom::io {

using domain::AuditHead;

std::string format_audit_head(const AuditHead& h) {
  std::ostringstream out;
  out << "tom-audit-head v1\n"
      << "events " << h.events << "\n"
      << "last-seq " << h.last_seq << "\n"
      << "last-hash " << h.last_hash << "\n"
      << "at " << h.at << "\n"
      << "key-id " << h.key_id << "\n"
      << "mac " << h.mac << "\n";
  return out.str();
}

Result<AuditHead> parse_audit_head(const std::string& text_in) {
  AuditHead h;
  std::vector<Problem> problems;
  auto bad = [&](int line, const std::string& field, const std::string& msg) {
    problems.push_back(Problem{Location{"", "", line, field, ""}, msg});
  };
  auto hex = [](const std::string& s, size_t n) {
    return s.size() == n && s.find_first_not_of("0123456789abcdef") == std::string::npos;
  };
  auto number = [](const std::string& s, int64_t& out) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos) return false;
    out = std::stoll(s);
    return true;
  };
  std::istringstream in(text_in);
  std::string line;
  int n = 0;
  bool started = false;
  std::map<std::string, int> seen;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (!started) {
      if (line != "tom-audit-head v1")
        return Error::invalid("this is not an audit head: its first line should be \"tom-audit-head v1\"",
                              {Problem{Location{"", "", n, "", ""}, "found \"" + line.substr(0, 40) + "\""}});
      started = true;
      continue;
    }
    size_t space = line.find(' ');
    std::string field = line.substr(0, space),
                value = space == std::string::npos ? "" : line.substr(space + 1);
    if (seen.count(field)) {
      bad(n, field, "given twice (first on line " + std::to_string(seen[field]) + ")");
      continue;
    }
    seen[field] = n;
    if (field == "events") {
      if (!number(value, h.events)) bad(n, field, "should be a number of events");
    } else if (field == "last-seq") {
      if (!number(value, h.last_seq)) bad(n, field, "should be an event number");
    } else if (field == "last-hash") {
      h.last_hash = value;
      if (!value.empty() && !hex(value, 64)) bad(n, field, "should be 64 hex digits");
    } else if (field == "at") {
      h.at = value;
    } else if (field == "key-id") {
      h.key_id = value;
      if (!hex(value, 16)) bad(n, field, "should be 16 hex digits");
    } else if (field == "mac") {
      h.mac = value;
      if (!hex(value, 64)) bad(n, field, "should be 64 hex digits");
    } else {
      bad(n, field, "is not a field of an audit head");
    }
  }
  if (!started) return Error::invalid("the audit head is empty");
  for (const char* f : {"events", "last-seq", "last-hash", "at", "key-id", "mac"})
    if (!seen.count(f)) bad(0, f, "is missing");
  if (!problems.empty()) return Error::invalid("the audit head is not well formed", std::move(problems));
  return h;
}

}  // namespace tom::io
