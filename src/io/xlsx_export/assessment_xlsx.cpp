#include "io/xlsx_export/assessment_xlsx.hpp"

#include <xlsxwriter.h>

#include <cstdio>
#include <map>
#include <set>

#include "core/csv.hpp"

namespace tom::io::xlsx_export {

using namespace tom::domain;

namespace {

// Excel sheet names: at most 31 characters, none of []:*?/\, unique ignoring case.
std::string sheet_name(const std::string& title, std::set<std::string>& used) {
  std::string n;
  for (char c : title)
    if (std::string("[]:*?/\\").find(c) == std::string::npos) n += c;
  while (!n.empty() && (n.front() == '\'' || n.front() == ' ')) n.erase(0, 1);
  if (n.size() > 31) n.resize(31);
  while (!n.empty() && (n.back() == '\'' || n.back() == ' ')) n.pop_back();
  if (n.empty()) n = "Section";
  auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  std::string candidate = n;
  for (int i = 2; used.count(lower(candidate)); ++i) {
    std::string suffix = " (" + std::to_string(i) + ")";
    candidate = n.substr(0, 31 - suffix.size()) + suffix;
  }
  used.insert(lower(candidate));
  return candidate;
}

const char* kind_word(ItemKind k) {
  switch (k) {
    case ItemKind::kInfo:
      return "Info";
    case ItemKind::kAction:
      return "Action";
    case ItemKind::kReq:
      return "Req";
    case ItemKind::kContact:
      return "Contact";
    case ItemKind::kChoice:
      return "Choice";
    case ItemKind::kApproval:
      return "Approval";
  }
  return "Action";
}

const char* obligation_word(Obligation o) {
  switch (o) {
    case Obligation::kMust:
      return "Must";
    case Obligation::kShould:
      return "Should";
    case Obligation::kMay:
      return "May";
    default:
      return "";
  }
}

// Colour per party role, as the workbooks' key does.
lxw_color_t party_colour(PartyRole r) {
  switch (r) {
    case PartyRole::kProviderSupplier:
      return 0xDDEBF7;
    case PartyRole::kClientSupplier:
      return 0xE2EFDA;
    case PartyRole::kEndUser:
      return 0xFFF2CC;
    case PartyRole::kCommissioner:
      return 0xEDE2F6;
    case PartyRole::kCentral:
      return 0xFCE4D6;
  }
  return 0xFFFFFF;
}

class Writer {
 public:
  explicit Writer(lxw_workbook* wb) : wb_(wb) {
    title_ = workbook_add_format(wb_);
    format_set_bold(title_);
    format_set_font_size(title_, 14);
    header_ = workbook_add_format(wb_);
    format_set_bold(header_);
    format_set_bg_color(header_, 0x005EB8);
    format_set_font_color(header_, 0xFFFFFF);
    format_set_text_wrap(header_);
    group_ = workbook_add_format(wb_);
    format_set_bold(group_);
    format_set_bg_color(group_, 0xE8EDEE);
    wrap_ = workbook_add_format(wb_);
    format_set_text_wrap(wrap_);
    format_set_align(wrap_, LXW_ALIGN_VERTICAL_TOP);
    open_ = workbook_add_format(wb_);
    format_set_unlocked(open_);
    format_set_text_wrap(open_);
    format_set_align(open_, LXW_ALIGN_VERTICAL_TOP);
    format_set_border(open_, LXW_BORDER_THIN);
    format_set_border_color(open_, 0x768692);
  }

  lxw_format* party_format(PartyRole r) {
    auto it = party_.find(r);
    if (it != party_.end()) return it->second;
    lxw_format* f = workbook_add_format(wb_);
    format_set_bg_color(f, party_colour(r));
    format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    party_[r] = f;
    return f;
  }

  lxw_format *title_, *header_, *group_, *wrap_, *open_;

 private:
  lxw_workbook* wb_;
  std::map<PartyRole, lxw_format*> party_;
};

void put(lxw_worksheet* ws, int row, int col, const std::string& text, lxw_format* f = nullptr) {
  if (text.empty() && !f) return;
  // Excel keeps at most 32,767 characters in a cell.
  std::string t = text.size() > 32767 ? text.substr(0, 32767) : text;
  worksheet_write_string(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), t.c_str(), f);
}

}  // namespace

Status write_assessment_xlsx(const std::string& path, const Template& t, const domain::AssessmentBundle& b,
                             const rules::Evaluation& ev) {
  std::string tmp = path + ".tmp";
  lxw_workbook* wb = workbook_new(tmp.c_str());
  if (!wb) return Error::invalid("cannot create " + tmp);
  Writer w(wb);
  std::set<std::string> used = {"cover", "results", "_approvals", "_basis", "_findings", "_lists", "_tom"};
  std::map<std::string, std::string> party_names;
  for (const auto& p : t.parties) party_names[p.id] = p.name;

  // Cover: what this is, and the colour key.
  lxw_worksheet* cover = workbook_add_worksheet(wb, "Cover");
  put(cover, 0, 0, t.name, w.title_);
  put(cover, 2, 0, "Template");
  put(cover, 2, 1, t.ref());
  put(cover, 3, 0, "Product");
  put(cover, 3, 1,
      b.assessment.product +
          (b.assessment.product_version.empty() ? "" : " " + b.assessment.product_version));
  put(cover, 4, 0, "Title");
  put(cover, 4, 1, b.assessment.title);
  int r = 6;
  put(cover, r++, 0, "Parties (colour key)", w.header_);
  for (const auto& p : t.parties) {
    std::string org;
    for (const auto& [party, o] : b.participants)
      if (party == p.id) org = o.name;
    put(cover, r, 0, p.name, w.party_format(p.role));
    put(cover, r++, 1, org);
  }
  worksheet_set_column(cover, 0, 0, 40, nullptr);
  worksheet_set_column(cover, 1, 1, 60, nullptr);

  // Vocabularies live on a hidden sheet; dropdowns refer to their ranges (inline lists are limited to 255
  // chars).
  lxw_worksheet* lists = workbook_add_worksheet(wb, "_lists");
  std::map<std::string, std::string> list_ref;
  int list_col = 0;
  for (const auto& [id, v] : t.vocabularies) {
    put(lists, 0, list_col, id);
    for (size_t i = 0; i < v.values.size(); ++i) put(lists, static_cast<int>(i) + 1, list_col, v.values[i]);
    char ref[64];
    std::string col;
    for (int c = list_col + 1; c > 0; c = (c - 1) / 26)
      col.insert(col.begin(), static_cast<char>('A' + (c - 1) % 26));
    std::snprintf(ref, sizeof ref, "=_lists!$%s$2:$%s$%zu", col.c_str(), col.c_str(), v.values.size() + 1);
    list_ref[id] = ref;
    ++list_col;
  }
  worksheet_hide(lists);

  std::map<std::string, std::vector<std::string>> item_results;
  for (const auto& f : ev.findings)
    if (!f.item_id.empty()) item_results[f.item_id].push_back(f.spec.title);

  for (const auto& s : t.sections) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet_name(s.title, used).c_str());
    put(ws, 0, 0, s.title, w.title_);
    if (!s.description.empty()) put(ws, 1, 0, s.description);
    int row = 3;
    const char* headers[] = {
        "ID",   "Item",  "Guidance", "Actioned By", "Obligation", "Response", "Additional Notes / References",
        "Type", "Result"};
    for (int c = 0; c < 9; ++c) put(ws, row, c, headers[c], w.header_);
    worksheet_freeze_panes(ws, static_cast<lxw_row_t>(row + 1), 0);
    ++row;
    std::string group;
    for (const auto& item : s.items) {
      if (item.group != group && !item.group.empty()) {
        put(ws, row, 0, item.group, w.group_);
        for (int c = 1; c < 9; ++c) put(ws, row, c, "", w.group_);
        ++row;
      }
      group = item.group;
      const Party* p = t.find_party(item.party);
      lxw_format* pf = p ? w.party_format(p->role) : w.wrap_;
      put(ws, row, 0, item.id, pf);
      put(ws, row, 1, item.text, pf);
      put(ws, row, 2, item.guidance, w.wrap_);
      put(ws, row, 3, p ? p->name : item.party, pf);
      put(ws, row, 4, obligation_word(item.obligation), w.wrap_);
      put(ws, row, 7, kind_word(item.kind), w.wrap_);
      if (item.answerable()) {
        auto a = b.answers.find(item.id);
        put(ws, row, 5, a == b.answers.end() ? "" : a->second.value, w.open_);
        put(ws, row, 6, a == b.answers.end() ? "" : a->second.note, w.open_);
        if (!item.choices.empty() && list_ref.count(item.choices)) {
          lxw_data_validation dv{};
          dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
          dv.value_formula = const_cast<char*>(list_ref[item.choices].c_str());
          dv.ignore_blank = LXW_VALIDATION_ON;
          worksheet_data_validation_cell(ws, static_cast<lxw_row_t>(row), 5, &dv);
        }
      }
      std::string result;
      for (const auto& x : item_results[item.id]) result += (result.empty() ? "" : "\n") + x;
      put(ws, row, 8, result, w.wrap_);
      ++row;
    }
    worksheet_set_column(ws, 0, 0, 16, nullptr);
    worksheet_set_column(ws, 1, 1, 50, nullptr);
    worksheet_set_column(ws, 2, 2, 50, nullptr);
    worksheet_set_column(ws, 3, 3, 22, nullptr);
    worksheet_set_column(ws, 4, 4, 11, nullptr);
    worksheet_set_column(ws, 5, 6, 30, nullptr);
    worksheet_set_column(ws, 7, 7, 9, nullptr);
    worksheet_set_column(ws, 8, 8, 40, nullptr);
    lxw_protection protection{};
    protection.format_columns = 1;
    protection.format_rows = 1;
    worksheet_protect(ws, nullptr, &protection);
  }

  // Rule results with their explanations.
  lxw_worksheet* results = workbook_add_worksheet(wb, "Results");
  put(results, 0, 0, "Rule results", w.title_);
  const char* rh[] = {"Result", "Value", "Explanation"};
  for (int c = 0; c < 3; ++c) put(results, 2, c, rh[c], w.header_);
  int rr = 3;
  for (const auto& d : ev.derived) {
    put(results, rr, 0, d.name);
    put(results, rr, 1, d.value.is_null() ? "" : d.value.plain());
    put(results, rr++, 2, d.explanation, w.wrap_);
  }
  ++rr;
  // Every finding: what the rules raise now, with what people recorded against it (acceptance, expiry,
  // mitigation), and the findings people recorded by hand.
  const char* fh[] = {"Finding", "Kind",        "Explanation", "For",       "Party",
                      "Status",  "Accepted by", "Expires",     "Mitigation"};
  for (int c = 0; c < 9; ++c) put(results, rr, c, fh[c], w.header_);
  ++rr;
  std::map<std::string, const Finding*> stored;
  for (const auto& f : b.findings) stored[f.key] = &f;
  auto finding_row = [&](const std::string& key, const std::string& kind, const std::string& explanation,
                         const std::string& role, const std::string& party, const Finding* s) {
    std::string cells[] = {key,
                           kind,
                           explanation,
                           role,
                           party,
                           s ? to_string(s->status) : "open",
                           s ? s->accepted_by : "",
                           s ? s->expires_on : "",
                           s ? s->mitigation : ""};
    for (int c = 0; c < 9; ++c) put(results, rr, c, cells[c], c == 2 ? w.wrap_ : nullptr);
    ++rr;
  };
  std::set<std::string> shown;
  for (const auto& f : ev.findings) {
    auto it = stored.find(f.key());
    finding_row(f.key(), to_string(f.spec.kind), f.explanation, f.spec.role, f.spec.party,
                it == stored.end() ? nullptr : it->second);
    shown.insert(f.key());
  }
  for (const auto& f : b.findings)
    if (!shown.count(f.key) && f.key.rfind("rule:", 0) != 0)
      finding_row(f.key, f.kind, f.title + (f.detail.empty() ? "" : ": " + f.detail), f.role, f.party, &f);

  // The stored findings whole, read back by the importer.
  lxw_worksheet* fs = workbook_add_worksheet(wb, "_findings");
  const char* sh[] = {"Key",         "Kind",          "Item",        "Title",      "Detail",
                      "Role",        "Party",         "Owner",       "Mitigation", "Status",
                      "Accepted by", "Accepted role", "Accepted at", "Expires on", "Created at"};
  for (int c = 0; c < 15; ++c) put(fs, 0, c, sh[c], w.header_);
  int fr = 1;
  for (const auto& f : b.findings) {
    std::string cells[] = {f.key,         f.kind,          f.item_id,     f.title,      f.detail,
                           f.role,        f.party,         f.owner,       f.mitigation, to_string(f.status),
                           f.accepted_by, f.accepted_role, f.accepted_at, f.expires_on, f.created_at};
    for (int c = 0; c < 15; ++c) put(fs, fr, c, cells[c]);
    ++fr;
  }
  worksheet_hide(fs);
  worksheet_set_column(results, 0, 0, 30, nullptr);
  worksheet_set_column(results, 2, 2, 90, nullptr);

  // Approvals, read back by the importer.
  lxw_worksheet* ap = workbook_add_worksheet(wb, "_approvals");
  const char* ah[] = {"Phase",       "Area",       "Decision",   "Reason",         "Outcome",
                      "Certificate", "Decided by", "Decided at", "Override reason"};
  for (int c = 0; c < 9; ++c) put(ap, 0, c, ah[c], w.header_);
  // What each approval was decided on, a row per item (a cell holds at most 32,767 characters).
  lxw_worksheet* basis = workbook_add_worksheet(wb, "_basis");
  const char* bh[] = {"Approval", "Item", "Value"};
  for (int c = 0; c < 3; ++c) put(basis, 0, c, bh[c], w.header_);
  int ar = 1, br = 1;
  for (const auto& a : b.approvals) {
    std::string cells[] = {a.phase,       a.area,       to_string(a.decision), a.reason,         a.outcome,
                           a.certificate, a.decided_by, a.decided_at,          a.override_reason};
    for (int c = 0; c < 9; ++c) put(ap, ar, c, cells[c]);
    for (const auto& [item, value] : a.basis) {
      put(basis, br, 0, std::to_string(ar));
      put(basis, br, 1, item);
      put(basis, br++, 2, value);
    }
    ++ar;
  }
  worksheet_hide(basis);

  // Metadata: which template, product and organisations.
  lxw_worksheet* meta = workbook_add_worksheet(wb, "_tom");
  int mr = 0;
  auto kv = [&](const std::string& k, const std::string& v) {
    put(meta, mr, 0, k);
    put(meta, mr++, 1, v);
  };
  kv("template", t.id);
  kv("template_version", t.version);
  kv("product", b.assessment.product);
  kv("product_version", b.assessment.product_version);
  kv("title", b.assessment.title);
  kv("custodian", b.assessment.custodian);
  for (const auto& [party, o] : b.participants) {
    put(meta, mr, 0, "party:" + party);
    put(meta, mr, 1, o.name);
    put(meta, mr, 2, o.ods_code);
    put(meta, mr++, 3, o.type);
  }
  worksheet_hide(meta);

  lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) {
    std::remove(tmp.c_str());
    return Error::internal(std::string("writing the workbook failed: ") + lxw_strerror(err));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Error::invalid("cannot write " + path);
  }
  return ok_status();
}

std::string assessment_csv(const Template& t, const domain::AssessmentBundle& b) {
  auto q = [](const std::string& s) { return csv_field(s); };
  std::string out = "section,item,party,obligation,value,note,reference,author,updated_at\r\n";
  for (const auto& s : t.sections)
    for (const auto& i : s.items) {
      if (!i.answerable()) continue;
      auto a = b.answers.find(i.id);
      const Answer empty;
      const Answer& x = a == b.answers.end() ? empty : a->second;
      out += q(s.id) + "," + q(i.id) + "," + q(i.party) + "," + q(to_string(i.obligation)) + "," +
             q(x.value) + "," + q(x.note) + "," + q(x.reference) + "," + q(x.author) + "," + q(x.updated_at) +
             "\r\n";
    }
  return out;
}

}  // namespace tom::io::xlsx_export
