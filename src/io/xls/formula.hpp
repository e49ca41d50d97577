#pragma once
// Best-effort decompilation of BIFF8 parsed formulas (rgce) into A1-style text, for defined names, data
// validations and cell formulas. Enough for references, names, literals, operators and common functions;
// anything else yields nullopt and the caller keeps no formula text.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tom::io::xls {

// A SUPBOOK record: the workbook itself, an add-in, or an external workbook with its sheet names.
struct SupBook {
  bool self = false;
  bool addin = false;
  std::string path;
  std::vector<std::string> sheets;
  int external_number = 0;  // 1-based among external workbooks: the "[1]" in "[1]Lists!$B$2"
};

// An EXTERNSHEET entry (XTI): a supporting workbook and a sheet range in it.
struct Xti {
  uint16_t supbook = 0;
  int16_t first = 0;  // -2: the workbook itself, -1: a deleted sheet
  int16_t last = 0;
};

struct FormulaContext {
  const std::vector<std::string>* sheet_names = nullptr;  // BOUNDSHEET order
  const std::vector<SupBook>* supbooks = nullptr;
  const std::vector<Xti>* xti = nullptr;
  const std::vector<std::string>* names = nullptr;  // NAME records in order (ptgName is 1-based)
};

// Decompiles `rgce`. In a ptgStr the separators of an explicit list (NUL) become commas.
std::optional<std::string> decompile(std::string_view rgce, const FormulaContext& ctx);

// A number as a person sees it in a General cell: "1" not "1.0", otherwise the shortest round-trip form.
std::string format_number(double v);

// The text Excel shows for a BIFF error code (#REF!, #N/A, ...).
const char* error_text(uint8_t code);

// "Sheet1!", "'9 - e-RS '!" or "[1]Lists!" as Excel writes a sheet prefix; `book` is "[n]" for an external
// one.
std::string sheet_prefix(const std::string& sheet, const std::string& book = "");

}  // namespace tom::io::xls
