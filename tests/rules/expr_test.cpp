#include "rules/expr.hpp"

#include <gtest/gtest.h>

#include <map>

namespace tom::rules {
namespace {

// A context over a plain map of answers and derived values: the simple model the engine is checked against.
class MapContext : public EvalContext {
 public:
  std::map<std::string, std::string> answers;
  std::map<std::string, Value> derived_values;
  Result<Value> answer(const std::string& id) override {
    auto it = answers.find(id);
    return it == answers.end() ? Value::null() : Value::text(it->second);
  }
  Result<Value> derived(const std::string& n) override {
    auto it = derived_values.find(n);
    return it == derived_values.end() ? Value::null() : it->second;
  }
  Result<std::vector<Value>> section_answers(const std::string&) override {
    std::vector<Value> out;
    for (const auto& [k, v] : answers) out.push_back(Value::text(v));
    return out;
  }
  Result<Value> current(const std::string&) override { return Value::null(); }
};

std::string eval_text(const std::string& src, MapContext& ctx, std::vector<Read>* reads = nullptr) {
  auto e = parse_expression(src);
  EXPECT_TRUE(e.ok()) << src << ": " << (e.ok() ? "" : e.error().message);
  if (!e.ok()) return "<parse error>";
  auto v = evaluate(*e, ctx, reads);
  EXPECT_TRUE(v.ok()) << src;
  return v.ok() ? v->render() : "<eval error>";
}

TEST(Expr, LiteralsAndArithmetic) {
  MapContext c;
  EXPECT_EQ(eval_text("1 + 2 - 4", c), "-1");
  EXPECT_EQ(eval_text("\"a\" == 'a'", c), "true");
  EXPECT_EQ(eval_text("null", c), "null");
  EXPECT_EQ(eval_text("[1, 'x', null]", c), "[1, \"x\", null]");
  EXPECT_EQ(eval_text("-(3)", c), "-3");
}

TEST(Expr, AnswersAreTextAndCompareAsNumbersWhenNumeric) {
  MapContext c;
  c.answers["AVAIL-01"] = "99.9";
  c.answers["IG-05"] = "Other";
  EXPECT_EQ(eval_text("@AVAIL-01 >= 99.5", c), "true");
  EXPECT_EQ(eval_text("@AVAIL-01 == 99.9", c), "true");
  EXPECT_EQ(eval_text("@IG-05 == \"other\"", c), "false");  // case matters
  EXPECT_EQ(eval_text("lower(@IG-05) == \"other\"", c), "true");
}

TEST(Expr, NullSemantics) {
  MapContext c;
  EXPECT_EQ(eval_text("@MISSING == null", c), "true");
  EXPECT_EQ(eval_text("@MISSING < 3", c), "false");
  EXPECT_EQ(eval_text("@MISSING in [null, 'a']", c), "false");
  EXPECT_EQ(eval_text("@MISSING not in ['a']", c), "false");
  EXPECT_EQ(eval_text("answered(@MISSING)", c), "false");
  EXPECT_EQ(eval_text("coalesce(@MISSING, 'none')", c), "\"none\"");
  EXPECT_EQ(eval_text("not @MISSING", c), "true");
}

TEST(Expr, IfElifElseAndShortCircuit) {
  MapContext c;
  c.answers["A"] = "Spine smartcard";
  std::string src =
      "if @A in ['Spine smartcard', 'Alternative strong authentication'] then 'PASS' "
      "elif @A == 'Other' then 'CHECK' elif @A == 'None' then 'FAIL' else null";
  EXPECT_EQ(eval_text(src, c), "\"PASS\"");
  c.answers["A"] = "Other";
  EXPECT_EQ(eval_text(src, c), "\"CHECK\"");
  c.answers.erase("A");
  EXPECT_EQ(eval_text(src, c), "null");
  // `or` stops at the first true operand: B is never read.
  c.answers["A"] = "x";
  std::vector<Read> reads;
  eval_text("@A == 'x' or @B == 'y'", c, &reads);
  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].ref, "@A");
}

TEST(Expr, Functions) {
  MapContext c;
  c.answers["Q1"] = "Yes";
  c.answers["Q2"] = "No";
  c.answers["Q3"] = "Yes";
  EXPECT_EQ(eval_text("max(1, if @Q1 == 'Yes' then 3 else 1, null)", c), "3");
  EXPECT_EQ(eval_text("min([4, 2, 9])", c), "2");
  EXPECT_EQ(eval_text("count(answers('x'), 'Yes')", c), "2");
  EXPECT_EQ(eval_text("count([1, null, 2])", c), "2");
  EXPECT_EQ(eval_text("any([false, @Q1 == 'Yes'])", c), "true");
  EXPECT_EQ(eval_text("all([true, @Q2 == 'Yes'])", c), "false");
  EXPECT_EQ(eval_text("contains('Local RBAC', 'RBAC')", c), "true");
}

TEST(Expr, ReadsNameTheAnswersUsedOnce) {
  MapContext c;
  c.answers["IG-05"] = "Other";
  c.derived_values["ig"] = Value::text("CHECK");
  std::vector<Read> reads;
  eval_text("@IG-05 == 'Other' and @IG-05 != 'x' and $ig == 'CHECK'", c, &reads);
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0].ref, "@IG-05");
  EXPECT_EQ(reads[0].value.render(), "\"Other\"");
  EXPECT_EQ(reads[1].ref, "$ig");
}

TEST(Expr, CollectsReferences) {
  auto e = parse_expression("@A-1 == 'x' and $b and answers(\"sec\") != [] and value == 1");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->items(), std::set<std::string>{"A-1"});
  EXPECT_EQ(e->derived(), std::set<std::string>{"b"});
  EXPECT_EQ(e->sections(), std::set<std::string>{"sec"});
  EXPECT_TRUE(e->uses_current_item());
}

struct BadCase {
  const char* source;
  const char* message;
};

class ExprErrors : public ::testing::TestWithParam<BadCase> {};

TEST_P(ExprErrors, AreRefusedWithAColumn) {
  auto e = parse_expression(GetParam().source);
  ASSERT_FALSE(e.ok()) << GetParam().source;
  EXPECT_NE(e.error().message.find(GetParam().message), std::string::npos) << e.error().message;
}

INSTANTIATE_TEST_SUITE_P(Syntax, ExprErrors,
                         ::testing::Values(BadCase{"if @A then 1", "expected 'else'"},
                                           BadCase{"@A ==", "ends too soon"},
                                           BadCase{"'open", "text is not closed"},
                                           BadCase{"@", "must be followed by an id"},
                                           BadCase{"frobnicate(1)", "unknown function 'frobnicate'"},
                                           BadCase{"@A = 1", "unexpected character '='"},
                                           BadCase{"system", "unknown name 'system'"},
                                           BadCase{"(1", "expected ')'"}, BadCase{"1 2", "unexpected '2'"},
                                           BadCase{"answers(@A)", "answers() takes one section id"}));

TEST(Expr, LengthAndDepthAreBounded) {
  std::string long_src(kMaxExpressionLength + 1, '1');
  EXPECT_FALSE(parse_expression(long_src).ok());
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += "(";
  deep += "1";
  for (int i = 0; i < 200; ++i) deep += ")";
  auto e = parse_expression(deep);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().message.find("nested too deeply"), std::string::npos);
}

TEST(Expr, EvaluationStepsAreBounded) {
  // A wide list of section scans: each answers() call counts the answers it reads.
  MapContext c;
  for (int i = 0; i < 2000; ++i) c.answers["Q" + std::to_string(i)] = "Yes";
  std::string src = "count([";
  for (int i = 0; i < 60; ++i) src += std::string(i ? "," : "") + "count(answers('s'))";
  src += "])";
  auto e = parse_expression(src);
  ASSERT_TRUE(e.ok()) << e.error().message;
  auto v = evaluate(*e, c, nullptr);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("step limit"), std::string::npos);
}

}  // namespace
}  // namespace tom::rules
