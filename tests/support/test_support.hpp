#pragma once
// Helpers shared by the tests: temporary paths, running the built binary, bundled templates.
#include <string>
#include <vector>

#include "domain/template.hpp"

namespace tom::test {

// A fresh path under a per-process temporary directory (not created).
std::string temp_path(const std::string& name);
std::string source_path(const std::string& relative);
std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs the built `tom` binary with arguments (no shell), capturing output.
Run run_tom(const std::vector<std::string>& args);

// A fresh, empty PostgreSQL database in the throwaway cluster named by $TOM_TEST_PG; "" when that is unset.
std::string fresh_postgres_url();

// A bundled template by id, parsed from the repository's templates/ folder.
domain::Template bundled(const std::string& id);

}  // namespace tom::test
