#pragma once
// What one assessment is waiting for, and from whom: worked out from where each phase stands, who holds the
// TOM and which required items are still missing. Pure; the home page lists each step under the party it
// waits for, so every party sees what to do next.
#include <string>
#include <vector>

#include "domain/access.hpp"
#include "domain/completeness.hpp"
#include "domain/workflow.hpp"

namespace tom::domain {

enum class StepKind {
  kAnswer,  // the party answers its missing items
  kHandOn,  // the holder has nothing left to fill: it hands the TOM to the next party in the chain
  kSubmit,  // a phase's required items are complete: the holder submits it
  kDecide,  // a phase is submitted: its approver decides
};

struct NextStep {
  StepKind kind = StepKind::kAnswer;
  std::string party;  // the party it waits for
  std::string phase;  // kSubmit, kDecide
  std::string to;     // kHandOn: the party to hand it to
  size_t items = 0;   // kAnswer: how many
  std::string text;   // what to do, in words: "Answer 12 items", "Decide phase 1A (Usage and settings)"
  bool operator==(const NextStep&) const = default;
};

struct Waiting {
  bool approved = false;        // every phase is approved: nothing is waiting
  std::vector<NextStep> steps;  // decisions first, then the holder's work, then other parties' answers
};

// Items of the approval-gateway sections are not counted as work to answer: the phase decisions record them.
// An item is only missing while one of its phases is not yet approved.
Waiting whats_waiting(const Template& t, const Assessment& a, const std::vector<PhaseStatus>& phases,
                      const Completeness& completeness);

// Whether a step waits for the caller's organisation: it plays the step's party, or the step waits for the
// central party and the caller is the central body.
bool waits_for(const Caller& c, const Template& t, const Assessment& a, const NextStep& step);

}  // namespace tom::domain
