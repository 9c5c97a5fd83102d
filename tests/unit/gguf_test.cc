// The GGUF reader and writer: a round trip of every metadata type and
// several tensor types, the layout ggml's reader requires, a failed write
// that leaves the old file intact, and a clean status for every kind of
// broken file, including every truncation of a valid one.
#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"
#include "src/gguf/gguf.h"
#include "src/io/mapped_file.h"

namespace {

using axq::gguf::File;
using axq::gguf::KeyValue;
using axq::gguf::TensorInfo;
using axq::gguf::Value;
using axq::gguf::ValueType;

std::string TempDir() {
  static const std::string dir = [] {
    const std::string marker = axq_test::ScratchPath("gguf");
    std::filesystem::create_directories(marker);
    return marker;
  }();
  return dir;
}

std::vector<uint8_t> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TensorInfo Tensor(const std::string& name, int32_t type, int64_t ne0, int64_t ne1) {
  TensorInfo t;
  t.name = name;
  t.type = type;
  t.n_dims = 2;
  t.ne[0] = ne0;
  t.ne[1] = ne1;
  return t;
}

// A file with every metadata type and three tensor types; tensor i holds
// bytes (i * 31 + j) & 0xFF.
File SampleFile() {
  File f;
  const uint8_t u8 = 7;
  const int16_t i16s[3] = {-1, 2, -3};
  const double f64 = 2.5;
  const int64_t i64 = -1234567890123;
  f.metadata.push_back({"general.architecture", Value::String("llama")});
  f.metadata.push_back({"general.file_type", Value::U32(2)});
  f.metadata.push_back({"test.u8", Value::ScalarArray(ValueType::kU8, &u8, 1)});
  f.metadata.back().value.type = ValueType::kU8;  // a scalar u8
  f.metadata.back().value.count = 0;
  f.metadata.push_back({"test.i16s", Value::ScalarArray(ValueType::kI16, i16s, 3)});
  f.metadata.push_back({"test.f32", Value::F32(0.25f)});
  f.metadata.push_back({"test.bool", Value::Bool(true)});
  f.metadata.push_back({"test.i32", Value::I32(-5)});
  f.metadata.push_back({"test.u64", Value::U64(1ull << 40)});
  Value f64v;
  f64v.type = ValueType::kF64;
  f64v.scalar.assign(reinterpret_cast<const char*>(&f64), 8);
  f.metadata.push_back({"test.f64", f64v});
  Value i64v;
  i64v.type = ValueType::kI64;
  i64v.scalar.assign(reinterpret_cast<const char*>(&i64), 8);
  f.metadata.push_back({"test.i64", i64v});
  f.metadata.push_back({"tokenizer.ggml.tokens", Value::StringArray({"<s>", "</s>", "", "hello"})});
  Value nested;
  nested.type = ValueType::kArray;
  nested.element_type = ValueType::kArray;
  nested.count = 2;
  nested.arrays = {Value::StringArray({"a"}), Value::ScalarArray(ValueType::kI16, i16s, 2)};
  f.metadata.push_back({"test.nested", nested});
  f.tensors = {Tensor("token_embd.weight", 0, 8, 3), Tensor("blk.0.attn_q.weight", 2, 64, 2),
               Tensor("blk.0.ffn.weight", 36, 128, 2)};
  f.tensors[0].n_dims = 2;
  return f;
}

axq::Status WriteSample(const std::string& path, const File& f) {
  return axq::gguf::Write(path, f, [&](size_t i, const axq::gguf::TensorSink& sink) {
    uint64_t nbytes = 0;
    axq::Status st = axq::gguf::TensorBytes(f.tensors[i].type, f.tensors[i].ne, f.tensors[i].n_dims, "t", &nbytes);
    if (!st.ok()) return st;
    std::vector<uint8_t> bytes(nbytes);
    for (size_t j = 0; j < bytes.size(); ++j) bytes[j] = static_cast<uint8_t>((i * 31 + j) & 0xFF);
    return sink(bytes.data(), bytes.size());
  });
}

std::vector<uint8_t> SampleBytes() {
  const std::string path = TempDir() + "/sample.gguf";
  EXPECT_TRUE(WriteSample(path, SampleFile()).ok()) << axq_last_error();
  return ReadAll(path);
}

axq_status ParseBytes(const std::vector<uint8_t>& bytes, File* out = nullptr) {
  File local;
  return axq::gguf::Parse(bytes.data(), bytes.size(), "test.gguf", out ? out : &local).code();
}

TEST(Gguf, RoundTripKeepsEveryValueAndTensor) {
  const File want = SampleFile();
  const std::string path = TempDir() + "/roundtrip.gguf";
  ASSERT_TRUE(WriteSample(path, want).ok()) << axq_last_error();
  axq::MappedFile mapped;
  ASSERT_TRUE(mapped.Open(path).ok()) << axq_last_error();
  File got;
  ASSERT_TRUE(axq::gguf::Parse(mapped.data(), mapped.size(), path.c_str(), &got).ok()) << axq_last_error();
  EXPECT_EQ(got.version, 3u);
  ASSERT_EQ(got.metadata.size(), want.metadata.size());
  for (size_t i = 0; i < want.metadata.size(); ++i) {
    const Value& a = want.metadata[i].value;
    const Value& b = got.metadata[i].value;
    EXPECT_EQ(got.metadata[i].key, want.metadata[i].key);
    EXPECT_EQ(a.type, b.type) << want.metadata[i].key;
    EXPECT_EQ(a.scalar, b.scalar) << want.metadata[i].key;
    EXPECT_EQ(a.strings, b.strings) << want.metadata[i].key;
    EXPECT_EQ(a.arrays.size(), b.arrays.size()) << want.metadata[i].key;
  }
  int64_t file_type = 0;
  ASSERT_TRUE(got.Find("general.file_type")->value.AsInteger(&file_type));
  EXPECT_EQ(file_type, 2);
  ASSERT_EQ(got.tensors.size(), 3u);
  // ggml's reader requires each offset to be the aligned sum of the sizes
  // before it, and the data to start aligned.
  uint64_t expected_offset = 0;
  EXPECT_EQ(got.data_start % 32, 0u);
  for (size_t i = 0; i < got.tensors.size(); ++i) {
    const TensorInfo& t = got.tensors[i];
    EXPECT_EQ(t.name, want.tensors[i].name);
    EXPECT_EQ(t.offset, expected_offset);
    expected_offset += (t.nbytes + 31) / 32 * 32;
    const uint8_t* data = got.TensorData(t);
    for (uint64_t j = 0; j < t.nbytes; ++j) ASSERT_EQ(data[j], static_cast<uint8_t>((i * 31 + j) & 0xFF));
  }
  EXPECT_EQ(got.tensors[0].nbytes, 8u * 3 * 4);
  EXPECT_EQ(got.tensors[1].nbytes, 2u * 2 * 18);
  EXPECT_EQ(got.tensors[2].nbytes, 2u * 128 / 4 + 32);  // I2_S with its tail
  EXPECT_EQ(mapped.size(), got.data_start + expected_offset);
}

TEST(Gguf, AlignmentComesFromTheMetadata) {
  File f = SampleFile();
  f.metadata.push_back({"general.alignment", Value::U32(64)});
  const std::string path = TempDir() + "/aligned.gguf";
  ASSERT_TRUE(WriteSample(path, f).ok()) << axq_last_error();
  File got;
  const std::vector<uint8_t> bytes = ReadAll(path);
  ASSERT_EQ(ParseBytes(bytes, &got), AXQ_OK) << axq_last_error();
  EXPECT_EQ(got.alignment, 64u);
  EXPECT_EQ(got.data_start % 64, 0u);
  for (const TensorInfo& t : got.tensors) EXPECT_EQ(t.offset % 64, 0u);
  f.metadata.back().value = Value::U32(48);
  EXPECT_EQ(WriteSample(path + ".bad", f).code(), AXQ_ERR_INVALID_ARGUMENT);
}

TEST(Gguf, AFailedWriteLeavesTheOldFileIntact) {
  const std::string path = TempDir() + "/keep.gguf";
  ASSERT_TRUE(WriteSample(path, SampleFile()).ok());
  const std::vector<uint8_t> before = ReadAll(path);
  const File f = SampleFile();
  const axq::Status st = axq::gguf::Write(path, f, [&](size_t i, const axq::gguf::TensorSink& sink) {
    if (i == 1) return axq::Fail(AXQ_ERR_NON_FINITE, "stop");
    std::vector<uint8_t> bytes(f.tensors[i].type == 0 ? 8 * 3 * 4 : 0);
    return sink(bytes.data(), bytes.size());
  });
  EXPECT_EQ(st.code(), AXQ_ERR_NON_FINITE);
  EXPECT_EQ(ReadAll(path), before);
  // No temporary is left behind.
  DIR* dir = opendir(TempDir().c_str());
  while (dirent* e = readdir(dir)) EXPECT_EQ(std::string(e->d_name).find("axq-tmp"), std::string::npos) << e->d_name;
  closedir(dir);
  EXPECT_EQ(WriteSample("/nonexistent-dir/x.gguf", f).code(), AXQ_ERR_IO);
  EXPECT_NE(std::string(axq_last_error()).find("/nonexistent-dir/x.gguf"), std::string::npos);
}

// Builds GGUF bytes field by field, for files no writer would make.
class Bytes {
 public:
  template <class T>
  Bytes& Put(T v) {
    const uint8_t* p = reinterpret_cast<const uint8_t*>(&v);
    data.insert(data.end(), p, p + sizeof(v));
    return *this;
  }
  Bytes& Str(const std::string& s) {
    Put<uint64_t>(s.size());
    data.insert(data.end(), s.begin(), s.end());
    return *this;
  }
  Bytes& Header(uint32_t version, int64_t tensors, int64_t kvs) {
    data.insert(data.end(), {'G', 'G', 'U', 'F'});
    return Put(version).Put(tensors).Put(kvs);
  }
  Bytes& TensorInfo(const std::string& name, std::vector<int64_t> ne, int32_t type, uint64_t offset) {
    Str(name).Put<uint32_t>(static_cast<uint32_t>(ne.size()));
    for (int64_t d : ne) Put(d);
    return Put(type).Put(offset);
  }
  Bytes& PadTo(size_t alignment) {
    while (data.size() % alignment != 0) data.push_back(0);
    return *this;
  }
  Bytes& Zeros(size_t n) {
    data.insert(data.end(), n, 0);
    return *this;
  }
  std::vector<uint8_t> data;
};

void ExpectBroken(const std::vector<uint8_t>& bytes, axq_status status, const char* fragment) {
  EXPECT_EQ(ParseBytes(bytes), status) << fragment;
  EXPECT_NE(std::string(axq_last_error()).find(fragment), std::string::npos) << axq_last_error();
}

TEST(Gguf, BrokenFilesGetACleanStatus) {
  ExpectBroken({}, AXQ_ERR_CORRUPT_DATA, "magic");
  ExpectBroken(Bytes().Put<uint32_t>(0x46554747u + 1).Put<uint32_t>(3).data, AXQ_ERR_CORRUPT_DATA, "not a GGUF file");
  ExpectBroken(Bytes().Header(4, 0, 0).data, AXQ_ERR_UNSUPPORTED, "version 4");
  ExpectBroken(Bytes().Header(1, 0, 0).data, AXQ_ERR_CORRUPT_DATA, "version 1");
  ExpectBroken(Bytes().Header(3, int64_t{1} << 40, 0).data, AXQ_ERR_CORRUPT_DATA, "tensor_count");
  ExpectBroken(Bytes().Header(3, 0, -1).data, AXQ_ERR_CORRUPT_DATA, "negative");
  // A key whose length runs past the end.
  ExpectBroken(Bytes().Header(3, 0, 1).Put<uint64_t>(1000).Zeros(8).data, AXQ_ERR_CORRUPT_DATA, "key at offset 24");
  ExpectBroken(Bytes().Header(3, 0, 1).Str("").Put<int32_t>(4).Put<uint32_t>(1).data, AXQ_ERR_CORRUPT_DATA, "empty key");
  ExpectBroken(Bytes().Header(3, 0, 2).Str("a").Put<int32_t>(0).Put<uint8_t>(1).Str("a").Put<int32_t>(0).Put<uint8_t>(1).data,
               AXQ_ERR_CORRUPT_DATA, "duplicate key 'a'");
  ExpectBroken(Bytes().Header(3, 0, 1).Str("a").Put<int32_t>(13).Zeros(8).data, AXQ_ERR_CORRUPT_DATA, "not a GGUF type");
  // An array count larger than the file.
  ExpectBroken(Bytes().Header(3, 0, 1).Str("a").Put<int32_t>(9).Put<int32_t>(4).Put<int64_t>(1 << 20).Zeros(16).data,
               AXQ_ERR_CORRUPT_DATA, "cannot fit");
  ExpectBroken(Bytes().Header(3, 0, 1).Str("general.alignment").Put<int32_t>(4).Put<uint32_t>(48).data,
               AXQ_ERR_CORRUPT_DATA, "power of two");
  // Tensors: a valid one first, then each defect.
  auto one = [](std::vector<int64_t> ne, int32_t type, uint64_t offset, size_t data_bytes) {
    return Bytes().Header(3, 1, 0).TensorInfo("w", std::move(ne), type, offset).PadTo(32).Zeros(data_bytes).data;
  };
  EXPECT_EQ(ParseBytes(one({32, 2}, 0, 0, 256)), AXQ_OK) << axq_last_error();
  ExpectBroken(one({32, 2}, 0, 0, 255), AXQ_ERR_CORRUPT_DATA, "past the end");
  ExpectBroken(one({32, 2}, 0, 8, 256), AXQ_ERR_CORRUPT_DATA, "alignment");
  ExpectBroken(one({32, 2}, 4, 0, 256), AXQ_ERR_UNKNOWN_TYPE, "type id 4");
  ExpectBroken(one({33, 2}, 2, 0, 256), AXQ_ERR_CORRUPT_DATA, "multiple of q4_0's block of 32");
  ExpectBroken(one({32, int64_t{1} << 40, int64_t{1} << 40}, 0, 0, 256), AXQ_ERR_CORRUPT_DATA, "overflows");
  ExpectBroken(one({32, -2}, 0, 0, 256), AXQ_ERR_CORRUPT_DATA, "negative");
  ExpectBroken(Bytes().Header(3, 1, 0).TensorInfo("w", {1, 1, 1, 1, 1}, 0, 0).PadTo(32).Zeros(4).data,
               AXQ_ERR_CORRUPT_DATA, "n_dims 5");
  ExpectBroken(Bytes().Header(3, 1, 0).TensorInfo(std::string(64, 'x'), {32}, 0, 0).PadTo(32).Zeros(128).data,
               AXQ_ERR_CORRUPT_DATA, "longer than 63");
  ExpectBroken(Bytes().Header(3, 2, 0).TensorInfo("a", {32}, 0, 0).TensorInfo("b", {32}, 0, 96).PadTo(32).Zeros(256).data,
               AXQ_ERR_CORRUPT_DATA, "'a' and 'b' overlap");
  ExpectBroken(Bytes().Header(3, 2, 0).TensorInfo("a", {32}, 0, 0).TensorInfo("a", {32}, 0, 128).PadTo(32).Zeros(256).data,
               AXQ_ERR_CORRUPT_DATA, "duplicate tensor 'a'");
}

TEST(Gguf, EveryTruncationOfAValidFileIsReported) {
  const std::vector<uint8_t> full = SampleBytes();
  ASSERT_EQ(ParseBytes(full), AXQ_OK);
  for (size_t n = 0; n < full.size(); ++n) {
    // A copy of exactly n bytes, so that ASan sees any read past it.
    std::vector<uint8_t> prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    ASSERT_EQ(ParseBytes(prefix), AXQ_ERR_CORRUPT_DATA) << "truncated to " << n << " bytes";
  }
}

}  // namespace
