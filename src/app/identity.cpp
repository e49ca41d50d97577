#include "app/identity.hpp"

#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "core/clock.hpp"
#include "core/text.hpp"
#include "store/store.hpp"

namespace tom::app {

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

namespace {

// Passwords that head the published breach lists, of 12 characters or more (shorter ones fail the length
// rule anyway). Compared ignoring case.
constexpr std::string_view kCommonPasswords[] = {
    "123456789012",     "1234567890123",  "12345678901234",
    "123456789123",     "123123123123",   "111111111111",
    "000000000000",     "abcdefghijkl",   "abcdefghijklmnop",
    "abcd1234abcd",     "qwertyuiopasdf", "qwertyuiop12",
    "qwerty123456",     "qwertyqwerty",   "1q2w3e4r5t6y",
    "1qaz2wsx3edc",     "zaq12wsxcde3",   "asdfghjkl123",
    "password1234",     "password12345",  "password123!",
    "password2024",     "password2025",   "password2026",
    "passwordpassword", "p@ssw0rd1234",   "p@ssword1234",
    "mypassword123",    "letmein12345",   "welcome12345",
    "welcome2024!",     "welcome2025!",   "welcome2026!",
    "iloveyou1234",     "changeme1234",   "administrator",
    "administrator1",   "admin1234567",   "adminadmin123",
    "football1234",     "baseball1234",   "sunshine1234",
    "princess1234",     "starwars1234",   "trustno1trustno1",
    "monkey123456",     "dragon123456",   "superman1234",
    "nhsnhsnhsnhs",     "nhspassword1",   "nhspassword123",
    "summer2024!!",     "winter2024!!",   "correcthorsebatterystaple",
};

// True when `s` is one group of at most 4 bytes repeated: one character ("aaaaaaaaaaaa", "éééééééééééé", any
// code point being at most 4 bytes) or a short group ("abcabcabcabc").
bool repeats_short_group(const std::string& s) {
  for (size_t unit = 1; unit <= 4 && unit < s.size(); ++unit) {
    if (s.size() % unit) continue;
    bool all = true;
    for (size_t i = unit; i < s.size() && all; ++i) all = s[i] == s[i - unit];
    if (all) return true;
  }
  return false;
}

}  // namespace

Status check_password_strength(const std::string& password, const std::string& email) {
  if (auto why = text_problem(password); !why.empty()) return Error::invalid("the password " + why);
  size_t chars = utf8_length(password);
  if (chars < 12) return Error::invalid("a password needs at least 12 characters");
  if (chars > kMaxPasswordChars)
    return Error::invalid("a password may have at most " + std::to_string(kMaxPasswordChars) + " characters");
  if (repeats_short_group(password))
    return Error::invalid("a password may not be one character (or a short group) repeated");
  std::string folded = lower(password);
  for (auto common : kCommonPasswords)
    if (folded == common)
      return Error::invalid("that password is one of the most common ones; choose another");
  if (!email.empty() && folded == lower(email))
    return Error::invalid("a password may not be the email address");
  return ok_status();
}

long RateLimiter::seconds_until(Clock::time_point until, Clock::time_point now) {
  return std::max<long>(1, std::chrono::duration_cast<std::chrono::seconds>(until - now).count() + 1);
}

long RateLimiter::retry_after(const std::string& key) {
  std::lock_guard lock(mu_);
  auto now = Clock::now();
  if (auto b = blocked_.find(key); b != blocked_.end()) {
    if (b->second > now) return seconds_until(b->second, now);
    blocked_.erase(b);
    return 0;
  }
  // The blocked table overflowed: a key it could not hold may be among those not found; refuse them all.
  if (overflow_until_ > now) return seconds_until(overflow_until_, now);
  return 0;
}

void RateLimiter::failure(const std::string& key) {
  std::lock_guard lock(mu_);
  auto now = Clock::now();
  if (auto b = blocked_.find(key); b != blocked_.end() && b->second > now) return;
  auto it = counting_.find(key);
  if (it == counting_.end()) {
    if (counting_.size() >= capacity_) {  // forget the least recently failed key (it is not blocked)
      counting_.erase(lru_.back());
      lru_.pop_back();
    }
    lru_.push_front(key);
    it = counting_.emplace(key, Counting{{}, lru_.begin()}).first;
  } else {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  }
  auto& times = it->second.times;
  times.erase(times.begin(), std::find_if(times.begin(), times.end(),
                                          [&](Clock::time_point t) { return now - t <= window_; }));
  times.push_back(now);
  if (times.size() < max_) return;
  // Over the limit: blocked until the oldest of these failures leaves the window. Kept in its own table,
  // which a flood of other keys cannot empty.
  Clock::time_point until = times.front() + window_;
  lru_.erase(it->second.lru);
  counting_.erase(it);
  if (blocked_.size() >= capacity_ && overflow_until_ <= now)
    std::erase_if(blocked_, [&](const auto& kv) { return kv.second <= now; });
  if (blocked_.size() >= capacity_)
    overflow_until_ = std::max(overflow_until_, until);
  else
    blocked_[key] = until;
}

void RateLimiter::reset(const std::string& key) {
  std::lock_guard lock(mu_);
  if (auto it = counting_.find(key); it != counting_.end()) {
    lru_.erase(it->second.lru);
    counting_.erase(it);
  }
  blocked_.erase(key);
}

size_t RateLimiter::counting() const {
  std::lock_guard lock(mu_);
  return counting_.size();
}

size_t RateLimiter::blocked() const {
  std::lock_guard lock(mu_);
  return blocked_.size();
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
  // Bounded before use: nothing longer reaches the rate limiter's tables or the password hash.
  if (utf8_length(email) > kMaxEmailChars)
    return Error::invalid("an email address has at most " + std::to_string(kMaxEmailChars) + " characters");
  if (utf8_length(password) > kMaxPasswordChars)
    return Error::invalid("a password has at most " + std::to_string(kMaxPasswordChars) + " characters");
  std::string email_key = lower(email), account_key = email_key + "\n" + remote;
  long wait = std::max({per_account_.retry_after(account_key), per_email_.retry_after(email_key),
                        per_address_.retry_after(remote)});
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
    per_account_.failure(account_key);
    per_email_.failure(email_key);
    per_address_.failure(remote);
    return Error::unauthorized("the email address or password is not right");
  }
  per_account_.reset(account_key);
  SignedIn out;
  out.token = random_hex(32);
  out.csrf_token = random_hex(16);
  out.user = found->first;
  domain::SessionRecord s{token_hash(out.token),
                          out.user.id,
                          "session",
                          "",
                          out.csrf_token,
                          clock_.now_iso(),
                          clock_.iso_after(std::chrono::hours(12))};
  TOM_TRY(store_.add_session(s));
  return out;
}

Status Identity::sign_out(const std::string& token) {
  return store_.delete_session(token_hash(token));
}

Result<domain::Caller> Identity::caller_by_email(const std::string& email) {
  auto found = store_.find_user_by_email(email);
  if (!found) return Error::not_found("there is no person with the email " + email + " (see tom user list)");
  TOM_ASSIGN(domain::Organisation org, store_.get_organisation(found->first.organisation_id));
  return domain::Caller{found->first, org};
}

Status Identity::sign_out(const Authenticated& auth) {
  return store_.delete_session(auth.token_hash);
}

bool Identity::csrf_matches(const Authenticated& auth, const std::string& sent) {
  if (auth.kind != "session") return true;
  const std::string& want = auth.csrf_token;
  return !want.empty() && sent.size() == want.size() &&
         sodium_memcmp(sent.data(), want.data(), want.size()) == 0;
}

namespace {
TokenInfo token_info(const domain::SessionRecord& s) {
  return {s.token_hash.substr(0, 16), s.name, s.created_at, s.expires_at};
}
}  // namespace

Result<Identity::NewToken> Identity::create_api_token(const User& user, const std::string& name, int days) {
  if (name.empty() || utf8_length(name) > kMaxTokenNameChars)
    return Error::invalid("an API token needs a name of up to " + std::to_string(kMaxTokenNameChars) +
                          " characters");
  if (auto why = text_problem(name); !why.empty()) return Error::invalid("the token's name " + why);
  if (days < 1 || days > kMaxTokenDays)
    return Error::invalid("an API token lasts from 1 to " + std::to_string(kMaxTokenDays) + " days");
  std::string token = "tom_" + random_hex(32);
  domain::SessionRecord s{token_hash(token),
                          user.id,
                          "token",
                          name,
                          "",
                          clock_.now_iso(),
                          clock_.iso_after(std::chrono::hours(24 * days))};
  TOM_TRY(store_.add_session(s));
  return NewToken{token, token_info(s)};
}

Result<std::vector<TokenInfo>> Identity::list_api_tokens(const User& user) {
  TOM_ASSIGN(auto records, store_.list_tokens(user.id, clock_.now_iso()));
  std::vector<TokenInfo> out;
  for (const auto& r : records) out.push_back(token_info(r));
  return out;
}

Status Identity::revoke_api_token(const User& user, const std::string& id) {
  if (id.size() != 16 || id.find_first_not_of("0123456789abcdef") != std::string::npos)
    return Error::not_found("you have no API token '" + id.substr(0, 40) + "'");
  return store_.revoke_token(user.id, id, user.email);
}

Result<Authenticated> Identity::authenticate(const std::string& cookie_token,
                                             const std::string& bearer_token) {
  const std::string& token = !bearer_token.empty() ? bearer_token : cookie_token;
  if (token.empty() || token.size() > 200) return Error::unauthorized("sign in first");
  TOM_ASSIGN(auto found, store_.find_session(token_hash(token), clock_.now_iso()));
  auto& [session, user, org] = found;
  if (!bearer_token.empty() && session.kind != "token")
    return Error::unauthorized("that is a session, not an API token");
  if (bearer_token.empty() && session.kind != "session") return Error::unauthorized("sign in first");
  return Authenticated{Caller{user, org}, session.kind, session.csrf_token, session.token_hash};
}

Result<User> Identity::create_user(const User& u, const std::string& password, const std::string& actor) {
  std::vector<Problem> problems;
  auto bad = [&](const char* field, std::string message) {
    problems.push_back(Problem{{"", "", 0, field, ""}, std::move(message)});
  };
  for (auto [field, value] : {std::pair{"email", &u.email}, std::pair{"name", &u.name}})
    if (auto why = text_problem(*value); !why.empty()) bad(field, why);
  if (utf8_length(u.email) > kMaxEmailChars)
    bad("email", "has more than " + std::to_string(kMaxEmailChars) + " characters");
  else if (u.email.find('@') == std::string::npos || u.email.front() == '@' || u.email.back() == '@')
    bad("email", "is not an email address, like name@example.org");
  if (u.name.empty()) bad("name", "is required");
  if (utf8_length(u.name) > kMaxNameChars)
    bad("name", "has more than " + std::to_string(kMaxNameChars) + " characters");
  if (!problems.empty()) {
    std::string first = "the user's " + problems.front().where.field + " " + problems.front().message;
    return Error::invalid(std::move(first), std::move(problems));
  }
  TOM_TRY(check_password_strength(password, u.email));
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

}  // namespace tom::app
