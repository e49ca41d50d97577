// Reading a filled-in workbook as an assessment of a known template.
#include <algorithm>
#include <cctype>

#include "io/tom_import/template_import.hpp"

namespace tom::io::tom_import {

using namespace tom::domain;
namespace wbk = tom::io::workbook;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A written answer as the template spells it: exact, or the one choice equal ignoring case and spaces.
std::optional<std::string> canonical(const Template& t, const Item& item, const std::string& raw) {
  std::string v = trim(raw);
  if (v.empty()) return std::string();
  const Vocabulary* voc = t.vocabulary_of(item);
  if (!voc) return v;
  if (voc->contains(v)) return v;
  for (const auto& x : voc->values)
    if (lower(trim(x)) == lower(v)) return x;
  return std::nullopt;
}

// A record's value under a (lower-case) header, or "".
std::string cell(const std::map<std::string, std::string>& rec, const char* key) {
  auto it = rec.find(key);
  return it == rec.end() ? std::string() : it->second;
}

// Rows of a simple table sheet written by the exporter: the header row, then one record per row.
std::vector<std::map<std::string, std::string>> table(const wbk::Sheet& s) {
  std::vector<std::map<std::string, std::string>> out;
  std::vector<std::string> header;
  for (int c = 0; c <= s.max_col(); ++c) header.push_back(lower(trim(s.text(0, c))));
  for (int r = 1; r <= s.max_row(); ++r) {
    std::map<std::string, std::string> rec;
    for (int c = 0; c <= s.max_col() && c < static_cast<int>(header.size()); ++c)
      if (!header[static_cast<size_t>(c)].empty()) rec[header[static_cast<size_t>(c)]] = s.text(r, c);
    bool empty = std::all_of(rec.begin(), rec.end(), [](const auto& kv) { return kv.second.empty(); });
    if (!empty) out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace

Result<AssessmentImport> import_assessment(const wbk::Workbook& wb, const std::string& file,
                                           const Template& tmpl) {
  AssessmentImport out;
  domain::AssessmentBundle& b = out.bundle;
  b.assessment.template_id = tmpl.id;
  b.assessment.template_version = tmpl.version;
  std::vector<Problem> problems;
  auto problem = [&](const std::string& sheet, int row, const std::string& item, const std::string& msg) {
    Problem p;
    p.where.file = file;
    p.where.sheet = sheet;
    p.where.line = row;
    p.where.item = item;
    p.message = msg;
    problems.push_back(std::move(p));
  };

  // Metadata the exporter writes (absent in workbooks from elsewhere).
  if (const wbk::Sheet* meta = wb.find_sheet("_tom")) {
    for (int r = 0; r <= meta->max_row(); ++r) {
      std::string key = trim(meta->text(r, 0)), value = meta->text(r, 1);
      if (key == "product")
        b.assessment.product = value;
      else if (key == "product_version")
        b.assessment.product_version = value;
      else if (key == "title")
        b.assessment.title = value;
      else if (key == "custodian")
        b.assessment.custodian = value;
      else if (key == "template" && value != tmpl.id)
        problem("_tom", r + 1, "", "the workbook was exported from template " + value + ", not " + tmpl.id);
      else if (key.rfind("party:", 0) == 0) {
        Organisation o{0, value, meta->text(r, 2), meta->text(r, 3)};
        if (!o.name.empty()) b.participants.emplace_back(key.substr(6), o);
      }
    }
  }
  if (b.assessment.product.empty()) {
    b.assessment.product = "Imported from " + file;
    for (const auto& s : wb.sheets)
      for (const auto& [ref, cell] : s.cells())
        if (lower(trim(cell.text)) == "product")
          if (std::string v = trim(s.text(ref.row, ref.col + 2)); !v.empty() && !is_placeholder(v))
            b.assessment.product = v;
  }

  // The same structure recognition as the template importer gives each row the same id.
  TemplateImportOptions opts{tmpl.id, tmpl.version, tmpl.name};
  TOM_ASSIGN(TemplateImport seen, import_template(wb, file, opts));
  out.notes = seen.notes;
  size_t matched = 0;
  for (const auto& [id, src] : seen.rows) {
    const Item* item = tmpl.find_item(id);
    const ParsedRow& row = src.row;
    if (!item) {
      if (!row.response.empty() || !row.notes.empty())
        out.notes.push_back(
            {src.sheet, row.row + 1,
             "answer to " + id + " not imported: template " + tmpl.ref() + " has no such item"});
      continue;
    }
    ++matched;
    if (!item->answerable()) continue;
    std::string raw = row.response;
    if (raw.empty() && item->kind == ItemKind::kContact && !row.contact.empty()) {
      // A contact written across Name / Job Title / Email / Telno columns.
      for (Role r :
           {Role::kName, Role::kJobTitle, Role::kOrganisation, Role::kEmail, Role::kPhone, Role::kDate}) {
        auto it = row.contact.find(r);
        if (it != row.contact.end()) raw += (raw.empty() ? "" : ", ") + it->second;
      }
    }
    auto value = canonical(tmpl, *item, raw);
    if (!value) {
      const Vocabulary* voc = tmpl.vocabulary_of(*item);
      std::string allowed;
      for (const auto& x : voc->values) allowed += (allowed.empty() ? "" : ", ") + x;
      problem(src.sheet, row.row + 1, id, "'" + trim(raw) + "' is not one of the choices: " + allowed);
      continue;
    }
    if (value->empty() && row.notes.empty()) continue;
    Answer a;
    a.item_id = id;
    a.value = *value;
    a.note = row.notes;
    b.answers[id] = a;
  }
  if (matched == 0)
    return Error::invalid(file + " has no rows matching template " + tmpl.ref() + " (compare the item ids)");

  // The topology: the workbooks mark the chosen scenario with a "Y" beside its heading.
  for (const auto& s : wb.sheets) {
    auto kind = kind_of_sheet(s.name);
    if (!kind || *kind != SectionKind::kTopology) continue;
    std::vector<std::pair<workbook::CellRef, std::string>> headings;
    for (const auto& [ref, cell] : s.cells())
      if (lower(trim(cell.text)).find("topology ") != std::string::npos && trim(cell.text).size() < 40)
        headings.emplace_back(ref, trim(cell.text));
    std::vector<std::string> chosen;
    for (size_t h = 0; h < headings.size(); ++h) {
      int c0 = headings[h].first.col, r0 = headings[h].first.row;
      int c1 =
          h + 1 < headings.size() && headings[h + 1].first.row == r0 ? headings[h + 1].first.col : c0 + 13;
      for (int r = r0; r <= r0 + 3; ++r)
        for (int c = c0; c < c1; ++c) {
          std::string v = lower(trim(s.text(r, c)));
          if (v == "y" || v == "yes") chosen.push_back(headings[h].second);
        }
    }
    if (chosen.size() > 1)
      out.notes.push_back({s.name, 0, "more than one topology is marked; none was taken"});
    if (chosen.size() != 1) continue;
    for (const auto& sec : tmpl.sections)
      for (const auto& item : sec.items)
        if (const Vocabulary* v = tmpl.vocabulary_of(item);
            v && sec.kind == SectionKind::kTopology && v->contains(chosen[0]))
          if (!b.answers.count(item.id)) b.answers[item.id] = Answer{item.id, chosen[0], "", "", "", "", 0};
  }

  // The topology choice and approvals written by the exporter.
  std::vector<int> approval_rows;  // each imported approval's row number (1: the first under the header)
  if (const wbk::Sheet* ap = wb.find_sheet("_approvals")) {
    int r = 1;
    for (const auto& rec : table(*ap)) {
      ++r;
      Approval a;
      auto get = [&](const char* k) { return cell(rec, k); };
      a.phase = get("phase");
      if (!tmpl.find_phase(a.phase)) {
        problem("_approvals", r, "", "unknown phase '" + a.phase + "'");
        continue;
      }
      a.area = get("area");
      auto d = decision_from(lower(get("decision")));
      if (!d) {
        problem("_approvals", r, "", "decision must be approved or rejected, not '" + get("decision") + "'");
        continue;
      }
      a.decision = *d;
      a.reason = get("reason");
      a.outcome = get("outcome");
      a.certificate = get("certificate");
      a.decided_by = get("decided by");
      a.decided_at = get("decided at");
      a.override_reason = get("override reason");
      b.approvals.push_back(std::move(a));
      approval_rows.push_back(r - 1);
    }
  }
  // Findings as the exporter wrote them, with their acceptances.
  if (const wbk::Sheet* fs = wb.find_sheet("_findings")) {
    int r = 1;
    for (const auto& rec : table(*fs)) {
      ++r;
      auto get = [&](const char* k) { return cell(rec, k); };
      Finding f;
      f.key = get("key");
      f.kind = get("kind");
      if (f.key.empty() || !finding_kind_from(f.kind)) {
        problem("_findings", r, f.key,
                "a finding needs a key and a kind (non-compliance, risk, escalation, review)");
        continue;
      }
      auto st = finding_status_from(get("status"));
      if (!st) {
        problem("_findings", r, f.key,
                "status must be open, accepted or resolved, not '" + get("status") + "'");
        continue;
      }
      f.status = *st;
      f.item_id = get("item");
      f.title = get("title");
      f.detail = get("detail");
      f.role = get("role");
      f.party = get("party");
      f.owner = get("owner");
      f.mitigation = get("mitigation");
      f.accepted_by = get("accepted by");
      f.accepted_role = get("accepted role");
      f.accepted_at = get("accepted at");
      f.expires_on = get("expires on");
      f.created_at = get("created at");
      b.findings.push_back(std::move(f));
    }
  }
  // Each approval's basis, by the approval's row number on _approvals.
  if (const wbk::Sheet* bs = wb.find_sheet("_basis")) {
    int r = 1;
    for (const auto& rec : table(*bs)) {
      ++r;
      auto get = [&](const char* k) { return cell(rec, k); };
      auto at = std::find(approval_rows.begin(), approval_rows.end(), std::atoi(get("approval").c_str()));
      if (at == approval_rows.end()) {
        problem("_basis", r, get("item"), "names no approval row '" + get("approval") + "'");
        continue;
      }
      b.approvals[static_cast<size_t>(at - approval_rows.begin())].basis[get("item")] = get("value");
    }
  }
  if (!problems.empty())
    return Error::invalid("the workbook " + file + " does not fit template " + tmpl.ref(),
                          std::move(problems));
  return out;
}

}  // namespace tom::io::tom_import
