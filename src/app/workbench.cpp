#include "app/workbench.hpp"

#include <boost/json.hpp>

#include "app/summary.hpp"
#include "core/text.hpp"
#include "domain/access.hpp"
#include "domain/template_validation.hpp"
#include "store/store.hpp"

namespace tom::app {

using namespace tom::domain;

Workbench::Workbench(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {
  store_.keep_summaries(summariser(*this), kSummaryFormat);
}

// The store may outlive the workbench (tests give one of their own): it must not call back into it.
Workbench::~Workbench() {
  store_.keep_summaries(nullptr, 0);
}

Status Workbench::ensure_summaries() {
  std::lock_guard lock(summaries_mu_);
  if (summaries_current_) return ok_status();
  TOM_TRY(refresh_all_summaries(*this));
  summaries_current_ = true;
  return ok_status();
}

Result<std::unique_ptr<Workbench>> Workbench::open(const std::string& url, const std::string& audit_key_file,
                                                   const Clock& clock) {
  TOM_ASSIGN(auto opened, store::open_store(url, {audit_key_file, &clock}));
  auto wb = std::make_unique<Workbench>(*opened, clock);
  wb->owned_ = std::move(opened);
  return wb;
}

std::string Workbench::database_kind() const {
  return store_.kind();
}

std::string Workbench::default_audit_key_file(const std::string& url) {
  return store::default_audit_key_file(url);
}

Status Workbench::add_template(const Template& t, const Caller& caller) {
  if (std::string why = why_not_add_template(caller); !why.empty()) return Error::forbidden(why);
  auto problems = validate_template(t);
  if (!problems.empty())
    return Error::invalid("the template " + t.ref() + " is not valid", std::move(problems));
  auto compiled = rules::RuleSet::compile(std::make_shared<const Template>(t));
  if (!compiled) return std::move(compiled).error();
  return store_.put_template(t, caller.user.email);
}

Result<LoadedTemplate> Workbench::load_template(const std::string& id, const std::string& version) {
  return load_template_with(id, version, [&] { return store_.get_template(id, version); });
}

Result<LoadedTemplate> Workbench::load_template_with(const std::string& id, const std::string& version,
                                                     const std::function<Result<Template>()>& fetch) {
  if (!version.empty()) {
    std::lock_guard lock(mu_);
    auto it = cache_.find(id + "@" + version);
    if (it != cache_.end()) return it->second;
  }
  TOM_ASSIGN(Template t, fetch());
  {
    // A template is immutable by id@version: the newest one, loaded again, is the one already cached, and the
    // cached copy stays the only one (views holding pointers into it stay valid).
    std::lock_guard lock(mu_);
    auto it = cache_.find(t.ref());
    if (it != cache_.end()) return it->second;
  }
  auto shared = std::make_shared<const Template>(std::move(t));
  TOM_ASSIGN(rules::RuleSet rs, rules::RuleSet::compile(shared));
  LoadedTemplate loaded{shared, std::make_shared<const rules::RuleSet>(std::move(rs))};
  std::lock_guard lock(mu_);
  return cache_.emplace(shared->ref(), loaded).first->second;
}

Result<LoadedTemplate> Workbench::load_template_ref(const std::string& ref) {
  auto at = ref.find('@');
  if (at == std::string::npos) return load_template(ref, "");
  return load_template(ref.substr(0, at), ref.substr(at + 1));
}

namespace {
// Problems with who plays which party: unknown parties, missing organisations, organisations of a type that
// may not play the party.
void check_players(const Template& t, const std::vector<std::pair<std::string, Organisation>>& players,
                   std::vector<Problem>& problems) {
  for (const auto& [party_id, org] : players) {
    Problem p;
    p.where.field = "participants." + party_id;
    const Party* party = t.find_party(party_id);
    if (!party) {
      p.message = "template " + t.ref() + " has no party '" + party_id + "'";
    } else if (std::string why = why_not_play(*party, org); !why.empty()) {
      p.message = why;
    } else {
      continue;
    }
    problems.push_back(std::move(p));
  }
}
}  // namespace

Result<Assessment> Workbench::create_assessment(const Assessment& a, const Caller& caller) {
  TOM_ASSIGN(LoadedTemplate loaded, load_template(a.template_id, a.template_version));
  if (std::string why = why_not_create(caller, *loaded.tmpl, a); !why.empty()) return Error::forbidden(why);
  std::vector<std::pair<std::string, Organisation>> players;
  std::vector<Problem> problems;
  for (const auto& p : a.participants) {
    auto org = store_.get_organisation(p.organisation_id);
    if (!org) {
      problems.push_back({{"", "", 0, "participants." + p.party, ""},
                          "there is no organisation " + std::to_string(p.organisation_id)});
      continue;
    }
    players.emplace_back(p.party, *org);
  }
  check_players(*loaded.tmpl, players, problems);
  if (!problems.empty())
    return Error::invalid("the assessment's participants are not valid", std::move(problems));
  return store_.create_assessment(a, caller.user.email);
}

CheckReport build_report(Assessment a, LoadedTemplate loaded, AnswerSet answers,
                         std::vector<Finding> findings, std::vector<Approval> approvals,
                         std::vector<Submission> submissions, const CompletenessFilter& filter) {
  CheckReport r;
  r.assessment = std::move(a);
  r.loaded = std::move(loaded);
  r.answers = std::move(answers);
  r.stored_findings = std::move(findings);
  r.approvals = std::move(approvals);
  r.submissions = std::move(submissions);
  r.evaluation = r.loaded.rules->evaluate(r.answers);
  r.filter = filter;
  r.completeness = assess_completeness(*r.loaded.tmpl, r.answers, r.evaluation.out_of_scope, filter);
  return r;
}

Result<CheckReport> Workbench::check(int64_t assessment, const CompletenessFilter& filter) {
  TOM_ASSIGN(Assessment a, store_.get_assessment(assessment));
  TOM_ASSIGN(LoadedTemplate loaded, load_template(a.template_id, a.template_version));
  const Template& t = *loaded.tmpl;
  if (!filter.phase.empty() && !t.find_phase(filter.phase))
    return Error::invalid("template " + t.ref() + " has no phase '" + filter.phase + "'");
  if (!filter.party.empty() && !t.find_party(filter.party))
    return Error::invalid("template " + t.ref() + " has no party '" + filter.party + "'");
  TOM_ASSIGN(AnswerSet answers, store_.get_answers(assessment));
  TOM_ASSIGN(auto findings, store_.list_findings(assessment));
  TOM_ASSIGN(auto approvals, store_.list_approvals(assessment));
  TOM_ASSIGN(auto submissions, store_.list_submissions(assessment));
  return build_report(std::move(a), std::move(loaded), std::move(answers), std::move(findings),
                      std::move(approvals), std::move(submissions), filter);
}

std::vector<PhaseStatus> CheckReport::phases() const {
  return phase_statuses(*loaded.tmpl, approvals, submissions, answers);
}

Result<domain::AssessmentBundle> Workbench::export_bundle(int64_t assessment) {
  domain::AssessmentBundle b;
  TOM_ASSIGN(b.assessment, store_.get_assessment(assessment));
  for (const auto& p : b.assessment.participants) {
    TOM_ASSIGN(Organisation o, store_.get_organisation(p.organisation_id));
    b.participants.emplace_back(p.party, o);
  }
  TOM_ASSIGN(b.answers, store_.get_answers(assessment));
  TOM_ASSIGN(b.findings, store_.list_findings(assessment));
  TOM_ASSIGN(b.approvals, store_.list_approvals(assessment));
  return b;
}

Result<Assessment> Workbench::import_bundle(const domain::AssessmentBundle& b, const std::string& actor) {
  TOM_ASSIGN(LoadedTemplate loaded, load_template(b.assessment.template_id, b.assessment.template_version));
  const Template& t = *loaded.tmpl;
  std::vector<Problem> problems;
  auto add = [&](const std::string& field, const std::string& item, const std::string& msg) {
    Problem p;
    p.where.field = field;
    p.where.item = item;
    p.message = msg;
    problems.push_back(std::move(p));
  };
  check_players(t, b.participants, problems);
  if (!b.assessment.custodian.empty() && !t.find_party(b.assessment.custodian))
    add("assessment.custodian", b.assessment.custodian, "not a party of template " + t.ref());
  for (const auto& [id, ans] : b.answers) {
    const Item* item = t.find_item(id);
    if (!item) {
      add("answers", id, "template " + t.ref() + " has no such item");
      continue;
    }
    auto valid = validate_answer_value(t, *item, ans.value);
    if (!valid.ok()) add("answers", id, valid.error().message);
    for (auto [field, text] : {std::pair{"note", &ans.note}, std::pair{"reference", &ans.reference}})
      if (auto why = text_problem(*text); !why.empty())
        add("answers", id, std::string("the ") + field + " " + why);
  }
  for (const auto& ap : b.approvals)
    if (!t.find_phase(ap.phase)) add("approvals", ap.phase, "template " + t.ref() + " has no such phase");
  if (!problems.empty())
    return Error::invalid("the assessment does not fit template " + t.ref(), std::move(problems));
  return store_.import_assessment(b, actor);
}

Result<UpgradeReport> Workbench::upgrade(int64_t assessment, const std::string& target_ref, bool dry_run,
                                         const std::string& actor) {
  TOM_ASSIGN(Assessment a, store_.get_assessment(assessment));
  TOM_ASSIGN(LoadedTemplate from, load_template(a.template_id, a.template_version));
  TOM_ASSIGN(LoadedTemplate to, load_template_ref(target_ref));
  if (to.tmpl->id != from.tmpl->id)
    return Error::invalid("assessment " + std::to_string(assessment) + " follows template " + from.tmpl->id +
                          "; it cannot move to " + to.tmpl->id + " (a different template)");
  if (to.tmpl->version == from.tmpl->version)
    return Error::invalid("assessment " + std::to_string(assessment) + " already follows " + to.tmpl->ref());
  TOM_ASSIGN(AnswerSet answers, store_.get_answers(assessment));
  UpgradeReport report = plan_upgrade(*from.tmpl, *to.tmpl, answers);
  if (dry_run) return report;
  auto list = [](const std::vector<std::string>& v) {
    boost::json::array items;
    for (const auto& s : v) items.emplace_back(s);
    return items;
  };
  std::string json = boost::json::serialize(boost::json::object{{"template_version", to.tmpl->version},
                                                                {"carried", list(report.carried)},
                                                                {"added", list(report.added)},
                                                                {"removed", list(report.removed)},
                                                                {"changed", list(report.changed)},
                                                                {"needs_review", list(report.needs_review)}});
  TOM_TRY(store_.set_template_version(assessment, to.tmpl->version, json, actor));
  return report;
}

size_t approx_bytes(const CheckReport& r) {
  size_t n = sizeof(CheckReport) + 256;
  for (const auto& [id, a] : r.answers)
    n += 160 + id.size() * 2 + a.value.size() + a.note.size() + a.reference.size() + a.author.size() +
         a.updated_at.size();
  for (const auto& f : r.stored_findings) n += 512 + f.title.size() + f.detail.size() + f.mitigation.size();
  for (const auto& f : r.evaluation.findings) n += 384 + f.explanation.size();
  for (const auto& d : r.evaluation.derived) n += 256 + d.reads.size() * 96;
  for (const auto& a : r.approvals) n += 384 + a.basis.size() * 96;
  n += r.evaluation.out_of_scope.size() * 64 + r.completeness.missing.size() * 192 +
       r.completeness.sections.size() * 128 + r.submissions.size() * 128;
  return n;
}

Result<Workbench::CurrentAssessment> Workbench::current_assessment(int64_t assessment) {
  TOM_ASSIGN(int64_t rev, store_.revision());
  if (auto kept = assessments_.get(assessment); kept && kept->revision == rev)
    return CurrentAssessment{rev, kept->assessment};
  TOM_ASSIGN(Assessment a, store_.get_assessment(assessment));
  size_t bytes = sizeof(KeptAssessment) + sizeof(Assessment) + a.product.size() + a.product_version.size() +
                 a.title.size() + a.created_by.size() + 128 + a.participants.size() * 64;
  auto shared = std::make_shared<const Assessment>(std::move(a));
  assessments_.put(assessment, std::make_shared<const KeptAssessment>(KeptAssessment{rev, shared}), bytes);
  return CurrentAssessment{rev, shared};
}

Result<std::shared_ptr<const CheckReport>> Workbench::check_cached(int64_t assessment) {
  TOM_ASSIGN(int64_t rev, store_.revision());
  return check_cached(assessment, rev);
}

Result<std::shared_ptr<const CheckReport>> Workbench::check_cached(int64_t assessment, int64_t rev) {
  // A report built at a later revision than the caller's is newer than it asked for, never older.
  if (auto kept = checks_.get(assessment); kept && kept->revision >= rev) return kept->report;
  TOM_ASSIGN(CheckReport r, check(assessment, {}));
  size_t bytes = approx_bytes(r);
  auto shared = std::make_shared<const CheckReport>(std::move(r));
  checks_.put(assessment, std::make_shared<const KeptCheck>(KeptCheck{rev, shared}), bytes);
  return shared;
}

Result<std::shared_ptr<const SectionView>> Workbench::section_view(int64_t assessment,
                                                                   const std::string& section_id) {
  TOM_ASSIGN(int64_t rev, store_.revision());
  return section_view(assessment, section_id, rev);
}

Result<std::shared_ptr<const SectionView>> Workbench::section_view(int64_t assessment,
                                                                   const std::string& section_id,
                                                                   int64_t revision) {
  TOM_ASSIGN(auto report, check_cached(assessment, revision));
  const Section* section = report->loaded.tmpl->find_section(section_id);
  if (!section)
    return Error::not_found("template " + report->loaded.tmpl->ref() + " has no section '" + section_id +
                            "'");
  auto key = std::make_pair(assessment, section_id);
  if (auto kept = sections_.get(key); kept && kept->report == report) return kept;
  auto view = std::make_shared<const SectionView>(build_section_view(report, *section));
  // The view and the report it keeps alive (counted here too: an evicted report lives on in its views).
  sections_.put(key, view,
                sizeof(SectionView) + view->items.size() * (sizeof(ItemView) + 32) + approx_bytes(*report));
  return view;
}

Result<Answer> Workbench::answer(int64_t assessment, const std::string& item_id, const std::string& value,
                                 const std::string& note, const std::string& reference,
                                 int64_t expected_version, const std::string& actor) {
  TOM_ASSIGN(Assessment a, store_.get_assessment(assessment));
  TOM_ASSIGN(LoadedTemplate loaded, load_template(a.template_id, a.template_version));
  const Item* item = loaded.tmpl->find_item(item_id);
  if (!item) return Error::not_found("template " + loaded.tmpl->ref() + " has no item '" + item_id + "'");
  TOM_TRY(validate_answer_value(*loaded.tmpl, *item, value));
  if (auto why = text_problem(note); !why.empty())
    return Error::invalid("the note on " + item_id + " " + why);
  if (auto why = text_problem(reference); !why.empty())
    return Error::invalid("the reference on " + item_id + " " + why);
  if (utf8_length(note) > 100000) return Error::too_large("a note may be at most 100,000 characters");
  if (expected_version < 0) {
    TOM_ASSIGN(AnswerSet current, store_.get_answers(assessment));
    auto it = current.find(item_id);
    expected_version = it == current.end() ? 0 : it->second.version;
  }
  Answer ans;
  ans.item_id = item_id;
  ans.value = value;
  ans.note = note;
  ans.reference = reference;
  return store_.save_answer(assessment, ans, expected_version, actor);
}

}  // namespace tom::app
