#pragma once
// What the pages say in words instead of keys: dates as people write them, derived results and items by name
// instead of `$ig-overall`, people by name instead of email, and each history event as what changed.
// Pure functions over plain values (no store access); the page handlers gather the inputs.
#include <map>
#include <string>
#include <vector>

#include "domain/records.hpp"
#include "domain/template.hpp"
#include "rules/engine.hpp"

namespace tom::web {

// "2026-12-01T20:18:05.123Z" -> "1 December 2026 at 20:18", in UK time (BST, UTC+1, from 01:00 UTC on the
// last Sunday of March to 01:00 UTC on the last Sunday of October). Text that is not such a timestamp is
// returned as it is.
std::string when_in_words(const std::string& iso);

// "2027-03-31" (or the date part of a timestamp) -> "31 March 2027"; other text is returned as it is.
std::string day_in_words(const std::string& date);

// A derived value's name for people: its description up to the first " (" or ": " ("Overall IG result",
// "Clinical safety sign-off level"), else the name itself.
std::string result_name(const domain::Template& t, const std::string& derived);

// "a", "a and b", "a, b and c".
std::string list_in_words(const std::vector<std::string>& parts);

// What an explanation read, in words: `Because IG-16 is "Yes" and Overall IG result is FAIL.` ("" for none).
std::string because_in_words(const domain::Template& t, const std::vector<rules::Read>& reads);

// For explanations built elsewhere as text: each `$name` of a derived value becomes its result_name, and a
// finding key in braces (` {rule:...}`) is dropped.
std::string keys_in_words(const domain::Template& t, const std::string& text);

// A role as people say it: "siro" -> "the SIRO", "clinical-safety-officer" -> "the clinical safety officer".
std::string role_in_words(const std::string& role);

// One derived result as the pages show it.
struct ResultView {
  std::string name;         // result_name
  std::string description;  // the rule's full description
  std::string value;        // "" while it has no result yet
  std::string because;      // because_in_words
  bool overall = false;     // no other derived value is built from it (the IG result, the sign-off level)
  std::vector<std::string> items;  // every item it depends on, directly or through other derived values
};
// In rule order; `overall` ones are what the TOM's spreadsheet showed as its results.
std::vector<ResultView> result_views(const domain::Template& t, const rules::Evaluation& e);

// One audit event of an assessment's history, in words. `people` maps email to name; `parties` party id to
// name.
struct EventWords {
  std::string when;
  std::string who;
  std::string what;    // e.g. "Changed the answer to IG-16"
  std::string detail;  // e.g. "From No to Yes. Note: see the IG pack."
};
EventWords event_in_words(const domain::AuditEvent& e, const domain::Template& t,
                          const std::map<std::string, std::string>& people);

}  // namespace tom::web
