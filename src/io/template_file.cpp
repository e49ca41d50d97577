#include "io/template_file.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "domain/template_validation.hpp"
#include "rules/engine.hpp"

namespace tom::io {

using namespace tom::domain;

namespace {

constexpr size_t kMaxNodesVisited = 2'000'000;  // bounds work on alias-heavy files

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  std::vector<Problem>& problems() { return problems_; }

  void add(const YAML::Node& at, const std::string& item, const std::string& field, const std::string& msg) {
    Problem p;
    p.where.file = file_;
    p.where.line = at.IsDefined() ? at.Mark().line + 1 : 0;
    p.where.item = item;
    p.where.field = field;
    p.message = msg;
    problems_.push_back(std::move(p));
  }

  bool budget() {
    if (++visited_ > kMaxNodesVisited) {
      if (!over_budget_) {
        Problem p;
        p.where.file = file_;
        p.message = "the file is too complex (too many nodes, perhaps through aliases)";
        problems_.push_back(p);
      }
      over_budget_ = true;
      return false;
    }
    return true;
  }

  void check_keys(const YAML::Node& map, std::initializer_list<const char*> allowed,
                  const std::string& item) {
    if (!map.IsMap()) return;
    for (const auto& kv : map) {
      if (!budget()) return;
      std::string key = kv.first.Scalar();
      bool ok = false;
      for (const char* a : allowed) ok = ok || key == a;
      if (!ok) add(kv.first, item, key, "unknown field '" + key + "'");
    }
  }

  std::string str(const YAML::Node& map, const char* key, bool required, const std::string& item) {
    YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull()) {
      if (required) add(map, item, key, "is required");
      return "";
    }
    if (!n.IsScalar()) {
      add(n, item, key, "must be text");
      return "";
    }
    return n.Scalar();
  }

  std::vector<std::string> strs(const YAML::Node& map, const char* key, const std::string& item) {
    std::vector<std::string> out;
    YAML::Node n = map[key];
    if (!n.IsDefined() || n.IsNull()) return out;
    if (n.IsScalar()) return {n.Scalar()};
    if (!n.IsSequence()) {
      add(n, item, key, "must be a list");
      return out;
    }
    for (const auto& e : n) {
      if (!budget()) break;
      if (!e.IsScalar()) {
        add(e, item, key, "list members must be text");
        continue;
      }
      out.push_back(e.Scalar());
    }
    return out;
  }

  bool boolean(const YAML::Node& map, const char* key, const std::string& item) {
    std::string s = str(map, key, false, item);
    if (s.empty() || s == "false" || s == "no") return false;
    if (s == "true" || s == "yes") return true;
    add(map[key], item, key, "must be true or false");
    return false;
  }

 private:
  std::string file_;
  std::vector<Problem> problems_;
  size_t visited_ = 0;
  bool over_budget_ = false;
};

Party read_party(YamlReader& r, const YAML::Node& n) {
  Party p;
  r.check_keys(n, {"id", "name", "role"}, "");
  p.id = r.str(n, "id", true, "");
  p.name = r.str(n, "name", true, p.id);
  std::string role = r.str(n, "role", true, p.id);
  if (auto pr = party_role_from(role))
    p.role = *pr;
  else if (!role.empty())
    r.add(
        n["role"], p.id, "role",
        "unknown role '" + role + "' (provider-supplier, client-supplier, end-user, commissioner, central)");
  return p;
}

Phase read_phase(YamlReader& r, const YAML::Node& n) {
  Phase ph;
  r.check_keys(
      n, {"id", "name", "approver", "areas", "certificate", "accepts_risks", "on_change", "concurrent_with"},
      "");
  ph.id = r.str(n, "id", true, "");
  ph.name = r.str(n, "name", true, ph.id);
  ph.approver = r.str(n, "approver", true, ph.id);
  ph.areas = r.strs(n, "areas", ph.id);
  ph.certificate = r.boolean(n, "certificate", ph.id);
  ph.accepts_risks = r.boolean(n, "accepts_risks", ph.id);
  std::string on_change = r.str(n, "on_change", false, ph.id);
  if (on_change == "flag")
    ph.reopen_on_change = false;
  else if (!on_change.empty() && on_change != "reopen")
    r.add(n["on_change"], ph.id, "on_change", "on_change must be reopen or flag, not '" + on_change + "'");
  ph.concurrent_with = r.strs(n, "concurrent_with", ph.id);
  return ph;
}

Vocabulary read_vocabulary(YamlReader& r, const std::string& id, const YAML::Node& n) {
  Vocabulary v;
  v.id = id;
  if (n.IsSequence()) {
    for (const auto& e : n) {
      if (!r.budget()) break;
      if (!e.IsScalar())
        r.add(e, id, "vocabularies", "values must be text");
      else
        v.values.push_back(e.Scalar());
    }
  } else if (n.IsMap()) {
    r.check_keys(n, {"values", "note_required"}, id);
    v.values = r.strs(n, "values", id);
    v.note_required = r.strs(n, "note_required", id);
    if (!n["values"].IsDefined()) r.add(n, id, "values", "is required");
  } else {
    r.add(n, id, "vocabularies", "a vocabulary is a list of values, or a map with 'values'");
  }
  return v;
}

Item read_item(YamlReader& r, const YAML::Node& n, const Section& s) {
  Item item;
  r.check_keys(n,
               {"id", "kind", "group", "text", "guidance", "party", "choices", "answer", "obligation",
                "phases", "optional", "applies_when"},
               "");
  item.source_line = n.Mark().line + 1;
  item.id = r.str(n, "id", true, "");
  std::string kind = r.str(n, "kind", true, item.id);
  if (auto k = item_kind_from(kind))
    item.kind = *k;
  else if (!kind.empty())
    r.add(n["kind"], item.id, "kind",
          "unknown kind '" + kind + "' (info, action, req, contact, choice, approval)");
  item.group = r.str(n, "group", false, item.id);
  item.text = r.str(n, "text", true, item.id);
  item.guidance = r.str(n, "guidance", false, item.id);
  item.party = r.str(n, "party", false, item.id);
  if (item.party.empty()) {
    if (s.parties.size() == 1)
      item.party = s.parties[0];
    else
      r.add(n, item.id, "party", "is required (the section has more than one party)");
  }
  item.choices = r.str(n, "choices", false, item.id);
  std::string answer = r.str(n, "answer", false, item.id);
  if (item.kind == ItemKind::kInfo) {
    item.answer = AnswerType::kNone;
    if (!answer.empty()) r.add(n["answer"], item.id, "answer", "an info item takes no answer");
  } else if (!item.choices.empty()) {
    item.answer = AnswerType::kChoice;
    if (!answer.empty()) r.add(n["answer"], item.id, "answer", "give either 'choices' or 'answer', not both");
  } else if (!answer.empty()) {
    if (auto a = answer_type_from(answer))
      item.answer = *a;
    else
      r.add(n["answer"], item.id, "answer",
            "unknown answer type '" + answer + "' (text, long-text, date, number)");
  } else {
    item.answer = AnswerType::kText;
  }
  std::string ob = r.str(n, "obligation", false, item.id);
  if (!ob.empty()) {
    if (auto o = obligation_from(ob))
      item.obligation = *o;
    else
      r.add(n["obligation"], item.id, "obligation", "unknown obligation '" + ob + "' (must, should, may)");
  }
  item.phases = r.strs(n, "phases", item.id);
  if (item.phases.empty()) item.phases = s.phases;
  item.optional = r.boolean(n, "optional", item.id);
  item.applies_when = r.str(n, "applies_when", false, item.id);
  return item;
}

Section read_section(YamlReader& r, const YAML::Node& n) {
  Section s;
  r.check_keys(n, {"id", "title", "kind", "parties", "phases", "description", "items"}, "");
  s.id = r.str(n, "id", true, "");
  s.title = r.str(n, "title", true, s.id);
  std::string kind = r.str(n, "kind", true, s.id);
  if (auto k = section_kind_from(kind))
    s.kind = *k;
  else if (!kind.empty())
    r.add(n["kind"], s.id, "kind", "unknown section kind '" + kind + "'");
  s.parties = r.strs(n, "parties", s.id);
  s.phases = r.strs(n, "phases", s.id);
  s.description = r.str(n, "description", false, s.id);
  YAML::Node items = n["items"];
  if (items.IsDefined() && !items.IsNull()) {
    if (!items.IsSequence()) {
      r.add(items, s.id, "items", "must be a list");
    } else {
      for (const auto& i : items) {
        if (!r.budget()) break;
        if (!i.IsMap()) {
          r.add(i, s.id, "items", "each item must be a map");
          continue;
        }
        s.items.push_back(read_item(r, i, s));
      }
    }
  }
  return s;
}

Rule read_rule(YamlReader& r, const YAML::Node& n) {
  Rule rule;
  r.check_keys(n, {"id", "description", "derive", "value", "when", "each", "finding"}, "");
  rule.source_line = n.Mark().line + 1;
  rule.id = r.str(n, "id", true, "");
  rule.description = r.str(n, "description", true, rule.id);
  rule.derive = r.str(n, "derive", false, rule.id);
  rule.value = r.str(n, "value", false, rule.id);
  rule.when = r.str(n, "when", false, rule.id);
  YAML::Node each = n["each"];
  if (each.IsDefined() && !each.IsNull()) {
    if (!each.IsMap()) {
      r.add(each, rule.id, "each", "must be a map of selectors");
    } else {
      r.check_keys(each, {"section", "section_kind", "kind", "obligation", "party"}, rule.id);
      ItemSelector sel;
      sel.section = r.str(each, "section", false, rule.id);
      sel.party = r.str(each, "party", false, rule.id);
      std::string sk = r.str(each, "section_kind", false, rule.id);
      if (!sk.empty()) {
        sel.section_kind = section_kind_from(sk);
        if (!sel.section_kind)
          r.add(each["section_kind"], rule.id, "each.section_kind", "unknown section kind '" + sk + "'");
      }
      std::string k = r.str(each, "kind", false, rule.id);
      if (!k.empty()) {
        sel.kind = item_kind_from(k);
        if (!sel.kind) r.add(each["kind"], rule.id, "each.kind", "unknown item kind '" + k + "'");
      }
      std::string o = r.str(each, "obligation", false, rule.id);
      if (!o.empty()) {
        sel.obligation = obligation_from(o);
        if (!sel.obligation)
          r.add(each["obligation"], rule.id, "each.obligation", "unknown obligation '" + o + "'");
      }
      rule.each = sel;
    }
  }
  YAML::Node f = n["finding"];
  if (f.IsDefined() && !f.IsNull()) {
    if (!f.IsMap()) {
      r.add(f, rule.id, "finding", "must be a map");
    } else {
      r.check_keys(f, {"kind", "title", "role", "party"}, rule.id);
      FindingSpec spec;
      std::string kind = r.str(f, "kind", true, rule.id);
      if (auto fk = finding_kind_from(kind))
        spec.kind = *fk;
      else if (!kind.empty())
        r.add(f["kind"], rule.id, "finding.kind",
              "unknown finding kind '" + kind + "' (non-compliance, risk, escalation, review)");
      spec.title = r.str(f, "title", true, rule.id);
      spec.role = r.str(f, "role", false, rule.id);
      spec.party = r.str(f, "party", false, rule.id);
      rule.finding = spec;
    }
  }
  return rule;
}

// Line numbers of items and rules, to put file:line on problems validate_template reports by id.
void locate(std::vector<Problem>& problems, const Template& t, const std::string& file) {
  for (auto& p : problems) {
    p.where.file = file;
    if (p.where.line == 0 && !p.where.item.empty()) {
      if (const Item* i = t.find_item(p.where.item)) p.where.line = i->source_line;
    }
  }
}

}  // namespace

Result<Template> parse_template_yaml(std::string_view text, const std::string& name) {
  if (text.size() > kMaxTemplateFileBytes)
    return Error::too_large(name + ": a template file may be at most " +
                            std::to_string(kMaxTemplateFileBytes / (1024 * 1024)) + " MiB");
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& e) {
    Problem p;
    p.where.file = name;
    p.where.line = e.mark.line + 1;
    p.message = "YAML syntax error: " + e.msg;
    return Error::invalid("the template file is not valid YAML", {p});
  } catch (const std::exception& e) {
    return Error::invalid(name + ": the template file could not be read: " + e.what());
  }
  if (!root.IsMap()) {
    Problem p;
    p.where.file = name;
    p.where.line = 1;
    p.message = "a template file is a YAML map (format, id, name, ...)";
    return Error::invalid("the template file is not valid", {p});
  }

  YamlReader r(name);
  Template t;
  try {
    r.check_keys(root,
                 {"format", "id", "family", "name", "version", "description", "source", "parties", "custody",
                  "phases", "vocabularies", "sections", "rules", "gate"},
                 "");
    std::string format = r.str(root, "format", true, "");
    t.format = format == "1" ? 1 : (format.empty() ? 0 : -1);
    t.id = r.str(root, "id", true, "");
    t.family = r.str(root, "family", true, "");
    t.name = r.str(root, "name", true, "");
    t.version = r.str(root, "version", true, "");
    t.description = r.str(root, "description", false, "");
    t.source = r.str(root, "source", false, "");
    t.custody = r.strs(root, "custody", "");

    auto each_map = [&](const char* key, auto fn) {
      YAML::Node list = root[key];
      if (!list.IsDefined() || list.IsNull()) return;
      if (!list.IsSequence()) {
        r.add(list, "", key, "must be a list");
        return;
      }
      for (const auto& e : list) {
        if (!r.budget()) return;
        if (!e.IsMap()) {
          r.add(e, "", key, "each entry must be a map");
          continue;
        }
        fn(e);
      }
    };
    each_map("parties", [&](const YAML::Node& n) { t.parties.push_back(read_party(r, n)); });
    each_map("phases", [&](const YAML::Node& n) { t.phases.push_back(read_phase(r, n)); });
    YAML::Node vocabs = root["vocabularies"];
    if (vocabs.IsDefined() && !vocabs.IsNull()) {
      if (!vocabs.IsMap()) {
        r.add(vocabs, "", "vocabularies", "must be a map of name: values");
      } else {
        for (const auto& kv : vocabs) {
          if (!r.budget()) break;
          std::string id = kv.first.Scalar();
          if (t.vocabularies.count(id)) r.add(kv.first, id, "vocabularies", "duplicate vocabulary id");
          t.vocabularies[id] = read_vocabulary(r, id, kv.second);
        }
      }
    }
    each_map("sections", [&](const YAML::Node& n) { t.sections.push_back(read_section(r, n)); });
    each_map("rules", [&](const YAML::Node& n) { t.rules.push_back(read_rule(r, n)); });
    each_map("gate", [&](const YAML::Node& n) {
      r.check_keys(n, {"item", "accept", "label"}, "");
      GateCondition g;
      g.item = r.str(n, "item", true, "");
      g.accept = r.strs(n, "accept", g.item);
      g.label = r.str(n, "label", true, g.item);
      t.gate.push_back(std::move(g));
    });
  } catch (const YAML::Exception& e) {
    Problem p;
    p.where.file = name;
    p.where.line = e.mark.line + 1;
    p.message = e.msg;
    r.problems().push_back(p);
  }

  std::vector<Problem> problems = std::move(r.problems());
  if (t.format == -1) {
    Problem p;
    p.where.file = name;
    p.where.field = "format";
    p.message = "unsupported format (expected 1)";
    problems.push_back(p);
    t.format = 1;
  }
  auto semantic = validate_template(t);
  // Structural problems already reported as "is required" repeat here; keep those with new information.
  for (auto& p : semantic) {
    if (p.message == "is required") continue;
    problems.push_back(std::move(p));
  }
  locate(problems, t, name);
  if (!problems.empty())
    return Error::invalid("the template file " + name + " is not valid", std::move(problems));

  auto shared = std::make_shared<const Template>(t);
  auto compiled = rules::RuleSet::compile(shared);
  if (!compiled) {
    Error e = std::move(compiled).error();
    locate(e.problems, t, name);
    e.message = "the template file " + name + " has invalid rules";
    return e;
  }
  return t;
}

Result<Template> load_template_file(const std::string& path) {
  TOM_ASSIGN(std::string text, read_file_limited(path, kMaxTemplateFileBytes));
  return parse_template_yaml(text, path);
}

}  // namespace tom::io
