#pragma once
// A spreadsheet as the TOM importer needs it, whatever format it came from (.xlsx or legacy .xls): sheets
// with their cell text, merged ranges, hidden rows/columns, data validations (dropdowns) and defined names.
// Readers fill this model and nothing TOM-specific; recognising a TOM's structure is io/tom_import's job.
//
// Contract for every reader:
//  - Input is bytes in memory; the reader never trusts sizes, offsets or counts in the file.
//  - Resource use is bounded by ReadLimits: a file over a limit is refused with ErrorCode::kTooLarge, never
//    read partly.
//  - A malformed file is refused with ErrorCode::kInvalidInput and a message that says where (part/stream,
//    sheet, offset or row) and what is wrong.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace tom::io::workbook {

// Rows and columns are 0-based everywhere in this model; messages to people say 1-based rows and A-style
// columns.
struct CellRef {
  int row = 0;
  int col = 0;
  friend bool operator<(const CellRef& a, const CellRef& b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  }
  friend bool operator==(const CellRef& a, const CellRef& b) { return a.row == b.row && a.col == b.col; }
};

struct Range {
  CellRef first;
  CellRef last;  // inclusive
  bool contains(int row, int col) const {
    return row >= first.row && row <= last.row && col >= first.col && col <= last.col;
  }
};

struct Cell {
  std::string
      text;  // the value as a person sees it: strings as is, numbers in shortest form, booleans TRUE/FALSE,
             // errors as #REF! etc., dates as the serial number's text (formats are not applied)
  std::string
      formula;  // formula text without '=', when the cell has one (may be empty if the format keeps none)
  enum class Type { kEmpty, kText, kNumber, kBool, kError } type = Type::kEmpty;
};

// A data validation: the dropdown on a range of cells.
struct Validation {
  std::vector<Range> ranges;
  std::string type;      // "list", "whole", "decimal", "date", "textLength", "custom", ... ("" when unknown)
  std::string formula1;  // as written: "\"Yes,No,N/A\"", "Lists!$B$2:$B$5", "=YesNo", "INDIRECT(...)"
  // For list validations: the values, when the reader could resolve them (an inline list, or a range on a
  // sheet of this workbook, directly or through a defined name). Empty when unresolved (e.g. an external
  // reference).
  std::vector<std::string> values;
  bool from_extension = false;  // xlsx: from the x14 extension list (which openpyxl drops)
};

struct DefinedName {
  std::string name;
  int local_sheet = -1;  // sheet index when the name is local to a sheet, -1 when global
  std::string formula;   // e.g. "Lists!$B$2:$B$5", "#REF!", "[1]Lists!$B$66:$B$73"
  bool hidden = false;
};

class Sheet {
 public:
  std::string name;  // exactly as in the file (trailing spaces kept)
  bool hidden = false;
  std::vector<Range> merged;
  std::vector<int> hidden_rows;  // sorted
  std::vector<int> hidden_cols;  // sorted
  std::vector<Validation> validations;

  void set(int row, int col, Cell cell);
  // The cell, or nullptr when empty.
  const Cell* at(int row, int col) const;
  // Text of a cell, "" when empty.
  const std::string& text(int row, int col) const;
  int max_row() const { return max_row_; }  // -1 when the sheet is empty
  int max_col() const { return max_col_; }
  size_t cell_count() const { return cells_.size(); }
  const std::map<CellRef, Cell>& cells() const { return cells_; }
  bool row_hidden(int row) const;
  bool col_hidden(int col) const;

 private:
  std::map<CellRef, Cell> cells_;
  int max_row_ = -1;
  int max_col_ = -1;
};

struct Workbook {
  std::string format;  // "xlsx" or "xls"
  std::vector<Sheet> sheets;
  std::vector<DefinedName> names;

  const Sheet* find_sheet(
      std::string_view name) const;  // exact match first, then ignoring surrounding spaces
};

// What a read may use. The model's memory is bounded as well as the file's size, because a small file can
// describe a large model (one long shared string copied into every cell that uses it, millions of tiny
// cells): the reader adds up each cell's cost and each shared string as it goes and refuses the file the
// moment the total passes max_model_bytes, long before the memory is spent. A TOM workbook needs a few MiB.
struct ReadLimits {
  size_t max_file_bytes = 200ull * 1024 * 1024;      // the whole file
  size_t max_inflated_bytes = 256ull * 1024 * 1024;  // xlsx: sum of all decompressed parts read
  size_t max_part_bytes = 64ull * 1024 * 1024;       // xlsx: one decompressed part; xls: the Workbook stream
  size_t max_cells = 1'000'000;                      // all sheets together
  size_t max_sheets = 1000;
  size_t max_model_bytes = 64ull * 1024 * 1024;  // cells, their text and the shared strings, estimated
};

// The memory one cell takes in a Sheet, estimated: its map node (key, value, tree links) and its text.
inline size_t cell_cost(const Cell& c) {
  return sizeof(CellRef) + sizeof(Cell) + 4 * sizeof(void*) + c.text.size() + c.formula.size();
}
// The memory one shared string takes while the workbook is read.
inline size_t string_cost(const std::string& s) {
  return sizeof(std::string) + s.size();
}
// The refusal when a read passes max_model_bytes; `where` says where the reader was.
Error model_too_large(const std::string& where, const ReadLimits& limits);

// "A1"-style column letters for a 0-based column ("A", "Z", "AA"), and back (-1 when invalid).
std::string column_name(int col);
int column_index(std::string_view letters);
// Parses "B3", "$B$3", "B3:D9", "$B$3:$D$9" into a range (0-based); nullopt when not a reference.
std::optional<Range> parse_range(std::string_view a1);
// Splits "Lists!$B$2:$B$5" / "'9 - e-RS '!A1:B2" into sheet name and range text; the sheet is "" when absent.
std::pair<std::string, std::string> split_sheet_ref(std::string_view ref);

// Resolves a list validation's values from an inline list or a reference on a sheet of the workbook, directly
// or through a defined name (local to `sheet_index` first, then global). Empty when it cannot be resolved.
std::vector<std::string> resolve_list(const Workbook& wb, int sheet_index, const std::string& formula1);

// Reads by content (zip -> xlsx, OLE2 -> xls); `name` is used in messages.
Result<Workbook> read_workbook(std::string_view bytes, const std::string& name,
                               const ReadLimits& limits = {});
Result<Workbook> read_workbook_file(const std::string& path, const ReadLimits& limits = {});

}  // namespace tom::io::workbook
