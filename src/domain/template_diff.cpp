#include "domain/template_diff.hpp"

#include <map>

namespace tom::domain {

namespace {

struct Located {
  const Section* section;
  const Item* item;
};

std::map<std::string, Located> index(const Template& t) {
  std::map<std::string, Located> out;
  for (const auto& s : t.sections)
    for (const auto& i : s.items) out[i.id] = {&s, &i};
  return out;
}

std::vector<std::string> vocabulary_values(const Template& t, const Item& i) {
  const Vocabulary* v = t.vocabulary_of(i);
  return v ? v->values : std::vector<std::string>{};
}

}  // namespace

TemplateDiff diff_templates(const Template& a, const Template& b) {
  TemplateDiff d;
  auto ia = index(a), ib = index(b);
  // Keep template order for readable output.
  for (const auto& s : a.sections)
    for (const auto& i : s.items)
      if (!ib.count(i.id)) d.removed.push_back(i.id);
  for (const auto& s : b.sections) {
    for (const auto& i : s.items) {
      auto it = ia.find(i.id);
      if (it == ia.end()) {
        d.added.push_back(i.id);
        continue;
      }
      const Item& x = *it->second.item;
      std::vector<std::string> fields;
      if (it->second.section->id != s.id) fields.push_back("section");
      if (x.kind != i.kind) fields.push_back("kind");
      if (x.text != i.text) fields.push_back("text");
      if (x.guidance != i.guidance) fields.push_back("guidance");
      if (x.party != i.party) fields.push_back("party");
      if (x.obligation != i.obligation) fields.push_back("obligation");
      if (x.answer != i.answer || vocabulary_values(a, x) != vocabulary_values(b, i))
        fields.push_back("choices");
      if (x.phases != i.phases) fields.push_back("phases");
      if (x.optional != i.optional) fields.push_back("optional");
      if (x.applies_when != i.applies_when) fields.push_back("applies_when");
      if (fields.empty())
        d.unchanged.push_back(i.id);
      else
        d.changed.push_back({i.id, std::move(fields)});
    }
  }
  return d;
}

}  // namespace tom::domain
