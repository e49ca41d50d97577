#pragma once
// Application services over a Store: the operations the CLI and the HTTP API share. Logic that needs no I/O
// lives in domain/ and rules/; this layer loads, evaluates and saves.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "app/section_view.hpp"
#include "core/clock.hpp"
#include "core/lru.hpp"
#include "domain/access.hpp"
#include "domain/completeness.hpp"
#include "domain/records.hpp"
#include "domain/upgrade.hpp"
#include "domain/workflow.hpp"
#include "rules/engine.hpp"

namespace tom::store {
class Store;
}

namespace tom::app {

// A template with its compiled rules, immutable once loaded.
struct LoadedTemplate {
  std::shared_ptr<const domain::Template> tmpl;
  std::shared_ptr<const rules::RuleSet> rules;
};

// Everything `tom check` shows about one assessment.
struct CheckReport {
  domain::Assessment assessment;
  LoadedTemplate loaded;
  domain::AnswerSet answers;
  rules::Evaluation evaluation;
  domain::Completeness completeness;
  domain::CompletenessFilter filter;
  std::vector<domain::Finding> stored_findings;  // people's findings and accepted rule findings
  std::vector<domain::Approval> approvals;
  std::vector<domain::Submission> submissions;

  // Where each phase stands, approvals made stale by later answers included. The statuses point into this
  // report: keep it alive while they are used.
  std::vector<domain::PhaseStatus> phases() const;
};

// The check report of an assessment from its rows (pure: no I/O). Workbench::check and the summariser build
// their reports with it.
CheckReport build_report(domain::Assessment a, LoadedTemplate loaded, domain::AnswerSet answers,
                         std::vector<domain::Finding> findings, std::vector<domain::Approval> approvals,
                         std::vector<domain::Submission> submissions,
                         const domain::CompletenessFilter& filter);

// What a report holds in memory, roughly (its answers, findings and results; the template is shared).
size_t approx_bytes(const CheckReport& r);

class Workbench {
 public:
  // `clock` decides what "today" is for expiries and must outlive the workbench (the store stamps its writes
  // with its own, given to open_store / open()).
  explicit Workbench(store::Store& store, const Clock& clock = system_clock());
  ~Workbench();
  // Opens (and migrates) the database at `url` (store::open_store) and owns it: the front doors reach the
  // store only through the application layer.
  static Result<std::unique_ptr<Workbench>> open(const std::string& url, const std::string& audit_key_file,
                                                 const Clock& clock = system_clock());
  // Where the audit key of `url` is kept unless another file is named (store::default_audit_key_file).
  static std::string default_audit_key_file(const std::string& url);

  // For the application layer's own use cases (src/app); front doors do not include store headers.
  store::Store& store() { return store_; }
  // "sqlite" or "postgresql".
  std::string database_kind() const;
  const Clock& clock() const { return clock_; }

  // Validates (rules included) and stores a template: administrators only (domain::why_not_add_template).
  Status add_template(const domain::Template& t, const domain::Caller& caller);
  // Loads a template with compiled rules; cached by id@version (version empty: newest, not cached).
  Result<LoadedTemplate> load_template(const std::string& id, const std::string& version);
  // The same cache, filled on a miss by `fetch` instead of a read of its own (the summariser fetches through
  // the write transaction's connection).
  Result<LoadedTemplate> load_template_with(const std::string& id, const std::string& version,
                                            const std::function<Result<domain::Template>()>& fetch);
  // "id" or "id@version".
  Result<LoadedTemplate> load_template_ref(const std::string& ref);

  // Before the first list is read in this process: rewrites the summaries that are missing or of an older
  // format (a database written before summaries were kept, or by an older version). Later calls return at
  // once; every write keeps its assessment's summary itself.
  Status ensure_summaries();

  // Creates an assessment: the caller must be allowed to start it (domain::why_not_create: an editor of the
  // organisation playing the first party of the custody chain, or an administrator), then each participant's
  // organisation must exist and be of a type that may play its party (only the central body plays the central
  // party); every problem is reported, nothing is written unless all is valid.
  Result<domain::Assessment> create_assessment(const domain::Assessment& a, const domain::Caller& caller);

  // The assessment as the store holds it now, with the store's revision read just before it: reused from
  // memory while the revision is unchanged (every write to an assessment is audited, so moves the revision).
  // A caller that reads more of the assessment later passes `revision` on, so that one request reads the
  // revision once (the cost of a read on a busy server is mostly the read itself, not what it returns).
  struct CurrentAssessment {
    int64_t revision = 0;
    std::shared_ptr<const domain::Assessment> assessment;
  };
  Result<CurrentAssessment> current_assessment(int64_t assessment);

  Result<CheckReport> check(int64_t assessment, const domain::CompletenessFilter& filter);
  // The unfiltered check, shared and reused until anything is written (store revision). The second form
  // takes a revision read earlier in the same request (current_assessment): a report built at that revision
  // or after is current enough for it.
  Result<std::shared_ptr<const CheckReport>> check_cached(int64_t assessment);
  Result<std::shared_ptr<const CheckReport>> check_cached(int64_t assessment, int64_t revision);
  // The view of one section (app/section_view.hpp), built from check_cached() and reused while that report
  // is current. The section must be one of the assessment's template's (kNotFound otherwise).
  Result<std::shared_ptr<const SectionView>> section_view(int64_t assessment, const std::string& section_id);
  Result<std::shared_ptr<const SectionView>> section_view(int64_t assessment, const std::string& section_id,
                                                          int64_t revision);

  // Validates the value against the item, then saves. expected_version < 0: use the current version (the
  // CLI's "last writer wins on purpose" mode); otherwise a stale version is a conflict. The whole assessment
  // with organisations by value, for export.
  Result<domain::AssessmentBundle> export_bundle(int64_t assessment);
  // Checks every answer against the template (items exist, values allowed) and every party, reporting all
  // problems; writes nothing unless all is valid, then imports in one transaction.
  Result<domain::Assessment> import_bundle(const domain::AssessmentBundle& b, const std::string& actor);

  // Moves an assessment to another version of the same template; dry_run only reports.
  Result<domain::UpgradeReport> upgrade(int64_t assessment, const std::string& target_ref, bool dry_run,
                                        const std::string& actor);

  Result<domain::Answer> answer(int64_t assessment, const std::string& item_id, const std::string& value,
                                const std::string& note, const std::string& reference,
                                int64_t expected_version, const std::string& actor);

 private:
  std::unique_ptr<store::Store> owned_;  // set by open()
  store::Store& store_;
  const Clock& clock_;
  std::mutex mu_;
  std::mutex summaries_mu_;
  bool summaries_current_ = false;  // under summaries_mu_
  std::map<std::string, LoadedTemplate> cache_;
  // Check reports by assessment, with the revision they were built at; section views by assessment and
  // section. Bounded in bytes (core/lru.hpp, reported in /metrics): a busy server recomputes, never grows.
  struct KeptCheck {
    int64_t revision;
    std::shared_ptr<const CheckReport> report;
  };
  LruCache<int64_t, KeptCheck> checks_{"check_reports", 48u << 20};
  struct KeptAssessment {
    int64_t revision;
    std::shared_ptr<const domain::Assessment> assessment;
  };
  LruCache<int64_t, KeptAssessment> assessments_{"assessments", 4u << 20};
  LruCache<std::pair<int64_t, std::string>, SectionView> sections_{"section_views", 16u << 20};
};

}  // namespace tom::app
