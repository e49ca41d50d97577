// Commands over assessments: organisation, assessment, answer, check, export.
#include <fstream>

#include "app/views.hpp"
#include "cli/context.hpp"
#include "core/clock.hpp"
#include "core/file.hpp"
#include "io/assessment_json.hpp"
#include "io/xlsx_export/assessment_xlsx.hpp"

namespace tom::cli {

namespace json = boost::json;
using namespace tom::domain;

namespace {

const char* kOrgHelp = R"(Usage:
  tom organisation list [--json]
  tom organisation add NAME [--ods CODE] [--type supplier|nhs-trust|gp-practice|icb|central|other]
)";

const char* kAssessmentHelp = R"(Usage:
  tom assessment list [--json]
  tom assessment new --template ID[@VERSION] --product NAME [--product-version V] [--title TEXT]
                     [--party PARTY=ORGANISATION_ID ...] [--custodian PARTY]
  tom assessment show ASSESSMENT [--json]
  tom assessment upgrade ASSESSMENT --to ID@VERSION [--dry-run] [--json]
      move to another version of its template, carrying answers by item id; prints carried, new, removed
      and changed items (answers of removed items are kept, not deleted)
)";

const char* kAnswerHelp =
    R"(Usage: tom answer ASSESSMENT ITEM VALUE [--note TEXT] [--reference TEXT] [--if-version N]
Records an answer. VALUE must be one of the item's choices (see `tom template show`); "" clears it.
--if-version N refuses the write unless the stored answer is still at version N (0: no answer yet).
)";

const char* kCheckHelp = R"(Usage: tom check ASSESSMENT [--phase P] [--party P] [--json]
Lists what is still missing (per party and phase, with the reason), the rule results with their explanations
and the findings. Exit 0 when nothing is missing, 1 when something is.
)";

const char* kExportHelp = R"(Usage: tom export ASSESSMENT --format json|xlsx|csv [-o FILE]
  json   the whole assessment (participants, answers, findings, approvals); `tom import` reads it back
  xlsx   a TOM workbook: a sheet per section with dropdowns, answer cells open, rule results, approvals;
         `tom import FILE.xlsx --as assessment` reads it back
  csv    one row per answerable item
Writes to FILE (replaced whole, never half-written) or standard output (json, csv).
)";

bool wants_help(const std::vector<std::string>& a) {
  for (const auto& s : a)
    if (s == "--help" || s == "-h") return true;
  return false;
}

std::string organisation_name(Context& ctx, int64_t id) {
  auto o = app::organisation(*ctx.workbench, id);
  return o ? o->name : "organisation " + std::to_string(id);
}

}  // namespace

int cmd_organisation(Context& ctx, const std::vector<std::string>& argv) {
  if (argv.empty() || wants_help(argv)) return ctx.out << kOrgHelp, argv.empty() ? kExitUsage : kExitOk;
  auto args = parse_args(std::vector<std::string>(argv.begin() + 1, argv.end()),
                         {{"--ods", "--type"}, {"--json"}, {}});
  if (!args) return ctx.usage(args.error().message, kOrgHelp);
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  if (argv[0] == "list") {
    // Every organisation by name, read and printed a page at a time (the JSON is one array, written as it
    // goes).
    bool as_json = args->flag("--json");
    domain::ListQuery q;
    q.limit = 500;
    if (as_json) ctx.out << "[";
    for (bool first = true;;) {
      auto page = app::organisations(*ctx.workbench, q);
      if (!page) return ctx.fail(page.error());
      for (const auto& o : page->items) {
        if (as_json)
          ctx.out << (first ? "" : ",") << json::serialize(app::organisation_json(o));
        else
          ctx.out << o.id << "  " << o.name << (o.ods_code.empty() ? "" : "  ODS " + o.ods_code) << "  "
                  << o.type << "\n";
        first = false;
      }
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    if (as_json) ctx.out << "]\n";
    return kExitOk;
  }
  if (argv[0] == "add") {
    if (args->positional.size() != 1) return ctx.usage("organisation add takes one NAME", kOrgHelp);
    Organisation o{0, args->positional[0], args->value("--ods"), args->value("--type", "other")};
    auto added = app::add_organisation(*ctx.workbench, ctx.operator_caller(), o);
    if (!added) return ctx.fail(added.error());
    ctx.out << "Added organisation " << added->id << " " << added->name << "\n";
    return kExitOk;
  }
  return ctx.usage("unknown organisation command '" + argv[0] + "'", kOrgHelp);
}

int cmd_assessment(Context& ctx, const std::vector<std::string>& argv) {
  if (argv.empty() || wants_help(argv))
    return ctx.out << kAssessmentHelp, argv.empty() ? kExitUsage : kExitOk;
  auto args = parse_args(
      std::vector<std::string>(argv.begin() + 1, argv.end()),
      {{"--template", "--product", "--product-version", "--title", "--party", "--custodian", "--to"},
       {"--json", "--dry-run"},
       {"--party"}});
  if (!args) return ctx.usage(args.error().message, kAssessmentHelp);
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  const std::string& sub = argv[0];
  if (sub == "list") {
    // A page at a time, printed as it comes: any number of assessments.
    bool as_json = args->flag("--json"), any = false;
    if (as_json) ctx.out << "[";
    auto st = app::each_assessment(
        *ctx.workbench, ctx.operator_caller(), {}, [&](const domain::SummaryRow& row) -> Status {
          const Assessment& x = row.assessment;
          if (as_json) {
            json::object o = app::assessment_json(x);
            o["complete"] = row.summary.required == row.summary.answered;
            o["required"] = row.summary.required;
            o["answered"] = row.summary.answered;
            ctx.out << (any ? ",\n" : "\n") << json::serialize(o);
          } else {
            ctx.out << x.id << "  " << x.product << (x.product_version.empty() ? "" : " " + x.product_version)
                    << "  [" << x.template_ref() << "]";
            if (!x.title.empty()) ctx.out << "  " << x.title;
            ctx.out << "  " << row.summary.answered << "/" << row.summary.required << " answered";
            if (!x.custodian.empty()) ctx.out << "  with " << x.custodian;
            ctx.out << "\n";
          }
          any = true;
          return ok_status();
        });
    if (as_json) ctx.out << (any ? "\n]\n" : "]\n");
    if (!st) return ctx.fail(st.error());
    if (!any && !as_json) ctx.out << "No assessments yet. Create one with `tom assessment new`.\n";
    return kExitOk;
  }
  if (sub == "new") {
    std::string ref = args->value("--template");
    if (ref.empty() || args->value("--product").empty())
      return ctx.usage("assessment new needs --template and --product", kAssessmentHelp);
    auto loaded = ctx.workbench->load_template_ref(ref);
    if (!loaded) return ctx.fail(loaded.error());
    const Template& t = *loaded->tmpl;
    Assessment a;
    a.template_id = t.id;
    a.template_version = t.version;
    a.product = args->value("--product");
    a.product_version = args->value("--product-version");
    a.title = args->value("--title");
    a.custodian = args->value("--custodian", t.custody.empty() ? "" : t.custody.front());
    if (!a.custodian.empty() && !t.find_party(a.custodian))
      return ctx.fail(Error::invalid("template " + t.ref() + " has no party '" + a.custodian + "'"));
    for (const auto& p : args->all("--party")) {
      auto eq = p.find('=');
      if (eq == std::string::npos) return ctx.usage("--party takes PARTY=ORGANISATION_ID", kAssessmentHelp);
      std::string party = p.substr(0, eq);
      if (!t.find_party(party))
        return ctx.fail(Error::invalid("template " + t.ref() + " has no party '" + party + "'"));
      auto id = parse_id(p.substr(eq + 1), "organisation id");
      if (!id) return ctx.fail(id.error());
      a.participants.push_back({party, *id});
    }
    auto created = ctx.workbench->create_assessment(a, ctx.operator_caller());
    if (!created) return ctx.fail(created.error());
    ctx.out << "Created assessment " << created->id << " of " << t.ref() << " for " << a.product << "\n";
    return kExitOk;
  }
  if (sub == "show") {
    if (args->positional.size() != 1) return ctx.usage("assessment show takes ASSESSMENT", kAssessmentHelp);
    auto id = parse_id(args->positional[0], "assessment");
    if (!id) return ctx.fail(id.error());
    auto opened = app::open_assessment(*ctx.workbench, ctx.operator_caller(), *id);
    if (!opened) return ctx.fail(opened.error());
    const Assessment* a = &opened->assessment;
    if (args->flag("--json")) {
      print_json(ctx.out, app::assessment_json(*a));
      return kExitOk;
    }
    ctx.out << "Assessment " << a->id << ": " << a->product << " " << a->product_version << " ["
            << a->template_ref() << "]\n";
    for (const auto& p : a->participants)
      ctx.out << "  " << p.party << ": " << organisation_name(ctx, p.organisation_id) << "\n";
    if (!a->custodian.empty()) ctx.out << "  held by: " << a->custodian << "\n";
    return kExitOk;
  }
  if (sub == "upgrade") {
    if (args->positional.size() != 1 || args->value("--to").empty())
      return ctx.usage("assessment upgrade takes ASSESSMENT --to ID@VERSION", kAssessmentHelp);
    auto id = parse_id(args->positional[0], "assessment");
    if (!id) return ctx.fail(id.error());
    auto report = ctx.workbench->upgrade(*id, args->value("--to"), args->flag("--dry-run"), ctx.user);
    if (!report) return ctx.fail(report.error());
    const auto& r = *report;
    auto list = [&](const char* label, const std::vector<std::string>& v) {
      ctx.out << "  " << label << " (" << v.size() << ")";
      for (size_t i = 0; i < v.size() && i < 40; ++i) ctx.out << (i ? ", " : ": ") << v[i];
      if (v.size() > 40) ctx.out << ", ...";
      ctx.out << "\n";
    };
    if (args->flag("--json")) {
      auto arr = [](const std::vector<std::string>& v) {
        json::array a;
        for (const auto& s : v) a.emplace_back(s);
        return a;
      };
      print_json(ctx.out, json::object{{"from", r.from},
                                       {"to", r.to},
                                       {"carried", arr(r.carried)},
                                       {"added", arr(r.added)},
                                       {"removed", arr(r.removed)},
                                       {"changed", arr(r.changed)},
                                       {"needs_review", arr(r.needs_review)}});
      return kExitOk;
    }
    ctx.out << (args->flag("--dry-run") ? "Would move" : "Moved") << " assessment " << *id << " from "
            << r.from << " to " << r.to << "\n";
    list("answers carried", r.carried);
    list("new items to answer", r.added);
    list("removed items (answers kept)", r.removed);
    list("changed items to review", r.changed);
    list("carried answers the new version does not accept", r.needs_review);
    return kExitOk;
  }
  return ctx.usage("unknown assessment command '" + sub + "'", kAssessmentHelp);
}

int cmd_answer(Context& ctx, const std::vector<std::string>& argv) {
  if (wants_help(argv)) return ctx.out << kAnswerHelp, kExitOk;
  auto args = parse_args(argv, {{"--note", "--reference", "--if-version"}, {}, {}});
  if (!args) return ctx.usage(args.error().message, kAnswerHelp);
  if (args->positional.size() != 3) return ctx.usage("answer takes ASSESSMENT ITEM VALUE", kAnswerHelp);
  auto id = parse_id(args->positional[0], "assessment");
  if (!id) return ctx.fail(id.error());
  int64_t expected = -1;
  if (!args->value("--if-version").empty()) {
    const std::string& v = args->value("--if-version");
    if (v.find_first_not_of("0123456789") != std::string::npos || v.size() > 18)
      return ctx.usage("--if-version takes a number", kAnswerHelp);
    expected = std::stoll(v);
  }
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  auto saved = ctx.workbench->answer(*id, args->positional[1], args->positional[2], args->value("--note"),
                                     args->value("--reference"), expected, ctx.user);
  if (!saved) return ctx.fail(saved.error());
  ctx.out << "Saved " << saved->item_id << " = " << (saved->value.empty() ? "(cleared)" : saved->value)
          << " (version " << saved->version << ")\n";
  return kExitOk;
}

int cmd_check(Context& ctx, const std::vector<std::string>& argv) {
  if (wants_help(argv)) return ctx.out << kCheckHelp, kExitOk;
  auto args = parse_args(argv, {{"--phase", "--party"}, {"--json"}, {}});
  if (!args) return ctx.usage(args.error().message, kCheckHelp);
  if (args->positional.size() != 1) return ctx.usage("check takes ASSESSMENT", kCheckHelp);
  auto id = parse_id(args->positional[0], "assessment");
  if (!id) return ctx.fail(id.error());
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  auto report = ctx.workbench->check(*id, {args->value("--phase"), args->value("--party")});
  if (!report) return ctx.fail(report.error());
  const auto& r = *report;
  int rc = r.completeness.complete() ? kExitOk : kExitNegative;
  if (args->flag("--json")) {
    print_json(ctx.out, app::check_json(r, ctx.workbench->clock().today()));
    return rc;
  }
  const Template& t = *r.loaded.tmpl;
  ctx.out << "Assessment " << r.assessment.id << ": " << r.assessment.product << " [" << t.ref() << "]";
  if (!r.filter.phase.empty()) ctx.out << " phase " << r.filter.phase;
  if (!r.filter.party.empty()) ctx.out << " party " << r.filter.party;
  ctx.out << "\n"
          << r.completeness.answered << " of " << r.completeness.required << " required items answered"
          << (r.completeness.complete() ? " - complete\n" : "\n");
  if (!r.completeness.missing.empty()) {
    // Grouped by party, then phase, as people act on them.
    std::map<std::string, std::vector<const MissingItem*>> by_party;
    for (const auto& m : r.completeness.missing) by_party[m.party].push_back(&m);
    ctx.out << "\nMissing:\n";
    for (const auto& [party, items] : by_party) {
      const Party* p = t.find_party(party);
      ctx.out << "  " << (p ? p->name : party) << " (" << items.size() << "):\n";
      for (const auto* m : items) {
        ctx.out << "    " << m->item_id << " [" << m->section_id << "; phase";
        for (const auto& ph : m->phases) ctx.out << " " << ph;
        ctx.out << "]: " << m->reason << "\n";
      }
    }
  }
  if (!r.evaluation.derived.empty()) {
    ctx.out << "\nRule results:\n";
    for (const auto& d : r.evaluation.derived)
      ctx.out << "  " << d.name << " = " << (d.value.is_null() ? "-" : d.value.plain()) << "  ("
              << d.explanation << ")\n";
  }
  auto findings = app::merge_findings(r, ctx.workbench->clock().today());
  if (!findings.empty()) {
    ctx.out << "\nFindings:\n";
    for (const auto& f : findings) {
      ctx.out << "  [" << f.status << "] " << f.kind << (f.role.empty() ? "" : " for " + f.role) << ": "
              << f.explanation;
      if (f.stored && !f.stored->accepted_by.empty())
        ctx.out << " (accepted by " << f.stored->accepted_by << " as " << f.stored->accepted_role
                << (f.stored->expires_on.empty() ? "" : " until " + f.stored->expires_on) << ")";
      ctx.out << "  {" << f.key << "}\n";
    }
  }
  for (const auto& e : r.evaluation.errors) ctx.out << "Rule error: " << e << "\n";
  return rc;
}

int cmd_export(Context& ctx, const std::vector<std::string>& argv) {
  if (wants_help(argv)) return ctx.out << kExportHelp, kExitOk;
  auto args = parse_args(argv, {{"--format", "-o"}, {}, {}});
  if (!args) return ctx.usage(args.error().message, kExportHelp);
  if (args->positional.size() != 1) return ctx.usage("export takes ASSESSMENT", kExportHelp);
  std::string format = args->value("--format", "json");
  if (format != "json" && format != "xlsx" && format != "csv")
    return ctx.usage("--format must be json, xlsx or csv", kExportHelp);
  auto id = parse_id(args->positional[0], "assessment");
  if (!id) return ctx.fail(id.error());
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  auto bundle = ctx.workbench->export_bundle(*id);
  if (!bundle) return ctx.fail(bundle.error());
  std::string file = args->value("-o");
  if (format == "xlsx") {
    if (file.empty() || file == "-") return ctx.usage("xlsx export needs -o FILE", kExportHelp);
    auto report = ctx.workbench->check(*id, {});
    if (!report) return ctx.fail(report.error());
    if (auto st =
            io::xlsx_export::write_assessment_xlsx(file, *report->loaded.tmpl, *bundle, report->evaluation);
        !st)
      return ctx.fail(st.error());
    ctx.out << "Exported assessment " << *id << " to " << file << "\n";
    return kExitOk;
  }
  std::string text;
  if (format == "csv") {
    auto loaded =
        ctx.workbench->load_template(bundle->assessment.template_id, bundle->assessment.template_version);
    if (!loaded) return ctx.fail(loaded.error());
    text = io::xlsx_export::assessment_csv(*loaded->tmpl, *bundle);
  } else {
    text = json::serialize(io::assessment_bundle_to_json(*bundle)) + "\n";
  }
  if (file.empty() || file == "-") {
    ctx.out << text;
    return kExitOk;
  }
  if (auto st = write_file_atomic(file, text); !st) return ctx.fail(st.error());
  ctx.out << "Exported assessment " << *id << " to " << file << "\n";
  return kExitOk;
}

}  // namespace tom::cli
