// Demo data for `tom init --demo`: fictional organisations and assessments of the bundled templates at
// different stages, so a newcomer sees the workflow at a glance.
#include "app/identity.hpp"
#include "app/views.hpp"
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
const char* const kDemoPassword = "demo-password-2026";

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
        if (val != "Other" && val != "None" && val != "No" && val.rfind("Non", 0) != 0 &&
            val.rfind("N/", 0) != 0)
          return val;
      return v->values.front();
    }
    case AnswerType::kDate:
      return today_utc();
    case AnswerType::kNumber:
      return "1";
    case AnswerType::kNone:
      return "";
    default:
      break;
  }
  if (item.kind == ItemKind::kContact) return "Alex Morgan, alex.morgan@example.org, 0113 496 0000";
  return "Documented in the product's assurance pack, section " + item.id + ".";
}

domain::AssessmentBundle make_bundle(const Template& t, const std::string& product,
                                     const std::string& version, const std::string& title,
                                     const std::vector<std::pair<std::string, Organisation>>& parts) {
  domain::AssessmentBundle b;
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
void fill(const Template& t, domain::AssessmentBundle& b, const std::set<std::string>& parties,
          size_t limit) {
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
void use_other_mechanism(const Template& t, domain::AssessmentBundle& b) {
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

// Demo answers start from the first "positive" choice, but some questions are asked the other way round ("any
// data leakage?"). Tries other choices for each answered item and keeps a change when the rules raise fewer
// findings, so the finished demo TOM reads like a real approved one.
void settle_findings(const app::LoadedTemplate& lt, domain::AssessmentBundle& b) {
  const Template& t = *lt.tmpl;
  // Lower is better: findings weigh most, then failing or checked results, then numeric levels.
  auto count = [&] {
    auto ev = lt.rules->evaluate(b.answers);
    double score = 100.0 * static_cast<double>(ev.findings.size());
    for (const auto& d : ev.derived) {
      double n = 0;
      if (d.value.plain() == "FAIL")
        score += 10;
      else if (d.value.plain() == "CHECK")
        score += 5;
      else if (d.value.numeric(&n))
        score += n;
    }
    return score;
  };
  double best = count();
  // Items behind a finding or a poor result may change without an immediate gain (two answers may have to
  // change together); others only when the score improves.
  std::set<std::string> suspects;
  {
    auto ev = lt.rules->evaluate(b.answers);
    for (const auto& f : ev.findings)
      for (const auto& r : f.reads)
        if (r.ref[0] == '@') suspects.insert(r.ref.substr(1));
    for (const auto& d : ev.derived)
      if (d.value.plain() == "FAIL" || d.value.plain() == "CHECK")
        for (const auto& r : d.reads)
          if (r.ref[0] == '@') suspects.insert(r.ref.substr(1));
  }
  for (int pass = 0; pass < 2 && best > 0; ++pass) {
    for (const auto& s : t.sections) {
      for (const auto& item : s.items) {
        const Vocabulary* v = t.vocabulary_of(item);
        auto it = b.answers.find(item.id);
        if (!v || it == b.answers.end() || v->values.size() > 8) continue;
        Answer original = it->second;
        for (const auto& alt : v->values) {
          if (alt == original.value || alt == "Other") continue;
          it->second.value = alt;
          it->second.note = v->needs_note(alt) ? "Explained in the deployment plan." : "";
          double n = count();
          if (n < best || (n == best && suspects.count(item.id) && alt == "No")) {
            best = n;
            original = it->second;
          }
        }
        it->second = original;
        if (best == 0) return;
      }
    }
  }
}

}  // namespace

Status create_demo(Context& ctx) {
  const domain::Caller demo = domain::local_operator("demo");
  TOM_ASSIGN(auto existing, app::list_assessments(*ctx.workbench, demo, {}));
  if (!existing.rows.empty()) {
    ctx.out << "Demo data not added: the database already has assessments.\n";
    return ok_status();
  }
  const std::vector<std::pair<std::string, Organisation>> parts = {{"provider-supplier", kProvider},
                                                                   {"client-supplier", kClient},
                                                                   {"end-user", kTrust},
                                                                   {"commissioner", kIcb},
                                                                   {"central", kCentral}};
  size_t created = 0;

  // 1. A client TOM complete and approved in every phase.
  if (auto t = ctx.workbench->load_template("sms-client-tom", ""); t.ok()) {
    const Template& tm = *t->tmpl;
    auto b = make_bundle(tm, "Riverside PAS", "4.2", "PDS lookups at Lakeside", parts);
    fill(tm, b, {}, SIZE_MAX);
    settle_findings(*t, b);
    // The deploying organisation's named people have accepted what the rules still raise.
    for (const auto& rf : t->rules->evaluate(b.answers).findings) {
      Finding f = app::finding_from_rule(rf, 0);
      f.status = FindingStatus::kAccepted;
      f.accepted_role = rf.spec.role;
      f.accepted_by = rf.spec.role == "siro" ? "Dr Sam Okafor (SIRO)" : "Jo Patel (Clinical Safety Officer)";
      f.accepted_at = now_utc_iso();
      f.expires_on = "2027-11-30";
      f.mitigation = "Reviewed at the deployment board; controls documented in the assurance pack.";
      b.findings.push_back(f);
    }
    b.assessment.custodian = tm.custody.empty() ? "" : tm.custody.back();
    for (const auto& ph : tm.phases) {
      Approval a;
      a.phase = ph.id;
      a.decision = Decision::kApproved;
      a.outcome = "Approved for live use at the deploying organisation.";
      if (ph.certificate) a.certificate = "SMS-DEMO-0001";
      a.decided_by = ph.approver == "central" ? "Priya Shah (NHS Digital)" : "Dr Sam Okafor (SIRO)";
      a.basis = decision_basis(tm, ph, b.answers);
      b.approvals.push_back(a);
    }
    TOM_TRY(ctx.workbench->import_bundle(b, "demo"));
    ++created;
    // 2. The same product for a GP practice: a new deployment, not yet started.
    auto b2 = make_bundle(tm, "Riverside PAS", "4.2", "PDS lookups at Hillside Surgery",
                          {{"provider-supplier", kProvider},
                           {"client-supplier", kClient},
                           {"end-user", kPractice},
                           {"central", kCentral}});
    TOM_TRY(ctx.workbench->import_bundle(b2, "demo"));
    ++created;
  }
  // 3. An e-RS API TOM: the supplier has finished its part and handed it to the trust.
  if (auto t = ctx.workbench->load_template("ers-api-tom", ""); t.ok()) {
    const Template& tm = *t->tmpl;
    auto b = make_bundle(tm, "Riverside Referral Hub", "2.0", "e-RS referrals at Lakeside", parts);
    fill(tm, b, parties_with_role(tm, {PartyRole::kClientSupplier, PartyRole::kProviderSupplier}), SIZE_MAX);
    settle_findings(*t, b);
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
    settle_findings(*t, b);
    use_other_mechanism(tm, b);
    TOM_TRY(ctx.workbench->import_bundle(b, "demo"));
    ++created;
  }
  // People to sign in as, one per role, in the organisations above.
  auto org_id = [&](const Organisation& o) {
    ListQuery q;
    q.text = o.name;
    if (auto found = app::organisations(*ctx.workbench, q))
      for (const auto& x : found->items)
        if (x.name == o.name) return x.id;
    return int64_t{0};
  };
  struct DemoUser {
    const char* email;
    const char* name;
    const Organisation* org;
    std::vector<std::string> roles;
  };
  const std::vector<DemoUser> users = {
      {"admin@nhsdigital.example", "Morgan Reid", &kCentral, {"administrator"}},
      {"priya.shah@nhsdigital.example", "Priya Shah", &kCentral, {"central-reviewer", "approver"}},
      {"kim.ng@northbridge.example", "Kim Ng", &kProvider, {"editor"}},
      {"lee.chen@riverside.example", "Lee Chen", &kClient, {"editor"}},
      {"alex.morgan@lakeside.example", "Alex Morgan", &kTrust, {"editor"}},
      {"sam.okafor@lakeside.example", "Dr Sam Okafor", &kTrust, {"siro", "approver"}},
      {"jo.patel@lakeside.example", "Jo Patel", &kTrust, {"clinical-safety-officer", "editor"}},
      {"robin.hale@hillside.example", "Robin Hale", &kPractice, {"editor", "approver", "siro"}},
  };
  app::Identity identity(*ctx.workbench);
  for (const auto& u : users) {
    int64_t id = org_id(*u.org);
    if (id == 0) {
      TOM_ASSIGN(Organisation added, app::add_organisation(*ctx.workbench, demo, *u.org));
      id = added.id;
    }
    TOM_TRY(app::add_person(identity, demo, User{0, u.email, u.name, id, u.roles}, kDemoPassword));
  }
  ctx.out << "Demo data: " << created << " assessments at different stages (see `tom assessment list`)\n";
  ctx.out << "Demo sign-in (password for everyone: " << kDemoPassword << "):\n";
  for (const auto& u : users) {
    ctx.out << "  " << u.email << "  (" << u.org->name << "; ";
    for (size_t i = 0; i < u.roles.size(); ++i) ctx.out << (i ? ", " : "") << u.roles[i];
    ctx.out << ")\n";
  }
  return ok_status();
}

}  // namespace tom::cli
