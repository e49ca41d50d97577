#pragma once
// Internal to the store: how a kept summary is written, stood as of a day, counted and read back. Shared by
// store/summaries.cpp (the writes and the day's roll-over) and store/summary_queries.cpp (the lists).
#include <string>
#include <vector>

#include "domain/records.hpp"
#include "store/sql/connection.hpp"
#include "store/store.hpp"

namespace tom::store {

// An assessment's status as of a day, from its kept columns: the one definition of RAG. Red: an escalation
// is open or its acceptance lapsed, or less than half is answered. Amber: not complete, or findings open, or
// an acceptance lapsed. Green: complete with nothing open.
struct Standing {
  std::string rag;
  bool escalation = false;  // an escalation open, or its acceptance lapsed
  bool lapsed = false;      // an acceptance lapsed
  bool operator==(const Standing&) const = default;
};
Standing standing_of(int64_t required, int64_t answered, int64_t open_findings, int64_t open_escalations,
                     const std::string& next_lapse, const std::string& next_escalation_lapse,
                     const std::string& day);

// The counters a summary row adds one to (summary_counts): "total", "rag:<RAG>", and "escalation",
// "awaiting", "lapsed", "approved", "mine-central" when they hold.
std::vector<std::string> buckets_of(const Standing& s, int64_t awaiting_acceptance, bool approved,
                                    bool waits_central);
constexpr int64_t kCounterShards = 8;

// Rewrites assessment `id`'s summary (row, detail, waits, lapses, counters) in the caller's transaction.
Status write_summary(sql::Connection& c, int64_t id, const Summariser& summarise, int64_t format);
// Moves every kept status from the day it stands at to `today` (only rows with an acceptance lapsing in
// between change), in the caller's transaction. Only forward: a server whose clock is behind another's (or
// restarted just before midnight) leaves the later day standing, so the servers sharing a database never
// undo each other's roll-over, each of which is done once per process and day.
Status roll_summaries(sql::Connection& c, const std::string& today);

// The counters, summed over their shards (bucket -> count).
Result<std::map<std::string, int64_t>> read_counters(sql::Connection& c);

// Why the row has its status, in words.
std::string why_of(const domain::SummaryRow& r, const std::string& today);

// The detail JSON of a summary (what the columns do not hold, for display only), and back.
std::string detail_json(const domain::AssessmentSummary& s);
Status read_detail(const std::string& text_json, domain::AssessmentSummary& s);

}  // namespace tom::store
