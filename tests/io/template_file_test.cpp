#include "io/template_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/store.hpp"
#include "support/test_support.hpp"

namespace tom::io {
namespace {

namespace fs = std::filesystem;

// Each file in tests/io/bad_templates/ is one broken template; its "# expect:" lines must all appear in the
// error the loader reports. Adding a case is adding a file.
std::vector<std::string> bad_files() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(test::source_path("tests/io/bad_templates")))
    if (e.path().extension() == ".yaml") out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

class BadTemplates : public ::testing::TestWithParam<std::string> {};

TEST_P(BadTemplates, AreRefusedWithLocatedErrors) {
  std::string path = test::source_path("tests/io/bad_templates/" + GetParam());
  std::string text = test::read_text(path);
  auto t = parse_template_yaml(text, GetParam());
  ASSERT_FALSE(t.ok()) << GetParam() << " was accepted";
  std::string all = t.error().describe();
  size_t expects = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# expect: ", 0) != 0) continue;
    ++expects;
    EXPECT_NE(all.find(line.substr(10)), std::string::npos) << "missing '" << line.substr(10) << "' in:\n"
                                                            << all;
  }
  EXPECT_GT(expects, 0u) << GetParam() << " has no '# expect:' line";
}

INSTANTIATE_TEST_SUITE_P(Data, BadTemplates, ::testing::ValuesIn(bad_files()), [](const auto& p) {
  std::string n = p.param.substr(0, p.param.size() - 5);
  for (auto& ch : n)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
});

TEST(TemplateFile, ReportsEveryProblemNotJustTheFirst) {
  std::string text = test::read_text(test::source_path("tests/io/bad_templates/unknown-party.yaml"));
  text += "  - {id: must-no, description: again, derive: x, value: '@NOPE'}\n";
  auto t = parse_template_yaml(text, "many.yaml");
  ASSERT_FALSE(t.ok());
  EXPECT_GE(t.error().problems.size(), 2u) << t.error().describe();
}

TEST(TemplateFile, OversizedFileIsRefusedBeforeParsing) {
  std::string path = test::temp_path("huge.yaml");
  test::write_text(path, std::string(kMaxTemplateFileBytes + 1, '#'));
  auto t = load_template_file(path);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, ErrorCode::kTooLarge);
  EXPECT_NE(t.error().message.find("over the limit of 4194304 bytes"), std::string::npos)
      << t.error().message;
}

TEST(TemplateFile, AliasBombIsBounded) {
  // Billion-laughs in YAML: aliases share nodes, and walking them is bounded by a node budget.
  std::string text =
      "format: 1\nid: bomb\nfamily: x\nname: x\nversion: '1'\na: &a [x, x, x, x, x, x, x, x, x, x]\n";
  char prev = 'a';
  for (char c = 'b'; c <= 'i'; ++c) {
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 10; ++i) text += std::string(i ? ", " : "") + "*" + prev;
    text += "]\n";
    prev = c;
  }
  text += "parties: [*i, *i, *i, *i, *i, *i, *i, *i, *i, *i]\n";
  auto t = parse_template_yaml(text, "bomb.yaml");
  ASSERT_FALSE(t.ok());
}

TEST(TemplateFile, BundledTemplatesLoad) {
  for (const char* id : {"sms-client-tom", "sms-provider-tom", "ers-api-tom"}) {
    auto t = load_template_file(test::source_path(std::string("templates/") + id + ".yaml"));
    ASSERT_TRUE(t.ok()) << id << ": " << t.error().describe();
    EXPECT_EQ(t->id, id);
    EXPECT_GE(t->sections.size(), 10u) << id;
    EXPECT_GE(t->phases.size(), 3u) << id;
    EXPECT_FALSE(t->rules.empty()) << id;
    bool has_requirements = false, has_ig = false, has_cs = false;
    for (const auto& s : t->sections) {
      has_requirements |= s.kind == domain::SectionKind::kRequirements;
      has_ig |= s.kind == domain::SectionKind::kIgSecurity;
      has_cs |= s.kind == domain::SectionKind::kClinicalSafety;
    }
    EXPECT_TRUE(has_requirements && has_ig && has_cs) << id;
  }
}

TEST(TemplateFile, NothingIsStoredWhenAFileIsInvalid) {
  // Two-phase: the CLI validates the whole file before it opens a write; run it against a real database.
  std::string db = test::temp_path("bad.db");
  auto r = test::run_tom(
      {"--db", db, "template", "add", test::source_path("tests/io/bad_templates/rule-cycle.yaml")});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("rule cycle"), std::string::npos) << r.err;
  auto list = test::run_tom({"--db", db, "template", "list", "--json"});
  EXPECT_EQ(list.out, "[]\n");
}

}  // namespace
}  // namespace tom::io
