#include "io/xls/biff.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>

namespace tom::io::xls::biff {

namespace {
std::string hex4(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", static_cast<unsigned>(v));
  return buf;
}
uint16_t le16(std::string_view b, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(b[at]) |
                               (static_cast<unsigned char>(b[at + 1]) << 8));
}
}  // namespace

size_t Record::size() const {
  size_t n = 0;
  for (auto p : pieces) n += p.size();
  return n;
}

Result<bool> RecordReader::next(Record& out) {
  if (pos_ >= stream_.size()) return false;
  if (stream_.size() - pos_ < 4)
    return Error::invalid(where_ + " stream: record header at offset " + std::to_string(pos_) +
                          " is cut off by the end of the stream");
  uint16_t type = le16(stream_, pos_);
  size_t len = le16(stream_, pos_ + 2);
  if (len > stream_.size() - pos_ - 4)
    return Error::invalid(where_ + " stream: record " + hex4(type) + " at offset " + std::to_string(pos_) +
                          " (length " + std::to_string(len) + ") runs past the end of the stream (" +
                          std::to_string(stream_.size()) + " bytes)");
  out.type = type;
  out.offset = pos_;
  out.pieces.clear();
  out.pieces.push_back(stream_.substr(pos_ + 4, len));
  pos_ += 4 + len;
  while (stream_.size() - pos_ >= 4 && le16(stream_, pos_) == rt::kContinue) {
    size_t clen = le16(stream_, pos_ + 2);
    if (clen > stream_.size() - pos_ - 4)
      return Error::invalid(where_ + " stream: CONTINUE record at offset " + std::to_string(pos_) +
                            " (length " + std::to_string(clen) + ") runs past the end of the stream (" +
                            std::to_string(stream_.size()) + " bytes)");
    out.pieces.push_back(stream_.substr(pos_ + 4, clen));
    pos_ += 4 + clen;
  }
  return true;
}

bool Cursor::advance_piece() {
  if (piece_ + 1 >= pieces_->size()) return false;
  piece_start_ += (*pieces_)[piece_].size();
  ++piece_;
  pos_ = 0;
  return true;
}

size_t Cursor::remaining() const {
  return ok_ ? total_ - piece_start_ - pos_ : 0;
}

uint8_t Cursor::u8() {
  if (!ok_) return 0;
  while (piece_ < pieces_->size() && pos_ >= (*pieces_)[piece_].size()) {
    if (!advance_piece()) {
      ok_ = false;
      return 0;
    }
  }
  if (piece_ >= pieces_->size()) {
    ok_ = false;
    return 0;
  }
  return static_cast<uint8_t>((*pieces_)[piece_][pos_++]);
}

uint16_t Cursor::u16() {
  if (ok_ && piece_ < pieces_->size() && (*pieces_)[piece_].size() - pos_ >= 2) {
    uint16_t v = le16((*pieces_)[piece_], pos_);
    pos_ += 2;
    return v;
  }
  uint16_t lo = u8();
  uint16_t hi = u8();
  return ok_ ? static_cast<uint16_t>(lo | (hi << 8)) : 0;
}

uint32_t Cursor::u32() {
  uint32_t lo = u16();
  uint32_t hi = u16();
  return ok_ ? (lo | (hi << 16)) : 0;
}

double Cursor::f64() {
  uint64_t lo = u32();
  uint64_t hi = u32();
  return ok_ ? std::bit_cast<double>(lo | (hi << 32)) : 0.0;
}

void Cursor::skip(size_t n) {
  while (ok_ && n > 0) {
    if (piece_ >= pieces_->size()) {
      ok_ = false;
      return;
    }
    size_t avail = (*pieces_)[piece_].size() - pos_;
    if (avail == 0) {
      if (!advance_piece()) ok_ = false;
      continue;
    }
    size_t k = std::min(avail, n);
    pos_ += k;
    n -= k;
  }
}

std::string Cursor::bytes(size_t n) {
  std::string out;
  out.reserve(std::min(n, remaining()));
  while (ok_ && n > 0) {
    if (piece_ >= pieces_->size()) {
      ok_ = false;
      break;
    }
    size_t avail = (*pieces_)[piece_].size() - pos_;
    if (avail == 0) {
      if (!advance_piece()) ok_ = false;
      continue;
    }
    size_t k = std::min(avail, n);
    out.append((*pieces_)[piece_].substr(pos_, k));
    pos_ += k;
    n -= k;
  }
  return out;
}

std::string Cursor::chars(size_t cch, bool high_byte) {
  std::u16string units;
  units.reserve(std::min(cch, remaining()));
  size_t left = cch;
  while (ok_ && left > 0) {
    if (piece_ >= pieces_->size()) {
      ok_ = false;
      break;
    }
    std::string_view p = (*pieces_)[piece_];
    size_t avail = p.size() - pos_;
    if (avail == 0) {
      // The characters continue in the next CONTINUE record, which starts with a fresh flags byte.
      if (!advance_piece()) {
        ok_ = false;
        break;
      }
      high_byte = (u8() & 0x01) != 0;
      continue;
    }
    if (high_byte) {
      size_t n = std::min(left, avail / 2);
      if (n == 0) {  // half a character before the boundary
        ok_ = false;
        break;
      }
      for (size_t i = 0; i < n; ++i) units.push_back(static_cast<char16_t>(le16(p, pos_ + 2 * i)));
      pos_ += 2 * n;
      left -= n;
    } else {
      size_t n = std::min(left, avail);
      for (size_t i = 0; i < n; ++i)
        units.push_back(static_cast<char16_t>(static_cast<unsigned char>(p[pos_ + i])));
      pos_ += n;
      left -= n;
    }
  }
  std::string out;
  if (ok_) append_utf8(out, units);
  return out;
}

std::string Cursor::unicode_string16() {
  size_t cch = u16();
  uint8_t flags = u8();
  size_t runs = (flags & 0x08) ? u16() : 0;
  size_t ext = (flags & 0x04) ? u32() : 0;
  if (!ok_) return {};
  std::string s = chars(cch, (flags & 0x01) != 0);
  skip(runs * 4);
  skip(ext);
  return s;
}

std::string Cursor::unicode_string8() {
  size_t cch = u8();
  uint8_t flags = u8();
  if (!ok_) return {};
  return chars(cch, (flags & 0x01) != 0);
}

std::string Cursor::unicode_string_nocch(size_t cch) {
  uint8_t flags = u8();
  if (!ok_) return {};
  return chars(cch, (flags & 0x01) != 0);
}

void append_utf8(std::string& out, const std::u16string& units) {
  out.reserve(out.size() + units.size());
  for (size_t i = 0; i < units.size(); ++i) {
    uint32_t cp = units[i];
    if (cp >= 0xD800 && cp <= 0xDBFF && i + 1 < units.size() && units[i + 1] >= 0xDC00 &&
        units[i + 1] <= 0xDFFF) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (units[i + 1] - 0xDC00u);
      ++i;
    } else if (cp >= 0xD800 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
}

}  // namespace tom::io::xls::biff
