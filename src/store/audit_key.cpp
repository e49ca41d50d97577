// The audit key: a file outside the database, read once when a store opens.
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/audit.hpp"

namespace tom::store {

namespace {

namespace json = boost::json;

constexpr size_t kMinKeyBytes = 32;
constexpr size_t kMaxKeyBytes = 4096;

const sql::Query kKeyingLock{"audit.keying_lock",
                             "SELECT seq, keyed_from, key_id FROM audit_head WHERE id = 1",
                             "SELECT seq, keyed_from, key_id FROM audit_head WHERE id = 1 FOR UPDATE"};
const sql::Query kSetKeyed{"audit.set_keyed",
                           "UPDATE audit_head SET keyed_from = $1, key_id = $2 WHERE id = 1", nullptr};
// Files the events written before migration 4 under their assessment, with the rule assessment_of_key()
// states in C++: the leading 1-18 digits of the entity key when they are all of it or are followed by '/'.
const sql::Query kFileUnderAssessment{
    "audit.file_under_assessment",
    "UPDATE audit_events SET assessment_id = CASE "
    "WHEN instr(entity_key, '/') > 1 AND instr(entity_key, '/') <= 19 "
    "AND substr(entity_key, 1, instr(entity_key, '/') - 1) NOT GLOB '*[^0-9]*' "
    "THEN CAST(substr(entity_key, 1, instr(entity_key, '/') - 1) AS INTEGER) "
    "WHEN instr(entity_key, '/') = 0 AND length(entity_key) BETWEEN 1 AND 18 "
    "AND entity_key NOT GLOB '*[^0-9]*' THEN CAST(entity_key AS INTEGER) "
    "ELSE 0 END WHERE assessment_id < 0",
    "UPDATE audit_events SET assessment_id = CASE WHEN entity_key ~ '^[0-9]{1,18}(/|$)' "
    "THEN CAST(substring(entity_key from '^[0-9]+') AS BIGINT) ELSE 0 END WHERE assessment_id < 0"};

std::string errno_text() {
  return std::strerror(errno);
}

std::string octal_mode(mode_t m) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

// Creates the key file with O_EXCL, so two servers starting together cannot each write their own key: the
// loser reads the winner's.
Result<std::string> create_audit_key(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::exists(parent, ec)) {
    fs::create_directories(parent, ec);
    if (ec)
      return Error::unavailable("cannot create the folder for the audit key file " + path + ": " +
                                ec.message());
    fs::permissions(parent, fs::perms::owner_all, ec);
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return load_audit_key(path);
    return Error::unavailable("cannot create the audit key file " + path + ": " + errno_text());
  }
  unsigned char raw[kMinKeyBytes];
  randombytes_buf(raw, sizeof raw);
  char hex[kMinKeyBytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, raw, sizeof raw);
  sodium_memzero(raw, sizeof raw);
  std::string text = std::string(hex) + "\n";
  sodium_memzero(hex, sizeof hex);
  bool written =
      ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  std::string why = written ? "" : errno_text();
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    return Error::unavailable("cannot write the audit key file " + path + ": " + why);
  }
  text.pop_back();
  return text;
}

}  // namespace

std::string audit_key_id(const std::string& key) {
  static const char kLabel[] = "tom audit key id v1";
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(kLabel), sizeof kLabel - 1);
  crypto_auth_hmacsha256_final(&st, out);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return std::string(hex, 16);
}

Result<std::string> load_audit_key(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Error::not_found("the audit key file " + path + " does not exist");
    return Error::unavailable("cannot read the audit key file " + path + ": " + errno_text());
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error::unavailable("the audit key file " + path + " is not a regular file");
  }
  // Group read is allowed (servers of one database may run as different users of one group); anything more
  // would let someone else forge the chain.
  if ((st.st_mode & (S_IWGRP | S_IRWXO)) != 0) {
    ::close(fd);
    return Error::unavailable("the audit key file " + path + " may be read or changed by others (mode " +
                              octal_mode(st.st_mode) + "): run chmod 600 " + path);
  }
  std::string key(kMaxKeyBytes + 1, '\0');
  ssize_t n = ::read(fd, key.data(), key.size());
  ::close(fd);
  if (n < 0) return Error::unavailable("cannot read the audit key file " + path + ": " + errno_text());
  key.resize(static_cast<size_t>(n));
  while (!key.empty() &&
         (key.back() == '\n' || key.back() == '\r' || key.back() == ' ' || key.back() == '\t'))
    key.pop_back();
  if (key.size() > kMaxKeyBytes)
    return Error::unavailable("the audit key file " + path + " is over " + std::to_string(kMaxKeyBytes) +
                              " bytes: it is not a key file");
  if (key.size() < kMinKeyBytes)
    return Error::unavailable("the audit key file " + path + " holds " + std::to_string(key.size()) +
                              " bytes; a key needs at least " + std::to_string(kMinKeyBytes) +
                              " (tom creates one of 64 random hex digits)");
  return key;
}

Result<std::string> establish_audit_key(sql::Connection& conn, const std::string& path) {
  TOM_TRY(conn.begin());
  bool wrote = false;
  auto run = [&]() -> Result<std::string> {
    TOM_ASSIGN(auto head, conn.query(kKeyingLock, {}));
    if (head.empty()) return Error::internal("audit head row is missing");
    std::string key_id = sql::text(head[0], 2);
    if (!key_id.empty()) {
      auto key = load_audit_key(path);
      if (!key && key.error().code == ErrorCode::kNotFound)
        return Error::unavailable(
            "the audit key file " + path + " is missing; this database's audit trail is signed with key " +
            key_id +
            ": restore the file, or name it with --audit-key or TOM_AUDIT_KEY_FILE (every server of one "
            "database uses the same key file)");
      if (!key) return std::move(key).error();
      if (audit_key_id(*key) != key_id)
        return Error::unavailable("the audit key in " + path + " (key " + audit_key_id(*key) +
                                  ") is not the key this database's audit trail is signed with (key " +
                                  key_id + "): name the right file with --audit-key or TOM_AUDIT_KEY_FILE");
      return key;
    }
    auto loaded = load_audit_key(path);
    if (!loaded && loaded.error().code == ErrorCode::kNotFound) loaded = create_audit_key(path);
    if (!loaded) return std::move(loaded).error();
    std::string key = *loaded;
    TOM_TRY(conn.query(kFileUnderAssessment, {}));
    int64_t unkeyed = sql::integer(head[0], 0);
    conn.audit_key = key;
    AuditEvent e;
    e.actor = "tom";
    e.action = "audit.keyed";
    e.entity = "audit";
    e.entity_key = "audit";
    e.after = json::serialize(json::object{{"key_id", audit_key_id(key)}, {"unkeyed_events", unkeyed}});
    TOM_TRY(append_audit(conn, std::move(e)));
    TOM_TRY(conn.query(kSetKeyed, {unkeyed + 1, audit_key_id(key)}));
    wrote = true;
    return key;
  };
  auto r = run();
  if (!r.ok() || !wrote) {
    conn.rollback();
    return r;
  }
  TOM_TRY(conn.commit());
  return r;
}

}  // namespace tom::store
