#include "io/xlsx/zip.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>

namespace tom::io::xlsx {

namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndOfCentralDirSig = 0x06054b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr size_t kEndOfCentralDirSize = 22;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kLocalHeaderSize = 30;
// Deflate cannot expand more than about 1032:1; used only to size the first output buffer.
constexpr size_t kMaxDeflateRatio = 1032;

uint16_t u16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) |
                               (static_cast<unsigned char>(b[at + 1]) << 8));
}
uint32_t u32(std::string_view b, size_t at) {
  return static_cast<uint32_t>(u16(b, at)) | (static_cast<uint32_t>(u16(b, at + 2)) << 16);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string part_key(std::string_view part) {
  while (!part.empty() && part.front() == '/') part.remove_prefix(1);
  return lower(part);
}

}  // namespace

Result<ZipArchive> ZipArchive::open(std::string_view bytes, std::string name,
                                    const workbook::ReadLimits& limits) {
  if (bytes.size() > limits.max_file_bytes)
    return Error::too_large(name + " is " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                            std::to_string(limits.max_file_bytes) + " bytes");
  auto bad = [&name](const std::string& what) {
    return Error::invalid(name + ": not a readable zip archive: " + what);
  };
  if (bytes.size() < kEndOfCentralDirSize) return bad("file too short");

  // The end-of-central-directory record is in the last 22 + 65535 bytes (the comment is at most 65535 bytes).
  size_t eocd = std::string_view::npos;
  size_t lowest =
      bytes.size() > kEndOfCentralDirSize + 0xFFFF ? bytes.size() - kEndOfCentralDirSize - 0xFFFF : 0;
  for (size_t at = bytes.size() - kEndOfCentralDirSize + 1; at-- > lowest;) {
    if (u32(bytes, at) == kEndOfCentralDirSig &&
        at + kEndOfCentralDirSize + u16(bytes, at + 20) <= bytes.size()) {
      eocd = at;
      break;
    }
  }
  if (eocd == std::string_view::npos)
    return bad("no end of central directory record (truncated or not a zip)");
  if (eocd >= 20 && u32(bytes, eocd - 20) == kZip64LocatorSig)
    return Error::invalid(name + ": Zip64 archives are not supported");
  uint16_t disk = u16(bytes, eocd + 4);
  uint16_t cd_disk = u16(bytes, eocd + 6);
  uint16_t count_on_disk = u16(bytes, eocd + 8);
  uint16_t count = u16(bytes, eocd + 10);
  uint32_t cd_size = u32(bytes, eocd + 12);
  uint32_t cd_offset = u32(bytes, eocd + 16);
  if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF)
    return Error::invalid(name + ": Zip64 archives are not supported");
  if (disk != 0 || cd_disk != 0 || count_on_disk != count)
    return bad("multi-volume archives are not supported");
  if (static_cast<uint64_t>(cd_offset) + cd_size > eocd)
    return bad("central directory (offset " + std::to_string(cd_offset) + ", " + std::to_string(cd_size) +
               " bytes) lies outside the file");
  if (static_cast<uint64_t>(count) * kCentralHeaderSize > cd_size)
    return bad("central directory too small for " + std::to_string(count) + " entries");

  ZipArchive zip(bytes, std::move(name), limits);
  zip.entries_.reserve(count);
  std::string_view cd = bytes.substr(cd_offset, cd_size);
  size_t at = 0;
  for (uint16_t i = 0; i < count; ++i) {
    if (at + kCentralHeaderSize > cd.size() || u32(cd, at) != kCentralHeaderSig)
      return bad("bad central directory entry " + std::to_string(i + 1) + " at offset " +
                 std::to_string(cd_offset + at));
    ZipEntry e;
    e.flags = u16(cd, at + 8);
    e.method = u16(cd, at + 10);
    e.crc = u32(cd, at + 16);
    e.compressed_size = u32(cd, at + 20);
    e.size = u32(cd, at + 24);
    size_t name_len = u16(cd, at + 28);
    size_t extra_len = u16(cd, at + 30);
    size_t comment_len = u16(cd, at + 32);
    e.local_offset = u32(cd, at + 42);
    size_t next = at + kCentralHeaderSize + name_len + extra_len + comment_len;
    if (next > cd.size())
      return bad("central directory entry " + std::to_string(i + 1) + " runs past the directory");
    e.name.assign(cd.substr(at + kCentralHeaderSize, name_len));
    std::replace(e.name.begin(), e.name.end(), '\\', '/');
    if (e.compressed_size == 0xFFFFFFFF || e.size == 0xFFFFFFFF || e.local_offset == 0xFFFFFFFF)
      return Error::invalid(zip.name_ + ": " + e.name + ": Zip64 entries are not supported");
    zip.index_.emplace(part_key(e.name), zip.entries_.size());  // the first of duplicate names wins
    zip.entries_.push_back(std::move(e));
    at = next;
  }
  return zip;
}

const ZipEntry* ZipArchive::find(std::string_view part) const {
  auto it = index_.find(part_key(part));
  return it == index_.end() ? nullptr : &entries_[it->second];
}

Result<std::string> ZipArchive::read(const ZipEntry& e) {
  const std::string where = name_ + ": " + e.name + ": ";
  if (e.flags & 0x0041)
    return Error::invalid(where + "the part is encrypted; encrypted workbooks are not supported");
  if (e.method != 0 && e.method != 8)
    return Error::invalid(where + "compression method " + std::to_string(e.method) +
                          " is not supported (only stored and deflate)");
  size_t part_limit = limits_.max_part_bytes;
  size_t total_left =
      limits_.max_inflated_bytes > inflated_total_ ? limits_.max_inflated_bytes - inflated_total_ : 0;
  auto part_too_large = [&] {
    return Error::too_large(where + "decompresses to more than the limit of " + std::to_string(part_limit) +
                            " bytes for one part");
  };
  auto total_too_large = [&] {
    return Error::too_large(where + "the decompressed parts exceed the limit of " +
                            std::to_string(limits_.max_inflated_bytes) + " bytes in total");
  };
  if (e.size > part_limit) return part_too_large();
  if (e.size > total_left) return total_too_large();

  // Local header: its name and extra field lengths may differ from the central directory's.
  if (static_cast<uint64_t>(e.local_offset) + kLocalHeaderSize > bytes_.size() ||
      u32(bytes_, e.local_offset) != kLocalHeaderSig)
    return Error::invalid(where + "bad local header at offset " + std::to_string(e.local_offset));
  uint64_t data_at = static_cast<uint64_t>(e.local_offset) + kLocalHeaderSize +
                     u16(bytes_, e.local_offset + 26) + u16(bytes_, e.local_offset + 28);
  if (data_at + e.compressed_size > bytes_.size())
    return Error::invalid(where + "compressed data runs past the end of the file (truncated archive?)");
  std::string_view data = bytes_.substr(static_cast<size_t>(data_at), e.compressed_size);

  size_t cap = std::min(part_limit, total_left);  // the most this part may produce
  std::string out;
  size_t produced = 0;
  if (e.method == 0) {
    if (e.compressed_size != e.size)
      return Error::invalid(where + "stored part has compressed size " + std::to_string(e.compressed_size) +
                            " but size " + std::to_string(e.size));
    out.assign(data);
    produced = out.size();
  } else {
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return Error::internal("inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    size_t first =
        std::min<size_t>({static_cast<size_t>(e.size), data.size() * kMaxDeflateRatio + 1024, cap});
    out.resize(std::max<size_t>(first, 1));
    int rc = Z_OK;
    for (;;) {
      if (produced == out.size()) {
        if (produced > cap) break;
        out.resize(std::min(std::max(out.size() * 2, size_t{64 * 1024}), cap + 1));
      }
      size_t room = std::min<size_t>(out.size() - produced, 1u << 30);
      zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
      zs.avail_out = static_cast<uInt>(room);
      rc = inflate(&zs, Z_NO_FLUSH);
      produced += room - zs.avail_out;
      if (produced > cap || rc == Z_STREAM_END) break;
      if (rc == Z_OK) continue;
      if (rc == Z_BUF_ERROR && zs.avail_in > 0) continue;
      break;
    }
    std::string zmsg = zs.msg ? zs.msg : "";
    inflateEnd(&zs);
    if (produced > cap)
      return cap == part_limit && part_limit <= total_left ? part_too_large() : total_too_large();
    if (rc != Z_STREAM_END) {
      if (rc == Z_BUF_ERROR) return Error::invalid(where + "compressed data is truncated");
      return Error::invalid(where + "corrupt compressed data" + (zmsg.empty() ? "" : " (" + zmsg + ")"));
    }
    out.resize(produced);
  }
  if (produced > cap)
    return cap == part_limit && part_limit <= total_left ? part_too_large() : total_too_large();
  if (produced != e.size)
    return Error::invalid(where + "decompressed to " + std::to_string(produced) +
                          " bytes but the directory says " + std::to_string(e.size));
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION  // fuzzers mutate part contents; let them reach the XML
  uLong crc = crc32_z(0L, reinterpret_cast<const Bytef*>(out.data()), out.size());
  if (crc != e.crc) return Error::invalid(where + "CRC mismatch (the part is corrupt)");
#endif
  inflated_total_ += produced;
  return out;
}

}  // namespace tom::io::xlsx
