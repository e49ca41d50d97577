#pragma once
// Internal to the store: SQL built from the filters a list query uses, and the one way every simple list is
// paged (store/list_pages.cpp, store/summary_queries.cpp).
#include <string>
#include <vector>

#include "core/error.hpp"
#include "store/sql/connection.hpp"

namespace tom::store {

// A query's SQL built from the filters in use, with its parameters numbered as they are added. Each distinct
// text is one prepared statement, named by the text (the statement caches key on the name).
class Builder {
 public:
  std::string arg(sql::Param p);
  // "($1, $2, ...)": each value a parameter, for `column IN` (values must not be empty).
  template <class T>
  std::string in_list(const std::vector<T>& values) {
    std::string out;
    for (const auto& v : values) out += (out.empty() ? "(" : ", ") + arg(v);
    return out + ")";
  }
  // Today's date as a parameter, added once when first used.
  std::string today(const std::string& date);
  sql::Query query(const std::string& sql) const;
  std::vector<sql::Param> params;

 private:
  std::string today_;
};

// `word` lowered, as a LIKE pattern matching it anywhere (with ESCAPE '!').
std::string like_pattern(const std::string& word);

// A list read a page at a time in one stable order, by a text sort value and then the id: the page's rows,
// the total over all pages, and cursors "<letter>.<id>.<value>" naming the first and last row.
struct Keyset {
  char letter;          // names the list in its cursors: another list's cursor is refused
  std::string columns;  // what each row returns (read by the caller from column 0)
  std::string from;     // " FROM ..." with any joins
  std::string value;    // the sort value's SQL (text)
  std::string id;       // the row id's SQL (integer); empty when the value alone is unique
};
struct KeysetPage {
  std::vector<sql::Row> rows;  // columns, then the sort value and id (two more columns)
  int64_t total = 0;
  std::string next_cursor, prev_cursor;
};
// `where` is "" or " WHERE ..." with its parameters already in `b`. limit is clamped to 1-500. A cursor that
// is not one this list gave is kInvalid, naming it.
Result<KeysetPage> read_keyset_page(sql::Connection& c, const Keyset& k, Builder& b, const std::string& where,
                                    const std::string& cursor, bool backward, int64_t limit);

}  // namespace tom::store
