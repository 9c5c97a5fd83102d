// The safetensors reader and its JSON parser: a valid file with metadata
// and every float dtype, and a clean status for each kind of broken file,
// including every truncation of a valid one.
#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "src/io/json.h"
#include "src/safetensors/safetensors.h"

namespace {

std::vector<uint8_t> FileOf(const std::string& header, size_t data_bytes) {
  std::vector<uint8_t> out(8);
  const uint64_t n = header.size();
  std::memcpy(out.data(), &n, 8);
  out.insert(out.end(), header.begin(), header.end());
  for (size_t i = 0; i < data_bytes; ++i) out.push_back(static_cast<uint8_t>(i * 7));
  return out;
}

const char kHeader[] =
    R"({"__metadata__":{"format":"pt","note":"caf\u00e9 \ud83d\ude00"},)"
    R"("b.weight":{"dtype":"BF16","shape":[2,3],"data_offsets":[24,36]},)"
    R"("a.weight":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
    R"("c":{"dtype":"F16","shape":[4],"data_offsets":[36,44]},)"
    R"("ids":{"dtype":"I8","shape":[],"data_offsets":[44,45]}})";

axq_status ParseFile(const std::vector<uint8_t>& bytes, axq::safetensors::File* out = nullptr) {
  axq::safetensors::File local;
  return axq::safetensors::Parse(bytes.data(), bytes.size(), "model.safetensors", out ? out : &local).code();
}

TEST(Safetensors, ReadsTensorsAndMetadata) {
  const std::vector<uint8_t> bytes = FileOf(kHeader, 45);
  axq::safetensors::File f;
  ASSERT_EQ(ParseFile(bytes, &f), AXQ_OK) << axq_last_error();
  ASSERT_EQ(f.metadata.size(), 2u);
  EXPECT_EQ(f.metadata[0].first, "format");
  EXPECT_EQ(f.metadata[1].second, "caf\xc3\xa9 \xf0\x9f\x98\x80");  // escapes decoded to UTF-8
  ASSERT_EQ(f.tensors.size(), 4u);
  EXPECT_EQ(f.tensors[0].name, "b.weight");
  EXPECT_EQ(f.tensors[0].type, AXQ_TYPE_BF16);
  EXPECT_EQ(f.tensors[1].type, AXQ_TYPE_F32);
  EXPECT_EQ(f.tensors[1].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(f.tensors[2].type, AXQ_TYPE_F16);
  EXPECT_EQ(f.tensors[3].type, -1);  // I8: read, not convertible
  EXPECT_EQ(f.tensors[3].shape.size(), 0u);
  EXPECT_EQ(f.data_size, 45u);
  EXPECT_EQ(f.data[24], static_cast<uint8_t>(24 * 7));
}

void ExpectBroken(const std::vector<uint8_t>& bytes, const char* fragment) {
  EXPECT_EQ(ParseFile(bytes), AXQ_ERR_CORRUPT_DATA) << fragment;
  EXPECT_NE(std::string(axq_last_error()).find(fragment), std::string::npos) << axq_last_error();
}

TEST(Safetensors, BrokenFilesGetACleanStatus) {
  ExpectBroken({1, 2, 3}, "too short");
  std::vector<uint8_t> lying = FileOf("{}", 0);
  lying[0] = 200;
  ExpectBroken(lying, "does not fit");
  ExpectBroken(FileOf("[]", 0), "not a JSON object");
  ExpectBroken(FileOf(R"({"a":)", 0), "missing value");
  ExpectBroken(FileOf(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} x)", 4), "text after");
  ExpectBroken(FileOf(R"({"a":"\x"})", 0), "bad escape");
  ExpectBroken(FileOf(R"({"a":"\ud83d"})", 0), "lone surrogate");
  ExpectBroken(FileOf(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", 4), "4 bytes for a F32 shape of 2");
  ExpectBroken(FileOf(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}})", 4), "past the 4 data bytes");
  ExpectBroken(FileOf(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", 4), "not a range");
  ExpectBroken(FileOf(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4), "non-negative");
  ExpectBroken(FileOf(R"({"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}})", 4), "not a safetensors dtype");
  ExpectBroken(FileOf(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", 4), "no dtype");
  ExpectBroken(FileOf(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},)"
                      R"("b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}})", 8), "'a' and 'b' overlap");
  ExpectBroken(FileOf(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}})", 4),
               "overflows");
  ExpectBroken(FileOf(R"({"__metadata__":{"k":1}})", 0), "not a string");
  std::string deep(100, '[');
  ExpectBroken(FileOf(R"({"a":)" + deep, 0), "nested too deeply");
}

TEST(Safetensors, EveryTruncationOfAValidFileIsReported) {
  const std::vector<uint8_t> full = FileOf(kHeader, 45);
  for (size_t n = 0; n < full.size(); ++n) {
    std::vector<uint8_t> prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    ASSERT_EQ(ParseFile(prefix), AXQ_ERR_CORRUPT_DATA) << "truncated to " << n << " bytes";
  }
}

TEST(Json, NumbersAndLiterals) {
  axq::json::Value v;
  const std::string text = R"([1, -2, 3.5, 1e3, true, false, null, 9223372036854775808])";
  ASSERT_TRUE(axq::json::Parse(text.data(), text.size(), "t", &v).ok()) << axq_last_error();
  int64_t i = 0;
  EXPECT_TRUE(v.items[0].AsInt64(&i) && i == 1);
  EXPECT_TRUE(v.items[1].AsInt64(&i) && i == -2);
  EXPECT_FALSE(v.items[2].AsInt64(&i));
  EXPECT_FALSE(v.items[3].AsInt64(&i));
  EXPECT_EQ(v.items[4].text, "true");
  EXPECT_EQ(v.items[5].text, "false");
  EXPECT_EQ(v.items[6].kind, axq::json::Value::Kind::kNull);
  EXPECT_FALSE(v.items[7].AsInt64(&i));  // out of range
}

}  // namespace
