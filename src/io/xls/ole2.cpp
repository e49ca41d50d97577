#include "io/xls/ole2.hpp"

#include <algorithm>
#include <cstring>

namespace tom::io::xls::ole2 {

namespace {

constexpr uint32_t kEndOfChain = 0xFFFFFFFE;
constexpr uint32_t kFreeSect = 0xFFFFFFFF;
constexpr uint32_t kFatSect = 0xFFFFFFFD;
constexpr uint32_t kDifSect = 0xFFFFFFFC;
constexpr uint32_t kNoStream = 0xFFFFFFFF;
constexpr size_t kHeaderSize = 512;
constexpr size_t kDirEntrySize = 128;

uint16_t le16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) |
                               (static_cast<unsigned char>(b[at + 1]) << 8));
}
uint32_t le32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(le16(b, at)) | (static_cast<uint32_t>(le16(b, at + 2)) << 16);
}
uint64_t le64(std::string_view b, size_t at) {
  return static_cast<uint64_t>(le32(b, at)) | (static_cast<uint64_t>(le32(b, at + 4)) << 32);
}

std::string describe_id(uint32_t id) {
  switch (id) {
    case kFreeSect:
      return "a free-sector marker";
    case kFatSect:
      return "a FAT-sector marker";
    case kDifSect:
      return "a DIFAT-sector marker";
    case kEndOfChain:
      return "an end-of-chain marker";
    default:
      return "sector " + std::to_string(id);
  }
}

std::string ascii(const std::u16string& s) {
  std::string out;
  for (char16_t c : s) out += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  return out;
}

char16_t lower(char16_t c) {
  return (c >= u'A' && c <= u'Z') ? static_cast<char16_t>(c - u'A' + u'a') : c;
}

}  // namespace

std::string CompoundFile::sector_at(uint32_t id) const {
  return "sector " + std::to_string(id) + " (file offset " +
         std::to_string((static_cast<uint64_t>(id) + 1) * sector_size_) + ")";
}

Result<CompoundFile> CompoundFile::open(std::string_view bytes, const std::string& name) {
  static const char kMagic[] = {'\xD0', '\xCF', '\x11', '\xE0', '\xA1', '\xB1', '\x1A', '\xE1'};
  if (bytes.size() < 8 || bytes.substr(0, 8) != std::string_view(kMagic, 8))
    return Error::invalid(name + " is not an OLE2 compound file (not a legacy .xls workbook)");
  if (bytes.size() < kHeaderSize)
    return Error::invalid(name + ": OLE2 header is truncated (" + std::to_string(bytes.size()) +
                          " bytes, the header needs 512)");
  CompoundFile cf;
  cf.bytes_ = bytes;
  cf.name_ = name;
  if (le16(bytes, 28) != 0xFFFE) return Error::invalid(name + ": OLE2 header has a bad byte-order mark");
  cf.major_version_ = le16(bytes, 26);
  uint16_t shift = le16(bytes, 30);
  uint16_t mini_shift = le16(bytes, 32);
  if (!((cf.major_version_ == 3 && shift == 9) || (cf.major_version_ == 4 && shift == 12)))
    return Error::invalid(name + ": OLE2 header has an unsupported version " +
                          std::to_string(cf.major_version_) + " / sector shift " + std::to_string(shift));
  if (mini_shift != 6)
    return Error::invalid(name + ": OLE2 header has a bad mini sector shift " + std::to_string(mini_shift));
  cf.sector_size_ = 1u << shift;
  cf.mini_sector_size_ = 1u << mini_shift;
  cf.mini_cutoff_ = le32(bytes, 56);
  if (bytes.size() > cf.sector_size_)
    cf.sector_count_ = static_cast<uint32_t>(std::min<uint64_t>(
        (bytes.size() - cf.sector_size_ + cf.sector_size_ - 1) / cf.sector_size_, 0xFFFFFFF0u));
  TOM_TRY(cf.load_fat());
  TOM_TRY(cf.load_directory());
  TOM_TRY(cf.load_mini());
  return cf;
}

Status CompoundFile::load_fat() {
  const uint32_t per_sector = sector_size_ / 4;
  uint32_t num_fat = le32(bytes_, 44);
  if (num_fat == 0 || num_fat > sector_count_)
    return Error::invalid(name_ + ": OLE2 header declares " + std::to_string(num_fat) +
                          " FAT sectors but the file has only " + std::to_string(sector_count_) +
                          " sectors (truncated?)");
  std::vector<uint32_t> fat_sectors;
  fat_sectors.reserve(num_fat);
  for (uint32_t i = 0; i < 109 && fat_sectors.size() < num_fat; ++i)
    fat_sectors.push_back(le32(bytes_, 76 + 4 * i));
  // The DIFAT chain continues the list in DIFAT sectors: (per_sector - 1) ids and the next DIFAT sector.
  uint32_t difat = le32(bytes_, 68);
  uint32_t num_difat = le32(bytes_, 72);
  std::vector<bool> seen(sector_count_, false);
  uint32_t walked = 0;
  while (fat_sectors.size() < num_fat) {
    if (difat == kEndOfChain || difat == kFreeSect)
      return Error::invalid(name_ + ": OLE2 DIFAT chain ends after " + std::to_string(fat_sectors.size()) +
                            " of " + std::to_string(num_fat) + " FAT sectors");
    if (difat >= sector_count_)
      return Error::invalid(name_ + ": OLE2 DIFAT chain points to " + describe_id(difat) +
                            ", outside the file (" + std::to_string(sector_count_) + " sectors)");
    if (seen[difat] || ++walked > num_difat)
      return Error::invalid(name_ + ": OLE2 DIFAT chain loops at " + sector_at(difat));
    seen[difat] = true;
    size_t off = (static_cast<size_t>(difat) + 1) * sector_size_;
    if (off + sector_size_ > bytes_.size())
      return Error::invalid(name_ + ": OLE2 DIFAT " + sector_at(difat) +
                            " lies past the end of the file (truncated)");
    for (uint32_t i = 0; i + 1 < per_sector && fat_sectors.size() < num_fat; ++i)
      fat_sectors.push_back(le32(bytes_, off + 4 * i));
    difat = le32(bytes_, off + 4 * (per_sector - 1));
  }
  fat_.reserve(static_cast<size_t>(num_fat) * per_sector);
  for (size_t i = 0; i < fat_sectors.size(); ++i) {
    uint32_t id = fat_sectors[i];
    size_t off = (static_cast<size_t>(id) + 1) * sector_size_;
    if (id >= sector_count_ || off + sector_size_ > bytes_.size())
      return Error::invalid(name_ + ": OLE2 FAT sector #" + std::to_string(i) + " is " + describe_id(id) +
                            ", outside the file (" + std::to_string(sector_count_) + " sectors; truncated?)");
    for (uint32_t k = 0; k < per_sector; ++k) fat_.push_back(le32(bytes_, off + 4 * k));
  }
  return ok_status();
}

Result<std::vector<uint32_t>> CompoundFile::chain(uint32_t start, const std::vector<uint32_t>& table,
                                                  size_t limit, const std::string& what, bool mini) const {
  std::vector<uint32_t> out;
  if (start == kEndOfChain) return out;
  const char* kind = mini ? "mini sector " : "sector ";
  const char* table_name = mini ? "mini FAT" : "FAT";
  std::vector<bool> seen(std::min<size_t>(table.size(), limit), false);
  uint32_t id = start;
  while (true) {
    if (id >= table.size() || id >= limit)
      return Error::invalid(name_ + ": OLE2 " + table_name + " chain of " + what + " points to " +
                            (id >= kDifSect ? describe_id(id) : kind + std::to_string(id)) +
                            ", outside the " + (mini ? "mini stream (" : "file (") +
                            std::to_string(std::min(table.size(), limit)) +
                            (mini ? " mini sectors)" : " sectors)"));
    if (seen[id])
      return Error::invalid(name_ + ": OLE2 " + table_name + " chain of " + what + " loops at " + kind +
                            std::to_string(id));
    seen[id] = true;
    out.push_back(id);
    uint32_t next = table[id];
    if (next == kEndOfChain) break;
    if (next >= kDifSect)
      return Error::invalid(name_ + ": OLE2 " + table_name + " chain of " + what + " runs into " +
                            describe_id(next) + " after " + kind + std::to_string(id));
    id = next;
  }
  return out;
}

Status CompoundFile::load_directory() {
  uint32_t first = le32(bytes_, 48);
  TOM_ASSIGN(auto sectors, chain(first, fat_, sector_count_, "the directory", false));
  if (sectors.empty()) return Error::invalid(name_ + ": OLE2 directory is empty");
  const size_t per_sector = sector_size_ / kDirEntrySize;
  entries_.reserve(sectors.size() * per_sector);
  for (uint32_t id : sectors) {
    size_t off = (static_cast<size_t>(id) + 1) * sector_size_;
    if (off + sector_size_ > bytes_.size())
      return Error::invalid(name_ + ": OLE2 directory " + sector_at(id) +
                            " lies past the end of the file (truncated)");
    for (size_t k = 0; k < per_sector; ++k) {
      size_t e = off + k * kDirEntrySize;
      DirEntry d;
      uint16_t name_bytes = std::min<uint16_t>(le16(bytes_, e + 64), 64);
      for (size_t i = 0; i + 1 < name_bytes; i += 2) {
        char16_t c = static_cast<char16_t>(le16(bytes_, e + i));
        if (c == 0) break;
        d.name += c;
      }
      d.type = static_cast<uint8_t>(bytes_[e + 66]);
      d.left = le32(bytes_, e + 68);
      d.right = le32(bytes_, e + 72);
      d.child = le32(bytes_, e + 76);
      d.start = le32(bytes_, e + 116);
      d.size = le64(bytes_, e + 120);
      if (major_version_ == 3) d.size &= 0xFFFFFFFFu;  // version 3 writers may leave garbage in the high half
      entries_.push_back(std::move(d));
    }
  }
  if (entries_[0].type != 5)
    return Error::invalid(name_ + ": OLE2 directory entry 0 is not the root storage");
  return ok_status();
}

Status CompoundFile::load_mini() {
  uint32_t first = le32(bytes_, 60);
  uint32_t count = le32(bytes_, 64);
  if (first != kEndOfChain && first != kFreeSect && count > 0) {
    TOM_ASSIGN(auto sectors, chain(first, fat_, sector_count_, "the mini FAT", false));
    const uint32_t per_sector = sector_size_ / 4;
    mini_fat_.reserve(sectors.size() * per_sector);
    for (uint32_t id : sectors) {
      size_t off = (static_cast<size_t>(id) + 1) * sector_size_;
      if (off + sector_size_ > bytes_.size())
        return Error::invalid(name_ + ": OLE2 mini FAT " + sector_at(id) +
                              " lies past the end of the file (truncated)");
      for (uint32_t k = 0; k < per_sector; ++k) mini_fat_.push_back(le32(bytes_, off + 4 * k));
    }
  }
  const DirEntry& root = entries_[0];
  mini_stream_size_ = root.size;
  if (root.size > 0) {
    TOM_ASSIGN(mini_stream_chain_, chain(root.start, fat_, sector_count_, "the mini stream", false));
    if (static_cast<uint64_t>(mini_stream_chain_.size()) * sector_size_ < root.size)
      return Error::invalid(name_ + ": OLE2 mini stream is " + std::to_string(root.size) +
                            " bytes but its chain holds " + std::to_string(mini_stream_chain_.size()) +
                            " sectors");
  }
  return ok_status();
}

int CompoundFile::find_root_stream(std::string_view name) const {
  // The root's children form a binary tree through left/right siblings; walk it with a bound.
  std::vector<uint32_t> stack;
  std::vector<bool> seen(entries_.size(), false);
  if (entries_[0].child != kNoStream) stack.push_back(entries_[0].child);
  while (!stack.empty()) {
    uint32_t i = stack.back();
    stack.pop_back();
    if (i >= entries_.size() || seen[i]) continue;
    seen[i] = true;
    const DirEntry& e = entries_[i];
    if (e.type == 2 && e.name.size() == name.size()) {
      bool same = true;
      for (size_t k = 0; k < name.size() && same; ++k)
        same = lower(e.name[k]) == lower(static_cast<char16_t>(static_cast<unsigned char>(name[k])));
      if (same) return static_cast<int>(i);
    }
    if (e.left != kNoStream) stack.push_back(e.left);
    if (e.right != kNoStream) stack.push_back(e.right);
  }
  return -1;
}

Result<std::string> CompoundFile::read_stream(int entry, size_t max_bytes) const {
  if (entry < 0 || static_cast<size_t>(entry) >= entries_.size())
    return Error::invalid(name_ + ": OLE2 directory has no entry " + std::to_string(entry));
  const DirEntry& e = entries_[static_cast<size_t>(entry)];
  const std::string what = "stream '" + ascii(e.name) + "'";
  if (e.size > max_bytes)
    return Error::too_large(name_ + ": " + what + " is " + std::to_string(e.size) +
                            " bytes, over the limit of " + std::to_string(max_bytes) + " bytes");
  if (e.size > bytes_.size())
    return Error::invalid(name_ + ": " + what + " claims " + std::to_string(e.size) +
                          " bytes, more than the file (" + std::to_string(bytes_.size()) + " bytes)");
  const size_t size = static_cast<size_t>(e.size);
  std::string out;
  if (size < mini_cutoff_) {
    // Small streams live in the mini stream, addressed in 64-byte mini sectors.
    size_t mini_count = static_cast<size_t>(mini_stream_size_ / mini_sector_size_);
    TOM_ASSIGN(auto minis, chain(e.start, mini_fat_, mini_count, what, true));
    if (minis.size() * mini_sector_size_ < size)
      return Error::invalid(name_ + ": " + what + " is " + std::to_string(size) +
                            " bytes but its mini sector chain holds " + std::to_string(minis.size()) +
                            " mini sectors");
    out.reserve(size);
    for (uint32_t m : minis) {
      if (out.size() >= size) break;
      size_t pos = static_cast<size_t>(m) * mini_sector_size_;
      size_t take = std::min<size_t>(mini_sector_size_, size - out.size());
      size_t big = mini_stream_chain_[pos / sector_size_];
      size_t off = (big + 1) * sector_size_ + pos % sector_size_;
      if (off + take > bytes_.size())
        return Error::invalid(name_ + ": " + what + ": mini sector " + std::to_string(m) +
                              " lies past the end of the file (truncated)");
      out.append(bytes_.substr(off, take));
    }
    return out;
  }
  TOM_ASSIGN(auto sectors, chain(e.start, fat_, sector_count_, what, false));
  if (sectors.size() * static_cast<size_t>(sector_size_) < size)
    return Error::invalid(name_ + ": " + what + " is " + std::to_string(size) +
                          " bytes but its sector chain holds " + std::to_string(sectors.size()) +
                          " sectors of " + std::to_string(sector_size_) + " bytes");
  out.reserve(size);
  for (uint32_t id : sectors) {
    if (out.size() >= size) break;
    size_t off = (static_cast<size_t>(id) + 1) * sector_size_;
    size_t take = std::min<size_t>(sector_size_, size - out.size());
    if (off + take > bytes_.size())
      return Error::invalid(name_ + ": " + what + ": " + sector_at(id) + " lies past the end of the file (" +
                            std::to_string(bytes_.size()) + " bytes; truncated)");
    out.append(bytes_.substr(off, take));
  }
  return out;
}

}  // namespace tom::io::xls::ole2
