#pragma once
// Who is calling: password sign-in (argon2id via libsodium), session cookies with a CSRF token, API tokens
// for scripts, and sign-in rate limiting. Tokens are random 256-bit values; the store keeps only their
// SHA-256.
#include <chrono>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/workbench.hpp"
#include "domain/access.hpp"
#include "domain/records.hpp"

namespace tom::app {

std::string hash_password(const std::string& password);  // argon2id, libsodium's encoded string
bool verify_password(const std::string& encoded, const std::string& password);
// A password people may set: 12 to 256 characters, not one character (or a short group) repeated, not one of
// the commonly used passwords, not the account's email address. The error says which rule it breaks.
Status check_password_strength(const std::string& password, const std::string& email = "");

// Sizes checked before anything else is done with a value (characters, not bytes).
constexpr size_t kMaxEmailChars = 254;  // RFC 5321's path limit
constexpr size_t kMaxPasswordChars = 256;
constexpr size_t kMaxNameChars = 200;
constexpr size_t kMaxTokenNameChars = 100;

// Counts failures per key in a sliding window, in bounded memory, without ever forgetting a block: a key
// with `max_failures` failures inside the window is blocked until the oldest of them leaves the window.
// At most `capacity` keys are counted at once (a flood of new keys forgets the least recently failed ones,
// each of which had fewer than max_failures failures), and at most `capacity` keys are blocked: when that
// table is full of live blocks, a key that cannot be recorded there is refused, as is every key not yet
// blocked, until room frees (fail closed, never reset).
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimiter(size_t max_failures, std::chrono::seconds window, size_t capacity = 100'000)
      : max_(max_failures), window_(window), capacity_(capacity) {}
  // Seconds to wait when the key is over its limit, else 0.
  long retry_after(const std::string& key);
  void failure(const std::string& key);
  void reset(const std::string& key);
  // Keys counted and keys blocked now (for tests and metrics).
  size_t counting() const;
  size_t blocked() const;

 private:
  struct Counting {
    std::vector<Clock::time_point> times;  // oldest first, at most max_
    std::list<std::string>::iterator lru;
  };
  static long seconds_until(Clock::time_point until, Clock::time_point now);

  size_t max_;
  std::chrono::seconds window_;
  size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Counting> counting_;
  std::list<std::string> lru_;                                  // counting keys, most recent failure first
  std::unordered_map<std::string, Clock::time_point> blocked_;  // key -> blocked until
  Clock::time_point overflow_until_{};                          // blocked_ was full: refuse untracked keys
};

// An API token as its owner sees it (never the token itself).
struct TokenInfo {
  std::string id;  // the first 16 hex digits of the token's SHA-256: names it without revealing it
  std::string name;
  std::string created_at;
  std::string expires_at;
};

struct SignedIn {
  std::string token;  // for the cookie
  std::string csrf_token;
  domain::User user;
};

struct Authenticated {
  domain::Caller caller;
  std::string kind;        // "session" or "token"
  std::string csrf_token;  // sessions only
  std::string token_hash;
};

class Identity {
 public:
  // Sessions and tokens start and end by `clock` (which must outlive this).
  explicit Identity(store::Store& store, const Clock& clock = system_clock())
      : store_(store), clock_(clock) {}
  explicit Identity(Workbench& wb) : store_(wb.store()), clock_(wb.clock()) {}

  // Refuses with kTooManyRequests (message says when to retry; detail holds the seconds) after repeated
  // failures: 5 for one email from one address (so one address cannot lock an account out everywhere), 50 for
  // one email from anywhere, 100 from one address over all emails (password spraying; high enough that
  // people behind one address do not lock each other out by mistyping). An email over 254 or a password over
  // 256 characters is refused as invalid before any of this.
  Result<SignedIn> sign_in(const std::string& email, const std::string& password, const std::string& remote);
  Status sign_out(const std::string& token);
  // Ends the session (or token) the caller came with.
  Status sign_out(const Authenticated& auth);
  // Whether `sent` is the session's CSRF token (compared in constant time). Cookies ride along with
  // cross-site requests, so every change made with a session cookie shows this token too; API tokens need
  // none (always true for them).
  static bool csrf_matches(const Authenticated& auth, const std::string& sent);
  // A new API token for scripts, valid for `days` (1 to 365; 30 by default). Returned once; only its hash is
  // kept.
  struct NewToken {
    std::string token;
    TokenInfo info;
  };
  static constexpr int kDefaultTokenDays = 30;
  static constexpr int kMaxTokenDays = 365;
  Result<NewToken> create_api_token(const domain::User& user, const std::string& name,
                                    int days = kDefaultTokenDays);
  // The user's live API tokens, and revoking one of them by id (kNotFound when it is not theirs).
  Result<std::vector<TokenInfo>> list_api_tokens(const domain::User& user);
  Status revoke_api_token(const domain::User& user, const std::string& id);
  // From a session cookie value or an "Authorization: Bearer" token.
  Result<Authenticated> authenticate(const std::string& cookie_token, const std::string& bearer_token);
  Result<domain::User> create_user(const domain::User& u, const std::string& password,
                                   const std::string& actor);

  // The person with this email as a caller (their roles and organisation), for the CLI's --as; kNotFound
  // names the email.
  Result<domain::Caller> caller_by_email(const std::string& email);

  static std::string token_hash(const std::string& token);

 private:
  store::Store& store_;
  const Clock& clock_;
  RateLimiter per_account_{5, std::chrono::minutes(15)};    // email + address
  RateLimiter per_email_{50, std::chrono::minutes(15)};     // email, from anywhere
  RateLimiter per_address_{100, std::chrono::minutes(15)};  // address, over all emails
};

}  // namespace tom::app
