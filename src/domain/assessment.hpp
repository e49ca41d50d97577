#pragma once
// Assessments and what is recorded against them: answers, findings, approvals, organisations. Plain values.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tom::domain {

struct Organisation {
  int64_t id = 0;
  std::string name;
  std::string ods_code;  // NHS Organisation Data Service code, may be empty for suppliers
  std::string type;      // e.g. supplier, nhs-trust, gp-practice, icb, central
};

// Which organisation plays which party of the template in one assessment.
struct Participant {
  std::string party;  // template party id
  int64_t organisation_id = 0;
};

struct Assessment {
  int64_t id = 0;
  std::string template_id;
  std::string template_version;
  std::string product;
  std::string product_version;
  std::string title;  // free text, e.g. "PDS lookup at Lakeside"
  std::vector<Participant> participants;
  std::string custodian;     // party currently holding the TOM
  int64_t derived_from = 0;  // lineage: the assessment this was reused from, 0 for none
  std::string created_at;    // ISO 8601 UTC
  std::string created_by;

  std::string template_ref() const { return template_id + "@" + template_version; }
  int64_t organisation_for(const std::string& party) const;
};

// An answer to one item. `version` counts saves of this answer, starting at 1; a writer must name the version
// it read (0 when it saw none) and a mismatch is refused.
struct Answer {
  std::string item_id;
  std::string value;
  std::string note;
  std::string reference;
  std::string author;
  std::string updated_at;
  int64_t version = 0;
};

using AnswerSet = std::map<std::string, Answer>;  // by item id

enum class FindingStatus { kOpen, kAccepted, kResolved };

struct Finding {
  int64_t id = 0;
  int64_t assessment_id = 0;
  std::string key;   // "rule:<rule-id>[:<item-id>]" for findings the rules raise, "manual:<time>:<email>" for
                     // a person's (app::record_finding)
  std::string kind;  // non-compliance | risk | escalation | review
  std::string item_id;  // may be empty
  std::string title;
  std::string detail;  // explanation
  std::string role;    // who must act on / accept it
  std::string party;
  std::string owner;  // named person responsible
  std::string mitigation;
  FindingStatus status = FindingStatus::kOpen;
  std::string accepted_by;    // named person
  std::string accepted_role;  // role under which it was accepted
  std::string accepted_at;
  std::string expires_on;  // YYYY-MM-DD, acceptance lapses after it
  std::string created_at;
  int64_t version = 0;
};

const char* to_string(FindingStatus s);
std::optional<FindingStatus> finding_status_from(const std::string& s);

enum class Decision { kApproved, kRejected };

// A gateway decision on one area of a phase (or the whole phase when area is empty).
struct Approval {
  int64_t id = 0;
  int64_t assessment_id = 0;
  std::string phase;
  std::string area;
  Decision decision = Decision::kApproved;
  std::string reason;
  std::string outcome;      // outcome statement
  std::string certificate;  // certificate number, for phases that issue one
  std::string decided_by;
  std::string decided_at;
  // Why the phase was approved although required items were missing (empty: it was complete).
  std::string override_reason;
  // The phase's answers (item id -> value, "" for unanswered) the decision was made on: a later change to one
  // of them makes the approval stale.
  std::map<std::string, std::string> basis;
};

const char* to_string(Decision d);

// One step of the custody chain: the TOM passed from one party to another.
struct Handoff {
  int64_t id = 0;
  int64_t assessment_id = 0;
  std::string from_party;
  std::string to_party;
  std::string note;
  std::string by;
  std::string at;
};

// A party declaring a phase's part ready for its approver.
struct Submission {
  int64_t id = 0;
  int64_t assessment_id = 0;
  std::string phase;
  std::string by;
  std::string at;
};

// A person who signs in. Roles: editor, approver, siro, clinical-safety-officer, central-reviewer,
// administrator.
struct User {
  int64_t id = 0;
  std::string email;
  std::string name;
  int64_t organisation_id = 0;
  std::vector<std::string> roles;

  bool has_role(const std::string& role) const;
};
std::optional<Decision> decision_from(const std::string& s);

}  // namespace tom::domain
