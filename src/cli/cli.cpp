#include "cli/cli.hpp"

#include <cstdlib>
#include <map>

#include "cli/context.hpp"

namespace tom::cli {

namespace {

const char* kHelp = R"(tom — TOM Workbench: NHS Target Operating Model assessments as software

Usage: tom [--db PATH|postgresql://...] [--user NAME] [--audit-key FILE] COMMAND [ARGS]

  --db        the database: an SQLite file (default ./tom.db, or $TOM_DB) or a postgresql:// URL
  --user      who is acting, recorded in the audit trail (default $TOM_USER, else $USER)
  --audit-key the file with the key that signs the audit trail (default $TOM_AUDIT_KEY_FILE, else
              DB.audit-key beside an SQLite file, ~/.config/tom/audit-key for PostgreSQL)

Commands:
  init [--demo]                       create the database, load the bundled templates (and demo data)
  template list|show|add|diff         the template library
  rules test FILE...                  run rule test files against their templates
  organisation list|add               organisations that play parties
  assessment list|new|show            assessments of a template for a product
  answer ASSESSMENT ITEM VALUE        record an answer (--note, --reference, --if-version)
  check ASSESSMENT                    what is missing per party and phase, rule results, findings
  finding list|add|accept|resolve     the findings register
  submit ASSESSMENT PHASE --as EMAIL  submit a phase to its approver
  approve ASSESSMENT PHASE --as EMAIL record a gateway decision
  export ASSESSMENT --format json     write the whole assessment
  import FILE... [--as template|assessment]
  audit verify|head|list              the tamper-evident audit trail
  serve [--listen HOST:PORT]          the web server and JSON API
  user list|add                       people who sign in

Run `tom COMMAND --help` for a command's options.
Exit codes: 0 done (check: complete), 1 a negative result (incomplete, tampered, failing tests),
2 a usage error, 3 any other error.
)";

const std::map<std::string, Command>& commands() {
  static const std::map<std::string, Command> table = {
      {"init", cmd_init},
      {"template", cmd_template},
      {"rules", cmd_rules},
      {"organisation", cmd_organisation},
      {"organization", cmd_organisation},
      {"assessment", cmd_assessment},
      {"answer", cmd_answer},
      {"check", cmd_check},
      {"finding", cmd_finding},
      {"approve", cmd_approve},
      {"submit", cmd_submit},
      {"export", cmd_export},
      {"import", cmd_import},
      {"audit", cmd_audit},
      {"serve", cmd_serve},
      {"user", cmd_user},
  };
  return table;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  Context ctx{env("TOM_DB").empty() ? "tom.db" : env("TOM_DB"),
              !env("TOM_USER").empty() ? env("TOM_USER") : (!env("USER").empty() ? env("USER") : "cli"),
              env("TOM_AUDIT_KEY_FILE"),
              out,
              err,
              nullptr};
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h" || a == "help") {
      out << kHelp;
      return kExitOk;
    }
    if (a == "--version") {
      out << "tom 0.1.0\n";
      return kExitOk;
    }
    if ((a == "--db" || a == "--user" || a == "--audit-key") && i + 1 < args.size()) {
      (a == "--db" ? ctx.db : a == "--user" ? ctx.user : ctx.audit_key) = args[++i];
      continue;
    }
    if (a.rfind("--audit-key=", 0) == 0) {
      ctx.audit_key = a.substr(12);
      continue;
    }
    if (a.rfind("--db=", 0) == 0) {
      ctx.db = a.substr(5);
      continue;
    }
    if (a.rfind("--user=", 0) == 0) {
      ctx.user = a.substr(7);
      continue;
    }
    if (!a.empty() && a[0] == '-') return ctx.usage("unknown option " + a, kHelp);
    break;
  }
  if (i >= args.size()) return ctx.usage("no command given", kHelp);
  auto it = commands().find(args[i]);
  if (it == commands().end()) return ctx.usage("unknown command '" + args[i] + "'", kHelp);
  std::vector<std::string> rest(args.begin() + static_cast<long>(i) + 1, args.end());
  try {
    return it->second(ctx, rest);
  } catch (const std::exception& e) {
    return ctx.fail(Error::internal(std::string("unexpected failure: ") + e.what()));
  }
}

Status Context::open() {
  if (workbench) return ok_status();
  if (audit_key.empty()) audit_key = app::Workbench::default_audit_key_file(db);
  TOM_ASSIGN(workbench, app::Workbench::open(db, audit_key));
  return ok_status();
}

Result<domain::Caller> Context::caller(const std::string& email) {
  if (email.empty())
    return Error::invalid(
        "say who is acting with --as EMAIL (a person in `tom user list`): their roles and "
        "organisation decide what they may do");
  TOM_TRY(open());
  return app::Identity(*workbench).caller_by_email(email);
}

int Context::fail(const Error& e) {
  err << "tom: " << e.describe() << "\n";
  if (!e.detail.empty()) err << "  (" << e.detail << ")\n";
  return kExitError;
}

int Context::usage(const std::string& message, const char* help) {
  err << "tom: " << message << "\n\n" << help;
  return kExitUsage;
}

void print_json(std::ostream& out, const boost::json::value& v) {
  out << boost::json::serialize(v) << "\n";
}

Result<int64_t> parse_id(const std::string& s, const std::string& what) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos || s == "0")
    return Error::invalid(what + " must be a positive number, not '" + s + "'");
  return static_cast<int64_t>(std::stoll(s));
}

}  // namespace tom::cli
