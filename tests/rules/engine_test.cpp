#include "rules/engine.hpp"

#include <gtest/gtest.h>

#include "io/template_file.hpp"

namespace tom::rules {
namespace {

// A small template in the file format; rules are appended by each test.
std::string base_template(const std::string& rules, const std::string& extra_items = "") {
  return R"(format: 1
id: mini
family: test
name: Mini TOM
version: "1"
parties:
  - {id: supplier, name: Supplier, role: client-supplier}
  - {id: trust, name: Trust, role: end-user}
  - {id: central, name: NHS Digital, role: central}
phases:
  - {id: "1A", name: Usage, approver: central}
  - {id: "2", name: Full, approver: trust, accepts_risks: true}
vocabularies:
  yes-no: [Yes, No]
  auth: [Spine smartcard, Alternative strong authentication, Other, None]
sections:
  - id: details
    title: Details
    kind: basic-details
    parties: [supplier]
    phases: ["1A", "2"]
    items:
      - {id: BD-PDS, kind: choice, text: Uses PDS, choices: yes-no}
  - id: ig
    title: IG
    kind: ig-security
    parties: [supplier]
    phases: ["2"]
    items:
      - {id: IG-AUTH, kind: action, text: Authentication mechanism, choices: auth}
  - id: reqs
    title: Requirements
    kind: requirements
    parties: [supplier, trust]
    phases: ["2"]
    items:
      - {id: R-01, kind: req, text: Must thing, obligation: must, party: supplier, choices: yes-no}
      - {id: R-02, kind: req, text: Should thing, obligation: should, party: trust, choices: yes-no}
      - {id: R-PDS, kind: req, text: PDS thing, obligation: must, party: supplier, choices: yes-no, applies_when: '@BD-PDS == "Yes"'}
)" + extra_items +
         "rules:\n" + rules;
}

Result<RuleSet> compile_yaml(const std::string& text) {
  auto t = io::parse_template_yaml(text, "mini.yaml");
  if (!t) return std::move(t).error();
  return RuleSet::compile(std::make_shared<const domain::Template>(std::move(t).value()));
}

domain::AnswerSet answers(std::initializer_list<std::pair<const char*, const char*>> list) {
  domain::AnswerSet out;
  for (const auto& [k, v] : list) out[k] = domain::Answer{k, v, "", "", "", "", 1};
  return out;
}

const char* kRules = R"(
  - id: ig-auth
    description: Authentication result
    derive: ig-auth
    value: if @IG-AUTH in ["Spine smartcard", "Alternative strong authentication"] then "PASS" elif @IG-AUTH == "Other" then "CHECK" elif @IG-AUTH == "None" then "FAIL" else null
  - id: ig-overall
    description: Overall IG
    derive: ig-overall
    value: if $ig-auth == "FAIL" then "FAIL" elif $ig-auth == "CHECK" then "CHECK" else $ig-auth
  - id: siro-review
    description: Other mechanism needs SIRO review
    when: '@IG-AUTH == "Other"'
    finding: {kind: review, title: SIRO to review the mechanism, role: siro, party: trust}
  - id: must-non-compliant
    description: Non-compliant must
    each: {section_kind: requirements, obligation: must}
    when: value == "No"
    finding: {kind: escalation, title: Submit to NHS Digital for approval, role: central}
)";

TEST(Engine, DerivesWithExplanations) {
  auto rs = compile_yaml(base_template(kRules));
  ASSERT_TRUE(rs.ok()) << rs.error().describe();
  auto ev = rs->evaluate(answers({{"IG-AUTH", "Other"}}));
  const DerivedResult* overall = ev.find_derived("ig-overall");
  ASSERT_NE(overall, nullptr);
  EXPECT_EQ(overall->value.plain(), "CHECK");
  EXPECT_EQ(overall->explanation, "Overall IG: CHECK because $ig-auth = \"CHECK\"");
  EXPECT_EQ(ev.find_derived("ig-auth")->explanation,
            "Authentication result: CHECK because IG-AUTH = \"Other\"");
  ASSERT_EQ(ev.findings.size(), 1u);
  EXPECT_EQ(ev.findings[0].rule_id, "siro-review");
  EXPECT_EQ(ev.findings[0].key(), "rule:siro-review");
  EXPECT_EQ(ev.findings[0].spec.role, "siro");
}

TEST(Engine, UnansweredGivesNoResultAndNoFinding) {
  auto rs = compile_yaml(base_template(kRules));
  ASSERT_TRUE(rs.ok());
  auto ev = rs->evaluate({});
  EXPECT_TRUE(ev.find_derived("ig-overall")->value.is_null());
  EXPECT_NE(ev.find_derived("ig-overall")->explanation.find("no result yet"), std::string::npos);
  EXPECT_TRUE(ev.findings.empty());
}

TEST(Engine, EachRuleRaisesPerItemAndRespectsScope) {
  auto rs = compile_yaml(base_template(kRules));
  ASSERT_TRUE(rs.ok());
  auto ev = rs->evaluate(answers({{"R-01", "No"}, {"R-02", "No"}, {"R-PDS", "No"}, {"BD-PDS", "No"}}));
  // R-02 is a should; R-PDS is out of scope because BD-PDS is No.
  ASSERT_EQ(ev.findings.size(), 1u);
  EXPECT_EQ(ev.findings[0].item_id, "R-01");
  EXPECT_EQ(ev.findings[0].key(), "rule:must-non-compliant:R-01");
  EXPECT_EQ(ev.findings[0].explanation, "Submit to NHS Digital for approval because R-01 = \"No\"");
  EXPECT_TRUE(ev.out_of_scope.count("R-PDS"));

  ev = rs->evaluate(answers({{"R-PDS", "No"}, {"BD-PDS", "Yes"}}));
  ASSERT_EQ(ev.findings.size(), 1u);
  EXPECT_EQ(ev.findings[0].item_id, "R-PDS");
}

struct CompileError {
  const char* name;
  const char* rules;
  const char* expected;
};

class EngineCompileErrors : public ::testing::TestWithParam<CompileError> {};

TEST_P(EngineCompileErrors, AreReportedWithTheRuleAndLine) {
  auto t = io::parse_template_yaml(base_template(GetParam().rules), "mini.yaml");
  ASSERT_FALSE(t.ok()) << GetParam().name;
  std::string all = t.error().describe();
  EXPECT_NE(all.find(GetParam().expected), std::string::npos) << all;
  EXPECT_NE(all.find("mini.yaml:"), std::string::npos) << all;
}

INSTANTIATE_TEST_SUITE_P(
    Rules, EngineCompileErrors,
    ::testing::Values(
        CompileError{"missing item", "  - {id: r, description: d, derive: x, value: '@NOPE'}\n",
                     "names item 'NOPE', which does not exist"},
        CompileError{"unknown derived", "  - {id: r, description: d, derive: x, value: '$nope'}\n",
                     "names derived value '$nope'"},
        CompileError{"cycle",
                     "  - {id: a, description: d, derive: a, value: '$b'}\n"
                     "  - {id: b, description: d, derive: b, value: '$c'}\n"
                     "  - {id: c, description: d, derive: c, value: '$a'}\n",
                     "rule cycle: $a -> $b -> $c -> $a"},
        CompileError{"value outside each",
                     "  - {id: r, description: d, when: 'value == 1', finding: {kind: risk, title: t}}\n",
                     "has no 'each'"},
        CompileError{"syntax", "  - {id: r, description: d, derive: x, value: 'if @R-01 then 1'}\n",
                     "expected 'else'"},
        CompileError{"unknown section",
                     "  - {id: r, description: d, derive: x, value: 'count(answers(\"zz\"))'}\n",
                     "names section 'zz'"},
        CompileError{"derive twice",
                     "  - {id: a, description: d, derive: x, value: '1'}\n"
                     "  - {id: b, description: d, derive: x, value: '2'}\n",
                     "defined twice"}),
    [](const auto& p) {
      std::string n = p.param.name;
      for (auto& ch : n)
        if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

TEST(Engine, ApplicabilityCycleIsRefused) {
  std::string extra = R"(  - id: extra
    title: Extra
    kind: other
    parties: [trust]
    phases: ["2"]
    items:
      - {id: X-1, kind: action, text: a, applies_when: '@X-2 == "y"'}
      - {id: X-2, kind: action, text: b, applies_when: '@X-1 == "y"'}
)";
  auto t = io::parse_template_yaml(base_template(kRules, extra), "mini.yaml");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().describe().find("applicability cycle"), std::string::npos) << t.error().describe();
}

}  // namespace
}  // namespace tom::rules
