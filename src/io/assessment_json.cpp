#include "io/assessment_json.hpp"

#include <set>

#include "core/text.hpp"

namespace tom::io {

namespace json = boost::json;
using namespace tom::domain;

json::object assessment_bundle_to_json(const domain::AssessmentBundle& b) {
  const Assessment& a = b.assessment;
  json::array parts;
  for (const auto& [party, o] : b.participants)
    parts.push_back(json::object{
        {"party", party},
        {"organisation", json::object{{"name", o.name}, {"ods_code", o.ods_code}, {"type", o.type}}}});
  json::array answers;
  for (const auto& [_, x] : b.answers)
    answers.push_back(json::object{{"item", x.item_id},
                                   {"value", x.value},
                                   {"note", x.note},
                                   {"reference", x.reference},
                                   {"author", x.author},
                                   {"updated_at", x.updated_at},
                                   {"version", x.version}});
  json::array findings;
  for (const auto& f : b.findings)
    findings.push_back(json::object{{"key", f.key},
                                    {"kind", f.kind},
                                    {"item", f.item_id},
                                    {"title", f.title},
                                    {"detail", f.detail},
                                    {"role", f.role},
                                    {"party", f.party},
                                    {"owner", f.owner},
                                    {"mitigation", f.mitigation},
                                    {"status", to_string(f.status)},
                                    {"accepted_by", f.accepted_by},
                                    {"accepted_role", f.accepted_role},
                                    {"accepted_at", f.accepted_at},
                                    {"expires_on", f.expires_on},
                                    {"created_at", f.created_at}});
  json::array approvals;
  for (const auto& p : b.approvals) {
    json::object basis;
    for (const auto& [item, value] : p.basis) basis[item] = value;
    approvals.push_back(json::object{{"phase", p.phase},
                                     {"area", p.area},
                                     {"decision", to_string(p.decision)},
                                     {"reason", p.reason},
                                     {"outcome", p.outcome},
                                     {"certificate", p.certificate},
                                     {"decided_by", p.decided_by},
                                     {"decided_at", p.decided_at},
                                     {"override_reason", p.override_reason},
                                     {"basis", std::move(basis)}});
  }
  return {{"format", "tom-assessment/1"},
          {"assessment", json::object{{"id", a.id},
                                      {"template", a.template_id},
                                      {"template_version", a.template_version},
                                      {"product", a.product},
                                      {"product_version", a.product_version},
                                      {"title", a.title},
                                      {"custodian", a.custodian},
                                      {"created_at", a.created_at},
                                      {"created_by", a.created_by}}},
          {"participants", std::move(parts)},
          {"answers", std::move(answers)},
          {"findings", std::move(findings)},
          {"approvals", std::move(approvals)}};
}

namespace {

class Doc {
 public:
  explicit Doc(std::string file) : file_(std::move(file)) {}
  std::vector<Problem> problems;

  void bad(const std::string& field, const std::string& msg) {
    Problem p;
    p.where.file = file_;
    p.where.field = field;
    p.message = msg;
    problems.push_back(std::move(p));
  }
  std::string str(const json::object& o, const char* key, const std::string& where, bool required = false) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) {
      if (required) bad(where + "." + key, "is required");
      return "";
    }
    if (!it->value().is_string()) {
      bad(where + "." + key, "must be a string");
      return "";
    }
    // The parser refuses invalid UTF-8; a \u0000 escape still makes a NUL byte.
    if (auto why = text_problem(it->value().as_string()); !why.empty()) {
      bad(where + "." + key, why);
      return "";
    }
    return std::string(it->value().as_string());
  }
  const json::array* arr(const json::object& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return nullptr;
    if (!it->value().is_array()) {
      bad(key, "must be an array");
      return nullptr;
    }
    return &it->value().as_array();
  }
  const json::object* obj(const json::value& v, const std::string& where) {
    if (!v.is_object()) {
      bad(where, "must be an object");
      return nullptr;
    }
    return &v.as_object();
  }
  void only(const json::object& o, std::initializer_list<const char*> keys, const std::string& where) {
    for (const auto& kv : o) {
      bool ok = false;
      for (const char* k : keys) ok = ok || kv.key() == k;
      if (!ok) bad(where + "." + std::string(kv.key()), "unknown field");
    }
  }

 private:
  std::string file_;
};

}  // namespace

Result<domain::AssessmentBundle> assessment_bundle_from_json(std::string_view text, const std::string& file) {
  boost::system::error_code ec;
  json::parse_options opts;
  opts.max_depth = 32;
  json::value v = json::parse(text, ec, {}, opts);
  if (ec) return Error::invalid(file + ": not valid JSON: " + ec.message());
  Doc d(file);
  const json::object* root = d.obj(v, "(document)");
  if (!root) return Error::invalid("the assessment file is not valid", std::move(d.problems));
  if (d.str(*root, "format", "", true) != "tom-assessment/1") d.bad("format", "must be \"tom-assessment/1\"");
  d.only(*root, {"format", "assessment", "participants", "answers", "findings", "approvals"}, "");
  domain::AssessmentBundle b;
  auto ait = root->find("assessment");
  if (ait == root->end()) {
    d.bad("assessment", "is required");
  } else if (const json::object* a = d.obj(ait->value(), "assessment")) {
    b.assessment.template_id = d.str(*a, "template", "assessment", true);
    b.assessment.template_version = d.str(*a, "template_version", "assessment", true);
    b.assessment.product = d.str(*a, "product", "assessment", true);
    b.assessment.product_version = d.str(*a, "product_version", "assessment");
    b.assessment.title = d.str(*a, "title", "assessment");
    b.assessment.custodian = d.str(*a, "custodian", "assessment");
  }
  if (auto* parts = d.arr(*root, "participants")) {
    for (size_t i = 0; i < parts->size(); ++i) {
      std::string where = "participants[" + std::to_string(i) + "]";
      const json::object* p = d.obj((*parts)[i], where);
      if (!p) continue;
      Organisation o;
      std::string party = d.str(*p, "party", where, true);
      auto oit = p->find("organisation");
      if (oit == p->end()) {
        d.bad(where + ".organisation", "is required");
        continue;
      }
      if (const json::object* oo = d.obj(oit->value(), where + ".organisation")) {
        o.name = d.str(*oo, "name", where + ".organisation", true);
        o.ods_code = d.str(*oo, "ods_code", where + ".organisation");
        o.type = d.str(*oo, "type", where + ".organisation");
      }
      b.participants.emplace_back(party, o);
    }
  }
  if (auto* answers = d.arr(*root, "answers")) {
    for (size_t i = 0; i < answers->size(); ++i) {
      std::string where = "answers[" + std::to_string(i) + "]";
      const json::object* x = d.obj((*answers)[i], where);
      if (!x) continue;
      d.only(*x, {"item", "value", "note", "reference", "author", "updated_at", "version"}, where);
      Answer ans;
      ans.item_id = d.str(*x, "item", where, true);
      ans.value = d.str(*x, "value", where);
      ans.note = d.str(*x, "note", where);
      ans.reference = d.str(*x, "reference", where);
      ans.author = d.str(*x, "author", where);
      ans.updated_at = d.str(*x, "updated_at", where);
      if (b.answers.count(ans.item_id)) d.bad(where + ".item", "item " + ans.item_id + " is answered twice");
      b.answers[ans.item_id] = ans;
    }
  }
  if (auto* findings = d.arr(*root, "findings")) {
    for (size_t i = 0; i < findings->size(); ++i) {
      std::string where = "findings[" + std::to_string(i) + "]";
      const json::object* x = d.obj((*findings)[i], where);
      if (!x) continue;
      Finding f;
      f.key = d.str(*x, "key", where, true);
      f.kind = d.str(*x, "kind", where, true);
      f.item_id = d.str(*x, "item", where);
      f.title = d.str(*x, "title", where, true);
      f.detail = d.str(*x, "detail", where);
      f.role = d.str(*x, "role", where);
      f.party = d.str(*x, "party", where);
      f.owner = d.str(*x, "owner", where);
      f.mitigation = d.str(*x, "mitigation", where);
      std::string status = d.str(*x, "status", where);
      auto st = finding_status_from(status.empty() ? "open" : status);
      if (!st) d.bad(where + ".status", "must be open, accepted or resolved");
      f.status = st.value_or(FindingStatus::kOpen);
      f.accepted_by = d.str(*x, "accepted_by", where);
      f.accepted_role = d.str(*x, "accepted_role", where);
      f.accepted_at = d.str(*x, "accepted_at", where);
      f.expires_on = d.str(*x, "expires_on", where);
      f.created_at = d.str(*x, "created_at", where);
      b.findings.push_back(std::move(f));
    }
  }
  if (auto* approvals = d.arr(*root, "approvals")) {
    for (size_t i = 0; i < approvals->size(); ++i) {
      std::string where = "approvals[" + std::to_string(i) + "]";
      const json::object* x = d.obj((*approvals)[i], where);
      if (!x) continue;
      Approval a;
      a.phase = d.str(*x, "phase", where, true);
      a.area = d.str(*x, "area", where);
      auto dec = decision_from(d.str(*x, "decision", where, true));
      if (!dec) d.bad(where + ".decision", "must be approved or rejected");
      a.decision = dec.value_or(Decision::kRejected);
      a.reason = d.str(*x, "reason", where);
      a.outcome = d.str(*x, "outcome", where);
      a.certificate = d.str(*x, "certificate", where);
      a.decided_by = d.str(*x, "decided_by", where);
      a.decided_at = d.str(*x, "decided_at", where);
      a.override_reason = d.str(*x, "override_reason", where);
      if (auto it = x->find("basis"); it != x->end() && !it->value().is_null()) {
        if (!it->value().is_object())
          d.bad(where + ".basis", "must be an object of item ids and values");
        else
          for (const auto& kv : it->value().as_object()) {
            if (kv.value().is_string())
              a.basis[std::string(kv.key())] = std::string(kv.value().as_string());
            else
              d.bad(where + ".basis." + std::string(kv.key()), "must be a string");
          }
      }
      b.approvals.push_back(std::move(a));
    }
  }
  if (!d.problems.empty())
    return Error::invalid("the assessment file " + file + " is not valid", std::move(d.problems));
  return b;
}

}  // namespace tom::io
