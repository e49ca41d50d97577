#include "io/workbook/workbook.hpp"

#include <algorithm>
#include <cctype>

namespace tom::io::workbook {

Error model_too_large(const std::string& where, const ReadLimits& limits) {
  return Error::too_large(
      where + ": the workbook would take more than " +
      std::to_string(limits.max_model_bytes / (1024 * 1024)) +
      " MiB in memory (its cells, their text and its shared strings); a TOM workbook needs "
      "far less, so it is refused");
}

void Sheet::set(int row, int col, Cell cell) {
  if (cell.type == Cell::Type::kEmpty && cell.text.empty() && cell.formula.empty()) {
    cells_.erase({row, col});
    return;
  }
  max_row_ = std::max(max_row_, row);
  max_col_ = std::max(max_col_, col);
  cells_[{row, col}] = std::move(cell);
}

const Cell* Sheet::at(int row, int col) const {
  auto it = cells_.find({row, col});
  return it == cells_.end() ? nullptr : &it->second;
}

const std::string& Sheet::text(int row, int col) const {
  static const std::string empty;
  const Cell* c = at(row, col);
  return c ? c->text : empty;
}

bool Sheet::row_hidden(int row) const {
  return std::binary_search(hidden_rows.begin(), hidden_rows.end(), row);
}
bool Sheet::col_hidden(int col) const {
  return std::binary_search(hidden_cols.begin(), hidden_cols.end(), col);
}

namespace {
std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}
}  // namespace

const Sheet* Workbook::find_sheet(std::string_view name) const {
  for (const auto& s : sheets)
    if (s.name == name) return &s;
  for (const auto& s : sheets)
    if (trim(s.name) == trim(name)) return &s;
  return nullptr;
}

std::string column_name(int col) {
  std::string out;
  for (int c = col + 1; c > 0; c = (c - 1) / 26)
    out.insert(out.begin(), static_cast<char>('A' + (c - 1) % 26));
  return out;
}

int column_index(std::string_view letters) {
  if (letters.empty() || letters.size() > 3) return -1;
  int n = 0;
  for (char ch : letters) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (u < 'A' || u > 'Z') return -1;
    n = n * 26 + (u - 'A' + 1);
  }
  return n - 1;
}

namespace {
std::optional<CellRef> parse_cell(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '$') ++i;
  size_t letters = i;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  int col = column_index(s.substr(letters, i - letters));
  if (col < 0) return std::nullopt;
  if (i < s.size() && s[i] == '$') ++i;
  if (i >= s.size()) return std::nullopt;
  long row = 0;
  for (; i < s.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
    row = row * 10 + (s[i] - '0');
    if (row > 10'000'000) return std::nullopt;
  }
  if (row < 1) return std::nullopt;
  return CellRef{static_cast<int>(row - 1), col};
}
}  // namespace

std::optional<Range> parse_range(std::string_view a1) {
  a1 = trim(a1);
  auto colon = a1.find(':');
  auto first = parse_cell(a1.substr(0, colon));
  if (!first) return std::nullopt;
  if (colon == std::string_view::npos) return Range{*first, *first};
  auto last = parse_cell(a1.substr(colon + 1));
  if (!last) return std::nullopt;
  return Range{{std::min(first->row, last->row), std::min(first->col, last->col)},
               {std::max(first->row, last->row), std::max(first->col, last->col)}};
}

std::pair<std::string, std::string> split_sheet_ref(std::string_view ref) {
  ref = trim(ref);
  if (!ref.empty() && ref[0] == '=') ref.remove_prefix(1);
  auto bang = ref.rfind('!');
  if (bang == std::string_view::npos) return {"", std::string(ref)};
  std::string sheet(ref.substr(0, bang));
  if (sheet.size() >= 2 && sheet.front() == '\'' && sheet.back() == '\'') {
    std::string unq;
    for (size_t i = 1; i + 1 < sheet.size(); ++i) {
      if (sheet[i] == '\'' && i + 2 < sheet.size() && sheet[i + 1] == '\'') ++i;  // '' inside quotes
      unq += sheet[i];
    }
    sheet = unq;
  }
  return {sheet, std::string(ref.substr(bang + 1))};
}

std::vector<std::string> resolve_list(const Workbook& wb, int sheet_index, const std::string& formula1) {
  std::string f(trim(formula1));
  if (!f.empty() && f[0] == '=') f.erase(0, 1);
  std::vector<std::string> out;
  if (f.size() >= 2 && f.front() == '"' && f.back() == '"') {
    // Inline list: "Yes,No,N/A" (a doubled quote is a literal quote).
    std::string cur;
    for (size_t i = 1; i + 1 < f.size(); ++i) {
      if (f[i] == ',') {
        out.emplace_back(trim(cur));
        cur.clear();
      } else {
        cur += f[i];
      }
    }
    out.emplace_back(trim(cur));
    return out;
  }
  // A defined name: local to the sheet first, then global. Names may point at further references.
  for (int depth = 0; depth < 4; ++depth) {
    const DefinedName* found = nullptr;
    for (const auto& n : wb.names)
      if (n.name == f && n.local_sheet == sheet_index) found = &n;
    if (!found)
      for (const auto& n : wb.names)
        if (n.name == f && n.local_sheet < 0) found = &n;
    if (!found) break;
    f = std::string(trim(found->formula));
    if (!f.empty() && f[0] == '=') f.erase(0, 1);
  }
  auto [sheet_name, range_text] = split_sheet_ref(f);
  if (sheet_name.find('[') != std::string::npos) return out;  // external workbook
  const Sheet* sheet = sheet_name.empty()
                           ? (sheet_index >= 0 && sheet_index < static_cast<int>(wb.sheets.size())
                                  ? &wb.sheets[static_cast<size_t>(sheet_index)]
                                  : nullptr)
                           : wb.find_sheet(sheet_name);
  auto range = parse_range(range_text);
  if (!sheet || !range) return out;
  // Bounded: a list of more than 10,000 cells is not a vocabulary.
  long cells =
      static_cast<long>(range->last.row - range->first.row + 1) * (range->last.col - range->first.col + 1);
  if (cells > 10000) return out;
  for (int r = range->first.row; r <= range->last.row; ++r)
    for (int c = range->first.col; c <= range->last.col; ++c) {
      std::string v(trim(sheet->text(r, c)));
      if (!v.empty()) out.push_back(v);
    }
  return out;
}

}  // namespace tom::io::workbook
