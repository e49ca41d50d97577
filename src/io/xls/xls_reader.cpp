#include "io/xls/xls_reader.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <map>
#include <optional>

#include "io/xls/biff.hpp"
#include "io/xls/formula.hpp"
#include "io/xls/ole2.hpp"

namespace tom::io::xls {

namespace {

using workbook::Cell;
using workbook::Range;
using workbook::ReadLimits;
using workbook::Sheet;
using workbook::Workbook;

std::string hex4(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", static_cast<unsigned>(v));
  return buf;
}

const char* builtin_name(uint8_t code) {
  static const char* const kNames[] = {
      "Consolidate_Area", "Auto_Open",       "Auto_Close",   "Extract",        "Database",
      "Criteria",         "Print_Area",      "Print_Titles", "Recorder",       "Data_Form",
      "Auto_Activate",    "Auto_Deactivate", "Sheet_Title",  "_FilterDatabase"};
  return code < std::size(kNames) ? kNames[code] : nullptr;
}

const char* validation_type(uint32_t t) {
  static const char* const kTypes[] = {"none", "whole", "decimal",    "list",
                                       "date", "time",  "textLength", "custom"};
  return t < std::size(kTypes) ? kTypes[t] : "";
}

double rk_value(uint32_t rk) {
  double v = (rk & 0x02) ? static_cast<double>(static_cast<int32_t>(rk) >> 2)
                         : std::bit_cast<double>(static_cast<uint64_t>(rk & 0xFFFFFFFCu) << 32);
  return (rk & 0x01) ? v / 100 : v;
}

Cell number_cell(double v) {
  return Cell{format_number(v), "", Cell::Type::kNumber};
}

struct BoundSheet {
  std::string name;
  uint8_t state = 0;  // 0 visible, 1 hidden, 2 very hidden
  uint8_t type = 0;   // 0 worksheet, 1 macro sheet, 2 chart, 6 VB module
  uint32_t offset = 0;
  int model_index = -1;  // index in Workbook::sheets, -1 when not a worksheet
};

struct RawName {
  std::string name;
  uint16_t itab = 0;
  bool hidden = false;
  std::string rgce;
};

class XlsReader {
 public:
  XlsReader(std::string_view stream, const std::string& name, const ReadLimits& limits)
      : stream_(stream), name_(name), limits_(limits) {}

  Result<Workbook> read();

 private:
  Status read_globals();
  Status read_sheet(BoundSheet& bs, Sheet& sheet);
  Status read_dv(const biff::Record& rec, Sheet& sheet, const std::string& where);
  Status set_cell(Sheet& sheet, const BoundSheet& bs, int row, int col, Cell cell);
  Error bad(const std::string& where, const biff::Record& rec, const std::string& what) const {
    return Error::invalid(name_ + ": " + where + "record " + hex4(rec.type) + " at Workbook stream offset " +
                          std::to_string(rec.offset) + ": " + what);
  }
  FormulaContext context() const { return FormulaContext{&sheet_names_, &supbooks_, &xti_, &name_texts_}; }

  std::string_view stream_;
  std::string name_;
  ReadLimits limits_;
  std::vector<BoundSheet> sheets_;
  std::vector<std::string> sheet_names_;
  std::vector<std::string> sst_;
  std::vector<SupBook> supbooks_;
  std::vector<Xti> xti_;
  std::vector<RawName> names_;
  std::vector<std::string> name_texts_;
  size_t cells_ = 0;                              // cells in finished sheets
  size_t model_bytes_ = 0;                        // estimated memory of the model (max_model_bytes)
  size_t sheet_bytes_ = 0;                        // stream bytes in finished sheet substreams
  std::vector<std::pair<size_t, size_t>> spans_;  // [start, end) of finished sheet substreams
};

Status XlsReader::read_globals() {
  biff::RecordReader rr(stream_, 0, name_ + ": Workbook");
  biff::Record rec;
  bool first = true;
  while (true) {
    TOM_ASSIGN(bool more, rr.next(rec));
    if (!more)
      return Error::invalid(name_ +
                            ": the workbook globals in the Workbook stream end without an EOF record "
                            "(truncated?)");
    biff::Cursor c(rec);
    if (first) {
      first = false;
      if (rec.type == 0x0009 || rec.type == 0x0209 || rec.type == 0x0409)
        return Error{
            ErrorCode::kUnsupported,
            name_ + " is an Excel 2-4 workbook (BIFF2-4), which this tool does not read; save it as .xlsx",
            {},
            {}};
      if (rec.type != biff::rt::kBof)
        return bad("", rec, "the Workbook stream does not start with a BOF record");
      uint16_t version = c.u16();
      uint16_t dt = c.u16();
      if (version != 0x0600)
        return Error{ErrorCode::kUnsupported,
                     name_ + " is an Excel 5.0/95 workbook (BIFF version " + hex4(version) +
                         "), which this tool does not read; save it as .xlsx or Excel 97-2003",
                     {},
                     {}};
      if (!c.ok() || dt != 0x0005) return bad("", rec, "the first BOF is not a workbook globals BOF");
      continue;
    }
    switch (rec.type) {
      case biff::rt::kEof:
        return ok_status();
      case biff::rt::kFilePass:
        return Error{ErrorCode::kUnsupported,
                     name_ + " is encrypted (password-protected); remove the password in Excel and try again",
                     {},
                     {}};
      case biff::rt::kBoundSheet: {
        if (sheets_.size() >= limits_.max_sheets)
          return Error::too_large(name_ + " has more than " + std::to_string(limits_.max_sheets) + " sheets");
        BoundSheet bs;
        bs.offset = c.u32();
        bs.state = c.u8() & 0x03;
        bs.type = c.u8();
        bs.name = c.unicode_string8();
        if (!c.ok()) return bad("", rec, "BOUNDSHEET is truncated");
        sheet_names_.push_back(bs.name);
        sheets_.push_back(std::move(bs));
        break;
      }
      case biff::rt::kSst: {
        c.u32();  // total references
        uint32_t unique = c.u32();
        if (!c.ok()) return bad("", rec, "SST is truncated");
        sst_.reserve(std::min<size_t>(unique, c.remaining() / 3));
        for (uint32_t i = 0; i < unique; ++i) {
          if (c.remaining() == 0) break;  // fewer strings than announced: later references are checked
          sst_.push_back(c.unicode_string16());
          if (!c.ok())
            return bad("", rec,
                       "shared string " + std::to_string(i) + " of " + std::to_string(unique) +
                           " runs past the end of the SST and its CONTINUE records");
          model_bytes_ += workbook::string_cost(sst_.back());
          if (model_bytes_ > limits_.max_model_bytes)
            return workbook::model_too_large(name_ + ": shared string " + std::to_string(i + 1), limits_);
        }
        break;
      }
      case biff::rt::kSupBook: {
        SupBook sb;
        uint16_t ctab = c.u16();
        uint16_t cch = c.u16();
        if (!c.ok()) return bad("", rec, "SUPBOOK is truncated");
        if (cch == 0x0401) {
          sb.self = true;
        } else if (cch == 0x3A01) {
          sb.addin = true;
        } else {
          sb.path = c.unicode_string_nocch(cch);
          for (uint16_t i = 0; i < ctab && c.ok(); ++i) sb.sheets.push_back(c.unicode_string16());
          if (!c.ok()) return bad("", rec, "SUPBOOK sheet names run past the end of the record");
          int n = 0;
          for (const auto& s : supbooks_) n += (!s.self && !s.addin) ? 1 : 0;
          sb.external_number = n + 1;
        }
        supbooks_.push_back(std::move(sb));
        break;
      }
      case biff::rt::kExternSheet: {
        uint16_t count = c.u16();
        for (uint16_t i = 0; i < count && c.ok(); ++i) {
          Xti x;
          x.supbook = c.u16();
          x.first = static_cast<int16_t>(c.u16());
          x.last = static_cast<int16_t>(c.u16());
          if (c.ok()) xti_.push_back(x);
        }
        if (!c.ok()) return bad("", rec, "EXTERNSHEET has fewer entries than its count");
        break;
      }
      case biff::rt::kName: {
        RawName n;
        uint16_t flags = c.u16();
        c.u8();  // keyboard shortcut
        uint8_t cch = c.u8();
        uint16_t cce = c.u16();
        c.u16();
        n.itab = c.u16();
        c.skip(4);
        n.name = c.unicode_string_nocch(cch);
        n.rgce = c.bytes(cce);
        if (!c.ok()) return bad("", rec, "NAME is truncated");
        n.hidden = (flags & 0x0001) != 0;
        if ((flags & 0x0020) && !n.name.empty()) {
          const char* b = builtin_name(static_cast<uint8_t>(n.name[0]));
          n.name = b ? b : "_Builtin" + std::to_string(static_cast<unsigned char>(n.name[0]));
        }
        names_.push_back(std::move(n));
        break;
      }
      default:
        break;  // CODEPAGE (BIFF8 strings are Unicode), EXTSST, formats, styles, ...
    }
  }
}

Status XlsReader::set_cell(Sheet& sheet, const BoundSheet& bs, int row, int col, Cell cell) {
  // Shared strings are copied into each cell that uses them (LABELSST is 10 bytes for any length): count
  // the copy before making it.
  model_bytes_ += workbook::cell_cost(cell);
  if (model_bytes_ > limits_.max_model_bytes)
    return workbook::model_too_large(
        name_ + ": sheet '" + bs.name + "' cell " + workbook::column_name(col) + std::to_string(row + 1),
        limits_);
  sheet.set(row, col, std::move(cell));
  if (cells_ + sheet.cell_count() > limits_.max_cells)
    return Error::too_large(name_ + ": sheet '" + bs.name + "' takes the workbook over the limit of " +
                            std::to_string(limits_.max_cells) + " cells");
  return ok_status();
}

Status XlsReader::read_dv(const biff::Record& rec, Sheet& sheet, const std::string& where) {
  biff::Cursor c(rec);
  uint32_t flags = c.u32();
  for (int i = 0; i < 4; ++i) c.unicode_string16();  // prompt title, error title, prompt, error text
  std::string rgce[2];
  for (auto& f : rgce) {
    uint16_t cce = c.u16();
    c.u16();
    f = c.bytes(cce);
  }
  uint16_t count = c.u16();
  if (!c.ok()) return bad(where, rec, "DV (data validation) is truncated");
  workbook::Validation v;
  for (uint16_t i = 0; i < count; ++i) {
    int r1 = c.u16(), r2 = c.u16(), c1 = c.u16(), c2 = c.u16();
    if (!c.ok()) return bad(where, rec, "DV cell ranges run past the end of the record");
    v.ranges.push_back(Range{{std::min(r1, r2), std::min(c1, c2)}, {std::max(r1, r2), std::max(c1, c2)}});
  }
  v.type = validation_type(flags & 0x0F);
  if (auto f = decompile(rgce[0], context())) v.formula1 = *f;
  sheet.validations.push_back(std::move(v));
  return ok_status();
}

Status XlsReader::read_sheet(BoundSheet& bs, Sheet& sheet) {
  const std::string where = "sheet '" + bs.name + "', ";
  if (bs.offset >= stream_.size() || stream_.size() - bs.offset < 4)
    return Error::invalid(name_ + ": sheet '" + bs.name + "': its BOUNDSHEET offset " +
                          std::to_string(bs.offset) + " is outside the Workbook stream (" +
                          std::to_string(stream_.size()) + " bytes)");
  biff::RecordReader rr(stream_, bs.offset, name_ + ": sheet '" + bs.name + "': Workbook");
  biff::Record rec;
  TOM_ASSIGN(bool any, rr.next(rec));
  if (!any || rec.type != biff::rt::kBof)
    return Error::invalid(name_ + ": sheet '" + bs.name + "': no BOF record at its Workbook stream offset " +
                          std::to_string(bs.offset));
  int depth = 1;  // embedded charts nest BOF..EOF inside a sheet
  struct Pending {
    int row, col;
    std::string formula;
  };
  std::optional<Pending> pending;  // a FORMULA whose string result is in the next STRING record
  const FormulaContext ctx = context();
  std::vector<bool> hidden_cols(256, false);
  while (depth > 0) {
    TOM_ASSIGN(bool more, rr.next(rec));
    // Sheet substreams are disjoint, so together they are no longer than the stream; more means they overlap
    // (which would let a small file make the reader go over the same bytes once per sheet).
    if (sheet_bytes_ + (rr.position() - bs.offset) > stream_.size())
      return Error::invalid(name_ + ": sheet '" + bs.name + "': its substream at Workbook stream offset " +
                            std::to_string(bs.offset) + " overlaps other sheets");
    if (!more)
      return Error::invalid(name_ + ": sheet '" + bs.name +
                            "': the sheet ends without an EOF record at the end of "
                            "the Workbook stream (truncated?)");
    if (rec.type == biff::rt::kBof) {
      ++depth;
      continue;
    }
    if (rec.type == biff::rt::kEof) {
      --depth;
      continue;
    }
    if (depth != 1) continue;
    biff::Cursor c(rec);
    if (pending && rec.type != biff::rt::kString && rec.type != 0x04BC && rec.type != 0x0221 &&
        rec.type != 0x0236)
      pending.reset();  // no STRING followed (SHRFMLA, ARRAY and TABLE may come between)
    switch (rec.type) {
      case biff::rt::kLabelSst: {
        int row = c.u16(), col = c.u16();
        c.u16();
        uint32_t isst = c.u32();
        if (!c.ok()) return bad(where, rec, "LABELSST is truncated");
        if (isst >= sst_.size())
          return bad(where, rec,
                     "cell " + workbook::column_name(col) + std::to_string(row + 1) +
                         " refers to shared string " + std::to_string(isst) + " but the table has " +
                         std::to_string(sst_.size()));
        TOM_TRY(set_cell(sheet, bs, row, col, Cell{sst_[isst], "", Cell::Type::kText}));
        break;
      }
      case biff::rt::kLabel:
      case biff::rt::kRString: {
        int row = c.u16(), col = c.u16();
        c.u16();
        std::string s = c.unicode_string16();
        if (!c.ok()) return bad(where, rec, "LABEL is truncated");
        TOM_TRY(set_cell(sheet, bs, row, col, Cell{std::move(s), "", Cell::Type::kText}));
        break;
      }
      case biff::rt::kNumber: {
        int row = c.u16(), col = c.u16();
        c.u16();
        double v = c.f64();
        if (!c.ok()) return bad(where, rec, "NUMBER is truncated");
        TOM_TRY(set_cell(sheet, bs, row, col, number_cell(v)));
        break;
      }
      case biff::rt::kRk: {
        int row = c.u16(), col = c.u16();
        c.u16();
        uint32_t rk = c.u32();
        if (!c.ok()) return bad(where, rec, "RK is truncated");
        TOM_TRY(set_cell(sheet, bs, row, col, number_cell(rk_value(rk))));
        break;
      }
      case biff::rt::kMulRk: {
        size_t size = rec.size();
        if (size < 6 || (size - 6) % 6 != 0) return bad(where, rec, "MULRK has a bad length");
        int row = c.u16(), col = c.u16();
        size_t n = (size - 6) / 6;
        for (size_t i = 0; i < n; ++i) {
          c.u16();
          uint32_t rk = c.u32();
          TOM_TRY(set_cell(sheet, bs, row, col + static_cast<int>(i), number_cell(rk_value(rk))));
        }
        break;
      }
      case biff::rt::kBoolErr: {
        int row = c.u16(), col = c.u16();
        c.u16();
        uint8_t value = c.u8();
        uint8_t is_error = c.u8();
        if (!c.ok()) return bad(where, rec, "BOOLERR is truncated");
        Cell cell = is_error ? Cell{error_text(value), "", Cell::Type::kError}
                             : Cell{value ? "TRUE" : "FALSE", "", Cell::Type::kBool};
        TOM_TRY(set_cell(sheet, bs, row, col, std::move(cell)));
        break;
      }
      case biff::rt::kFormula: {
        int row = c.u16(), col = c.u16();
        c.u16();
        std::string result = c.bytes(8);
        c.u16();  // flags
        c.u32();  // chn
        uint16_t cce = c.u16();
        std::string rgce = c.bytes(cce);
        if (!c.ok()) return bad(where, rec, "FORMULA is truncated");
        std::string formula = decompile(rgce, ctx).value_or("");
        auto byte = [&result](size_t i) { return static_cast<uint8_t>(result[i]); };
        Cell cell;
        cell.formula = formula;
        if (byte(6) == 0xFF && byte(7) == 0xFF) {
          switch (byte(0)) {
            case 0:  // string: in the following STRING record
              pending = Pending{row, col, formula};
              cell.type = Cell::Type::kText;
              break;
            case 1:
              cell = Cell{byte(2) ? "TRUE" : "FALSE", formula, Cell::Type::kBool};
              break;
            case 2:
              cell = Cell{error_text(byte(2)), formula, Cell::Type::kError};
              break;
            default:  // 3: empty string
              cell.type = Cell::Type::kText;
              break;
          }
        } else {
          uint64_t bits = 0;
          for (size_t i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(byte(i)) << (8 * i);
          cell = Cell{format_number(std::bit_cast<double>(bits)), formula, Cell::Type::kNumber};
        }
        TOM_TRY(set_cell(sheet, bs, row, col, std::move(cell)));
        break;
      }
      case biff::rt::kString: {
        std::string s = c.unicode_string16();
        if (!c.ok()) return bad(where, rec, "STRING (a formula's text result) is truncated");
        if (pending) {
          TOM_TRY(set_cell(sheet, bs, pending->row, pending->col,
                           Cell{std::move(s), std::move(pending->formula), Cell::Type::kText}));
          pending.reset();
        }
        break;
      }
      case biff::rt::kMergedCells: {
        uint16_t count = c.u16();
        for (uint16_t i = 0; i < count; ++i) {
          int r1 = c.u16(), r2 = c.u16(), c1 = c.u16(), c2 = c.u16();
          if (!c.ok()) return bad(where, rec, "MERGEDCELLS has fewer ranges than its count");
          sheet.merged.push_back(
              Range{{std::min(r1, r2), std::min(c1, c2)}, {std::max(r1, r2), std::max(c1, c2)}});
        }
        break;
      }
      case biff::rt::kRow: {
        int row = c.u16();
        c.skip(10);
        uint16_t flags = c.u16();
        if (!c.ok()) return bad(where, rec, "ROW is truncated");
        if (flags & 0x0020) sheet.hidden_rows.push_back(row);
        break;
      }
      case biff::rt::kColInfo: {
        int first = c.u16(), last = c.u16();
        c.u16();
        c.u16();
        uint16_t flags = c.u16();
        if (!c.ok()) return bad(where, rec, "COLINFO is truncated");
        last = std::min(last, 255);  // BIFF8 has 256 columns; writers often say 256
        if (flags & 0x0001)
          for (int col = first; col <= last; ++col) hidden_cols[static_cast<size_t>(col)] = true;
        break;
      }
      case biff::rt::kDv:
        TOM_TRY(read_dv(rec, sheet, where));
        break;
      default:
        break;  // DIMENSION, BLANK, MULBLANK, DVAL, formatting, drawing, ...
    }
  }
  auto sort_unique = [](std::vector<int>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
  };
  sort_unique(sheet.hidden_rows);
  for (size_t col = 0; col < hidden_cols.size(); ++col)
    if (hidden_cols[col]) sheet.hidden_cols.push_back(static_cast<int>(col));
  cells_ += sheet.cell_count();
  sheet_bytes_ += rr.position() - bs.offset;
  for (const auto& [start, end] : spans_)
    if (bs.offset < end && start < rr.position())
      return Error::invalid(name_ + ": sheet '" + bs.name + "': its substream at Workbook stream offset " +
                            std::to_string(bs.offset) + " overlaps other sheets");
  spans_.emplace_back(bs.offset, rr.position());
  return ok_status();
}

Result<Workbook> XlsReader::read() {
  TOM_TRY(read_globals());
  // ptgName refers to names by position; their texts are needed before sheets' validations are decompiled.
  for (const auto& n : names_) name_texts_.push_back(n.name);
  Workbook wb;
  wb.format = "xls";
  for (auto& bs : sheets_) {
    if (bs.type != 0 && bs.type != 1) continue;  // charts and VB modules hold no cells
    bs.model_index = static_cast<int>(wb.sheets.size());
    Sheet sheet;
    sheet.name = bs.name;
    sheet.hidden = bs.state != 0;
    TOM_TRY(read_sheet(bs, sheet));
    wb.sheets.push_back(std::move(sheet));
  }
  const FormulaContext ctx = context();
  for (const auto& n : names_) {
    workbook::DefinedName d;
    d.name = n.name;
    d.hidden = n.hidden;
    if (n.itab != 0) {
      size_t i = n.itab - 1u;
      if (i >= sheets_.size() || sheets_[i].model_index < 0) continue;  // local to a chart or a missing sheet
      d.local_sheet = sheets_[i].model_index;
    }
    d.formula = decompile(n.rgce, ctx).value_or("");
    wb.names.push_back(std::move(d));
  }
  // List values resolve through sheets and names, so only once everything is read. A list may cover up to
  // 10,000 cells, so identical lists are resolved once and the number of distinct ones is bounded: past the
  // bound a list stays unresolved (empty values), which the model allows.
  constexpr size_t kMaxDistinctLists = 1000;
  std::map<std::pair<size_t, std::string>, std::vector<std::string>> resolved;
  for (size_t i = 0; i < wb.sheets.size(); ++i)
    for (auto& v : wb.sheets[i].validations) {
      if (v.type != "list" || v.formula1.empty()) continue;
      auto key = std::make_pair(i, v.formula1);
      auto it = resolved.find(key);
      if (it == resolved.end()) {
        if (resolved.size() >= kMaxDistinctLists) continue;
        it = resolved.emplace(key, workbook::resolve_list(wb, static_cast<int>(i), v.formula1)).first;
      }
      // Each validation gets its own copy of the list: count the copies against the budget.
      for (const auto& value : it->second) model_bytes_ += workbook::string_cost(value);
      if (model_bytes_ > limits_.max_model_bytes)
        return workbook::model_too_large(name_ + ": sheet '" + wb.sheets[i].name + "': its lists' values",
                                         limits_);
      v.values = it->second;
    }
  return wb;
}

}  // namespace

Result<Workbook> read_xls(std::string_view bytes, const std::string& name, const ReadLimits& limits) {
  if (bytes.size() > limits.max_file_bytes)
    return Error::too_large(name + " is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                            std::to_string(limits.max_file_bytes) + " bytes");
  TOM_ASSIGN(auto cf, ole2::CompoundFile::open(bytes, name));
  int entry = cf.find_root_stream("Workbook");
  if (entry < 0) entry = cf.find_root_stream("Book");
  if (entry < 0)
    return Error::invalid(name + " is not an Excel workbook: the OLE2 file has no Workbook stream");
  const size_t max_stream = std::min(limits.max_part_bytes, limits.max_inflated_bytes);
  TOM_ASSIGN(std::string stream, cf.read_stream(entry, max_stream));
  XlsReader reader(stream, name, limits);
  return reader.read();
}

}  // namespace tom::io::xls
