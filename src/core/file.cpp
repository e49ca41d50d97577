#include "core/file.hpp"

#include <cstdio>
#include <fstream>

namespace tom {

Result<std::string> read_file_limited(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::not_found("cannot open " + path);
  in.seekg(0, std::ios::end);
  auto size = in.tellg();
  if (size < 0) return Error::invalid("cannot read " + path);
  if (static_cast<size_t>(size) > max_bytes)
    return Error::too_large(path + " is " + std::to_string(static_cast<size_t>(size)) +
                            " bytes, over the limit of " + std::to_string(max_bytes) + " bytes");
  in.seekg(0);
  std::string data(static_cast<size_t>(size), '\0');
  in.read(data.data(), size);
  if (!in) return Error::invalid("cannot read " + path);
  return data;
}

Status write_file_atomic(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out.good()) {
      std::remove(tmp.c_str());
      return Error::invalid("cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Error::invalid("cannot write " + path);
  }
  return ok_status();
}

}  // namespace tom
