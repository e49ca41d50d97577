#include "rules/engine.hpp"

#include <functional>

namespace tom::rules {

using domain::Item;
using domain::Rule;
using domain::Section;
using domain::Template;

const DerivedResult* Evaluation::find_derived(const std::string& name) const {
  for (const auto& d : derived)
    if (d.name == name) return &d;
  return nullptr;
}

namespace {

Problem rule_problem(const Rule& r, const std::string& field, const std::string& msg) {
  Problem p;
  p.where.line = r.source_line;
  p.where.item = r.id;
  p.where.field = field;
  p.message = msg;
  return p;
}

Problem item_problem(const Item& i, const std::string& msg) {
  Problem p;
  p.where.line = i.source_line;
  p.where.item = i.id;
  p.where.field = "applies_when";
  p.message = msg;
  return p;
}

// Finds a cycle in a graph given as adjacency lists; returns the path (first == last) or empty.
std::vector<std::string> find_cycle(const std::map<std::string, std::set<std::string>>& graph) {
  std::map<std::string, int> state;  // 0 new, 1 on stack, 2 done
  std::vector<std::string> stack;
  std::vector<std::string> cycle;
  std::function<bool(const std::string&)> visit = [&](const std::string& n) -> bool {
    state[n] = 1;
    stack.push_back(n);
    auto it = graph.find(n);
    if (it != graph.end()) {
      for (const auto& m : it->second) {
        if (!graph.count(m)) continue;
        if (state[m] == 1) {
          auto pos = std::find(stack.begin(), stack.end(), m);
          cycle.assign(pos, stack.end());
          cycle.push_back(m);
          return true;
        }
        if (state[m] == 0 && visit(m)) return true;
      }
    }
    stack.pop_back();
    state[n] = 2;
    return false;
  };
  for (const auto& [n, _] : graph)
    if (state[n] == 0 && visit(n)) return cycle;
  return {};
}

std::string join_path(const std::vector<std::string>& path, const char* prefix) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) out += (i ? " -> " : "") + std::string(prefix) + path[i];
  return out;
}

}  // namespace

Result<RuleSet> RuleSet::compile(std::shared_ptr<const Template> tmpl) {
  RuleSet rs;
  rs.tmpl_ = tmpl;
  std::vector<Problem> problems;
  const Template& t = *tmpl;

  auto check_refs = [&](const Expr& e, auto make_problem) {
    for (const auto& id : e.items())
      if (!t.find_item(id)) problems.push_back(make_problem("names item '" + id + "', which does not exist"));
    for (const auto& s : e.sections())
      if (!t.find_section(s))
        problems.push_back(make_problem("names section '" + s + "', which does not exist"));
  };

  // Rules: parse, then resolve names.
  for (size_t i = 0; i < t.rules.size(); ++i) {
    const Rule& r = t.rules[i];
    if (r.is_derive()) {
      if (rs.derive_index_.count(r.derive))
        problems.push_back(rule_problem(r, "derive", "derived value '" + r.derive + "' is defined twice"));
      rs.derive_index_[r.derive] = i;
    }
  }
  for (const Rule& r : t.rules) {
    const std::string& text = r.is_derive() ? r.value : r.when;
    const char* field = r.is_derive() ? "value" : "when";
    auto parsed = parse_expression(text);
    if (!parsed) {
      problems.push_back(rule_problem(r, field, parsed.error().message));
      rs.rule_exprs_.emplace_back();
      continue;
    }
    const Expr& e = *parsed;
    check_refs(e, [&](const std::string& m) { return rule_problem(r, field, m); });
    for (const auto& d : e.derived())
      if (!rs.derive_index_.count(d))
        problems.push_back(rule_problem(r, field, "names derived value '$" + d + "', which no rule derives"));
    if (e.uses_current_item() && !r.each)
      problems.push_back(rule_problem(r, field, "uses 'value' or 'item.*' but the rule has no 'each'"));
    rs.rule_exprs_.push_back(std::move(parsed).value());
  }

  // Applicability conditions.
  for (const auto& s : t.sections) {
    for (const auto& item : s.items) {
      if (item.applies_when.empty()) continue;
      auto parsed = parse_expression(item.applies_when);
      if (!parsed) {
        problems.push_back(item_problem(item, parsed.error().message));
        continue;
      }
      check_refs(*parsed, [&](const std::string& m) { return item_problem(item, m); });
      if (parsed->uses_current_item())
        problems.push_back(item_problem(item, "'value' and 'item.*' are only for rules with 'each'"));
      if (!parsed->derived().empty())
        problems.push_back(item_problem(item, "applies_when may read answers only, not derived values"));
      rs.applies_.emplace(item.id, std::move(parsed).value());
    }
  }
  if (!problems.empty()) return Error::invalid("the template's rules are not valid", std::move(problems));

  // Cycles among derived values.
  std::map<std::string, std::set<std::string>> dgraph;
  for (const auto& [name, idx] : rs.derive_index_) dgraph[name] = rs.rule_exprs_[idx].derived();
  auto cycle = find_cycle(dgraph);
  if (!cycle.empty()) {
    const Rule& r = t.rules[rs.derive_index_[cycle.front()]];
    problems.push_back(rule_problem(r, "value", "rule cycle: " + join_path(cycle, "$")));
  }
  // Cycles among applicability conditions.
  std::map<std::string, std::set<std::string>> agraph;
  for (const auto& [id, e] : rs.applies_) agraph[id] = e.items();
  cycle = find_cycle(agraph);
  if (!cycle.empty()) {
    problems.push_back(
        item_problem(*t.find_item(cycle.front()), "applicability cycle: " + join_path(cycle, "@")));
  }
  if (!problems.empty()) return Error::invalid("the template's rules are not valid", std::move(problems));
  return rs;
}

// Resolves answers, applicability and derived values lazily, memoising each.
class Context : public EvalContext {
 public:
  Context(const RuleSet& rs, const domain::AnswerSet& answers, Evaluation& out)
      : rs_(rs), answers_(answers), out_(out) {}

  bool in_scope(const std::string& item_id) {
    auto memo = scope_.find(item_id);
    if (memo != scope_.end()) return memo->second;
    auto it = rs_.applies_.find(item_id);
    bool result = true;
    if (it != rs_.applies_.end()) {
      scope_[item_id] = true;  // provisional; cycles were refused at compile time
      auto v = evaluate(it->second, *this, nullptr);
      result = v.ok() && v->truthy();
      if (!v.ok()) out_.errors.push_back("applies_when of " + item_id + ": " + v.error().message);
    }
    scope_[item_id] = result;
    if (!result) out_.out_of_scope.insert(item_id);
    return result;
  }

  Result<Value> answer(const std::string& item_id) override {
    if (!in_scope(item_id)) return Value::null();
    auto it = answers_.find(item_id);
    if (it == answers_.end() || it->second.value.empty()) return Value::null();
    return Value::text(it->second.value);
  }

  Result<Value> derived(const std::string& name) override {
    auto memo = derived_.find(name);
    if (memo != derived_.end()) return memo->second;
    auto idx = rs_.derive_index_.find(name);
    if (idx == rs_.derive_index_.end()) return Error::invalid("unknown derived value $" + name);
    return run_derive(idx->second);
  }

  Result<std::vector<Value>> section_answers(const std::string& section_id) override {
    const Section* s = rs_.tmpl_->find_section(section_id);
    if (!s) return Error::invalid("unknown section " + section_id);
    std::vector<Value> out;
    for (const auto& i : s->items) {
      if (!i.answerable()) continue;
      TOM_ASSIGN(Value v, answer(i.id));
      out.push_back(std::move(v));
    }
    return out;
  }

  Result<Value> current(const std::string& field) override {
    if (!current_item_) return Value::null();
    if (field == "value") return answer(current_item_->id);
    if (field == "id") return Value::text(current_item_->id);
    if (field == "obligation") return Value::text(domain::to_string(current_item_->obligation));
    if (field == "party") return Value::text(current_item_->party);
    if (field == "section") return Value::text(current_section_->id);
    return Value::null();
  }

  Result<Value> run_derive(size_t idx) {
    const Rule& r = rs_.tmpl_->rules[idx];
    DerivedResult d;
    d.rule_id = r.id;
    d.name = r.derive;
    d.description = r.description;
    auto v = evaluate(rs_.rule_exprs_[idx], *this, &d.reads);
    if (!v.ok()) {
      out_.errors.push_back("rule " + r.id + ": " + v.error().message);
      d.value = Value::null();
    } else {
      d.value = *v;
    }
    d.explanation = explain(r.description.empty() ? r.id : r.description, d.value, d.reads);
    derived_[r.derive] = d.value;
    results_[idx] = std::move(d);
    return derived_[r.derive];
  }

  void set_current(const Section* s, const Item* i) {
    current_section_ = s;
    current_item_ = i;
  }

  std::map<size_t, DerivedResult>& results() { return results_; }

  static std::string because(const std::vector<Read>& reads) {
    if (reads.empty()) return "";
    std::string out = " because ";
    for (size_t i = 0; i < reads.size(); ++i) {
      const std::string& ref = reads[i].ref;
      out += (i ? ", " : "") + (ref[0] == '@' ? ref.substr(1) : ref) + " = " + reads[i].value.render();
    }
    return out;
  }
  static std::string explain(const std::string& what, const Value& v, const std::vector<Read>& reads) {
    return what + ": " + (v.is_null() ? std::string("no result yet") : v.plain()) + because(reads);
  }

 private:
  const RuleSet& rs_;
  const domain::AnswerSet& answers_;
  Evaluation& out_;
  std::map<std::string, bool> scope_;
  std::map<std::string, Value> derived_;
  std::map<size_t, DerivedResult> results_;
  const Section* current_section_ = nullptr;
  const Item* current_item_ = nullptr;
};

Evaluation RuleSet::evaluate(const domain::AnswerSet& answers) const {
  Evaluation out;
  Context ctx(*this, answers, out);
  const Template& t = *tmpl_;
  // Applicability of every conditional item, so out_of_scope is complete.
  for (const auto& [id, _] : applies_) ctx.in_scope(id);

  for (size_t i = 0; i < t.rules.size(); ++i) {
    const Rule& r = t.rules[i];
    if (r.is_derive()) {
      if (!ctx.results().count(i)) (void)ctx.run_derive(i);
      continue;
    }
    auto raise = [&](const Item* item, std::vector<Read> reads) {
      RaisedFinding f;
      f.rule_id = r.id;
      f.item_id = item ? item->id : "";
      f.spec = r.finding.value_or(domain::FindingSpec{});
      f.description = r.description;
      f.explanation = (f.spec.title.empty() ? r.description : f.spec.title) + Context::because(reads);
      f.reads = std::move(reads);
      out.findings.push_back(std::move(f));
    };
    if (r.each) {
      for (const auto& s : t.sections) {
        for (const auto& item : s.items) {
          if (!domain::selector_matches(*r.each, s, item) || !ctx.in_scope(item.id)) continue;
          ctx.set_current(&s, &item);
          std::vector<Read> reads;
          auto own = ctx.answer(item.id);
          reads.push_back({"@" + item.id, own.ok() ? *own : Value::null()});
          auto v = rules::evaluate(rule_exprs_[i], ctx, &reads);
          if (!v.ok()) {
            out.errors.push_back("rule " + r.id + " on " + item.id + ": " + v.error().message);
            continue;
          }
          if (v->truthy()) raise(&item, std::move(reads));
        }
      }
      ctx.set_current(nullptr, nullptr);
    } else {
      std::vector<Read> reads;
      auto v = rules::evaluate(rule_exprs_[i], ctx, &reads);
      if (!v.ok()) {
        out.errors.push_back("rule " + r.id + ": " + v.error().message);
        continue;
      }
      if (v->truthy()) raise(nullptr, std::move(reads));
    }
  }
  for (auto& [idx, d] : ctx.results()) out.derived.push_back(std::move(d));
  return out;
}

}  // namespace tom::rules
