// The simple lists a page at a time (Store::page_organisations, page_users, page_templates): filtered,
// ordered, counted and paged in the database, so a page costs the same with 30 rows or 30,000.
#include <algorithm>

#include "core/text.hpp"
#include "store/loaders.hpp"
#include "store/query_builder.hpp"
#include "store/sql_store.hpp"

namespace tom::store {

using namespace tom::domain;
using sql::integer;
using sql::text;

namespace {

// " WHERE a AND b ..." ("" when there are none).
std::string where_of(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? " WHERE " : " AND ") + p;
  return out;
}

// Each word of the search somewhere in `haystack` (SQL of the row's lowered text).
void add_words(Builder& b, std::vector<std::string>& parts, const std::string& text,
               const std::string& haystack) {
  for (const auto& word : search_words(text))
    parts.push_back(haystack + " LIKE " + b.arg(like_pattern(word)) + " ESCAPE '!'");
}

}  // namespace

Result<Page<Organisation>> SqlStore::page_organisations(const ListQuery& q) {
  return read<Page<Organisation>>([&](sql::Connection& c) -> Result<Page<Organisation>> {
    Builder b;
    std::vector<std::string> parts;
    add_words(b, parts, q.text, "lower(o.name || ' ' || o.ods_code)");
    if (!q.types.empty()) parts.push_back("o.type IN " + b.in_list(q.types));
    static const Keyset k{'o', "o.id, o.name, o.ods_code, o.type", " FROM organisations o", "lower(o.name)",
                          "o.id"};
    TOM_ASSIGN(auto kp, read_keyset_page(c, k, b, where_of(parts), q.cursor, q.backward, q.limit));
    Page<Organisation> page{{}, kp.total, kp.next_cursor, kp.prev_cursor};
    for (const auto& r : kp.rows) page.items.push_back({integer(r, 0), text(r, 1), text(r, 2), text(r, 3)});
    return page;
  });
}

Result<Page<User>> SqlStore::page_users(const ListQuery& q) {
  return read<Page<User>>([&](sql::Connection& c) -> Result<Page<User>> {
    Builder b;
    std::vector<std::string> parts;
    add_words(b, parts, q.text, "lower(u.name || ' ' || u.email)");
    if (!q.organisations.empty()) parts.push_back("u.organisation_id IN " + b.in_list(q.organisations));
    static const Keyset k{'u', "u.id, u.email, u.name, u.organisation_id, u.roles", " FROM users u",
                          "lower(u.name)", "u.id"};
    TOM_ASSIGN(auto kp, read_keyset_page(c, k, b, where_of(parts), q.cursor, q.backward, q.limit));
    Page<User> page{{}, kp.total, kp.next_cursor, kp.prev_cursor};
    for (const auto& r : kp.rows) page.items.push_back(user_from(r));
    return page;
  });
}

Result<std::map<std::string, std::string>> SqlStore::user_names(const std::vector<std::string>& emails) {
  using Names = std::map<std::string, std::string>;
  return read<Names>([&](sql::Connection& c) -> Result<Names> {
    Names out;
    std::vector<std::string> wanted(emails);
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    // In chunks of 64 at most, each padded to a power of two (by repeating its last email), so that a handful
    // of statement texts serve every call.
    constexpr size_t kChunk = 64;
    for (size_t at = 0; at < wanted.size(); at += kChunk) {
      size_t n = std::min(kChunk, wanted.size() - at), padded = 1;
      while (padded < n) padded *= 2;
      std::vector<std::string> chunk;
      for (size_t i = 0; i < padded; ++i) chunk.push_back(wanted[at + std::min(i, n - 1)]);
      Builder b;
      TOM_ASSIGN(
          auto rows,
          c.query(b.query("SELECT email, name FROM users WHERE email IN " + b.in_list(chunk)), b.params));
      for (const auto& r : rows) out[text(r, 0)] = text(r, 1);
    }
    return out;
  });
}

Result<Page<TemplateSummary>> SqlStore::page_templates(const ListQuery& q) {
  return read<Page<TemplateSummary>>([&](sql::Connection& c) -> Result<Page<TemplateSummary>> {
    Builder b;
    std::vector<std::string> parts;
    add_words(b, parts, q.text, "lower(t.id || ' ' || t.name || ' ' || t.family)");
    // (id, version) is the key, so this value is unique: the versions of a template in the order added.
    static const Keyset k{'t', "t.id, t.version, t.name, t.family, t.sections, t.items, t.created_at",
                          " FROM templates t", "t.id || ' ' || t.created_at || ' ' || t.version", ""};
    TOM_ASSIGN(auto kp, read_keyset_page(c, k, b, where_of(parts), q.cursor, q.backward, q.limit));
    Page<TemplateSummary> page{{}, kp.total, kp.next_cursor, kp.prev_cursor};
    for (const auto& r : kp.rows)
      page.items.push_back({text(r, 0), text(r, 1), text(r, 2), text(r, 3),
                            static_cast<size_t>(integer(r, 4)), static_cast<size_t>(integer(r, 5)),
                            text(r, 6)});
    return page;
  });
}

}  // namespace tom::store
