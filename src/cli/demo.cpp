// Demo data for `tom init --demo`: fictional organisations and assessments of the bundled templates at
// different stages, so a newcomer sees the workflow at a glance.
#include "cli/context.hpp"
#include "core/clock.hpp"

namespace tom::cli {

using namespace tom::domain;

namespace {

struct DemoOrg {
  const char* party_role;  // which role this organisation plays
  Organisation org;
};

const Organisation kProvider{0, "Northbridge Health Systems Ltd", "", "supplier"};
const Organisation kClient{0, "Riverside Clinical Software Ltd", "", "supplier"};
const Organisation kTrust{0, "Lakeside NHS Foundation Trust (demo)", "RZZ", "nhs-trust"};
const Organisation kPractice{0, "Hillside Surgery (demo)", "Z99001", "gp-practice"};
const Organisation kIcb{0, "North Lakes Integrated Care Board (demo)", "ZZ1", "icb"};
const Organisation kCentral{0, "NHS Digital", "X26", "central"};

// A sensible answer for a demo: the first choice that reads as a positive outcome.
std::string demo_value(const Template& t, const Item& item) {
  switch (item.answer) {
    case AnswerType::kChoice: {
      const Vocabulary* v = t.vocabulary_of(item);
      if (!v || v->values.empty()) return "";
      for (const char* good : {"Approved", "Yes", "Compliant", "Accepted", "Complete", "Completed", "Signed"})
        for (const auto& val : v->values)
          if (val == good) return val;
      for (const auto& val : v->values)
        if (val != "Other" && val != "None" && val != "No" && val.rfind("Non", 0) != 0 && val.rfind("N/", 0) != 0)
          return val;
      return v->values.front();
    }
    case AnswerType::kDate: return today_utc();
    case AnswerType::kNumber: return "1";
    case AnswerType::kNone: return "";
    default:
      break;
  }
  if (item.kind == ItemKind::kContact) return "Alex Morgan, alex.morgan@example.org, 0113 496 0000";
  return "Documented in the product's assurance pack, section " + item.id + ".";
}

store::AssessmentBundle make_bundle(const Template& t, const std::string& product, const std::string& version,
                                    const std::string& title,
                                    const std::vector<std::pair<std::string, Organisation>>& parts) {
  store::AssessmentBundle b;
  b.assessment.template_id = t.id;
  b.assessment.template_version = t.version;
  b.assessment.product = product;
  b.assessment.product_version = version;
  b.assessment.title = title;
  b.assessment.custodian = t.custody.empty() ? "" : t.custody.front();
  for (const auto& [role, org] : parts)
    for (const auto& p : t.parties)
      if (p.id == role || to_string(p.role) == role) b.participants.emplace_back(p.id, org);
  return b;
}

// Answers every answerable item owned by one of `parties` (all parties when empty), up to `limit` items.
void fill(const Template& t, store::AssessmentBundle& b, const std::set<std::string>& parties, size_t limit) {
  size_t n = 0;
  for (const auto& s : t.sections) {
    for (const auto& item : s.items) {
      if (!item.answerable() || (!parties.empty() && !parties.count(item.party))) continue;
      if (n++ >= limit) return;
      Answer a;
      a.item_id = item.id;
      a.value = demo_value(t, item);
      if (a.value.empty()) continue;
      const Vocabulary* v = t.vocabulary_of(item);
      if (v && v->needs_note(a.value)) a.note = "Explained in the deployment plan.";
      a.author = "demo";
      b.answers[item.id] = a;
    }
  }
}

std::set<std::string> parties_with_role(const Template& t, std::initializer_list<PartyRole> roles) {
  std::set<std::string> out;
  for (const auto& p : t.parties)
    for (auto r : roles)
      if (p.role == r) out.insert(p.id);
  return out;
}

// Switches the first answer of an IG mechanism item to "Other", to show a CHECK result and a SIRO review.
void use_other_mechanism(const Template& t, store::AssessmentBundle& b) {
  for (const auto& s : t.sections) {
    if (s.kind != SectionKind::kIgSecurity) continue;
    for (const auto& item : s.items) {
      const Vocabulary* v = t.vocabulary_of(item);
      if (v && v->contains("Other") && b.answers.count(item.id)) {
        b.answers[item.id].value = "Other";
        b.answers[item.id].note = "Username and password with a hardware token, described in the IG pack.";
        return;
      }
    }
  }
}

}  // namespace

Status create_demo(Context& ctx) {
  TOM_ASSIGN(auto existing, ctx.store->list_assessments());
  if (!existing.empty()) {
    ctx.out << "Demo data not added: the database already has assessments.\n";
    return ok_status();
  }
  const std::vector<std::pair<std::string, Organisation>> parts = {
      {"provider-supplier", kProvider}, {"client-supplier", kClient}, {"end-user", kTrust},
      {"commissioner", kIcb},           {"central", kCentral}};
  size_t created = 0;

  // 1. A client TOM complete and approved in every phase.
  if (auto t = ctx.workbench->load_template("sms-client-tom", ""); t.ok()) {
    const Template& tm = *t->tmpl;
    auto b = make_bundle(tm, "Riverside PAS", "4.2", "PDS lookups at Lakeside", parts);
    fill(tm, b, {}, SIZE_MAX);
    b.assessment.custodian = tm.custody.empty() ? "" : tm.custody.back();
    for (const auto& ph : tm.phases) {
      Approval a;
      a.phase = ph.id;
      a.decision = Decision::kApproved;
      a.outcome = "Approved for live use at the deploying organisation.";
      if (ph.certificate) a.certificate = "SMS-DEMO-0001";
      a.decided_by = ph.approver == "central" ? "Priya Shah (NHS Digital)" : "Dr Sam Okafor (SIRO)";
      b.approvals.push_back(a);
    }
    TOM_TRY(ctx.workbench->import_bundle(b, "demo"));
    ++created;
    // 2. The same product for a GP practice: a new deployment, not yet started.
    auto b2 = make_bundle(tm, "Riverside PAS", "4.2", "PDS lookups at Hillside Surgery",
                          {{"provider-supplier", kProvider}, {"client-supplier", kClient}, {"end-user", kPractice},
                           {"central", kCentral}});
    TOM_TRY(ctx.workbench->import_bundle(b2, "demo"));
    ++created;
  }
  // 3. An e-RS API TOM: the supplier has finished its part and handed it to the trust.
  if (auto t = ctx.workbench->load_template("ers-api-tom", ""); t.ok()) {
    const Template& tm = *t->tmpl;
    auto b = make_bundle(tm, "Riverside Referral Hub", "2.0", "e-RS referrals at Lakeside", parts);
    fill(tm, b, parties_with_role(tm, {PartyRole::kClientSupplier, PartyRole::kProviderSupplier}), SIZE_MAX);
    use_other_mechanism(tm, b);
    if (tm.custody.size() > 1) b.assessment.custodian = tm.custody[1];
    TOM_TRY(ctx.workbench->import_bundle(b, "demo"));
    ++created;
  }
  // 4. A provider TOM partly filled in by the provider supplier.
  if (auto t = ctx.workbench->load_template("sms-provider-tom", ""); t.ok()) {
    const Template& tm = *t->tmpl;
    auto b = make_bundle(tm, "Northbridge Spine Gateway", "1.0", "Commercial SMS provider assurance", parts);
    fill(tm, b, parties_with_role(tm, {PartyRole::kProviderSupplier}), 40);
    use_other_mechanism(tm, b);
    TOM_TRY(ctx.workbench->import_bundle(b, "demo"));
    ++created;
  }
  ctx.out << "Demo data: " << created << " assessments at different stages (see `tom assessment list`)\n";
  return ok_status();
}

}  // namespace tom::cli
