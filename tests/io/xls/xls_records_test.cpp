// The .xls reader on tiny workbooks built record by record: string continuation rules, every cell record,
// names and validations through EXTERNSHEET/SUPBOOK, and malformed record streams.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "io/xls/xls_builder.hpp"
#include "io/xls/xls_reader.hpp"

namespace tom::io::xls {
namespace {

using workbook::Cell;
using workbook::ReadLimits;
using workbook::Workbook;
using namespace testing;  // NOLINT: the builder helpers

using Strings = std::vector<std::string>;

// SST with three strings: "Plain"; "Hel" + CONTINUE(flag 1) "lo é€" in UTF-16 (the high-byte flag re-read at
// the boundary); a rich-text string with phonetic data whose runs and ext data straddle a second CONTINUE.
std::string sst_records() {
  std::string body;
  put32(body, 4);
  put32(body, 3);
  body += ustr16("Plain");
  put16(body, 8);  // "Hello é€": 8 characters
  body += '\0';
  body += "Hel";
  std::string cont1;
  cont1 += '\x01';  // the rest is UTF-16
  for (char16_t ch : std::u16string(u"lo \u00E9\u20AC")) put16(cont1, static_cast<uint16_t>(ch));
  // Rich (2 runs) + ext (6 bytes) string "Rich".
  put16(cont1, 4);
  cont1 += '\x0C';
  put16(cont1, 2);
  put32(cont1, 6);
  cont1 += "Rich";
  put32(cont1, 0x00010000);  // first run; the second run and the ext data continue below
  std::string cont2;
  put32(cont2, 0x00020002);
  cont2 += std::string(6, '\x7F');
  return record(0x00FC, body) + record(0x003C, cont1) + record(0x003C, cont2);
}

std::string labelsst(uint16_t row, uint16_t col, uint32_t isst) {
  std::string b = cell_header(row, col);
  put32(b, isst);
  return record(0x00FD, b);
}
std::string number(uint16_t row, uint16_t col, double v) {
  std::string b = cell_header(row, col);
  put64(b, v);
  return record(0x0203, b);
}
std::string rk(uint16_t row, uint16_t col, uint32_t v) {
  std::string b = cell_header(row, col);
  put32(b, v);
  return record(0x027E, b);
}
std::string label(uint16_t row, uint16_t col, const std::string& s) {
  return record(0x0204, cell_header(row, col) + ustr16(s));
}
std::string boolerr(uint16_t row, uint16_t col, uint8_t v, bool error) {
  std::string b = cell_header(row, col);
  b += static_cast<char>(v);
  b += static_cast<char>(error ? 1 : 0);
  return record(0x0205, b);
}
std::string formula(uint16_t row, uint16_t col, const std::string& result8, const std::string& rgce) {
  std::string b = cell_header(row, col) + result8;
  put16(b, 0);
  put32(b, 0);
  put16(b, static_cast<uint16_t>(rgce.size()));
  return record(0x0006, b + rgce);
}
std::string ptg_ref(uint16_t row, uint16_t col) {
  std::string p = "\x24";
  put16(p, row);
  put16(p, col | 0xC000);  // relative row and column
  return p;
}
// A DV record: list type, a formula, ranges.
std::string dv(const std::string& rgce, const std::vector<std::array<uint16_t, 4>>& ranges) {
  std::string b;
  put32(b, 0x00000103 | 0x00040000 | 0x00080000);
  for (int i = 0; i < 4; ++i) {
    put16(b, 1);
    b += '\0';
    b += '\0';
  }
  put16(b, static_cast<uint16_t>(rgce.size()));
  put16(b, 0);
  b += rgce;
  put16(b, 0);
  put16(b, 0);
  put16(b, static_cast<uint16_t>(ranges.size()));
  for (const auto& r : ranges)
    for (uint16_t v : r) put16(b, v);
  return record(0x01BE, b);
}
std::string ptg_str_list(const std::string& items) {  // items separated by '\0'
  std::string p = "\x17";
  p += static_cast<char>(items.size());
  p += '\0';
  return p + items;
}
std::string ptg_name(uint32_t index) {
  std::string p = "\x43";
  put32(p, index);
  return p;
}
std::string ptg_area3d(uint16_t ixti, uint16_t r1, uint16_t r2, uint16_t c1, uint16_t c2) {
  std::string p = "\x3B";
  put16(p, ixti);
  put16(p, r1);
  put16(p, r2);
  put16(p, c1);
  put16(p, c2);
  return p;
}
std::string name_record(const std::string& name, uint16_t itab, const std::string& rgce) {
  std::string b;
  put16(b, 0);
  b += '\0';
  b += static_cast<char>(name.size());
  put16(b, static_cast<uint16_t>(rgce.size()));
  put16(b, 0);
  put16(b, itab);
  put32(b, 0);
  b += '\0';
  return record(0x0018, b + name + rgce);
}
std::string self_supbook_and_externsheet() {
  std::string sb;
  put16(sb, 2);
  put16(sb, 0x0401);
  std::string xs;
  put16(xs, 1);
  put16(xs, 0);  // supbook 0
  put16(xs, 1);  // sheet 1 ("Lists ")
  put16(xs, 1);
  return record(0x01AE, sb) + record(0x0017, xs);
}
std::string string_result() {
  return std::string("\0\0\0\0\0\0\xFF\xFF", 8);
}

// A two-sheet workbook exercising most records; the second sheet's name keeps its trailing space.
std::string sample_stream() {
  std::string main;
  main += labelsst(0, 0, 0) + labelsst(0, 1, 1) + labelsst(0, 2, 2);
  main += number(1, 0, 1.0) + number(1, 1, 0.1) + number(1, 2, 1e20) + number(1, 3, -2.5);
  main += rk(2, 0, (1234u << 2) | 0x2) + rk(2, 1, (1234u << 2) | 0x3);  // 1234 and 12.34
  {
    std::string m;
    put16(m, 3);
    put16(m, 0);
    put16(m, 0x0F);
    put32(m, (7u << 2) | 2);
    put16(m, 0x0F);
    put32(m, (5u << 2) | 3);
    put16(m, 1);
    main += record(0x00BD, m);  // MULRK: A4 = 7, B4 = 0.05
  }
  main += boolerr(4, 0, 1, false) + boolerr(4, 1, 0x2A, true);
  main += label(5, 0, "label text");
  main += formula(6, 0, string_result(), ptg_ref(0, 0)) + record(0x0207, ustr16("cached"));
  main += formula(6, 1, std::string("\x01\0\x01\0\0\0\xFF\xFF", 8), std::string("\x1D\x01", 2));
  main += record(0x0201, cell_header(7, 0));  // BLANK: ignored
  {
    std::string row;
    put16(row, 9);
    put16(row, 0);
    put16(row, 1);
    put16(row, 255);
    put16(row, 0);
    put16(row, 0);
    put32(row, 0x0100 | 0x20);  // fDyZero: hidden
    main += record(0x0208, row);
    std::string col;
    put16(col, 3);
    put16(col, 4);
    put16(col, 0x0900);
    put16(col, 0x0F);
    put16(col, 1);  // hidden
    put16(col, 0);
    main += record(0x007D, col);
    std::string merged;
    put16(merged, 1);
    put16(merged, 10);
    put16(merged, 11);
    put16(merged, 0);
    put16(merged, 2);
    main += record(0x00E5, merged);
  }
  main += dv(ptg_str_list(std::string("Yes\0No\0N/A", 10)), {{20, 29, 7, 7}});
  main += dv(ptg_name(1), {{20, 20, 8, 8}});
  main += dv(ptg_area3d(0, 0, 2, 0, 0), {{21, 21, 8, 8}});
  std::string lists = label(0, 0, "Red") + label(1, 0, "Green") + label(2, 0, "Blue");
  std::string names = name_record("Colours", 0, ptg_area3d(0, 0, 2, 0x0000, 0x0000));
  return workbook_stream(self_supbook_and_externsheet() + sst_records(),
                         {{"Main", main, 0}, {"Lists ", lists, 1}}, names);
}

Workbook read_ok(const std::string& bytes) {
  auto r = read_xls(bytes, "t.xls", {});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::move(r).value() : Workbook{};
}

Error read_error(const std::string& bytes) {
  auto r = read_xls(bytes, "t.xls", {});
  EXPECT_FALSE(r.ok());
  if (!r.ok() && std::getenv("XLS_SHOW")) std::cout << "  -> " << r.error().message << "\n";
  return r.ok() ? Error{} : r.error();
}

TEST(XlsRecords, SharedStringsAcrossContinue) {
  Workbook wb = read_ok(compound_file(sample_stream()));
  ASSERT_EQ(wb.sheets.size(), 2u);
  const auto& s = wb.sheets[0];
  EXPECT_EQ(s.text(0, 0), "Plain");
  EXPECT_EQ(s.text(0, 1), "Hello \xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(s.text(0, 2), "Rich");
}

TEST(XlsRecords, CellValuesAsAPersonSeesThem) {
  Workbook wb = read_ok(compound_file(sample_stream()));
  ASSERT_EQ(wb.sheets.size(), 2u);
  const auto& s = wb.sheets[0];
  EXPECT_EQ(s.text(1, 0), "1");
  EXPECT_EQ(s.at(1, 0)->type, Cell::Type::kNumber);
  EXPECT_EQ(s.text(1, 1), "0.1");
  EXPECT_EQ(s.text(1, 2), "1e+20");
  EXPECT_EQ(s.text(1, 3), "-2.5");
  EXPECT_EQ(s.text(2, 0), "1234");
  EXPECT_EQ(s.text(2, 1), "12.34");
  EXPECT_EQ(s.text(3, 0), "7");
  EXPECT_EQ(s.text(3, 1), "0.05");
  EXPECT_EQ(s.text(4, 0), "TRUE");
  EXPECT_EQ(s.at(4, 0)->type, Cell::Type::kBool);
  EXPECT_EQ(s.text(4, 1), "#N/A");
  EXPECT_EQ(s.at(4, 1)->type, Cell::Type::kError);
  EXPECT_EQ(s.text(5, 0), "label text");
  ASSERT_NE(s.at(6, 0), nullptr);
  EXPECT_EQ(s.text(6, 0), "cached");
  EXPECT_EQ(s.at(6, 0)->formula, "A1");
  EXPECT_EQ(s.text(6, 1), "TRUE");
  EXPECT_EQ(s.at(6, 1)->formula, "TRUE");
  EXPECT_EQ(s.at(7, 0), nullptr);
  EXPECT_EQ(s.hidden_rows, (std::vector<int>{9}));
  EXPECT_EQ(s.hidden_cols, (std::vector<int>{3, 4}));
  ASSERT_EQ(s.merged.size(), 1u);
  EXPECT_EQ(s.merged[0].first, (workbook::CellRef{10, 0}));
  EXPECT_EQ(s.merged[0].last, (workbook::CellRef{11, 2}));
  EXPECT_EQ(wb.sheets[1].name, "Lists ");
  EXPECT_TRUE(wb.sheets[1].hidden);
}

TEST(XlsRecords, ValidationsInlineByNameAndByReference) {
  Workbook wb = read_ok(compound_file(sample_stream()));
  ASSERT_EQ(wb.sheets.size(), 2u);
  ASSERT_EQ(wb.names.size(), 1u);
  EXPECT_EQ(wb.names[0].name, "Colours");
  EXPECT_EQ(wb.names[0].formula, "'Lists '!$A$1:$A$3");
  const auto& v = wb.sheets[0].validations;
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].type, "list");
  EXPECT_EQ(v[0].formula1, "\"Yes,No,N/A\"");
  EXPECT_EQ(v[0].values, (Strings{"Yes", "No", "N/A"}));
  EXPECT_EQ(v[0].ranges[0].first, (workbook::CellRef{20, 7}));
  EXPECT_EQ(v[0].ranges[0].last, (workbook::CellRef{29, 7}));
  EXPECT_EQ(v[1].formula1, "Colours");
  EXPECT_EQ(v[1].values, (Strings{"Red", "Green", "Blue"}));
  EXPECT_EQ(v[2].formula1, "'Lists '!$A$1:$A$3");
  EXPECT_EQ(v[2].values, (Strings{"Red", "Green", "Blue"}));
}

TEST(XlsRecords, BigStreamOutsideTheMiniStream) {
  // Pad the globals so the Workbook stream is over the 4096-byte mini stream cutoff.
  std::string pad = record(0x0099, std::string(3000, '\0')) + record(0x0099, std::string(3000, '\0'));
  std::string stream = workbook_stream(pad, {{"One", label(0, 0, "x"), 0}});
  ASSERT_GT(stream.size(), 4096u);
  Workbook wb = read_ok(compound_file(stream));
  ASSERT_EQ(wb.sheets.size(), 1u);
  EXPECT_EQ(wb.sheets[0].text(0, 0), "x");
}

TEST(XlsRecords, RecordRunningPastTheStream) {
  std::string stream = workbook_stream("", {{"One", label(0, 0, "x"), 0}});
  // A record header at the end claiming more bytes than are left.
  std::string bad =
      stream.substr(0, stream.size() - 4) + record(0x0204, "").substr(0, 2) + std::string("\x50\x00", 2);
  Error e = read_error(compound_file(bad));
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("runs past the end of the stream"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("sheet 'One'"), std::string::npos) << e.message;
}

TEST(XlsRecords, BoundSheetOffsetOutsideTheStream) {
  std::string stream = workbook_stream("", {{"One", "", 0}});
  size_t at = stream.find(std::string("\x85\x00", 2));
  ASSERT_NE(at, std::string::npos);
  set32(stream, at + 4, 0x00FFFFF0);
  Error e = read_error(compound_file(stream));
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("sheet 'One'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("outside the Workbook stream"), std::string::npos) << e.message;
}

TEST(XlsRecords, BoundSheetOffsetNotAtABof) {
  std::string stream = workbook_stream("", {{"One", label(0, 0, "x"), 0}});
  size_t at = stream.find(std::string("\x85\x00", 2));
  set32(stream, at + 4, 4);  // inside the globals BOF
  Error e = read_error(compound_file(stream));
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("no BOF record"), std::string::npos) << e.message;
}

TEST(XlsRecords, OverlappingSheetsAreRefused) {
  std::string stream = workbook_stream("", {{"One", label(0, 0, "x"), 0}, {"Two", label(0, 0, "y"), 0}});
  size_t first = stream.find(std::string("\x85\x00", 2));
  size_t second = stream.find(std::string("\x85\x00", 2), first + 1);
  ASSERT_NE(second, std::string::npos);
  set32(stream, second + 4, get32(stream, first + 4));  // both sheets at one offset
  Error e = read_error(compound_file(stream));
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("sheet 'Two'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("overlaps other sheets"), std::string::npos) << e.message;
}

TEST(XlsRecords, EncryptedIsRefused) {
  std::string stream = workbook_stream(record(0x002F, std::string(54, '\x01')), {{"One", "", 0}});
  Error e = read_error(compound_file(stream));
  EXPECT_EQ(e.code, ErrorCode::kUnsupported);
  EXPECT_NE(e.message.find("encrypted"), std::string::npos) << e.message;
}

TEST(XlsRecords, Biff5IsRefused) {
  std::string b;
  put16(b, 0x0500);
  put16(b, 0x0005);
  put32(b, 0);
  std::string stream = record(0x0809, b) + eof();
  Error e = read_error(compound_file(stream, "Book"));
  EXPECT_EQ(e.code, ErrorCode::kUnsupported);
  EXPECT_NE(e.message.find("Excel 5.0/95"), std::string::npos) << e.message;
}

TEST(XlsRecords, SharedStringIndexOutOfRange) {
  std::string stream = workbook_stream(sst_records(), {{"One", labelsst(4, 1, 99), 0}});
  Error e = read_error(compound_file(stream));
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("cell B5 refers to shared string 99"), std::string::npos) << e.message;
}

TEST(XlsRecords, TruncatedSharedStringTable) {
  std::string body;
  put32(body, 1);
  put32(body, 1);
  put16(body, 50);  // 50 characters announced, 3 present
  body += '\0';
  body += "abc";
  Error e = read_error(compound_file(workbook_stream(record(0x00FC, body), {{"One", "", 0}})));
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("shared string 0 of 1"), std::string::npos) << e.message;
}

TEST(XlsRecords, MissingEof) {
  std::string stream = workbook_stream("", {{"One", label(0, 0, "x"), 0}});
  stream.resize(stream.size() - 4);  // drop the sheet's EOF
  Error e = read_error(compound_file(stream));
  EXPECT_EQ(e.code, ErrorCode::kInvalidInput);
  EXPECT_NE(e.message.find("without an EOF"), std::string::npos) << e.message;
}

TEST(XlsRecords, CellLimit) {
  ReadLimits limits;
  limits.max_cells = 3;
  auto r = read_xls(compound_file(sample_stream()), "t.xls", limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kTooLarge);
}

TEST(XlsRecords, HostileWorkbookRefusedByDefaultBeforeItsMemoryIsSpent) {
  // LABELSST is 14 bytes whatever the string's length: one 8,000-character shared string in 10,000 cells is a
  // ~150 KB file describing 80 MB. The default limits refuse it at the cell that passes 64 MiB.
  std::string body;
  put32(body, 10'000);
  put32(body, 1);
  body += ustr16(std::string(8'000, 'x'));
  std::string cells;
  for (uint16_t row = 0; row < 10'000; ++row) cells += labelsst(row, 0, 0);
  std::string file = compound_file(workbook_stream(record(0x00FC, body), {{"One", cells, 0}}));
  EXPECT_LT(file.size(), 200u << 10);
  Error e = read_error(file);
  EXPECT_EQ(e.code, ErrorCode::kTooLarge);
  EXPECT_NE(e.message.find("64 MiB in memory"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("sheet 'One' cell A"), std::string::npos) << e.message;
  // Within a larger budget the same file reads.
  ReadLimits roomy;
  roomy.max_model_bytes = 128u << 20;
  auto r = read_xls(file, "t.xls", roomy);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->sheets[0].cell_count(), 10'000u);
}

// A tool, not a check: writes the fuzzing seeds.
// TOM_WRITE_XLS_CORPUS=fuzz/corpus/xls ./build/tests/xls_test --gtest_also_run_disabled_tests
// --gtest_filter=*Corpus*
TEST(XlsRecords, DISABLED_WriteFuzzCorpus) {
  const char* dir = std::getenv("TOM_WRITE_XLS_CORPUS");
  if (!dir) GTEST_SKIP() << "set TOM_WRITE_XLS_CORPUS to write the seeds";
  auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(std::filesystem::path(dir) / name, std::ios::binary) << bytes;
  };
  write("sample-mini.xls", compound_file(sample_stream()));
  std::string pad = record(0x0099, std::string(4000, '\0'));
  write("sample-big.xls",
        compound_file(workbook_stream(pad, {{"One", label(0, 0, "x") + number(1, 1, 2.5), 0}})));
}

}  // namespace
}  // namespace tom::io::xls
