// Runs the data-driven tables of domain/access and domain/workflow (tests/domain/README.md): a scene
// (template, organisations, participants, custody, what happened to the phases) and rows `actor action args
// -> expected` or `query args -> expected`, each calling the real domain function. Adding a case is adding a
// row.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <sstream>

#include "domain/access.hpp"
#include "domain/completeness.hpp"
#include "domain/workflow.hpp"
#include "support/test_support.hpp"

namespace tom::domain {
namespace {

namespace fs = std::filesystem;

// ---- the format ----

enum class LineKind { kScene, kActorRow, kQueryRow };
// What a row expects: a decision (allowed, or refused with words of the reason) or a value.
enum class Expect { kAllowed, kRefused, kValue };
// What a verb answers, which fixes the expectations its rows may write.
enum class Answers { kNothing, kReason, kYesNo, kValue, kGate };

struct Verb {
  const char* name;
  size_t min_args, max_args;
  Answers answers;
};

constexpr size_t kAny = 999;

// Rows with an actor: one per decision function of domain/access.
const Verb kActions[] = {
    {"read", 0, 0, Answers::kYesNo},
    {"parties", 0, 0, Answers::kValue},
    {"answer", 1, 1, Answers::kReason},
    {"handoff", 1, 1, Answers::kReason},
    {"submit", 1, 1, Answers::kReason},
    {"decide", 1, 1, Answers::kReason},
    {"accept", 2, 2, Answers::kReason},
    {"create", 0, 0, Answers::kReason},
    {"record-finding", 0, 0, Answers::kReason},
    {"play", 1, 1, Answers::kReason},
    {"reuse", 0, 0, Answers::kReason},
    {"whole-audit", 0, 0, Answers::kYesNo},
    {"add-template", 0, 0, Answers::kReason},
    {"add-organisation", 0, 0, Answers::kReason},
};
// Rows without an actor: where the assessment stands (domain/workflow).
const Verb kQueries[] = {
    {"phase", 1, 1, Answers::kValue},        {"area", 2, 2, Answers::kValue},
    {"gate", 0, 1, Answers::kGate},          {"record", 1, 2, Answers::kValue},
    {"carried", 0, 0, Answers::kValue},      {"reset", 0, 0, Answers::kValue},
    {"differs", 0, 0, Answers::kValue},      {"participants", 0, 0, Answers::kValue},
    {"custodian", 0, 0, Answers::kValue},    {"title", 0, 0, Answers::kValue},
    {"derived-from", 0, 0, Answers::kValue},
};
// Lines that set or change the scene.
const Verb kScene[] = {
    {"template", 1, 1, Answers::kNothing},      {"scene", 0, kAny, Answers::kNothing},
    {"org", 2, 2, Answers::kNothing},           {"participant", 2, 2, Answers::kNothing},
    {"custodian", 1, 1, Answers::kNothing},     {"title", 1, kAny, Answers::kNothing},
    {"answered", 1, kAny, Answers::kNothing},   {"unanswered", 1, 1, Answers::kNothing},
    {"noted", 2, kAny, Answers::kNothing},      {"submitted", 1, 3, Answers::kNothing},
    {"approved", 1, kAny, Answers::kNothing},   {"rejected", 1, kAny, Answers::kNothing},
    {"on-change", 2, 2, Answers::kNothing},     {"finding", 4, kAny, Answers::kNothing},
    {"reused-for", 1, kAny, Answers::kNothing},
};

// The roles a User names (domain/assessment.hpp): a misspelt role would make a row pass for the wrong reason.
const std::vector<std::string> kRoles = {
    "editor", "approver", "siro", "clinical-safety-officer", "central-reviewer", "administrator"};

struct TableLine {
  int line = 0;
  LineKind kind = LineKind::kScene;
  std::string org;                 // actor rows: the caller's organisation, by its scene name
  std::vector<std::string> roles;  // actor rows: the caller's roles
  std::string verb;
  std::vector<std::string> args;  // the words after the verb (left of "->")
  std::string rest;               // the text after the verb, for free-text scene lines
  Expect expect = Expect::kValue;
  std::string expected;  // refused: words the reason must contain; a value: the value
  std::string text;      // the line as written, for messages
};

struct TableFile {
  std::string file;
  std::vector<TableLine> lines;
};

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> words_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string join(const std::vector<std::string>& v, const std::string& sep = " ") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

// Values compare with runs of spaces made one, so tables may align their columns.
std::string normalised(const std::string& s) {
  return join(words_of(s));
}

// The text after the first `n` words.
std::string after_words(const std::string& s, size_t n) {
  size_t pos = 0;
  for (size_t i = 0; i < n && pos != std::string::npos; ++i) {
    pos = s.find_first_not_of(" \t", pos);
    if (pos != std::string::npos) pos = s.find_first_of(" \t", pos);
  }
  return pos == std::string::npos ? "" : trim(s.substr(pos));
}

const Verb* find_verb(const Verb* begin, const Verb* end, const std::string& name) {
  auto it = std::find_if(begin, end, [&](const Verb& v) { return name == v.name; });
  return it == end ? nullptr : it;
}

// A decision line: `approved PHASE [AREA] [certificate NUMBER] [override REASON...]` or
// `rejected PHASE [AREA] because REASON...`. Returns why not, "" when well formed.
std::string decode_decision(const std::vector<std::string>& w, Approval& ap) {
  ap = Approval{};
  ap.phase = w.at(0);
  ap.decision = Decision::kApproved;
  size_t i = 1;
  auto keyword = [](const std::string& s) { return s == "certificate" || s == "override" || s == "because"; };
  if (i < w.size() && !keyword(w[i])) ap.area = w[i++];
  while (i < w.size()) {
    std::string k = w[i++];
    if (k == "certificate") {
      if (i >= w.size()) return "'certificate' needs a number";
      ap.certificate = w[i++];
    } else if (k == "override" || k == "because") {
      std::vector<std::string> words(w.begin() + static_cast<long>(i), w.end());
      if (words.empty()) return "'" + k + "' needs its reason";
      (k == "override" ? ap.override_reason : ap.reason) = join(words);
      i = w.size();
    } else {
      return "unexpected '" + k + "' (PHASE [AREA] [certificate NUMBER] [override REASON] [because REASON])";
    }
  }
  return "";
}

// Where a row's " -> " is (also at the end of a line that forgot what it expects); npos for a scene line.
size_t find_arrow(const std::string& s) {
  for (size_t pos = s.find(" ->"); pos != std::string::npos; pos = s.find(" ->", pos + 1))
    if (pos + 3 == s.size() || s[pos + 3] == ' ' || s[pos + 3] == '\t') return pos;
  return std::string::npos;
}

using Complain = std::function<void(const std::string&)>;

// `ORG:ROLE,ROLE` (or `ORG:-`) into the row's organisation and roles.
void parse_actor(const std::string& word, TableLine& l, const Complain& bad) {
  size_t colon = word.find(':');
  l.org = word.substr(0, colon);
  std::string roles = word.substr(colon + 1);
  if (l.org.empty()) bad("the actor '" + word + "' names no organisation (ORG:ROLE,ROLE or ORG:-)");
  if (roles.empty()) bad("the actor '" + word + "' names no roles (ORG:ROLE,ROLE, or ORG:- for none)");
  if (roles == "-") return;
  std::string r;
  for (std::istringstream rs(roles); std::getline(rs, r, ',');) {
    if (std::find(kRoles.begin(), kRoles.end(), r) == kRoles.end())
      bad("unknown role '" + r + "' (" + join(kRoles, ", ") + "; '-' for none)");
    l.roles.push_back(r);
  }
}

// The right of "->", as the verb's answers allow it.
void parse_expectation(const Verb& verb, const std::string& right, TableLine& l, const Complain& bad) {
  Answers answers = verb.answers;
  if (answers == Answers::kGate) answers = l.args.empty() ? Answers::kReason : Answers::kValue;
  if (answers == Answers::kValue) {
    if (right.empty()) bad("'" + l.verb + "' expects a value after '->' ('none' for nothing)");
    l.expected = normalised(right);
    return;
  }
  if (answers != Answers::kReason && answers != Answers::kYesNo) return;
  bool gate = l.verb == "gate";
  std::string yes = gate ? "open" : "allowed", no = gate ? "closed" : "refused";
  bool with_words = right.rfind(no + ":", 0) == 0;
  std::string words = with_words ? trim(right.substr(no.size() + 1)) : "";
  if (right == yes) {
    l.expect = Expect::kAllowed;
  } else if (right == no || (with_words && answers == Answers::kReason && !words.empty())) {
    l.expect = Expect::kRefused;
    l.expected = words;
  } else if (with_words && answers == Answers::kYesNo) {
    bad("'" + l.verb + "' gives no reason: write '" + no + "'");
  } else {
    bad("expected '" + yes + "', '" + no + "' or '" + no + ": <words of the reason>', not '" + right + "'");
  }
}

// What a scene line's words must look like beyond their number.
void check_scene_words(const TableLine& l, const Complain& bad) {
  const auto& w = l.args;
  if (l.verb == "approved" || l.verb == "rejected") {
    Approval ap;
    if (std::string why = decode_decision(w, ap); !why.empty()) bad(why);
    if (l.verb == "rejected" && ap.reason.empty()) bad("a rejection needs its reason: 'because REASON'");
    if (l.verb == "approved" && !ap.reason.empty()) bad("an approval gives no 'because'");
  }
  if (l.verb == "on-change" && w.size() == 2 && w[1] != "flag" && w[1] != "reopen")
    bad("on-change PHASE flag|reopen");
  static const std::vector<std::string> kinds = {"non-compliance", "risk", "escalation", "review"};
  if (l.verb == "finding" && w.size() >= 3) {
    if (std::find(kinds.begin(), kinds.end(), w[1]) == kinds.end())
      bad("a finding's kind is one of " + join(kinds, ", ") + ", not '" + w[1] + "'");
    if (w[2] != "open" && w[2] != "settled") bad("finding KEY KIND open|settled TITLE");
  }
}

std::string arity(const Verb& v) {
  if (v.max_args == kAny) return "at least " + std::to_string(v.min_args);
  if (v.min_args == v.max_args) return std::to_string(v.min_args);
  return std::to_string(v.min_args) + " to " + std::to_string(v.max_args);
}

Result<TableFile> parse_table(const std::string& text, const std::string& file) {
  TableFile out;
  out.file = file;
  std::vector<Problem> problems;
  std::istringstream in(text);
  std::string raw;
  for (int n = 1; std::getline(in, raw); ++n) {
    Complain bad = [&](const std::string& msg) { problems.push_back({{file, "", n, "", ""}, msg}); };
    std::string s = trim(raw.rfind('#', 0) == 0 ? "" : raw.substr(0, raw.find(" #")));
    if (s.empty()) continue;
    TableLine l;
    l.line = n;
    l.text = s;
    size_t arrow = find_arrow(s);
    std::string left = arrow == std::string::npos ? s : s.substr(0, arrow);
    std::string right = arrow == std::string::npos ? "" : trim(s.substr(arrow + 3));
    auto w = words_of(left);
    const Verb* verb = nullptr;
    size_t first_arg = 1;
    if (arrow == std::string::npos) {
      verb = find_verb(std::begin(kScene), std::end(kScene), w[0]);
      if (!verb) bad("unknown scene line '" + w[0] + "' (a row needs ' -> ' and what it expects)");
    } else if (w[0].find(':') != std::string::npos) {
      l.kind = LineKind::kActorRow;
      parse_actor(w[0], l, bad);
      first_arg = 2;
      verb = w.size() < 2 ? nullptr : find_verb(std::begin(kActions), std::end(kActions), w[1]);
      std::vector<std::string> names;
      for (const auto& v : kActions) names.push_back(v.name);
      if (!verb) bad("unknown action '" + (w.size() < 2 ? "" : w[1]) + "' (" + join(names, ", ") + ")");
    } else {
      l.kind = LineKind::kQueryRow;
      verb = find_verb(std::begin(kQueries), std::end(kQueries), w[0]);
      if (!verb) bad("unknown query '" + w[0] + "' (an actor row starts ORG:ROLES)");
    }
    if (!verb) continue;
    l.verb = verb->name;
    l.args.assign(w.begin() + static_cast<long>(first_arg), w.end());
    l.rest = after_words(left, first_arg);
    if (l.args.size() < verb->min_args || l.args.size() > verb->max_args)
      bad("'" + l.verb + "' takes " + arity(*verb) + " argument(s), not " + std::to_string(l.args.size()));
    parse_expectation(*verb, right, l, bad);
    if (l.kind == LineKind::kScene) check_scene_words(l, bad);
    out.lines.push_back(std::move(l));
  }
  if (!out.lines.empty() && (out.lines[0].kind != LineKind::kScene || out.lines[0].verb != "template"))
    problems.push_back({{file, "", out.lines[0].line, "", ""}, "a table starts with 'template ID'"});
  if (out.lines.empty() && problems.empty())
    problems.push_back({{file, "", 1, "", ""}, "the table has no lines"});
  if (!problems.empty()) return Error::invalid("the table " + file + " is not valid", std::move(problems));
  return out;
}

// ---- running ----

struct Outcome {
  size_t passed = 0;
  std::vector<std::string> failures;  // "file:line: what was wrong"
};

const Template& bundled_template(const std::string& id) {
  static std::map<std::string, Template> cache;
  auto it = cache.find(id);
  if (it == cache.end()) it = cache.emplace(id, test::bundled(id)).first;
  return it->second;
}

class Runner {
 public:
  explicit Runner(const TableFile& f) : f_(f) {}

  Outcome run() {
    for (const auto& l : f_.lines) {
      std::string problem = l.kind == LineKind::kScene      ? scene(l)
                            : l.kind == LineKind::kActorRow ? actor_row(l)
                                                            : query_row(l);
      if (!problem.empty()) out_.failures.push_back(f_.file + ":" + std::to_string(l.line) + ": " + problem);
    }
    return out_;
  }

 private:
  // ---- the scene ----

  void new_scene() {
    a_ = Assessment{};
    a_.id = 1;
    a_.template_id = t_->id;
    a_.template_version = t_->version;
    answers_.clear();
    source_answers_.clear();
    approvals_.clear();
    submissions_.clear();
    findings_.clear();
    derived_.reset();
  }

  // An instant after every earlier one: decisions and submissions are ordered by when they happened.
  std::string tick() {
    ++clock_;
    char buf[32];
    std::snprintf(buf, sizeof buf, "2025-03-01T09:%02d:%02dZ", clock_ / 60 % 60, clock_ % 60);
    return buf;
  }

  const Organisation* org(const std::string& name) const {
    auto it = orgs_.find(name);
    return it == orgs_.end() ? nullptr : &it->second;
  }

  std::string scene(const TableLine& l) {
    const auto& w = l.args;
    if (l.verb == "template") {
      try {
        t_ = bundled_template(w[0]);
      } catch (const std::exception& e) {
        return "no bundled template '" + w[0] + "': " + e.what();
      }
      template_name_ = w[0];
      new_scene();
      return "";
    }
    if (l.verb == "org") {
      if (orgs_.count(w[0])) return "organisation '" + w[0] + "' is already in the scene";
      orgs_[w[0]] = Organisation{static_cast<int64_t>(orgs_.size() + 1), w[0], "", w[1] == "-" ? "" : w[1]};
      return "";
    }
    if (!t_) return "no template yet ('template ID' comes first)";
    if (l.verb == "scene") {
      t_ = bundled_template(template_name_);  // as written: 'on-change' lasts for its scene
      new_scene();
      return "";
    }
    if (l.verb == "participant") {
      if (!t_->find_party(w[0])) return "template " + t_->ref() + " has no party '" + w[0] + "'";
      const Organisation* o = org(w[1]);
      if (!o) return "no organisation '" + w[1] + "' in the scene (declare it with 'org NAME TYPE')";
      a_.participants.push_back({w[0], o->id});
      return "";
    }
    if (l.verb == "custodian") {
      if (w[0] != "-" && !t_->find_party(w[0]))
        return "template " + t_->ref() + " has no party '" + w[0] + "'";
      a_.custodian = w[0] == "-" ? "" : w[0];
      return "";
    }
    if (l.verb == "title") {
      a_.title = l.rest;
      return "";
    }
    if (l.verb == "answered" || l.verb == "unanswered" || l.verb == "noted") {
      const Item* item = t_->find_item(w[0]);
      if (!item) return "no item '" + w[0] + "' in " + t_->ref();
      if (l.verb == "unanswered") {
        answers_.erase(w[0]);
        return "";
      }
      std::string value = after_words(l.rest, 1);
      if (l.verb == "noted") {
        answers_[w[0]].item_id = w[0];
        answers_[w[0]].note = value;
        return "";
      }
      if (auto valid = validate_answer_value(*t_, *item, value); !valid.ok()) return valid.error().message;
      answers_[w[0]].item_id = w[0];
      answers_[w[0]].value = value;
      return "";
    }
    if (l.verb == "submitted") {
      if (!t_->find_phase(w[0])) return "no phase '" + w[0] + "' in " + t_->ref();
      // "submitted PHASE by ORG": submitted by that organisation's person (as the rows name them).
      std::string by = "table";
      if (w.size() == 3 && w[1] == "by") {
        if (!orgs_.count(w[2])) return "no organisation '" + w[2] + "'";
        by = "someone@" + orgs_.at(w[2]).name;
      } else if (w.size() != 1) {
        return "submitted takes PHASE [by ORG]";
      }
      submissions_.push_back({static_cast<int64_t>(submissions_.size() + 1), a_.id, w[0], by, tick()});
      return "";
    }
    if (l.verb == "approved" || l.verb == "rejected") {
      Approval ap;
      decode_decision(w, ap);
      const Phase* ph = t_->find_phase(ap.phase);
      if (!ph) return "no phase '" + ap.phase + "' in " + t_->ref();
      if (!ap.area.empty() && std::find(ph->areas.begin(), ph->areas.end(), ap.area) == ph->areas.end())
        return "phase " + ph->id + " has no area '" + ap.area + "' (" + join(ph->areas, ", ") + ")";
      ap.id = static_cast<int64_t>(approvals_.size() + 1);
      ap.assessment_id = a_.id;
      ap.decision = l.verb == "approved" ? Decision::kApproved : Decision::kRejected;
      ap.decided_by = "table";
      ap.decided_at = tick();
      // As the service records them: an approval keeps the answers it was made on, a rejection none.
      if (ap.decision == Decision::kApproved) ap.basis = decision_basis(*t_, *ph, answers_);
      approvals_.push_back(ap);
      return "";
    }
    if (l.verb == "on-change") {
      for (auto& ph : t_->phases)
        if (ph.id == w[0]) {
          ph.reopen_on_change = w[1] == "reopen";
          return "";
        }
      return "no phase '" + w[0] + "' in " + t_->ref();
    }
    if (l.verb == "finding") {
      GateFinding f{w[0], w[1], after_words(l.rest, 3), w[2] == "settled"};
      auto same =
          std::find_if(findings_.begin(), findings_.end(), [&](const auto& g) { return g.key == f.key; });
      if (same != findings_.end())
        *same = f;  // a finding's key names it: saying it again records its new status
      else
        findings_.push_back(f);
      return "";
    }
    if (l.verb == "reused-for") {
      const Organisation* o = org(w[0]);
      if (!o) return "no organisation '" + w[0] + "' in the scene";
      Derivation d = derive_assessment(*t_, a_, answers_, o->id, after_words(l.rest, 1));
      source_answers_ = answers_;
      a_ = d.assessment;
      answers_ = d.answers;
      approvals_.clear();  // decisions and submissions stay with the assessment they were made on
      submissions_.clear();
      findings_.clear();
      derived_ = std::move(d);
      return "";
    }
    return "unhandled scene line '" + l.verb + "'";
  }

  // ---- rows ----

  // Compares and counts; returns the failure text, "" when the row holds.
  std::string check(const TableLine& l, bool allowed, const std::string& why) {
    bool gate = l.verb == "gate";
    std::string yes = gate ? "open" : "allowed", no = gate ? "closed" : "refused";
    std::string got = allowed ? yes : no + (why.empty() ? "" : ": " + why);
    bool ok = l.expect == Expect::kAllowed
                  ? allowed
                  : !allowed && (l.expected.empty() || why.find(l.expected) != std::string::npos);
    if (ok) {
      ++out_.passed;
      return "";
    }
    std::string want =
        l.expect == Expect::kAllowed ? yes : no + (l.expected.empty() ? "" : ": " + l.expected);
    return l.text + "\n    expected " + want + "\n    got      " + got;
  }

  std::string check_value(const TableLine& l, const std::string& value) {
    std::string got = normalised(value);
    if (got.empty()) got = "none";
    if (got == l.expected) {
      ++out_.passed;
      return "";
    }
    return l.text + "\n    expected " + l.expected + "\n    got      " + got;
  }

  std::string actor_row(const TableLine& l) {
    if (!t_) return "no template yet";
    const Organisation* o = org(l.org);
    if (!o) return "no organisation '" + l.org + "' in the scene (declare it with 'org NAME TYPE')";
    Caller c{User{1, "someone@" + o->name, "Someone at " + o->name, o->id, l.roles}, *o};
    const auto& w = l.args;
    std::string why;
    if (l.verb == "read") return check(l, may_read(c, a_), "");
    if (l.verb == "parties") return check_value(l, join(parties_of(c, a_)));
    if (l.verb == "answer") {
      const Item* item = t_->find_item(w[0]);
      if (!item) return "no item '" + w[0] + "' in " + t_->ref();
      why = why_not_answer(c, *t_, a_, *item);
      // The per-party shortcut the section pages use must decide the same, asked alone or after every item.
      AnswerCheck alone(c, *t_, a_), after_all(c, *t_, a_);
      for (const auto& sec : t_->sections)
        for (const auto& other : sec.items) (void)after_all.may_answer(other);
      EXPECT_EQ(alone.may_answer(*item), why.empty()) << w[0];
      EXPECT_EQ(after_all.may_answer(*item), why.empty()) << w[0];
    } else if (l.verb == "handoff") {
      why = why_not_handoff(c, *t_, a_, w[0]);
    } else if (l.verb == "submit" || l.verb == "decide") {
      const Phase* ph = t_->find_phase(w[0]);
      if (!ph) return "no phase '" + w[0] + "' in " + t_->ref();
      why = l.verb == "submit" ? why_not_submit(c, *t_, a_, *ph) : why_not_decide(c, a_, *ph);
      // Deciding: also never one's own submission (the phase's latest).
      if (l.verb == "decide" && why.empty())
        for (auto it = submissions_.rbegin(); it != submissions_.rend(); ++it)
          if (it->phase == ph->id) {
            why = why_not_decide_own(c, *ph, it->by);
            break;
          }
    } else if (l.verb == "accept") {
      why = why_not_accept(c, a_, w[0] == "-" ? "" : w[0], w[1] == "-" ? "" : w[1]);
    } else if (l.verb == "create") {
      why = why_not_create(c, *t_, a_);
    } else if (l.verb == "record-finding") {
      why = why_not_record_finding(c, a_);
    } else if (l.verb == "reuse") {
      why = why_not_derive(c, *t_, a_);
    } else if (l.verb == "whole-audit") {
      return check(l, may_see_whole_audit(c), "");
    } else if (l.verb == "add-template") {
      why = why_not_add_template(c);
    } else if (l.verb == "add-organisation") {
      why = why_not_manage_directory(c, "organisations");
    } else if (l.verb == "play") {
      const Party* p = t_->find_party(w[0]);
      if (!p) return "template " + t_->ref() + " has no party '" + w[0] + "'";
      why = why_not_play(*p, c.organisation);
    }
    return check(l, why.empty(), why);
  }

  std::string org_name(int64_t id) const {
    for (const auto& [name, o] : orgs_)
      if (o.id == id) return name;
    return std::to_string(id);
  }

  std::string query_row(const TableLine& l) {
    if (!t_) return "no template yet";
    const auto& w = l.args;
    std::vector<PhaseStatus> statuses = phase_statuses(*t_, approvals_, submissions_, answers_);
    auto status_of = [&](const std::string& id) -> const PhaseStatus* {
      for (const auto& st : statuses)
        if (st.phase->id == id) return &st;
      return nullptr;
    };
    if (l.verb == "phase" || l.verb == "area") {
      const PhaseStatus* st = status_of(w[0]);
      if (!st) return "no phase '" + w[0] + "' in " + t_->ref();
      if (l.verb == "area") {
        for (const auto& d : st->areas)
          if (d.area == w[1]) return check_value(l, d.latest ? to_string(d.latest->decision) : "undecided");
        return "phase " + w[0] + " has no area '" + w[1] + "'";
      }
      std::vector<std::string> changed;
      for (const auto& c : st->changed) changed.push_back(c.item_id);
      std::string v = to_string(st->state);
      if (!changed.empty()) v += (st->reopened ? ", reopened by " : ", changed ") + join(changed);
      if (!st->certificate.empty()) v += ", certificate " + st->certificate;
      return check_value(l, v);
    }
    if (l.verb == "gate") {
      Gate g = go_live_gate(*t_, statuses, answers_, findings_);
      if (w.empty()) return check(l, g.open, join(g.reasons, "; "));
      if (w[0] != "count") return "gate takes nothing, or 'count'";
      return check_value(l, std::to_string(g.reasons.size()));
    }
    if (l.verb == "record") {
      const Phase* ph = t_->find_phase(w[0]);
      if (!ph) return "no phase '" + w[0] + "' in " + t_->ref();
      std::string area = w.size() > 1 ? w[1] : "";
      const Approval* latest = nullptr;
      for (const auto& ap : approvals_)
        if (ap.phase == ph->id && ap.area == area) latest = &ap;
      if (!latest)
        return "no decision on phase " + ph->id + (area.empty() ? "" : " " + area) + " in the scene";
      std::vector<std::string> filled;
      for (const auto& ans : decision_record(*t_, *ph, *latest))
        filled.push_back(ans.item_id + "=" + ans.value + (ans.note.empty() ? "" : "[" + ans.note + "]"));
      return check_value(l, join(filled));
    }
    if (l.verb == "custodian") return check_value(l, a_.custodian);
    if (l.verb == "title") return check_value(l, a_.title);
    if (l.verb == "participants") {
      std::vector<std::string> ps;
      for (const auto& p : a_.participants) ps.push_back(p.party + "=" + org_name(p.organisation_id));
      return check_value(l, join(ps));
    }
    if (!derived_) return "'" + l.verb + "' asks about a reuse: the scene has no 'reused-for ORG' yet";
    if (l.verb == "carried") return check_value(l, join(derived_->carried));
    if (l.verb == "reset") return check_value(l, join(derived_->reset));
    if (l.verb == "derived-from") return check_value(l, std::to_string(a_.derived_from));
    if (l.verb == "differs") {
      std::vector<std::string> ids;
      for (const auto& d : diff_answers(source_answers_, answers_))
        ids.push_back(d.item_id + (d.left == d.right && d.note_differs ? "(note)" : ""));
      return check_value(l, join(ids));
    }
    return "unhandled query '" + l.verb + "'";
  }

  const TableFile& f_;
  Outcome out_;
  std::optional<Template> t_;  // a copy: 'on-change' edits it
  std::string template_name_;
  std::map<std::string, Organisation> orgs_;
  Assessment a_;
  AnswerSet answers_, source_answers_;
  std::vector<Approval> approvals_;
  std::vector<Submission> submissions_;
  std::vector<GateFinding> findings_;
  std::optional<Derivation> derived_;
  int clock_ = 0;
};

Outcome run_table(const TableFile& f) {
  return Runner(f).run();
}

// ---- the tests ----

std::vector<std::string> table_files() {
  std::vector<std::string> out;
  for (const char* dir : {"tests/domain/access", "tests/domain/workflow"})
    for (const auto& e : fs::directory_iterator(test::source_path(dir)))
      if (e.is_regular_file() && e.path().extension() == ".table")
        out.push_back(fs::relative(e.path(), test::source_path("")).string());
  std::sort(out.begin(), out.end());
  return out;
}

class Tables : public ::testing::TestWithParam<std::string> {};

TEST_P(Tables, EveryRowHolds) {
  std::string path = GetParam();
  auto table = parse_table(test::read_text(test::source_path(path)), path);
  ASSERT_TRUE(table.ok()) << table.error().describe();
  Outcome outcome = run_table(*table);
  for (const auto& f : outcome.failures) ADD_FAILURE() << f;
  EXPECT_GT(outcome.passed, 0u) << path << " checks nothing";
}

INSTANTIATE_TEST_SUITE_P(Data, Tables, ::testing::ValuesIn(table_files()), [](const auto& p) {
  std::string n = p.param;
  for (auto& ch : n)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
});

// A well-formed table from text, run; a parse failure is a test failure (and runs nothing).
Outcome parse_and_run(const std::string& text, const std::string& name) {
  auto table = parse_table(text, name);
  EXPECT_TRUE(table.ok()) << table.error().describe();
  return table.ok() ? run_table(*table) : Outcome{};
}

TEST(TableRunner, ReportsAFailingRowWithItsLineAndTheReasonSeen) {
  std::string text =
      "template sms-provider-tom\n"
      "org broker supplier\n"
      "participant smsp broker\n"
      "custodian smsp\n"
      "broker:editor answer BD-PRODUCT -> allowed\n"
      "broker:approver answer BD-PRODUCT -> allowed   # wrong on purpose\n"
      "broker:editor handoff smsc -> refused: no organisation plays\n"
      "phase 1A -> approved   # wrong on purpose\n";
  Outcome outcome = parse_and_run(text, "inline.table");
  EXPECT_EQ(outcome.passed, 2u);
  ASSERT_EQ(outcome.failures.size(), 2u);
  EXPECT_NE(outcome.failures[0].find("inline.table:6: "), std::string::npos) << outcome.failures[0];
  EXPECT_NE(outcome.failures[0].find("got      refused: your roles do not include editing answers"),
            std::string::npos)
      << outcome.failures[0];
  EXPECT_NE(outcome.failures[1].find("inline.table:8: "), std::string::npos) << outcome.failures[1];
  EXPECT_NE(outcome.failures[1].find("got      open"), std::string::npos) << outcome.failures[1];
}

TEST(TableRunner, NamesWhatASceneOrRowRefersToThatIsNotThere) {
  std::string text =
      "template sms-provider-tom\n"
      "org broker supplier\n"
      "participant smsp nobody\n"
      "participant nowhere broker\n"
      "answered BD-NOPE yes\n"
      "answered TOP-01 Carrier pigeon\n"
      "approved 1B usage\n"
      "ghost:editor read -> refused\n"
      "broker:editor answer BD-NOPE -> allowed\n"
      "carried -> none\n";
  Outcome outcome = parse_and_run(text, "missing.table");
  std::string all = join(outcome.failures, "\n");
  EXPECT_EQ(outcome.passed, 0u);
  EXPECT_EQ(outcome.failures.size(), 8u) << all;
  for (const char* want :
       {"missing.table:3: no organisation 'nobody'",
        "missing.table:4: template sms-provider-tom@1.0.1 has no party", "missing.table:5: no item 'BD-NOPE'",
        "missing.table:6: ", "missing.table:7: phase 1B has no area 'usage'",
        "missing.table:8: no organisation 'ghost'", "missing.table:9: no item 'BD-NOPE'",
        "missing.table:10: 'carried' asks about a reuse"})
    EXPECT_NE(all.find(want), std::string::npos) << want << "\n" << all;
}

TEST(TableRunner, RefusesAMalformedTableLineByLine) {
  // tests/domain/malformed.table has one mistake a line; each is named with its line.
  std::string path = "tests/domain/malformed.table";
  auto table = parse_table(test::read_text(test::source_path(path)), path);
  ASSERT_FALSE(table.ok());
  std::string all = table.error().describe();
  for (const char* want : {
           "malformed.table:3: a table starts with 'template ID'",
           "malformed.table:3: 'org' takes 2 argument(s), not 1",
           "malformed.table:4: unknown scene line 'organisation'",
           "malformed.table:5: unknown role 'aprover'",
           "malformed.table:6: unknown action 'approve'",
           "malformed.table:7: expected 'allowed', 'refused' or 'refused: <words of the reason>', not 'yes'",
           "malformed.table:8: 'read' gives no reason: write 'refused'",
           "malformed.table:9: 'answer' takes 1 argument(s), not 0",
           "malformed.table:10: unknown query 'phases'",
           "malformed.table:11: 'phase' expects a value after '->'",
           "malformed.table:12: a rejection needs its reason",
           "malformed.table:13: 'certificate' needs a number",
           "malformed.table:14: on-change PHASE flag|reopen",
           "malformed.table:15: the actor ':editor' names no organisation",
           "malformed.table:16: expected 'open', 'closed' or 'closed: <words of the reason>', not 'shut'",
       })
    EXPECT_NE(all.find(want), std::string::npos) << want << "\n" << all;
  EXPECT_EQ(table.error().problems.size(), 15u) << all;
}

}  // namespace
}  // namespace tom::domain
