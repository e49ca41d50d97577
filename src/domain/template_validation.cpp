#include "domain/template_validation.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace tom::domain {

bool valid_lower_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
          c == '-'))
      return false;
  return true;
}

bool valid_item_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  if (!std::isalnum(static_cast<unsigned char>(id[0]))) return false;
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

namespace {

struct Checker {
  const Template& t;
  std::vector<Problem> problems;

  void add(int line, const std::string& id, const std::string& field, const std::string& msg) {
    Problem p;
    p.where.line = line;
    p.where.item = id;
    p.where.field = field;
    p.message = msg;
    problems.push_back(std::move(p));
  }
  bool has_party(const std::string& id) const { return t.find_party(id) != nullptr; }
  bool has_phase(const std::string& id) const { return t.find_phase(id) != nullptr; }
};

}  // namespace

std::vector<Problem> validate_template(const Template& t) {
  Checker c{t, {}};
  if (t.format != 1)
    c.add(0, "", "format", "unsupported format " + std::to_string(t.format) + " (expected 1)");
  if (!valid_lower_id(t.id))
    c.add(0, "", "id", "template id '" + t.id + "' must be lower-case letters, digits, '-'");
  if (t.name.empty()) c.add(0, "", "name", "is required");
  if (t.family.empty()) c.add(0, "", "family", "is required");
  if (t.version.empty() || t.version.size() > 32)
    c.add(0, "", "version", "is required (at most 32 characters)");
  if (t.parties.empty()) c.add(0, "", "parties", "at least one party is required");
  if (t.phases.empty()) c.add(0, "", "phases", "at least one phase is required");
  if (t.sections.empty()) c.add(0, "", "sections", "at least one section is required");

  std::set<std::string> seen;
  for (const auto& p : t.parties) {
    if (!valid_lower_id(p.id)) c.add(0, p.id, "parties", "party id must be lower-case letters, digits, '-'");
    if (!seen.insert(p.id).second) c.add(0, p.id, "parties", "duplicate party id");
  }
  for (const auto& id : t.custody)
    if (!c.has_party(id)) c.add(0, id, "custody", "unknown party '" + id + "'");
  seen.clear();
  for (const auto& ph : t.phases) {
    if (ph.id.empty()) c.add(0, "", "phases", "a phase needs an id");
    if (!seen.insert(ph.id).second) c.add(0, ph.id, "phases", "duplicate phase id");
    if (!c.has_party(ph.approver)) c.add(0, ph.id, "approver", "unknown party '" + ph.approver + "'");
  }
  for (const auto& ph : t.phases)
    for (const auto& [key, item_id] : ph.records) {
      bool key_ok = key == "decision" || key == "date" || (key == "certificate" && ph.certificate) ||
                    std::find(ph.areas.begin(), ph.areas.end(), key) != ph.areas.end();
      if (!key_ok)
        c.add(0, ph.id, "records." + key,
              "records takes the phase's areas, 'decision', 'date' and (for a certificate phase) "
              "'certificate'");
      const Item* item = t.find_item(item_id);
      if (!item) {
        c.add(0, ph.id, "records." + key, "unknown item '" + item_id + "'");
        continue;
      }
      if (std::find(item->phases.begin(), item->phases.end(), ph.id) == item->phases.end())
        c.add(item->source_line, item_id, "records", "the item is not part of phase " + ph.id);
      bool is_decision = key != "date" && key != "certificate";
      if (is_decision) {
        const Vocabulary* v = t.vocabulary_of(*item);
        if (!v || !v->contains("Approved") || !v->contains("Rejected"))
          c.add(item->source_line, item_id, "records",
                "an item recording a decision needs choices with 'Approved' and 'Rejected'");
      }
      if (key == "date" && item->answer != AnswerType::kDate)
        c.add(item->source_line, item_id, "records", "the item recording the date needs answer: date");
    }
  for (const auto& ph : t.phases)
    for (const auto& other : ph.concurrent_with)
      if (!c.has_phase(other)) c.add(0, ph.id, "concurrent_with", "unknown phase '" + other + "'");
  for (const auto& [id, v] : t.vocabularies) {
    if (!valid_lower_id(id))
      c.add(0, id, "vocabularies", "vocabulary id must be lower-case letters, digits, '-'");
    if (v.values.empty()) c.add(0, id, "vocabularies", "a vocabulary needs at least one value");
    std::set<std::string> values;
    for (const auto& val : v.values)
      if (!values.insert(val).second) c.add(0, id, "vocabularies", "duplicate value '" + val + "'");
    for (const auto& val : v.note_required)
      if (!values.count(val))
        c.add(0, id, "note_required", "'" + val + "' is not one of the vocabulary's values");
  }

  std::set<std::string> section_ids, item_ids;
  for (const auto& s : t.sections) {
    if (!valid_lower_id(s.id)) c.add(0, s.id, "section id", "must be lower-case letters, digits, '-'");
    if (!section_ids.insert(s.id).second) c.add(0, s.id, "sections", "duplicate section id");
    if (s.title.empty()) c.add(0, s.id, "title", "a section needs a title");
    if (s.parties.empty()) c.add(0, s.id, "parties", "a section needs at least one owning party");
    for (const auto& p : s.parties)
      if (!c.has_party(p)) c.add(0, s.id, "parties", "unknown party '" + p + "'");
    if (s.phases.empty()) c.add(0, s.id, "phases", "a section needs at least one phase");
    for (const auto& p : s.phases)
      if (!c.has_phase(p)) c.add(0, s.id, "phases", "unknown phase '" + p + "'");
    for (const auto& item : s.items) {
      int line = item.source_line;
      if (!valid_item_id(item.id))
        c.add(line, item.id, "id", "item id may hold letters, digits, '-', '_', '.'");
      if (!item_ids.insert(item.id).second) c.add(line, item.id, "id", "duplicate item id");
      if (item.text.empty()) c.add(line, item.id, "text", "an item needs text");
      if (!c.has_party(item.party)) c.add(line, item.id, "party", "unknown party '" + item.party + "'");
      for (const auto& p : item.phases)
        if (!c.has_phase(p)) c.add(line, item.id, "phases", "unknown phase '" + p + "'");
      if (item.kind == ItemKind::kInfo) {
        if (!item.choices.empty()) c.add(line, item.id, "choices", "an info item takes no answer");
      } else {
        if (!item.choices.empty() && !t.vocabularies.count(item.choices))
          c.add(line, item.id, "choices", "unknown vocabulary '" + item.choices + "'");
        if ((item.kind == ItemKind::kChoice || item.kind == ItemKind::kApproval) && item.choices.empty())
          c.add(line, item.id, "choices", std::string("a ") + to_string(item.kind) + " item needs choices");
      }
      if (item.kind == ItemKind::kReq && item.obligation == Obligation::kNone)
        c.add(line, item.id, "obligation", "a requirement needs an obligation (must, should or may)");
    }
  }

  std::set<std::string> rule_ids;
  for (const auto& r : t.rules) {
    int line = r.source_line;
    if (!valid_lower_id(r.id)) c.add(line, r.id, "id", "rule id must be lower-case letters, digits, '-'");
    if (!rule_ids.insert(r.id).second) c.add(line, r.id, "id", "duplicate rule id");
    bool derive = !r.derive.empty();
    bool finding = r.finding.has_value();
    if (derive == finding) c.add(line, r.id, "rule", "a rule has either derive + value, or when + finding");
    if (derive && r.value.empty()) c.add(line, r.id, "value", "a derive rule needs a value expression");
    if (finding && r.when.empty()) c.add(line, r.id, "when", "a finding rule needs a when expression");
    if (derive && r.each) c.add(line, r.id, "each", "'each' goes with when + finding only");
    if (finding && r.finding->title.empty()) c.add(line, r.id, "finding", "a finding needs a title");
    if (finding && !r.finding->party.empty() && !c.has_party(r.finding->party))
      c.add(line, r.id, "finding.party", "unknown party '" + r.finding->party + "'");
    if (r.each) {
      if (!r.each->section.empty() && !section_ids.count(r.each->section))
        c.add(line, r.id, "each.section", "unknown section '" + r.each->section + "'");
      if (!r.each->party.empty() && !c.has_party(r.each->party))
        c.add(line, r.id, "each.party", "unknown party '" + r.each->party + "'");
    }
  }
  for (const auto& g : t.gate) {
    const Item* item = t.find_item(g.item);
    if (!item) {
      c.add(0, g.item, "gate", "names item '" + g.item + "', which does not exist");
      continue;
    }
    if (g.accept.empty()) c.add(0, g.item, "gate.accept", "list the answers that satisfy the condition");
    if (const Vocabulary* v = t.vocabulary_of(*item))
      for (const auto& a : g.accept)
        if (!v->contains(a)) c.add(0, g.item, "gate.accept", "'" + a + "' is not one of the item's choices");
  }
  return c.problems;
}

}  // namespace tom::domain
