#pragma once
// A reader for OLE2 compound files ([MS-CFB]): the container of legacy Office documents. It parses the
// header, the DIFAT, the FAT, the mini FAT and the directory, and assembles streams. Nothing in the file is
// trusted: every sector chain is walked with its ids checked against the file and the FAT, loops are
// detected, and stream sizes are checked against their chains.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace tom::io::xls::ole2 {

struct DirEntry {
  std::u16string name;
  uint8_t type = 0;  // 0 unused, 1 storage, 2 stream, 5 root
  uint32_t left = 0xFFFFFFFF;
  uint32_t right = 0xFFFFFFFF;
  uint32_t child = 0xFFFFFFFF;
  uint32_t start = 0;
  uint64_t size = 0;
};

class CompoundFile {
 public:
  // Parses the structure of `bytes` (which must outlive the object); `name` is used in messages.
  static Result<CompoundFile> open(std::string_view bytes, const std::string& name);

  // Index of the stream called `name` (ASCII, compared case-insensitively) among the root storage's children,
  // or -1 when there is none.
  int find_root_stream(std::string_view name) const;

  // The bytes of the stream at directory index `entry`; kTooLarge when it is over `max_bytes`.
  Result<std::string> read_stream(int entry, size_t max_bytes) const;

  const std::vector<DirEntry>& entries() const { return entries_; }

 private:
  CompoundFile() = default;
  Result<std::vector<uint32_t>> chain(uint32_t start, const std::vector<uint32_t>& table, size_t limit,
                                      const std::string& what, bool mini) const;
  Status load_fat();
  Status load_directory();
  Status load_mini();
  std::string sector_at(uint32_t id) const;  // "sector 12 (file offset 6656)"

  std::string_view bytes_;
  std::string name_;
  uint32_t sector_size_ = 512;
  uint32_t mini_sector_size_ = 64;
  uint32_t mini_cutoff_ = 4096;
  uint32_t sector_count_ = 0;  // sectors present in the file, the last one possibly partial
  uint16_t major_version_ = 3;
  std::vector<uint32_t> fat_;
  std::vector<uint32_t> mini_fat_;
  std::vector<DirEntry> entries_;
  std::vector<uint32_t> mini_stream_chain_;  // the root entry's chain of big sectors holding the mini stream
  uint64_t mini_stream_size_ = 0;
};

}  // namespace tom::io::xls::ole2
