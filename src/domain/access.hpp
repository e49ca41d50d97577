#pragma once
// Who may do what with an assessment. Pure decisions over plain values; the HTTP layer asks, and maps a
// refusal to 403 (or 404 when the caller may not even know the assessment exists).
#include <string>
#include <utility>
#include <vector>

#include "domain/assessment.hpp"
#include "domain/template.hpp"

namespace tom::domain {

// The caller as access sees them.
struct Caller {
  User user;
  Organisation organisation;
  bool central() const { return organisation.type == "central"; }
  bool admin() const { return user.has_role("administrator"); }
};

// The parties the caller's organisation plays in the assessment (empty: not a participant).
std::vector<std::string> parties_of(const Caller& c, const Assessment& a);

// Participants read; the central body reads all, for audit; administrators read all.
bool may_read(const Caller& c, const Assessment& a);

// Whether `party` is in the custody chain while another party holds the TOM: such a party answers only once
// the TOM is handed to it (why_not_answer, and the task list's "Cannot start yet").
bool held_elsewhere(const Template& t, const Assessment& a, const std::string& party);
// "" when allowed, else why not (for the 403 message).
std::string why_not_answer(const Caller& c, const Template& t, const Assessment& a, const Item& item);
// why_not_answer(...).empty() for many items of one assessment, without building a refusal per item: a page
// or list of a section asks it of every item (a 300-item section, tens of thousands of times a second). For
// items that are answerable and filled by no phase decision the answer depends only on the item's party, so
// it is decided once per party. The caller, template and assessment must outlive the check.
class AnswerCheck {
 public:
  AnswerCheck(const Caller& c, const Template& t, const Assessment& a) : c_(c), t_(t), a_(a) {}
  bool may_answer(const Item& item);

 private:
  const Caller& c_;
  const Template& t_;
  const Assessment& a_;
  std::vector<std::pair<std::string, bool>> by_party_;  // few parties: a vector beats a map
};
std::string why_not_handoff(const Caller& c, const Template& t, const Assessment& a,
                            const std::string& to_party);
std::string why_not_submit(const Caller& c, const Template& t, const Assessment& a, const Phase& phase);
std::string why_not_decide(const Caller& c, const Assessment& a, const Phase& phase);
// Four eyes: nobody decides the submission they made themselves (`submitted_by`: the email of the person who
// submitted the phase); another person with the approver role does.
std::string why_not_decide_own(const Caller& c, const Phase& phase, const std::string& submitted_by);
// A finding is accepted (or resolved) by a person holding its role in its party: the party's organisation
// must be the caller's (for the central body's findings: the central body's reviewers).
std::string why_not_accept(const Caller& c, const Assessment& a, const std::string& finding_role,
                           const std::string& finding_party);
std::string why_not_create(const Caller& c, const Template& t, const Assessment& a);
std::string why_not_record_finding(const Caller& c, const Assessment& a);

// The person at the machine running the CLI against a database they can open (its file, or its URL and
// password): whoever can open the database can change it anyway, so they may do what an administrator may.
// They are named in the audit trail by `name` (--user, else the login name).
Caller local_operator(const std::string& name);

// The whole audit trail (every assessment's events) and its verification: central reviewers of the central
// body, and administrators. Everyone else sees the history of the assessments they may read.
bool may_see_whole_audit(const Caller& c);
// Adding templates to the library: administrators only.
std::string why_not_add_template(const Caller& c);
// Reusing an approved TOM for another deploying organisation: its suppliers (the organisations playing a
// supplier party), or an administrator.
std::string why_not_derive(const Caller& c, const Template& t, const Assessment& a);
// Adding organisations and people: administrators only.
std::string why_not_manage_directory(const Caller& c, const std::string& what);
// People listed to the caller: administrators see everyone, others the people of their own organisation.
bool may_see_person(const Caller& c, const User& u);

// The organisation types there are. "central" is the central body (NHS Digital): one organisation, configured
// once.
const std::vector<std::string>& organisation_types();
// "" when an organisation of this type may play the party: suppliers play the supplier parties, NHS
// organisations (trusts, practices, ICBs, others) the end user and commissioner parties, and only the central
// body plays the central party (types_that_play).
const std::vector<std::string>& types_that_play(PartyRole role);
std::string why_not_play(const Party& party, const Organisation& org);

}  // namespace tom::domain
