#include "service/identity.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "core/clock.hpp"

namespace tom::service {

using namespace tom::domain;

namespace {

std::string random_hex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  return hex;
}

// Now + `hours`, as the ISO text the store compares.
std::string hours_from_now(int hours) {
  std::time_t t = std::time(nullptr) + static_cast<std::time_t>(hours) * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

std::string hash_password(const std::string& password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return "";
  return out;
}

bool verify_password(const std::string& encoded, const std::string& password) {
  if (encoded.empty()) return false;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

Status check_password_strength(const std::string& password) {
  if (password.size() < 10) return Error::invalid("a password needs at least 10 characters");
  if (password.size() > 256) return Error::invalid("a password may have at most 256 characters");
  return ok_status();
}

long RateLimiter::retry_after(const std::string& key) {
  std::lock_guard lock(mu_);
  auto now = std::chrono::steady_clock::now();
  auto& q = failures_[key];
  while (!q.empty() && now - q.front() > window_) q.pop_front();
  if (q.size() < max_) return 0;
  return std::max<long>(
      1, std::chrono::duration_cast<std::chrono::seconds>(window_ - (now - q.front())).count());
}

void RateLimiter::failure(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_[key].push_back(std::chrono::steady_clock::now());
  if (failures_.size() > 100000) failures_.clear();  // bounded memory under a flood of distinct keys
}

void RateLimiter::reset(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

std::string Identity::token_hash(const std::string& token) {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(out, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

Result<SignedIn> Identity::sign_in(const std::string& email, const std::string& password,
                                   const std::string& remote) {
  std::string email_key = "email:" + lower(email), address_key = "addr:" + remote;
  long wait = std::max(per_email_.retry_after(email_key), per_address_.retry_after(address_key));
  if (wait > 0)
    return Error{ErrorCode::kTooManyRequests,
                 "too many failed sign-ins; try again in " + std::to_string((wait + 59) / 60) + " minutes",
                 std::to_string(wait),
                 {}};
  auto found = store_.find_user_by_email(email);
  // Verify against a fixed hash when the email is unknown, so timing does not tell which emails exist.
  static const std::string decoy = hash_password("decoy-password-for-timing");
  bool ok = found.ok() ? verify_password(found->second, password) : (verify_password(decoy, password), false);
  if (!ok) {
    per_email_.failure(email_key);
    per_address_.failure(address_key);
    return Error{ErrorCode::kUnauthorized, "the email address or password is not right", {}, {}};
  }
  per_email_.reset(email_key);
  SignedIn out;
  out.token = random_hex(32);
  out.csrf_token = random_hex(16);
  out.user = found->first;
  store::SessionRecord s{token_hash(out.token), out.user.id,   "session",         "",
                         out.csrf_token,        now_utc_iso(), hours_from_now(12)};
  TOM_TRY(store_.add_session(s));
  return out;
}

Status Identity::sign_out(const std::string& token) {
  return store_.delete_session(token_hash(token));
}

Result<std::string> Identity::create_api_token(const User& user, const std::string& name) {
  if (name.empty() || name.size() > 100)
    return Error::invalid("an API token needs a name of up to 100 characters");
  std::string token = "tom_" + random_hex(32);
  store::SessionRecord s{token_hash(token),       user.id, "token", name, "", now_utc_iso(),
                         hours_from_now(24 * 365)};
  TOM_TRY(store_.add_session(s));
  return token;
}

Result<Authenticated> Identity::authenticate(const std::string& cookie_token,
                                             const std::string& bearer_token) {
  const std::string& token = !bearer_token.empty() ? bearer_token : cookie_token;
  if (token.empty() || token.size() > 200) return Error{ErrorCode::kUnauthorized, "sign in first", {}, {}};
  TOM_ASSIGN(auto found, store_.find_session(token_hash(token), now_utc_iso()));
  auto& [session, user] = found;
  if (!bearer_token.empty() && session.kind != "token")
    return Error{ErrorCode::kUnauthorized, "that is a session, not an API token", {}, {}};
  if (bearer_token.empty() && session.kind != "session")
    return Error{ErrorCode::kUnauthorized, "sign in first", {}, {}};
  TOM_ASSIGN(Organisation org, store_.get_organisation(user.organisation_id));
  return Authenticated{Caller{user, org}, session.kind, session.csrf_token, session.token_hash};
}

Result<User> Identity::create_user(const User& u, const std::string& password, const std::string& actor) {
  TOM_TRY(check_password_strength(password));
  static const std::vector<std::string> known = {
      "editor", "approver", "siro", "clinical-safety-officer", "central-reviewer", "administrator"};
  for (const auto& r : u.roles)
    if (std::find(known.begin(), known.end(), r) == known.end())
      return Error::invalid(
          "unknown role '" + r +
          "' (editor, approver, siro, clinical-safety-officer, central-reviewer, administrator)");
  std::string hash = hash_password(password);
  if (hash.empty()) return Error::internal("password hashing failed (out of memory?)");
  return store_.add_user(u, hash, actor);
}

}  // namespace tom::service
