// Export -> import gives back the same assessment, for every demo assessment of every bundled template.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/test_support.hpp"

namespace tom {
namespace {

namespace json = boost::json;
using test::run_tom;

json::array answers_of(const json::value& bundle) {
  json::array out;
  for (const auto& a : bundle.at("answers").as_array())
    out.push_back(json::object{{"item", a.at("item")}, {"value", a.at("value")}, {"note", a.at("note")}});
  return out;
}

TEST(RoundTrip, EveryDemoAssessmentSurvivesXlsxExportAndImport) {
  std::string demo = test::temp_path("demo.db");
  ASSERT_EQ(run_tom({"--db", demo, "init", "--demo"}).exit_code, 0);
  auto list = json::parse(run_tom({"--db", demo, "assessment", "list", "--json"}).out).as_array();
  ASSERT_GE(list.size(), 4u);
  std::set<std::string> templates;
  for (const auto& a : list) {
    std::string id = std::to_string(a.at("id").as_int64());
    templates.insert(std::string(a.at("template").as_string()));
    std::string xlsx = test::temp_path("a" + id + ".xlsx"), before = test::temp_path("a" + id + ".json");
    ASSERT_EQ(run_tom({"--db", demo, "export", id, "--format", "xlsx", "-o", xlsx}).exit_code, 0);
    ASSERT_EQ(run_tom({"--db", demo, "export", id, "--format", "json", "-o", before}).exit_code, 0);

    std::string other = test::temp_path("other" + id + ".db");
    ASSERT_EQ(run_tom({"--db", other, "init"}).exit_code, 0);
    auto imported = run_tom({"--db", other, "import", xlsx, "--as", "assessment"});
    ASSERT_EQ(imported.exit_code, 0) << imported.err << imported.out;
    std::string after = test::temp_path("b" + id + ".json");
    ASSERT_EQ(run_tom({"--db", other, "export", "1", "--format", "json", "-o", after}).exit_code, 0);

    auto x = json::parse(test::read_text(before)), y = json::parse(test::read_text(after));
    EXPECT_EQ(answers_of(x), answers_of(y)) << "assessment " << id;
    EXPECT_EQ(x.at("approvals"), y.at("approvals")) << "assessment " << id;
    // Findings with their acceptances (who, role, when, expiry, mitigation) travel in the workbook too.
    EXPECT_EQ(x.at("findings"), y.at("findings")) << "assessment " << id;
    EXPECT_EQ(x.at("participants"), y.at("participants")) << "assessment " << id;
    for (const char* k : {"template", "template_version", "product", "product_version", "title", "custodian"})
      EXPECT_EQ(x.at("assessment").at(k), y.at("assessment").at(k)) << k;
  }
  EXPECT_EQ(templates.size(), 3u) << "every bundled template has a demo assessment";
}

TEST(RoundTrip, CsvHasOneRowPerAnswerableItem) {
  std::string demo = test::temp_path("csv.db");
  ASSERT_EQ(run_tom({"--db", demo, "init", "--demo"}).exit_code, 0);
  auto csv = run_tom({"--db", demo, "export", "1", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_EQ(csv.out.rfind("section,item,party,obligation,value,note", 0), 0u);
  EXPECT_GT(std::count(csv.out.begin(), csv.out.end(), '\n'), 100);
}

TEST(RoundTrip, CsvNeverCarriesAFormula) {
  std::string demo = test::temp_path("csv-formula.db");
  ASSERT_EQ(run_tom({"--db", demo, "init", "--demo"}).exit_code, 0);
  ASSERT_EQ(run_tom({"--db", demo, "answer", "1", "OR-01", "Yes", "--note", "=HYPERLINK(\"http://x\",\"y\")"})
                .exit_code,
            0);
  ASSERT_EQ(run_tom({"--db", demo, "answer", "1", "OR-02", "Yes", "--note", "@SUM(A1)"}).exit_code, 0);
  auto csv = run_tom({"--db", demo, "export", "1", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0);
  EXPECT_NE(csv.out.find(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","), std::string::npos)
      << csv.out.substr(0, 2000);
  EXPECT_NE(csv.out.find(",'@SUM(A1),"), std::string::npos);
  EXPECT_EQ(csv.out.find(",=HYPERLINK"), std::string::npos);
  EXPECT_EQ(csv.out.find(",\"=HYPERLINK"), std::string::npos);
  EXPECT_EQ(csv.out.find(",@SUM"), std::string::npos);
}

}  // namespace
}  // namespace tom
