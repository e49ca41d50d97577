#pragma once
// Replays the audit events into the state they say the audited rows should have, and compares that with the
// rows: an answer, finding, approval, custodian, hand-off, template, organisation or user changed, added or
// removed without an event is named by its table, its assessment and its item or key. (Participants, template
// versions, submissions and sessions are not replayed.)
#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

#include "store/sql/connection.hpp"
#include "store/store.hpp"

namespace tom::store {

class AuditReplay {
 public:
  // Folds one event (in sequence order) into the replayed state: the members of its `after` overwrite those
  // of the entity it names; an event with a `before` and no `after` removes the entity.
  void apply(const AuditEvent& e);

  // Reads the audited tables (inside the caller's snapshot) and appends a problem for every row that
  // differs from the replay. Only fields both sides record are compared: events written before a field was
  // recorded say nothing about it.
  Status compare(sql::Connection& conn, std::vector<std::string>& problems) const;

 private:
  struct State {
    std::string entity;  // the event's entity: answer, finding, approval, assessment, template, ...
    boost::json::object fields;
    int64_t seq = 0;  // the last event that changed it
  };
  std::map<std::string, State> entities_;  // by entity key
  // Hand-off rows by assessment and id, from the "handoff" member of assessment.handoff events.
  std::map<int64_t, std::map<int64_t, State>> handoffs_;
  // Hand-off events written before they recorded the row: that many rows of the assessment cannot be matched.
  std::map<int64_t, size_t> unrecorded_handoffs_;
};

}  // namespace tom::store
