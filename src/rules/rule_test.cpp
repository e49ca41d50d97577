#include "rules/rule_test.hpp"

#include <sstream>

#include "domain/completeness.hpp"

namespace tom::rules {

namespace {

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// The text after the first `n` words.
std::string after_words(const std::string& s, size_t n) {
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    pos = s.find_first_not_of(" \t", pos);
    if (pos == std::string::npos) return "";
    pos = s.find_first_of(" \t", pos);
    if (pos == std::string::npos) return "";
  }
  return trim(s.substr(pos));
}

}  // namespace

Result<RuleTestFile> parse_rule_tests(std::string_view text, const std::string& file) {
  RuleTestFile out;
  out.file = file;
  std::vector<Problem> problems;
  auto bad = [&](int line, const std::string& msg) {
    Problem p;
    p.where.file = file;
    p.where.line = line;
    p.message = msg;
    problems.push_back(p);
  };
  std::istringstream in{std::string(text)};
  std::string raw;
  int line = 0;
  while (std::getline(in, raw)) {
    ++line;
    std::string s = trim(raw);
    if (s.empty() || s[0] == '#') continue;
    auto words = split(s);
    const std::string& verb = words[0];
    if (verb == "template") {
      if (words.size() != 2)
        bad(line, "template takes one id or path");
      else
        out.template_ref = words[1];
    } else if (verb == "case") {
      out.cases.push_back({after_words(s, 1), line, {}});
    } else if (verb == "answer" || verb == "note") {
      if (out.cases.empty()) {
        bad(line, "'" + verb + "' before the first 'case'");
        continue;
      }
      if (words.size() < 2) {
        bad(line, verb + " needs an item id");
        continue;
      }
      out.cases.back().steps.push_back({line, verb, "", {words[1]}, after_words(s, 2)});
    } else if (verb == "expect") {
      if (out.cases.empty()) {
        bad(line, "'expect' before the first 'case'");
        continue;
      }
      if (words.size() < 2) {
        bad(line, "expect needs a kind");
        continue;
      }
      const std::string& what = words[1];
      std::vector<std::string> args(words.begin() + 2, words.end());
      static const std::vector<std::pair<std::string, std::pair<size_t, size_t>>> arity = {
          {"value", {2, 999}},      {"explains", {2, 999}},  {"finding", {1, 2}},  {"no-finding", {1, 2}},
          {"missing", {1, 1}},      {"not-missing", {1, 1}}, {"complete", {2, 2}}, {"incomplete", {2, 2}},
          {"out-of-scope", {1, 1}}, {"in-scope", {1, 1}}};
      bool known = false;
      for (const auto& [name, range] : arity) {
        if (name != what) continue;
        known = true;
        if (args.size() < range.first || args.size() > range.second)
          bad(line, "expect " + what + " takes " + std::to_string(range.first) +
                        (range.second == range.first ? "" : "+") + " argument(s)");
      }
      if (!known) bad(line, "unknown expectation '" + what + "'");
      out.cases.back().steps.push_back({line, verb, what, args, after_words(s, 3)});
    } else {
      bad(line, "unknown line '" + verb + "' (template, case, answer, note, expect)");
    }
  }
  if (out.template_ref.empty()) bad(1, "the file names no template ('template ID')");
  if (out.cases.empty() && problems.empty()) bad(1, "the file has no 'case'");
  if (!problems.empty())
    return Error::invalid("the rule test file " + file + " is not valid", std::move(problems));
  return out;
}

RuleTestOutcome run_rule_tests(const RuleTestFile& tests, const RuleSet& rules) {
  RuleTestOutcome out;
  const domain::Template& t = rules.tmpl();
  for (const auto& c : tests.cases) {
    domain::AnswerSet answers;
    auto fail = [&](int line, const std::string& msg) {
      ++out.failed;
      out.failures.push_back(tests.file + ":" + std::to_string(line) + ": case '" + c.name + "': " + msg);
    };
    // First pass: answers and notes (they may come in any order before or between expectations).
    for (const auto& s : c.steps) {
      if (s.verb == "expect") continue;
      const std::string& id = s.words[0];
      const domain::Item* item = t.find_item(id);
      if (!item) {
        fail(s.line, "no item '" + id + "' in " + t.ref());
        continue;
      }
      if (s.verb == "answer") {
        auto valid = domain::validate_answer_value(t, *item, s.rest);
        if (!valid.ok()) fail(s.line, valid.error().message);
        answers[id].item_id = id;
        answers[id].value = s.rest;
      } else {
        answers[id].item_id = id;
        answers[id].note = s.rest;
      }
    }
    Evaluation ev = rules.evaluate(answers);
    for (const auto& e : ev.errors) fail(c.line, "evaluation error: " + e);
    auto finding_raised = [&](const std::string& rule, const std::string& item) {
      for (const auto& f : ev.findings)
        if (f.rule_id == rule && (item.empty() || f.item_id == item)) return &f;
      return static_cast<const RaisedFinding*>(nullptr);
    };
    for (const auto& s : c.steps) {
      if (s.verb != "expect") continue;
      const auto& a = s.words;
      bool ok = true;
      std::string seen;
      if (s.what == "value") {
        const DerivedResult* d = ev.find_derived(a[0]);
        const std::string& want = s.rest;
        if (!d) {
          ok = false;
          seen = "no derived value named '" + a[0] + "'";
        } else {
          std::string got = d->value.is_null() ? "null" : d->value.plain();
          ok = got == want;
          seen = got + " (" + d->explanation + ")";
        }
      } else if (s.what == "explains") {
        std::string text;
        if (const DerivedResult* d = ev.find_derived(a[0]))
          text = d->explanation;
        else if (const RaisedFinding* f = finding_raised(a[0], ""))
          text = f->explanation;
        ok = !text.empty() && text.find(s.rest) != std::string::npos;
        seen = text.empty() ? "no result or finding named '" + a[0] + "'" : text;
      } else if (s.what == "finding" || s.what == "no-finding") {
        const RaisedFinding* f = finding_raised(a[0], a.size() > 1 ? a[1] : "");
        ok = (f != nullptr) == (s.what == "finding");
        seen = f ? "raised: " + f->explanation : "not raised";
      } else if (s.what == "missing" || s.what == "not-missing") {
        auto comp = domain::assess_completeness(t, answers, ev.out_of_scope, {});
        std::string reason;
        for (const auto& m : comp.missing)
          if (m.item_id == a[0]) reason = m.reason;
        ok = reason.empty() == (s.what == "not-missing");
        seen = reason.empty() ? "not missing" : "missing: " + reason;
      } else if (s.what == "complete" || s.what == "incomplete") {
        domain::CompletenessFilter f{a[0] == "-" ? "" : a[0], a[1] == "-" ? "" : a[1]};
        auto comp = domain::assess_completeness(t, answers, ev.out_of_scope, f);
        ok = comp.complete() == (s.what == "complete");
        seen = std::to_string(comp.missing.size()) + " missing";
        if (!comp.missing.empty())
          seen += ", first " + comp.missing[0].item_id + " (" + comp.missing[0].reason + ")";
      } else if (s.what == "out-of-scope" || s.what == "in-scope") {
        bool out_of_scope = ev.out_of_scope.count(a[0]) > 0;
        ok = out_of_scope == (s.what == "out-of-scope");
        seen = out_of_scope ? "out of scope" : "in scope";
      }
      if (ok)
        ++out.passed;
      else
        fail(s.line, "expect " + s.what + " " + (a.empty() ? "" : a[0]) + " failed; saw " + seen);
    }
  }
  return out;
}

}  // namespace tom::rules
