// `tom serve`: the HTTP server over the same core; `tom user`: people who sign in.
#include <iostream>

#include "api/api.hpp"
#include "app/identity.hpp"
#include "cli/context.hpp"
#include "http/server.hpp"
#include "web/web.hpp"

namespace tom::cli {

namespace {

const char* kServeHelp = R"(Usage: tom serve [--listen HOST:PORT] [--threads N] [--insecure-cookies]
Serves the JSON API (/api/v1, OpenAPI at /api/v1/openapi.json), /health and /metrics.
  --listen             address and port (default 127.0.0.1:8080; port 0 picks a free one)
  --threads            worker threads (default 2)
  --insecure-cookies   session cookies without the Secure flag (plain http on a host other than localhost)
Stops gracefully on SIGTERM or Ctrl-C: requests in flight are answered first.
)";

const char* kUserHelp = R"(Usage:
  tom user list
  tom user add EMAIL --name NAME --organisation ID --role ROLE [--role ROLE...] [--password-stdin]
Roles: editor, approver, siro, clinical-safety-officer, central-reviewer, administrator.
The password is read from standard input (one line) with --password-stdin, else from $TOM_PASSWORD.
)";

bool wants_help(const std::vector<std::string>& a) {
  for (const auto& s : a)
    if (s == "--help" || s == "-h") return true;
  return false;
}

}  // namespace

int cmd_serve(Context& ctx, const std::vector<std::string>& argv) {
  if (wants_help(argv)) return ctx.out << kServeHelp, kExitOk;
  auto args = parse_args(argv, {{"--listen", "--threads"}, {"--insecure-cookies"}, {}});
  if (!args) return ctx.usage(args.error().message, kServeHelp);
  http::ServerOptions options;
  std::string listen = args->value("--listen", "127.0.0.1:8080");
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return ctx.usage("--listen takes HOST:PORT", kServeHelp);
  options.host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)
    return ctx.usage("--listen takes HOST:PORT with a port from 0 to 65535", kServeHelp);
  options.port = static_cast<uint16_t>(std::stoi(port));
  std::string threads = args->value("--threads", "2");
  if (threads.find_first_not_of("0123456789") != std::string::npos || threads.empty() ||
      std::stoi(threads) < 1 || std::stoi(threads) > 64)
    return ctx.usage("--threads takes a number from 1 to 64", kServeHelp);
  options.threads = std::stoi(threads);
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  if (auto st = add_bundled_templates(ctx); !st) return ctx.fail(st.error());
  app::Identity identity(*ctx.workbench);
  http::Metrics metrics;
  api::Api api(*ctx.workbench, identity, metrics, {!args->flag("--insecure-cookies")});
  web::add_pages(api);
  auto st = http::serve(
      options, [&](http::Request& r) { return api.handle(r); },
      [&](http::Request& r) { return api.admit(r); }, metrics,
      [&](uint16_t bound) {
        ctx.out << "TOM Workbench listening on http://" << options.host << ":" << bound << " ("
                << ctx.workbench->database_kind() << " database " << ctx.db << ")" << std::endl;
      });
  if (!st) return ctx.fail(st.error());
  ctx.out << "TOM Workbench stopped" << std::endl;
  return kExitOk;
}

int cmd_user(Context& ctx, const std::vector<std::string>& argv) {
  if (argv.empty() || wants_help(argv)) return ctx.out << kUserHelp, argv.empty() ? kExitUsage : kExitOk;
  auto args =
      parse_args(std::vector<std::string>(argv.begin() + 1, argv.end()),
                 {{"--name", "--organisation", "--role"}, {"--password-stdin", "--json"}, {"--role"}});
  if (!args) return ctx.usage(args.error().message, kUserHelp);
  if (auto st = ctx.open(); !st) return ctx.fail(st.error());
  if (argv[0] == "list") {
    // Everyone by name, a page at a time.
    domain::ListQuery q;
    q.limit = 500;
    for (;;) {
      auto page = app::people(*ctx.workbench, ctx.operator_caller(), q);
      if (!page) return ctx.fail(page.error());
      for (const auto& u : page->items) {
        ctx.out << u.id << "  " << u.email << "  " << u.name << "  organisation " << u.organisation_id
                << "  ";
        for (size_t i = 0; i < u.roles.size(); ++i) ctx.out << (i ? "," : "") << u.roles[i];
        ctx.out << "\n";
      }
      if (page->next_cursor.empty()) break;
      q.cursor = page->next_cursor;
    }
    return kExitOk;
  }
  if (argv[0] == "add") {
    if (args->positional.size() != 1) return ctx.usage("user add takes EMAIL", kUserHelp);
    auto org = parse_id(args->value("--organisation"), "--organisation");
    if (!org) return ctx.fail(org.error());
    std::string password;
    if (args->flag("--password-stdin"))
      std::getline(std::cin, password);
    else if (const char* p = std::getenv("TOM_PASSWORD"))
      password = p;
    domain::User u{0, args->positional[0], args->value("--name"), *org, args->all("--role")};
    app::Identity identity(*ctx.workbench);
    auto added = app::add_person(identity, ctx.operator_caller(), u, password);
    if (!added) return ctx.fail(added.error());
    ctx.out << "Added user " << added->id << " " << added->email << "\n";
    return kExitOk;
  }
  return ctx.usage("unknown user command '" + argv[0] + "'", kUserHelp);
}

}  // namespace tom::cli
