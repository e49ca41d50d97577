#pragma once
// Plain values that travel between the store, the application layer and the front doors: template
// summaries, audit events and reports, a whole assessment as it is exported and imported, sign-in sessions.
// No behaviour and no I/O: the store fills them, the application layer hands them on.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "domain/assessment.hpp"

namespace tom::domain {

struct TemplateSummary {
  std::string id;
  std::string version;
  std::string name;
  std::string family;
  size_t sections = 0;
  size_t items = 0;
  std::string created_at;
};

struct AuditEvent {
  int64_t seq = 0;
  std::string at;
  std::string actor;
  std::string action;      // e.g. answer.save, template.add
  std::string entity;      // e.g. answer, assessment
  std::string entity_key;  // e.g. "3/OR-01"
  std::string before;      // JSON, empty when none
  std::string after;       // JSON, empty when none
  std::string prev_hash;
  std::string hash;
};

// The head of the audit log at one moment, signed with the audit key (HMAC-SHA-256) so it can be kept
// outside the database and checked later: the log must still hold event last_seq with last_hash, and exactly
// `events` events up to it. See docs/audit.md.
struct AuditHead {
  int64_t events = 0;
  int64_t last_seq = 0;
  std::string last_hash;
  std::string at;      // when it was taken (ISO 8601, UTC)
  std::string key_id;  // names the key (not secret): a head from another key is told apart from an edit
  std::string mac;     // hex HMAC over the fields above
};

struct AuditReport {
  size_t checked = 0;
  size_t unkeyed = 0;  // events written before the chain was keyed (checked with plain SHA-256)
  // One line per problem: an event edited, removed or inserted (naming its sequence number), a cut-back or
  // rewritten log (against a head), or a row that differs from the replay of the events (naming the table,
  // the assessment and the item or key).
  std::vector<std::string> problems;
  AuditHead head;  // the signed head of the log as verified
  bool ok() const { return problems.empty(); }
};

struct AuditFilter {
  std::string entity_prefix;  // e.g. "3/" to see one assessment's answers; empty: all
  int64_t after_seq = 0;
  int64_t limit = 1000;
};

// One page of one assessment's events (its own and those of its answers, findings, approvals, phases).
// Oldest first after `after_seq`; or, with newest_first, newest first before `before_seq` (0: the newest).
struct AuditPage {
  int64_t after_seq = 0;
  int64_t before_seq = 0;
  int64_t limit = 100;
  bool newest_first = false;
};

// A whole assessment as it travels between databases (export / import): organisations by value, matched by
// name on import; answers keep their author and time.
struct AssessmentBundle {
  Assessment assessment;                                           // id, participants ignored on import
  std::vector<std::pair<std::string, Organisation>> participants;  // party -> organisation
  AnswerSet answers;
  std::vector<Finding> findings;
  std::vector<Approval> approvals;
};

struct SessionRecord {
  std::string token_hash;
  int64_t user_id = 0;
  std::string kind;  // "session" (cookie) or "token" (API token)
  std::string name;  // for tokens: what the script is called
  std::string csrf_token;
  std::string created_at;
  std::string expires_at;  // ISO 8601; compared as text
};

}  // namespace tom::domain
