// .xlsx reader: zip (zip.hpp) -> XML parts (xml.hpp) -> workbook model. Parts read: the package
// relationships, the workbook and its relationships, the shared strings and each sheet. Everything else
// (styles, drawings, external links) is ignored.
#include "io/xlsx/xlsx_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include "io/xlsx/xml.hpp"
#include "io/xlsx/zip.hpp"

namespace tom::io::xlsx {

namespace {

using workbook::Cell;
using workbook::cell_cost;
using workbook::DefinedName;
using workbook::ReadLimits;
using workbook::Sheet;
using workbook::string_cost;
using workbook::Validation;
using workbook::Workbook;

constexpr int kMaxRows = 1'048'576;  // Excel's grid
constexpr int kMaxCols = 16'384;

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool truthy(std::string_view v) {
  return v == "1" || v == "true";
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// A non-negative decimal integer, or -1.
long parse_uint(std::string_view s) {
  s = trim(s);
  if (s.empty() || s.size() > 12) return -1;
  long n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

// "B3" (or "$B$3") -> 0-based row and column; false when not a cell reference inside Excel's grid.
bool parse_cell_ref(std::string_view s, int& row, int& col) {
  size_t i = 0;
  if (i < s.size() && s[i] == '$') ++i;
  size_t letters = i;
  while (i < s.size() && ((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z'))) ++i;
  int c = workbook::column_index(s.substr(letters, i - letters));
  if (i < s.size() && s[i] == '$') ++i;
  long r = parse_uint(s.substr(i));
  if (c < 0 || c >= kMaxCols || r < 1 || r > kMaxRows) return false;
  row = static_cast<int>(r - 1);
  col = c;
  return true;
}

// A number as a person sees it: "1" not "1.0", the shortest text that reads back as the same double.
std::string format_number(std::string_view v) {
  v = trim(v);
  bool plain_int = !v.empty() && v.size() <= 15;
  for (size_t i = 0; plain_int && i < v.size(); ++i)
    plain_int = (v[i] >= '0' && v[i] <= '9') || (i == 0 && v[i] == '-' && v.size() > 1);
  if (plain_int && (v[0] != '0' || v.size() == 1) && !(v[0] == '-' && v[1] == '0')) return std::string(v);
  double d = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(d)) return std::string(v);
  if (d == 0) return "0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  if (res.ec != std::errc()) return std::string(v);
  return std::string(buf, res.ptr);
}

// Part names: "xl/" + "worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml", "../customXml/item1.xml".
std::string dir_of(std::string_view part) {
  auto slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
}

std::string resolve_target(std::string_view base_dir, std::string_view target) {
  std::string path = !target.empty() && target.front() == '/' ? std::string(target.substr(1))
                                                              : std::string(base_dir) + std::string(target);
  std::vector<std::string_view> segs;
  std::string_view rest(path);
  while (!rest.empty()) {
    auto slash = rest.find('/');
    std::string_view seg = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
      continue;
    }
    segs.push_back(seg);
  }
  std::string out;
  for (auto seg : segs) {
    if (!out.empty()) out += '/';
    out += seg;
  }
  return out;
}

std::string rels_part_for(std::string_view part) {
  auto slash = part.rfind('/');
  std::string dir = slash == std::string_view::npos ? std::string() : std::string(part.substr(0, slash + 1));
  std::string file(slash == std::string_view::npos ? part : part.substr(slash + 1));
  return dir + "_rels/" + file + ".rels";
}

// ---- Relationships ----

struct Rel {
  std::string type;
  std::string target;
  bool external = false;
};

class RelsHandler : public XmlHandler {
 public:
  std::map<std::string, Rel> rels;  // by id

  void start(std::string_view name, const XmlAttrs& a) override {
    if (name != "Relationship") return;
    Rel r{std::string(a.get_or("Type")), std::string(a.get_or("Target")),
          a.get_or("TargetMode") == "External"};
    rels.emplace(std::string(a.get_or("Id")), std::move(r));
  }
  void end(std::string_view) override {}
};

// ---- Workbook part ----

struct SheetEntry {
  std::string name;
  bool hidden = false;
  std::string rel_id;
};

class WorkbookHandler : public XmlHandler {
 public:
  WorkbookHandler(const std::string& where, const ReadLimits& limits) : where_(where), limits_(limits) {}

  std::string root;
  std::vector<SheetEntry> sheets;
  struct Name {
    DefinedName name;
    bool local_valid = true;
  };
  std::vector<Name> names;

  void start(std::string_view name, const XmlAttrs& a) override {
    if (root.empty()) root = name;
    if (name == "sheet") {
      if (sheets.size() >= limits_.max_sheets) {
        fail(Error::too_large(where_ + ": the workbook has more than " + std::to_string(limits_.max_sheets) +
                              " sheets"));
        return;
      }
      auto state = a.get_or("state");
      sheets.push_back({std::string(a.get_or("name")), state == "hidden" || state == "veryHidden",
                        std::string(a.get_or("id"))});
    } else if (name == "definedName") {
      in_name_ = true;
      Name n;
      n.name.name = a.get_or("name");
      n.name.hidden = truthy(a.get_or("hidden"));
      if (auto local = a.get("localSheetId")) {
        long id = parse_uint(*local);
        n.name.local_sheet = id >= 0 && id < kMaxRows ? static_cast<int>(id) : -1;
        n.local_valid = id >= 0 && id < kMaxRows;
      }
      names.push_back(std::move(n));
    }
  }
  void end(std::string_view name) override {
    if (name == "definedName") in_name_ = false;
  }
  void text(std::string_view chunk) override {
    if (in_name_) names.back().name.formula.append(chunk);
  }

 private:
  const std::string& where_;
  const ReadLimits& limits_;
  bool in_name_ = false;
};

// ---- Shared strings ----

class SharedStringsHandler : public XmlHandler {
 public:
  SharedStringsHandler(const std::string& where, const ReadLimits& limits, size_t& model_bytes)
      : where_(where), limits_(limits), model_bytes_(model_bytes) {}
  std::vector<std::string> strings;

  void start(std::string_view name, const XmlAttrs&) override {
    if (name == "si") {
      in_si_ = true;
      cur_.clear();
    } else if (name == "rPh") {
      ++phonetic_;
    } else if (name == "t") {
      in_t_ = in_si_ && phonetic_ == 0;
    }
  }
  void end(std::string_view name) override {
    if (name == "t") {
      in_t_ = false;
    } else if (name == "rPh") {
      --phonetic_;
    } else if (name == "si") {
      in_si_ = false;
      if (strings.size() >= limits_.max_cells) {
        fail(Error::too_large(where_ + ": more shared strings than the limit of " +
                              std::to_string(limits_.max_cells) + " cells"));
        return;
      }
      model_bytes_ += string_cost(cur_);
      if (model_bytes_ > limits_.max_model_bytes)
        return fail(workbook::model_too_large(
            where_ + ": shared string " + std::to_string(strings.size() + 1), limits_));
      strings.push_back(cur_);
    }
  }
  void text(std::string_view chunk) override {
    if (!in_t_) return;
    // One string alone may not outgrow the budget either (it is kept whole until </si>).
    if (model_bytes_ + cur_.size() + chunk.size() > limits_.max_model_bytes)
      return fail(workbook::model_too_large(where_ + ": shared string " + std::to_string(strings.size() + 1),
                                            limits_));
    cur_.append(chunk);
  }

 private:
  const std::string& where_;
  const ReadLimits& limits_;
  size_t& model_bytes_;
  std::string cur_;
  bool in_si_ = false;
  bool in_t_ = false;
  int phonetic_ = 0;
};

// ---- Worksheet ----

class SheetHandler : public XmlHandler {
 public:
  SheetHandler(const std::string& where, const ReadLimits& limits, const std::vector<std::string>& strings,
               Sheet& sheet, size_t cells_before, size_t& model_bytes)
      : where_(where),
        limits_(limits),
        strings_(strings),
        sheet_(sheet),
        cells_before_(cells_before),
        model_bytes_(model_bytes) {}

  void start(std::string_view name, const XmlAttrs& a) override {
    switch (name.empty() ? '\0' : name[0]) {
      case 'c':
        if (name == "c") return start_cell(a);
        if (name == "col") return start_col(a);
        break;
      case 'v':
        if (name == "v" && in_cell_) collect_ = &value_;
        return;
      case 'f':
        if (name == "f" && in_cell_) collect_ = &formula_;
        if (name == "formula1" && in_dv_) collect_ = &dv_.formula1;
        return;
      case 'r':
        if (name == "row") return start_row(a);
        if (name == "rPh") ++phonetic_;
        return;
      case 't':
        if (name == "t" && in_is_ && phonetic_ == 0) collect_ = &inline_;
        return;
      case 'i':
        if (name == "is" && in_cell_) in_is_ = true;
        return;
      case 'm':
        if (name == "mergeCell") {
          if (auto r = workbook::parse_range(a.get_or("ref"))) sheet_.merged.push_back(*r);
        }
        return;
      case 'e':
        if (name == "extLst") ++ext_depth_;
        return;
      case 'd':
        if (name == "dataValidation") {
          in_dv_ = true;
          dv_ = Validation{};
          dv_.type = a.get_or("type");
          dv_.from_extension = ext_depth_ > 0;
          dv_sqref_ = a.get_or("sqref");
        }
        return;
      case 's':
        if (name == "sqref" && in_dv_) collect_ = &dv_sqref_;
        return;
      default:
        return;
    }
  }

  void end(std::string_view name) override {
    if (name == "v" || name == "t" || name == "sqref" || name == "formula1") {
      collect_ = nullptr;
    } else if (name == "f") {
      if (in_cell_) collect_ = nullptr;
    } else if (name == "c") {
      end_cell();
    } else if (name == "is") {
      in_is_ = false;
    } else if (name == "rPh") {
      --phonetic_;
    } else if (name == "extLst") {
      --ext_depth_;
    } else if (name == "dataValidation") {
      end_validation();
    }
  }

  void text(std::string_view chunk) override {
    if (!collect_) return;
    // A cell's text is held whole until the cell ends: bound it by what the budget has left.
    if (model_bytes_ + collect_->size() + chunk.size() > limits_.max_model_bytes)
      return fail(workbook::model_too_large(where_cell(), limits_));
    collect_->append(chunk);
  }

  void finish() {
    std::sort(sheet_.hidden_rows.begin(), sheet_.hidden_rows.end());
    sheet_.hidden_rows.erase(std::unique(sheet_.hidden_rows.begin(), sheet_.hidden_rows.end()),
                             sheet_.hidden_rows.end());
    std::sort(hidden_col_spans_.begin(), hidden_col_spans_.end());
    int next = 0;  // first column not yet emitted
    for (auto [lo, hi] : hidden_col_spans_) {
      for (int c = std::max(lo, next); c <= hi; ++c) sheet_.hidden_cols.push_back(c);
      next = std::max(next, hi + 1);
    }
  }

 private:
  void start_row(const XmlAttrs& a) {
    if (auto r = a.get("r")) {
      long n = parse_uint(*r);
      if (n < 1 || n > kMaxRows)
        return fail(Error::invalid(where_ + ": bad row number '" + std::string(*r) + "'"));
      row_ = static_cast<int>(n - 1);
    } else {
      ++row_;
      if (row_ >= kMaxRows) return fail(Error::invalid(where_ + ": more rows than a sheet holds"));
    }
    next_col_ = 0;
    if (truthy(a.get_or("hidden"))) sheet_.hidden_rows.push_back(row_);
  }

  void start_col(const XmlAttrs& a) {
    if (!truthy(a.get_or("hidden"))) return;
    long lo = parse_uint(a.get_or("min"));
    long hi = parse_uint(a.get_or("max"));
    if (lo < 1 || hi < lo) return;
    hi = std::min<long>(hi, kMaxCols);
    // Kept as spans and merged at the end: many overlapping <col> ranges must not multiply time or memory.
    hidden_col_spans_.emplace_back(static_cast<int>(lo - 1), static_cast<int>(hi - 1));
  }

  void start_cell(const XmlAttrs& a) {
    in_cell_ = true;
    value_.clear();
    formula_.clear();
    inline_.clear();
    if (auto r = a.get("r")) {
      if (!parse_cell_ref(*r, cell_row_, cell_col_))
        return fail(Error::invalid(where_ + ": bad cell reference '" + std::string(*r) + "' in row " +
                                   std::to_string(row_ + 1)));
    } else {
      cell_row_ = std::max(row_, 0);
      cell_col_ = next_col_;
      if (cell_col_ >= kMaxCols)
        return fail(
            Error::invalid(where_ + ": row " + std::to_string(cell_row_ + 1) + " has too many cells"));
    }
    next_col_ = cell_col_ + 1;
    std::string_view t = a.get_or("t", "n");
    type_ = t.empty() ? 'n' : t[0];
    if (t == "str") type_ = 'S';  // 's' is the shared string index
    if (t == "inlineStr") type_ = 'i';
  }

  std::string where_cell() const {
    return where_ + ": cell " + workbook::column_name(cell_col_) + std::to_string(cell_row_ + 1);
  }

  void end_cell() {
    in_cell_ = false;
    in_is_ = false;
    collect_ = nullptr;
    Cell cell;
    switch (type_) {
      case 's': {
        if (value_.empty()) break;
        long i = parse_uint(value_);
        if (i < 0 || static_cast<size_t>(i) >= strings_.size())
          return fail(Error::invalid(where_cell() + ": shared string index '" + value_ + "' out of range (" +
                                     std::to_string(strings_.size()) + " strings)"));
        cell.text = strings_[static_cast<size_t>(i)];
        cell.type = Cell::Type::kText;
        break;
      }
      case 'S':
      case 'd':  // ISO 8601 date text (rare; kept as written)
        cell.text = value_;
        cell.type = value_.empty() && formula_.empty() ? Cell::Type::kEmpty : Cell::Type::kText;
        break;
      case 'i':
        cell.text = inline_;
        cell.type = Cell::Type::kText;
        break;
      case 'b':
        if (value_.empty()) break;
        cell.text = truthy(trim(value_)) ? "TRUE" : "FALSE";
        cell.type = Cell::Type::kBool;
        break;
      case 'e':
        if (value_.empty()) break;
        cell.text = std::string(trim(value_));
        cell.type = Cell::Type::kError;
        break;
      default:
        if (value_.empty()) break;
        cell.text = format_number(value_);
        cell.type = Cell::Type::kNumber;
        break;
    }
    if (cell.type == Cell::Type::kEmpty && formula_.empty()) return;  // a styled blank
    cell.formula = formula_;
    // Shared strings are copied into each cell that uses them: count the copies before making them.
    model_bytes_ += cell_cost(cell);
    if (model_bytes_ > limits_.max_model_bytes) return fail(workbook::model_too_large(where_cell(), limits_));
    sheet_.set(cell_row_, cell_col_, std::move(cell));
    if (cells_before_ + sheet_.cell_count() > limits_.max_cells)
      fail(Error::too_large(where_ + ": the workbook has more than " + std::to_string(limits_.max_cells) +
                            " cells"));
  }

  void end_validation() {
    in_dv_ = false;
    collect_ = nullptr;
    std::string_view rest = dv_sqref_;
    while (!rest.empty()) {
      auto sp = rest.find_first_of(" \t\r\n");
      std::string_view piece = rest.substr(0, sp);
      rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
      if (piece.empty()) continue;
      if (auto r = workbook::parse_range(piece)) dv_.ranges.push_back(*r);
    }
    dv_.formula1 = std::string(trim(dv_.formula1));
    if (!dv_.ranges.empty()) sheet_.validations.push_back(std::move(dv_));
    dv_ = Validation{};
    dv_sqref_.clear();
  }

  const std::string& where_;
  const ReadLimits& limits_;
  const std::vector<std::string>& strings_;
  Sheet& sheet_;
  size_t cells_before_;
  size_t& model_bytes_;
  std::vector<std::pair<int, int>> hidden_col_spans_;

  int row_ = -1;
  int next_col_ = 0;
  bool in_cell_ = false;
  bool in_is_ = false;
  int phonetic_ = 0;
  int cell_row_ = 0;
  int cell_col_ = 0;
  char type_ = 'n';
  std::string value_;
  std::string formula_;
  std::string inline_;
  std::string* collect_ = nullptr;

  int ext_depth_ = 0;
  bool in_dv_ = false;
  Validation dv_;
  std::string dv_sqref_;
};

// ---- Reader ----

class Reader {
 public:
  Reader(ZipArchive& zip, const std::string& name, const ReadLimits& limits)
      : zip_(zip), name_(name), limits_(limits) {}

  Result<Workbook> read() {
    // The package relationships name the workbook part; xl/workbook.xml when they do not.
    std::string wb_part = "xl/workbook.xml";
    if (zip_.find("_rels/.rels")) {
      TOM_ASSIGN(auto rels, read_rels("_rels/.rels"));
      for (const auto& [id, rel] : rels)
        if (ends_with(rel.type, "/officeDocument") && !rel.external) {
          std::string target = resolve_target("", rel.target);
          if (zip_.find(target)) wb_part = target;
        }
    }
    const ZipEntry* wb_entry = zip_.find(wb_part);
    if (!wb_entry) return Error::invalid(name_ + ": not an Excel workbook (no xl/workbook.xml)");

    std::map<std::string, Rel> wb_rels;
    if (zip_.find(rels_part_for(wb_part))) {
      TOM_ASSIGN(wb_rels, read_rels(rels_part_for(wb_part)));
    }

    std::string where = name_ + ": " + wb_part;
    WorkbookHandler wbh(where, limits_);
    TOM_ASSIGN(std::string xml, zip_.read(*wb_entry));
    TOM_TRY(parse_xml(xml, where, wbh));
    if (wbh.root != "workbook")
      return Error::invalid(name_ + ": not an Excel workbook (" + wb_part + " is not one)");
    if (wbh.sheets.empty()) return Error::invalid(where + ": the workbook has no sheets");

    Workbook wb;
    wb.format = "xlsx";
    for (auto& n : wbh.names)
      if (n.local_valid && n.name.local_sheet < static_cast<int>(wbh.sheets.size()))
        wb.names.push_back(n.name);

    // Shared strings: by relationship, else the usual part name.
    std::string wb_dir = dir_of(wb_part);
    std::string sst_part;
    for (const auto& [id, rel] : wb_rels)
      if (ends_with(rel.type, "/sharedStrings") && !rel.external)
        sst_part = resolve_target(wb_dir, rel.target);
    if (sst_part.empty() || !zip_.find(sst_part)) sst_part = wb_dir + "sharedStrings.xml";
    std::vector<std::string> strings;
    size_t model_bytes = 0;  // estimated memory of the model so far (ReadLimits::max_model_bytes)
    if (const ZipEntry* e = zip_.find(sst_part)) {
      std::string sst_where = name_ + ": " + sst_part;
      SharedStringsHandler ssh(sst_where, limits_, model_bytes);
      TOM_ASSIGN(std::string sst, zip_.read(*e));
      TOM_TRY(parse_xml(sst, sst_where, ssh));
      strings = std::move(ssh.strings);
    }

    size_t cells = 0;
    wb.sheets.reserve(wbh.sheets.size());
    for (const auto& entry : wbh.sheets) {
      Sheet& sheet = wb.sheets.emplace_back();
      sheet.name = entry.name;
      sheet.hidden = entry.hidden;
      auto rel = wb_rels.find(entry.rel_id);
      const ZipEntry* part = nullptr;
      std::string sheet_part;
      if (rel != wb_rels.end() && !rel->second.external) {
        sheet_part = resolve_target(wb_dir, rel->second.target);
        part = zip_.find(sheet_part);
      }
      if (!part)
        return Error::invalid(where + ": sheet '" + entry.name + "' (relationship '" + entry.rel_id +
                              "') has no part in the file" +
                              (sheet_part.empty() ? "" : " (" + sheet_part + ")"));
      std::string sheet_where = name_ + ": " + sheet_part;
      TOM_ASSIGN(std::string sheet_xml, zip_.read(*part));
      SheetHandler sh(sheet_where, limits_, strings, sheet, cells, model_bytes);
      TOM_TRY(parse_xml(sheet_xml, sheet_where, sh));
      sh.finish();
      cells += sheet.cell_count();
    }

    TOM_TRY(resolve_lists(wb, model_bytes));
    return wb;
  }

 private:
  Result<std::map<std::string, Rel>> read_rels(const std::string& part) {
    const ZipEntry* e = zip_.find(part);
    std::string where = name_ + ": " + part;
    TOM_ASSIGN(std::string xml, zip_.read(*e));
    RelsHandler h;
    TOM_TRY(parse_xml(xml, where, h));
    return std::move(h.rels);
  }

  // Fills the values of list validations. Bounded: identical formulas on a sheet resolve once, at most
  // kMaxDistinctLists formulas (and kMaxResolveWork steps) are resolved, and the values copied count against
  // the cell and text limits.
  Status resolve_lists(Workbook& wb, size_t model_bytes) {
    std::map<std::pair<int, std::string>, std::vector<std::string>> cache;
    size_t values = 0;
    size_t work = 0;
    for (size_t i = 0; i < wb.sheets.size(); ++i) {
      for (auto& v : wb.sheets[i].validations) {
        if (v.type != "list") continue;
        auto key = std::make_pair(static_cast<int>(i), v.formula1);
        auto it = cache.find(key);
        if (it == cache.end()) {
          if (cache.size() >= kMaxDistinctLists)
            return Error::too_large(name_ + ": sheet '" + wb.sheets[i].name + "': more than " +
                                    std::to_string(kMaxDistinctLists) + " distinct list validations");
          // resolve_list scans the defined names (twice per level, up to 4 levels) and up to 10,000 cells.
          work += 8 * wb.names.size() + 10'000;
          if (work > kMaxResolveWork)
            return Error::too_large(name_ + ": sheet '" + wb.sheets[i].name + "': too many defined names (" +
                                    std::to_string(wb.names.size()) + ") and list validations to resolve");
          it = cache.emplace(key, workbook::resolve_list(wb, static_cast<int>(i), v.formula1)).first;
        }
        values += it->second.size();
        for (const auto& s : it->second) model_bytes += string_cost(s);
        if (values > limits_.max_cells || model_bytes > limits_.max_model_bytes)
          return Error::too_large(name_ + ": sheet '" + wb.sheets[i].name +
                                  "': the data validations' lists exceed the size limits");
        v.values = it->second;
      }
    }
    return ok_status();
  }

  static constexpr size_t kMaxDistinctLists = 1000;
  static constexpr size_t kMaxResolveWork = 50'000'000;

  ZipArchive& zip_;
  const std::string& name_;
  const ReadLimits& limits_;
};

}  // namespace

Result<workbook::Workbook> read_xlsx(std::string_view bytes, const std::string& name,
                                     const workbook::ReadLimits& limits) {
  TOM_ASSIGN(ZipArchive zip, ZipArchive::open(bytes, name, limits));
  Reader reader(zip, name, limits);
  return reader.read();
}

}  // namespace tom::io::xlsx
