#pragma once
#include <string>

#include "core/error.hpp"

namespace tom {

// Reads a whole file, refusing it (kTooLarge) when larger than `max_bytes` before reading it.
Result<std::string> read_file_limited(const std::string& path, size_t max_bytes);

// Writes a file atomically: to PATH.tmp, flushed, then renamed over PATH, so a failure never leaves half a
// file.
Status write_file_atomic(const std::string& path, const std::string& bytes);

}  // namespace tom
