#pragma once
// Test helpers: build BIFF8 records, a Workbook stream and an OLE2 compound file in memory, so the reader can
// be tested on tiny files made to measure (and the fuzzer seeded from them).
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tom::io::xls::testing {

inline void put16(std::string& s, uint16_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>(v >> 8);
}
inline void put32(std::string& s, uint32_t v) {
  put16(s, static_cast<uint16_t>(v & 0xFFFF));
  put16(s, static_cast<uint16_t>(v >> 16));
}
inline void put64(std::string& s, double d) {
  uint64_t v;
  std::memcpy(&v, &d, 8);
  put32(s, static_cast<uint32_t>(v));
  put32(s, static_cast<uint32_t>(v >> 32));
}
inline void set32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
inline uint32_t get32(const std::string& s, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + static_cast<size_t>(i)]);
  return v;
}

inline std::string record(uint16_t type, const std::string& body) {
  std::string r;
  put16(r, type);
  put16(r, static_cast<uint16_t>(body.size()));
  return r + body;
}

// A compressed (8-bit) XLUnicodeString body: 16-bit count, flags 0, characters.
inline std::string ustr16(const std::string& latin1) {
  std::string s;
  put16(s, static_cast<uint16_t>(latin1.size()));
  s += '\0';
  return s + latin1;
}

inline std::string bof(uint16_t dt) {
  std::string b;
  put16(b, 0x0600);
  put16(b, dt);
  put16(b, 0x0DBB);
  put16(b, 0x07CC);
  put32(b, 0);
  put32(b, 0x0206);
  return record(0x0809, b);
}
inline std::string eof() {
  return record(0x000A, "");
}

inline std::string cell_header(uint16_t row, uint16_t col) {
  std::string b;
  put16(b, row);
  put16(b, col);
  put16(b, 0x000F);
  return b;
}

struct SheetSpec {
  std::string name;
  std::string records;  // between BOF and EOF
  uint8_t state = 0;
};

// A Workbook stream: globals (BOF, `globals`, BOUNDSHEETs, `names`, EOF) and one substream per sheet.
inline std::string workbook_stream(const std::string& globals, const std::vector<SheetSpec>& sheets,
                                   const std::string& names = "") {
  auto boundsheet = [](uint32_t offset, const SheetSpec& s) {
    std::string b;
    put32(b, offset);
    b += static_cast<char>(s.state);
    b += '\0';
    b += static_cast<char>(s.name.size());
    b += '\0';
    return record(0x0085, b + s.name);
  };
  size_t size = bof(5).size() + globals.size() + names.size() + eof().size();
  for (const auto& s : sheets) size += boundsheet(0, s).size();
  std::string out = bof(5) + globals;
  size_t offset = size;
  for (const auto& s : sheets) {
    out += boundsheet(static_cast<uint32_t>(offset), s);
    offset += bof(0x10).size() + s.records.size() + eof().size();
  }
  out += names + eof();
  for (const auto& s : sheets) out += bof(0x10) + s.records + eof();
  return out;
}

// An OLE2 compound file (version 3, 512-byte sectors) holding one stream. Streams under 4096 bytes go in the
// mini stream, as real writers do.
inline std::string compound_file(const std::string& stream, const std::string& stream_name = "Workbook") {
  constexpr uint32_t kEnd = 0xFFFFFFFE, kFree = 0xFFFFFFFF, kFatSect = 0xFFFFFFFD;
  const bool mini = stream.size() < 4096;
  std::string data = stream;
  const size_t unit = mini ? 64 : 512;
  data.resize((data.size() + unit - 1) / unit * unit, '\0');
  const uint32_t units = static_cast<uint32_t>(data.size() / unit);
  std::string minifat;
  if (mini) {
    for (uint32_t i = 0; i < units; ++i) put32(minifat, i + 1 == units ? kEnd : i + 1);
    minifat.resize((minifat.size() + 511) / 512 * 512, '\xFF');
  }
  std::string big = data;
  big.resize((big.size() + 511) / 512 * 512, '\0');
  const uint32_t data_sectors = static_cast<uint32_t>(big.size() / 512);
  const uint32_t minifat_sectors = static_cast<uint32_t>(minifat.size() / 512);
  // Layout: FAT sectors, directory sector, mini FAT sectors, data sectors.
  uint32_t fat_sectors = 1;
  while (fat_sectors * 128 < fat_sectors + 1 + minifat_sectors + data_sectors) ++fat_sectors;
  const uint32_t dir = fat_sectors;
  const uint32_t minifat_start = dir + 1;
  const uint32_t data_start = minifat_start + minifat_sectors;
  std::vector<uint32_t> fat(fat_sectors * 128, kFree);
  for (uint32_t i = 0; i < fat_sectors; ++i) fat[i] = kFatSect;
  fat[dir] = kEnd;
  for (uint32_t i = 0; i < minifat_sectors; ++i)
    fat[minifat_start + i] = i + 1 == minifat_sectors ? kEnd : minifat_start + i + 1;
  for (uint32_t i = 0; i < data_sectors; ++i)
    fat[data_start + i] = i + 1 == data_sectors ? kEnd : data_start + i + 1;

  std::string h(512, '\0');
  const char magic[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
  h.replace(0, 8, magic, 8);
  h[24] = 0x3E;
  h[26] = 3;
  h[28] = '\xFE';
  h[29] = '\xFF';
  h[30] = 9;
  h[32] = 6;
  set32(h, 44, fat_sectors);
  set32(h, 48, dir);
  set32(h, 56, 4096);
  set32(h, 60, mini ? minifat_start : kEnd);
  set32(h, 64, minifat_sectors);
  set32(h, 68, kEnd);
  set32(h, 72, 0);
  for (uint32_t i = 0; i < 109; ++i) set32(h, 76 + 4 * i, i < fat_sectors ? i : kFree);

  std::string fat_bytes;
  for (uint32_t v : fat) put32(fat_bytes, v);

  auto entry = [](const std::string& name, uint8_t type, uint32_t child, uint32_t start, uint32_t size) {
    std::string e(128, '\0');
    for (size_t i = 0; i < name.size(); ++i) e[2 * i] = name[i];
    e[64] = static_cast<char>((name.size() + 1) * 2);
    e[66] = static_cast<char>(type);
    e[67] = 1;
    set32(e, 68, 0xFFFFFFFF);
    set32(e, 72, 0xFFFFFFFF);
    set32(e, 76, child);
    set32(e, 116, start);
    set32(e, 120, size);
    return e;
  };
  std::string dirs =
      entry("Root Entry", 5, 1, mini ? data_start : kEnd, mini ? static_cast<uint32_t>(data.size()) : 0);
  dirs += entry(stream_name, 2, 0xFFFFFFFF, mini ? 0 : data_start, static_cast<uint32_t>(stream.size()));
  std::string empty(128, '\0');
  set32(empty, 68, 0xFFFFFFFF);
  set32(empty, 72, 0xFFFFFFFF);
  set32(empty, 76, 0xFFFFFFFF);
  dirs += empty + empty;

  std::string out = h + fat_bytes + dirs + minifat + big;
  return out;
}

}  // namespace tom::io::xls::testing
