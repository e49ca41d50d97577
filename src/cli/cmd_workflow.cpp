// Commands for findings and gateway approvals.
#include "app/views.hpp"
#include "app/workflow.hpp"
#include "cli/context.hpp"
#include "core/clock.hpp"

namespace tom::cli {

namespace json = boost::json;
using namespace tom::domain;

namespace {

const char* kFindingHelp = R"(Usage:
  tom finding list ASSESSMENT [--json]
  tom finding add ASSESSMENT --kind non-compliance|risk|escalation|review --title TEXT
                  [--item ITEM] [--role ROLE] [--owner NAME] [--mitigation TEXT]
  tom finding accept ASSESSMENT KEY --as EMAIL --expires YYYY-MM-DD --mitigation TEXT
  tom finding resolve ASSESSMENT KEY --as EMAIL
KEY is shown by `tom check` in braces: rule:RULE[:ITEM] for findings the rules raise, manual:N otherwise.
A finding is accepted by the person (--as, see `tom user list`) holding its role in its party, under their
own name, with a mitigation and an expiry date after today.
)";

const char* kApproveHelp = R"(Usage: tom approve ASSESSMENT PHASE --as EMAIL --decision approved|rejected
                    [--area AREA] [--reason TEXT] [--outcome TEXT] [--certificate NUMBER]
                    [--override-reason TEXT]
Records a gateway decision for a submitted phase (1A, 1B, 2), or one area of it (e.g. usage, settings), as the
person --as EMAIL (an approver of the phase's approving party; not the person who submitted it). A phase with
required items still missing is approved only with --override-reason, which is recorded.
)";

const char* kSubmitHelp = R"(Usage: tom submit ASSESSMENT PHASE --as EMAIL
Submits a phase to its approver, as the person --as EMAIL of the party holding the TOM.
)";

bool wants_help(const std::vector<std::string>& a) {
  for (const auto& s : a)
    if (s == "--help" || s == "-h") return true;
  return false;
}

}  // namespace

int cmd_finding(Context& ctx, const std::vector<std::string>& argv) {
  if (argv.empty() || wants_help(argv)) return ctx.out << kFindingHelp, argv.empty() ? kExitUsage : kExitOk;
  auto args =
      parse_args(std::vector<std::string>(argv.begin() + 1, argv.end()),
                 {{"--kind", "--title", "--item", "--role", "--owner", "--mitigation", "--as", "--expires"},
                  {"--json"},
                  {}});
  if (!args) return ctx.usage(args.error().message, kFindingHelp);
  const auto& pos = args->positional;
  if (pos.empty()) return ctx.usage("finding commands take ASSESSMENT", kFindingHelp);
  auto id = parse_id(pos[0], "assessment");
  if (!id) return ctx.fail(id.error());
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  // Who acts: the person named by --as (their roles decide), else the local operator.
  Result<domain::Caller> caller =
      args->value("--as").empty() ? ctx.operator_caller() : ctx.caller(args->value("--as"));
  if (!caller) return ctx.fail(caller.error());
  auto opened = app::open_assessment(*ctx.workbench, *caller, *id);
  if (!opened) return ctx.fail(opened.error());
  auto report = ctx.workbench->check(*id, {});
  if (!report) return ctx.fail(report.error());
  auto views = app::merge_findings(*report, ctx.workbench->clock().today());
  const std::string& sub = argv[0];

  if (sub == "list") {
    if (args->flag("--json")) {
      json::array a;
      for (const auto& f : views) a.push_back(app::finding_view_json(f));
      print_json(ctx.out, a);
      return kExitOk;
    }
    for (const auto& f : views)
      ctx.out << f.key << "  [" << f.status << "] " << f.kind << (f.role.empty() ? "" : " for " + f.role)
              << ": " << f.explanation << "\n";
    if (views.empty()) ctx.out << "No findings.\n";
    return kExitOk;
  }
  if (sub == "add") {
    Finding f;
    f.kind = args->value("--kind");
    f.title = args->value("--title");
    f.item_id = args->value("--item");
    f.role = args->value("--role");
    f.owner = args->value("--owner");
    f.mitigation = args->value("--mitigation");
    auto saved = app::record_finding(*ctx.workbench, *caller, *opened, f);
    if (!saved) return ctx.fail(saved.error());
    ctx.out << "Recorded finding " << saved->key << "\n";
    return kExitOk;
  }
  if (sub == "accept" || sub == "resolve") {
    if (pos.size() != 2) return ctx.usage("finding " + sub + " takes ASSESSMENT KEY", kFindingHelp);
    if (args->value("--as").empty()) return ctx.fail(ctx.caller("").error());
    auto settled = app::settle_finding(
        *ctx.workbench, *caller, report->assessment,
        {pos[1], sub == "accept", "", args->value("--expires"), args->value("--mitigation")});
    if (!settled) return ctx.fail(settled.error());
    ctx.out << (sub == "accept" ? "Accepted " : "Resolved ") << settled->key << " as " << caller->user.name
            << "\n";
    return kExitOk;
  }
  return ctx.usage("unknown finding command '" + sub + "'", kFindingHelp);
}

namespace {
// The assessment and its template, for the workflow commands.
struct Target {
  Assessment assessment;
  app::LoadedTemplate loaded;
};
Result<Target> target(Context& ctx, const std::string& id_text) {
  TOM_ASSIGN(int64_t id, parse_id(id_text, "assessment"));
  TOM_TRY(ctx.open());
  TOM_ASSIGN(auto opened, app::open_assessment(*ctx.workbench, ctx.operator_caller(), id));
  return Target{opened.assessment, opened.tmpl};
}
}  // namespace

int cmd_approve(Context& ctx, const std::vector<std::string>& argv) {
  if (wants_help(argv)) return ctx.out << kApproveHelp, kExitOk;
  auto args = parse_args(
      argv, {{"--decision", "--area", "--reason", "--outcome", "--certificate", "--as", "--override-reason"},
             {},
             {}});
  if (!args) return ctx.usage(args.error().message, kApproveHelp);
  if (args->positional.size() != 2) return ctx.usage("approve takes ASSESSMENT PHASE", kApproveHelp);
  auto decision = decision_from(args->value("--decision"));
  if (!decision) return ctx.usage("--decision must be approved or rejected", kApproveHelp);
  auto t = target(ctx, args->positional[0]);
  if (!t) return ctx.fail(t.error());
  auto caller = ctx.caller(args->value("--as"));
  if (!caller) return ctx.fail(caller.error());
  Approval ap;
  ap.phase = args->positional[1];
  ap.area = args->value("--area");
  ap.decision = *decision;
  ap.reason = args->value("--reason");
  ap.outcome = args->value("--outcome");
  ap.certificate = args->value("--certificate");
  ap.override_reason = args->value("--override-reason");
  auto decided = app::decide_phase(*ctx.workbench, *caller, t->assessment, *t->loaded.tmpl, ap);
  if (!decided) return ctx.fail(decided.error());
  const Approval& saved = decided->approval;
  ctx.out << "Recorded: phase " << saved.phase << (saved.area.empty() ? "" : " (" + saved.area + ")") << " "
          << to_string(saved.decision) << " by " << saved.decided_by
          << (saved.override_reason.empty() ? "" : ", incomplete, because: " + saved.override_reason) << "\n";
  return kExitOk;
}

int cmd_submit(Context& ctx, const std::vector<std::string>& argv) {
  if (wants_help(argv)) return ctx.out << kSubmitHelp, kExitOk;
  auto args = parse_args(argv, {{"--as"}, {}, {}});
  if (!args) return ctx.usage(args.error().message, kSubmitHelp);
  if (args->positional.size() != 2) return ctx.usage("submit takes ASSESSMENT PHASE", kSubmitHelp);
  auto t = target(ctx, args->positional[0]);
  if (!t) return ctx.fail(t.error());
  auto caller = ctx.caller(args->value("--as"));
  if (!caller) return ctx.fail(caller.error());
  auto done = app::submit_phase(*ctx.workbench, *caller, t->assessment, *t->loaded.tmpl, args->positional[1]);
  if (!done) return ctx.fail(done.error());
  ctx.out << "Submitted phase " << done->phase << " of assessment " << t->assessment.id << " as "
          << caller->user.name << "\n";
  return kExitOk;
}

}  // namespace tom::cli
