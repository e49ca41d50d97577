#pragma once
// Recognises the structure the TOM family's sheets share, without relying on row numbers: header rows
// wherever they stand ("Category | Item | Guidance | Actioned By | Compliance | Additional Notes | Type"),
// group heading rows, item rows with ids (written however: "MSCA - VM01" is MSCA-VM01), and which column
// plays which role. Pure: reads a workbook::Sheet, writes nothing.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/template.hpp"
#include "io/workbook/workbook.hpp"

namespace tom::io::tom_import {

enum class Role {
  kCategory,
  kItem,
  kDetail,
  kGuidance,
  kApplicability,
  kResponsible,
  kActionedBy,
  kResponse,
  kNotes,
  kType,
  kObligation,
  kName,
  kJobTitle,
  kEmail,
  kPhone,
  kOrganisation,
  kDate,
  kReason
};

struct ImportNote {
  std::string sheet;
  int row = 0;  // 1-based; 0 for the whole sheet
  std::string message;
};

// One row under a header: a group heading, or an item.
struct ParsedRow {
  int row = 0;  // 0-based
  bool group = false;
  std::string id;      // normalised id when the row has one
  std::string text;    // the item text (or the group title)
  std::string detail;  // further description
  std::string guidance;
  std::string actioned_by;
  std::string response;  // answer text ("" for placeholders like "Please select …")
  std::string notes;
  std::string type;                     // Info | Action | Req (as written)
  std::string obligation;               // must | should | may ("" when none)
  std::map<Role, std::string> contact;  // name, job title, email, phone, organisation, date, reason
  int response_col = -1;
  std::string group_title;  // the group this row sits under
  bool hidden = false;
  bool continuation = false;  // a second row of the item above (e.g. the same requirement for another party)
};

struct Block {
  int header_row = 0;
  bool explicit_ids = false;  // the id column is headed "ID" (workbooks tom wrote): ids are taken as written
  std::map<Role, int> columns;
  std::vector<ParsedRow> rows;
};

struct SheetLayout {
  std::string sheet;
  std::vector<Block> blocks;
  std::string heading;      // the sheet's title line (first text)
  std::string description;  // text above the first header
};

SheetLayout parse_sheet(const workbook::Sheet& sheet, std::vector<ImportNote>& notes);

// "MSCA - VM01" -> "MSCA-VM01"; returns "" when `text` is not an item id.
std::string normalise_id(const std::string& text);
// The section kind a sheet name suggests, or nullopt for sheets that are not sections (lists, guides).
std::optional<domain::SectionKind> kind_of_sheet(const std::string& name);
bool is_cover_sheet(const std::string& name);
// "Please select …", "Select", "." and blanks count as no answer.
bool is_placeholder(const std::string& text);
std::string trim(const std::string& s);
std::string slug(const std::string& s, size_t max_len = 40);

}  // namespace tom::io::tom_import
