#include "src/io/json.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace axq {
namespace json {
namespace {

constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(const char* data, size_t size, const char* what) : p_(data), end_(data + size), begin_(data), what_(what) {}

  Status Document(Value* out) {
    AXQ_RETURN_IF_ERROR(Parse(out, 0));
    SkipSpace();
    if (p_ != end_) return Error("text after the JSON value");
    return OkStatus();
  }

 private:
  Status Error(const char* why) const {
    return Fail(AXQ_ERR_CORRUPT_DATA, "%s: JSON header: %s at byte %zu", what_, why,
                static_cast<size_t>(p_ - begin_));
  }

  void SkipSpace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
  }

  bool Literal(const char* word) {
    const size_t n = std::strlen(word);
    if (static_cast<size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }

  static void AppendUtf8(uint32_t c, std::string* out) {
    if (c < 0x80) {
      *out += static_cast<char>(c);
    } else if (c < 0x800) {
      *out += static_cast<char>(0xC0 | (c >> 6));
      *out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      *out += static_cast<char>(0xE0 | (c >> 12));
      *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      *out += static_cast<char>(0xF0 | (c >> 18));
      *out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }

  Status Hex4(uint32_t* out) {
    if (end_ - p_ < 4) return Error("short \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') v |= static_cast<uint32_t>(c - 'A' + 10);
      else return Error("bad \\u escape");
    }
    *out = v;
    return OkStatus();
  }

  Status String(std::string* out) {
    ++p_;  // the opening quote
    out->clear();
    for (;;) {
      if (p_ == end_) return Error("unterminated string");
      const char c = *p_++;
      if (c == '"') return OkStatus();
      if (static_cast<unsigned char>(c) < 0x20) return Error("control character in a string");
      if (c != '\\') {
        *out += c;
        continue;
      }
      if (p_ == end_) return Error("unterminated escape");
      const char e = *p_++;
      switch (e) {
        case '"': *out += '"'; break;
        case '\\': *out += '\\'; break;
        case '/': *out += '/'; break;
        case 'b': *out += '\b'; break;
        case 'f': *out += '\f'; break;
        case 'n': *out += '\n'; break;
        case 'r': *out += '\r'; break;
        case 't': *out += '\t'; break;
        case 'u': {
          uint32_t c1 = 0;
          AXQ_RETURN_IF_ERROR(Hex4(&c1));
          if (c1 >= 0xD800 && c1 < 0xDC00) {  // a surrogate pair
            uint32_t c2 = 0;
            if (!Literal("\\u")) return Error("lone surrogate");
            AXQ_RETURN_IF_ERROR(Hex4(&c2));
            if (c2 < 0xDC00 || c2 >= 0xE000) return Error("bad surrogate pair");
            c1 = 0x10000 + ((c1 - 0xD800) << 10) + (c2 - 0xDC00);
          } else if (c1 >= 0xDC00 && c1 < 0xE000) {
            return Error("lone surrogate");
          }
          AppendUtf8(c1, out);
          break;
        }
        default: return Error("bad escape");
      }
    }
  }

  Status Number(Value* out) {
    const char* start = p_;
    if (p_ != end_ && *p_ == '-') ++p_;
    if (p_ == end_ || !(*p_ >= '0' && *p_ <= '9')) return Error("bad number");
    while (p_ != end_ && ((*p_ >= '0' && *p_ <= '9') || *p_ == '.' || *p_ == 'e' || *p_ == 'E' ||
                          *p_ == '+' || *p_ == '-')) {
      ++p_;
    }
    out->kind = Value::Kind::kNumber;
    out->text.assign(start, static_cast<size_t>(p_ - start));
    return OkStatus();
  }

  Status Parse(Value* out, int depth) {
    if (depth > kMaxDepth) return Error("nested too deeply");
    SkipSpace();
    if (p_ == end_) return Error("missing value");
    const char c = *p_;
    if (c == '{' || c == '[') {
      const bool object = c == '{';
      out->kind = object ? Value::Kind::kObject : Value::Kind::kArray;
      ++p_;
      SkipSpace();
      if (p_ != end_ && *p_ == (object ? '}' : ']')) {
        ++p_;
        return OkStatus();
      }
      for (;;) {
        SkipSpace();
        if (object) {
          if (p_ == end_ || *p_ != '"') return Error("expected a member name");
          std::string key;
          AXQ_RETURN_IF_ERROR(String(&key));
          SkipSpace();
          if (p_ == end_ || *p_ != ':') return Error("expected ':'");
          ++p_;
          out->members.emplace_back(std::move(key), Value());
          AXQ_RETURN_IF_ERROR(Parse(&out->members.back().second, depth + 1));
        } else {
          out->items.emplace_back();
          AXQ_RETURN_IF_ERROR(Parse(&out->items.back(), depth + 1));
        }
        SkipSpace();
        if (p_ == end_) return Error("unterminated container");
        if (*p_ == ',') {
          ++p_;
          continue;
        }
        if (*p_ == (object ? '}' : ']')) {
          ++p_;
          return OkStatus();
        }
        return Error("expected ',' or the end of the container");
      }
    }
    if (c == '"') {
      out->kind = Value::Kind::kString;
      return String(&out->text);
    }
    for (const char* word : {"true", "false"}) {
      if (Literal(word)) {
        out->kind = Value::Kind::kBool;
        out->text = word;
        return OkStatus();
      }
    }
    if (Literal("null")) {
      out->kind = Value::Kind::kNull;
      return OkStatus();
    }
    return Number(out);
  }

  const char* p_;
  const char* end_;
  const char* begin_;
  const char* what_;
};

}  // namespace

bool Value::AsInt64(int64_t* out) const {
  if (kind != Kind::kNumber || text.empty() || text.find_first_of(".eE") != std::string::npos) return false;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size()) return false;
  *out = v;
  return true;
}

const Value* Value::Member(const std::string& key) const {
  for (const auto& m : members) {
    if (m.first == key) return &m.second;
  }
  return nullptr;
}

Status Parse(const char* data, size_t size, const char* what, Value* out) {
  *out = Value();
  return Parser(data, size, what).Document(out);
}

}  // namespace json
}  // namespace axq
