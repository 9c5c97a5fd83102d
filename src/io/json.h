// A small strict JSON reader for file headers (safetensors): objects,
// arrays, strings (with escapes), integers, and other numbers and literals
// kept as text. Depth and size are bounded; errors name the byte offset.
#ifndef AXQ_IO_JSON_H_
#define AXQ_IO_JSON_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "src/core/status.h"

namespace axq {
namespace json {

struct Value {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  std::string text;  // string contents, or a number's or literal's text
  std::vector<Value> items;                            // arrays
  std::vector<std::pair<std::string, Value>> members;  // objects, in file order

  // The number as an int64 if it is an integer that fits.
  bool AsInt64(int64_t* out) const;
  const Value* Member(const std::string& key) const;
};

// Parses `size` bytes holding exactly one JSON value (surrounding
// whitespace allowed). Errors: AXQ_ERR_CORRUPT_DATA, "<what>: ... at byte N".
Status Parse(const char* data, size_t size, const char* what, Value* out);

}  // namespace json
}  // namespace axq

#endif  // AXQ_IO_JSON_H_
