#pragma once
// Plain values that travel between the store, the application layer and the front doors: template
// summaries, audit events and reports, a whole assessment as it is exported and imported, sign-in sessions.
// No behaviour and no I/O: the store fills them, the application layer hands them on.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "domain/assessment.hpp"
#include "domain/next_steps.hpp"

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

// A live session or token with the person it signs in and their organisation, read together: every
// authenticated request needs all three, and one read is a third of the cost of three.
struct LiveSession {
  SessionRecord session;
  User user;
  Organisation organisation;
};

// ---- What the lists show, kept with the writes ----

// Required and answered items of one phase for one party ("" for all phases / all parties).
struct ProgressCount {
  std::string phase;
  std::string party;
  int64_t required = 0;
  int64_t answered = 0;
  bool operator==(const ProgressCount&) const = default;
};

// Who plays a party, with the organisation's name and ODS code as they were when the summary was kept.
struct SummaryPlayer {
  std::string party;
  int64_t organisation_id = 0;
  std::string name;
  std::string ods_code;
  bool operator==(const SummaryPlayer&) const = default;
};

// Everything the assessment lists, the home page and the central audit show about one assessment, worked out
// from its answers, findings and decisions. The store keeps one per assessment, rewritten in the transaction
// of every write that changes the assessment (store::Summariser), so lists read these with SQL and never load
// answers. Date-dependent facts are kept as dates: an accepted finding's expiry, compared with today when
// read.
struct AssessmentSummary {
  int64_t assessment_id = 0;
  std::string template_name;
  std::string end_user;  // the deploying organisation's name ("" when no organisation plays the party yet)
  int64_t required = 0, answered = 0;  // every required item of every phase and party
  int64_t open_findings = 0;           // open now, escalations included; accepted ones are not counted
  int64_t open_escalations = 0;
  int64_t awaiting_acceptance = 0;  // open risks and non-compliances: a role holder may accept them
  // When each accepted finding with an expiry lapses (YYYY-MM-DD), earliest first; true for escalations.
  std::vector<std::pair<std::string, bool>> expiries;
  bool approved = false;                                    // every phase approved
  std::vector<std::pair<std::string, std::string>> phases;  // phase id, state (to_string(PhaseState))
  std::vector<NextStep> steps;                              // whats_waiting()
  // Organisations a step waits for; kCentralBody when a step waits for the central party.
  std::vector<int64_t> waiting_for;
  std::map<std::string, std::string> first_missing_section;  // party -> section of its first missing item
  std::vector<ProgressCount> progress;                       // per phase x party, and the totals
  std::vector<SummaryPlayer> players;
  bool operator==(const AssessmentSummary&) const = default;

  static constexpr int64_t kCentralBody = -1;
};

// Which assessments a list shows. Every filter is optional (empty / 0 / false: not applied).
struct SummaryQuery {
  // Visibility: 0 shows every assessment (the central body, administrators); otherwise only those this
  // organisation takes part in.
  int64_t visible_to = 0;
  std::string template_id, template_version;
  std::string rag;                 // Red | Amber | Green
  std::string phase, phase_state;  // e.g. "1B", "submitted"; phase_state alone: any phase in that state
  int64_t organisation = 0;        // takes part, in any party
  std::string custodian;           // the party holding the TOM
  bool open_escalations = false;
  int expiring_within_days = -1;  // an accepted finding lapses from today to today + N days
  std::string text;               // words in the product, the organisations' names or their ODS codes
  // Grouping of the home page: "mine" (a step waits for `waiting_org`, or for the central body when
  // `central`), "others" (neither mine nor approved), "approved".
  std::string group;
  int64_t waiting_org = 0;
  bool central = false;
  // Order: newest (default), oldest, product, progress (least complete first). Ties: by id.
  std::string sort;
  std::string today;      // YYYY-MM-DD: acceptances before it have lapsed
  std::string cursor;     // from the previous page's next_cursor (or prev_cursor); empty: the first page
  bool backward = false;  // the page before `cursor` (it came from prev_cursor) rather than after it
  int64_t limit = 50;
  bool with_total = true;  // false: SummaryPage::total is not counted (-1), one scan fewer
};

struct SummaryRow {
  Assessment assessment;  // without participants (see summary.players)
  AssessmentSummary summary;
  std::string rag, why;  // Red | Amber | Green, and why, in words
  int64_t lapsed = 0;    // accepted findings past their expiry today
  int64_t percent = 0;   // required items answered
};

struct SummaryPage {
  std::vector<SummaryRow> rows;
  int64_t total = 0;        // rows matching the filters, over every page (-1: not counted)
  std::string next_cursor;  // empty on the last page
  std::string prev_cursor;  // empty on the first page; give it with SummaryQuery::backward
};

// ---- Simple lists, paged: organisations, people, templates, findings, history ----

// One page of a simple list, in its one stable order (by name, then id; templates by id, then version).
struct ListQuery {
  std::string text;                // words that must all appear in the row's name (and ODS code, email, id)
  std::vector<std::string> types;  // organisations: of these types only (empty: of any type)
  std::vector<int64_t> organisations;  // people: of these organisations only (empty: of every organisation)
  std::string cursor;                  // a page's next_cursor, or with backward its prev_cursor
  bool backward = false;
  int64_t limit = 50;  // 1-500
};

template <class T>
struct Page {
  std::vector<T> items;
  int64_t total = 0;        // rows matching the filters, over every page
  std::string next_cursor;  // empty on the last page
  std::string prev_cursor;  // empty on the first page
};

// The RAG counts over every assessment matching a query's filters (its rag, cursor and limit ignored).
struct SummaryCounts {
  int64_t red = 0, amber = 0, green = 0;
  int64_t escalations = 0, awaiting_acceptance = 0, lapsed = 0;  // assessments with any
  int64_t total() const { return red + amber + green; }
};

}  // namespace tom::domain
