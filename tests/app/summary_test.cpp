// The kept summaries (issue 15): after random writes of every kind, on both stores, each assessment's kept
// summary equals a full recomputation from its rows, and every list query (filters, orders, pages forward and
// back, counts) returns exactly what a simple model computed from full check reports returns. The model is
// the central audit as it was computed before summaries were kept: merge the findings with today's date and
// apply the RAG rules to each report.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>
#include <thread>

#include "app/dashboard.hpp"
#include "app/directory.hpp"
#include "app/reading.hpp"
#include "app/summary.hpp"
#include "app/views.hpp"
#include "core/text.hpp"
#include "store/sql/pg_connection.hpp"
#include "store/sql/sqlite_connection.hpp"
#include "support/test_support.hpp"

namespace tom::app {
namespace {

using namespace std::chrono;
using namespace tom::domain;

std::string date_of(sys_days d) {
  year_month_day ymd{d};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return out;
}

struct Model {
  int64_t id = 0;
  std::string product, template_id, custodian, rag, search;
  int64_t percent = 0;
  bool escalation = false, awaiting = false, lapsed = false, approved = false;
  std::set<int64_t> participants;
  std::vector<std::pair<std::string, std::string>> phases;
  std::vector<std::string> expiries;  // accepted findings' expiries
  Waiting waiting;
  Assessment assessment;
  LoadedTemplate loaded;
};

class Summaries : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    url_ = GetParam() == std::string("sqlite") ? test::temp_path("summaries.db") : test::fresh_postgres_url();
    if (url_.empty()) GTEST_SKIP() << "TOM_TEST_PG is not set";
    key_ = test::temp_path("summaries.key");
    auto opened = Workbench::open(url_, key_, clock_);
    ASSERT_TRUE(opened.ok()) << opened.error().describe();
    wb_ = std::move(opened).value();
    for (const char* id : {"sms-client-tom", "ers-api-tom"}) {
      Template t = test::bundled(id);
      ASSERT_TRUE(wb_->add_template(t, op_).ok());
    }
    auto org = [&](const std::string& name, const std::string& ods, const std::string& type) {
      auto o = add_organisation(*wb_, op_, {0, name, ods, type});
      EXPECT_TRUE(o.ok()) << o.error().describe();
      return *o;
    };
    suppliers_ = {org("Riverside Systems", "", "supplier"), org("Northbridge Health IT", "", "supplier")};
    nhs_ = {org("Lakeside NHS Trust", "RX1", "nhs-trust"), org("Hillside Surgery", "Y01234", "gp-practice"),
            org("Moorland ICB", "QM1", "icb")};
    central_ = org("NHS Digital", "X26", "central");
  }

  // An assessment of template `tid` with organisations for each party, chosen by `pick`.
  int64_t create(const std::string& tid, const std::string& product, std::mt19937& rng) {
    auto loaded = wb_->load_template(tid, "");
    EXPECT_TRUE(loaded.ok());
    const Template& t = *loaded->tmpl;
    Assessment a;
    a.template_id = t.id;
    a.template_version = t.version;
    a.product = product;
    a.custodian = t.custody.empty() ? "" : t.custody.front();
    for (const auto& p : t.parties) {
      const Organisation* o = nullptr;
      switch (p.role) {
        case PartyRole::kProviderSupplier:
        case PartyRole::kClientSupplier:
          o = &suppliers_[rng() % suppliers_.size()];
          break;
        case PartyRole::kEndUser:
        case PartyRole::kCommissioner:
          o = &nhs_[rng() % nhs_.size()];
          break;
        case PartyRole::kCentral:
          if (rng() % 2) o = &central_;  // sometimes nobody plays the central party
          break;
      }
      if (o) a.participants.push_back({p.id, o->id});
    }
    auto created = wb_->create_assessment(a, op_);
    EXPECT_TRUE(created.ok()) << created.error().describe();
    return created->id;
  }

  // One random write to assessment `id`.
  void random_write(int64_t id, std::mt19937& rng) {
    auto report = wb_->check(id, {});
    ASSERT_TRUE(report.ok());
    const Template& t = *report->loaded.tmpl;
    std::vector<const Item*> items;
    for (const auto& s : t.sections)
      for (const auto& i : s.items)
        if (i.answerable() && !t.recorded_by(i.id)) items.push_back(&i);
    int op = static_cast<int>(rng() % 24);
    if (op < 6 && !report->completeness.missing.empty()) {  // a party fills what is missing of one section
      std::string section =
          report->completeness.missing[rng() % report->completeness.missing.size()].section_id;
      for (const auto& m : report->completeness.missing) {
        if (m.section_id != section) continue;
        const Item* item = t.find_item(m.item_id);
        if (!item || t.recorded_by(item->id)) continue;
        std::string value = item->answer == AnswerType::kChoice
                                ? t.vocabularies.at(item->choices).values.front()
                            : item->answer == AnswerType::kDate   ? "2031-02-03"
                            : item->answer == AnswerType::kNumber ? "3"
                                                                  : "in place";
        (void)wb_->answer(id, item->id, value, "explained in the note", "", -1, "tester");
      }
    } else if (op < 13) {  // single answers: a value of the item's vocabulary, text, or cleared
      const Item& item = *items[rng() % items.size()];
      std::string value = "checked on site";
      if (item.answer == AnswerType::kChoice) {
        const auto& values = t.vocabularies.at(item.choices).values;
        value = values[rng() % values.size()];
      } else if (item.answer == AnswerType::kDate) {
        value = "2031-02-03";
      } else if (item.answer == AnswerType::kNumber) {
        value = "3";
      }
      if (rng() % 10 == 0) value = "";
      auto saved =
          wb_->answer(id, item.id, value, rng() % 2 ? "explained in the note" : "", "", -1, "tester");
      (void)saved;         // a value the item refuses is fine: nothing is written
    } else if (op < 14) {  // a person's finding
      Finding f;
      f.assessment_id = id;
      f.key = "manual:" + std::to_string(rng()) + ":tester";
      const char* kinds[] = {"risk", "escalation", "non-compliance", "review"};
      f.kind = kinds[rng() % 4];
      f.title = "Found by the test";
      f.role = "siro";
      ASSERT_TRUE(wb_->store().save_finding(f, "tester").ok());
    } else if (op < 17) {  // accept (or resolve) an open finding, the rules' included
      auto views = merge_findings(*report, clock_.today());
      std::vector<FindingView> open;
      for (auto& v : views)
        if (v.status == "open") open.push_back(v);
      if (open.empty()) return;
      Finding f = finding_to_store(open[rng() % open.size()], id);
      f.status = rng() % 4 ? FindingStatus::kAccepted : FindingStatus::kResolved;
      f.accepted_by = "Sam";
      f.accepted_role = "siro";
      f.mitigation = "kept under review";
      // Some lapse within the days the test moves the clock through.
      sys_days day = floor<days>(clock_.now()) + days(static_cast<int>(rng() % 2 ? rng() % 20 : 300));
      f.expires_on = date_of(day);
      ASSERT_TRUE(wb_->store().save_finding(f, "tester").ok());
    } else if (op < 18) {  // custody moves
      std::string party = t.parties[rng() % t.parties.size()].id;
      ASSERT_TRUE(wb_->store().set_custodian(id, party, "tester").ok());
    } else if (op < 19) {  // a submission
      ASSERT_TRUE(wb_->store()
                      .add_submission({0, id, t.phases[rng() % t.phases.size()].id, "tester", ""}, "tester")
                      .ok());
    } else if (op < 22) {  // a decision, approved or not, on what the phase holds now
      const Phase& ph = t.phases[rng() % t.phases.size()];
      Approval ap;
      ap.assessment_id = id;
      ap.phase = ph.id;
      ap.decision = rng() % 5 ? Decision::kApproved : Decision::kRejected;
      ap.reason = "by the test";
      ap.basis = decision_basis(t, ph, report->answers);
      ASSERT_TRUE(wb_->store().add_approval(ap, "tester").ok());
    } else if (op == 23) {  // a reviewer settles everything open or lapsed, for a year
      for (const auto& v : merge_findings(*report, clock_.today())) {
        if (v.status != "open" && v.status != "lapsed") continue;
        Finding f = finding_to_store(v, id);
        f.status = FindingStatus::kAccepted;
        f.accepted_by = "Sam";
        f.accepted_role = "siro";
        f.mitigation = "kept under review";
        f.expires_on = date_of(floor<days>(clock_.now()) + days(365));
        ASSERT_TRUE(wb_->store().save_finding(f, "tester").ok());
      }
    } else {  // time passes: acceptances lapse
      clock_.advance(days(static_cast<int>(1 + rng() % 4)));
    }
  }

  Model model_of(int64_t id) {
    auto report = wb_->check(id, {});
    EXPECT_TRUE(report.ok());
    const CheckReport& r = *report;
    Model m;
    m.id = id;
    m.assessment = r.assessment;
    m.loaded = r.loaded;
    m.product = r.assessment.product;
    m.template_id = r.assessment.template_id;
    m.custodian = r.assessment.custodian;
    m.percent = r.completeness.required == 0
                    ? 100
                    : static_cast<int64_t>(100 * r.completeness.answered / r.completeness.required);
    int open = 0;
    for (const auto& f : merge_findings(r, clock_.today())) {
      if (f.status == "open" || f.status == "lapsed") {
        ++open;
        m.escalation = m.escalation || f.kind == "escalation";
      }
      if (f.status == "open" && f.kind != "escalation") m.awaiting = true;
      if (f.status == "lapsed") m.lapsed = true;
      if ((f.status == "accepted" || f.status == "lapsed") && !f.stored->expires_on.empty())
        m.expiries.push_back(f.stored->expires_on);
    }
    m.rag = m.escalation || m.percent < 50 ? "Red" : m.percent < 100 || open > 0 ? "Amber" : "Green";
    m.search = m.product;
    for (const auto& p : r.assessment.participants) {
      m.participants.insert(p.organisation_id);
      if (auto o = wb_->store().get_organisation(p.organisation_id))
        m.search += " " + o->name + " " + o->ods_code;
    }
    auto statuses = r.phases();
    for (const auto& ph : statuses) m.phases.emplace_back(ph.phase->id, to_string(ph.state));
    m.waiting = whats_waiting(*r.loaded.tmpl, r.assessment, statuses, r.completeness);
    m.approved = m.waiting.approved;
    return m;
  }

  // Every row of the query, page by page (`limit` rows at a time), then the same pages walked backward.
  std::vector<int64_t> walk(const Caller& caller, SummaryQuery q, int64_t total_expected) {
    q.limit = 3;
    std::vector<int64_t> forward;
    std::vector<std::string> cursors{""};
    while (true) {
      auto page = list_assessments(*wb_, caller, q);
      EXPECT_TRUE(page.ok()) << page.error().describe();
      if (!page.ok()) return {};
      EXPECT_EQ(page->total, total_expected);
      EXPECT_EQ(page->prev_cursor.empty(), q.cursor.empty()) << "a previous page exactly when not the first";
      for (const auto& r : page->rows) forward.push_back(r.assessment.id);
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
      cursors.push_back(q.cursor);
      if (forward.size() > 1000) break;
    }
    // Backward from the last page's first row gives the pages before it, in the same order.
    auto last = list_assessments(*wb_, caller, q);
    if (last.ok() && !last->prev_cursor.empty()) {
      std::vector<int64_t> backward;
      SummaryQuery b = q;
      b.cursor = last->prev_cursor;
      b.backward = true;
      while (true) {
        auto page = list_assessments(*wb_, caller, b);
        EXPECT_TRUE(page.ok());
        if (!page.ok()) break;
        std::vector<int64_t> ids;
        for (const auto& r : page->rows) ids.push_back(r.assessment.id);
        backward.insert(backward.begin(), ids.begin(), ids.end());
        if (page->prev_cursor.empty()) break;
        b.cursor = page->prev_cursor;
      }
      std::vector<int64_t> before(forward.begin(), forward.end() - static_cast<long>(last->rows.size()));
      EXPECT_EQ(backward, before) << "walking back does not give the pages walked forward";
    }
    return forward;
  }

  void compare_lists(const std::vector<Model>& all) {
    Caller central{{0, "reviewer@nhsd.example", "Rev", central_.id, {"central-reviewer"}}, central_};
    auto by = [&](auto keep, const std::string& sort) {
      std::vector<const Model*> rows;
      for (const auto& m : all)
        if (keep(m)) rows.push_back(&m);
      std::stable_sort(rows.begin(), rows.end(), [&](const Model* a, const Model* b) {
        if (sort == "oldest") return a->id < b->id;
        if (sort == "product") return std::tie(a->product, a->id) < std::tie(b->product, b->id);
        if (sort == "progress") return std::tie(a->percent, a->id) < std::tie(b->percent, b->id);
        return a->id > b->id;
      });
      std::vector<int64_t> ids;
      for (const auto* m : rows) ids.push_back(m->id);
      return ids;
    };
    auto check = [&](const std::string& what, SummaryQuery q, auto keep, const Caller& caller) {
      for (const char* sort : {"newest", "oldest", "product", "progress"}) {
        q.sort = sort;
        auto expected = by(keep, sort);
        EXPECT_EQ(walk(caller, q, static_cast<int64_t>(expected.size())), expected) << what << ", " << sort;
      }
    };
    auto every = [](const Model&) { return true; };
    check("every TOM", {}, every, central);
    for (const char* rag : {"Red", "Amber", "Green"}) {
      SummaryQuery q;
      q.rag = rag;
      check(
          std::string("status ") + rag, q, [&](const Model& m) { return m.rag == rag; }, central);
    }
    {
      SummaryQuery q;
      q.template_id = "ers-api-tom";
      check(
          "one template", q, [](const Model& m) { return m.template_id == "ers-api-tom"; }, central);
    }
    {
      SummaryQuery q;
      q.open_escalations = true;
      check(
          "open escalations", q, [](const Model& m) { return m.escalation; }, central);
    }
    {
      SummaryQuery q;
      q.expiring_within_days = 5;
      std::string today = clock_.today();
      std::string until = date_of(floor<days>(clock_.now()) + days(5));
      check(
          "expiring within 5 days", q,
          [&](const Model& m) {
            return std::any_of(m.expiries.begin(), m.expiries.end(),
                               [&](const std::string& e) { return e >= today && e <= until; });
          },
          central);
    }
    {
      SummaryQuery q;
      q.text = "hillside";
      check(
          "words", q, [](const Model& m) { return m.search.find("Hillside") != std::string::npos; }, central);
      q.text = "rx1";
      check(
          "an ODS code", q, [](const Model& m) { return m.search.find("RX1") != std::string::npos; },
          central);
      // Every word, anywhere, in any case: shorter than a trigram, several words, and LIKE's own characters
      // (which must match only themselves, not anything).
      for (std::string words : {"ll", "hill SIDE", "side rx", "%", "_", "h_ll", "zz-nothing-zz", "\"side\"",
                                "si\"de", "10%", "AND", "surgery OR", "lake*", "nhs"}) {
        q.text = words;
        check(
            "the words '" + words + "'", q,
            [&](const Model& m) {
              std::string hay = lower_ascii(m.search);
              for (const auto& w : search_words(words))
                if (hay.find(lower_ascii(w)) == std::string::npos) return false;
              return true;
            },
            central);
      }
    }
    {
      SummaryQuery q;
      q.phase = "1A";
      q.phase_state = "approved";
      check(
          "phase 1A approved", q,
          [](const Model& m) {
            return std::find(m.phases.begin(), m.phases.end(),
                             std::pair<std::string, std::string>{"1A", "approved"}) != m.phases.end();
          },
          central);
    }
    for (const auto& org : nhs_) {
      // What an organisation sees: only its own TOMs; and which wait for it.
      Caller c{{0, "editor@" + std::to_string(org.id), "Ed", org.id, {"editor"}}, org};
      check(
          "visible to " + org.name, {}, [&](const Model& m) { return m.participants.count(org.id) > 0; }, c);
      for (const char* group : {"mine", "others", "approved"}) {
        SummaryQuery q;
        q.group = group;
        check(
            std::string(group) + " for " + org.name, q,
            [&](const Model& m) {
              if (!m.participants.count(org.id)) return false;
              bool mine = false;
              for (const auto& st : m.waiting.steps)
                mine = mine || waits_for(c, *m.loaded.tmpl, m.assessment, st);
              if (group == std::string("mine")) return mine;
              if (group == std::string("approved")) return m.approved;
              return !mine && !m.approved;
            },
            c);
      }
    }
    // The dashboard's counts, by SQL aggregates, against the model's.
    auto board = audit_dashboard(*wb_, central, {});
    ASSERT_TRUE(board.ok()) << board.error().describe();
    SummaryCounts want;
    for (const auto& m : all) {
      (m.rag == "Red" ? want.red : m.rag == "Amber" ? want.amber : want.green) += 1;
      want.escalations += m.escalation;
      want.awaiting_acceptance += m.awaiting;
      want.lapsed += m.lapsed;
    }
    EXPECT_EQ(board->counts.red, want.red);
    EXPECT_EQ(board->counts.amber, want.amber);
    EXPECT_EQ(board->counts.green, want.green);
    EXPECT_EQ(board->counts.escalations, want.escalations);
    EXPECT_EQ(board->counts.awaiting_acceptance, want.awaiting_acceptance);
    EXPECT_EQ(board->counts.lapsed, want.lapsed);
  }

  void expect_kept_equals_recomputed(int64_t id) {
    auto kept = wb_->store().get_summary(id);
    ASSERT_TRUE(kept.ok()) << kept.error().describe();
    auto report = wb_->check(id, {});
    ASSERT_TRUE(report.ok());
    std::vector<Organisation> orgs;
    for (const auto& p : report->assessment.participants)
      orgs.push_back(*wb_->store().get_organisation(p.organisation_id));
    AssessmentSummary recomputed = summarise(*report, orgs);
    EXPECT_TRUE(*kept == recomputed) << "assessment " << id << ": the kept summary (" << kept->answered << "/"
                                     << kept->required << ", " << kept->open_findings
                                     << " open) differs from a recomputation (" << recomputed.answered << "/"
                                     << recomputed.required << ", " << recomputed.open_findings << " open)";
  }

  Caller op_ = local_operator("summary-test");
  ManualClock clock_{sys_days{year{2030} / 1 / 2} + hours(9)};
  std::string url_, key_;
  std::unique_ptr<Workbench> wb_;
  std::vector<Organisation> suppliers_, nhs_;
  Organisation central_;
};

TEST_P(Summaries, KeptSummariesEqualRecomputationAndListsMatchTheModel) {
  unsigned seed = 20261202;
  if (const char* s = std::getenv("TOM_TEST_SEED")) seed = static_cast<unsigned>(std::stoul(s));
  SCOPED_TRACE("seed " + std::to_string(seed) + " (set TOM_TEST_SEED to repeat another)");
  std::mt19937 rng(seed);
  std::set<std::string> seen_rag;
  bool seen_escalation = false, seen_lapsed = false, seen_approved = false, seen_expiring = false;
  std::vector<int64_t> ids;
  const char* products[] = {"Riverside PAS", "Lakeside Portal", "Northbridge Gateway", "Hillside Notes"};
  for (int i = 0; i < 9; ++i)
    ids.push_back(create(i % 3 ? "sms-client-tom" : "ers-api-tom", products[i % 4], rng));
  for (int round = 0; round < 8; ++round) {
    for (int step = 0; step < 60; ++step) {
      int64_t id = ids[rng() % ids.size()];
      random_write(id, rng);
      if (HasFatalFailure()) return;
      expect_kept_equals_recomputed(id);
    }
    std::vector<Model> all;
    for (int64_t id : ids) all.push_back(model_of(id));
    compare_lists(all);
    if (HasFailure()) return;  // one round's failures say enough
    for (const auto& m : all) {
      if (std::getenv("TOM_TEST_VERBOSE"))
        std::printf("round %d: #%lld %s %lld%% esc=%d awaiting=%d lapsed=%d\n", round,
                    static_cast<long long>(m.id), m.rag.c_str(), static_cast<long long>(m.percent),
                    m.escalation, m.awaiting, m.lapsed);
      seen_rag.insert(m.rag);
      seen_escalation |= m.escalation;
      seen_lapsed |= m.lapsed;
      seen_approved |= m.approved;
      seen_expiring |= !m.expiries.empty();
    }
  }
  // The random writes reached every kind of state the lists tell apart (else the comparisons prove little).
  EXPECT_EQ(seen_rag.size(), 3u) << "not every RAG status was reached";
  EXPECT_TRUE(seen_escalation && seen_lapsed && seen_expiring) << "escalations or lapses were never reached";
  if (!seen_approved) std::printf("note: no TOM was approved in every phase with seed %u\n", seed);
}

TEST_P(Summaries, TheDayRollsOverOnAnotherServerWhileWritersAreBusyAndNothingIsMiscounted) {
  // Two servers on one database: this one writes (and its writes accept findings that lapse within days),
  // the other lists the TOMs, rolling the summaries over to each new day as it does, at the same time.
  std::mt19937 rng(20261203);
  std::vector<int64_t> ids;
  const char* products[] = {"Riverside PAS", "Lakeside Portal", "Northbridge Gateway"};
  for (int i = 0; i < 6; ++i)
    ids.push_back(create(i % 3 ? "sms-client-tom" : "ers-api-tom", products[i % 3], rng));
  ManualClock other_clock{clock_.now()};
  auto other = Workbench::open(url_, key_, other_clock);
  ASSERT_TRUE(other.ok()) << other.error().describe();
  Caller central{{0, "reviewer@nhsd.example", "Rev", central_.id, {"central-reviewer"}}, central_};
  std::atomic<bool> writing{true};
  std::atomic<int> rolls{0}, refused{0};
  std::thread roller([&] {
    // The other server's clock a day or two ahead of the writer's, or level: each new day is rolled over
    // while the writer's acceptances, dated from its own clock, lapse on the days rolled to.
    for (int lead = 0; writing; lead = (lead + 1) % 3) {
      auto target = clock_.now() + days(lead);
      if (target <= other_clock.now()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        continue;
      }
      other_clock.set(target);
      auto board = audit_dashboard(**other, central, {});
      if (board.ok())
        ++rolls;
      else if (board.error().code == ErrorCode::kUnavailable)
        ++refused;  // busy: the next list rolls it over
      else
        ADD_FAILURE() << board.error().describe();
    }
  });
  for (int step = 0; step < 400 && !HasFatalFailure(); ++step) random_write(ids[rng() % ids.size()], rng);
  writing = false;
  roller.join();
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_GT(rolls.load(), 5) << "the other server hardly rolled the day over while the writes ran";
  // Both servers on one day, after the last: the kept summaries and counters are those a full recomputation
  // gives that day.
  auto last = std::max(clock_.now(), other_clock.now()) + days(1);
  clock_.set(last);
  other_clock.set(last);
  ASSERT_TRUE(audit_dashboard(**other, central, {}).ok());
  for (int64_t id : ids) expect_kept_equals_recomputed(id);
  std::vector<Model> all;
  for (int64_t id : ids) all.push_back(model_of(id));
  compare_lists(all);
  std::printf("day roll-overs while writing: %d (%d refused as busy)\n", rolls.load(), refused.load());
}

TEST_P(Summaries, SummariesOfAnotherFormatAreRewritten) {
  std::mt19937 rng(7);
  int64_t id = create("sms-client-tom", "Old TOM", rng);
  auto kept = wb_->store().get_summary(id);
  ASSERT_TRUE(kept.ok()) << "the write kept no summary";
  // Another format (a newer summariser) counts as missing: the first list rewrites it.
  wb_->store().keep_summaries(summariser(*wb_), kSummaryFormat + 1);
  auto rewritten = wb_->store().refresh_summaries(100);
  ASSERT_TRUE(rewritten.ok()) << rewritten.error().describe();
  EXPECT_EQ(*rewritten, 1) << "the summary of the older format was not rewritten";
  auto again = wb_->store().refresh_summaries(100);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0) << "a current summary was rewritten";
}

TEST_P(Summaries, AnEarlierSchemasTomsAreFoundByWordsAfterTheSearchIndexIsAdded) {
  std::mt19937 rng(11);
  for (const char* product : {"Moorside Records", "Lakeside Portal", "Moorside Lab"})
    create("sms-client-tom", product, rng);
  // Back to schema 6: no trigram table or index (migration 7), the summaries already written.
  {
    std::string url = url_;
    auto c = GetParam() == std::string("postgresql") ? store::sql::open_postgres(url)
                                                     : store::sql::open_sqlite(url);
    ASSERT_TRUE(c.ok()) << c.error().describe();
    std::string undo = GetParam() == std::string("postgresql")
                           ? "DROP INDEX IF EXISTS assessment_summaries_search; "
                           : "DROP TRIGGER assessment_search_insert; DROP TRIGGER assessment_search_update; "
                             "DROP TRIGGER assessment_search_delete; DROP TABLE assessment_search; ";
    ASSERT_TRUE((*c)->exec_script(undo + "DELETE FROM schema_migrations WHERE version = 7").ok());
  }
  wb_.reset();
  auto opened = Workbench::open(url_, key_, clock_);
  ASSERT_TRUE(opened.ok()) << opened.error().describe();
  wb_ = std::move(opened).value();
  SummaryQuery q;
  q.text = "moorside";
  auto found = list_assessments(*wb_, op_, q);
  ASSERT_TRUE(found.ok()) << found.error().describe();
  std::set<std::string> products;
  for (const auto& row : found->rows) products.insert(row.assessment.product);
  EXPECT_EQ(products, (std::set<std::string>{"Moorside Records", "Moorside Lab"}));
  // And a TOM added after the upgrade is found too.
  create("sms-client-tom", "Moorside Theatres", rng);
  found = list_assessments(*wb_, op_, q);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->rows.size(), 3u);
}

TEST_P(Summaries, ABadCursorOrFilterIsRefusedWithWhatIsWrong) {
  std::mt19937 rng(3);
  create("sms-client-tom", "Cursor", rng);
  SummaryQuery q;
  q.sort = "product";
  q.cursor = "n.1.";
  auto page = list_assessments(*wb_, op_, q);
  ASSERT_FALSE(page.ok());
  EXPECT_EQ(page.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(page.error().message.find("cursor"), std::string::npos) << page.error().message;
  q = {};
  q.rag = "Purple";
  page = list_assessments(*wb_, op_, q);
  ASSERT_FALSE(page.ok());
  EXPECT_NE(page.error().message.find("Red, Amber or Green"), std::string::npos);
  q = {};
  q.sort = "progress";
  q.cursor = "g.1.1000";
  EXPECT_FALSE(list_assessments(*wb_, op_, q).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, Summaries, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& p) { return std::string(p.param); });

}  // namespace
}  // namespace tom::app
