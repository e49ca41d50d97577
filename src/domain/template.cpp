#include "domain/template.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace tom::domain {

bool Vocabulary::contains(const std::string& v) const {
  return std::find(values.begin(), values.end(), v) != values.end();
}
bool Vocabulary::needs_note(const std::string& v) const {
  return std::find(note_required.begin(), note_required.end(), v) != note_required.end();
}

const Item* Template::find_item(const std::string& item_id) const {
  for (const auto& s : sections)
    for (const auto& i : s.items)
      if (i.id == item_id) return &i;
  return nullptr;
}
const Section* Template::find_section(const std::string& section_id) const {
  for (const auto& s : sections)
    if (s.id == section_id) return &s;
  return nullptr;
}
const Section* Template::section_of(const std::string& item_id) const {
  for (const auto& s : sections)
    for (const auto& i : s.items)
      if (i.id == item_id) return &s;
  return nullptr;
}
const Party* Template::find_party(const std::string& party_id) const {
  for (const auto& p : parties)
    if (p.id == party_id) return &p;
  return nullptr;
}
const Phase* Template::find_phase(const std::string& phase_id) const {
  for (const auto& p : phases)
    if (p.id == phase_id) return &p;
  return nullptr;
}
const Phase* Template::recorded_by(const std::string& item_id) const {
  for (const auto& ph : phases)
    for (const auto& [key, item] : ph.records)
      if (item == item_id) return &ph;
  return nullptr;
}

const Vocabulary* Template::vocabulary_of(const Item& item) const {
  if (item.choices.empty()) return nullptr;
  auto it = vocabularies.find(item.choices);
  return it == vocabularies.end() ? nullptr : &it->second;
}
size_t Template::item_count() const {
  size_t n = 0;
  for (const auto& s : sections) n += s.items.size();
  return n;
}

namespace {
template <class E, size_t N>
const char* name_of(const std::array<std::pair<E, const char*>, N>& table, E e) {
  for (const auto& [k, v] : table)
    if (k == e) return v;
  return "?";
}
template <class E, size_t N>
std::optional<E> from_name(const std::array<std::pair<E, const char*>, N>& table, const std::string& s) {
  for (const auto& [k, v] : table)
    if (s == v) return k;
  return std::nullopt;
}

constexpr std::array<std::pair<PartyRole, const char*>, 5> kRoles{{
    {PartyRole::kProviderSupplier, "provider-supplier"},
    {PartyRole::kClientSupplier, "client-supplier"},
    {PartyRole::kEndUser, "end-user"},
    {PartyRole::kCommissioner, "commissioner"},
    {PartyRole::kCentral, "central"},
}};
constexpr std::array<std::pair<SectionKind, const char*>, 14> kSectionKinds{{
    {SectionKind::kCover, "cover"},
    {SectionKind::kApprovalGateways, "approval-gateways"},
    {SectionKind::kBasicDetails, "basic-details"},
    {SectionKind::kContactsLog, "contacts-log"},
    {SectionKind::kTopology, "topology"},
    {SectionKind::kContractsAgreements, "contracts-agreements"},
    {SectionKind::kAccountability, "accountability"},
    {SectionKind::kArchitecture, "architecture"},
    {SectionKind::kIgSecurity, "ig-security"},
    {SectionKind::kClinicalSafety, "clinical-safety"},
    {SectionKind::kService, "service"},
    {SectionKind::kRequirements, "requirements"},
    {SectionKind::kCentralReview, "central-review"},
    {SectionKind::kOther, "other"},
}};
constexpr std::array<std::pair<ItemKind, const char*>, 6> kItemKinds{{
    {ItemKind::kInfo, "info"},
    {ItemKind::kAction, "action"},
    {ItemKind::kReq, "req"},
    {ItemKind::kContact, "contact"},
    {ItemKind::kChoice, "choice"},
    {ItemKind::kApproval, "approval"},
}};
constexpr std::array<std::pair<Obligation, const char*>, 4> kObligations{{
    {Obligation::kNone, ""},
    {Obligation::kMust, "must"},
    {Obligation::kShould, "should"},
    {Obligation::kMay, "may"},
}};
constexpr std::array<std::pair<AnswerType, const char*>, 6> kAnswerTypes{{
    {AnswerType::kNone, "none"},
    {AnswerType::kChoice, "choice"},
    {AnswerType::kText, "text"},
    {AnswerType::kLongText, "long-text"},
    {AnswerType::kDate, "date"},
    {AnswerType::kNumber, "number"},
}};
constexpr std::array<std::pair<FindingKind, const char*>, 4> kFindingKinds{{
    {FindingKind::kNonCompliance, "non-compliance"},
    {FindingKind::kRisk, "risk"},
    {FindingKind::kEscalation, "escalation"},
    {FindingKind::kReview, "review"},
}};
}  // namespace

const char* to_string(PartyRole r) {
  return name_of(kRoles, r);
}
const char* to_string(SectionKind k) {
  return name_of(kSectionKinds, k);
}
const char* to_string(ItemKind k) {
  return name_of(kItemKinds, k);
}
const char* to_string(Obligation o) {
  return name_of(kObligations, o);
}
const char* to_string(AnswerType t) {
  return name_of(kAnswerTypes, t);
}
const char* to_string(FindingKind k) {
  return name_of(kFindingKinds, k);
}
std::optional<PartyRole> party_role_from(const std::string& s) {
  return from_name(kRoles, s);
}
std::optional<SectionKind> section_kind_from(const std::string& s) {
  return from_name(kSectionKinds, s);
}
std::optional<ItemKind> item_kind_from(const std::string& s) {
  return from_name(kItemKinds, s);
}
std::optional<Obligation> obligation_from(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return from_name(kObligations, s);
}
std::optional<AnswerType> answer_type_from(const std::string& s) {
  if (s == "none" || s == "choice") return std::nullopt;  // implied by kind / choices, not written
  return from_name(kAnswerTypes, s);
}
std::optional<FindingKind> finding_kind_from(const std::string& s) {
  return from_name(kFindingKinds, s);
}

bool selector_matches(const ItemSelector& sel, const Section& section, const Item& item) {
  if (!item.answerable()) return false;
  if (!sel.section.empty() && sel.section != section.id) return false;
  if (sel.section_kind && *sel.section_kind != section.kind) return false;
  if (sel.kind && *sel.kind != item.kind) return false;
  if (sel.obligation && *sel.obligation != item.obligation) return false;
  if (!sel.party.empty() && sel.party != item.party) return false;
  return true;
}

}  // namespace tom::domain
