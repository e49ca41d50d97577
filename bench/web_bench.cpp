// Web benchmark (issue 5): server-side render time of a 300-item section page, p50 and p99, measured
// in-process through the same request -> response function the server runs (sign-in cookie, rules, template,
// HTML). Two figures: while nothing changes (the evaluation is reused), and right after a write (recomputed
// each time).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "api/api.hpp"
#include "app/directory.hpp"
#include "io/template_file.hpp"
#include "web/web.hpp"

using Steady = std::chrono::steady_clock;
using namespace tom;

int main() {
  std::string db = (std::filesystem::temp_directory_path() / "tom-web-bench.db").string();
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(db + s);
  auto opened = app::Workbench::open(db, app::Workbench::default_audit_key_file(db));
  if (!opened) return std::printf("cannot open %s\n", db.c_str()), 1;
  app::Workbench& wb = **opened;
  app::Identity identity(wb);
  const domain::Caller bench = domain::local_operator("bench");
  http::Metrics metrics;
  api::Api api(wb, identity, metrics);
  web::add_pages(api);

  std::string y =
      "format: 1\nid: bench300\nfamily: bench\nname: Bench\nversion: \"1\"\n"
      "parties:\n  - {id: supplier, name: Supplier, role: client-supplier}\n  - {id: central, name: NHS "
      "Digital, role: central}\n"
      "custody: [supplier]\nphases:\n  - {id: \"1B\", name: Technical conformance, approver: central}\n"
      "vocabularies:\n  compliance: {values: [Compliant, Semi-compliant, Non-compliant, N/a], note_required: "
      "[Non-compliant]}\n"
      "sections:\n  - id: reqs\n    title: Requirements\n    kind: requirements\n    parties: [supplier]\n   "
      " phases: [\"1B\"]\n    items:\n";
  for (int i = 0; i < 300; ++i)
    y += "      - {id: R-" + std::to_string(i) + ", kind: req, text: Requirement " + std::to_string(i) +
         " of the benchmark TOM, guidance: What good looks like for requirement " + std::to_string(i) +
         ", obligation: must, party: supplier, choices: compliance}\n";
  y += "rules:\n  - {id: must-nc, description: Non-compliant must, each: {section_kind: requirements, "
       "obligation: must}, "
       "when: 'value == \"Non-compliant\"', finding: {kind: escalation, title: Submit to NHS Digital, role: "
       "central}}\n";
  auto t = io::parse_template_yaml(y, "bench300.yaml");
  if (!t || !wb.add_template(*t, bench).ok()) return std::printf("bad template\n"), 1;
  auto org = app::add_organisation(wb, bench, {0, "Bench Supplier", "", "supplier"});
  domain::Assessment a;
  a.template_id = "bench300";
  a.template_version = "1";
  a.product = "Bench";
  a.custodian = "supplier";
  a.participants.push_back({"supplier", org->id});
  auto created = wb.create_assessment(a, bench);
  const char* values[] = {"Compliant", "Semi-compliant", "Non-compliant", "N/a"};
  for (int i = 0; i < 300; ++i)
    (void)wb.answer(created->id, "R-" + std::to_string(i), values[i % 4],
                    "Evidence in document " + std::to_string(i), "", 0, "bench");
  (void)identity.create_user(domain::User{0, "bench@example.org", "Bench User", org->id, {"editor"}},
                             "bench-password-123", "bench");
  auto session = identity.sign_in("bench@example.org", "bench-password-123", "127.0.0.1");
  if (!session) return std::printf("cannot sign in\n"), 1;

  auto render_once = [&] {
    http::Request req;
    req.method = "GET";
    req.path = "/assessments/" + std::to_string(created->id) + "/sections/reqs";
    req.target = req.path;
    req.headers["cookie"] = "tom_session=" + session->token;
    auto t0 = Steady::now();
    http::Response res = api.handle(req);
    double ms = std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
    if (res.status != 200 || res.body.find("R-299") == std::string::npos)
      std::printf("unexpected response %d\n", res.status);
    return std::pair{ms, res.body.size()};
  };
  auto report = [](const char* label, std::vector<double> v, size_t bytes) {
    std::sort(v.begin(), v.end());
    std::printf("  %-42s p50 %6.2f ms   p99 %6.2f ms   (%zu KiB of HTML)\n", label, v[v.size() / 2],
                v[v.size() * 99 / 100], bytes / 1024);
  };
  std::printf("web: section page with 300 answered items, server-side render (goal p99 < 10 ms)\n");
  std::vector<double> warm;
  size_t bytes = 0;
  for (int i = 0; i < 20; ++i) render_once();
  for (int i = 0; i < 400; ++i) {
    auto [ms, b] = render_once();
    warm.push_back(ms);
    bytes = b;
  }
  report("nothing written in between (evaluation reused)", warm, bytes);
  std::vector<double> cold;
  for (int i = 0; i < 100; ++i) {
    (void)wb.answer(created->id, "R-0", values[i % 2], "", "", -1,
                    "bench");  // any write changes the revision
    cold.push_back(render_once().first);
  }
  report("after a write (rules and completeness recomputed)", cold, bytes);
  return 0;
}
