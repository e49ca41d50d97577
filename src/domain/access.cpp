#include "domain/access.hpp"

#include <algorithm>

namespace tom::domain {

namespace {
bool editor(const User& u) {
  return u.has_role("editor") || u.has_role("siro") || u.has_role("clinical-safety-officer");
}
bool plays(const Caller& c, const Assessment& a, const std::string& party) {
  auto ps = parties_of(c, a);
  return std::find(ps.begin(), ps.end(), party) != ps.end();
}
}  // namespace

std::vector<std::string> parties_of(const Caller& c, const Assessment& a) {
  std::vector<std::string> out;
  for (const auto& p : a.participants)
    if (p.organisation_id == c.organisation.id) out.push_back(p.party);
  return out;
}

bool may_read(const Caller& c, const Assessment& a) {
  return c.central() || c.admin() || !parties_of(c, a).empty();
}

bool held_elsewhere(const Template& t, const Assessment& a, const std::string& party) {
  bool in_chain = std::find(t.custody.begin(), t.custody.end(), party) != t.custody.end();
  return in_chain && !a.custodian.empty() && a.custodian != party;
}

std::string why_not_answer(const Caller& c, const Template& t, const Assessment& a, const Item& item) {
  if (!item.answerable()) return "item " + item.id + " is information only";
  if (const Phase* ph = t.recorded_by(item.id))
    return "item " + item.id + " is filled by the phase " + ph->id + " decision (see the approvals)";
  const Party* owner = t.find_party(item.party);
  bool central_item = owner && owner->role == PartyRole::kCentral;
  if (central_item) {
    if (c.central() && c.user.has_role("central-reviewer")) return "";
    return "item " + item.id + " is answered by the central body's reviewers";
  }
  if (!editor(c.user)) return "your roles do not include editing answers";
  if (!plays(c, a, item.party))
    return "item " + item.id + " belongs to party " + item.party +
           ", which your organisation does not play here";
  // Parties in the custody chain answer while they hold the TOM; others (e.g. the commissioner) at any time.
  if (held_elsewhere(t, a, item.party))
    return "the TOM is with party " + a.custodian + " now; it must be handed to " + item.party + " first";
  return "";
}

bool AnswerCheck::may_answer(const Item& item) {
  if (!item.answerable() || t_.recorded_by(item.id)) return false;
  for (const auto& [party, may] : by_party_)
    if (party == item.party) return may;
  bool may = why_not_answer(c_, t_, a_, item).empty();
  by_party_.emplace_back(item.party, may);
  return may;
}

std::string why_not_handoff(const Caller& c, const Template& t, const Assessment& a,
                            const std::string& to_party) {
  if (!editor(c.user)) return "your roles do not include handing the TOM on";
  if (!plays(c, a, a.custodian)) return "only the party holding the TOM (" + a.custodian + ") hands it on";
  if (std::find(t.custody.begin(), t.custody.end(), to_party) == t.custody.end())
    return "party " + to_party + " is not in this TOM's custody chain";
  if (to_party == a.custodian) return "the TOM is already with " + to_party;
  if (a.organisation_for(to_party) == 0)
    return "no organisation plays party " + to_party + " in this assessment";
  return "";
}

std::string why_not_submit(const Caller& c, const Template&, const Assessment& a, const Phase& phase) {
  if (!editor(c.user) && !c.user.has_role("approver")) return "your roles do not include submitting a phase";
  if (!plays(c, a, a.custodian))
    return "only the party holding the TOM (" + a.custodian + ") submits phase " + phase.id;
  return "";
}

std::string why_not_decide(const Caller& c, const Assessment& a, const Phase& phase) {
  if (!plays(c, a, phase.approver) && !(c.central() && phase.approver == "central"))
    return "phase " + phase.id + " is approved by party " + phase.approver +
           ", which your organisation does not play";
  bool role = c.central() ? c.user.has_role("central-reviewer") || c.user.has_role("approver")
                          : c.user.has_role("approver");
  if (!role) return "approving phase " + phase.id + " needs the approver role";
  return "";
}

std::string why_not_decide_own(const Caller& c, const Phase& phase, const std::string& submitted_by) {
  if (submitted_by != c.user.email) return "";
  return "you submitted phase " + phase.id + "; another person with the approver role decides it";
}

std::string why_not_accept(const Caller& c, const Assessment& a, const std::string& role,
                           const std::string& party) {
  if (parties_of(c, a).empty() && !c.central()) return "your organisation takes no part in this assessment";
  std::string needed = role == "central" || role == "clinical-safety-group" ? "central-reviewer"
                       : role == "owner" || role.empty()                    ? "approver"
                                                                            : role;
  if (!c.user.has_role(needed)) return "accepting this finding needs the " + needed + " role";
  if ((needed == "central-reviewer") != c.central())
    return needed == "central-reviewer" ? "only the central body accepts this finding"
                                        : "the central body does not accept the parties' risks";
  // A party's risk is accepted inside that party: a supplier's SIRO does not accept the trust's risk.
  if (needed != "central-reviewer" && !party.empty() && !plays(c, a, party))
    return "this finding is accepted by the " + needed + " of party " + party +
           ", which your organisation does not play";
  return "";
}

std::string why_not_create(const Caller& c, const Template& t, const Assessment& a) {
  if (c.admin()) return "";
  if (!editor(c.user)) return "your roles do not include starting an assessment";
  if (t.custody.empty() || !plays(c, a, t.custody.front()))
    return "an assessment is started by the organisation playing " +
           (t.custody.empty() ? std::string("the first party") : t.custody.front());
  return "";
}

std::string why_not_record_finding(const Caller& c, const Assessment& a) {
  if (parties_of(c, a).empty() && !c.central()) return "your organisation takes no part in this assessment";
  if (!editor(c.user) && !c.user.has_role("approver") && !c.user.has_role("central-reviewer"))
    return "your roles do not include recording findings";
  return "";
}

Caller local_operator(const std::string& name) {
  Caller c;
  c.user.email = name;
  c.user.name = name + " (local operator)";
  c.user.roles = {"administrator"};
  c.organisation.name = "local operator";
  return c;
}

std::string why_not_add_template(const Caller& c) {
  return c.admin() ? "" : "only administrators add templates";
}

std::string why_not_derive(const Caller& c, const Template& t, const Assessment& a) {
  if (c.admin()) return "";
  for (const auto& p : parties_of(c, a))
    if (const Party* party = t.find_party(p))
      if (party->role == PartyRole::kProviderSupplier || party->role == PartyRole::kClientSupplier) return "";
  return "a TOM is reused by its suppliers";
}

bool may_see_whole_audit(const Caller& c) {
  return c.admin() || (c.central() && c.user.has_role("central-reviewer"));
}

std::string why_not_manage_directory(const Caller& c, const std::string& what) {
  return c.admin() ? "" : "only administrators add " + what;
}

bool may_see_person(const Caller& c, const User& u) {
  return c.admin() || u.organisation_id == c.organisation.id;
}

const std::vector<std::string>& organisation_types() {
  static const std::vector<std::string> types = {"supplier", "nhs-trust", "gp-practice",
                                                 "icb",      "central",   "other"};
  return types;
}

const std::vector<std::string>& types_that_play(PartyRole role) {
  static const std::vector<std::string> suppliers = {"supplier"};
  static const std::vector<std::string> nhs = {"nhs-trust", "gp-practice", "icb", "other"};
  static const std::vector<std::string> central = {"central"};
  switch (role) {
    case PartyRole::kProviderSupplier:
    case PartyRole::kClientSupplier:
      return suppliers;
    case PartyRole::kEndUser:
    case PartyRole::kCommissioner:
      return nhs;
    case PartyRole::kCentral:
      break;
  }
  return central;
}

std::string why_not_play(const Party& party, const Organisation& org) {
  const auto& types = types_that_play(party.role);
  bool ok = std::find(types.begin(), types.end(), org.type) != types.end();
  if (ok) return "";
  if (party.role == PartyRole::kCentral)
    return org.name + " cannot play " + party.name +
           ": only the central body (an organisation of type central) does";
  return org.name + " (" + (org.type.empty() ? std::string("no type") : org.type) + ") cannot play " +
         party.name + " (" + to_string(party.role) + ")";
}

}  // namespace tom::domain
