#include "rules/expr.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <optional>

namespace tom::rules {

enum class Op {
  kLiteral,
  kItem,
  kDerived,
  kCurrent,
  kCall,
  kList,
  kNeg,
  kNot,
  kAnd,
  kOr,
  kIf,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kNotIn,
  kAdd,
  kSub
};

struct Node {
  Op op = Op::kLiteral;
  Value literal;
  std::string name;  // item id, derived name, current field or function name
  std::vector<std::unique_ptr<Node>> kids;
  int column = 0;
};

namespace {

enum class Tok { kEnd, kNumber, kString, kName, kItem, kDerived, kPunct };

struct Token {
  Tok type = Tok::kEnd;
  std::string text;
  double number = 0;
  int column = 0;
};

bool id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}
bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

Error syntax(int column, const std::string& msg) {
  return Error::invalid("expression error at column " + std::to_string(column) + ": " + msg);
}

Result<std::vector<Token>> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    int col = static_cast<int>(i) + 1;
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    Token t;
    t.column = col;
    if (c == '@' || c == '$') {
      size_t j = i + 1;
      while (j < s.size() && id_char(s[j])) ++j;
      if (j == i + 1) return syntax(col, std::string("'") + c + "' must be followed by an id");
      t.type = c == '@' ? Tok::kItem : Tok::kDerived;
      t.text = std::string(s.substr(i + 1, j - i - 1));
      i = j;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      size_t j = i;
      while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
      t.type = Tok::kNumber;
      t.text = std::string(s.substr(i, j - i));
      try {
        t.number = std::stod(t.text);
      } catch (...) {
        return syntax(col, "bad number '" + t.text + "'");
      }
      i = j;
    } else if (c == '"' || c == '\'') {
      size_t j = i + 1;
      std::string text;
      while (j < s.size() && s[j] != c) {
        if (s[j] == '\\' && j + 1 < s.size()) ++j;
        text += s[j++];
      }
      if (j >= s.size()) return syntax(col, "text is not closed");
      t.type = Tok::kString;
      t.text = std::move(text);
      i = j + 1;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t j = i;
      while (j < s.size() && name_char(s[j])) ++j;
      t.type = Tok::kName;
      t.text = std::string(s.substr(i, j - i));
      i = j;
    } else {
      static const char* two[] = {"==", "!=", "<=", ">="};
      t.type = Tok::kPunct;
      bool matched = false;
      for (const char* op : two) {
        if (s.substr(i, 2) == op) {
          t.text = op;
          i += 2;
          matched = true;
          break;
        }
      }
      if (!matched) {
        if (std::string_view("()[],<>+-").find(c) == std::string_view::npos)
          return syntax(col, std::string("unexpected character '") + c + "'");
        t.text = std::string(1, c);
        ++i;
      }
    }
    out.push_back(std::move(t));
  }
  Token end;
  end.column = static_cast<int>(s.size()) + 1;
  out.push_back(end);
  return out;
}

const std::set<std::string>& known_functions() {
  static const std::set<std::string> f = {"answered", "coalesce", "max",   "min",      "count",
                                          "any",      "all",      "lower", "contains", "answers"};
  return f;
}

class Parser {
 public:
  Parser(std::vector<Token> toks, std::set<std::string>* items, std::set<std::string>* derived,
         std::set<std::string>* sections, bool* current)
      : t_(std::move(toks)), items_(items), derived_(derived), sections_(sections), current_(current) {}

  Result<std::unique_ptr<Node>> parse_all() {
    TOM_ASSIGN(auto n, expr(0));
    if (peek().type != Tok::kEnd) return syntax(peek().column, "unexpected '" + peek().text + "'");
    return n;
  }

 private:
  using NodeP = std::unique_ptr<Node>;

  const Token& peek() const { return t_[pos_]; }
  bool is_name(const char* w) const { return peek().type == Tok::kName && peek().text == w; }
  bool is_punct(const char* p) const { return peek().type == Tok::kPunct && peek().text == p; }
  Token take() { return t_[pos_ < t_.size() - 1 ? pos_++ : pos_]; }
  Status expect_punct(const char* p) {
    if (!is_punct(p)) return syntax(peek().column, std::string("expected '") + p + "'");
    take();
    return ok_status();
  }
  static NodeP make(Op op, int column) {
    auto n = std::make_unique<Node>();
    n->op = op;
    n->column = column;
    return n;
  }
  Status deeper(int depth) {
    if (depth > kMaxExpressionDepth) return syntax(peek().column, "expression nested too deeply");
    return ok_status();
  }

  Result<NodeP> expr(int depth) {
    TOM_TRY(deeper(depth));
    if (is_name("if")) {
      auto n = make(Op::kIf, take().column);
      TOM_ASSIGN(auto cond, expr(depth + 1));
      if (!is_name("then")) return syntax(peek().column, "expected 'then'");
      take();
      TOM_ASSIGN(auto then, expr(depth + 1));
      n->kids.push_back(std::move(cond));
      n->kids.push_back(std::move(then));
      while (is_name("elif")) {
        take();
        TOM_ASSIGN(auto c2, expr(depth + 1));
        if (!is_name("then")) return syntax(peek().column, "expected 'then'");
        take();
        TOM_ASSIGN(auto t2, expr(depth + 1));
        n->kids.push_back(std::move(c2));
        n->kids.push_back(std::move(t2));
      }
      if (!is_name("else")) return syntax(peek().column, "expected 'else' (every 'if' needs one)");
      take();
      TOM_ASSIGN(auto otherwise, expr(depth + 1));
      n->kids.push_back(std::move(otherwise));
      return n;
    }
    return or_expr(depth + 1);
  }

  Result<NodeP> or_expr(int depth) {
    TOM_ASSIGN(auto left, and_expr(depth + 1));
    while (is_name("or")) {
      auto n = make(Op::kOr, take().column);
      TOM_ASSIGN(auto right, and_expr(depth + 1));
      n->kids.push_back(std::move(left));
      n->kids.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  Result<NodeP> and_expr(int depth) {
    TOM_ASSIGN(auto left, not_expr(depth + 1));
    while (is_name("and")) {
      auto n = make(Op::kAnd, take().column);
      TOM_ASSIGN(auto right, not_expr(depth + 1));
      n->kids.push_back(std::move(left));
      n->kids.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  Result<NodeP> not_expr(int depth) {
    TOM_TRY(deeper(depth));
    if (is_name("not")) {
      auto n = make(Op::kNot, take().column);
      TOM_ASSIGN(auto k, not_expr(depth + 1));
      n->kids.push_back(std::move(k));
      return n;
    }
    return compare(depth + 1);
  }

  Result<NodeP> compare(int depth) {
    TOM_ASSIGN(auto left, sum(depth + 1));
    Op op;
    int col = peek().column;
    if (is_punct("=="))
      op = Op::kEq;
    else if (is_punct("!="))
      op = Op::kNe;
    else if (is_punct("<"))
      op = Op::kLt;
    else if (is_punct("<="))
      op = Op::kLe;
    else if (is_punct(">"))
      op = Op::kGt;
    else if (is_punct(">="))
      op = Op::kGe;
    else if (is_name("in"))
      op = Op::kIn;
    else if (is_name("not") && t_[pos_ + 1].type == Tok::kName && t_[pos_ + 1].text == "in") {
      take();
      op = Op::kNotIn;
    } else {
      return left;
    }
    take();
    auto n = make(op, col);
    TOM_ASSIGN(auto right, sum(depth + 1));
    n->kids.push_back(std::move(left));
    n->kids.push_back(std::move(right));
    return n;
  }

  Result<NodeP> sum(int depth) {
    TOM_ASSIGN(auto left, unary(depth + 1));
    while (is_punct("+") || is_punct("-")) {
      auto n = make(peek().text == "+" ? Op::kAdd : Op::kSub, peek().column);
      take();
      TOM_ASSIGN(auto right, unary(depth + 1));
      n->kids.push_back(std::move(left));
      n->kids.push_back(std::move(right));
      left = std::move(n);
    }
    return left;
  }

  Result<NodeP> unary(int depth) {
    TOM_TRY(deeper(depth));
    if (is_punct("-")) {
      auto n = make(Op::kNeg, take().column);
      TOM_ASSIGN(auto k, unary(depth + 1));
      n->kids.push_back(std::move(k));
      return n;
    }
    return primary(depth + 1);
  }

  Result<std::vector<NodeP>> args(int depth, const char* close) {
    std::vector<NodeP> out;
    if (is_punct(close)) {
      take();
      return out;
    }
    while (true) {
      TOM_ASSIGN(auto a, expr(depth + 1));
      out.push_back(std::move(a));
      if (is_punct(",")) {
        take();
        continue;
      }
      TOM_TRY(expect_punct(close));
      return out;
    }
  }

  Result<NodeP> primary(int depth) {
    TOM_TRY(deeper(depth));
    const Token& t = peek();
    switch (t.type) {
      case Tok::kNumber: {
        auto n = make(Op::kLiteral, t.column);
        n->literal = Value::number(t.number);
        take();
        return n;
      }
      case Tok::kString: {
        auto n = make(Op::kLiteral, t.column);
        n->literal = Value::text(t.text);
        take();
        return n;
      }
      case Tok::kItem: {
        auto n = make(Op::kItem, t.column);
        n->name = t.text;
        items_->insert(t.text);
        take();
        return n;
      }
      case Tok::kDerived: {
        auto n = make(Op::kDerived, t.column);
        n->name = t.text;
        derived_->insert(t.text);
        take();
        return n;
      }
      case Tok::kName: {
        Token name = take();
        if (name.text == "true" || name.text == "false" || name.text == "null") {
          auto n = make(Op::kLiteral, name.column);
          n->literal = name.text == "null" ? Value::null() : Value::boolean(name.text == "true");
          return n;
        }
        if (name.text == "value" || name.text == "item.id" || name.text == "item.obligation" ||
            name.text == "item.party" || name.text == "item.section") {
          auto n = make(Op::kCurrent, name.column);
          n->name = name.text == "value" ? "value" : name.text.substr(5);
          *current_ = true;
          return n;
        }
        if (!is_punct("(")) return syntax(name.column, "unknown name '" + name.text + "'");
        if (!known_functions().count(name.text))
          return syntax(name.column, "unknown function '" + name.text + "'");
        take();
        auto n = make(Op::kCall, name.column);
        n->name = name.text;
        TOM_ASSIGN(n->kids, args(depth + 1, ")"));
        if (n->name == "answers") {
          if (n->kids.size() != 1 || n->kids[0]->op != Op::kLiteral ||
              n->kids[0]->literal.type() != Value::Type::kText)
            return syntax(name.column, "answers() takes one section id in quotes");
          sections_->insert(n->kids[0]->literal.as_text());
        }
        return n;
      }
      case Tok::kPunct:
        if (t.text == "(") {
          take();
          TOM_ASSIGN(auto inner, expr(depth + 1));
          TOM_TRY(expect_punct(")"));
          return inner;
        }
        if (t.text == "[") {
          auto n = make(Op::kList, take().column);
          TOM_ASSIGN(n->kids, args(depth + 1, "]"));
          return n;
        }
        return syntax(t.column, "unexpected '" + t.text + "'");
      case Tok::kEnd:
        return syntax(t.column, "the expression ends too soon");
    }
    return syntax(t.column, "unexpected input");
  }

  std::vector<Token> t_;
  size_t pos_ = 0;
  std::set<std::string>* items_;
  std::set<std::string>* derived_;
  std::set<std::string>* sections_;
  bool* current_;
};

class Evaluator {
 public:
  Evaluator(EvalContext& ctx, std::vector<Read>* reads) : ctx_(ctx), reads_(reads) {}

  Result<Value> eval(const Node& n) {
    if (++steps_ > kMaxEvaluationSteps) return Error::invalid("rule evaluation exceeded its step limit");
    switch (n.op) {
      case Op::kLiteral:
        return n.literal;
      case Op::kItem: {
        TOM_ASSIGN(Value v, ctx_.answer(n.name));
        note("@" + n.name, v);
        return v;
      }
      case Op::kDerived: {
        TOM_ASSIGN(Value v, ctx_.derived(n.name));
        note("$" + n.name, v);
        return v;
      }
      case Op::kCurrent:
        return ctx_.current(n.name);
      case Op::kList: {
        std::vector<Value> out;
        for (const auto& k : n.kids) {
          TOM_ASSIGN(Value v, eval(*k));
          out.push_back(std::move(v));
        }
        return Value::list(std::move(out));
      }
      case Op::kNeg: {
        TOM_ASSIGN(Value v, eval(*n.kids[0]));
        double d;
        if (!v.numeric(&d)) return Value::null();
        return Value::number(-d);
      }
      case Op::kNot: {
        TOM_ASSIGN(Value v, eval(*n.kids[0]));
        return Value::boolean(!v.truthy());
      }
      case Op::kAnd: {
        TOM_ASSIGN(Value a, eval(*n.kids[0]));
        if (!a.truthy()) return Value::boolean(false);
        TOM_ASSIGN(Value b, eval(*n.kids[1]));
        return Value::boolean(b.truthy());
      }
      case Op::kOr: {
        TOM_ASSIGN(Value a, eval(*n.kids[0]));
        if (a.truthy()) return Value::boolean(true);
        TOM_ASSIGN(Value b, eval(*n.kids[1]));
        return Value::boolean(b.truthy());
      }
      case Op::kIf: {
        size_t i = 0;
        for (; i + 1 < n.kids.size(); i += 2) {
          TOM_ASSIGN(Value c, eval(*n.kids[i]));
          if (c.truthy()) return eval(*n.kids[i + 1]);
        }
        return eval(*n.kids[i]);
      }
      case Op::kEq:
      case Op::kNe: {
        TOM_ASSIGN(Value a, eval(*n.kids[0]));
        TOM_ASSIGN(Value b, eval(*n.kids[1]));
        bool eq = a == b;
        return Value::boolean(n.op == Op::kEq ? eq : !eq);
      }
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe: {
        TOM_ASSIGN(Value a, eval(*n.kids[0]));
        TOM_ASSIGN(Value b, eval(*n.kids[1]));
        return Value::boolean(ordered(n.op, a, b));
      }
      case Op::kIn:
      case Op::kNotIn: {
        TOM_ASSIGN(Value a, eval(*n.kids[0]));
        TOM_ASSIGN(Value b, eval(*n.kids[1]));
        bool in = false;
        if (!a.is_null()) {
          if (b.type() == Value::Type::kList) {
            for (const auto& m : b.as_list())
              if (m == a) in = true;
          } else if (b.type() == Value::Type::kText && a.type() == Value::Type::kText) {
            in = b.as_text().find(a.as_text()) != std::string::npos;
          }
        }
        return Value::boolean(n.op == Op::kIn ? in : (!a.is_null() && !in));
      }
      case Op::kAdd:
      case Op::kSub: {
        TOM_ASSIGN(Value a, eval(*n.kids[0]));
        TOM_ASSIGN(Value b, eval(*n.kids[1]));
        double x, y;
        if (!a.numeric(&x) || !b.numeric(&y)) return Value::null();
        return Value::number(n.op == Op::kAdd ? x + y : x - y);
      }
      case Op::kCall:
        return call(n);
    }
    return Error::internal("unknown expression node");
  }

 private:
  static bool ordered(Op op, const Value& a, const Value& b) {
    double x, y;
    int cmp;
    if (a.numeric(&x) && b.numeric(&y)) {
      cmp = x < y ? -1 : (x > y ? 1 : 0);
    } else if (a.type() == Value::Type::kText && b.type() == Value::Type::kText) {
      cmp = a.as_text().compare(b.as_text());
    } else {
      return false;
    }
    switch (op) {
      case Op::kLt:
        return cmp < 0;
      case Op::kLe:
        return cmp <= 0;
      case Op::kGt:
        return cmp > 0;
      default:
        return cmp >= 0;
    }
  }

  static std::vector<Value> flatten(std::vector<Value> args) {
    // max(list) and max(a, b) both work: a lone list argument is its members.
    if (args.size() == 1 && args[0].type() == Value::Type::kList) return args[0].as_list();
    return args;
  }

  Result<Value> call(const Node& n) {
    std::vector<Value> args;
    if (n.name == "answers") {
      const std::string& section = n.kids[0]->literal.as_text();
      TOM_ASSIGN(auto values, ctx_.section_answers(section));
      steps_ += static_cast<long>(values.size());
      return Value::list(std::move(values));
    }
    for (const auto& k : n.kids) {
      TOM_ASSIGN(Value v, eval(*k));
      args.push_back(std::move(v));
    }
    const std::string& f = n.name;
    auto arity = [&](size_t lo, size_t hi) -> Status {
      if (args.size() < lo || args.size() > hi)
        return Error::invalid("function " + f + "() called with " + std::to_string(args.size()) +
                              " arguments");
      return ok_status();
    };
    if (f == "answered") {
      TOM_TRY(arity(1, 1));
      const Value& v = args[0];
      return Value::boolean(!v.is_null() && !(v.type() == Value::Type::kText && v.as_text().empty()));
    }
    if (f == "coalesce") {
      for (auto& v : args)
        if (!v.is_null()) return v;
      return Value::null();
    }
    if (f == "max" || f == "min") {
      std::optional<double> best;
      for (const auto& v : flatten(std::move(args))) {
        double d;
        if (!v.numeric(&d)) continue;
        if (!best || (f == "max" ? d > *best : d < *best)) best = d;
      }
      return best ? Value::number(*best) : Value::null();
    }
    if (f == "count") {
      TOM_TRY(arity(1, 2));
      if (args[0].type() != Value::Type::kList) return Error::invalid("count() needs a list");
      long c = 0;
      for (const auto& m : args[0].as_list())
        if (args.size() == 2 ? m == args[1] : !m.is_null()) ++c;
      return Value::number(static_cast<double>(c));
    }
    if (f == "any" || f == "all") {
      auto list = flatten(std::move(args));
      bool any = false, all = true;
      for (const auto& m : list) {
        any = any || m.truthy();
        all = all && m.truthy();
      }
      return Value::boolean(f == "any" ? any : (all && !list.empty()));
    }
    if (f == "lower") {
      TOM_TRY(arity(1, 1));
      if (args[0].type() != Value::Type::kText) return Value::null();
      std::string s = args[0].as_text();
      std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
      return Value::text(s);
    }
    if (f == "contains") {
      TOM_TRY(arity(2, 2));
      if (args[0].type() != Value::Type::kText || args[1].type() != Value::Type::kText)
        return Value::boolean(false);
      return Value::boolean(args[0].as_text().find(args[1].as_text()) != std::string::npos);
    }
    return Error::invalid("unknown function " + f);
  }

  void note(const std::string& ref, const Value& v) {
    if (!reads_) return;
    for (const auto& r : *reads_)
      if (r.ref == ref) return;
    reads_->push_back({ref, v});
  }

  EvalContext& ctx_;
  std::vector<Read>* reads_;
  long steps_ = 0;
};

}  // namespace

Result<Expr> parse_expression(std::string_view text) {
  if (text.size() > kMaxExpressionLength)
    return Error::invalid("expression is longer than " + std::to_string(kMaxExpressionLength) +
                          " characters");
  TOM_ASSIGN(auto toks, lex(text));
  Expr e;
  Parser p(std::move(toks), &e.items_, &e.derived_, &e.sections_, &e.uses_current_);
  TOM_ASSIGN(auto root, p.parse_all());
  e.root_ = std::shared_ptr<const Node>(std::move(root));
  e.source_ = std::string(text);
  return e;
}

Result<Value> evaluate(const Expr& expr, EvalContext& ctx, std::vector<Read>* reads) {
  if (!expr.root()) return Value::null();
  Evaluator ev(ctx, reads);
  return ev.eval(*expr.root());
}

}  // namespace tom::rules
