#include "cli/args.hpp"

namespace tom::cli {

std::string Args::value(const std::string& opt, const std::string& fallback) const {
  auto it = values.find(opt);
  return it == values.end() || it->second.empty() ? fallback : it->second.back();
}

const std::vector<std::string>& Args::all(const std::string& opt) const {
  static const std::vector<std::string> none;
  auto it = values.find(opt);
  return it == values.end() ? none : it->second;
}

Result<Args> parse_args(const std::vector<std::string>& argv, const ArgSpec& spec) {
  Args a;
  bool only_positional = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    std::string arg = argv[i];
    if (only_positional || arg.size() < 2 || arg[0] != '-' || arg == "-") {
      a.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    std::string value;
    bool inline_value = false;
    auto eq = arg.find('=');
    if (arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      inline_value = true;
    }
    if (spec.flags.count(arg)) {
      if (inline_value) return Error::invalid("option " + arg + " takes no value");
      a.flags.insert(arg);
    } else if (spec.with_value.count(arg)) {
      if (!inline_value) {
        if (i + 1 >= argv.size()) return Error::invalid("option " + arg + " needs a value");
        value = argv[++i];
      }
      if (a.values.count(arg) && !spec.repeatable.count(arg))
        return Error::invalid("option " + arg + " is given twice");
      a.values[arg].push_back(value);
    } else {
      return Error::invalid("unknown option " + arg);
    }
  }
  return a;
}

}  // namespace tom::cli
