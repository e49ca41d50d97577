#pragma once
// A TOM template: the checklist as data. Plain values, no I/O. Loading and validation live in
// io/template_file; the invariants below hold for every Template that validate_template() accepted.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tom::domain {

enum class PartyRole { kProviderSupplier, kClientSupplier, kEndUser, kCommissioner, kCentral };

struct Party {
  std::string id;  // e.g. "smsp"
  std::string name;
  PartyRole role = PartyRole::kEndUser;
};

struct Phase {
  std::string id;  // e.g. "1A"
  std::string name;
  std::string approver;            // party id
  std::vector<std::string> areas;  // approved separately, e.g. usage, settings
  bool certificate = false;        // approval issues a certificate number
  bool accepts_risks = false;      // approving needs every open risk of the TOM settled by its role holder
  std::vector<std::string> concurrent_with;
  // A change to one of the phase's answers after it was approved: reopen the phase (it must be submitted and
  // decided again) or keep the approval and flag it as changed since, with the differences.
  bool reopen_on_change = true;
};

struct Vocabulary {
  std::string id;
  std::vector<std::string> values;
  std::vector<std::string> note_required;  // values that must be explained in the note

  bool contains(const std::string& v) const;
  bool needs_note(const std::string& v) const;
};

enum class SectionKind {
  kCover,
  kApprovalGateways,
  kBasicDetails,
  kContactsLog,
  kTopology,
  kContractsAgreements,
  kAccountability,
  kArchitecture,
  kIgSecurity,
  kClinicalSafety,
  kService,
  kRequirements,
  kCentralReview,
  kOther
};

enum class ItemKind { kInfo, kAction, kReq, kContact, kChoice, kApproval };
enum class Obligation { kNone, kMust, kShould, kMay };
enum class AnswerType { kNone, kChoice, kText, kLongText, kDate, kNumber };

struct Item {
  std::string id;
  ItemKind kind = ItemKind::kAction;
  std::string group;  // category heading, may be empty
  std::string text;
  std::string guidance;
  std::string party;  // owning party id
  AnswerType answer = AnswerType::kText;
  std::string choices;  // vocabulary id when answer == kChoice
  Obligation obligation = Obligation::kNone;
  std::vector<std::string> phases;  // resolved: never empty after loading
  bool optional = false;
  std::string applies_when;  // expression text; empty = always applies
  int source_line = 0;       // line in the template file, for messages

  bool answerable() const { return kind != ItemKind::kInfo; }
};

struct Section {
  std::string id;
  std::string title;
  SectionKind kind = SectionKind::kOther;
  std::vector<std::string> parties;
  std::vector<std::string> phases;
  std::string description;
  std::vector<Item> items;
};

enum class FindingKind { kNonCompliance, kRisk, kEscalation, kReview };

struct FindingSpec {
  FindingKind kind = FindingKind::kReview;
  std::string title;
  std::string role;   // who acts on / accepts it
  std::string party;  // party holding it, may be empty
};

// Which items an `each` rule iterates over. Empty fields match anything.
struct ItemSelector {
  std::string section;
  std::optional<SectionKind> section_kind;
  std::optional<ItemKind> kind;
  std::optional<Obligation> obligation;
  std::string party;
};

struct Rule {
  std::string id;
  std::string description;
  std::string derive;  // name of the derived value, for derive rules
  std::string value;   // expression, for derive rules
  std::string when;    // expression, for finding rules
  std::optional<ItemSelector> each;
  std::optional<FindingSpec> finding;
  int source_line = 0;

  bool is_derive() const { return !derive.empty(); }
};

// Something go-live needs beyond the phase approvals: an item answered with one of the accepted values
// (e.g. the signed Connection Agreement).
struct GateCondition {
  std::string item;
  std::vector<std::string> accept;
  std::string label;
};

struct Template {
  int format = 1;
  std::string id;
  std::string family;
  std::string name;
  std::string version;
  std::string description;
  std::string source;
  std::vector<Party> parties;
  std::vector<std::string> custody;
  std::vector<Phase> phases;
  std::map<std::string, Vocabulary> vocabularies;
  std::vector<Section> sections;
  std::vector<Rule> rules;
  std::vector<GateCondition> gate;

  std::string ref() const { return id + "@" + version; }
  const Item* find_item(const std::string& item_id) const;
  const Section* find_section(const std::string& section_id) const;
  const Section* section_of(const std::string& item_id) const;
  const Party* find_party(const std::string& party_id) const;
  const Phase* find_phase(const std::string& phase_id) const;
  const Vocabulary* vocabulary_of(const Item& item) const;
  size_t item_count() const;
};

// Names used in files, JSON and messages.
const char* to_string(PartyRole r);
const char* to_string(SectionKind k);
const char* to_string(ItemKind k);
const char* to_string(Obligation o);
const char* to_string(AnswerType t);
const char* to_string(FindingKind k);
std::optional<PartyRole> party_role_from(const std::string& s);
std::optional<SectionKind> section_kind_from(const std::string& s);
std::optional<ItemKind> item_kind_from(const std::string& s);
std::optional<Obligation> obligation_from(const std::string& s);
std::optional<AnswerType> answer_type_from(const std::string& s);
std::optional<FindingKind> finding_kind_from(const std::string& s);

bool selector_matches(const ItemSelector& sel, const Section& section, const Item& item);

}  // namespace tom::domain
