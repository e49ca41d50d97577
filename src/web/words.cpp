#include "web/words.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <functional>
#include <set>

#include "rules/expr.hpp"

namespace tom::web {

using namespace tom::domain;
namespace json = boost::json;

namespace {

constexpr const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
long days_from_civil(long y, unsigned m, unsigned d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long>(doe) - 719468;
}

void civil_from_days(long z, long* y, unsigned* m, unsigned* d) {
  z += 719468;
  const long era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<long>(yoe) + era * 400 + (*m <= 2);
}

// Day number of the last Sunday of a month.
long last_sunday(long y, unsigned m) {
  long first_next = m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);
  long last = first_next - 1;
  long weekday = (last + 4) % 7;  // 1970-01-01 was a Thursday; 0 = Sunday
  if (weekday < 0) weekday += 7;
  return last - weekday;
}

bool digits(const std::string& s, size_t at, size_t n) {
  if (s.size() < at + n) return false;
  for (size_t i = at; i < at + n; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

bool parse_date(const std::string& s, long* y, unsigned* m, unsigned* d) {
  if (!digits(s, 0, 4) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' || !digits(s, 8, 2))
    return false;
  *y = std::stol(s.substr(0, 4));
  *m = static_cast<unsigned>(std::stoul(s.substr(5, 2)));
  *d = static_cast<unsigned>(std::stoul(s.substr(8, 2)));
  return *m >= 1 && *m <= 12 && *d >= 1 && *d <= 31;
}

std::string date_text(long y, unsigned m, unsigned d) {
  return std::to_string(d) + " " + kMonths[m - 1] + " " + std::to_string(y);
}

std::string quoted_value(const rules::Value& v) {
  if (v.is_null()) return "";
  return v.plain();
}

const Rule* derive_rule(const Template& t, const std::string& name) {
  for (const auto& r : t.rules)
    if (r.is_derive() && r.derive == name) return &r;
  return nullptr;
}

std::string str(const json::object& o, const char* key) {
  auto it = o.find(key);
  if (it == o.end()) return "";
  if (it->value().is_string()) return std::string(it->value().as_string());
  if (it->value().is_int64()) return std::to_string(it->value().as_int64());
  return "";
}

json::object object_of(const std::string& text) {
  if (text.empty()) return {};
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

std::string party_name(const Template& t, const std::string& id) {
  const Party* p = t.find_party(id);
  return p ? p->name : id;
}

// The part of an entity key after "<assessment>/<kind>/", or after "<assessment>/" for answers.
std::string key_tail(const std::string& key) {
  auto slash = key.rfind('/');
  return slash == std::string::npos ? key : key.substr(slash + 1);
}

}  // namespace

std::string when_in_words(const std::string& iso) {
  long y;
  unsigned m, d;
  if (!parse_date(iso, &y, &m, &d) || iso.size() < 16 || iso[10] != 'T' || !digits(iso, 11, 2) ||
      iso[13] != ':' || !digits(iso, 14, 2))
    return iso;
  long day = days_from_civil(y, m, d);
  long minutes = day * 1440 + std::stol(iso.substr(11, 2)) * 60 + std::stol(iso.substr(14, 2));
  long bst_from = last_sunday(y, 3) * 1440 + 60, bst_to = last_sunday(y, 10) * 1440 + 60;
  if (minutes >= bst_from && minutes < bst_to) minutes += 60;
  long local_day = minutes / 1440;
  long in_day = minutes % 1440;
  civil_from_days(local_day, &y, &m, &d);
  char hm[8];
  std::snprintf(hm, sizeof hm, "%02ld:%02ld", in_day / 60, in_day % 60);
  return date_text(y, m, d) + " at " + hm;
}

std::string day_in_words(const std::string& date) {
  long y;
  unsigned m, d;
  if (!parse_date(date, &y, &m, &d)) return date;
  return date_text(y, m, d);
}

std::string result_name(const Template& t, const std::string& derived) {
  const Rule* r = derive_rule(t, derived);
  if (!r || r->description.empty()) return derived;
  std::string name = r->description;
  size_t cut = std::min(name.find(" ("), name.find(": "));
  return cut == std::string::npos ? name : name.substr(0, cut);
}

std::string because_in_words(const Template& t, const std::vector<rules::Read>& reads) {
  std::vector<std::string> parts;
  for (const auto& r : reads) {
    if (r.ref.empty()) continue;
    bool derived = r.ref[0] == '$';
    std::string name = r.ref[0] == '@' || derived ? r.ref.substr(1) : r.ref;
    if (derived) name = result_name(t, name);
    std::string value = quoted_value(r.value);
    if (value.empty())
      parts.push_back(name + (derived ? " has no result yet" : " is not answered"));
    else
      parts.push_back(name + " is " + (derived ? value : "\u201c" + value + "\u201d"));
  }
  if (parts.empty()) return "";
  return "Because " + list_in_words(parts) + ".";
}

std::string list_in_words(const std::vector<std::string>& parts) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
  return out;
}

std::string keys_in_words(const Template& t, const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '$') {
      size_t j = i + 1;
      while (j < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '-' || text[j] == '_'))
        ++j;
      std::string name = text.substr(i + 1, j - i - 1);
      if (!name.empty() && derive_rule(t, name)) {
        out += result_name(t, name);
        i = j;
        continue;
      }
    }
    if (text.compare(i, 2, " {") == 0) {
      size_t close = text.find('}', i);
      std::string inside = close == std::string::npos ? "" : text.substr(i + 2, close - i - 2);
      if (inside.rfind("rule:", 0) == 0 || inside.rfind("manual:", 0) == 0) {
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

std::string role_in_words(const std::string& role) {
  static const std::map<std::string, std::string> kRoles = {
      {"siro", "the SIRO"},
      {"clinical-safety-officer", "the clinical safety officer"},
      {"clinical-safety-group", "the Clinical Safety Group"},
      {"owner", "the owner"},
      {"approver", "the approver"},
      {"central", "the central body"},
      {"editor", "an editor"},
  };
  auto it = kRoles.find(role);
  if (it != kRoles.end()) return it->second;
  std::string out = "the " + role;
  std::replace(out.begin(), out.end(), '-', ' ');
  return out;
}

std::vector<ResultView> result_views(const Template& t, const rules::Evaluation& e) {
  // What each derived value is built from, as written in its expression (not only what one evaluation read).
  std::map<std::string, std::pair<std::set<std::string>, std::set<std::string>>> uses;  // items, derived
  std::set<std::string> used_by_others;
  for (const auto& r : t.rules) {
    if (!r.is_derive()) continue;
    auto expr = rules::parse_expression(r.value);
    if (!expr) continue;
    std::set<std::string> items = expr->items();
    for (const auto& s : expr->sections())
      if (const Section* sec = t.find_section(s))
        for (const auto& i : sec->items) items.insert(i.id);
    uses[r.derive] = {items, expr->derived()};
    for (const auto& d : expr->derived()) used_by_others.insert(d);
  }
  std::function<void(const std::string&, std::set<std::string>&, std::set<std::string>&)> collect =
      [&](const std::string& name, std::set<std::string>& items, std::set<std::string>& seen) {
        if (!seen.insert(name).second) return;
        auto it = uses.find(name);
        if (it == uses.end()) return;
        items.insert(it->second.first.begin(), it->second.first.end());
        for (const auto& d : it->second.second) collect(d, items, seen);
      };
  std::vector<ResultView> out;
  for (const auto& d : e.derived) {
    ResultView v;
    v.name = result_name(t, d.name);
    v.description = d.description.empty() ? d.name : d.description;
    v.value = quoted_value(d.value);
    v.because = because_in_words(t, d.reads);
    v.overall = !used_by_others.count(d.name);
    std::set<std::string> items, seen;
    collect(d.name, items, seen);
    v.items.assign(items.begin(), items.end());
    out.push_back(std::move(v));
  }
  return out;
}

EventWords event_in_words(const domain::AuditEvent& e, const Template& t,
                          const std::map<std::string, std::string>& people) {
  EventWords w;
  w.when = when_in_words(e.at);
  auto person = people.find(e.actor);
  w.who = person != people.end() ? person->second : e.actor == "demo" ? "Demo data" : e.actor;
  json::object before = object_of(e.before), after = object_of(e.after);
  auto sentence = [](std::string s) {
    return s.empty() || s.back() == '.' || s.back() == '!' || s.back() == '?' ? s : s + ".";
  };
  if (e.action == "answer.save") {
    std::string item = key_tail(e.entity_key);
    std::string was = str(before, "value"), now = str(after, "value");
    std::string note = str(after, "note"), old_note = str(before, "note");
    if (e.before.empty())
      w.what = "Answered " + item;
    else if (now.empty())
      w.what = "Cleared the answer to " + item;
    else
      w.what = "Changed the answer to " + item;
    if (!e.before.empty() && was != now)
      w.detail = "From \u201c" + (was.empty() ? std::string("not answered") : was) + "\u201d to \u201c" +
                 (now.empty() ? std::string("not answered") : now) + "\u201d";
    else if (!now.empty())
      w.detail = "\u201c" + now + "\u201d";
    if (note != old_note)
      w.detail += (w.detail.empty() ? "" : ". ") +
                  (note.empty() ? std::string("Note removed.") : sentence("Note: " + note));
  } else if (e.action == "assessment.create") {
    w.what = "Started this TOM";
    std::string from = str(after, "derived_from");
    w.detail = sentence("From the template " + str(after, "template") +
                        (from.empty() || from == "0" ? "" : ", reusing TOM " + from));
  } else if (e.action == "assessment.handoff" || e.action == "assessment.custody") {
    w.what = "Handed the TOM to " + party_name(t, str(after, "custodian"));
    std::string from = str(before, "custodian");
    w.detail = from.empty() ? "" : "From " + party_name(t, from) + ".";
    if (!str(after, "note").empty())
      w.detail += (w.detail.empty() ? "" : " ") + sentence("Note: " + str(after, "note"));
  } else if (e.action == "assessment.upgrade") {
    w.what = "Moved to a new template version";
    w.detail = str(before, "template_version").empty()
                   ? ""
                   : "From version " + str(before, "template_version") + ".";
  } else if (e.action == "phase.submit") {
    w.what = "Submitted phase " + str(after, "phase") + " for approval";
  } else if (e.action == "approval.add") {
    std::string decision = str(after, "decision") == "rejected" ? "Rejected" : "Approved";
    std::string area = str(after, "area");
    w.what = decision + " phase " + str(after, "phase") + (area.empty() ? "" : " (" + area + ")");
    std::vector<std::string> parts;
    if (!str(after, "certificate").empty()) parts.push_back("Certificate " + str(after, "certificate") + ".");
    if (!str(after, "reason").empty()) parts.push_back(sentence("Reason: " + str(after, "reason")));
    if (!str(after, "outcome").empty()) parts.push_back(sentence("Outcome: " + str(after, "outcome")));
    for (const auto& p : parts) w.detail += (w.detail.empty() ? "" : " ") + p;
  } else if (e.action == "finding.add" || e.action == "finding.update") {
    std::string status = str(after, "status"), title = str(after, "title");
    if (status == "accepted")
      w.what = "Accepted a finding";
    else if (status == "resolved")
      w.what = "Resolved a finding";
    else
      w.what = e.action == "finding.add" ? "Recorded a finding" : "Updated a finding";
    w.detail = sentence(keys_in_words(t, title));
    if (status == "accepted") {
      if (!str(after, "accepted_by").empty()) w.detail += " Accepted by " + str(after, "accepted_by");
      if (!str(after, "expires_on").empty()) w.detail += " until " + day_in_words(str(after, "expires_on"));
      if (!str(after, "accepted_by").empty() || !str(after, "expires_on").empty()) w.detail += ".";
      if (!str(after, "mitigation").empty())
        w.detail += " " + sentence("Mitigation: " + str(after, "mitigation"));
    }
  } else {
    // An action this page has no words for yet: its name, never its raw record.
    w.what = e.action;
  }
  return w;
}

}  // namespace tom::web
