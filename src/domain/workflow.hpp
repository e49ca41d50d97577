#pragma once
// The TOM workflow as pure functions over plain values: where each phase stands, whether go-live is open (and
// why not), deriving a TOM for another deploying organisation, and what differs between two assessments.
#include <map>
#include <string>
#include <vector>

#include "domain/assessment.hpp"
#include "domain/template.hpp"

namespace tom::domain {

enum class PhaseState { kOpen, kSubmitted, kApproved, kRejected };
const char* to_string(PhaseState s);

struct AreaDecision {
  std::string area;  // "" for the whole phase
  const Approval* latest = nullptr;
};

// An answer of a phase that changed after the phase was approved.
struct ChangeSinceApproval {
  std::string item_id;
  std::string before;  // the value the decision was made on ("" for unanswered)
  std::string after;   // the value now
};

struct PhaseStatus {
  const Phase* phase = nullptr;
  PhaseState state = PhaseState::kOpen;
  std::vector<AreaDecision> areas;  // one per area (or one for the whole phase)
  const Submission* submitted = nullptr;
  std::string certificate;  // from the approval, for phases that issue one
  // Answers changed since the approval was given. With the phase's reopen_on_change (the default) a change
  // reopens an approved phase (state open, `reopened` set); otherwise it stays approved and is flagged here.
  std::vector<ChangeSinceApproval> changed;
  bool reopened = false;
};

// The phase's answers a decision is made on (its basis): every answerable item of the phase outside the
// approval-gateway sections (those record the decisions themselves), item id -> value ("" when unanswered).
std::map<std::string, std::string> decision_basis(const Template& t, const Phase& phase,
                                                  const AnswerSet& answers);

// Approvals and submissions in the order they were recorded (ids ascending); answers now, to find approvals
// made stale by a later change.
std::vector<PhaseStatus> phase_statuses(const Template& t, const std::vector<Approval>& approvals,
                                        const std::vector<Submission>& submissions, const AnswerSet& answers);

// A finding as the gate sees it: its kind and whether it is settled (accepted and not lapsed, or resolved).
struct GateFinding {
  std::string key;
  std::string kind;
  std::string title;
  bool settled = false;
};

struct Gate {
  bool open = false;
  std::vector<std::string> reasons;  // why it is closed, in words a project manager reads
};

Gate go_live_gate(const Template& t, const std::vector<PhaseStatus>& phases, const AnswerSet& answers,
                  const std::vector<GateFinding>& findings);

// A new assessment for another deploying organisation from an existing one: the suppliers' answers carried,
// the answers of the end user organisation and the central body left for review, lineage kept.
struct Derivation {
  Assessment assessment;
  AnswerSet answers;
  std::vector<std::string> carried;
  std::vector<std::string> reset;
};
Derivation derive_assessment(const Template& t, const Assessment& from, const AnswerSet& answers,
                             int64_t new_end_user_organisation, const std::string& title);

struct AnswerDifference {
  std::string item_id;
  std::string left;   // value in the first assessment ("" when unanswered)
  std::string right;  // value in the second
  bool note_differs = false;
};
// Items (by id) whose answers differ; items only one template has count as unanswered in the other.
std::vector<AnswerDifference> diff_answers(const AnswerSet& left, const AnswerSet& right);

}  // namespace tom::domain
