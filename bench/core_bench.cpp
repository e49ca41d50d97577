// Core benchmarks (issue 2): template load + validation, rules + completeness on a 500-item assessment, and
// answer-save throughput / latency with durable commits on SQLite and PostgreSQL.
// Usage: core_bench [--pg postgresql://...] [--saves N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/file.hpp"
#include "domain/completeness.hpp"
#include "io/template_file.hpp"
#include "rules/engine.hpp"
#include "store/store.hpp"

using Steady = std::chrono::steady_clock;
using namespace tom;

namespace {

double ms_since(Steady::time_point t) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t).count();
}

struct Stats {
  double p50, p99, max, mean;
};
Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  auto at = [&](double q) {
    return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
  };
  return {at(0.50), at(0.99), v.back(), sum / static_cast<double>(v.size())};
}

// A synthetic TOM with `n` requirement items over 10 sections, IG-style derived results and an `each` rule.
std::string synthetic_template(int n) {
  std::string y = R"(format: 1
id: bench
family: bench
name: Benchmark TOM
version: "1"
parties:
  - {id: supplier, name: Supplier, role: client-supplier}
  - {id: trust, name: Trust, role: end-user}
  - {id: central, name: NHS Digital, role: central}
phases:
  - {id: "1A", name: Usage, approver: central}
  - {id: "2", name: Full, approver: trust}
vocabularies:
  compliance: {values: [Compliant, Semi-compliant, Non-compliant, N/a], note_required: [Non-compliant]}
sections:
)";
  for (int s = 0; s < 10; ++s) {
    y +=
        "  - id: s" + std::to_string(s) + "\n    title: Section " + std::to_string(s) +
        "\n    kind: requirements\n    parties: [supplier, trust]\n    phases: [\"1A\", \"2\"]\n    items:\n";
    for (int i = s; i < n; i += 10) {
      y += "      - {id: R-" + std::to_string(i) + ", kind: req, text: Requirement " + std::to_string(i) +
           ", obligation: " + (i % 3 ? "must" : "should") + ", party: " + (i % 2 ? "supplier" : "trust") +
           ", choices: compliance" + (i % 7 == 0 ? ", applies_when: '@R-1 == \"Compliant\"'" : "") + "}\n";
    }
  }
  y += "rules:\n";
  for (int s = 0; s < 10; ++s)
    y += "  - {id: res-" + std::to_string(s) + ", description: Section result, derive: res-" +
         std::to_string(s) + ", value: 'if count(answers(\"s" + std::to_string(s) +
         "\"), \"Non-compliant\") > 0 then \"FAIL\" else \"PASS\"'}\n";
  y += "  - {id: overall, description: Overall, derive: overall, value: 'if \"FAIL\" in [$res-0, $res-1, "
       "$res-2, "
       "$res-3, $res-4, $res-5, $res-6, $res-7, $res-8, $res-9] then \"FAIL\" else \"PASS\"'}\n";
  y += "  - id: must-nc\n    description: Non-compliant must\n    each: {section_kind: requirements, "
       "obligation: must}\n"
       "    when: value == \"Non-compliant\"\n    finding: {kind: escalation, title: Submit to NHS Digital, "
       "role: central}\n";
  return y;
}

void bench_template_load() {
  std::string largest;
  uintmax_t size = 0;
  for (const auto& e : std::filesystem::directory_iterator(std::string(TOM_SOURCE_DIR) + "/templates"))
    if (e.file_size() > size) size = e.file_size(), largest = e.path().string();
  auto text = read_file_limited(largest, 1 << 24);
  std::vector<double> times;
  size_t items = 0;
  for (int i = 0; i < 30; ++i) {
    auto t0 = Steady::now();
    auto t = io::parse_template_yaml(*text, largest);
    times.push_back(ms_since(t0));
    if (!t.ok()) {
      std::printf("template load failed: %s\n", t.error().describe().c_str());
      return;
    }
    items = t->item_count();
  }
  auto s = stats(times);
  std::printf("template load+validate  %s (%zu items, %ju bytes): p50 %.2f ms  p99 %.2f ms\n",
              std::filesystem::path(largest).filename().c_str(), items, size, s.p50, s.p99);
}

void bench_rules(int n) {
  auto t = io::parse_template_yaml(synthetic_template(n), "bench.yaml");
  if (!t.ok()) {
    std::printf("synthetic template invalid: %s\n", t.error().describe().c_str());
    return;
  }
  auto shared = std::make_shared<const domain::Template>(std::move(t).value());
  auto rs = rules::RuleSet::compile(shared);
  domain::AnswerSet answers;
  const char* values[] = {"Compliant", "Semi-compliant", "Non-compliant", "N/a"};
  for (int i = 0; i < n; ++i) {
    std::string id = "R-" + std::to_string(i);
    answers[id] = domain::Answer{id, values[i % 4], i % 4 == 2 ? "explained" : "", "", "", "", 1};
  }
  std::vector<double> times;
  size_t findings = 0;
  for (int i = 0; i < 200; ++i) {
    auto t0 = Steady::now();
    auto ev = rs->evaluate(answers);
    auto c = domain::assess_completeness(*shared, answers, ev.out_of_scope, {});
    times.push_back(ms_since(t0));
    findings = ev.findings.size();
    if (c.required == 0) std::printf("?");
  }
  auto s = stats(times);
  std::printf("rules+completeness      %d items, %zu findings: p50 %.3f ms  p99 %.3f ms\n", n, findings,
              s.p50, s.p99);
}

void bench_saves(const std::string& url, const std::string& label, int saves) {
  auto store = store::open_store(url);
  if (!store.ok()) {
    std::printf("%s: cannot open: %s %s\n", label.c_str(), store.error().describe().c_str(),
                store.error().detail.c_str());
    return;
  }
  auto t = io::parse_template_yaml(synthetic_template(500), "bench.yaml");
  (void)(*store)->put_template(*t, "bench");
  domain::Assessment a;
  a.template_id = "bench";
  a.template_version = "1";
  a.product = "Bench";
  auto created = (*store)->create_assessment(a, "bench");
  std::vector<double> times;
  std::vector<int64_t> versions(500, 0);
  auto start = Steady::now();
  for (int i = 0; i < saves; ++i) {
    int item = i % 500;
    domain::Answer ans{"R-" + std::to_string(item), i % 2 ? "Compliant" : "N/a", "", "", "", "", 0};
    auto t0 = Steady::now();
    auto r = (*store)->save_answer(created->id, ans, versions[static_cast<size_t>(item)], "bench");
    times.push_back(ms_since(t0));
    if (!r.ok()) {
      std::printf("%s: save failed: %s\n", label.c_str(), r.error().describe().c_str());
      return;
    }
    versions[static_cast<size_t>(item)] = r->version;
  }
  double total = ms_since(start);
  auto s = stats(times);
  std::printf("answer save (%s, durable): %d saves, %.0f saves/s, p50 %.2f ms  p99 %.2f ms  max %.2f ms\n",
              label.c_str(), saves, saves / (total / 1000.0), s.p50, s.p99, s.max);
}

}  // namespace

int main(int argc, char** argv) {
  std::string pg;
  int saves = 2000;
  for (int i = 1; i + 1 < argc; ++i) {
    std::string a = argv[i];
    if (a == "--pg")
      pg = argv[++i];
    else if (a == "--saves")
      saves = std::stoi(argv[++i]);
  }
  bench_template_load();
  bench_rules(500);
  std::string db = (std::filesystem::temp_directory_path() / "tom-bench.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
  bench_saves(db, "SQLite", saves);
  if (!pg.empty())
    bench_saves(pg, "PostgreSQL", saves);
  else
    std::printf("answer save (PostgreSQL): skipped, pass --pg URL (bench/run.sh starts one)\n");
  return 0;
}
