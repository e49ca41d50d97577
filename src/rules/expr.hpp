#pragma once
// The rule expression language (see docs/template-format.md). Parsing is separate from evaluation so a
// template is checked once when it loads. Evaluation is pure and bounded: it reads answers only through an
// EvalContext and stops after a fixed number of steps.
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "rules/value.hpp"

namespace tom::rules {

constexpr size_t kMaxExpressionLength = 4096;
constexpr int kMaxExpressionDepth = 64;
constexpr long kMaxEvaluationSteps = 100000;

struct Node;

// A parsed expression. Copyable (shares the immutable tree).
class Expr {
 public:
  Expr() = default;
  const Node* root() const { return root_.get(); }
  const std::string& source() const { return source_; }
  // What the expression may read: used for validation (missing items) and cycle detection.
  const std::set<std::string>& items() const { return items_; }
  const std::set<std::string>& derived() const { return derived_; }
  const std::set<std::string>& sections() const { return sections_; }
  bool uses_current_item() const { return uses_current_; }

 private:
  friend Result<Expr> parse_expression(std::string_view text);
  std::shared_ptr<const Node> root_;
  std::string source_;
  std::set<std::string> items_, derived_, sections_;
  bool uses_current_ = false;
};

// Parses `text`; an error message names the column of the problem.
Result<Expr> parse_expression(std::string_view text);

// One thing the evaluation read, for explanations: "@IG-05" or "$ig-result" with the value seen.
struct Read {
  std::string ref;  // item id or "$name"
  Value value;
};

// What an expression may look at. Implementations resolve answers (null when unanswered or out of scope) and
// derived values.
class EvalContext {
 public:
  virtual ~EvalContext() = default;
  virtual Result<Value> answer(const std::string& item_id) = 0;
  virtual Result<Value> derived(const std::string& name) = 0;
  virtual Result<std::vector<Value>> section_answers(const std::string& section_id) = 0;
  // The current item in an `each` rule; field is "value", "id", "obligation", "party" or "section".
  virtual Result<Value> current(const std::string& field) = 0;
};

// Evaluates; every answer and derived value read is appended to `reads` (once each, in order).
Result<Value> evaluate(const Expr& expr, EvalContext& ctx, std::vector<Read>* reads);

}  // namespace tom::rules
