// Runs every data-driven rule test file under tests/rules/ (tests/rules/README.md): adding a case is adding a
// file.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "io/template_file.hpp"
#include "rules/rule_test.hpp"
#include "support/test_support.hpp"

namespace tom::rules {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> rule_test_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(test::source_path("tests/rules")))
    if (e.is_regular_file() && e.path().extension() == ".test")
      out.push_back(fs::relative(e.path(), test::source_path("")).string());
  std::sort(out.begin(), out.end());
  return out;
}

const RuleSet& rules_for(const std::string& ref) {
  static std::map<std::string, std::unique_ptr<RuleSet>> cache;
  auto& slot = cache[ref];
  if (!slot) {
    bool is_path = ref.find('/') != std::string::npos;
    auto t = io::load_template_file(test::source_path(is_path ? ref : "templates/" + ref + ".yaml"));
    if (!t) throw std::runtime_error(t.error().describe());
    auto rs = RuleSet::compile(std::make_shared<const domain::Template>(std::move(t).value()));
    if (!rs) throw std::runtime_error(rs.error().describe());
    slot = std::make_unique<RuleSet>(std::move(rs).value());
  }
  return *slot;
}

class RuleFiles : public ::testing::TestWithParam<std::string> {};

TEST_P(RuleFiles, AllExpectationsHold) {
  std::string path = GetParam();
  auto tests = parse_rule_tests(test::read_text(test::source_path(path)), path);
  ASSERT_TRUE(tests.ok()) << tests.error().describe();
  auto outcome = run_rule_tests(*tests, rules_for(tests->template_ref));
  for (const auto& f : outcome.failures) ADD_FAILURE() << f;
  EXPECT_GT(outcome.passed, 0u) << path << " checks nothing";
}

INSTANTIATE_TEST_SUITE_P(Data, RuleFiles, ::testing::ValuesIn(rule_test_files()), [](const auto& p) {
  std::string n = p.param;
  for (auto& ch : n)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
});

TEST(RuleTestRunner, ReportsAFailingExpectation) {
  // The runner itself must be able to fail: a deliberately wrong expectation is reported with its line.
  std::string text =
      "template sms-client-tom\n"
      "case wrong on purpose\n"
      "expect complete - -\n";
  auto tests = parse_rule_tests(text, "inline.test");
  ASSERT_TRUE(tests.ok());
  auto outcome = run_rule_tests(*tests, rules_for("sms-client-tom"));
  EXPECT_EQ(outcome.failed, 1u);
  ASSERT_EQ(outcome.failures.size(), 1u);
  EXPECT_NE(outcome.failures[0].find("inline.test:3"), std::string::npos) << outcome.failures[0];
}

TEST(RuleTestRunner, RefusesMalformedFiles) {
  auto tests = parse_rule_tests("case x\nexpect frobnicate A\n", "bad.test");
  ASSERT_FALSE(tests.ok());
  std::string all = tests.error().describe();
  EXPECT_NE(all.find("bad.test:2"), std::string::npos) << all;
  EXPECT_NE(all.find("names no template"), std::string::npos) << all;
}

}  // namespace
}  // namespace tom::rules
