#pragma once
// Compiles a template's rules and applicability conditions once, then evaluates them over an assessment's
// answers. Pure: no I/O. compile() refuses rules naming missing items, unknown derived values, unknown
// sections, and cycles (among derived values, or among applicability conditions).
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "domain/assessment.hpp"
#include "domain/template.hpp"
#include "rules/expr.hpp"

namespace tom::rules {

struct DerivedResult {
  std::string rule_id;
  std::string name;
  std::string description;
  Value value;
  std::string explanation;
  std::vector<Read> reads;
};

struct RaisedFinding {
  std::string rule_id;
  std::string item_id;  // for `each` rules
  domain::FindingSpec spec;
  std::string description;
  std::string explanation;
  std::vector<Read> reads;
  // Stable key: the same rule on the same item keeps its identity across evaluations.
  std::string key() const { return "rule:" + rule_id + (item_id.empty() ? "" : ":" + item_id); }
};

struct Evaluation {
  std::set<std::string> out_of_scope;  // items whose applies_when is false
  std::vector<DerivedResult> derived;  // in rule order
  std::vector<RaisedFinding> findings;
  std::vector<std::string> errors;  // evaluation errors (e.g. step limit), with the rule id

  const DerivedResult* find_derived(const std::string& name) const;
};

class RuleSet {
 public:
  // Problems carry the item or rule id and the template line.
  static Result<RuleSet> compile(std::shared_ptr<const domain::Template> tmpl);
  Evaluation evaluate(const domain::AnswerSet& answers) const;
  const domain::Template& tmpl() const { return *tmpl_; }

 private:
  friend class Context;
  std::shared_ptr<const domain::Template> tmpl_;
  std::map<std::string, Expr> applies_;         // item id -> condition
  std::vector<Expr> rule_exprs_;                // parallel to tmpl_->rules
  std::map<std::string, size_t> derive_index_;  // derived name -> rule index
};

}  // namespace tom::rules
