// The legacy .xls reader against the real SMSP TOM workbook (facts checked independently with xlrd 1.2 and,
// for data validations, by decoding the DV records by hand) and against tiny files built in code.
#include "io/xls/xls_reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "io/xls/ole2.hpp"
#include "io/xls/xls_builder.hpp"

namespace tom::io::xls {
namespace {

using workbook::Cell;
using workbook::Range;
using workbook::ReadLimits;
using workbook::Sheet;
using workbook::Validation;
using workbook::Workbook;
using namespace testing;  // NOLINT: the builder helpers

const std::string kPath = std::string(TOM_SHARED_DIR) + "/tom-templates/smsp-tom-v0.10.xls";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const std::string& real_bytes() {
  static const std::string bytes = slurp(kPath);
  return bytes;
}

const Workbook& real() {
  static const Workbook wb = [] {
    const std::string& bytes = real_bytes();
    auto start = std::chrono::steady_clock::now();
    auto r = read_xls(bytes, "smsp-tom-v0.10.xls", {});
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
                  .count();
    std::cout << "[ xls ] loaded smsp-tom-v0.10.xls (" << bytes.size() << " bytes) in " << us / 1000.0
              << " ms\n";
    if (!r.ok()) {
      ADD_FAILURE() << r.error().message;
      return Workbook{};
    }
    return std::move(r).value();
  }();
  return wb;
}

const Sheet& sheet(const std::string& name) {
  const Sheet* s = real().find_sheet(name);
  if (!s) throw std::runtime_error("no sheet " + name);
  return *s;
}

// Row/col 1-based in the call for readability: A1 style "F", 25.
std::string text(const Sheet& s, const char* col, int row) {
  return s.text(row - 1, workbook::column_index(col));
}

const Validation* validation_at(const Sheet& s, const char* col, int row) {
  for (const auto& v : s.validations)
    for (const auto& r : v.ranges)
      if (r.contains(row - 1, workbook::column_index(col))) return &v;
  return nullptr;
}

Range rng(const char* a1) {
  return *workbook::parse_range(a1);
}
bool same(const Range& a, const Range& b) {
  return a.first == b.first && a.last == b.last;
}

using Strings = std::vector<std::string>;

TEST(XlsRealWorkbook, LoadsSheetsInOrder) {
  ASSERT_EQ(real().sheets.size(), 13u);
  EXPECT_EQ(real().format, "xls");
  const Strings expected = {"Cover",
                            "INTRODUCTION",
                            "Approval",
                            "1 - Basic Details",
                            "2 - Topology",
                            "3 - Contacts Log",
                            "4 - Contracts-Agreements",
                            "5 - Accountability",
                            "6 - Architecture",
                            "7 - IG",
                            "8 - Clinical Safety",
                            "9a - SMS Generic Client Reqs",
                            "9b - SMS PDS Client Reqs"};
  // Non-empty cells per sheet, as xlrd counts them (empty-string labels included).
  const std::vector<size_t> cells = {81, 35, 66, 116, 22, 94, 88, 144, 59, 131, 62, 118, 98};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(real().sheets[i].name, expected[i]);
    EXPECT_FALSE(real().sheets[i].hidden) << expected[i];
    EXPECT_EQ(real().sheets[i].cell_count(), cells[i]) << expected[i];
  }
}

TEST(XlsRealWorkbook, RequirementRowsWithNeighbours) {
  const Sheet& a = sheet("9a - SMS Generic Client Reqs");
  EXPECT_EQ(text(a, "B", 8), "Category / Requirement");
  EXPECT_EQ(text(a, "H", 8), "Compliance Status");
  EXPECT_EQ(text(a, "B", 9), "Organisational Requirements");
  EXPECT_EQ(text(a, "B", 10), "MSCA-ORG-01");
  EXPECT_EQ(text(a, "C", 10),
            "The Deploying Organisation MUST conform with the Acceptable Use Policy for Spine Mini Services");
  EXPECT_EQ(text(a, "F", 10), "Must");
  EXPECT_EQ(text(a, "J", 10), "Req");
  EXPECT_EQ(text(a, "B", 27), "MSCA-AUD-07");
  EXPECT_EQ(text(a, "G", 15),
            "\xE2\x80\xA6...on behalf of the Client Supplier ");  // U+2026, trailing space kept
  EXPECT_EQ(a.at(9, 7), nullptr);  // H10: the answer cell is empty in the template
  const Sheet& b = sheet("9b - SMS PDS Client Reqs");
  EXPECT_EQ(text(b, "B", 10), "MSCA-PDS-01");
  EXPECT_EQ(text(b, "F", 10), "Should");
  EXPECT_EQ(text(b, "B", 17), "PDS - Data Quality");
  EXPECT_EQ(text(b, "B", 23), "MSCA-DQ-06");
  EXPECT_EQ(text(b, "F", 23), "Should");
}

TEST(XlsRealWorkbook, NumbersAndFormulaResults) {
  const Sheet& cover = sheet("Cover");
  const Cell* c = cover.at(13, 1);  // B14: a date, shown as its serial number
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->type, Cell::Type::kNumber);
  EXPECT_EQ(c->text, "42466");
  EXPECT_EQ(text(cover, "A", 16), "0.3");  // MULRK with the /100 flag
  EXPECT_EQ(text(cover, "B", 22), "42591");
  const Sheet& ig = sheet("7 - IG");
  const Cell* f = ig.at(13, 5);  // F14: cached string result from the STRING record
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->type, Cell::Type::kText);
  EXPECT_EQ(f->text, "PASS");
  EXPECT_EQ(f->formula, "IF(F15=\"No\",\"FAIL\",\"PASS\")");
  EXPECT_EQ(text(ig, "H", 14), "MUST");
  EXPECT_EQ(text(sheet("8 - Clinical Safety"), "C", 21), "1 - None Required");
}

TEST(XlsRealWorkbook, MergedRanges) {
  const Sheet& approval = sheet("Approval");
  ASSERT_EQ(approval.merged.size(), 8u);
  for (const char* r : {"D17:G17", "D16:G16", "D15:G15", "E9:G9", "E10:G10", "E11:G11", "E12:G12", "E13:G13"})
    EXPECT_TRUE(std::any_of(approval.merged.begin(), approval.merged.end(), [&](const Range& m) {
      return same(m, rng(r));
    })) << r;
  EXPECT_EQ(sheet("2 - Topology").merged.size(), 69u);
  const Sheet& a = sheet("9a - SMS Generic Client Reqs");
  ASSERT_EQ(a.merged.size(), 3u);
  EXPECT_TRUE(same(a.merged[0], rng("B9:C9")));
  EXPECT_TRUE(same(a.merged[1], rng("B14:C14")));
  EXPECT_TRUE(same(a.merged[2], rng("B20:C20")));
  EXPECT_EQ(sheet("7 - IG").merged.size(), 4u);
  EXPECT_EQ(sheet("9b - SMS PDS Client Reqs").merged.size(), 2u);
}

TEST(XlsRealWorkbook, HiddenRows) {
  // Only Approval hides rows: 49-54 hold its dropdown lists.
  EXPECT_EQ(sheet("Approval").hidden_rows, (std::vector<int>{48, 49, 50, 51, 52, 53}));
  EXPECT_TRUE(sheet("Approval").row_hidden(50));
  for (const auto& s : real().sheets) {
    if (s.name != "Approval") {
      EXPECT_TRUE(s.hidden_rows.empty()) << s.name;
    }
    EXPECT_TRUE(s.hidden_cols.empty()) << s.name;
  }
}

TEST(XlsRealWorkbook, DefinedNames) {
  const auto& names = real().names;
  ASSERT_EQ(names.size(), 17u);
  auto find = [&](const std::string& n, int local) -> const workbook::DefinedName* {
    for (const auto& d : names)
      if (d.name == n && d.local_sheet == local) return &d;
    return nullptr;
  };
  auto* filter = find("_FilterDatabase", 1);
  ASSERT_NE(filter, nullptr);
  EXPECT_TRUE(filter->hidden);
  EXPECT_EQ(filter->formula, "INTRODUCTION!$B$81");
  // External references through SUPBOOK 1 (Supplier Certified Requirements Coverage v6.3.xls) and 2.
  ASSERT_NE(find("Bundles", -1), nullptr);
  EXPECT_EQ(find("Bundles", -1)->formula, "[1]Lists!$E$2:$E$27");
  ASSERT_NE(find("YesNo", -1), nullptr);
  EXPECT_EQ(find("YesNo", -1)->formula, "[1]Lists!$I$2:$I$4");
  ASSERT_NE(find("Programmes", -1), nullptr);
  EXPECT_EQ(find("Programmes", -1)->formula, "[2]Data!$B$3:$B$25");
  ASSERT_NE(find("_Toc456344471", 2), nullptr);
  EXPECT_EQ(find("_Toc456344471", 2)->formula, "#REF!");  // ptgRefErr3d
  // Tests_Dist_Env: global and local to three sheets, all ptgAreaErr3d.
  for (int local : {-1, 2, 6, 12}) {
    ASSERT_NE(find("Tests_Dist_Env", local), nullptr) << local;
    EXPECT_EQ(find("Tests_Dist_Env", local)->formula, "#REF!");
  }
  // EXTERNSHEET entry 2 is (SUPBOOK 1, itab -1): a sheet the external book no longer has.
  ASSERT_NE(find("Compliance_Level", -1), nullptr);
  EXPECT_EQ(find("Compliance_Level", -1)->formula, "#REF!");
  // An external name cannot be resolved to values.
  EXPECT_TRUE(workbook::resolve_list(real(), 11, "YesNo").empty());
}

TEST(XlsRealWorkbook, YesNoValidationsOnRequirementSheets) {
  const Sheet& a = sheet("9a - SMS Generic Client Reqs");
  ASSERT_EQ(a.validations.size(), 1u);
  const Validation& v = a.validations[0];
  EXPECT_EQ(v.type, "list");
  EXPECT_EQ(v.formula1, "\"Yes, No, N/A\"");
  EXPECT_EQ(v.values, (Strings{"Yes", "No", "N/A"}));
  ASSERT_EQ(v.ranges.size(), 3u);
  EXPECT_TRUE(same(v.ranges[0], rng("H21:H27")));
  EXPECT_TRUE(same(v.ranges[1], rng("H15:H19")));
  EXPECT_TRUE(same(v.ranges[2], rng("H10:H13")));
  EXPECT_EQ(validation_at(a, "H", 14), nullptr);  // the 'General IG' category row has none
  const Sheet& b = sheet("9b - SMS PDS Client Reqs");
  ASSERT_EQ(b.validations.size(), 1u);
  EXPECT_EQ(b.validations[0].values, (Strings{"Yes", "No", "N/A"}));
  ASSERT_EQ(b.validations[0].ranges.size(), 2u);
  EXPECT_TRUE(same(b.validations[0].ranges[0], rng("H10:H16")));
  EXPECT_TRUE(same(b.validations[0].ranges[1], rng("H18:H23")));
  const Validation* acc = validation_at(sheet("5 - Accountability"), "H", 10);
  ASSERT_NE(acc, nullptr);
  EXPECT_EQ(acc->values, (Strings{"Yes", "No", "N/A"}));
}

TEST(XlsRealWorkbook, MechanismListsOnIg) {
  const Sheet& ig = sheet("7 - IG");
  ASSERT_EQ(ig.validations.size(), 6u);
  struct Expect {
    int row;
    const char* label;
    Strings values;
  };
  const std::vector<Expect> expected = {
      {25, "Authentication", {"Spine Smartcard", "Alternative Strong Authentication", "Other", "None"}},
      {26, "Role Based Access Control (RBAC)", {"National RBAC", "Local RBAC", "Other", "None"}},
      {27, "Patient Shielding", {"Spine Compliant System Patient Shielding", "Other", "None", "n/a"}},
      {28, "Audit", {"Full Audit", "Other", "None"}},
      {29, "Data Retention", {"Data Retention", "Other", "None"}},
  };
  for (const auto& e : expected) {
    EXPECT_EQ(text(ig, "C", e.row), e.label);
    const Validation* v = validation_at(ig, "F", e.row);
    ASSERT_NE(v, nullptr) << e.label;
    EXPECT_EQ(v->type, "list");
    EXPECT_EQ(v->values, e.values) << e.label;
    ASSERT_EQ(v->ranges.size(), 1u);
  }
  EXPECT_EQ(validation_at(ig, "F", 25)->formula1,
            "\"Spine Smartcard, Alternative Strong Authentication, Other, None\"");
  EXPECT_EQ(validation_at(ig, "F", 26)->formula1, "\"National RBAC,Local RBAC,Other,None\"");
  // Yes/No on the technical controls F17:F23 and others.
  const Validation* yn = validation_at(ig, "F", 17);
  ASSERT_NE(yn, nullptr);
  EXPECT_EQ(yn->values, (Strings{"Yes", "No"}));
  EXPECT_EQ(yn->ranges.size(), 6u);
  EXPECT_EQ(validation_at(ig, "F", 23), yn);
  EXPECT_EQ(validation_at(ig, "F", 24), nullptr);
}

TEST(XlsRealWorkbook, ListsFromRangesOnTheSameSheet) {
  // Approval's dropdowns read ranges in its hidden rows 49-54.
  const Sheet& approval = sheet("Approval");
  ASSERT_EQ(approval.validations.size(), 2u);
  const Validation* area = validation_at(approval, "D", 11);
  ASSERT_NE(area, nullptr);
  EXPECT_EQ(area->formula1, "$C$49:$C$51");
  EXPECT_EQ(area->values, (Strings{"Select", "Approved", "Rejected"}));
  const Validation* action = validation_at(approval, "D", 17);
  ASSERT_NE(action, nullptr);
  EXPECT_EQ(action->formula1, "$B$49:$B$54");
  ASSERT_EQ(action->values.size(), 6u);
  EXPECT_EQ(action->values[0], "Select");
  EXPECT_EQ(action->values[5], "The usage and settings statement has been rejected");
  const Validation* grade = validation_at(sheet("1 - Basic Details"), "E", 28);
  ASSERT_NE(grade, nullptr);
  EXPECT_EQ(grade->formula1, "$B$51:$B$55");
  EXPECT_EQ(grade->values, (Strings{"Select", "Not Complete", "1 - Not Satisfactory",
                                    "2 - Satisfactory with Improvement Plan", "3 - Satisfactory"}));
  const Validation* contract = validation_at(sheet("4 - Contracts-Agreements"), "E", 12);
  ASSERT_NE(contract, nullptr);
  EXPECT_EQ(contract->values, (Strings{"Select", "Yes", "No"}));
  const Validation* topology = validation_at(sheet("2 - Topology"), "Z", 30);
  ASSERT_NE(topology, nullptr);
  EXPECT_EQ(topology->values, (Strings{"Y", "N"}));
}

// ---- corrupt and hostile real-file mutations ----

struct Layout {
  uint32_t workbook_start = 0;
  size_t fat_entry_offset = 0;  // file offset of the FAT entry for workbook_start
};

Layout layout(const std::string& bytes) {
  auto cf = ole2::CompoundFile::open(bytes, "x");
  EXPECT_TRUE(cf.ok());
  int e = cf->find_root_stream("Workbook");
  EXPECT_GE(e, 0);
  Layout l;
  l.workbook_start = cf->entries()[static_cast<size_t>(e)].start;
  uint32_t fat_sector = get32(bytes, 76 + 4 * (l.workbook_start / 128));
  l.fat_entry_offset = (static_cast<size_t>(fat_sector) + 1) * 512 + 4 * (l.workbook_start % 128);
  return l;
}

Error read_error(const std::string& bytes, const ReadLimits& limits = {}) {
  auto r = read_xls(bytes, "t.xls", limits);
  EXPECT_FALSE(r.ok());
  if (!r.ok() && std::getenv("XLS_SHOW")) std::cout << "  -> " << r.error().message << "\n";
  return r.ok() ? Error{} : r.error();
}

TEST(XlsCorrupt, FatLoopInWorkbookChain) {
  std::string bytes = real_bytes();
  Layout l = layout(bytes);
  set32(bytes, l.fat_entry_offset, l.workbook_start);  // the first sector points to itself
  Error e = read_error(bytes);
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("Workbook"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("loops at sector " + std::to_string(l.workbook_start)), std::string::npos)
      << e.message;
}

TEST(XlsCorrupt, SectorIdPastTheEnd) {
  std::string bytes = real_bytes();
  Layout l = layout(bytes);
  set32(bytes, l.fat_entry_offset, 0x00100000);
  Error e = read_error(bytes);
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("stream 'Workbook'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("sector 1048576, outside the file"), std::string::npos) << e.message;
}

TEST(XlsCorrupt, DirectoryOutsideTheFile) {
  std::string bytes = real_bytes();
  set32(bytes, 48, 0x00FFFFFF);
  Error e = read_error(bytes);
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("directory"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("outside the file"), std::string::npos) << e.message;
}

TEST(XlsCorrupt, StreamSizeBeyondItsChain) {
  std::string bytes = real_bytes();
  auto cf = ole2::CompoundFile::open(bytes, "x");
  ASSERT_TRUE(cf.ok());
  // Find the Workbook directory entry on disk by its UTF-16 name and grow its size past the file.
  const std::string name16 = std::string("W\0o\0r\0k\0b\0o\0o\0k\0", 16);
  size_t at = bytes.find(name16);
  ASSERT_NE(at, std::string::npos);
  set32(bytes, at + 120, static_cast<uint32_t>(bytes.size() + 4096));
  Error e = read_error(bytes);
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("stream 'Workbook' claims"), std::string::npos) << e.message;
}

TEST(XlsCorrupt, TruncatedFile) {
  for (size_t keep : {size_t{100}, size_t{600}, real_bytes().size() / 2, real_bytes().size() - 700}) {
    Error e = read_error(real_bytes().substr(0, keep));
    EXPECT_EQ(e.code, ErrorCode::kInvalidInput) << keep;
    EXPECT_TRUE(e.message.find("truncated") != std::string::npos ||
                e.message.find("outside the file") != std::string::npos)
        << keep << ": " << e.message;
  }
}

TEST(XlsCorrupt, NotOle2) {
  Error e = read_error("PK\x03\x04 not an xls at all");
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("not an OLE2 compound file"), std::string::npos) << e.message;
  EXPECT_EQ(read_error("").code, ErrorCode::kInvalidInput);
}

TEST(XlsCorrupt, Ole2WithoutWorkbookStream) {
  std::string bytes = compound_file(std::string(100, 'x'), "WordDocument");
  Error e = read_error(bytes);
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("not an Excel workbook"), std::string::npos) << e.message;
}

TEST(XlsLimits, Enforced) {
  ReadLimits small_file;
  small_file.max_file_bytes = 1000;
  EXPECT_EQ(read_error(real_bytes(), small_file).code, ErrorCode::kTooLarge);
  ReadLimits cells;
  cells.max_cells = 500;
  Error e = read_error(real_bytes(), cells);
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
  EXPECT_NE(e.message.find("500 cells"), std::string::npos) << e.message;
  ReadLimits sheets;
  sheets.max_sheets = 12;
  EXPECT_EQ(read_error(real_bytes(), sheets).code, ErrorCode::kTooLarge);
  ReadLimits stream;
  stream.max_part_bytes = 100'000;  // the Workbook stream is 308,777 bytes
  e = read_error(real_bytes(), stream);
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
  EXPECT_NE(e.message.find("stream 'Workbook'"), std::string::npos) << e.message;
  ReadLimits exact;
  exact.max_cells = 1114;  // all cells of the workbook
  exact.max_sheets = 13;
  EXPECT_TRUE(read_xls(real_bytes(), "t.xls", exact).ok());
}

}  // namespace
}  // namespace tom::io::xls
