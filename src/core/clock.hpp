#pragma once
#include <string>

namespace tom {

// Current UTC time as ISO 8601 with milliseconds, e.g. 2026-11-22T10:15:30.123Z.
std::string now_utc_iso();
// Today's UTC date, YYYY-MM-DD.
std::string today_utc();
// Whether `s` is a real calendar date written YYYY-MM-DD (2026-02-30 is not; leap years are).
bool valid_iso_date(const std::string& s);

}  // namespace tom
