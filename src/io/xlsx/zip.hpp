#pragma once
// A minimal, bounded reader of zip archives held in memory: the central directory, local headers, and entries
// stored (method 0) or deflated (method 8). Nothing in the file is trusted: offsets and sizes are checked
// against the buffer, decompressed sizes are enforced while inflating, and CRCs are verified. Zip64,
// encrypted entries and other compression methods are refused.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/error.hpp"
#include "io/workbook/workbook.hpp"

namespace tom::io::xlsx {

struct ZipEntry {
  std::string name;  // as stored ('\' turned into '/')
  uint16_t flags = 0;
  uint16_t method = 0;
  uint32_t crc = 0;
  uint32_t compressed_size = 0;
  uint32_t size = 0;  // declared decompressed size
  uint32_t local_offset = 0;
};

class ZipArchive {
 public:
  // Reads the central directory. `name` is used in messages. kInvalidInput when `bytes` is not a readable
  // zip.
  static Result<ZipArchive> open(std::string_view bytes, std::string name,
                                 const workbook::ReadLimits& limits);

  // The entry with this part name (case-insensitive, a leading '/' ignored), or nullptr.
  const ZipEntry* find(std::string_view part) const;
  const std::vector<ZipEntry>& entries() const { return entries_; }

  // Decompresses an entry. Enforces limits.max_part_bytes for the entry and limits.max_inflated_bytes for the
  // sum of all entries read through this archive (kTooLarge), checked while inflating.
  Result<std::string> read(const ZipEntry& entry);
  size_t inflated_total() const { return inflated_total_; }

 private:
  ZipArchive(std::string_view bytes, std::string name, const workbook::ReadLimits& limits)
      : bytes_(bytes), name_(std::move(name)), limits_(limits) {}

  std::string_view bytes_;
  std::string name_;
  workbook::ReadLimits limits_;
  std::vector<ZipEntry> entries_;
  std::unordered_map<std::string, size_t> index_;  // lower-case name -> entry
  size_t inflated_total_ = 0;
};

}  // namespace tom::io::xlsx
