#include "io/template_json.hpp"

namespace tom::io {

using namespace tom::domain;
namespace json = boost::json;

namespace {

json::array str_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

// Tolerant readers: a missing field reads as empty; a field of the wrong type is an error.
struct JsonReader {
  std::vector<Problem> problems;
  void bad(const std::string& where, const std::string& msg) {
    Problem p;
    p.where.field = where;
    p.message = msg;
    problems.push_back(p);
  }
  std::string str(const json::object& o, const char* key, const std::string& where) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return "";
    if (!it->value().is_string()) {
      bad(where + "." + key, "must be a string");
      return "";
    }
    return std::string(it->value().as_string());
  }
  bool boolean(const json::object& o, const char* key) {
    auto it = o.find(key);
    return it != o.end() && it->value().is_bool() && it->value().as_bool();
  }
  std::vector<std::string> strs(const json::object& o, const char* key, const std::string& where) {
    std::vector<std::string> out;
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return out;
    if (!it->value().is_array()) {
      bad(where + "." + key, "must be an array");
      return out;
    }
    for (const auto& e : it->value().as_array()) {
      if (e.is_string())
        out.emplace_back(e.as_string());
      else
        bad(where + "." + key, "members must be strings");
    }
    return out;
  }
  const json::array* arr(const json::object& o, const char* key, const std::string& where) {
    auto it = o.find(key);
    if (it == o.end() || it->value().is_null()) return nullptr;
    if (!it->value().is_array()) {
      bad(where + "." + key, "must be an array");
      return nullptr;
    }
    return &it->value().as_array();
  }
};

}  // namespace

json::object template_to_json(const Template& t) {
  json::object o;
  o["format"] = t.format;
  o["id"] = t.id;
  o["family"] = t.family;
  o["name"] = t.name;
  o["version"] = t.version;
  o["description"] = t.description;
  o["source"] = t.source;
  json::array parties;
  for (const auto& p : t.parties)
    parties.push_back(json::object{{"id", p.id}, {"name", p.name}, {"role", to_string(p.role)}});
  o["parties"] = std::move(parties);
  o["custody"] = str_array(t.custody);
  json::array phases;
  for (const auto& p : t.phases) {
    json::object po{{"id", p.id},
                    {"name", p.name},
                    {"approver", p.approver},
                    {"areas", str_array(p.areas)},
                    {"certificate", p.certificate},
                    {"accepts_risks", p.accepts_risks},
                    {"concurrent_with", str_array(p.concurrent_with)}};
    // Only when not the default, so the canonical form of templates stored before the option is unchanged.
    if (!p.reopen_on_change) po["on_change"] = "flag";
    phases.push_back(std::move(po));
  }
  o["phases"] = std::move(phases);
  json::object vocabs;
  for (const auto& [id, v] : t.vocabularies)
    vocabs[id] = json::object{{"values", str_array(v.values)}, {"note_required", str_array(v.note_required)}};
  o["vocabularies"] = std::move(vocabs);
  json::array sections;
  for (const auto& s : t.sections) {
    json::array items;
    for (const auto& i : s.items) {
      json::object io{{"id", i.id},
                      {"kind", to_string(i.kind)},
                      {"text", i.text},
                      {"guidance", i.guidance},
                      {"group", i.group},
                      {"party", i.party},
                      {"answer", to_string(i.answer)},
                      {"obligation", to_string(i.obligation)},
                      {"phases", str_array(i.phases)},
                      {"optional", i.optional},
                      {"applies_when", i.applies_when}};
      io["vocabulary"] = i.choices;
      const Vocabulary* v = t.vocabulary_of(i);
      io["choices"] = v ? str_array(v->values) : json::array{};
      items.push_back(std::move(io));
    }
    sections.push_back(json::object{{"id", s.id},
                                    {"title", s.title},
                                    {"kind", to_string(s.kind)},
                                    {"parties", str_array(s.parties)},
                                    {"phases", str_array(s.phases)},
                                    {"description", s.description},
                                    {"items", std::move(items)}});
  }
  o["sections"] = std::move(sections);
  json::array rules;
  for (const auto& r : t.rules) {
    json::object ro{{"id", r.id}, {"description", r.description}};
    if (r.is_derive()) {
      ro["derive"] = r.derive;
      ro["value"] = r.value;
    } else {
      ro["when"] = r.when;
    }
    if (r.each) {
      json::object e;
      if (!r.each->section.empty()) e["section"] = r.each->section;
      if (r.each->section_kind) e["section_kind"] = to_string(*r.each->section_kind);
      if (r.each->kind) e["kind"] = to_string(*r.each->kind);
      if (r.each->obligation) e["obligation"] = to_string(*r.each->obligation);
      if (!r.each->party.empty()) e["party"] = r.each->party;
      ro["each"] = std::move(e);
    }
    if (r.finding) {
      ro["finding"] = json::object{{"kind", to_string(r.finding->kind)},
                                   {"title", r.finding->title},
                                   {"role", r.finding->role},
                                   {"party", r.finding->party}};
    }
    rules.push_back(std::move(ro));
  }
  o["rules"] = std::move(rules);
  json::array gate;
  for (const auto& g : t.gate)
    gate.push_back(json::object{{"item", g.item}, {"accept", str_array(g.accept)}, {"label", g.label}});
  o["gate"] = std::move(gate);
  return o;
}

Result<Template> template_from_json(const json::value& v) {
  if (!v.is_object()) return Error::invalid("a template must be a JSON object");
  const json::object& o = v.as_object();
  JsonReader r;
  Template t;
  auto it = o.find("format");
  t.format = (it != o.end() && it->value().is_int64()) ? static_cast<int>(it->value().as_int64()) : 1;
  t.id = r.str(o, "id", "template");
  t.family = r.str(o, "family", "template");
  t.name = r.str(o, "name", "template");
  t.version = r.str(o, "version", "template");
  t.description = r.str(o, "description", "template");
  t.source = r.str(o, "source", "template");
  t.custody = r.strs(o, "custody", "template");
  if (auto* a = r.arr(o, "parties", "template")) {
    for (const auto& e : *a) {
      if (!e.is_object()) continue;
      Party p;
      p.id = r.str(e.as_object(), "id", "party");
      p.name = r.str(e.as_object(), "name", "party");
      p.role = party_role_from(r.str(e.as_object(), "role", "party")).value_or(PartyRole::kEndUser);
      t.parties.push_back(p);
    }
  }
  if (auto* a = r.arr(o, "phases", "template")) {
    for (const auto& e : *a) {
      if (!e.is_object()) continue;
      const auto& po = e.as_object();
      Phase p;
      p.id = r.str(po, "id", "phase");
      p.name = r.str(po, "name", "phase");
      p.approver = r.str(po, "approver", "phase");
      p.areas = r.strs(po, "areas", "phase");
      p.certificate = r.boolean(po, "certificate");
      p.accepts_risks = r.boolean(po, "accepts_risks");
      p.reopen_on_change = r.str(po, "on_change", "phase") != "flag";
      p.concurrent_with = r.strs(po, "concurrent_with", "phase");
      t.phases.push_back(p);
    }
  }
  auto vit = o.find("vocabularies");
  if (vit != o.end() && vit->value().is_object()) {
    for (const auto& kv : vit->value().as_object()) {
      Vocabulary voc;
      voc.id = std::string(kv.key());
      if (kv.value().is_object()) {
        voc.values = r.strs(kv.value().as_object(), "values", "vocabulary");
        voc.note_required = r.strs(kv.value().as_object(), "note_required", "vocabulary");
      }
      t.vocabularies[voc.id] = voc;
    }
  }
  if (auto* a = r.arr(o, "sections", "template")) {
    for (const auto& e : *a) {
      if (!e.is_object()) continue;
      const auto& so = e.as_object();
      Section s;
      s.id = r.str(so, "id", "section");
      s.title = r.str(so, "title", "section");
      s.kind = section_kind_from(r.str(so, "kind", "section")).value_or(SectionKind::kOther);
      s.parties = r.strs(so, "parties", "section");
      s.phases = r.strs(so, "phases", "section");
      s.description = r.str(so, "description", "section");
      if (auto* items = r.arr(so, "items", "section")) {
        for (const auto& ie : *items) {
          if (!ie.is_object()) continue;
          const auto& io = ie.as_object();
          Item i;
          i.id = r.str(io, "id", "item");
          i.kind = item_kind_from(r.str(io, "kind", "item")).value_or(ItemKind::kAction);
          i.text = r.str(io, "text", "item");
          i.guidance = r.str(io, "guidance", "item");
          i.group = r.str(io, "group", "item");
          i.party = r.str(io, "party", "item");
          i.choices = r.str(io, "vocabulary", "item");
          std::string answer = r.str(io, "answer", "item");
          if (answer == "choice")
            i.answer = AnswerType::kChoice;
          else if (answer == "none")
            i.answer = AnswerType::kNone;
          else
            i.answer = answer_type_from(answer).value_or(AnswerType::kText);
          i.obligation = obligation_from(r.str(io, "obligation", "item")).value_or(Obligation::kNone);
          i.phases = r.strs(io, "phases", "item");
          i.optional = r.boolean(io, "optional");
          i.applies_when = r.str(io, "applies_when", "item");
          s.items.push_back(std::move(i));
        }
      }
      t.sections.push_back(std::move(s));
    }
  }
  if (auto* a = r.arr(o, "rules", "template")) {
    for (const auto& e : *a) {
      if (!e.is_object()) continue;
      const auto& ro = e.as_object();
      Rule rule;
      rule.id = r.str(ro, "id", "rule");
      rule.description = r.str(ro, "description", "rule");
      rule.derive = r.str(ro, "derive", "rule");
      rule.value = r.str(ro, "value", "rule");
      rule.when = r.str(ro, "when", "rule");
      auto each = ro.find("each");
      if (each != ro.end() && each->value().is_object()) {
        const auto& eo = each->value().as_object();
        ItemSelector sel;
        sel.section = r.str(eo, "section", "each");
        sel.party = r.str(eo, "party", "each");
        std::string sk = r.str(eo, "section_kind", "each");
        if (!sk.empty()) sel.section_kind = section_kind_from(sk);
        std::string k = r.str(eo, "kind", "each");
        if (!k.empty()) sel.kind = item_kind_from(k);
        std::string ob = r.str(eo, "obligation", "each");
        if (!ob.empty()) sel.obligation = obligation_from(ob);
        rule.each = sel;
      }
      auto f = ro.find("finding");
      if (f != ro.end() && f->value().is_object()) {
        const auto& fo = f->value().as_object();
        FindingSpec spec;
        spec.kind = finding_kind_from(r.str(fo, "kind", "finding")).value_or(FindingKind::kReview);
        spec.title = r.str(fo, "title", "finding");
        spec.role = r.str(fo, "role", "finding");
        spec.party = r.str(fo, "party", "finding");
        rule.finding = spec;
      }
      t.rules.push_back(std::move(rule));
    }
  }
  if (auto* a = r.arr(o, "gate", "template")) {
    for (const auto& e : *a) {
      if (!e.is_object()) continue;
      const auto& go = e.as_object();
      t.gate.push_back({r.str(go, "item", "gate"), r.strs(go, "accept", "gate"), r.str(go, "label", "gate")});
    }
  }
  if (!r.problems.empty()) return Error::invalid("the template JSON is not valid", std::move(r.problems));
  return t;
}

}  // namespace tom::io
