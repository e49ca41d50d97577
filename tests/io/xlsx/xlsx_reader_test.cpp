// The .xlsx reader against the real e-RS API TOM workbook (facts checked independently with openpyxl and by
// unzipping the XML: openpyxl drops the x14 validations) and against small zips built here, well-formed and
// not.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "io/xlsx/xlsx_reader.hpp"

namespace tom::io::xlsx {
namespace {

using workbook::Cell;
using workbook::ReadLimits;
using workbook::Sheet;
using workbook::Workbook;

// ---- A small zip writer for building test inputs ----

struct Part {
  Part(std::string n, std::string d, bool deflated = true)
      : name(std::move(n)), data(std::move(d)), deflate(deflated) {}
  std::string name;
  std::string data;  // uncompressed content
  bool deflate = true;
  std::optional<std::string> compressed;  // raw bytes to store instead of compressing `data`
  std::optional<uint32_t> declared_size;  // lie about the uncompressed size
  std::optional<uint32_t> crc;
  uint16_t flags = 0;
  std::optional<uint16_t> method;
};

void put16(std::string& out, uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

// Raw deflate (no zlib header), as zip method 8 stores it.
std::string deflate_raw(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Raw deflate of `n` zero bytes, fed 1 MiB at a time; also returns their CRC.
std::string deflate_zeros(size_t n, uint32_t& crc) {
  const std::string zeros(1 << 20, '\0');
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 1, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out;
  char buf[1 << 16];
  uLong c = crc32(0L, Z_NULL, 0);
  size_t left = n;
  for (;;) {
    size_t take = std::min(left, zeros.size());
    c = crc32(c, reinterpret_cast<const Bytef*>(zeros.data()), static_cast<uInt>(take));
    left -= take;
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    zs.avail_in = static_cast<uInt>(take);
    int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    int rc;
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      rc = deflate(&zs, flush);
      out.append(buf, sizeof buf - zs.avail_out);
    } while (zs.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    if (left == 0) break;
  }
  deflateEnd(&zs);
  crc = static_cast<uint32_t>(c);
  return out;
}

std::string build_zip(const std::vector<Part>& parts) {
  std::string out, cd;
  for (const Part& p : parts) {
    uint32_t offset = static_cast<uint32_t>(out.size());
    std::string body = p.compressed ? *p.compressed : (p.deflate ? deflate_raw(p.data) : p.data);
    uint16_t method = p.method ? *p.method : (p.deflate ? 8 : 0);
    uint32_t crc = p.crc ? *p.crc
                         : static_cast<uint32_t>(crc32(0L, reinterpret_cast<const Bytef*>(p.data.data()),
                                                       static_cast<uInt>(p.data.size())));
    uint32_t size = p.declared_size ? *p.declared_size : static_cast<uint32_t>(p.data.size());
    auto header = [&](std::string& h, bool central) {
      put32(h, central ? 0x02014b50 : 0x04034b50);
      if (central) put16(h, 20);
      put16(h, 20);
      put16(h, p.flags);
      put16(h, method);
      put16(h, 0);     // time
      put16(h, 0x21);  // date
      put32(h, crc);
      put32(h, static_cast<uint32_t>(body.size()));
      put32(h, size);
      put16(h, static_cast<uint32_t>(p.name.size()));
      put16(h, 0);  // extra
      if (central) {
        put16(h, 0);  // comment
        put16(h, 0);  // disk
        put16(h, 0);  // internal attributes
        put32(h, 0);  // external attributes
        put32(h, offset);
      }
      h += p.name;
    };
    header(out, false);
    out += body;
    header(cd, true);
  }
  uint32_t cd_offset = static_cast<uint32_t>(out.size());
  out += cd;
  put32(out, 0x06054b50);
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<uint32_t>(parts.size()));
  put16(out, static_cast<uint32_t>(parts.size()));
  put32(out, static_cast<uint32_t>(cd.size()));
  put32(out, cd_offset);
  put16(out, 0);
  return out;
}

const char* const kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

std::string workbook_xml(const std::vector<std::string>& sheet_names, const std::string& extra = "") {
  std::string x =
      std::string("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"") +
      kMain + "\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>";
  for (size_t i = 0; i < sheet_names.size(); ++i)
    x += "<sheet name=\"" + sheet_names[i] + "\" sheetId=\"" + std::to_string(i + 1) + "\" r:id=\"rId" +
         std::to_string(i + 1) + "\"/>";
  return x + "</sheets>" + extra + "</workbook>";
}

std::string workbook_rels(size_t sheets, const std::string& prefix = "worksheets/") {
  std::string x =
      "<?xml version=\"1.0\"?><Relationships "
      "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
  for (size_t i = 1; i <= sheets; ++i)
    x += "<Relationship Id=\"rId" + std::to_string(i) +
         "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
         "Target=\"" +
         prefix + "sheet" + std::to_string(i) + ".xml\"/>";
  return x + "</Relationships>";
}

std::string sheet_xml(const std::string& body) {
  return std::string("<?xml version=\"1.0\"?><worksheet xmlns=\"") + kMain + "\">" + body + "</worksheet>";
}

// A one-sheet (or more) workbook: sheet bodies are the XML inside <worksheet>.
std::vector<Part> book(const std::vector<std::string>& sheet_bodies, const std::string& shared_strings = "") {
  std::vector<std::string> names;
  for (size_t i = 0; i < sheet_bodies.size(); ++i) names.push_back("Sheet" + std::to_string(i + 1));
  std::vector<Part> parts{{"xl/workbook.xml", workbook_xml(names)},
                          {"xl/_rels/workbook.xml.rels", workbook_rels(sheet_bodies.size())}};
  for (size_t i = 0; i < sheet_bodies.size(); ++i)
    parts.push_back({"xl/worksheets/sheet" + std::to_string(i + 1) + ".xml", sheet_xml(sheet_bodies[i])});
  if (!shared_strings.empty()) parts.push_back({"xl/sharedStrings.xml", shared_strings});
  return parts;
}

Result<Workbook> read(const std::string& bytes, const ReadLimits& limits = {}) {
  return read_xlsx(bytes, "test.xlsx", limits);
}

void expect_error(const Result<Workbook>& r, ErrorCode code, const std::string& needle) {
  ASSERT_FALSE(r.ok()) << "expected an error containing: " << needle;
  EXPECT_EQ(r.error().code, code) << r.error().message;
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
}

// ---- The real workbook ----

class ErsApiTom : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::ifstream in(std::string(TOM_SHARED_DIR) + "/tom-templates/ers-api-tom-v1.2.xlsx", std::ios::binary);
    ASSERT_TRUE(in) << "missing " << TOM_SHARED_DIR << "/tom-templates/ers-api-tom-v1.2.xlsx";
    std::stringstream ss;
    ss << in.rdbuf();
    bytes_ = new std::string(ss.str());
    auto t0 = std::chrono::steady_clock::now();
    auto r = read_xlsx(*bytes_, "ers-api-tom-v1.2.xlsx", {});
    auto t1 = std::chrono::steady_clock::now();
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::cout << "[ log ] read ers-api-tom-v1.2.xlsx (" << bytes_->size() << " bytes) in "
              << std::chrono::duration<double, std::milli>(t1 - t0).count() << " ms\n";
    wb_ = new Workbook(std::move(r).value());
  }
  static void TearDownTestSuite() {
    delete wb_;
    delete bytes_;
    wb_ = nullptr;
    bytes_ = nullptr;
  }
  static const Sheet& sheet(const std::string& name) {
    const Sheet* s = wb_->find_sheet(name);
    EXPECT_NE(s, nullptr) << name;
    static const Sheet empty;
    return s ? *s : empty;
  }
  static Workbook* wb_;
  static std::string* bytes_;
};
Workbook* ErsApiTom::wb_ = nullptr;
std::string* ErsApiTom::bytes_ = nullptr;

TEST_F(ErsApiTom, SheetsInOrderWithTrailingSpacesKept) {
  const std::vector<std::string> expected{"Cover",
                                          "Introduction",
                                          "User Guide",
                                          "Approval Gateways",
                                          "1 - Contact Log",
                                          "2 - Supplier Information ",
                                          "3 - End User Organisation ",
                                          "4 - Topology",
                                          "5 - Architecture",
                                          "6 - IG and Security",
                                          "7 - Clinical Safety",
                                          "8 - Service ",
                                          "9 - e-RS API Overarching reqs",
                                          "9.1 - NHS e-RS Session APIs ",
                                          "9.2 - NHS e-RS Ref Data APIs",
                                          "9.3 - NHS e-RS CRI APIs",
                                          "NHS Digital Assessement",
                                          "Lists"};
  EXPECT_EQ(wb_->format, "xlsx");
  ASSERT_EQ(wb_->sheets.size(), 18u);
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(wb_->sheets[i].name, expected[i]);
    EXPECT_FALSE(wb_->sheets[i].hidden) << expected[i];
  }
}

TEST_F(ErsApiTom, CellCountsMatchOpenpyxl) {
  const std::vector<size_t> counts{146, 20, 12, 62,  97, 70, 261, 31,  126,
                                   239, 77, 96, 174, 68, 33, 99,  250, 157};
  ASSERT_EQ(wb_->sheets.size(), counts.size());
  for (size_t i = 0; i < counts.size(); ++i)
    EXPECT_EQ(wb_->sheets[i].cell_count(), counts[i]) << wb_->sheets[i].name;
}

TEST_F(ErsApiTom, CellTexts) {
  const Sheet& s91 = sheet("9.1 - NHS e-RS Session APIs ");
  EXPECT_EQ(s91.text(6, 1), "Category / Requirement");  // B7
  EXPECT_EQ(s91.text(6, 5), "Compliance Level");        // F7
  EXPECT_EQ(s91.text(7, 1), "A001: Create Professional Session (POST)");
  EXPECT_EQ(s91.text(9, 1), "A001-01");  // B10
  EXPECT_EQ(s91.text(9, 2), "API Call: Create Professional Session");
  EXPECT_EQ(s91.text(9, 5), "Please select \xE2\x80\xA6");  // "Please select …"
  EXPECT_EQ(s91.text(9, 9), "Action");                      // J10
  EXPECT_EQ(s91.text(10, 1), "A001-02");
  EXPECT_EQ(s91.text(10, 2), "Failure Cases");
  EXPECT_EQ(s91.text(10, 3), "All failure cases must be presented to the user.");
  EXPECT_EQ(s91.text(11, 1), "A002: Professional Session Select Role (PUT)");
  EXPECT_EQ(s91.at(9, 1)->type, Cell::Type::kText);
  EXPECT_EQ(s91.at(9, 4 + 2), nullptr);  // G10: styled but blank

  const Sheet& s9 = sheet("9 - e-RS API Overarching reqs");
  EXPECT_EQ(s9.text(0, 1), "Step 9 - NHS e-RS API Overarching Requirements");
  EXPECT_EQ(s9.text(8, 1), "GR-001");
  EXPECT_EQ(s9.text(8, 3), "Documents signed and submitted to NHS Digital");
  EXPECT_EQ(s9.text(9, 2), "Authority To Proceed (ATP) to Commence Formal Assurance");
  EXPECT_EQ(s9.text(12, 1), "GTR-001");
  EXPECT_EQ(s9.text(12, 2), "Data Dictionary");

  // Numbers as a person sees them; dates stay serial numbers.
  const Sheet& cover = sheet("Cover");
  ASSERT_NE(cover.at(6, 2), nullptr);
  EXPECT_EQ(cover.text(6, 2), "1.2");  // C7
  EXPECT_EQ(cover.at(6, 2)->type, Cell::Type::kNumber);
  EXPECT_EQ(cover.text(5, 2), "43175");  // C6, a date

  // A formula with a cached string result (t="str").
  const Sheet& ig = sheet("6 - IG and Security");
  ASSERT_NE(ig.at(21, 5), nullptr);
  EXPECT_EQ(ig.at(21, 5)->formula, "IF(F23=\"No\", \"FAIL\", \"PASS\")");  // F22
  EXPECT_EQ(ig.text(21, 5), "PASS");
  EXPECT_EQ(ig.at(21, 5)->type, Cell::Type::kText);
  EXPECT_EQ(ig.text(21, 7), "MUST");  // H22

  // Shared strings keep their line breaks.
  const Sheet& lists = sheet("Lists");
  EXPECT_EQ(lists.text(77, 1), "Not Satisfactory\n");  // B78
  EXPECT_EQ(lists.text(119, 1), "Please select \xE2\x80\xA6");
  EXPECT_EQ(lists.text(123, 1), "N/a");
  EXPECT_EQ(lists.max_row(), 123);
}

TEST_F(ErsApiTom, MergedRanges) {
  EXPECT_EQ(sheet("6 - IG and Security").merged.size(), 39u);
  EXPECT_EQ(sheet("Cover").merged.size(), 15u);
  EXPECT_EQ(sheet("4 - Topology").merged.size(), 20u);
  EXPECT_EQ(sheet("Lists").merged.size(), 0u);
  const auto& m = sheet("9.1 - NHS e-RS Session APIs ").merged;
  ASSERT_EQ(m.size(), 6u);
  auto has = [&](int r0, int c0, int r1, int c1) {
    return std::any_of(m.begin(), m.end(), [&](const workbook::Range& r) {
      return r.first.row == r0 && r.first.col == c0 && r.last.row == r1 && r.last.col == c1;
    });
  };
  EXPECT_TRUE(has(7, 1, 7, 9));    // B8:J8
  EXPECT_TRUE(has(12, 1, 13, 9));  // B13:J14
}

TEST_F(ErsApiTom, HiddenRowsAndColumns) {
  const Sheet& topo = sheet("4 - Topology");
  EXPECT_EQ(topo.hidden_cols, (std::vector<int>{9, 10, 11}));  // J:K and L
  EXPECT_TRUE(topo.col_hidden(10));
  EXPECT_FALSE(topo.col_hidden(8));
  for (const auto& s : wb_->sheets) {
    EXPECT_TRUE(s.hidden_rows.empty()) << s.name;
    if (s.name != "4 - Topology") {
      EXPECT_TRUE(s.hidden_cols.empty()) << s.name;
    }
  }
}

TEST_F(ErsApiTom, DefinedNames) {
  const auto& names = wb_->names;
  EXPECT_EQ(names.size(), 134u);
  EXPECT_EQ(std::count_if(names.begin(), names.end(), [](const auto& n) { return n.local_sheet >= 0; }), 109);
  EXPECT_EQ(std::count_if(names.begin(), names.end(), [](const auto& n) { return n.formula == "#REF!"; }),
            18);
  EXPECT_EQ(std::count_if(names.begin(), names.end(), [](const auto& n) { return n.name == "AccessMethod"; }),
            9);
  auto find = [&](const std::string& name, int local) -> const workbook::DefinedName* {
    for (const auto& n : names)
      if (n.name == name && n.local_sheet == local) return &n;
    return nullptr;
  };
  ASSERT_NE(find("AccessMethod", 9), nullptr);
  EXPECT_EQ(find("AccessMethod", 9)->formula, "[1]Lists!$B$66:$B$73");
  ASSERT_NE(find("AccessMethod", 12), nullptr);
  EXPECT_EQ(find("AccessMethod", 12)->formula, "[3]Lists!$B$52:$B$59");
  ASSERT_NE(find("AccessMethod", -1), nullptr);
  EXPECT_EQ(find("AccessMethod", -1)->formula, "Lists!$B$66:$B$73");
  ASSERT_NE(find("Compliance_Level", -1), nullptr);
  EXPECT_EQ(find("Compliance_Level", -1)->formula, "#REF!");
  ASSERT_NE(find("_xlnm._FilterDatabase", 1), nullptr);
  EXPECT_TRUE(find("_xlnm._FilterDatabase", 1)->hidden);
  EXPECT_EQ(find("_xlnm._FilterDatabase", 1)->formula, "Introduction!#REF!");
  ASSERT_NE(find("Select", 6), nullptr);
  EXPECT_EQ(find("Select", 6)->formula, "'3 - End User Organisation '!$E$61");
  EXPECT_FALSE(find("Select", 6)->hidden);
}

const std::vector<std::string> kCompliance{"Please select \xE2\x80\xA6", "Compliant", "Semi-compliant",
                                           "Non-compliant", "N/a"};

TEST_F(ErsApiTom, ComplianceDropdownsComeFromTheX14Extension) {
  for (const char* name :
       {"5 - Architecture", "8 - Service ", "9 - e-RS API Overarching reqs", "9.1 - NHS e-RS Session APIs ",
        "9.2 - NHS e-RS Ref Data APIs", "9.3 - NHS e-RS CRI APIs"}) {
    const Sheet& s = sheet(name);
    ASSERT_FALSE(s.validations.empty()) << name;
    for (const auto& v : s.validations) {
      EXPECT_EQ(v.type, "list") << name;
      EXPECT_TRUE(v.from_extension) << name;
      EXPECT_EQ(v.formula1, "Lists!$B$120:$B$124") << name;
      EXPECT_EQ(v.values, kCompliance) << name;
    }
  }
  EXPECT_EQ(sheet("5 - Architecture").validations.size(), 4u);
  const Sheet& s9 = sheet("9 - e-RS API Overarching reqs");
  ASSERT_EQ(s9.validations.size(), 1u);
  EXPECT_EQ(s9.validations[0].ranges.size(), 7u);  // F13:F15 F9:F11 F17:F18 F29:F41 F26:F27 F20:F23 F24
  const Sheet& s91 = sheet("9.1 - NHS e-RS Session APIs ");
  ASSERT_EQ(s91.validations.size(), 1u);
  const auto& ranges = s91.validations[0].ranges;  // F10 F11 F15:F17 F21:F23
  ASSERT_EQ(ranges.size(), 4u);
  auto covered = [&](int row, int col) {
    return std::any_of(ranges.begin(), ranges.end(), [&](const auto& r) { return r.contains(row, col); });
  };
  EXPECT_TRUE(covered(9, 5));    // F10: A001-01's compliance cell
  EXPECT_TRUE(covered(16, 5));   // F17
  EXPECT_FALSE(covered(11, 5));  // F12
  EXPECT_FALSE(covered(9, 4));   // E10
}

TEST_F(ErsApiTom, IgAndSecurityValidations) {
  const Sheet& ig = sheet("6 - IG and Security");
  ASSERT_EQ(ig.validations.size(), 7u);
  const std::vector<std::vector<std::string>> values{
      {"National DCR", "Other", "None", "n/a"},
      {"National LR", "Other", "None", "n/a"},
      {"Spine Smartcard", "Alternative Strong Authentication", "Other", "None"},
      {"Full Audit", "Other", "None"},
      {"National RBAC", "Local RBAC", "Other", "None"},
      {"Data Retention", "Other", "None"},
      {"Yes", "No"}};
  for (size_t i = 0; i < values.size(); ++i) {
    const auto& v = ig.validations[i];
    EXPECT_EQ(v.type, "list");
    EXPECT_FALSE(v.from_extension);
    EXPECT_EQ(v.values, values[i]) << v.formula1;
    EXPECT_EQ(v.ranges.size(), i + 1 < values.size() ? 1023u : 6214u) << v.formula1;
  }
  EXPECT_EQ(ig.validations[0].formula1, "\"National DCR, Other, None, n/a\"");
  EXPECT_EQ(ig.validations[6].formula1, "\"Yes, No\"");
  // The first range of the first one is WVN983086 (the sheet was once copied with whole-column offsets).
  EXPECT_EQ(ig.validations[0].ranges[0].first.row, 983085);
  EXPECT_EQ(ig.validations[0].ranges[0].first.col, workbook::column_index("WVN"));
  const auto& yes_no = ig.validations[6].ranges;
  EXPECT_TRUE(
      std::any_of(yes_no.begin(), yes_no.end(), [](const auto& r) { return r.contains(70, 5); }));  // F71
  EXPECT_TRUE(
      std::any_of(yes_no.begin(), yes_no.end(), [](const auto& r) { return r.contains(11, 5); }));  // F12
}

TEST_F(ErsApiTom, ValidationsThroughDefinedNamesAndSameSheetRanges) {
  const Sheet& euo = sheet("3 - End User Organisation ");
  ASSERT_EQ(euo.validations.size(), 6u);
  EXPECT_EQ(euo.validations[0].formula1, "#REF!");
  EXPECT_TRUE(euo.validations[0].values.empty());
  EXPECT_EQ(euo.validations[1].formula1, "AccessMethod");  // global name: Lists!$B$66:$B$73
  EXPECT_EQ(euo.validations[1].values, (std::vector<std::string>{"NYK", "Spine Full", "Spine Partial", "SMSP",
                                                                 "SCRa", "DBS", "DBS BS", "N/A"}));
  EXPECT_EQ(euo.validations[3].values, (std::vector<std::string>{"England / Wales", "UK", "EEA", "Other"}));
  EXPECT_TRUE(euo.validations[5].from_extension);
  EXPECT_EQ(euo.validations[5].formula1, "Lists!$B$14:$B$37");
  ASSERT_EQ(euo.validations[5].values.size(), 24u);
  EXPECT_EQ(euo.validations[5].values.front(), "Acute Trust");
  EXPECT_EQ(euo.validations[5].values.back(), "Voluntary Sector Organisation");

  const Sheet& sup = sheet("2 - Supplier Information ");
  ASSERT_EQ(sup.validations.size(), 3u);
  EXPECT_EQ(sup.validations[0].values, (std::vector<std::string>{"NYK", "Not Complete", "Not Satisfactory",
                                                                 "Improvement", "Satisfactory"}));
  EXPECT_EQ(sup.validations[1].formula1, "$B$15:$B$34");  // a range on its own sheet
  EXPECT_EQ(sup.validations[1].values,
            (std::vector<std::string>{"Client IGSoC Compliance", "Client Interface Overview"}));

  const Sheet& gates = sheet("Approval Gateways");
  ASSERT_EQ(gates.validations.size(), 2u);
  EXPECT_EQ(gates.validations[1].values, (std::vector<std::string>{"Approved", "Rejected"}));
  EXPECT_EQ(sheet("4 - Topology").validations.at(0).values, (std::vector<std::string>{"Y", "N"}));
}

TEST_F(ErsApiTom, EveryTruncationIsRefused) {
  // A few cut points: none may crash or return a workbook.
  for (size_t cut :
       {size_t{0}, size_t{4}, size_t{100}, bytes_->size() / 2, bytes_->size() - 23, bytes_->size() - 1}) {
    auto r = read(bytes_->substr(0, cut));
    ASSERT_FALSE(r.ok()) << cut;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidInput) << cut;
  }
}

// ---- Content details, on built workbooks ----

TEST(XlsxContent, CellTypesSharedStringsAndNumbers) {
  std::string sst = std::string("<sst xmlns=\"") + kMain +
                    "\"><si><t>plain</t></si>"
                    "<si><r><rPr><b/></rPr><t>rich </t></r><r><t xml:space=\"preserve\">text </t></r>"
                    "<rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si>"
                    "<si><t/></si></sst>";
  std::string body =
      "<sheetData>"
      "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" "
      "t=\"s\"><v>2</v></c></row>"
      "<row r=\"2\"><c r=\"A2\"><v>1.0</v></c><c r=\"B2\" t=\"n\"><v>0.1</v></c><c r=\"C2\"><v>45000</v></c>"
      "<c r=\"D2\"><v>0.30000000000000004</v></c><c r=\"E2\"><v>1E-3</v></c><c r=\"F2\"><v>-2.50</v></c>"
      "<c r=\"G2\"><v>123456789012345678</v></c><c r=\"H2\"><v>-0</v></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"b\"><v>1</v></c><c r=\"B3\" t=\"b\"><v>0</v></c><c r=\"C3\" "
      "t=\"e\"><v>#REF!</v></c>"
      "<c r=\"D3\" t=\"inlineStr\"><is><t>inline</t></is></c>"
      "<c r=\"E3\" t=\"inlineStr\"><is><r><t>in</t></r><r><t>line rich</t></r><rPh><t>x</t></rPh></is></c>"
      "<c r=\"F3\" t=\"str\"><f>A1&amp;\"!\"</f><v>plain!</v></c></row>"
      "<row r=\"4\"><c r=\"A4\"><f>SUM(A2:C2)</f><v>45001.1</v></c><c r=\"B4\"><f t=\"shared\" "
      "si=\"0\"/><v>7</v></c>"
      "<c r=\"C4\"><f>NOW()</f></c><c r=\"D4\" s=\"3\"/></row>"
      "</sheetData>";
  auto r = read(build_zip(book({body}, sst)));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Sheet& s = r->sheets.at(0);
  EXPECT_EQ(s.text(0, 0), "plain");
  EXPECT_EQ(s.text(0, 1), "rich text ");  // runs concatenated, phonetic run ignored
  ASSERT_NE(s.at(0, 2), nullptr);         // an empty shared string is still a text cell
  EXPECT_EQ(s.at(0, 2)->type, Cell::Type::kText);
  EXPECT_EQ(s.text(1, 0), "1");
  EXPECT_EQ(s.text(1, 1), "0.1");
  EXPECT_EQ(s.text(1, 2), "45000");
  EXPECT_EQ(s.text(1, 3), "0.30000000000000004");
  EXPECT_EQ(s.text(1, 4), "0.001");
  EXPECT_EQ(s.text(1, 5), "-2.5");
  EXPECT_EQ(s.text(1, 6), "123456789012345680");
  EXPECT_EQ(s.text(1, 7), "0");
  EXPECT_EQ(s.at(1, 0)->type, Cell::Type::kNumber);
  EXPECT_EQ(s.text(2, 0), "TRUE");
  EXPECT_EQ(s.text(2, 1), "FALSE");
  EXPECT_EQ(s.at(2, 1)->type, Cell::Type::kBool);
  EXPECT_EQ(s.text(2, 2), "#REF!");
  EXPECT_EQ(s.at(2, 2)->type, Cell::Type::kError);
  EXPECT_EQ(s.text(2, 3), "inline");
  EXPECT_EQ(s.text(2, 4), "inline rich");
  EXPECT_EQ(s.text(2, 5), "plain!");
  EXPECT_EQ(s.at(2, 5)->formula, "A1&\"!\"");
  EXPECT_EQ(s.at(3, 0)->formula, "SUM(A2:C2)");
  EXPECT_EQ(s.text(3, 0), "45001.1");
  EXPECT_EQ(s.text(3, 1), "7");  // shared formula: value kept, no text for the formula
  EXPECT_EQ(s.at(3, 1)->formula, "");
  ASSERT_NE(s.at(3, 2), nullptr);  // a formula without a cached value
  EXPECT_EQ(s.at(3, 2)->type, Cell::Type::kEmpty);
  EXPECT_EQ(s.at(3, 2)->formula, "NOW()");
  EXPECT_EQ(s.at(3, 3), nullptr);  // styled blank
  EXPECT_EQ(s.cell_count(), 20u);
}

TEST(XlsxContent, PositionsInferredHiddenRowsColsMerges) {
  std::string body =
      "<cols><col min=\"2\" max=\"3\" width=\"0\" hidden=\"1\"/><col min=\"5\" max=\"5\" width=\"9\"/></cols>"
      "<sheetData>"
      "<row><c><v>1</v></c><c><v>2</v></c></row>"                        // row 1, A1 B1
      "<row hidden=\"1\"><c r=\"C2\"><v>3</v></c><c><v>4</v></c></row>"  // row 2, C2 then D2
      "<row r=\"5\" hidden=\"true\"><c><v>5</v></c></row>"               // A5
      "<row><c><v>6</v></c></row>"                                       // A6
      "</sheetData>"
      "<mergeCells count=\"2\"><mergeCell ref=\"A1:C2\"/><mergeCell ref=\"$E$7:$D$9\"/></mergeCells>";
  auto r = read(build_zip(book({body})));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Sheet& s = r->sheets.at(0);
  EXPECT_EQ(s.text(0, 0), "1");
  EXPECT_EQ(s.text(0, 1), "2");
  EXPECT_EQ(s.text(1, 2), "3");
  EXPECT_EQ(s.text(1, 3), "4");
  EXPECT_EQ(s.text(4, 0), "5");
  EXPECT_EQ(s.text(5, 0), "6");
  EXPECT_EQ(s.hidden_rows, (std::vector<int>{1, 4}));
  EXPECT_EQ(s.hidden_cols, (std::vector<int>{1, 2}));
  ASSERT_EQ(s.merged.size(), 2u);
  EXPECT_EQ(s.merged[0].last.row, 1);
  EXPECT_EQ(s.merged[0].last.col, 2);
  EXPECT_EQ(s.merged[1].first.col, 3);  // normalised: D7:E9
  EXPECT_EQ(s.merged[1].last.col, 4);
}

TEST(XlsxContent, PrefixedStrictNamespacesAndAbsoluteTargets) {
  const std::string strict = "http://purl.oclc.org/ooxml/spreadsheetml/main";
  std::string wb =
      "<x:workbook xmlns:x=\"" + strict +
      "\" xmlns:r=\"http://purl.oclc.org/ooxml/officeDocument/relationships\"><x:sheets>"
      "<x:sheet name=\"Data \" sheetId=\"1\" r:id=\"R1\"/><x:sheet name=\"Lists\" sheetId=\"2\" r:id=\"R2\" "
      "state=\"hidden\"/><x:sheet name=\"Secret\" sheetId=\"3\" r:id=\"R3\" state=\"veryHidden\"/></x:sheets>"
      "<x:definedNames><x:definedName name=\"YesNo\">Lists!$A$1:$A$2</x:definedName>"
      "<x:definedName name=\"YesNo\" localSheetId=\"0\" hidden=\"1\">Lists!$A$1:$A$3</x:definedName>"
      "</x:definedNames></x:workbook>";
  std::string rels =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"R1\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet\" "
      "Target=\"/xl/worksheets/data.xml\"/>"
      "<Relationship Id=\"R2\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet\" "
      "Target=\"./sheets/../worksheets/lists.xml\"/>"
      "<Relationship Id=\"R3\" Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet\" "
      "Target=\"worksheets/lists.xml\"/>"
      "<Relationship Id=\"R4\" "
      "Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/sharedStrings\" "
      "Target=\"strings.xml\"/></Relationships>";
  std::string root_rels =
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" "
      "Type=\"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument\" "
      "Target=\"/xl/book.xml\"/></Relationships>";
  std::string sst =
      "<x:sst xmlns:x=\"" + strict + "\"><x:si><x:t>Yes</x:t></x:si><x:si><x:t>No</x:t></x:si></x:sst>";
  std::string data =
      "<x:worksheet xmlns:x=\"" + strict +
      "\" xmlns:x14=\"http://schemas.microsoft.com/office/spreadsheetml/2009/9/main\" "
      "xmlns:xm=\"http://schemas.microsoft.com/office/excel/2006/main\">"
      "<x:sheetData><x:row x:r=\"2\"><x:c r=\"B2\" t=\"s\"><x:v>1</x:v></x:c></x:row></x:sheetData>"
      "<x:dataValidations count=\"2\"><x:dataValidation type=\"list\" sqref=\"E5:E9 G5\">"
      "<x:formula1>YesNo</x:formula1></x:dataValidation>"
      "<x:dataValidation type=\"whole\" sqref=\"H1\"><x:formula1>1</x:formula1><x:formula2>9</x:formula2>"
      "</x:dataValidation></x:dataValidations>"
      "<x:extLst><x:ext uri=\"{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}\"><x14:dataValidations count=\"1\">"
      "<x14:dataValidation type=\"list\" "
      "allowBlank=\"1\"><x14:formula1><xm:f>Lists!$A$1:$A$2</xm:f></x14:formula1>"
      "<xm:sqref>F1:F3 F7</xm:sqref></x14:dataValidation></x14:dataValidations></x:ext></x:extLst>"
      "</x:worksheet>";
  std::string lists =
      "<x:worksheet xmlns:x=\"" + strict +
      "\"><x:sheetData><x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c></x:row>"
      "<x:row r=\"2\"><x:c r=\"A2\" t=\"s\"><x:v>1</x:v></x:c></x:row>"
      "<x:row r=\"3\"><x:c r=\"A3\" t=\"inlineStr\"><x:is><x:t>Maybe</x:t></x:is></x:c></x:row>"
      "</x:sheetData></x:worksheet>";
  auto r = read(build_zip({{"_rels/.rels", root_rels},
                           {"xl/book.xml", wb},
                           {"xl/_rels/book.xml.rels", rels},
                           {"xl/strings.xml", sst, false},
                           {"xl/worksheets/data.xml", data},
                           {"xl/worksheets/lists.xml", lists}}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->sheets.size(), 3u);
  EXPECT_EQ(r->sheets[0].name, "Data ");
  EXPECT_FALSE(r->sheets[0].hidden);
  EXPECT_TRUE(r->sheets[1].hidden);
  EXPECT_TRUE(r->sheets[2].hidden);
  EXPECT_EQ(r->sheets[0].text(1, 1), "No");
  ASSERT_EQ(r->names.size(), 2u);
  EXPECT_EQ(r->names[1].local_sheet, 0);
  EXPECT_TRUE(r->names[1].hidden);
  const auto& v = r->sheets[0].validations;
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].ranges.size(), 2u);
  EXPECT_EQ(v[0].values, (std::vector<std::string>{"Yes", "No", "Maybe"}));  // the sheet-local name wins
  EXPECT_EQ(v[1].type, "whole");
  EXPECT_EQ(v[1].formula1, "1");
  EXPECT_TRUE(v[1].values.empty());
  EXPECT_TRUE(v[2].from_extension);
  EXPECT_EQ(v[2].formula1, "Lists!$A$1:$A$2");
  EXPECT_EQ(v[2].ranges.size(), 2u);
  EXPECT_EQ(v[2].values, (std::vector<std::string>{"Yes", "No"}));
}

// ---- Malformed and hostile input ----

TEST(XlsxRefuses, NotAZip) {
  expect_error(read("hello, world: this is plain text and not a zip archive at all"),
               ErrorCode::kInvalidInput, "not a readable zip");
  expect_error(read(""), ErrorCode::kInvalidInput, "test.xlsx");
}

TEST(XlsxRefuses, ZipWithoutWorkbook) {
  expect_error(read(build_zip({{"word/document.xml", "<document/>"}})), ErrorCode::kInvalidInput,
               "not an Excel workbook");
  // A workbook part whose root is something else.
  expect_error(read(build_zip({{"xl/workbook.xml", "<document/>"}})), ErrorCode::kInvalidInput,
               "not an Excel workbook");
}

TEST(XlsxRefuses, TruncatedZip) {
  std::string zip = build_zip(book({"<sheetData/>"}));
  for (size_t cut : {zip.size() - 1, zip.size() - 22, zip.size() / 2, size_t{10}})
    expect_error(read(zip.substr(0, cut)), ErrorCode::kInvalidInput, "test.xlsx");
}

TEST(XlsxRefuses, CorruptDeflateStream) {
  auto parts = book({"<sheetData/>"});
  parts[0].compressed = std::string("\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 8);
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "xl/workbook.xml: corrupt compressed data");
}

TEST(XlsxRefuses, TruncatedDeflateStream) {
  auto parts = book({std::string("<sheetData>") + std::string(5000, ' ') + "</sheetData>"});
  std::string full = deflate_raw(parts[2].data);
  parts[2].compressed = full.substr(0, full.size() / 2);
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput,
               "xl/worksheets/sheet1.xml: compressed data is truncated");
}

TEST(XlsxRefuses, CrcAndSizeMismatch) {
  auto parts = book({"<sheetData/>"});
  parts[2].crc = 1234;
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "xl/worksheets/sheet1.xml: CRC mismatch");
  parts = book({"<sheetData/>"});
  parts[2].declared_size = 5;
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "directory says 5");
  parts = book({"<sheetData/>"});
  parts[2].deflate = false;
  parts[2].declared_size = 5;
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "stored part");
}

TEST(XlsxRefuses, BadCentralDirectory) {
  std::string zip = build_zip(book({"<sheetData/>"}));
  size_t eocd = zip.size() - 22;
  // Central directory offset pointing past the end.
  std::string bad = zip;
  bad[eocd + 16] = '\xF0';
  bad[eocd + 19] = '\x7F';
  expect_error(read(bad), ErrorCode::kInvalidInput, "central directory");
  // A broken entry signature.
  bad = zip;
  uint32_t cd_offset = static_cast<unsigned char>(zip[eocd + 16]) |
                       (static_cast<unsigned char>(zip[eocd + 17]) << 8) |
                       (static_cast<unsigned char>(zip[eocd + 18]) << 16);
  bad[cd_offset] = 'X';
  expect_error(read(bad), ErrorCode::kInvalidInput, "bad central directory entry 1");
  // More entries claimed than the directory holds.
  bad = zip;
  bad[eocd + 8] = bad[eocd + 10] = '\x40';
  expect_error(read(bad), ErrorCode::kInvalidInput, "central directory");
  // A local header offset pointing at garbage.
  bad = zip;
  bad[cd_offset + 42] = '\x05';
  expect_error(read(bad), ErrorCode::kInvalidInput, "bad local header");
}

TEST(XlsxRefuses, Zip64AndEncryptedAndUnknownMethods) {
  std::string zip = build_zip(book({"<sheetData/>"}));
  std::string z64 = zip;
  size_t eocd = z64.size() - 22;
  z64[eocd + 8] = z64[eocd + 9] = z64[eocd + 10] = z64[eocd + 11] = '\xFF';
  expect_error(read(z64), ErrorCode::kInvalidInput, "Zip64");
  auto parts = book({"<sheetData/>"});
  parts[2].declared_size = 0xFFFFFFFF;
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "Zip64");
  parts = book({"<sheetData/>"});
  parts[0].flags = 1;
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "xl/workbook.xml: the part is encrypted");
  parts = book({"<sheetData/>"});
  parts[0].method = 12;  // bzip2
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "compression method 12");
}

TEST(XlsxLimits, WholeFileSize) {
  std::string zip = build_zip(book({"<sheetData/>"}));
  ReadLimits limits;
  limits.max_file_bytes = zip.size() - 1;
  expect_error(read(zip, limits), ErrorCode::kTooLarge, "over the limit");
  limits.max_file_bytes = zip.size();
  EXPECT_TRUE(read(zip, limits).ok());
}

// 64 MiB of zeros, deflated once for the tests below (about 290 KiB at level 1).
const std::string& zero_bomb(uint32_t& crc) {
  static uint32_t bomb_crc = 0;
  static const std::string bomb = deflate_zeros(64u << 20, bomb_crc);
  crc = bomb_crc;
  return bomb;
}

TEST(XlsxLimits, ZipBombDeclaredSize) {
  // 64 MiB of zeros compress to about 64 KiB; the directory tells the truth and is refused before inflating.
  uint32_t crc = 0;
  auto parts = book({"<sheetData/>"});
  parts[2].compressed = zero_bomb(crc);
  EXPECT_LT(parts[2].compressed->size(), 512u << 10);
  parts[2].crc = crc;
  parts[2].declared_size = 64u << 20;
  ReadLimits limits;
  limits.max_part_bytes = 4u << 20;
  expect_error(read(build_zip(parts), limits), ErrorCode::kTooLarge, "xl/worksheets/sheet1.xml");
}

TEST(XlsxLimits, ZipBombLyingAboutItsSize) {
  // The directory says 1000 bytes; inflating stops at the limit, not at 64 MiB.
  uint32_t crc = 0;
  auto parts = book({"<sheetData/>"});
  parts[2].compressed = zero_bomb(crc);
  parts[2].crc = crc;
  parts[2].declared_size = 1000;
  ReadLimits limits;
  limits.max_part_bytes = 1u << 20;
  auto r = read(build_zip(parts), limits);
  expect_error(r, ErrorCode::kTooLarge,
               "xl/worksheets/sheet1.xml: decompresses to more than the limit of 1048576");
  // And against the total when that is the smaller limit.
  limits.max_part_bytes = 8u << 20;
  limits.max_inflated_bytes = 2u << 20;
  expect_error(read(build_zip(parts), limits), ErrorCode::kTooLarge, "in total");
}

TEST(XlsxLimits, SumOfDecompressedParts) {
  // Three sheets of ~400 KB each: each under the part limit, together over the total.
  std::string rows = "<sheetData>";
  for (int i = 1; rows.size() < 400'000; ++i)
    rows += "<row r=\"" + std::to_string(i) + "\"><c r=\"A" + std::to_string(i) + "\"><v>1</v></c></row>";
  rows += "</sheetData>";
  auto zip = build_zip(book({rows, rows, rows}));
  ReadLimits limits;
  limits.max_part_bytes = 1u << 20;
  limits.max_inflated_bytes = 1u << 20;
  expect_error(read(zip, limits), ErrorCode::kTooLarge, "in total");
  limits.max_inflated_bytes = 2u << 20;
  EXPECT_TRUE(read(zip, limits).ok());
}

TEST(XlsxLimits, Cells) {
  std::string rows = "<sheetData><row r=\"1\">";
  for (int c = 0; c < 60; ++c) rows += "<c><v>" + std::to_string(c) + "</v></c>";
  rows += "</row></sheetData>";
  ReadLimits limits;
  limits.max_cells = 100;
  expect_error(read(build_zip(book({rows, rows})), limits), ErrorCode::kTooLarge, "more than 100 cells");
  EXPECT_TRUE(read(build_zip(book({rows})), limits).ok());
  // Shared strings count against the same budget.
  std::string sst = "<sst>";
  for (int i = 0; i < 101; ++i) sst += "<si><t>s</t></si>";
  sst += "</sst>";
  expect_error(read(build_zip(book({"<sheetData/>"}, sst)), limits), ErrorCode::kTooLarge,
               "xl/sharedStrings.xml");
}

TEST(XlsxLimits, Sheets) {
  ReadLimits limits;
  limits.max_sheets = 2;
  expect_error(read(build_zip(book({"", "", ""})), limits), ErrorCode::kTooLarge, "more than 2 sheets");
  EXPECT_TRUE(read(build_zip(book({"", ""})), limits).ok());
}

TEST(XlsxLimits, SharedStringsCopiedIntoManyCells) {
  // One 100 KB shared string used by 200 cells would be 20 MB of text from a tiny file.
  std::string sst = "<sst><si><t>" + std::string(100'000, 'x') + "</t></si></sst>";
  std::string rows = "<sheetData>";
  for (int i = 1; i <= 200; ++i) rows += "<row><c t=\"s\"><v>0</v></c></row>";
  rows += "</sheetData>";
  ReadLimits limits;
  limits.max_model_bytes = 4u << 20;
  expect_error(read(build_zip(book({rows}, sst)), limits), ErrorCode::kTooLarge, "4 MiB in memory");
  limits.max_model_bytes = 32u << 20;
  EXPECT_TRUE(read(build_zip(book({rows}, sst)), limits).ok());
}

TEST(XlsxLimits, HostileWorkbookRefusedByDefaultBeforeItsMemoryIsSpent) {
  // A few kilobytes that describe ~100 MB: one 32,767-character string in 3,000 cells. The default limits
  // refuse it at the cell that passes 64 MiB, naming it.
  std::string sst = "<sst><si><t>" + std::string(32'767, 'x') + "</t></si></sst>";
  std::string rows = "<sheetData>";
  for (int i = 1; i <= 3000; ++i) rows += "<row><c t=\"s\"><v>0</v></c></row>";
  rows += "</sheetData>";
  std::string zip = build_zip(book({rows}, sst));
  EXPECT_LT(zip.size(), 64u << 10);
  auto r = read(zip);
  expect_error(r, ErrorCode::kTooLarge, "64 MiB in memory");
  expect_error(r, ErrorCode::kTooLarge, "xl/worksheets/sheet1.xml: cell A");
  // One shared string alone larger than the budget is refused while it is read.
  ReadLimits limits;
  limits.max_model_bytes = 1u << 20;
  std::string big = "<sst><si><t>" + std::string(2u << 20, 'y') + "</t></si></sst>";
  expect_error(read(build_zip(book({"<sheetData/>"}, big)), limits), ErrorCode::kTooLarge,
               "xl/sharedStrings.xml: shared string 1");
}

TEST(XlsxLimits, OverlappingHiddenColumnsDoNotMultiply) {
  std::string cols = "<cols>";
  for (int i = 0; i < 5000; ++i) cols += "<col min=\"1\" max=\"16384\" hidden=\"1\"/>";
  cols += "<col min=\"20000\" max=\"99999\" hidden=\"1\"/></cols>";
  auto r = read(build_zip(book({cols + "<sheetData/>"})));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->sheets[0].hidden_cols.size(), 16384u);
  EXPECT_EQ(r->sheets[0].hidden_cols.back(), 16383);
}

TEST(XlsxLimits, ListValidations) {
  // Many distinct list formulas: refused rather than resolved one by one.
  std::string body =
      "<sheetData><row><c t=\"inlineStr\"><is><t>v</t></is></c></row></sheetData><dataValidations>";
  for (int i = 1; i <= 1001; ++i)
    body += "<dataValidation type=\"list\" sqref=\"B" + std::to_string(i) + "\"><formula1>$A$1:$A$" +
            std::to_string(i) + "</formula1></dataValidation>";
  body += "</dataValidations>";
  expect_error(read(build_zip(book({body}))), ErrorCode::kTooLarge, "distinct list validations");
  // Many defined names make each resolution expensive: the work is bounded too.
  std::string names = "<definedNames>";
  for (int i = 0; i < 40'000; ++i)
    names += "<definedName name=\"n" + std::to_string(i) + "\">#REF!</definedName>";
  names += "</definedNames>";
  std::string few = "<sheetData/><dataValidations>";
  for (int i = 1; i <= 200; ++i)
    few += "<dataValidation type=\"list\" sqref=\"B1\"><formula1>n" + std::to_string(i) +
           "</formula1></dataValidation>";
  few += "</dataValidations>";
  auto parts = book({few});
  parts[0].data = workbook_xml({"Sheet1"}, names);
  expect_error(read(build_zip(parts)), ErrorCode::kTooLarge, "too many defined names (40000)");
  // The same list on many cells resolves once, but its copies count against the cell limit.
  std::string col = "<sheetData>";
  for (int i = 1; i <= 50; ++i)
    col += "<row><c t=\"inlineStr\"><is><t>v" + std::to_string(i) + "</t></is></c></row>";
  col += "</sheetData><dataValidations>";
  for (int i = 1; i <= 10; ++i)
    col += "<dataValidation type=\"list\" sqref=\"C" + std::to_string(i) +
           "\"><formula1>$A$1:$A$50</formula1>"
           "</dataValidation>";
  col += "</dataValidations>";
  ReadLimits limits;
  limits.max_cells = 400;
  expect_error(read(build_zip(book({col})), limits), ErrorCode::kTooLarge, "lists exceed the size limits");
  limits.max_cells = 600;
  auto r = read(build_zip(book({col})), limits);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->sheets[0].validations.size(), 10u);
  EXPECT_EQ(r->sheets[0].validations[9].values.size(), 50u);
  EXPECT_EQ(r->sheets[0].validations[9].values[49], "v50");
}

TEST(XlsxRefuses, DoctypeAndEntities) {
  const std::string laughs =
      "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
      "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
      "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>";
  auto parts = book({"<sheetData/>"});
  parts[0].data = laughs + "<workbook><sheets><sheet name=\"&lol3;\" r:id=\"rId1\"/></sheets></workbook>";
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "xl/workbook.xml: a DOCTYPE declaration");

  parts = book({"<sheetData/>"});
  parts[2].data =
      "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
      "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>";
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "xl/worksheets/sheet1.xml: a DOCTYPE");

  parts = book({"<sheetData/>"});
  parts[2].data = "<!DOCTYPE worksheet SYSTEM \"http://example.com/x.dtd\"><worksheet/>";
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "DOCTYPE");
}

TEST(XlsxRefuses, MalformedXmlSaysWhere) {
  auto parts = book({"<sheetData><row><c><v>1</v></row>"});
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput,
               "xl/worksheets/sheet1.xml: malformed XML at line 1");
  parts = book({"<sheetData/>"});
  parts[1].data = "<Relationships";
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "xl/_rels/workbook.xml.rels: malformed XML");
}

TEST(XlsxRefuses, BrokenReferences) {
  // Shared string index past the table.
  expect_error(read(build_zip(book({"<sheetData><row><c r=\"C4\" t=\"s\"><v>3</v></c></row></sheetData>"},
                                   "<sst><si><t>a</t></si></sst>"))),
               ErrorCode::kInvalidInput,
               "xl/worksheets/sheet1.xml: cell C4: shared string index '3' out of range");
  // A cell reference outside the grid.
  expect_error(read(build_zip(book({"<sheetData><row><c r=\"XFE1\"><v>1</v></c></row></sheetData>"}))),
               ErrorCode::kInvalidInput, "bad cell reference 'XFE1'");
  expect_error(read(build_zip(book({"<sheetData><row r=\"0\"/></sheetData>"}))), ErrorCode::kInvalidInput,
               "bad row number");
  // A sheet whose part is missing.
  auto parts = book({"<sheetData/>"});
  parts.erase(parts.begin() + 2);
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "sheet 'Sheet1'");
  // No sheets at all.
  parts = book({});
  expect_error(read(build_zip(parts)), ErrorCode::kInvalidInput, "no sheets");
}

}  // namespace
}  // namespace tom::io::xlsx
