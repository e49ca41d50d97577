#pragma once
// Data-driven rule tests (tests/rules/README.md): answers in, expected results, findings and completeness
// out. Parsing and running are pure; callers read the files and resolve the template.
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "rules/engine.hpp"

namespace tom::rules {

struct RuleTestStep {
  int line = 0;
  std::string verb;                // "answer", "note" or "expect"
  std::string what;                // for expect: value, explains, finding, no-finding, missing, ...
  std::vector<std::string> words;  // the arguments, split on spaces
  std::string rest;                // for answer/note/value/explains: the text after the first argument
};

struct RuleTestCase {
  std::string name;
  int line = 0;
  std::vector<RuleTestStep> steps;
};

struct RuleTestFile {
  std::string file;
  std::string template_ref;  // bundled template id, or a path
  std::vector<RuleTestCase> cases;
};

struct RuleTestOutcome {
  size_t passed = 0;  // expectations met
  size_t failed = 0;
  std::vector<std::string> failures;  // "file:line: case 'name': expected ..., got ..."
};

Result<RuleTestFile> parse_rule_tests(std::string_view text, const std::string& file);
RuleTestOutcome run_rule_tests(const RuleTestFile& tests, const RuleSet& rules);

}  // namespace tom::rules
