#include "app/views.hpp"

#include <algorithm>

#include "core/clock.hpp"
#include "core/text.hpp"
#include "store/records.hpp"
#include "store/store.hpp"

namespace tom::app {

namespace json = boost::json;
using namespace tom::domain;

namespace {
json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}
}  // namespace

json::object organisation_json(const Organisation& o) {
  return {{"id", o.id}, {"name", o.name}, {"ods_code", o.ods_code}, {"type", o.type}};
}

json::object assessment_json(const Assessment& a) {
  json::array parts;
  for (const auto& p : a.participants)
    parts.push_back(json::object{{"party", p.party}, {"organisation_id", p.organisation_id}});
  return {{"id", a.id},
          {"template", a.template_id},
          {"template_version", a.template_version},
          {"product", a.product},
          {"product_version", a.product_version},
          {"title", a.title},
          {"custodian", a.custodian},
          {"derived_from", a.derived_from},
          {"participants", std::move(parts)},
          {"created_at", a.created_at},
          {"created_by", a.created_by}};
}

json::object answer_json(const Answer& a) {
  return {{"item", a.item_id},        {"value", a.value},   {"note", a.note},
          {"reference", a.reference}, {"author", a.author}, {"updated_at", a.updated_at},
          {"version", a.version}};
}

json::object finding_json(const Finding& f) {
  // The audit trail's record of a finding, with the id the API addresses it by.
  json::object o = store::finding_payload(f);
  o["id"] = f.id;
  return o;
}

json::object approval_json(const Approval& a) {
  return {{"id", a.id},
          {"phase", a.phase},
          {"area", a.area},
          {"decision", to_string(a.decision)},
          {"reason", a.reason},
          {"outcome", a.outcome},
          {"certificate", a.certificate},
          {"decided_by", a.decided_by},
          {"decided_at", a.decided_at},
          {"override_reason", a.override_reason}};
}

json::array changes_json(const std::vector<ChangeSinceApproval>& changes) {
  json::array out;
  for (const auto& c : changes)
    out.push_back(json::object{{"item", c.item_id}, {"before", c.before}, {"after", c.after}});
  return out;
}

std::vector<FindingView> merge_findings(const CheckReport& r, const std::string& today) {
  std::vector<FindingView> out;
  std::map<std::string, const Finding*> stored;
  for (const auto& f : r.stored_findings) stored[f.key] = &f;
  auto status_of = [&](const Finding& f) -> std::string {
    if (f.status == FindingStatus::kAccepted && !f.expires_on.empty() && f.expires_on < today)
      return "lapsed";
    return to_string(f.status);
  };
  std::set<std::string> seen;
  for (const auto& rf : r.evaluation.findings) {
    FindingView v;
    v.key = rf.key();
    v.kind = to_string(rf.spec.kind);
    v.item_id = rf.item_id;
    v.title = rf.spec.title;
    v.explanation = rf.explanation;
    v.role = rf.spec.role;
    v.party = rf.spec.party;
    v.from_rules = true;
    v.status = "open";
    auto it = stored.find(v.key);
    if (it != stored.end()) {
      v.stored = it->second;
      v.status = status_of(*it->second);
    }
    seen.insert(v.key);
    out.push_back(std::move(v));
  }
  // People's findings, and stored rule findings whose condition no longer holds are left out unless manual.
  for (const auto& f : r.stored_findings) {
    if (seen.count(f.key) || f.key.rfind("rule:", 0) == 0) continue;
    FindingView v;
    v.key = f.key;
    v.kind = f.kind;
    v.item_id = f.item_id;
    v.title = f.title;
    v.explanation = f.detail;
    v.role = f.role;
    v.party = f.party;
    v.status = status_of(f);
    v.stored = &f;
    out.push_back(std::move(v));
  }
  return out;
}

Finding finding_to_store(const FindingView& v, int64_t assessment_id) {
  if (v.stored) return *v.stored;
  Finding f;
  f.assessment_id = assessment_id;
  f.key = v.key;
  f.kind = v.kind;
  f.item_id = v.item_id;
  f.title = v.title;
  f.detail = v.explanation;
  f.role = v.role;
  f.party = v.party;
  return f;
}

Finding finding_from_rule(const rules::RaisedFinding& rf, int64_t assessment_id) {
  Finding f;
  f.assessment_id = assessment_id;
  f.key = rf.key();
  f.kind = to_string(rf.spec.kind);
  f.item_id = rf.item_id;
  f.title = rf.spec.title;
  f.detail = rf.explanation;
  f.role = rf.spec.role;
  f.party = rf.spec.party;
  return f;
}

json::object finding_view_json(const FindingView& f) {
  json::object o{{"key", f.key},
                 {"kind", f.kind},
                 {"item", f.item_id},
                 {"title", f.title},
                 {"explanation", f.explanation},
                 {"role", f.role},
                 {"party", f.party},
                 {"status", f.status},
                 {"source", f.from_rules ? "rules" : "person"}};
  if (f.stored) o["finding"] = finding_json(*f.stored);
  return o;
}

json::object check_json(const CheckReport& r, const std::string& today) {
  const Template& t = *r.loaded.tmpl;
  json::array missing;
  for (const auto& m : r.completeness.missing) {
    const Item* item = t.find_item(m.item_id);
    missing.push_back(json::object{{"item", m.item_id},
                                   {"section", m.section_id},
                                   {"party", m.party},
                                   {"phases", strings(m.phases)},
                                   {"reason", m.reason},
                                   {"text", item ? item->text : ""}});
  }
  json::array sections;
  for (const auto& s : r.completeness.sections)
    sections.push_back(json::object{
        {"section", s.section_id}, {"title", s.title}, {"required", s.required}, {"answered", s.answered}});
  json::array derived;
  for (const auto& d : r.evaluation.derived) {
    json::array reads;
    for (const auto& rd : d.reads)
      reads.push_back(
          json::object{{"ref", rd.ref},
                       {"value", rd.value.is_null() ? json::value(nullptr) : json::value(rd.value.plain())}});
    derived.push_back(
        json::object{{"rule", d.rule_id},
                     {"name", d.name},
                     {"description", d.description},
                     {"value", d.value.is_null() ? json::value(nullptr) : json::value(d.value.plain())},
                     {"explanation", d.explanation},
                     {"reads", std::move(reads)}});
  }
  json::array findings;
  for (const auto& f : merge_findings(r, today)) findings.push_back(finding_view_json(f));
  json::array out_of_scope =
      strings(std::vector<std::string>(r.evaluation.out_of_scope.begin(), r.evaluation.out_of_scope.end()));
  return {{"assessment", r.assessment.id},
          {"template", t.ref()},
          {"phase", r.filter.phase.empty() ? json::value(nullptr) : json::value(r.filter.phase)},
          {"party", r.filter.party.empty() ? json::value(nullptr) : json::value(r.filter.party)},
          {"complete", r.completeness.complete()},
          {"required", r.completeness.required},
          {"answered", r.completeness.answered},
          {"missing", std::move(missing)},
          {"sections", std::move(sections)},
          {"results", std::move(derived)},
          {"findings", std::move(findings)},
          {"out_of_scope", std::move(out_of_scope)},
          {"errors", strings(r.evaluation.errors)}};
}

json::object diff_json(const TemplateDiff& d) {
  json::array changed;
  for (const auto& c : d.changed)
    changed.push_back(json::object{{"item", c.item_id}, {"fields", strings(c.fields)}});
  return {{"added", strings(d.added)},
          {"removed", strings(d.removed)},
          {"changed", std::move(changed)},
          {"unchanged", d.unchanged.size()}};
}

json::object audit_event_json(const domain::AuditEvent& e) {
  auto parse = [](const std::string& s) -> json::value {
    if (s.empty()) return nullptr;
    boost::system::error_code ec;
    auto v = json::parse(s, ec);
    return ec ? json::value(s) : v;
  };
  return {{"seq", e.seq},       {"at", e.at},          {"actor", e.actor},          {"action", e.action},
          {"entity", e.entity}, {"key", e.entity_key}, {"before", parse(e.before)}, {"after", parse(e.after)},
          {"hash", e.hash}};
}

}  // namespace tom::app

namespace tom::app {

Result<Page<FindingView>> page_findings(const std::vector<FindingView>& all, const std::string& status,
                                        const ListQuery& q) {
  if (!status.empty() && status != "open" && status != "accepted" && status != "resolved" &&
      status != "lapsed")
    return Error::invalid(
        "the status must be open, accepted, resolved or lapsed, not '" + status.substr(0, 40) + "'",
        {Problem{{"", "", 0, "status", ""}, "is not a finding's status"}});
  std::vector<std::string> words = search_words(lower_ascii(q.text));
  std::vector<const FindingView*> match;
  for (const auto& f : all) {
    if (!status.empty() && f.status != status) continue;
    std::string hay = lower_ascii(f.title + " " + f.item_id + " " + f.key);
    bool every = true;
    for (const auto& w : words) every = every && hay.find(w) != std::string::npos;
    if (every) match.push_back(&f);
  }
  int64_t limit = std::clamp<int64_t>(q.limit, 1, 500);
  int64_t n = static_cast<int64_t>(match.size());
  auto cursor_at = [&](int64_t i) { return "f." + std::to_string(i) + "." + match[i]->key; };
  // Where the page starts: after the cursor's finding, or (backward) a page before it.
  int64_t from = 0;
  if (!q.cursor.empty()) {
    auto bad = [&] {
      return Error::invalid(
          "the page cursor '" + q.cursor.substr(0, 40) +
              "' is not one this register gave, or its finding has gone: start again from the "
              "first page",
          {Problem{{"", "", 0, "cursor", ""}, "is not one this register gave"}});
    };
    size_t dot = q.cursor.find('.', 2);
    if (q.cursor.size() < 4 || q.cursor.compare(0, 2, "f.") != 0 || dot == std::string::npos || dot == 2 ||
        dot > 12 || q.cursor.find_first_not_of("0123456789", 2) != dot)
      return bad();
    int64_t at = std::stoll(q.cursor.substr(2, dot - 2));
    std::string key = q.cursor.substr(dot + 1);
    // The position first (the register as it was), then anywhere (findings were added or went before it).
    if (at >= n || match[at]->key != key) {
      at = -1;
      for (int64_t i = 0; i < n; ++i)
        if (match[i]->key == key) at = i;
      if (at < 0) return bad();
    }
    // Backward: the page before the cursor's finding; near the start, the first page whole.
    from = q.backward ? std::max<int64_t>(0, at - limit) : at + 1;
  }
  int64_t to = std::min(n, from + limit);
  Page<FindingView> page;
  page.total = n;
  for (int64_t i = from; i < to; ++i) page.items.push_back(*match[i]);
  if (to < n && to > from) page.next_cursor = cursor_at(to - 1);
  if (from > 0 && to > from) page.prev_cursor = cursor_at(from);
  return page;
}

}  // namespace tom::app
