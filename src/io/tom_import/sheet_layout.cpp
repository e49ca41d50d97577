#include "io/tom_import/sheet_layout.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

#include "domain/template_validation.hpp"

namespace tom::io::tom_import {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  auto space = [](unsigned char c) { return std::isspace(c) || c == 0xA0; };
  while (b < e && space(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && space(static_cast<unsigned char>(s[e - 1]))) --e;
  // UTF-8 non-breaking space (C2 A0) at either end.
  while (e - b >= 2 && s.compare(b, 2, "\xC2\xA0") == 0) b += 2;
  while (e - b >= 2 && s.compare(e - 2, 2, "\xC2\xA0") == 0) e -= 2;
  return s.substr(b, e - b);
}

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool has(const std::string& hay, const char* needle) {
  return hay.find(needle) != std::string::npos;
}

// What a header cell says its column holds.
std::optional<Role> header_role(const std::string& raw) {
  std::string h = lower(trim(raw));
  if (h.empty() || h.size() > 60) return std::nullopt;
  if (h.rfind("category", 0) == 0 || h == "id" || h == "cat." || h == "cat") return Role::kCategory;
  if (h == "item" || h == "role" || h == "area" || h == "control" || h == "requirement") return Role::kItem;
  if (has(h, "actioned by") || h == "action by") return Role::kActionedBy;
  if (has(h, "responsible party")) return Role::kResponsible;
  if (h == "detail" || has(h, "description")) return Role::kDetail;
  if (h == "guidance") return Role::kGuidance;
  if (h == "applicability") return Role::kApplicability;
  if (has(h, "compliance") || h.rfind("response", 0) == 0 || has(h, "approved/rejected") ||
      h == "date / list / code")
    return Role::kResponse;
  if (has(h, "additional notes") || h == "notes") return Role::kNotes;
  if (h == "type") return Role::kType;
  if (h == "moscow" || h == "priority" || h == "obligation") return Role::kObligation;
  if (h == "name") return Role::kName;
  if (h == "job title") return Role::kJobTitle;
  if (h == "email") return Role::kEmail;
  if (h == "telno" || h == "telephone" || h == "phone") return Role::kPhone;
  if (h == "organisation") return Role::kOrganisation;
  if (h == "date" || h == "approval date") return Role::kDate;
  if (h == "reason") return Role::kReason;
  return std::nullopt;
}

std::string obligation_of(const std::string& raw) {
  std::string v = lower(trim(raw));
  if (v == "must" || v == "m") return "must";
  if (v == "should" || v == "s") return "should";
  if (v == "may" || v == "could" || v == "c") return "may";
  return "";
}

bool is_kind_word(const std::string& raw) {
  std::string v = lower(trim(raw));
  return v == "info" || v == "action" || v == "req";
}

}  // namespace

bool is_placeholder(const std::string& text) {
  std::string v = lower(trim(text));
  // "NYA": not yet assessed, written in blank workbooks where an answer goes.
  return v.empty() || v == "." || v == "select" || v == "nya" || v.rfind("please select", 0) == 0;
}

std::string normalise_id(const std::string& text) {
  // Ids are short codes: letters then digits, joined by '-' (spaces around '-' are tolerated): OR-01,
  // MSCA-AUD-03, A001-01, GR-001, "MSCA - VM01".
  static const std::regex re(R"(^([A-Za-z]{1,8}[0-9]{0,4})(\s*[-_.]\s*[A-Za-z0-9]{1,8}){1,4}$)");
  std::string t = trim(text);
  if (t.size() > 40 || !std::regex_match(t, re)) return "";
  std::string out;
  for (char c : t)
    if (!std::isspace(static_cast<unsigned char>(c)))
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  // An id has at least one digit (headings like "IT-Ops" are not ids).
  if (std::none_of(out.begin(), out.end(), [](unsigned char c) { return std::isdigit(c); })) return "";
  return out;
}

std::optional<domain::SectionKind> kind_of_sheet(const std::string& name) {
  using K = domain::SectionKind;
  std::string n = lower(trim(name));
  if (n == "lists" || has(n, "user guide") || n == "data" || n == "constants" || n == "results" ||
      (!n.empty() && n[0] == '_'))
    return std::nullopt;  // vocabularies, guidance, tom's own result and metadata sheets
  if (has(n, "cover") || has(n, "introduction")) return K::kCover;
  if (has(n, "approval")) return K::kApprovalGateways;
  if (has(n, "nhs digital assess") || has(n, "central review")) return K::kCentralReview;
  if (has(n, "contact")) return K::kContactsLog;
  if (has(n, "topology")) return K::kTopology;
  if (has(n, "contract") || has(n, "agreement")) return K::kContractsAgreements;
  if (has(n, "accountab")) return K::kAccountability;
  if (has(n, "architecture")) return K::kArchitecture;
  if (has(n, "clinical")) return K::kClinicalSafety;
  static const std::regex kIg(R"((^|[^a-z])ig([^a-z]|$))");
  if (std::regex_search(n, kIg) || has(n, "information governance") || has(n, "security"))
    return K::kIgSecurity;
  if (has(n, "req")) return K::kRequirements;
  if (has(n, "service")) return K::kService;
  if (has(n, "basic details") || has(n, "information") || has(n, "organisation") || has(n, "details"))
    return K::kBasicDetails;
  return K::kOther;
}

bool is_cover_sheet(const std::string& name) {
  auto k = kind_of_sheet(name);
  return k && *k == domain::SectionKind::kCover;
}

std::string slug(const std::string& s, size_t max_len) {
  std::string out;
  bool dash = false;
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      if (dash && !out.empty()) out += '-';
      out += static_cast<char>(std::tolower(c));
      dash = false;
    } else {
      dash = true;
    }
    if (out.size() >= max_len) break;
  }
  return out;
}

SheetLayout parse_sheet(const workbook::Sheet& sheet, std::vector<ImportNote>& notes) {
  SheetLayout layout;
  layout.sheet = sheet.name;
  // Header rows: at least three cells naming known roles, one of them the item or category column.
  std::map<int, std::map<Role, int>> headers;
  for (int r = 0; r <= sheet.max_row(); ++r) {
    std::map<Role, int> cols;
    std::vector<int> type_cols;
    for (int c = 0; c <= std::min(sheet.max_col(), 60); ++c) {
      auto role = header_role(sheet.text(r, c));
      if (!role) continue;
      if (*role == Role::kType)
        type_cols.push_back(c);
      else if (*role == Role::kResponse && cols.count(Role::kResponse) && !cols.count(Role::kNotes))
        cols.emplace(Role::kNotes, c);  // a second response column holds the explanation
      else
        cols.emplace(*role, c);
    }
    if (!type_cols.empty()) cols[Role::kType] = type_cols.back();
    if (type_cols.size() > 1) cols[Role::kObligation] = type_cols.front();  // "Type" used for Must/Should too
    bool anchored = cols.count(Role::kItem) || cols.count(Role::kCategory);
    if (anchored && cols.size() >= 3) headers[r] = cols;
  }
  if (headers.empty()) return layout;

  // Text above the first header: the sheet's title and description.
  int first_header = headers.begin()->first;
  for (int r = 0; r < first_header; ++r)
    for (int c = 0; c <= std::min(sheet.max_col(), 30); ++c) {
      std::string t = trim(sheet.text(r, c));
      if (t.empty()) continue;
      if (layout.heading.empty())
        layout.heading = t;
      else
        layout.description += (layout.description.empty() ? "" : "\n") + t;
    }

  for (auto it = headers.begin(); it != headers.end(); ++it) {
    Block block;
    block.header_row = it->first;
    block.columns = it->second;
    if (block.columns.count(Role::kCategory))
      block.explicit_ids = lower(trim(sheet.text(it->first, block.columns[Role::kCategory]))) == "id";
    int end = std::next(it) == headers.end() ? sheet.max_row() + 1 : std::next(it)->first;
    auto col = [&](Role role) {
      auto c = block.columns.find(role);
      return c == block.columns.end() ? -1 : c->second;
    };
    auto get = [&](int r, Role role) {
      int c = col(role);
      return c < 0 ? std::string() : trim(sheet.text(r, c));
    };
    std::string group;
    for (int r = it->first + 1; r < end; ++r) {
      ParsedRow row;
      row.row = r;
      row.hidden = sheet.row_hidden(r);
      std::string category = get(r, Role::kCategory);
      std::string item = get(r, Role::kItem);
      row.detail = get(r, Role::kDetail);
      row.guidance = get(r, Role::kGuidance);
      row.actioned_by = get(r, Role::kActionedBy);
      if (row.actioned_by.empty()) row.actioned_by = get(r, Role::kResponsible);
      row.response_col = col(Role::kResponse);
      row.response = get(r, Role::kResponse);
      if (is_placeholder(row.response)) row.response.clear();
      row.notes = get(r, Role::kNotes);
      row.type = get(r, Role::kType);
      row.obligation = obligation_of(get(r, Role::kObligation));
      if (row.obligation.empty() && !is_kind_word(row.type)) row.obligation = obligation_of(row.type);
      for (Role role : {Role::kName, Role::kJobTitle, Role::kEmail, Role::kPhone, Role::kOrganisation,
                        Role::kDate, Role::kReason}) {
        std::string v = get(r, role);
        if (!v.empty() && !is_placeholder(v)) row.contact[role] = v;
      }
      // The id is in the category column (or, in some sheets, the item column).
      std::string id = block.explicit_ids ? (!item.empty() && domain::valid_item_id(category) ? category : "")
                                          : normalise_id(category);
      if (id.empty() && !item.empty() && !block.explicit_ids) {
        std::string from_item = normalise_id(item);
        if (!from_item.empty() && !row.detail.empty()) {
          id = from_item;
          item = row.detail;
          row.detail.clear();
        }
      }
      bool anything = !category.empty() || !item.empty() || !row.detail.empty() || !row.response.empty();
      if (!anything && !row.actioned_by.empty() && !block.rows.empty() && !block.rows.back().group) {
        row.continuation = true;
        block.rows.push_back(std::move(row));
        continue;
      }
      if (!anything) {
        // Text in other columns of an otherwise empty row: say so rather than drop it silently.
        for (int c = 0; c <= std::min(sheet.max_col(), 60); ++c) {
          std::string t = trim(sheet.text(r, c));
          if (!t.empty() && !is_placeholder(t) && t.size() > 1) {
            notes.push_back({sheet.name, r + 1,
                             "text outside the checklist's columns was not imported: \"" + t.substr(0, 60) +
                                 (t.size() > 60 ? "…" : "") + "\""});
            break;
          }
        }
        continue;
      }
      row.group_title = group;
      if (!id.empty()) {
        row.id = id;
        // The text: the item column, else the description, else the guidance (some rows keep the question
        // there).
        if (!item.empty()) {
          row.text = item;
          if (!row.detail.empty() && row.guidance.empty()) std::swap(row.guidance, row.detail);
        } else if (!row.detail.empty()) {
          row.text = row.detail;
          row.detail.clear();
        } else {
          row.text = row.guidance;
          row.guidance.clear();
        }
        if (row.text.empty()) {
          notes.push_back({sheet.name, r + 1, "row " + id + " has an id but no text; not imported"});
          continue;
        }
      } else if (!category.empty() && item.empty()) {
        // A group heading: the category column alone (a description may sit beside it).
        row.group = true;
        row.text = category;
        group = category;
        row.group_title = category;
      } else if (!item.empty()) {
        row.text = item;
        if (row.guidance.empty()) row.guidance = row.detail;
      } else {
        notes.push_back({sheet.name, r + 1, "a row with a note but no item text was not imported"});
        continue;
      }
      block.rows.push_back(std::move(row));
    }
    layout.blocks.push_back(std::move(block));
  }
  return layout;
}

}  // namespace tom::io::tom_import
