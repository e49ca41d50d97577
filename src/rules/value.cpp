#include "rules/value.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tom::rules {

Value Value::boolean(bool b) {
  Value v;
  v.type_ = Type::kBool;
  v.b_ = b;
  return v;
}
Value Value::number(double d) {
  Value v;
  v.type_ = Type::kNumber;
  v.n_ = d;
  return v;
}
Value Value::text(std::string s) {
  Value v;
  v.type_ = Type::kText;
  v.s_ = std::move(s);
  return v;
}
Value Value::list(std::vector<Value> items) {
  Value v;
  v.type_ = Type::kList;
  v.list_ = std::move(items);
  return v;
}

bool Value::truthy() const {
  switch (type_) {
    case Type::kNull:
      return false;
    case Type::kBool:
      return b_;
    case Type::kNumber:
      return n_ != 0;
    case Type::kText:
      return !s_.empty();
    case Type::kList:
      return !list_.empty();
  }
  return false;
}

bool Value::numeric(double* out) const {
  if (type_ == Type::kNumber) {
    *out = n_;
    return true;
  }
  if (type_ != Type::kText || s_.empty() || s_.size() > 64) return false;
  const char* begin = s_.data();
  const char* end = begin + s_.size();
  double d = 0;
  auto [ptr, ec] = std::from_chars(begin, end, d);
  if (ec != std::errc() || ptr != end || !std::isfinite(d)) return false;
  *out = d;
  return true;
}

static std::string number_text(double d) {
  if (std::floor(d) == d && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", d);
  return buf;
}

std::string Value::render() const {
  switch (type_) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return b_ ? "true" : "false";
    case Type::kNumber:
      return number_text(n_);
    case Type::kText:
      return "\"" + s_ + "\"";
    case Type::kList: {
      std::string out = "[";
      for (size_t i = 0; i < list_.size(); ++i) out += (i ? ", " : "") + list_[i].render();
      return out + "]";
    }
  }
  return "null";
}

std::string Value::plain() const {
  if (type_ == Type::kText) return s_;
  if (type_ == Type::kNull) return "";
  return render();
}

bool operator==(const Value& a, const Value& b) {
  if (a.type_ != b.type_) {
    double x, y;
    // A numeric answer (text) equals the number it spells.
    if ((a.type_ == Value::Type::kNumber || b.type_ == Value::Type::kNumber) && a.numeric(&x) &&
        b.numeric(&y))
      return x == y;
    return false;
  }
  switch (a.type_) {
    case Value::Type::kNull:
      return true;
    case Value::Type::kBool:
      return a.b_ == b.b_;
    case Value::Type::kNumber:
      return a.n_ == b.n_;
    case Value::Type::kText:
      return a.s_ == b.s_;
    case Value::Type::kList:
      return a.list_ == b.list_;
  }
  return false;
}

}  // namespace tom::rules
