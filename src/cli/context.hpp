#pragma once
// What every CLI command gets: the database location, who is acting, the output streams, and (opened on first
// use) the store and the workbench over it.
#include <boost/json.hpp>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/directory.hpp"
#include "app/reading.hpp"
#include "app/workbench.hpp"
#include "cli/args.hpp"
#include "domain/access.hpp"

namespace tom::cli {

enum Exit : int { kExitOk = 0, kExitNegative = 1, kExitUsage = 2, kExitError = 3 };

struct Context {
  std::string db;
  std::string user;
  std::string audit_key;  // the audit key file; empty: the default for db (set when the store opens)
  std::ostream& out;
  std::ostream& err;
  std::unique_ptr<app::Workbench> workbench;  // owns the store; opened by open()

  // Opens the store (migrating it) on first call.
  Status open();
  bool opened() const { return workbench != nullptr; }
  // The local operator (domain::local_operator): who the commands without --as act as.
  domain::Caller operator_caller() const { return domain::local_operator(user); }
  // The person a command acts as (`--as EMAIL`): their roles and organisation decide what they may do, as
  // when they sign in to the server.
  Result<domain::Caller> caller(const std::string& email);
  // Prints an error with its problems; returns the exit code for it.
  int fail(const Error& e);
  int usage(const std::string& message, const char* help);
};

using Command = int (*)(Context&, const std::vector<std::string>&);

// Each returns an exit code.
int cmd_init(Context&, const std::vector<std::string>&);
int cmd_template(Context&, const std::vector<std::string>&);
int cmd_rules(Context&, const std::vector<std::string>&);
int cmd_organisation(Context&, const std::vector<std::string>&);
int cmd_assessment(Context&, const std::vector<std::string>&);
int cmd_answer(Context&, const std::vector<std::string>&);
int cmd_check(Context&, const std::vector<std::string>&);
int cmd_finding(Context&, const std::vector<std::string>&);
int cmd_approve(Context&, const std::vector<std::string>&);
int cmd_submit(Context&, const std::vector<std::string>&);
int cmd_export(Context&, const std::vector<std::string>&);
int cmd_import(Context&, const std::vector<std::string>&);
int cmd_audit(Context&, const std::vector<std::string>&);
int cmd_serve(Context&, const std::vector<std::string>&);
int cmd_user(Context&, const std::vector<std::string>&);

// Writes JSON followed by a newline.
void print_json(std::ostream& out, const boost::json::value& v);
// Parses a positive id ("3"); the error names `what`.
Result<int64_t> parse_id(const std::string& s, const std::string& what);

// Loads the bundled templates into the store (idempotent).
Status add_bundled_templates(Context& ctx);
// Creates demo organisations and assessments at different stages.
Status create_demo(Context& ctx);

}  // namespace tom::cli
