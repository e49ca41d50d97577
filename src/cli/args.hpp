#pragma once
// A small, strict command-line parser: every option must be declared; unknown ones are errors.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"

namespace tom::cli {

struct ArgSpec {
  std::set<std::string> with_value;  // e.g. "--note", "-o"
  std::set<std::string> flags;       // e.g. "--json"
  std::set<std::string> repeatable;  // options that may be given more than once
};

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;
  std::set<std::string> flags;

  bool flag(const std::string& f) const { return flags.count(f) > 0; }
  std::string value(const std::string& opt, const std::string& fallback = "") const;
  const std::vector<std::string>& all(const std::string& opt) const;
};

Result<Args> parse_args(const std::vector<std::string>& argv, const ArgSpec& spec);

}  // namespace tom::cli
