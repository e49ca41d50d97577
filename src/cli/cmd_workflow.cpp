// Commands for findings and gateway approvals.
#include "cli/context.hpp"
#include "core/clock.hpp"
#include "service/views.hpp"

namespace tom::cli {

namespace json = boost::json;
using namespace tom::domain;

namespace {

const char* kFindingHelp = R"(Usage:
  tom finding list ASSESSMENT [--json]
  tom finding add ASSESSMENT --kind non-compliance|risk|escalation|review --title TEXT
                  [--item ITEM] [--role ROLE] [--owner NAME] [--mitigation TEXT]
  tom finding accept ASSESSMENT KEY --by NAME --role siro|clinical-safety-officer|owner|central
                  [--expires YYYY-MM-DD] [--mitigation TEXT]
  tom finding resolve ASSESSMENT KEY
KEY is shown by `tom check` in braces: rule:RULE[:ITEM] for findings the rules raise, manual:N otherwise.
)";

const char* kApproveHelp = R"(Usage: tom approve ASSESSMENT PHASE --decision approved|rejected [--area AREA]
                    [--reason TEXT] [--outcome TEXT] [--certificate NUMBER] [--by NAME]
Records a gateway decision for a phase (1A, 1B, 2), or one area of it (e.g. usage, settings).
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
                 {{"--kind", "--title", "--item", "--role", "--owner", "--mitigation", "--by", "--expires"},
                  {"--json"},
                  {}});
  if (!args) return ctx.usage(args.error().message, kFindingHelp);
  const auto& pos = args->positional;
  if (pos.empty()) return ctx.usage("finding commands take ASSESSMENT", kFindingHelp);
  auto id = parse_id(pos[0], "assessment");
  if (!id) return ctx.fail(id.error());
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  auto report = ctx.workbench->check(*id, {});
  if (!report) return ctx.fail(report.error());
  auto views = service::merge_findings(*report, today_utc());
  const std::string& sub = argv[0];

  if (sub == "list") {
    if (args->flag("--json")) {
      json::array a;
      for (const auto& f : views) {
        json::object o{{"key", f.key},
                       {"kind", f.kind},
                       {"item", f.item_id},
                       {"title", f.title},
                       {"explanation", f.explanation},
                       {"role", f.role},
                       {"status", f.status}};
        if (f.stored) o["finding"] = service::finding_json(*f.stored);
        a.push_back(std::move(o));
      }
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
    f.assessment_id = *id;
    f.kind = args->value("--kind");
    if (!finding_kind_from(f.kind))
      return ctx.usage("--kind must be non-compliance, risk, escalation or review", kFindingHelp);
    f.title = args->value("--title");
    if (f.title.empty()) return ctx.usage("finding add needs --title", kFindingHelp);
    f.item_id = args->value("--item");
    if (!f.item_id.empty() && !report->loaded.tmpl->find_item(f.item_id))
      return ctx.fail(Error::not_found("no item '" + f.item_id + "' in " + report->loaded.tmpl->ref()));
    f.role = args->value("--role");
    f.owner = args->value("--owner");
    f.mitigation = args->value("--mitigation");
    f.key = "manual:" + std::to_string(report->stored_findings.size() + 1) + "-" + now_utc_iso();
    auto saved = ctx.store->save_finding(f, ctx.user);
    if (!saved) return ctx.fail(saved.error());
    ctx.out << "Recorded finding " << saved->key << "\n";
    return kExitOk;
  }
  if (sub == "accept" || sub == "resolve") {
    if (pos.size() != 2) return ctx.usage("finding " + sub + " takes ASSESSMENT KEY", kFindingHelp);
    const service::FindingView* view = nullptr;
    for (const auto& v : views)
      if (v.key == pos[1]) view = &v;
    if (!view)
      return ctx.fail(Error::not_found("assessment " + pos[0] + " has no current finding '" + pos[1] + "'"));
    Finding f = service::finding_to_store(*view, *id);
    if (!args->value("--mitigation").empty()) f.mitigation = args->value("--mitigation");
    if (sub == "accept") {
      f.accepted_by = args->value("--by");
      f.accepted_role = args->value("--role");
      if (f.accepted_by.empty() || f.accepted_role.empty())
        return ctx.usage("finding accept needs --by NAME and --role ROLE (a named person accepts a risk)",
                         kFindingHelp);
      f.expires_on = args->value("--expires");
      if (!f.expires_on.empty() && !valid_iso_date(f.expires_on))
        return ctx.usage("--expires takes a date YYYY-MM-DD", kFindingHelp);
      f.accepted_at = now_utc_iso();
      f.status = FindingStatus::kAccepted;
    } else {
      f.status = FindingStatus::kResolved;
    }
    auto saved = ctx.store->save_finding(f, ctx.user);
    if (!saved) return ctx.fail(saved.error());
    ctx.out << (sub == "accept" ? "Accepted " : "Resolved ") << saved->key << "\n";
    return kExitOk;
  }
  return ctx.usage("unknown finding command '" + sub + "'", kFindingHelp);
}

int cmd_approve(Context& ctx, const std::vector<std::string>& argv) {
  if (wants_help(argv)) return ctx.out << kApproveHelp, kExitOk;
  auto args =
      parse_args(argv, {{"--decision", "--area", "--reason", "--outcome", "--certificate", "--by"}, {}, {}});
  if (!args) return ctx.usage(args.error().message, kApproveHelp);
  if (args->positional.size() != 2) return ctx.usage("approve takes ASSESSMENT PHASE", kApproveHelp);
  auto id = parse_id(args->positional[0], "assessment");
  if (!id) return ctx.fail(id.error());
  auto decision = decision_from(args->value("--decision"));
  if (!decision) return ctx.usage("--decision must be approved or rejected", kApproveHelp);
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  auto a = ctx.store->get_assessment(*id);
  if (!a) return ctx.fail(a.error());
  auto loaded = ctx.workbench->load_template(a->template_id, a->template_version);
  if (!loaded) return ctx.fail(loaded.error());
  const Phase* phase = loaded->tmpl->find_phase(args->positional[1]);
  if (!phase)
    return ctx.fail(
        Error::invalid("template " + loaded->tmpl->ref() + " has no phase '" + args->positional[1] + "'"));
  Approval ap;
  ap.assessment_id = *id;
  ap.phase = phase->id;
  ap.area = args->value("--area");
  if (!ap.area.empty() && std::find(phase->areas.begin(), phase->areas.end(), ap.area) == phase->areas.end())
    return ctx.fail(Error::invalid("phase " + phase->id + " has no area '" + ap.area + "'"));
  ap.decision = *decision;
  ap.reason = args->value("--reason");
  if (*decision == Decision::kRejected && ap.reason.empty())
    return ctx.usage("a rejection needs --reason", kApproveHelp);
  ap.outcome = args->value("--outcome");
  ap.certificate = args->value("--certificate");
  if (phase->certificate && *decision == Decision::kApproved && ap.area.empty() && ap.certificate.empty())
    return ctx.usage("approving phase " + phase->id + " issues a certificate: give --certificate",
                     kApproveHelp);
  ap.decided_by = args->value("--by");
  auto saved = ctx.store->add_approval(ap, ctx.user);
  if (!saved) return ctx.fail(saved.error());
  ctx.out << "Recorded: phase " << ap.phase << (ap.area.empty() ? "" : " (" + ap.area + ")") << " "
          << to_string(ap.decision) << " by " << saved->decided_by << "\n";
  return kExitOk;
}

}  // namespace tom::cli
