#include "io/assessment_json.hpp"

#include <gtest/gtest.h>

namespace tom::io {
namespace {

TEST(AssessmentJson, RoundTrips) {
  domain::AssessmentBundle b;
  b.assessment.template_id = "sms-client-tom";
  b.assessment.template_version = "0.10.0";
  b.assessment.product = "Riverside PAS";
  b.participants.push_back({"smsc", domain::Organisation{0, "Riverside", "", "supplier"}});
  b.answers["IG-10"] =
      domain::Answer{"IG-10", "Other", "token based", "DOC-1", "amy", "2026-01-01T00:00:00.000Z", 3};
  domain::Finding f;
  f.key = "rule:x";
  f.kind = "review";
  f.title = "SIRO review";
  f.status = domain::FindingStatus::kAccepted;
  f.accepted_by = "Dr Okafor";
  b.findings.push_back(f);
  domain::Approval a;
  a.phase = "1B";
  a.certificate = "C-1";
  b.approvals.push_back(a);
  std::string text = boost::json::serialize(assessment_bundle_to_json(b));
  auto back = assessment_bundle_from_json(text, "x.json");
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(back->assessment.product, "Riverside PAS");
  EXPECT_EQ(back->answers.at("IG-10").note, "token based");
  EXPECT_EQ(back->answers.at("IG-10").author, "amy");
  EXPECT_EQ(back->findings.at(0).accepted_by, "Dr Okafor");
  EXPECT_EQ(back->approvals.at(0).certificate, "C-1");
  EXPECT_EQ(back->participants.at(0).second.name, "Riverside");
}

TEST(AssessmentJson, EveryProblemIsNamedByItsPlace) {
  std::string text = R"({"format": "tom-assessment/1", "assessment": {"template": 3, "product": "P"},
    "answers": [{"item": "A", "value": 1}, {"value": "x"}], "approvals": [{"phase": "1A", "decision": "maybe"}],
    "surprise": true})";
  auto b = assessment_bundle_from_json(text, "bad.json");
  ASSERT_FALSE(b.ok());
  std::string all = b.error().describe();
  for (const char* want :
       {"assessment.template: must be a string", "assessment.template_version: is required",
        "answers[0].value: must be a string", "answers[1].item: is required",
        "approvals[0].decision: must be approved or rejected", "surprise: unknown field"})
    EXPECT_NE(all.find(want), std::string::npos) << want << " not in:\n" << all;
}

TEST(AssessmentJson, RefusesNonJsonAndDeepNesting) {
  EXPECT_FALSE(assessment_bundle_from_json("not json", "x").ok());
  std::string deep(10000, '[');
  EXPECT_FALSE(assessment_bundle_from_json(deep, "x").ok());
}

}  // namespace
}  // namespace tom::io
