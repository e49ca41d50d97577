// `tom audit`: verify the keyed chain (and the tables against a replay of it), take a signed head to keep
// elsewhere, list events. See docs/audit.md.
#include <optional>

#include "app/views.hpp"
#include "cli/context.hpp"
#include "core/file.hpp"
#include "io/audit_head.hpp"

namespace tom::cli {

namespace json = boost::json;

namespace {

const char* kAuditHelp = R"(Usage:
  tom audit verify [--against HEAD_FILE]
        check the signed hash chain and that the answers, findings, approvals, custody, templates,
        organisations and users equal a replay of the events; with --against, that the log still holds that head (not cut back or rewritten before
        it). Exit 1 naming every problem.
  tom audit head [-o FILE]
        verify, then print a head signed with the audit key (event count, last event, its hash, the time) to
        keep outside this server, for a later `tom audit verify --against FILE`
  tom audit list [--entity PREFIX] [--json]
The audit key file is given by --audit-key FILE (before the command) or $TOM_AUDIT_KEY_FILE.
)";

constexpr size_t kMaxHeadFile = 64 * 1024;

bool wants_help(const std::vector<std::string>& a) {
  for (const auto& s : a)
    if (s == "--help" || s == "-h") return true;
  return false;
}

int print_broken(Context& ctx, const domain::AuditReport& report) {
  ctx.out << "Audit trail BROKEN (" << report.checked << " events checked):\n";
  for (const auto& p : report.problems) ctx.out << "  " << p << "\n";
  return kExitNegative;
}

}  // namespace

int cmd_audit(Context& ctx, const std::vector<std::string>& argv) {
  if (argv.empty() || wants_help(argv)) return ctx.out << kAuditHelp, argv.empty() ? kExitUsage : kExitOk;
  const std::string& sub = argv[0];
  auto args = parse_args(std::vector<std::string>(argv.begin() + 1, argv.end()),
                         {{"--entity", "--against", "-o"}, {"--json"}, {}});
  if (!args) return ctx.usage(args.error().message, kAuditHelp);
  if (sub != "verify" && sub != "head" && sub != "list")
    return ctx.usage("unknown audit command '" + sub + "'", kAuditHelp);
  if (!args->positional.empty()) return ctx.usage("audit " + sub + " takes no arguments", kAuditHelp);

  std::optional<domain::AuditHead> against;
  if (sub == "verify" && !args->value("--against").empty()) {
    std::string path = args->value("--against");
    auto text = read_file_limited(path, kMaxHeadFile);
    if (!text) return ctx.fail(text.error());
    auto head = io::parse_audit_head(*text);
    if (!head) {
      Error e = head.error();
      e.message = path + ": " + e.message;
      for (auto& p : e.problems) p.where.file = path;
      return ctx.fail(e);
    }
    against = *head;
  }
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());

  if (sub == "verify" || sub == "head") {
    auto report = app::verify_audit(*ctx.workbench, ctx.operator_caller(), against ? &*against : nullptr);
    if (!report) return ctx.fail(report.error());
    if (!report->ok()) return print_broken(ctx, *report);
    if (sub == "head") {
      std::string text = io::format_audit_head(report->head);
      std::string file = args->value("-o");
      if (file.empty() || file == "-") {
        ctx.out << text;
        return kExitOk;
      }
      if (auto st = write_file_atomic(file, text); !st) return ctx.fail(st.error());
      ctx.out << "Audit head (" << report->head.events << " events, last event " << report->head.last_seq
              << ") written to " << file << ": keep it outside this server\n";
      return kExitOk;
    }
    ctx.out << "Audit trail intact: " << report->checked << " events verified";
    if (report->unkeyed)
      ctx.out
          << " (" << report->unkeyed
          << " written before the trail was keyed are chained with plain SHA-256, bound by the first keyed "
             "event)";
    ctx.out << "; the answers, findings, approvals, custody, templates, organisations and users match a "
               "replay of the events";
    if (against)
      ctx.out << "; the head taken at " << against->at << " (event " << against->last_seq
              << ") is still in the log";
    ctx.out << "\n";
    return kExitOk;
  }

  domain::AuditFilter f;
  f.entity_prefix = args->value("--entity");
  f.limit = 100000;
  auto events = app::whole_audit(*ctx.workbench, ctx.operator_caller(), f);
  if (!events) return ctx.fail(events.error());
  if (args->flag("--json")) {
    json::array a;
    for (const auto& e : *events) a.push_back(app::audit_event_json(e));
    print_json(ctx.out, a);
    return kExitOk;
  }
  for (const auto& e : *events)
    ctx.out << e.seq << "  " << e.at << "  " << e.actor << "  " << e.action << "  " << e.entity_key << "  "
            << e.after << "\n";
  return kExitOk;
}

}  // namespace tom::cli
