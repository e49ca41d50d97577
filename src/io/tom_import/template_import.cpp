#include "io/tom_import/template_import.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "domain/template_validation.hpp"
#include "rules/engine.hpp"

namespace tom::io::tom_import {

using namespace tom::domain;
namespace wbk = tom::io::workbook;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The cover's label: value pairs ("Title", "Version", "Document Reference").
std::string cover_value(const wbk::Workbook& wb, const char* label) {
  for (const auto& s : wb.sheets) {
    if (!is_cover_sheet(s.name)) continue;
    for (int r = 0; r <= std::min(s.max_row(), 60); ++r)
      for (int c = 0; c < std::min(s.max_col(), 10); ++c)
        if (lower(trim(s.text(r, c))) == label) {
          for (int k = c + 1; k <= std::min(s.max_col(), c + 4); ++k)
            if (!trim(s.text(r, k)).empty()) return trim(s.text(r, k));
        }
  }
  return "";
}

// Who "Actioned By" names. The family writes it many ways ("…...on behalf of the Client Supplier").
struct PartyMap {
  bool provider_named = false;
  std::string role_of(const std::string& text) const {
    std::string t = lower(text);
    if (t.find("provider") != std::string::npos || t.find("smsp") != std::string::npos)
      return "provider-supplier";
    if (t.find("nhs digital") != std::string::npos || t.find("nhs england") != std::string::npos)
      return "central";
    if (t.find("commission") != std::string::npos) return "commissioner";
    if (t.find("supplier") != std::string::npos || t.find("smsc") != std::string::npos)
      return "client-supplier";
    if (t.find("deploying") != std::string::npos || t.find("end user") != std::string::npos ||
        t.find("care organisation") != std::string::npos || t.find("health or social") != std::string::npos ||
        t.find("trust") != std::string::npos)
      return "end-user";
    return "";
  }
  std::string id_of(const std::string& role) const {
    if (role == "provider-supplier") return "smsp";
    if (role == "client-supplier") return provider_named ? "smsc" : "supplier";
    return role;
  }
};

std::string default_role(SectionKind k) {
  switch (k) {
    case SectionKind::kRequirements:
    case SectionKind::kArchitecture:
    case SectionKind::kService:
      return "client-supplier";
    case SectionKind::kApprovalGateways:
    case SectionKind::kCentralReview:
      return "central";
    default:
      return "end-user";
  }
}

std::vector<std::string> default_phases(SectionKind k, const std::set<std::string>& phases) {
  std::vector<std::string> want;
  switch (k) {
    case SectionKind::kBasicDetails:
    case SectionKind::kContactsLog:
    case SectionKind::kTopology:
    case SectionKind::kContractsAgreements:
      want = {"1A", "2"};
      break;
    case SectionKind::kCentralReview:
      want = {"1A"};
      break;
    case SectionKind::kApprovalGateways:
    case SectionKind::kCover:
      want = {"1A", "1B", "2"};
      break;
    default:
      want = {"1B", "2"};
      break;
  }
  std::vector<std::string> out;
  for (const auto& p : want)
    if (phases.count(p)) out.push_back(p);
  if (out.empty()) out.push_back(*phases.rbegin());
  return out;
}

std::string section_prefix(SectionKind k) {
  switch (k) {
    case SectionKind::kBasicDetails:
      return "BD";
    case SectionKind::kContactsLog:
      return "CON";
    case SectionKind::kTopology:
      return "TOP";
    case SectionKind::kContractsAgreements:
      return "CA";
    case SectionKind::kAccountability:
      return "ACC";
    case SectionKind::kArchitecture:
      return "ARCH";
    case SectionKind::kIgSecurity:
      return "IG";
    case SectionKind::kClinicalSafety:
      return "CS";
    case SectionKind::kService:
      return "SVC";
    case SectionKind::kApprovalGateways:
      return "AG";
    case SectionKind::kCentralReview:
      return "NHSD";
    case SectionKind::kRequirements:
      return "REQ";
    case SectionKind::kCover:
      return "COVER";
    case SectionKind::kOther:
      return "X";
  }
  return "X";
}

// The leading number of a sheet name ("9.1 - NHS e-RS Session APIs" -> "9.1"), or "".
std::string sheet_number(const std::string& name) {
  std::smatch m;
  std::string n = trim(name);
  static const std::regex kNumber(R"(^([0-9]+[a-z]?(\.[0-9]+)?)\b)");
  if (std::regex_search(n, m, kNumber)) return m[1];
  return "";
}

std::string upper_slug(const std::string& s, size_t max_len) {
  std::string out = slug(s, max_len);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

// The dropdowns of a sheet, for looking up the one on a cell. Workbooks copy validations 65,536 rows apart
// (an old row limit), so a range further down that covers the same cell counts too: ranges are folded into
// the first 65,536 rows once, here, rather than at every lookup.
class ValidationIndex {
 public:
  explicit ValidationIndex(const wbk::Sheet& sheet) {
    for (const auto& v : sheet.validations)
      for (const auto& r : v.ranges) {
        wbk::Range f = r;
        if (r.first.row / 65536 == r.last.row / 65536) {
          f.first.row %= 65536;
          f.last.row %= 65536;
        } else {
          f.first.row = 0;  // spans a fold: covers whole 65,536-row blocks
          f.last.row = std::min(r.last.row, 65535);
        }
        folded_.push_back({f, &v});
      }
  }
  const wbk::Validation* at(int row, int col) const {
    int folded_row = row % 65536;
    for (const auto& [r, v] : folded_)
      if (r.contains(folded_row, col)) return v;
    return nullptr;
  }

 private:
  std::vector<std::pair<wbk::Range, const wbk::Validation*>> folded_;
};

struct VocabularyBook {
  std::map<std::vector<std::string>, std::string> by_values;
  std::map<std::string, Vocabulary>* out;
  std::string add(const std::vector<std::string>& raw_values, const std::string& hint) {
    // Placeholders ("Select", "Please select …") are the empty answer, not a choice.
    std::vector<std::string> values;
    for (const auto& v : raw_values)
      if (!is_placeholder(v) && std::find(values.begin(), values.end(), trim(v)) == values.end())
        values.push_back(trim(v));
    if (values.empty()) return "";
    auto it = by_values.find(values);
    if (it != by_values.end()) return it->second;
    std::string base = slug(hint, 30);
    if (base.empty()) base = "list";
    std::string id = base;
    for (int n = 2; out->count(id); ++n) id = base + "-" + std::to_string(n);
    Vocabulary v;
    v.id = id;
    v.values = values;
    // Answers that record a shortfall need an explanation.
    for (const auto& x : values) {
      std::string l = lower(x);
      if (l == "no" || l == "non-compliant" || l == "semi-compliant" || l == "other" || l == "rejected")
        v.note_required.push_back(x);
    }
    (*out)[id] = v;
    by_values[values] = id;
    return id;
  }
};

std::string name_hint(const wbk::Validation& v, const std::string& fallback) {
  std::string f = trim(v.formula1);
  if (!f.empty() && f[0] == '=') f.erase(0, 1);
  if (!f.empty() && std::isalpha(static_cast<unsigned char>(f[0])) && f.find('!') == std::string::npos &&
      f.find(':') == std::string::npos && f.find('(') == std::string::npos)
    return f;  // a defined name, e.g. YesNo
  std::vector<std::string> real;
  for (const auto& x : v.values)
    if (!is_placeholder(x)) real.push_back(x);
  for (const auto& x : real)
    if (lower(x) == "compliant") return "compliance";
  if (real.size() <= 4) {
    std::string joined;
    for (const auto& x : real) joined += x + " ";
    return joined;
  }
  return fallback;
}

}  // namespace

Result<TemplateImport> import_template(const wbk::Workbook& wb, const std::string& file,
                                       const TemplateImportOptions& options) {
  TemplateImport out;
  Template& t = out.tmpl;
  auto& notes = out.notes;

  // First pass: lay out every sheet, and learn who the workbook names as parties.
  struct Laid {
    const wbk::Sheet* sheet;
    SectionKind kind;
    SheetLayout layout;
  };
  std::vector<Laid> laid;
  PartyMap parties;
  std::string approval_text;
  for (const auto& s : wb.sheets) {
    auto kind = kind_of_sheet(s.name);
    if (!kind) {
      if (s.name.empty() || (s.name[0] != '_' && s.name != "Results"))
        notes.push_back(
            {s.name, 0, "sheet not imported: it holds lists, guidance or results, not checklist rows"});
      continue;
    }
    SheetLayout layout = parse_sheet(s, notes);
    if (*kind == SectionKind::kOther) {
      // A sheet named for its subject ("9.1 - NHS e-RS Session APIs") whose rows are ids with a compliance
      // column is a requirement sheet.
      size_t with_id = 0, rows = 0;
      bool response = false;
      for (const auto& b : layout.blocks) {
        response = response || b.columns.count(Role::kResponse);
        for (const auto& r : b.rows)
          if (!r.group && !r.continuation) ++rows, with_id += !r.id.empty();
      }
      if (response && rows > 0 && with_id * 10 >= rows * 8) kind = SectionKind::kRequirements;
    }
    if (*kind == SectionKind::kApprovalGateways)
      for (const auto& [ref, cell] : s.cells()) approval_text += " " + lower(cell.text);
    for (const auto& b : layout.blocks)
      for (const auto& r : b.rows)
        if (parties.role_of(r.actioned_by) == "provider-supplier") parties.provider_named = true;
    bool has_rows = false;
    for (const auto& b : layout.blocks) has_rows = has_rows || !b.rows.empty();
    if (!has_rows && *kind != SectionKind::kTopology) {
      if (*kind != SectionKind::kCover)
        notes.push_back({s.name, 0, "sheet not imported: no header row (Category | Item | ...) was found"});
      continue;
    }
    laid.push_back({&s, *kind, std::move(layout)});
  }
  bool any_checklist = false;
  for (const auto& l : laid) any_checklist = any_checklist || l.kind != SectionKind::kCover;
  if (!any_checklist)
    return Error::invalid(
        file + " has no recognisable TOM sheet (a sheet with a 'Category | Item | ...' header row)");

  // Identity from the cover (overridable).
  std::string title = cover_value(wb, "title");
  if (title.empty()) title = cover_value(wb, "document reference");
  t.name = !options.name.empty() ? options.name : (!title.empty() ? title : "Imported TOM");
  t.id = !options.id.empty() ? options.id : slug(t.name, 48);
  if (t.id.empty()) t.id = "imported-tom";
  std::string version = cover_value(wb, "version");
  t.version = !options.version.empty() ? options.version : (!version.empty() ? version : "1");
  t.family = "tom";
  t.description = "Imported from " + file;
  t.source = "Workbook " + file;

  // Phases from the approval gateways.
  std::set<std::string> phase_ids;
  bool p1 =
      approval_text.find("phase 1") != std::string::npos || approval_text.find("1a") != std::string::npos;
  bool p1b = approval_text.find("1b") != std::string::npos ||
             approval_text.find("technical conformance") != std::string::npos;
  bool p2 = approval_text.find("phase 2") != std::string::npos;
  if (!p1 && !p1b && !p2) p1 = p1b = p2 = true;
  if (p1) {
    Phase ph{"1A", "Usage and settings", "central", {}, false, false, {}};
    if (approval_text.find("usage") != std::string::npos) ph.areas.push_back("usage");
    if (approval_text.find("setting") != std::string::npos) ph.areas.push_back("settings");
    if (approval_text.find("data user") != std::string::npos) ph.areas.push_back("data-user-organisation");
    if (p2) ph.concurrent_with.push_back("2");
    t.phases.push_back(ph);
  }
  if (p1b)
    t.phases.push_back({"1B",
                        "Technical conformance",
                        "central",
                        {},
                        true,
                        false,
                        p2 ? std::vector<std::string>{"2"} : std::vector<std::string>{}});
  if (p2) t.phases.push_back({"2", "Full evaluation", "end-user", {}, false, true, {}});
  for (const auto& p : t.phases) phase_ids.insert(p.id);

  VocabularyBook vocab{{}, &t.vocabularies};
  std::set<std::string> used_roles = {"central", "end-user"};
  std::set<std::string> item_ids;
  std::map<SectionKind, int> kind_count;
  for (const auto& l : laid) ++kind_count[l.kind];

  for (const auto& l : laid) {
    const wbk::Sheet& sheet = *l.sheet;
    const ValidationIndex validations(sheet);
    auto validation_at = [&](const wbk::Sheet&, int row, int col) { return validations.at(row, col); };
    Section sec;
    sec.kind = l.kind;
    sec.title = trim(sheet.name);
    std::string number = sheet_number(sheet.name);
    sec.id = slug(sheet.name, 48);
    if (sec.id.empty()) sec.id = "section-" + std::to_string(t.sections.size() + 1);
    sec.description = l.layout.description.substr(0, 2000);
    sec.phases = default_phases(l.kind, phase_ids);
    std::string prefix = section_prefix(l.kind);
    if (kind_count[l.kind] > 1 && !number.empty()) prefix += number;
    std::set<std::string> section_roles;

    auto add_item = [&](Item item, const ParsedRow* row) {
      if (item.id.empty()) item.id = prefix + "-" + upper_slug(item.text, 24);
      std::string base = item.id;
      for (int n = 2; item_ids.count(item.id); ++n) item.id = base + "-" + std::to_string(n);
      if (!valid_item_id(item.id)) {
        notes.push_back(
            {sheet.name, row ? row->row + 1 : 0, "row skipped: cannot make an id from '" + item.text + "'"});
        return;
      }
      item_ids.insert(item.id);
      item.source_line = row ? row->row + 1 : 0;
      if (row) out.rows[item.id] = SourceRow{sheet.name, *row};
      sec.items.push_back(std::move(item));
    };

    // Topology: the recognised scenarios are headings ("Deployment Topology A"); the choice is one item.
    if (l.kind == SectionKind::kTopology) {
      std::vector<std::string> scenarios;
      for (const auto& [ref, cell] : sheet.cells()) {
        std::string v = trim(cell.text);
        static const std::regex kTopology(R"((deployment )?topology [a-z0-9]{1,2})");
        if (v.size() < 40 && std::regex_match(lower(v), kTopology) &&
            std::find(scenarios.begin(), scenarios.end(), v) == scenarios.end())
          scenarios.push_back(v);
      }
      if (!scenarios.empty()) {
        Item choice;
        choice.id = "TOP-SCENARIO";
        choice.kind = ItemKind::kChoice;
        choice.text = "Which recognised topology matches this deployment?";
        choice.party = parties.id_of("end-user");
        choice.answer = AnswerType::kChoice;
        choice.choices = vocab.add(scenarios, "topology");
        choice.phases = sec.phases;
        section_roles.insert("end-user");
        add_item(choice, nullptr);
      } else {
        notes.push_back(
            {sheet.name, 0, "no recognised topology headings ('Deployment Topology A') were found"});
      }
    }

    for (const auto& block : l.layout.blocks) {
      std::string group_obligation;
      bool contact_block = block.columns.count(Role::kName) || block.columns.count(Role::kEmail) ||
                           block.columns.count(Role::kJobTitle);
      for (size_t i = 0; i < block.rows.size(); ++i) {
        const ParsedRow& row = block.rows[i];
        if (row.group) {
          group_obligation = row.obligation;
          continue;
        }
        if (row.continuation) {
          // The same requirement again for another party: kept on the item above, said in its guidance.
          if (!sec.items.empty()) {
            std::string role = parties.role_of(row.actioned_by);
            sec.items.back().guidance += (sec.items.back().guidance.empty() ? "" : "\n") +
                                         std::string("Also actioned by: ") + trim(row.actioned_by);
            if (!role.empty()) used_roles.insert(role);
          }
          continue;
        }
        Item item;
        item.id = row.id;
        item.text = row.text.substr(0, 4000);
        item.guidance =
            (row.detail.empty() ? row.guidance
                                : row.detail + (row.guidance.empty() ? "" : "\n\n" + row.guidance))
                .substr(0, 8000);
        item.group = row.group_title;
        std::string role = parties.role_of(row.actioned_by);
        if (role.empty()) {
          role = default_role(l.kind);
          if (!row.actioned_by.empty())
            notes.push_back({sheet.name, row.row + 1,
                             "'Actioned By' says \"" + row.actioned_by.substr(0, 60) +
                                 "\"; no party recognised, given to " + role});
        }
        used_roles.insert(role);
        section_roles.insert(role);
        item.party = parties.id_of(role);
        item.phases = sec.phases;
        std::string type = lower(row.type);
        // Kind: what the row says, then what the sheet implies.
        if (l.kind == SectionKind::kContactsLog ||
            (contact_block && l.kind != SectionKind::kApprovalGateways)) {
          item.kind = ItemKind::kContact;
        } else if (l.kind == SectionKind::kApprovalGateways) {
          item.kind = contact_block ? ItemKind::kContact : ItemKind::kApproval;
        } else if (type == "info" && row.response_col < 0) {
          item.kind = ItemKind::kInfo;
        } else if (l.kind == SectionKind::kRequirements && row.id.empty() && row.obligation.empty() &&
                   row.response.empty() &&
                   (row.response_col < 0 || !validation_at(sheet, row.row, row.response_col))) {
          item.kind = ItemKind::kInfo;  // a note under the requirements, not a requirement
        } else if (type == "req" || !row.obligation.empty() || l.kind == SectionKind::kRequirements) {
          item.kind = ItemKind::kReq;
        } else {
          item.kind = ItemKind::kAction;
        }
        if (type == "info" && item.kind == ItemKind::kAction) item.kind = ItemKind::kInfo;
        // Obligation: the row's, its group's, or the MUST / SHOULD / MAY the requirement's text uses.
        std::string ob = !row.obligation.empty() ? row.obligation : group_obligation;
        if (ob.empty() && item.kind == ItemKind::kReq) {
          std::string all = row.text + " " + row.detail + " " + row.guidance;
          if (all.find("MUST") != std::string::npos)
            ob = "must";
          else if (all.find("SHOULD") != std::string::npos)
            ob = "should";
          else if (all.find("MAY") != std::string::npos)
            ob = "may";
          else {
            ob = "must";
            notes.push_back({sheet.name, row.row + 1,
                             "requirement " + (row.id.empty() ? row.text.substr(0, 30) : row.id) +
                                 " states no Must / Should / May; taken as Must"});
          }
        }
        if (!ob.empty() && item.kind != ItemKind::kInfo) item.obligation = *obligation_from(ob);
        // Answer vocabulary: the dropdown on the response cell.
        if (item.kind != ItemKind::kInfo) {
          const wbk::Validation* v =
              row.response_col >= 0 ? validation_at(sheet, row.row, row.response_col) : nullptr;
          std::string choices;
          if (v && !v->values.empty())
            choices = vocab.add(
                v->values, name_hint(*v, l.kind == SectionKind::kRequirements ? "compliance" : "choice"));
          if (!choices.empty()) {
            item.answer = AnswerType::kChoice;
            item.choices = choices;
          } else if (item.kind == ItemKind::kApproval) {
            item.answer = AnswerType::kChoice;
            item.choices = vocab.add({"Approved", "Rejected"}, "approval");
          } else {
            if (v && v->type == "list")
              notes.push_back({sheet.name, row.row + 1,
                               "the dropdown on " + wbk::column_name(row.response_col) +
                                   std::to_string(row.row + 1) + " (" + v->formula1.substr(0, 60) +
                                   ") could not be resolved; answered as free text"});
            item.answer = AnswerType::kText;
            if (item.kind == ItemKind::kReq) {
              item.answer = AnswerType::kChoice;
              item.choices = vocab.add({"Yes", "No", "N/A"}, "yes-no-na");
              notes.push_back({sheet.name, row.row + 1,
                               "requirement " + (row.id.empty() ? row.text.substr(0, 30) : row.id) +
                                   " has no dropdown; given Yes / No / N/A"});
            }
          }
        }
        if (item.kind == ItemKind::kInfo) item.answer = AnswerType::kNone;
        add_item(std::move(item), &row);
      }
    }
    if (sec.items.empty()) continue;
    for (const auto& r : section_roles) sec.parties.push_back(parties.id_of(r));
    if (sec.parties.empty()) sec.parties.push_back(parties.id_of(default_role(l.kind)));
    t.sections.push_back(std::move(sec));
  }

  // Parties: everyone the rows name, plus the deploying organisation and the central body.
  static const std::vector<std::pair<std::string, std::string>> kRoleNames = {
      {"provider-supplier", "Provider supplier"},
      {"client-supplier", "Client supplier"},
      {"end-user", "End user organisation"},
      {"commissioner", "Commissioning authority"},
      {"central", "NHS Digital"}};
  for (const auto& [role, name] : kRoleNames) {
    if (!used_roles.count(role)) continue;
    t.parties.push_back({parties.id_of(role),
                         role == "client-supplier" && !parties.provider_named ? "Supplier" : name,
                         *party_role_from(role)});
  }
  for (const auto& role : {"provider-supplier", "client-supplier", "end-user"})
    if (used_roles.count(role)) t.custody.push_back(parties.id_of(role));

  // The family's rules, as data: a non-compliant Must goes to NHS Digital; 'Other' in IG needs the SIRO.
  std::set<std::string> non_compliant_values;
  for (const auto& [id, v] : t.vocabularies)
    for (const auto& x : v.values)
      if (lower(x) == "no" || lower(x) == "non-compliant") non_compliant_values.insert(x);
  bool has_reqs = false, ig_other = false;
  for (const auto& s : t.sections)
    for (const auto& i : s.items) {
      if (s.kind == SectionKind::kRequirements && i.obligation == Obligation::kMust) has_reqs = true;
      if (s.kind == SectionKind::kIgSecurity)
        if (const Vocabulary* v = t.vocabulary_of(i); v && v->contains("Other")) ig_other = true;
    }
  std::string list;
  for (const auto& v : non_compliant_values) list += (list.empty() ? "" : ", ") + ("\"" + v + "\"");
  if (has_reqs && !list.empty()) {
    Rule r;
    r.id = "must-non-compliant";
    r.description = "A non-compliant Must requirement needs NHS Digital's approval";
    r.each = ItemSelector{"", SectionKind::kRequirements, std::nullopt, Obligation::kMust, ""};
    r.when = "value in [" + list + "]";
    r.finding =
        FindingSpec{FindingKind::kEscalation,
                    "Non-compliant Must requirement: submit to NHS Digital for approval", "central", ""};
    t.rules.push_back(r);
    Rule s = r;
    s.id = "should-non-compliant";
    s.description = "A non-compliant Should requirement is reported";
    s.each->obligation = Obligation::kShould;
    s.finding = FindingSpec{FindingKind::kNonCompliance,
                            "Non-compliant Should requirement: report and agree mitigation", "owner", ""};
    t.rules.push_back(s);
  }
  if (ig_other) {
    Rule r;
    r.id = "ig-other-siro-review";
    r.description = "A non-standard IG mechanism needs the SIRO's review";
    r.each = ItemSelector{"", SectionKind::kIgSecurity, std::nullopt, std::nullopt, ""};
    r.when = "value == \"Other\"";
    r.finding = FindingSpec{FindingKind::kReview, "SIRO to review the non-standard mechanism", "siro",
                            parties.id_of("end-user")};
    t.rules.push_back(r);
  }

  // Validate everything before anyone writes it.
  auto problems = validate_template(t);
  if (!problems.empty()) {
    for (auto& p : problems) {
      p.where.file = file;
      auto src = out.rows.find(p.where.item);
      if (src != out.rows.end()) p.where.sheet = src->second.sheet;
    }
    return Error::invalid("the workbook " + file + " could not be turned into a valid template",
                          std::move(problems));
  }
  auto compiled = rules::RuleSet::compile(std::make_shared<const Template>(t));
  if (!compiled) return std::move(compiled).error();
  return out;
}

}  // namespace tom::io::tom_import
