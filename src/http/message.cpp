#include "http/message.hpp"

#include <cctype>
#include <string_view>

namespace tom::http {

std::string Request::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

std::string Request::cookie(const std::string& name) const {
  std::string all = header("cookie");
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find(';', pos);
    std::string part = all.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    size_t b = part.find_first_not_of(' ');
    if (b != std::string::npos) part = part.substr(b);
    auto eq = part.find('=');
    if (eq != std::string::npos && part.substr(0, eq) == name) return part.substr(eq + 1);
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "";
}

Response Response::json(int status, const boost::json::value& v) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(v);
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  return r;
}

Response Response::empty(int status) {
  Response r;
  r.status = status;
  r.content_type.clear();
  return r;
}

Response Response::error(const Error& e) {
  boost::json::array problems;
  for (const auto& p : e.problems) {
    std::string where = format_problem(Problem{p.where, ""});
    if (where.size() >= 2 && where.compare(where.size() - 2, 2, ": ") == 0) where.resize(where.size() - 2);
    problems.push_back(boost::json::object{{"where", where}, {"message", p.message}});
  }
  return json(http_status(e.code),
              boost::json::object{{"error", boost::json::object{{"code", to_string(e.code)},
                                                                {"message", e.message},
                                                                {"problems", problems}}}});
}

Response Response::error(int status, const std::string& code, const std::string& message) {
  return json(status,
              boost::json::object{
                  {"error", boost::json::object{
                                {"code", code}, {"message", message}, {"problems", boost::json::array{}}}}});
}

Response& Response::with(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

bool valid_header_field(const std::string& name, const std::string& value) {
  static constexpr std::string_view kTokenPunct = "!#$%&'*+-.^_`|~";
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && kTokenPunct.find(static_cast<char>(c)) == std::string_view::npos) return false;
  for (unsigned char c : value)
    if ((c < 0x20 && c != '\t') || c == 0x7F) return false;
  return true;
}

bool writable(const Response& r) {
  if (!r.content_type.empty() && !valid_header_field("Content-Type", r.content_type)) return false;
  for (const auto& [k, v] : r.headers)
    if (!valid_header_field(k, v)) return false;
  return true;
}

std::string percent_decode_component(const std::string& s, bool* ok) {
  std::string out;
  *ok = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        *ok = false;
        return "";
      }
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  if (out.find('\0') != std::string::npos) *ok = false;
  return out;
}

std::string percent_encode_component(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

Status parse_target(const std::string& target, std::string* path, std::map<std::string, std::string>* query) {
  if (target.empty() || target[0] != '/') return Error::invalid("the request target must be a path");
  auto q = target.find('?');
  std::string_view raw_path = std::string_view(target).substr(0, q);
  // Decode segment by segment so an encoded '/' stays inside its segment, and refuse traversal. Most
  // segments hold nothing to decode and are copied as they are.
  std::string decoded;
  decoded.reserve(raw_path.size());
  size_t pos = 1;
  while (true) {
    size_t slash = raw_path.find('/', pos);
    std::string_view seg = raw_path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    std::string d;
    if (seg.find_first_of("%+") == std::string_view::npos) {
      if (seg.find('\0') != std::string_view::npos) return Error::invalid("the path is not validly encoded");
      d = seg;
    } else {
      // In a path '+' is itself; only queries spell a space as '+'.
      std::string protected_seg;
      for (char c : seg) protected_seg += c == '+' ? std::string("%2B") : std::string(1, c);
      bool ok;
      d = percent_decode_component(protected_seg, &ok);
      if (!ok) return Error::invalid("the path is not validly encoded");
    }
    if (d == ".." || d == ".") return Error::invalid("the path may not contain '.' or '..' segments");
    decoded += '/';
    decoded += d;
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  *path = decoded;
  if (q != std::string::npos) {
    std::string qs = target.substr(q + 1);
    size_t p = 0;
    while (p <= qs.size()) {
      size_t amp = qs.find('&', p);
      std::string pair = qs.substr(p, amp == std::string::npos ? std::string::npos : amp - p);
      if (!pair.empty()) {
        auto eq = pair.find('=');
        bool ok1, ok2;
        std::string k = percent_decode_component(pair.substr(0, eq), &ok1);
        std::string v = eq == std::string::npos ? "" : percent_decode_component(pair.substr(eq + 1), &ok2);
        if (!ok1 || (eq != std::string::npos && !ok2))
          return Error::invalid("the query string is not validly encoded");
        (*query)[k] = v;
      }
      if (amp == std::string::npos) break;
      p = amp + 1;
    }
  }
  return ok_status();
}

}  // namespace tom::http
