#include "domain/completeness.hpp"

#include "core/clock.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace tom::domain {

namespace {

bool is_date(const std::string& v) {
  return valid_iso_date(v);
}

bool is_number(const std::string& v) {
  double d;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  return ec == std::errc() && p == v.data() + v.size();
}

std::string list_values(const Vocabulary& v) {
  std::string out;
  for (size_t i = 0; i < v.values.size(); ++i) out += (i ? ", " : "") + v.values[i];
  return out;
}

bool item_in_phase(const Item& item, const std::string& phase) {
  return phase.empty() || std::find(item.phases.begin(), item.phases.end(), phase) != item.phases.end();
}

}  // namespace

Status validate_answer_value(const Template& t, const Item& item, const std::string& value) {
  if (!item.answerable())
    return Error::invalid("item " + item.id + " is information only and takes no answer");
  if (value.empty()) return ok_status();
  // Checked before the value is echoed in any message below.
  if (auto why = text_problem(value); !why.empty())
    return Error::invalid("the answer to " + item.id + " " + why);
  if (utf8_length(value) > 100000) return Error::too_large("an answer may be at most 100,000 characters");
  switch (item.answer) {
    case AnswerType::kChoice: {
      const Vocabulary* v = t.vocabulary_of(item);
      if (v && !v->contains(value))
        return Error::invalid("'" + value + "' is not one of the choices for " + item.id + ": " +
                              list_values(*v));
      break;
    }
    case AnswerType::kDate:
      if (!is_date(value)) return Error::invalid("'" + value + "' is not a date (YYYY-MM-DD) for " + item.id);
      break;
    case AnswerType::kNumber:
      if (!is_number(value)) return Error::invalid("'" + value + "' is not a number for " + item.id);
      break;
    default:
      break;
  }
  return ok_status();
}

std::string incomplete_reason(const Template& t, const Item& item, const Answer* answer) {
  if (!answer || answer->value.empty()) return "not answered";
  auto valid = validate_answer_value(t, item, answer->value);
  if (!valid.ok()) return valid.error().message;
  const Vocabulary* v = t.vocabulary_of(item);
  if (v && v->needs_note(answer->value) && answer->note.empty())
    return "the answer '" + answer->value + "' needs a note explaining it";
  return "";
}

Completeness assess_completeness(const Template& t, const AnswerSet& answers,
                                 const std::set<std::string>& out_of_scope,
                                 const CompletenessFilter& filter) {
  Completeness c;
  for (const auto& s : t.sections) {
    SectionProgress progress{s.id, s.title, 0, 0};
    for (const auto& item : s.items) {
      // Items a phase decision fills are not answered by hand: the phase's state shows them.
      if (!item.answerable() || item.optional || t.recorded_by(item.id)) continue;
      if (out_of_scope.count(item.id)) continue;
      if (!item_in_phase(item, filter.phase)) continue;
      if (!filter.party.empty() && item.party != filter.party) continue;
      ++progress.required;
      auto it = answers.find(item.id);
      std::string why = incomplete_reason(t, item, it == answers.end() ? nullptr : &it->second);
      if (why.empty()) {
        ++progress.answered;
      } else {
        c.missing.push_back({item.id, s.id, item.party, item.phases, why});
      }
    }
    c.required += progress.required;
    c.answered += progress.answered;
    c.sections.push_back(std::move(progress));
  }
  return c;
}

}  // namespace tom::domain
