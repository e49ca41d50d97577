#pragma once
// Stored rows as domain values, and the audit payload each change records. The writers (sql_store*.cpp) and
// the audit replay (audit_replay.cpp) share these, so what an event says and what the replay compares it with
// cannot drift apart: a payload names every field a row holds, and the replay compares a row's payload with
// the state its events built.
#include <boost/json.hpp>
#include <string>

#include "domain/assessment.hpp"
#include "store/sql/connection.hpp"

namespace tom::store {

// Column orders: answers (item_id, value, note, reference, author, updated_at, version); findings (id,
// assessment_id, key, kind, item_id, title, detail, role, party, owner, mitigation, status, accepted_by,
// accepted_role, accepted_at, expires_on, created_at, version); approvals (id, assessment_id, phase, area,
// decision, reason, outcome, certificate, decided_by, decided_at); handoffs (id, assessment_id, from_party,
// to_party, note, by_user, at). `at` is the first column's index in the row.
domain::Answer answer_from(const sql::Row& r, size_t at = 0);
domain::Finding finding_from(const sql::Row& r, size_t at = 0);
// kInternal when the stored basis is not a JSON object.
Result<domain::Approval> approval_from(const sql::Row& r, size_t at = 0);
domain::Handoff handoff_from(const sql::Row& r, size_t at = 0);

// The `after` (and `before`) JSON of each kind of event: every field of the row.
boost::json::object answer_payload(const domain::Answer& a);
boost::json::object finding_payload(const domain::Finding& f);
boost::json::object approval_payload(const domain::Approval& a);
// The hand-off row, recorded under "handoff" in the hand-off event's `after` (beside the new custodian).
boost::json::object handoff_payload(const domain::Handoff& h);

}  // namespace tom::store
