#pragma once
// Who is calling: password sign-in (argon2id via libsodium), session cookies with a CSRF token, API tokens
// for scripts, and sign-in rate limiting. Tokens are random 256-bit values; the store keeps only their
// SHA-256.
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "domain/access.hpp"
#include "store/store.hpp"

namespace tom::service {

std::string hash_password(const std::string& password);  // argon2id, libsodium's encoded string
bool verify_password(const std::string& encoded, const std::string& password);
Status check_password_strength(const std::string& password);

// Counts failures per key in a sliding window.
class RateLimiter {
 public:
  RateLimiter(size_t max_failures, std::chrono::seconds window) : max_(max_failures), window_(window) {}
  // Seconds to wait when the key is over its limit, else 0.
  long retry_after(const std::string& key);
  void failure(const std::string& key);
  void reset(const std::string& key);

 private:
  size_t max_;
  std::chrono::seconds window_;
  std::mutex mu_;
  std::map<std::string, std::deque<std::chrono::steady_clock::time_point>> failures_;
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
  explicit Identity(store::Store& store) : store_(store) {}

  // Refuses with kTooManyRequests (message says when to retry) after repeated failures per email or address.
  Result<SignedIn> sign_in(const std::string& email, const std::string& password, const std::string& remote);
  Status sign_out(const std::string& token);
  Result<std::string> create_api_token(const domain::User& user, const std::string& name);
  // From a session cookie value or an "Authorization: Bearer" token.
  Result<Authenticated> authenticate(const std::string& cookie_token, const std::string& bearer_token);
  Result<domain::User> create_user(const domain::User& u, const std::string& password,
                                   const std::string& actor);

  static std::string token_hash(const std::string& token);

 private:
  store::Store& store_;
  RateLimiter per_email_{5, std::chrono::minutes(15)};
  RateLimiter per_address_{20, std::chrono::minutes(15)};
};

}  // namespace tom::service
