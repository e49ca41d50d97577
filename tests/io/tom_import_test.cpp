// Imports the real TOM workbooks (../shared/tom-templates) as templates and checks, sheet by sheet, what came
// in.
#include "io/tom_import/template_import.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "domain/upgrade.hpp"
#include "support/test_support.hpp"

namespace tom::io::tom_import {
namespace {

using namespace tom::domain;

std::string shared(const std::string& name) {
  return std::string(TOM_SHARED_DIR) + "/tom-templates/" + name;
}

TemplateImport import_shared(const std::string& name, const std::string& version = "") {
  auto wb = workbook::read_workbook_file(shared(name));
  if (!wb) throw std::runtime_error(wb.error().describe());
  auto t = import_template(*wb, name, {"", version, ""});
  if (!t) throw std::runtime_error(t.error().describe());
  return std::move(t).value();
}

size_t requirements(const Section& s) {
  return static_cast<size_t>(
      std::count_if(s.items.begin(), s.items.end(), [](const Item& i) { return i.kind == ItemKind::kReq; }));
}

std::vector<std::string> choices(const Template& t, const std::string& item_id) {
  const Item* i = t.find_item(item_id);
  if (!i) return {"<no item " + item_id + ">"};
  const Vocabulary* v = t.vocabulary_of(*i);
  return v ? v->values : std::vector<std::string>{};
}

class RealWorkbooks : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(shared("ers-api-tom-v1.2.xlsx"))) {
      if (std::getenv("CI")) FAIL() << "../shared/tom-templates is missing in CI";
      GTEST_SKIP() << "../shared/tom-templates not beside the clone";
    }
  }
};

TEST_F(RealWorkbooks, ErsApiTomImportsSheetBySheet) {
  TemplateImport imp = import_shared("ers-api-tom-v1.2.xlsx");
  const Template& t = imp.tmpl;
  EXPECT_EQ(t.version, "1.2");
  std::map<std::string, size_t> reqs;
  for (const auto& s : t.sections) reqs[s.title] = requirements(s);
  EXPECT_EQ(reqs["9 - e-RS API Overarching reqs"], 28u);
  EXPECT_EQ(reqs["9.1 - NHS e-RS Session APIs"], 8u);
  EXPECT_EQ(reqs["9.2 - NHS e-RS Ref Data APIs"], 3u);
  EXPECT_EQ(reqs["9.3 - NHS e-RS CRI APIs"], 13u);
  // Sample ids with their text.
  ASSERT_NE(t.find_item("A001-01"), nullptr);
  EXPECT_EQ(t.find_item("A001-01")->text.rfind("API Call: Create Professional", 0), 0u)
      << t.find_item("A001-01")->text;
  ASSERT_NE(t.find_item("GR-001"), nullptr);
  EXPECT_EQ(t.find_item("GR-001")->text.rfind("Submission of Signed Connection Agreement", 0), 0u);
  EXPECT_EQ(t.find_item("A005-02")->text, "API: Retrieve Request");
  EXPECT_EQ(t.section_of("A004-03")->title, "9.2 - NHS e-RS Ref Data APIs");
  // The compliance dropdown on the requirement sheets (an x14 extension list in the file).
  const std::vector<std::string> compliance = {"Compliant", "Semi-compliant", "Non-compliant", "N/a"};
  for (const char* id : {"GR-001", "A001-01", "A004-01", "A005-01"})
    EXPECT_EQ(choices(t, id), compliance) << id;
  // The mechanism lists on the IG sheet.
  std::set<std::vector<std::string>> ig_lists;
  for (const auto& s : t.sections)
    if (s.kind == SectionKind::kIgSecurity)
      for (const auto& i : s.items)
        if (const Vocabulary* v = t.vocabulary_of(i)) ig_lists.insert(v->values);
  EXPECT_TRUE(ig_lists.count({"Spine Smartcard", "Alternative Strong Authentication", "Other", "None"}));
  EXPECT_TRUE(ig_lists.count({"National RBAC", "Local RBAC", "Other", "None"}));
  EXPECT_TRUE(ig_lists.count({"Full Audit", "Other", "None"}));
  // The topology choice, the phases and the parties.
  EXPECT_EQ(choices(t, "TOP-SCENARIO"),
            (std::vector<std::string>{"Deployment Topology A", "Deployment Topology B"}));
  EXPECT_EQ(t.phases.size(), 3u);
  EXPECT_TRUE(t.find_party("central") && t.find_party("end-user") && t.find_party("supplier"));
  // What was not mapped is said, with sheet and row.
  bool lists_noted = false;
  for (const auto& n : imp.notes) lists_noted |= n.sheet == "Lists";
  EXPECT_TRUE(lists_noted);
}

TEST_F(RealWorkbooks, SmsClientXlsImportsSheetBySheet) {
  TemplateImport imp = import_shared("smsp-tom-v0.10.xls");
  const Template& t = imp.tmpl;
  std::map<std::string, size_t> reqs;
  for (const auto& s : t.sections) reqs[s.title] = requirements(s);
  EXPECT_EQ(reqs["9a - SMS Generic Client Reqs"], 16u);
  EXPECT_EQ(reqs["9b - SMS PDS Client Reqs"], 13u);
  ASSERT_NE(t.find_item("MSCA-ORG-01"), nullptr);
  EXPECT_NE(t.find_item("MSCA-ORG-01")->text.find("Acceptable Use Policy"), std::string::npos);
  EXPECT_EQ(t.find_item("MSCA-ORG-01")->obligation, Obligation::kMust);
  EXPECT_EQ(t.find_item("MSCA-PDS-01")->obligation, Obligation::kShould);
  ASSERT_NE(t.find_item("MSCA-AUD-07"), nullptr);
  ASSERT_NE(t.find_item("OR-01"), nullptr);  // accountability
  // Yes / No / N/A on the requirement sheets; the mechanism lists on the IG sheet.
  const std::vector<std::string> yes_no_na = {"Yes", "No", "N/A"};
  for (const char* id : {"MSCA-ORG-01", "MSCA-AUD-07", "MSCA-PDS-01"})
    EXPECT_EQ(choices(t, id), yes_no_na) << id;
  std::set<std::vector<std::string>> ig_lists;
  for (const auto& s : t.sections)
    if (s.kind == SectionKind::kIgSecurity)
      for (const auto& i : s.items)
        if (const Vocabulary* v = t.vocabulary_of(i)) ig_lists.insert(v->values);
  EXPECT_TRUE(ig_lists.count({"Spine Smartcard", "Alternative Strong Authentication", "Other", "None"}));
  EXPECT_TRUE(ig_lists.count({"Spine Compliant System Patient Shielding", "Other", "None", "n/a"}));
  // The family's rules come with it: a non-compliant Must escalates; 'Other' in IG goes to the SIRO.
  std::set<std::string> rule_ids;
  for (const auto& r : t.rules) rule_ids.insert(r.id);
  EXPECT_TRUE(rule_ids.count("must-non-compliant") && rule_ids.count("ig-other-siro-review"));
}

TEST_F(RealWorkbooks, UpgradeAcrossARevisionCarriesAnswersByIdNotRow) {
  // A revision like the e-RS TOM's: a row inserted in the IG sheet (every row below moves) and a new
  // requirement.
  std::string revised = test::temp_path("ers-revised.xlsx");
  std::string cmd = "/usr/bin/python3 " + test::source_path("tests/io/fixtures/make_ers_revision.py") + " '" +
                    shared("ers-api-tom-v1.2.xlsx") + "' '" + revised + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  Template v12 = import_shared("ers-api-tom-v1.2.xlsx", "1.2").tmpl;
  auto wb = workbook::read_workbook_file(revised);
  ASSERT_TRUE(wb.ok()) << wb.error().describe();
  auto v13 = import_template(*wb, "revised.xlsx", {v12.id, "1.3", ""});
  ASSERT_TRUE(v13.ok()) << v13.error().describe();

  // Answers on IG rows below the inserted row, and on a requirement.
  AnswerSet answers;
  std::vector<std::string> ig_ids;
  for (const auto& s : v12.sections)
    if (s.kind == SectionKind::kIgSecurity)
      for (const auto& i : s.items)
        if (i.answerable() && ig_ids.size() < 6) ig_ids.push_back(i.id);
  ASSERT_EQ(ig_ids.size(), 6u);
  for (const auto& id : ig_ids) {
    const Item* item = v12.find_item(id);
    const Vocabulary* voc = v12.vocabulary_of(*item);
    answers[id] = Answer{id, voc ? voc->values.front() : "documented", "", "", "", "", 1};
  }
  answers["A001-01"] = Answer{"A001-01", "Compliant", "", "", "", "", 1};
  UpgradeReport r = plan_upgrade(v12, v13->tmpl, answers);
  EXPECT_EQ(r.carried.size(), answers.size());
  EXPECT_TRUE(r.removed.empty()) << r.removed.front();
  EXPECT_TRUE(r.needs_review.empty());
  ASSERT_EQ(r.added.size(), 2u);
  EXPECT_NE(std::find(r.added.begin(), r.added.end(), "GR-004"), r.added.end());
  EXPECT_TRUE(std::any_of(r.added.begin(), r.added.end(),
                          [](const std::string& id) { return id.rfind("IG-MULTI-FACTOR", 0) == 0; }))
      << r.added[0] << " " << r.added[1];
  // The answered IG items kept their ids though their rows moved down by one.
  for (const auto& id : ig_ids) EXPECT_NE(v13->tmpl.find_item(id), nullptr) << id;
}

TEST_F(RealWorkbooks, AFilledWorkbookImportsAsAnAssessment) {
  std::string filled = test::temp_path("ers-filled.xlsx");
  std::string cmd = "/usr/bin/python3 " + test::source_path("tests/io/fixtures/make_ers_filled.py") + " '" +
                    shared("ers-api-tom-v1.2.xlsx") + "' '" + filled + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  Template t = import_shared("ers-api-tom-v1.2.xlsx", "1.2").tmpl;
  auto wb = workbook::read_workbook_file(filled);
  ASSERT_TRUE(wb.ok());
  auto a = import_assessment(*wb, "filled.xlsx", t);
  ASSERT_TRUE(a.ok()) << a.error().describe();
  const auto& answers = a->bundle.answers;
  ASSERT_TRUE(answers.count("A001-01"));
  EXPECT_EQ(answers.at("A001-01").value, "Compliant");  // matched to the vocabulary's spelling
  EXPECT_EQ(answers.at("A001-01").note, "Tested in the integration environment, report TR-7");
  ASSERT_TRUE(answers.count("TOP-SCENARIO"));
  EXPECT_EQ(answers.at("TOP-SCENARIO").value, "Deployment Topology A");
  // A value that is not a choice is refused, with sheet, row and item.
  std::string bad = test::temp_path("ers-bad.xlsx");
  cmd =
      "/usr/bin/python3 -c \"import sys,zipfile,re; z=zipfile.ZipFile(sys.argv[1]); "
      "o=zipfile.ZipFile(sys.argv[2],'w');"
      "[o.writestr(z.getinfo(n), re.sub(rb'compliant <', b'Maybe<', z.read(n)) if "
      "n.startswith('xl/worksheets') else z.read(n)) for n in z.namelist()]\" '" +
      filled + "' '" + bad + "'";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto bad_wb = workbook::read_workbook_file(bad);
  ASSERT_TRUE(bad_wb.ok());
  auto refused = import_assessment(*bad_wb, "bad.xlsx", t);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().describe().find("[A001-01] 'Maybe' is not one of the choices"), std::string::npos)
      << refused.error().describe();
}

TEST(TomImport, RefusesWhatIsNotATom) {
  // A spreadsheet with no checklist sheet.
  workbook::Workbook wb;
  wb.format = "xlsx";
  workbook::Sheet s;
  s.name = "Budget";
  s.set(0, 0, {"Quarter", "", workbook::Cell::Type::kText});
  s.set(0, 1, {"Spend", "", workbook::Cell::Type::kText});
  wb.sheets.push_back(s);
  auto t = import_template(wb, "budget.xlsx", {});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("no recognisable TOM sheet"), std::string::npos) << t.error().message;
  // Not a spreadsheet at all.
  auto not_sheet = workbook::read_workbook("just some text, not a workbook", "notes.txt");
  ASSERT_FALSE(not_sheet.ok());
  EXPECT_EQ(not_sheet.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(not_sheet.error().message.find("notes.txt is not a spreadsheet"), std::string::npos);
}

TEST(TomImport, RefusesAnOversizedUploadBeforeReadingIt) {
  std::string path = test::temp_path("huge.xlsx");
  {
    std::ofstream f(path, std::ios::binary);
    f.seekp(200ll * 1024 * 1024);  // a sparse 200 MB file: no disk, no memory
    f.put('\0');
  }
  auto wb = workbook::read_workbook_file(path);
  ASSERT_FALSE(wb.ok());
  EXPECT_EQ(wb.error().code, ErrorCode::kTooLarge);
}

TEST(TomImport, IdsAreNormalised) {
  EXPECT_EQ(normalise_id("MSCA - VM01"), "MSCA-VM01");
  EXPECT_EQ(normalise_id(" A001-01 "), "A001-01");
  EXPECT_EQ(normalise_id("msca-aud-03"), "MSCA-AUD-03");
  EXPECT_EQ(normalise_id("Organisational Requirements"), "");
  EXPECT_EQ(normalise_id("IT-Ops"), "");
  EXPECT_EQ(normalise_id("2018-03-16"), "");
}

}  // namespace
}  // namespace tom::io::tom_import
