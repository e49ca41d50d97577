// The build-time page template check (src/web/template_check): what it refuses, with the line, and that the
// bundled page templates and the tom_page_check program pass it while a broken template fails the program.
#include "web/template_check.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace tom::web {
namespace {

TemplateRules rules() {
  TemplateRules r;
  r.known_names = {"findings", "has_findings", "title", "user", "name", "content", "breadcrumbs", "items"};
  r.raw_names = {"content"};
  return r;
}

std::vector<TemplateProblem> check(const std::string& text) {
  return check_page_template("t.mustache", text, rules());
}

TEST(PageTemplateCheck, AcceptsPlainNamesSectionsCommentsAndRawContent) {
  EXPECT_TRUE(check("{{! a note }}<h1>{{title}}</h1>{{#has_findings}}{{#findings}}<p>{{title}} {{.}}</p>"
                    "{{/findings}}{{/has_findings}}{{^has_findings}}None.{{/has_findings}}{{{content}}}"
                    "{{#user}}{{user.name}}{{/user}}")
                  .empty());
}

TEST(PageTemplateCheck, RefusesListIndexesWithTheLineAndTheFix) {
  auto p = check("<p>\n</p>\n{{^findings.0}}<p>There are no findings.</p>{{/findings.0}}");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].line, 3);
  EXPECT_EQ(p[0].file, "t.mustache");
  EXPECT_NE(p[0].message.find("does not index lists"), std::string::npos) << p[0].message;
  EXPECT_NE(p[0].message.find("has_findings"), std::string::npos) << p[0].message;
  EXPECT_EQ(check("{{#breadcrumbs.0}}x{{/breadcrumbs.0}}").size(), 2u);
  EXPECT_EQ(check("{{items.12}}").size(), 1u);
}

TEST(PageTemplateCheck, RefusesNamesNoHandlerSets) {
  auto p = check("{{#has_finding}}x{{/has_finding}}");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].message.find("no page handler sets 'has_finding'"), std::string::npos) << p[0].message;
  EXPECT_EQ(check("{{user.nmae}}").size(), 1u);
}

TEST(PageTemplateCheck, RefusesHelpersPartialsDelimitersAndConditions) {
  EXPECT_FALSE(check("{{#if title}}x{{/if}}").empty());
  EXPECT_EQ(check("{{else}}").size(), 1u);
  EXPECT_EQ(check("{{> header}}").size(), 1u);
  EXPECT_EQ(check("{{=<% %>=}}").size(), 1u);
  EXPECT_EQ(check("{{Title}}").size(), 1u);
  EXPECT_EQ(check("{{title | upper}}").size(), 1u);
}

TEST(PageTemplateCheck, RefusesRawOutputOfAnythingButHandlerHtml) {
  auto p = check("{{{title}}}{{&name}}{{{content}}}");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_NE(p[0].message.find("unescaped"), std::string::npos) << p[0].message;
}

TEST(PageTemplateCheck, RefusesUnbalancedSectionsAndUnclosedTags) {
  auto crossed = check("{{#user}}\n{{#findings}}\n{{/user}}\n{{/findings}}");
  ASSERT_FALSE(crossed.empty());
  EXPECT_EQ(crossed[0].line, 3);
  EXPECT_NE(crossed[0].message.find("line 2"), std::string::npos) << crossed[0].message;
  auto unclosed = check("x\n{{#user}}{{name}}");
  ASSERT_EQ(unclosed.size(), 1u);
  EXPECT_EQ(unclosed[0].line, 2);
  EXPECT_NE(unclosed[0].message.find("never closed"), std::string::npos);
  EXPECT_EQ(check("{{/user}}").size(), 1u);
  EXPECT_EQ(check("<p>{{title</p>").size(), 1u);
  EXPECT_EQ(check("{{.}}").size(), 1u);  // outside any section
}

TEST(PageTemplateCheck, NamesSetInSourceAreTheSetLiterals) {
  auto names = names_set_in_source(R"(d.set("has_findings", true); x.set("title", opt(t)); set("no");)");
  EXPECT_EQ(names, (std::set<std::string>{"has_findings", "title"}));
}

std::string run(const std::string& args) {
  // Per process: ctest runs these tests at the same time, each in its own process.
  std::string out = testing::TempDir() + "/page_check." + std::to_string(::getpid()) + ".out";
  int rc = std::system((std::string(TOM_PAGE_CHECK) + " " + args + " > " + out + " 2>&1").c_str());
  std::ifstream in(out);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return std::to_string(WIFEXITED(rc) ? WEXITSTATUS(rc) : -1) + "\n" + text;
}

TEST(PageTemplateCheck, TheBundledPageTemplatesPass) {
  std::string sources;
  for (const auto& e : std::filesystem::directory_iterator(std::string(TOM_SOURCE_DIR) + "/src/web"))
    if (e.path().extension() == ".cpp") sources += " " + e.path().string();
  std::string result = run(std::string(TOM_SOURCE_DIR) + "/src/web/templates" + sources);
  EXPECT_EQ(result, "0\n");
}

TEST(PageTemplateCheck, TheProgramFailsOnABrokenTemplate) {
  auto dir = std::filesystem::path(testing::TempDir()) / ("broken-pages." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "findings.mustache") << "<h1>Findings</h1>\n{{^findings.0}}None{{/findings.0}}\n";
  std::ofstream(dir / "handler.cpp") << "d.set(\"findings\", rows);\n";
  std::string result = run(dir.string() + " " + (dir / "handler.cpp").string());
  EXPECT_EQ(result.substr(0, 2), "1\n") << result;
  EXPECT_NE(result.find("findings.mustache:2: {{^findings.0}}"), std::string::npos) << result;
}

}  // namespace
}  // namespace tom::web
