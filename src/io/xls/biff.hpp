#pragma once
// BIFF8 record access: a reader that splits the Workbook stream into records (gathering each record's
// CONTINUE records), and a cursor that reads little-endian values and Unicode strings across CONTINUE
// boundaries.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace tom::io::xls::biff {

namespace rt {
inline constexpr uint16_t kFormula = 0x0006;
inline constexpr uint16_t kEof = 0x000A;
inline constexpr uint16_t kExternSheet = 0x0017;
inline constexpr uint16_t kName = 0x0018;
inline constexpr uint16_t kFilePass = 0x002F;
inline constexpr uint16_t kContinue = 0x003C;
inline constexpr uint16_t kCodePage = 0x0042;
inline constexpr uint16_t kColInfo = 0x007D;
inline constexpr uint16_t kBoundSheet = 0x0085;
inline constexpr uint16_t kMulRk = 0x00BD;
inline constexpr uint16_t kMulBlank = 0x00BE;
inline constexpr uint16_t kRString = 0x00D6;
inline constexpr uint16_t kMergedCells = 0x00E5;
inline constexpr uint16_t kSst = 0x00FC;
inline constexpr uint16_t kLabelSst = 0x00FD;
inline constexpr uint16_t kExtSst = 0x00FF;
inline constexpr uint16_t kSupBook = 0x01AE;
inline constexpr uint16_t kDval = 0x01B2;
inline constexpr uint16_t kDv = 0x01BE;
inline constexpr uint16_t kDimension = 0x0200;
inline constexpr uint16_t kBlank = 0x0201;
inline constexpr uint16_t kNumber = 0x0203;
inline constexpr uint16_t kLabel = 0x0204;
inline constexpr uint16_t kBoolErr = 0x0205;
inline constexpr uint16_t kString = 0x0207;
inline constexpr uint16_t kRow = 0x0208;
inline constexpr uint16_t kRk = 0x027E;
inline constexpr uint16_t kBof = 0x0809;
}  // namespace rt

// One record: its body and the bodies of the CONTINUE records that follow it, in order.
struct Record {
  uint16_t type = 0;
  size_t offset = 0;  // of the record header in the stream
  std::vector<std::string_view> pieces;
  size_t size() const;
};

class RecordReader {
 public:
  // `stream` must outlive the reader; `where` names the stream in messages ("Workbook").
  RecordReader(std::string_view stream, size_t offset, std::string where)
      : stream_(stream), pos_(offset), where_(std::move(where)) {}
  // Reads the next record into `out`; false at the end of the stream. An error when a record runs past the
  // end.
  Result<bool> next(Record& out);
  size_t position() const { return pos_; }

 private:
  std::string_view stream_;
  size_t pos_;
  std::string where_;
};

// Reads a record's bytes in order across its pieces. Reading past the end sets a sticky failure flag and
// yields zeros, so parsers read a structure and check ok() once.
class Cursor {
 public:
  explicit Cursor(const Record& r) : pieces_(&r.pieces), total_(r.size()) {}
  bool ok() const { return ok_; }
  size_t remaining() const;
  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  double f64();
  void skip(size_t n);
  // `n` raw bytes (crossing pieces).
  std::string bytes(size_t n);
  // `cch` characters, the first piece's high-byte flag given; at each CONTINUE boundary inside the characters
  // a new flag byte is read (the BIFF8 rule). Returns UTF-8.
  std::string chars(size_t cch, bool high_byte);
  // XLUnicodeString: 16-bit count, flags, characters (rich-text runs and phonetic data skipped when flagged).
  std::string unicode_string16();
  // ShortXLUnicodeString: 8-bit count, flags, characters.
  std::string unicode_string8();
  // XLUnicodeStringNoCch: flags, characters.
  std::string unicode_string_nocch(size_t cch);

 private:
  bool advance_piece();  // moves to the next piece; false when none
  const std::vector<std::string_view>* pieces_;
  size_t total_ = 0;        // bytes in all pieces
  size_t piece_start_ = 0;  // bytes in the pieces before the current one
  size_t piece_ = 0;
  size_t pos_ = 0;
  bool ok_ = true;
};

// UTF-16 code units to UTF-8 (unpaired surrogates become U+FFFD).
void append_utf8(std::string& out, const std::u16string& units);

}  // namespace tom::io::xls::biff
