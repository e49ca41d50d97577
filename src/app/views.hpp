#pragma once
// JSON views of the core's values, shared by the CLI's --json output and the HTTP API.
#include <boost/json.hpp>

#include "app/workbench.hpp"
#include "domain/template_diff.hpp"

namespace tom::app {

boost::json::object organisation_json(const domain::Organisation& o);
boost::json::object assessment_json(const domain::Assessment& a);
boost::json::object answer_json(const domain::Answer& a);
boost::json::object finding_json(const domain::Finding& f);
boost::json::object approval_json(const domain::Approval& a);
// Answers changed since a phase was approved: [{item, before, after}].
boost::json::array changes_json(const std::vector<domain::ChangeSinceApproval>& changes);
// today: the date acceptances lapse by (the workbench clock's).
boost::json::object check_json(const CheckReport& r, const std::string& today);
boost::json::object diff_json(const domain::TemplateDiff& d);
boost::json::object audit_event_json(const domain::AuditEvent& e);

// Rule findings merged with what people recorded against them: a stored finding with the same key carries the
// acceptance; rule findings nobody recorded yet are open.
struct FindingView {
  std::string key;
  std::string kind;
  std::string item_id;
  std::string title;
  std::string explanation;
  std::string role;
  std::string party;
  std::string status;  // open | accepted | resolved | lapsed (accepted, but past its expiry)
  const domain::Finding* stored = nullptr;
  bool from_rules = false;
};
std::vector<FindingView> merge_findings(const CheckReport& r, const std::string& today);
// One page of a register in its order: those of `status` (open, accepted, resolved, lapsed; "" for all)
// whose title, item or key hold every word of `q.text`. The register is one assessment's, in memory already;
// a cursor "f.<position>.<key>" names the finding a page ends (or, backward, starts) at, and one whose
// finding has gone from the register is kInvalid.
Result<domain::Page<FindingView>> page_findings(const std::vector<FindingView>& all,
                                                const std::string& status, const domain::ListQuery& q);

// A row of the findings register (API and `tom finding list --json`): the merged view, where it came from
// (rules or a person) and the stored record when there is one.
boost::json::object finding_view_json(const FindingView& f);

// The finding to store for a view: the stored one (to update it), or a new record of what the rules raised.
domain::Finding finding_to_store(const FindingView& v, int64_t assessment_id);
// A new record of a finding the rules raised.
domain::Finding finding_from_rule(const rules::RaisedFinding& f, int64_t assessment_id);

}  // namespace tom::app
