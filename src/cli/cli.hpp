#pragma once
#include <iostream>
#include <string>
#include <vector>

namespace tom::cli {

// Runs `tom ARGS...`; returns the process exit code. Environment: TOM_DB (database), TOM_USER (actor).
int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace tom::cli
