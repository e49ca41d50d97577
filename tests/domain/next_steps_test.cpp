#include "domain/next_steps.hpp"

#include <gtest/gtest.h>

namespace tom::domain {
namespace {

// A supplier -> trust chain; central approves 1A, the trust phase 2; the ICB (commissioner) answers outside
// the chain.
Template chain() {
  Template t;
  t.id = "chain";
  t.version = "1";
  t.parties = {{"supplier", "Supplier", PartyRole::kClientSupplier},
               {"trust", "Trust", PartyRole::kEndUser},
               {"icb", "ICB", PartyRole::kCommissioner},
               {"central", "NHS Digital", PartyRole::kCentral}};
  t.custody = {"supplier", "trust"};
  Phase p1;
  p1.id = "1A";
  p1.name = "Usage";
  p1.approver = "central";
  Phase p2;
  p2.id = "2";
  p2.name = "Full evaluation";
  p2.approver = "trust";
  t.phases = {p1, p2};
  Section s;
  s.id = "s";
  auto item = [](std::string id, std::string party, std::vector<std::string> phases,
                 ItemKind kind = ItemKind::kReq) {
    Item i;
    i.id = std::move(id);
    i.kind = kind;
    i.party = std::move(party);
    i.answer = AnswerType::kText;
    i.phases = std::move(phases);
    return i;
  };
  s.items = {item("S-1", "supplier", {"1A"}), item("S-2", "supplier", {"2"}), item("T-1", "trust", {"2"}),
             item("C-1", "icb", {"2"})};
  Section gateways;
  gateways.id = "gateways";
  gateways.kind = SectionKind::kApprovalGateways;
  gateways.items = {item("AG-1", "central", {"1A"}, ItemKind::kApproval),
                    item("AG-2", "central", {"1A"}, ItemKind::kContact)};
  t.sections = {s, gateways};
  return t;
}

Assessment held_by(const std::string& party) {
  Assessment a;
  a.id = 7;
  a.custodian = party;
  a.participants = {{"supplier", 1}, {"trust", 2}, {"icb", 3}, {"central", 4}};
  return a;
}

Completeness missing(std::initializer_list<std::pair<const char*, const char*>> items, const Template& t) {
  Completeness c;
  for (const auto& [id, party] : items) {
    const Item* i = t.find_item(id);
    c.missing.push_back(
        {id, std::string(id).rfind("AG-", 0) == 0 ? "gateways" : "s", party, i->phases, "not answered"});
  }
  return c;
}

std::vector<PhaseStatus> statuses(const Template& t, std::vector<PhaseState> states) {
  std::vector<PhaseStatus> out;
  for (size_t i = 0; i < t.phases.size(); ++i) {
    PhaseStatus st;
    st.phase = &t.phases[i];
    st.state = states[i];
    out.push_back(st);
  }
  return out;
}

std::vector<std::string> texts(const Waiting& w) {
  std::vector<std::string> out;
  for (const auto& s : w.steps) out.push_back(s.party + ": " + s.text);
  return out;
}

TEST(NextSteps, TheHolderAnswersItsOwnItemsFirst) {
  Template t = chain();
  auto w = whats_waiting(t, held_by("supplier"), statuses(t, {PhaseState::kOpen, PhaseState::kOpen}),
                         missing({{"S-1", "supplier"},
                                  {"S-2", "supplier"},
                                  {"T-1", "trust"},
                                  {"C-1", "icb"},
                                  {"AG-1", "central"},
                                  {"AG-2", "central"}},
                                 t));
  EXPECT_FALSE(w.approved);
  // The trust's item waits for the hand-on; the ICB answers outside the chain; the approval gateways (even
  // their contact items) are filled by the decisions.
  EXPECT_EQ(texts(w), (std::vector<std::string>{"supplier: Answer 2 items", "icb: Answer 1 item"}));
}

TEST(NextSteps, AHolderWithNothingToFillHandsItOnAndSubmitsCompletePhases) {
  Template t = chain();
  auto w = whats_waiting(t, held_by("supplier"), statuses(t, {PhaseState::kOpen, PhaseState::kOpen}),
                         missing({{"T-1", "trust"}}, t));
  EXPECT_EQ(texts(w), (std::vector<std::string>{"supplier: Hand it on to Trust",
                                                "supplier: Submit phase 1A (Usage) for approval"}));
  EXPECT_EQ(w.steps[0].kind, StepKind::kHandOn);
  EXPECT_EQ(w.steps[0].to, "trust");
}

TEST(NextSteps, ASubmittedPhaseWaitsForItsApprover) {
  Template t = chain();
  auto w = whats_waiting(t, held_by("trust"), statuses(t, {PhaseState::kSubmitted, PhaseState::kOpen}),
                         missing({{"T-1", "trust"}}, t));
  EXPECT_EQ(texts(w), (std::vector<std::string>{"central: Decide phase 1A (Usage)", "trust: Answer 1 item"}));
  EXPECT_EQ(w.steps[0].kind, StepKind::kDecide);
}

TEST(NextSteps, ARejectedCompletePhaseIsSubmittedAgain) {
  Template t = chain();
  auto w = whats_waiting(t, held_by("trust"), statuses(t, {PhaseState::kApproved, PhaseState::kRejected}),
                         missing({}, t));
  EXPECT_EQ(texts(w), (std::vector<std::string>{"trust: Submit phase 2 (Full evaluation) for approval"}));
}

TEST(NextSteps, MissingItemsOfApprovedPhasesNoLongerWait) {
  Template t = chain();
  auto w = whats_waiting(t, held_by("trust"), statuses(t, {PhaseState::kApproved, PhaseState::kSubmitted}),
                         missing({{"S-1", "supplier"}}, t));
  EXPECT_EQ(texts(w), (std::vector<std::string>{"trust: Decide phase 2 (Full evaluation)"}));
}

TEST(NextSteps, AFullyApprovedTomWaitsForNobody) {
  Template t = chain();
  auto w = whats_waiting(t, held_by("trust"), statuses(t, {PhaseState::kApproved, PhaseState::kApproved}),
                         missing({{"T-1", "trust"}}, t));
  EXPECT_TRUE(w.approved);
  EXPECT_TRUE(w.steps.empty());
}

TEST(NextSteps, StepsWaitForTheOrganisationPlayingThePartyOrTheCentralBody) {
  Template t = chain();
  Assessment a = held_by("trust");
  a.participants = {{"supplier", 1}, {"trust", 2}};  // the central body is not a participant here
  NextStep decide{StepKind::kDecide, "central", "1A", "", 0, "Decide phase 1A"};
  NextStep answer{StepKind::kAnswer, "trust", "", "", 1, "Answer 1 item"};
  Caller trust{User{}, Organisation{2, "Trust", "", "nhs-trust"}};
  Caller central{User{}, Organisation{9, "NHS Digital", "", "central"}};
  Caller supplier{User{}, Organisation{1, "Supplier", "", "supplier"}};
  EXPECT_TRUE(waits_for(trust, t, a, answer));
  EXPECT_FALSE(waits_for(trust, t, a, decide));
  EXPECT_TRUE(waits_for(central, t, a, decide));
  EXPECT_FALSE(waits_for(central, t, a, answer));
  EXPECT_FALSE(waits_for(supplier, t, a, answer));
  EXPECT_FALSE(waits_for(supplier, t, a, decide));
}

}  // namespace
}  // namespace tom::domain
