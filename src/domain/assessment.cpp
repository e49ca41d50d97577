#include "domain/assessment.hpp"

namespace tom::domain {

int64_t Assessment::organisation_for(const std::string& party) const {
  for (const auto& p : participants)
    if (p.party == party) return p.organisation_id;
  return 0;
}

bool User::has_role(const std::string& role) const {
  for (const auto& r : roles)
    if (r == role) return true;
  return false;
}

const char* to_string(FindingStatus s) {
  switch (s) {
    case FindingStatus::kOpen:
      return "open";
    case FindingStatus::kAccepted:
      return "accepted";
    case FindingStatus::kResolved:
      return "resolved";
  }
  return "open";
}
std::optional<FindingStatus> finding_status_from(const std::string& s) {
  if (s == "open") return FindingStatus::kOpen;
  if (s == "accepted") return FindingStatus::kAccepted;
  if (s == "resolved") return FindingStatus::kResolved;
  return std::nullopt;
}
const char* to_string(Decision d) {
  return d == Decision::kApproved ? "approved" : "rejected";
}
std::optional<Decision> decision_from(const std::string& s) {
  if (s == "approved") return Decision::kApproved;
  if (s == "rejected") return Decision::kRejected;
  return std::nullopt;
}

}  // namespace tom::domain
