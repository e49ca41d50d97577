#include "support/test_support.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "io/template_file.hpp"
#include "store/sql/pg_connection.hpp"

namespace tom::test {

namespace fs = std::filesystem;

std::string temp_path(const std::string& name) {
  // A directory of this process's own (mkdtemp): one named by the pid alone could be left from an earlier run
  // whose pid was the same, and a stale server output in it was once read as this run's port.
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "tom-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("cannot make a temporary directory in /tmp");
    static const std::string made = pattern;
    std::atexit([] {
      std::error_code ignored;
      if (!std::getenv("TOM_KEEP_TEST_FILES")) fs::remove_all(made, ignored);
    });
    return fs::path(pattern);
  }();
  static int counter = 0;
  return (dir / (std::to_string(++counter) + "-" + name)).string();
}

std::string source_path(const std::string& relative) {
  return std::string(TOM_SOURCE_DIR) + "/" + relative;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

Run run_tom(const std::vector<std::string>& args) {
  std::string out_path = temp_path("out"), err_path = temp_path("err");
  pid_t pid = ::fork();
  if (pid == 0) {
    int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> argv;
    std::string bin = TOM_BINARY;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  Run r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = read_text(out_path);
  r.err = read_text(err_path);
  return r;
}

std::string fresh_postgres_url() {
  const char* admin = std::getenv("TOM_TEST_PG");
  if (!admin || !*admin) return "";
  static int counter = 0;
  std::string name = "tom_h" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
  auto conn = store::sql::open_postgres(admin);
  if (!conn) throw std::runtime_error(conn.error().describe() + " " + conn.error().detail);
  auto st = (*conn)->exec_script("CREATE DATABASE " + name);
  if (!st) throw std::runtime_error(st.error().detail);
  std::string url = admin;
  return url.substr(0, url.rfind('/') + 1) + name;
}

domain::Template bundled(const std::string& id) {
  auto t = io::load_template_file(source_path("templates/" + id + ".yaml"));
  if (!t) throw std::runtime_error(t.error().describe());
  return std::move(t).value();
}

}  // namespace tom::test
