#include "io/xls/formula.hpp"

#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "io/workbook/workbook.hpp"
#include "io/xls/biff.hpp"

namespace tom::io::xls {

namespace {

struct Func {
  uint16_t id;
  const char* name;
  int argc;  // fixed argument count for ptgFunc; -1 when variable
};

// The common part of the BIFF function table (Ftab).
constexpr Func kFuncs[] = {
    {0, "COUNT", -1},      {1, "IF", -1},           {2, "ISNA", 1},
    {3, "ISERROR", 1},     {4, "SUM", -1},          {5, "AVERAGE", -1},
    {6, "MIN", -1},        {7, "MAX", -1},          {8, "ROW", -1},
    {9, "COLUMN", -1},     {10, "NA", 0},           {19, "PI", 0},
    {20, "SQRT", 1},       {24, "ABS", 1},          {25, "INT", 1},
    {26, "SIGN", 1},       {27, "ROUND", 2},        {28, "LOOKUP", -1},
    {29, "INDEX", -1},     {30, "REPT", 2},         {31, "MID", 3},
    {32, "LEN", 1},        {33, "VALUE", 1},        {34, "TRUE", 0},
    {35, "FALSE", 0},      {36, "AND", -1},         {37, "OR", -1},
    {38, "NOT", 1},        {39, "MOD", 2},          {48, "TEXT", 2},
    {63, "RAND", 0},       {64, "MATCH", -1},       {65, "DATE", 3},
    {66, "TIME", 3},       {67, "DAY", 1},          {68, "MONTH", 1},
    {69, "YEAR", 1},       {74, "NOW", 0},          {76, "ROWS", 1},
    {77, "COLUMNS", 1},    {78, "OFFSET", -1},      {82, "SEARCH", -1},
    {83, "TRANSPOSE", 1},  {100, "CHOOSE", -1},     {101, "HLOOKUP", -1},
    {102, "VLOOKUP", -1},  {105, "ISREF", 1},       {111, "CHAR", 1},
    {112, "LOWER", 1},     {113, "UPPER", 1},       {114, "PROPER", 1},
    {115, "LEFT", -1},     {116, "RIGHT", -1},      {117, "EXACT", 2},
    {118, "TRIM", 1},      {119, "REPLACE", 4},     {120, "SUBSTITUTE", -1},
    {121, "CODE", 1},      {124, "FIND", -1},       {126, "ISERR", 1},
    {127, "ISTEXT", 1},    {128, "ISNUMBER", 1},    {129, "ISBLANK", 1},
    {148, "INDIRECT", -1}, {169, "COUNTA", -1},     {183, "PRODUCT", -1},
    {190, "ISNONTEXT", 1}, {197, "TRUNC", -1},      {198, "ISLOGICAL", 1},
    {212, "ROUNDUP", 2},   {213, "ROUNDDOWN", 2},   {219, "ADDRESS", -1},
    {221, "TODAY", 0},     {228, "SUMPRODUCT", -1}, {336, "CONCATENATE", -1},
    {337, "POWER", 2},     {344, "SUBTOTAL", -1},   {345, "SUMIF", -1},
    {346, "COUNTIF", 2},   {347, "COUNTBLANK", 1},
};

const Func* find_func(uint16_t id) {
  for (const auto& f : kFuncs)
    if (f.id == id) return &f;
  return nullptr;
}

// A cell address; `col_field` carries the relative flags (0x4000 column, 0x8000 row).
std::string cell_text(uint16_t row, uint16_t col_field) {
  std::string s;
  if (!(col_field & 0x4000)) s += '$';
  s += workbook::column_name(col_field & 0x3FFF);
  if (!(col_field & 0x8000)) s += '$';
  s += std::to_string(static_cast<unsigned>(row) + 1);
  return s;
}

std::string area_text(uint16_t r1, uint16_t r2, uint16_t c1, uint16_t c2) {
  auto col = [](uint16_t c) {
    return std::string(c & 0x4000 ? "" : "$") + workbook::column_name(c & 0x3FFF);
  };
  auto row = [](uint16_t r, uint16_t c) {
    return std::string(c & 0x8000 ? "" : "$") + std::to_string(static_cast<unsigned>(r) + 1);
  };
  if (r1 == 0 && r2 == 0xFFFF) return col(c1) + ":" + col(c2);                          // whole columns
  if ((c1 & 0xFF) == 0 && (c2 & 0xFF) == 0xFF) return row(r1, c1) + ":" + row(r2, c2);  // whole rows
  if (r1 == r2 && c1 == c2) return cell_text(r1, c1);                                   // one cell
  return cell_text(r1, c1) + ":" + cell_text(r2, c2);
}

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool has(size_t n) const { return b_.size() - pos_ >= n; }
  bool done() const { return pos_ >= b_.size(); }
  uint8_t u8() { return static_cast<uint8_t>(b_[pos_++]); }
  uint16_t u16() {
    uint16_t v = static_cast<uint16_t>(static_cast<unsigned char>(b_[pos_]) |
                                       (static_cast<unsigned char>(b_[pos_ + 1]) << 8));
    pos_ += 2;
    return v;
  }
  uint32_t u32() {
    uint32_t lo = u16();
    return lo | (static_cast<uint32_t>(u16()) << 16);
  }
  void skip(size_t n) { pos_ += n; }
  std::string_view take(size_t n) {
    auto s = b_.substr(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;
};

// The sheet prefix for an EXTERNSHEET index: "" for none, "#REF!" marker via `deleted`, nullopt when unknown.
std::optional<std::string> xti_prefix(uint16_t ixti, const FormulaContext& ctx, bool& deleted) {
  deleted = false;
  if (!ctx.xti || ixti >= ctx.xti->size() || !ctx.supbooks) return std::nullopt;
  const Xti& x = (*ctx.xti)[ixti];
  if (x.supbook >= ctx.supbooks->size()) return std::nullopt;
  const SupBook& sb = (*ctx.supbooks)[x.supbook];
  if (sb.self) {
    if (x.first == -2) return std::string();
    if (!ctx.sheet_names || x.first < 0 || x.last < 0 ||
        static_cast<size_t>(x.first) >= ctx.sheet_names->size() ||
        static_cast<size_t>(x.last) >= ctx.sheet_names->size()) {
      deleted = true;
      return std::string();
    }
    std::string name = (*ctx.sheet_names)[static_cast<size_t>(x.first)];
    if (x.last != x.first) name += ":" + (*ctx.sheet_names)[static_cast<size_t>(x.last)];
    return sheet_prefix(name);
  }
  if (sb.addin) return std::nullopt;
  std::string book = "[" + std::to_string(sb.external_number) + "]";
  if (x.first == -2) return book + "!";  // the external workbook itself
  if (x.first < 0 || static_cast<size_t>(x.first) >= sb.sheets.size()) {
    deleted = true;
    return std::string();
  }
  std::string name = sb.sheets[static_cast<size_t>(x.first)];
  if (x.last != x.first && x.last >= 0 && static_cast<size_t>(x.last) < sb.sheets.size())
    name += ":" + sb.sheets[static_cast<size_t>(x.last)];
  return sheet_prefix(name, book);
}

}  // namespace

std::string sheet_prefix(const std::string& sheet, const std::string& book) {
  bool plain = !sheet.empty() && !std::isdigit(static_cast<unsigned char>(sheet[0]));
  for (char ch : sheet) {
    unsigned char u = static_cast<unsigned char>(ch);
    if (!(std::isalnum(u) || ch == '_' || ch == '.' || u >= 0x80)) plain = false;
  }
  if (plain) return book + sheet + "!";
  std::string out = "'" + book;
  for (char ch : sheet) {
    out += ch;
    if (ch == '\'') out += '\'';
  }
  return out + "'!";
}

std::string format_number(double v) {
  if (v == 0) return "0";
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::optional<std::string> decompile(std::string_view rgce, const FormulaContext& ctx) {
  Reader r(rgce);
  std::vector<std::string> stack;
  auto pop = [&stack]() {
    std::string s = std::move(stack.back());
    stack.pop_back();
    return s;
  };
  auto call = [&](const char* name, size_t argc) -> bool {
    if (stack.size() < argc) return false;
    std::string args;
    const size_t start = stack.size() - argc;
    for (size_t i = start; i < stack.size(); ++i) {
      if (i > start) args += ',';
      args += stack[i];
    }
    stack.resize(stack.size() - argc);
    stack.push_back(std::string(name) + "(" + args + ")");
    return true;
  };
  static const char* const kBinary[] = {
      "+", "-", "*", "/", "^", "&", "<", "<=", "=", ">=", ">", "<>", " ", ",", ":"};
  // Each token copies at most the text on top of the stack; bounding the sum bounds the work on hostile input
  // (Excel itself keeps formulas under 8,192 characters).
  constexpr size_t kWorkBudget = 64 * 1024;
  size_t work = 0;
  while (!r.done()) {
    if (!stack.empty() && (work += stack.back().size()) > kWorkBudget) return std::nullopt;
    uint8_t ptg = r.u8();
    uint8_t base = ptg < 0x20 ? ptg : static_cast<uint8_t>((ptg & 0x1F) | 0x20);
    if (ptg >= 0x03 && ptg <= 0x11) {
      if (stack.size() < 2) return std::nullopt;
      std::string b = pop();
      std::string a = pop();
      stack.push_back(a + kBinary[ptg - 0x03] + b);
      continue;
    }
    switch (base) {
      case 0x12:
      case 0x13:
        if (stack.empty()) return std::nullopt;
        stack.back() = (base == 0x12 ? "+" : "-") + stack.back();
        break;
      case 0x14:
        if (stack.empty()) return std::nullopt;
        stack.back() += "%";
        break;
      case 0x15:
        if (stack.empty()) return std::nullopt;
        stack.back() = "(" + stack.back() + ")";
        break;
      case 0x16:
        stack.emplace_back();
        break;
      case 0x17: {  // ptgStr: ShortXLUnicodeString
        if (!r.has(2)) return std::nullopt;
        size_t cch = r.u8();
        bool wide = (r.u8() & 0x01) != 0;
        if (!r.has(cch * (wide ? 2 : 1))) return std::nullopt;
        std::u16string units;
        for (size_t i = 0; i < cch; ++i) units.push_back(wide ? static_cast<char16_t>(r.u16()) : r.u8());
        std::string s;
        biff::append_utf8(s, units);
        std::string lit = "\"";
        for (char ch : s) {
          if (ch == '\0')
            lit += ',';
          else if (ch == '"')
            lit += "\"\"";
          else
            lit += ch;
        }
        stack.push_back(lit + "\"");
        break;
      }
      case 0x19: {  // ptgAttr
        if (!r.has(3)) return std::nullopt;
        uint8_t flags = r.u8();
        uint16_t data = r.u16();
        if (flags & 0x04) {  // choose: a jump table follows
          if (!r.has((static_cast<size_t>(data) + 1) * 2)) return std::nullopt;
          r.skip((static_cast<size_t>(data) + 1) * 2);
        } else if (flags & 0x10) {  // sum of one argument
          if (!call("SUM", 1)) return std::nullopt;
        }
        break;
      }
      case 0x1C:
        if (!r.has(1)) return std::nullopt;
        stack.emplace_back(error_text(r.u8()));
        break;
      case 0x1D:
        if (!r.has(1)) return std::nullopt;
        stack.emplace_back(r.u8() ? "TRUE" : "FALSE");
        break;
      case 0x1E:
        if (!r.has(2)) return std::nullopt;
        stack.push_back(std::to_string(r.u16()));
        break;
      case 0x1F: {
        if (!r.has(8)) return std::nullopt;
        uint64_t lo = r.u32();
        uint64_t hi = r.u32();
        stack.push_back(format_number(std::bit_cast<double>(lo | (hi << 32))));
        break;
      }
      case 0x21: {  // ptgFunc: fixed arguments
        if (!r.has(2)) return std::nullopt;
        const Func* f = find_func(r.u16());
        if (!f || f->argc < 0 || !call(f->name, static_cast<size_t>(f->argc))) return std::nullopt;
        break;
      }
      case 0x22: {  // ptgFuncVar
        if (!r.has(3)) return std::nullopt;
        size_t argc = r.u8() & 0x7F;
        uint16_t id = r.u16();
        const Func* f = (id & 0x8000) ? nullptr : find_func(id);
        if (!f || !call(f->name, argc)) return std::nullopt;
        break;
      }
      case 0x23: {  // ptgName
        if (!r.has(4)) return std::nullopt;
        uint32_t index = r.u32();
        if (!ctx.names || index == 0 || index > ctx.names->size()) return std::nullopt;
        stack.push_back((*ctx.names)[index - 1]);
        break;
      }
      case 0x24: {
        if (!r.has(4)) return std::nullopt;
        uint16_t row = r.u16();
        stack.push_back(cell_text(row, r.u16()));
        break;
      }
      case 0x25: {
        if (!r.has(8)) return std::nullopt;
        uint16_t r1 = r.u16(), r2 = r.u16(), c1 = r.u16(), c2 = r.u16();
        stack.push_back(area_text(r1, r2, c1, c2));
        break;
      }
      case 0x26:
      case 0x27:
      case 0x28:  // ptgMemArea / MemErr / MemNoMem: the sub-expression follows
        if (!r.has(6)) return std::nullopt;
        r.skip(6);
        break;
      case 0x29:  // ptgMemFunc
        if (!r.has(2)) return std::nullopt;
        r.skip(2);
        break;
      case 0x2A:
        if (!r.has(4)) return std::nullopt;
        r.skip(4);
        stack.emplace_back("#REF!");
        break;
      case 0x2B:
        if (!r.has(8)) return std::nullopt;
        r.skip(8);
        stack.emplace_back("#REF!");
        break;
      case 0x39: {  // ptgNameX: a name in this workbook through the self SUPBOOK
        if (!r.has(6)) return std::nullopt;
        uint16_t ixti = r.u16();
        uint16_t index = r.u16();
        r.skip(2);
        if (!ctx.xti || ixti >= ctx.xti->size() || !ctx.supbooks || !ctx.names) return std::nullopt;
        uint16_t sb = (*ctx.xti)[ixti].supbook;
        if (sb >= ctx.supbooks->size() || !(*ctx.supbooks)[sb].self) return std::nullopt;
        if (index == 0 || index > ctx.names->size()) return std::nullopt;
        stack.push_back((*ctx.names)[index - 1u]);
        break;
      }
      case 0x3A:
      case 0x3B:
      case 0x3C:
      case 0x3D: {
        size_t need = (base == 0x3A || base == 0x3C) ? 6 : 10;
        if (!r.has(need)) return std::nullopt;
        uint16_t ixti = r.u16();
        bool deleted = false;
        auto prefix = xti_prefix(ixti, ctx, deleted);
        if (base == 0x3C || base == 0x3D || deleted) {
          r.skip(need - 2);
          if (!prefix) return std::nullopt;
          stack.emplace_back("#REF!");
          break;
        }
        if (!prefix) return std::nullopt;
        if (base == 0x3A) {
          uint16_t row = r.u16();
          stack.push_back(*prefix + cell_text(row, r.u16()));
        } else {
          uint16_t r1 = r.u16(), r2 = r.u16(), c1 = r.u16(), c2 = r.u16();
          stack.push_back(*prefix + area_text(r1, r2, c1, c2));
        }
        break;
      }
      default:
        return std::nullopt;  // ptgExp, ptgTbl, arrays, relative (N) references, ...
    }
  }
  if (stack.size() != 1) return std::nullopt;
  return stack.back();
}

const char* error_text(uint8_t code) {
  switch (code) {
    case 0x00:
      return "#NULL!";
    case 0x07:
      return "#DIV/0!";
    case 0x0F:
      return "#VALUE!";
    case 0x17:
      return "#REF!";
    case 0x1D:
      return "#NAME?";
    case 0x24:
      return "#NUM!";
    case 0x2A:
      return "#N/A";
    case 0x2B:
      return "#GETTING_DATA";
    default:
      return "#ERR!";
  }
}

}  // namespace tom::io::xls
