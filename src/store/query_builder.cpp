#include "store/query_builder.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "core/text.hpp"

namespace tom::store {

std::string Builder::arg(sql::Param p) {
  params.push_back(std::move(p));
  return "$" + std::to_string(params.size());
}

std::string Builder::today(const std::string& date) {
  if (today_.empty()) today_ = arg(date);
  return today_;
}

sql::Query Builder::query(const std::string& sql) const {
  static std::mutex mu;
  static std::map<std::string, std::string> names;  // text -> name; nodes are stable
  std::lock_guard lock(mu);
  auto it = names.find(sql);
  if (it == names.end()) it = names.emplace(sql, "built.q" + std::to_string(names.size())).first;
  return sql::Query{it->second.c_str(), it->first.c_str(), nullptr};
}

std::string like_pattern(const std::string& word) {
  std::string out = "%";
  for (char ch : lower_ascii(word)) {
    if (ch == '%' || ch == '_' || ch == '!') out += '!';
    out += ch;
  }
  return out + "%";
}

Result<KeysetPage> read_keyset_page(sql::Connection& c, const Keyset& k, Builder& b, const std::string& where,
                                    const std::string& cursor, bool backward, int64_t limit) {
  limit = std::clamp<int64_t>(limit, 1, 500);
  KeysetPage page;
  {
    // The total first, with the filters' parameters alone.
    TOM_ASSIGN(auto rows, c.query(b.query("SELECT count(*)" + k.from + where), b.params));
    page.total = rows.empty() ? 0 : sql::integer(rows[0], 0);
  }
  std::string filter = where;
  backward = backward && !cursor.empty();
  if (!cursor.empty()) {
    auto bad = [&] {
      return Error::invalid("the page cursor '" + cursor.substr(0, 40) +
                                "' is not one this list gave (it belongs to another list, or was changed)",
                            {Problem{{"", "", 0, "cursor", ""}, "is not one this list gave"}});
    };
    size_t dot = cursor.find('.', 2);
    if (cursor.size() < 4 || cursor[0] != k.letter || cursor[1] != '.' || dot == std::string::npos ||
        dot == 2 || dot > 20)
      return bad();
    for (size_t i = 2; i < dot; ++i)
      if (cursor[i] < '0' || cursor[i] > '9') return bad();
    int64_t id = std::stoll(cursor.substr(2, dot - 2));
    const char* cmp = backward ? " < " : " > ";
    std::string v = b.arg(cursor.substr(dot + 1));
    filter += (filter.empty() ? " WHERE " : " AND ") +
              (k.id.empty() ? k.value + cmp + v
                            : "(" + k.value + cmp + v + " OR (" + k.value + " = " + v + " AND " + k.id + cmp +
                                  b.arg(id) + "))");
  }
  const char* dir = backward ? " DESC" : "";
  std::string id = k.id.empty() ? "0" : k.id;
  std::string sql = "SELECT " + k.columns + ", " + k.value + ", " + id + k.from + filter + " ORDER BY " +
                    k.value + dir + (k.id.empty() ? "" : ", " + k.id + dir) + " LIMIT " + b.arg(limit + 1);
  TOM_ASSIGN(auto rows, c.query(b.query(sql), b.params));
  bool more = static_cast<int64_t>(rows.size()) > limit;
  if (more) rows.pop_back();
  if (backward) std::reverse(rows.begin(), rows.end());
  auto cursor_of = [&](const sql::Row& r) {
    size_t n = r.size();
    return std::string(1, k.letter) + "." + std::to_string(sql::integer(r, n - 1)) + "." +
           sql::text(r, n - 2);
  };
  if (!rows.empty()) {
    // Forward: more after the last row, and rows before the first when we came from a cursor. Backward: the
    // page we came from is after the last row, and `more` says whether any are before the first.
    if (backward || more) page.next_cursor = cursor_of(rows.back());
    if (backward ? more : !cursor.empty()) page.prev_cursor = cursor_of(rows.front());
  }
  page.rows = std::move(rows);
  return page;
}

}  // namespace tom::store
