#include "domain/tasks.hpp"

#include <gtest/gtest.h>

namespace tom::domain {
namespace {

// Three parties in the custody chain (provider, client, trust) and a commissioner outside it; a section for
// each of provider and trust, one they share, and one of information only.
Template chain() {
  Template t;
  t.id = "chain";
  t.version = "1";
  t.parties = {{"smsp", "Provider", PartyRole::kProviderSupplier},
               {"smsc", "Client", PartyRole::kClientSupplier},
               {"trust", "Trust", PartyRole::kEndUser},
               {"icb", "Commissioner", PartyRole::kCommissioner}};
  t.custody = {"smsp", "smsc", "trust"};
  t.vocabularies["yn"] = Vocabulary{"yn", {"Yes", "No"}, {}};
  auto item = [](std::string id, std::string party) {
    Item i;
    i.id = std::move(id);
    i.kind = ItemKind::kReq;
    i.text = "x";
    i.party = std::move(party);
    i.answer = AnswerType::kChoice;
    i.choices = "yn";
    i.obligation = Obligation::kMust;
    return i;
  };
  auto section = [](std::string id, std::vector<Item> items) {
    Section s;
    s.id = std::move(id);
    s.title = s.id;
    s.items = std::move(items);
    return s;
  };
  Item info;
  info.id = "INFO";
  info.kind = ItemKind::kInfo;
  info.answer = AnswerType::kNone;
  t.sections = {section("provider", {item("P-1", "smsp"), item("P-2", "smsp")}),
                section("trust", {item("T-1", "trust")}),
                section("shared", {item("S-1", "smsp"), item("S-2", "trust"), item("S-3", "icb")}),
                section("about", {info})};
  return t;
}

// The statuses, section by section, for an organisation playing `mine`.
std::vector<std::string> statuses(const Template& t, const Assessment& a, const AnswerSet& answers,
                                  const std::vector<std::string>& mine) {
  std::vector<Completeness> per_party;
  for (const auto& p : mine) per_party.push_back(assess_completeness(t, answers, {}, {"", p}));
  std::vector<std::string> out;
  for (const auto& task : task_list(t, a, mine, per_party)) out.push_back(to_string(task.status));
  return out;
}

using V = std::vector<std::string>;

TEST(Tasks, EachPartySeesItsOwnSectionsAndWhatItCannotStartWhileAnotherHoldsTheTom) {
  Template t = chain();
  Assessment a;
  a.custodian = "smsp";
  AnswerSet answers;
  EXPECT_EQ(statuses(t, a, answers, {"smsp"}), (V{"Not started", "Not yours", "Not started", "Not yours"}));
  EXPECT_EQ(statuses(t, a, answers, {"trust"}),
            (V{"Not yours", "Cannot start yet", "Cannot start yet", "Not yours"}));
  // The commissioner is outside the chain: it answers at any time.
  EXPECT_EQ(statuses(t, a, answers, {"icb"}), (V{"Not yours", "Not yours", "Not started", "Not yours"}));
  // An organisation with no part here: nothing is its.
  EXPECT_EQ(statuses(t, a, answers, {}), (V{"Not yours", "Not yours", "Not yours", "Not yours"}));

  answers["P-1"] = Answer{"P-1", "Yes", "", "", "", "", 1};
  answers["S-1"] = Answer{"S-1", "No", "", "", "", "", 1};
  EXPECT_EQ(statuses(t, a, answers, {"smsp"}), (V{"In progress", "Not yours", "Completed", "Not yours"}));

  // Handed to the trust: the trust starts; the provider's unfinished section waits until it holds the TOM.
  a.custodian = "trust";
  EXPECT_EQ(statuses(t, a, answers, {"trust"}), (V{"Not yours", "Not started", "Not started", "Not yours"}));
  EXPECT_EQ(statuses(t, a, answers, {"smsp"}),
            (V{"Cannot start yet", "Not yours", "Completed", "Not yours"}));
  auto tasks = task_list(t, a, {"smsp"}, {assess_completeness(t, answers, {}, {"", "smsp"})});
  EXPECT_EQ(tasks[0].held_by, "trust");
  EXPECT_EQ(tasks[0].answered, 1u);
  EXPECT_EQ(tasks[0].required, 2u);
}

TEST(Tasks, AnOrganisationPlayingTwoPartiesCountsBothAndTheOwnersAreNamedInTemplateOrder) {
  Template t = chain();
  Assessment a;
  a.custodian = "trust";
  AnswerSet answers;
  answers["S-2"] = Answer{"S-2", "Yes", "", "", "", "", 1};
  std::vector<std::string> mine{"trust", "icb"};
  std::vector<Completeness> per_party;
  for (const auto& p : mine) per_party.push_back(assess_completeness(t, answers, {}, {"", p}));
  auto tasks = task_list(t, a, mine, per_party);
  ASSERT_EQ(tasks.size(), 4u);
  EXPECT_EQ(tasks[2].status, TaskStatus::kInProgress);
  EXPECT_EQ(tasks[2].required, 2u);  // S-2 (trust) and S-3 (commissioner)
  EXPECT_EQ(tasks[2].answered, 1u);
  EXPECT_EQ(tasks[2].owners, (V{"smsp", "trust", "icb"}));
  EXPECT_TRUE(tasks[3].owners.empty()) << "an information section has no one to answer it";
  answers["S-3"] = Answer{"S-3", "No", "", "", "", "", 1};
  per_party = {assess_completeness(t, answers, {}, {"", "trust"}),
               assess_completeness(t, answers, {}, {"", "icb"})};
  EXPECT_EQ(task_list(t, a, mine, per_party)[2].status, TaskStatus::kCompleted);
}

}  // namespace
}  // namespace tom::domain
