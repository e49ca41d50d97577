#pragma once
#include <string>

namespace tom {

// Current UTC time as ISO 8601 with milliseconds, e.g. 2026-11-22T10:15:30.123Z.
std::string now_utc_iso();
// Today's UTC date, YYYY-MM-DD.
std::string today_utc();

}  // namespace tom
