#pragma once
// The values rule expressions compute with: null, booleans, numbers, text and lists.
#include <string>
#include <vector>

namespace tom::rules {

class Value {
 public:
  enum class Type { kNull, kBool, kNumber, kText, kList };

  Value() = default;
  static Value null() { return Value(); }
  static Value boolean(bool b);
  static Value number(double d);
  static Value text(std::string s);
  static Value list(std::vector<Value> items);

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool as_bool() const { return b_; }
  double as_number() const { return n_; }
  const std::string& as_text() const { return s_; }
  const std::vector<Value>& as_list() const { return list_; }

  // Truthiness for `if`, `and`, `or`, `when`: null, false, 0, "" and [] are false.
  bool truthy() const;
  // Numeric view: numbers, and text that is a whole decimal number ("12", "3.5"); nullopt otherwise.
  bool numeric(double* out) const;
  // Renders as the explanation shows it: text quoted, null as `null`.
  std::string render() const;
  // Renders as a plain result: text unquoted.
  std::string plain() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  Type type_ = Type::kNull;
  bool b_ = false;
  double n_ = 0;
  std::string s_;
  std::vector<Value> list_;
};

}  // namespace tom::rules
