// AXQT v1: written and read back for every readable type, AxonML's nibble
// order converted to ggml's and back, its one-block F16/F32 quirk read and
// reported, and a clean status for each kind of broken file, including
// every truncation of a valid one.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"
#include "src/axqt/axqt.h"

namespace {

using axq::axqt::File;
using axq::axqt::QuantType;

std::string Path(const std::string& name) { return axq_test::ScratchPath(name); }

std::vector<uint8_t> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::vector<float> Ramp(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(static_cast<int>(i % 29) - 14) * 0.37f;
  return v;
}

std::vector<uint8_t> Quantized(axq_type type, const std::vector<float>& x) {
  size_t size = 0;
  EXPECT_EQ(axq_row_size(&size, type, static_cast<int64_t>(x.size())), AXQ_OK);
  std::vector<uint8_t> out(size);
  size_t written = 0;
  EXPECT_EQ(axq_quantize_row(out.data(), out.size(), &written, type, x.data(), static_cast<int64_t>(x.size())), AXQ_OK);
  return out;
}

axq_status ParseBytes(const std::vector<uint8_t>& bytes, File* out = nullptr) {
  File local;
  return axq::axqt::Parse(bytes.data(), bytes.size(), "model.axqt", out ? out : &local).code();
}

TEST(Axqt, WrittenAndReadBackForEveryReadableType) {
  const std::vector<float> x = Ramp(2 * 64);
  struct Case {
    QuantType type;
    axq_type ggml;
  };
  for (const Case& c : {Case{QuantType::kQ8_0, AXQ_TYPE_Q8_0}, Case{QuantType::kQ4_0, AXQ_TYPE_Q4_0},
                        Case{QuantType::kQ4_1, AXQ_TYPE_Q4_1}, Case{QuantType::kF16, AXQ_TYPE_F16},
                        Case{QuantType::kF32, AXQ_TYPE_F32}}) {
    SCOPED_TRACE(axq::axqt::QuantTypeName(c.type));
    const std::vector<uint8_t> bytes = c.ggml == AXQ_TYPE_F32
        ? std::vector<uint8_t>(reinterpret_cast<const uint8_t*>(x.data()),
                               reinterpret_cast<const uint8_t*>(x.data() + x.size()))
        : Quantized(c.ggml, x);
    const std::string path = Path("model.axqt");
    ASSERT_TRUE(axq::axqt::Write(path, c.type, {{{2, 64}, bytes.data(), bytes.size()}}).ok()) << axq_last_error();
    const std::vector<uint8_t> file_bytes = ReadAll(path);
    File f;
    ASSERT_EQ(ParseBytes(file_bytes, &f), AXQ_OK) << axq_last_error();
    EXPECT_EQ(f.type, c.type);
    EXPECT_EQ(f.total_params, 128u);
    ASSERT_EQ(f.tensors.size(), 1u);
    EXPECT_EQ(f.tensors[0].dims, (std::vector<uint32_t>{2, 64}));
    std::vector<uint8_t> ggml;
    ASSERT_TRUE(axq::axqt::ToGgml(f, f.tensors[0], &ggml).ok()) << axq_last_error();
    EXPECT_EQ(ggml, bytes);  // AxonML's nibble order converted back exactly
    std::vector<float> values, want(x.size());
    ASSERT_TRUE(axq::axqt::ToF32(f, f.tensors[0], &values).ok());
    ASSERT_EQ(axq_dequantize_row(want.data(), static_cast<int64_t>(want.size()), c.ggml, bytes.data(), bytes.size()),
              AXQ_OK);
    EXPECT_EQ(std::memcmp(values.data(), want.data(), 4 * want.size()), 0);
    // F16/F32 tensors are one "block" holding every value, as AxonML writes them.
    const bool scalar = c.type == QuantType::kF16 || c.type == QuantType::kF32;
    EXPECT_EQ(f.tensors[0].num_blocks, scalar ? 1u : 4u);
    EXPECT_EQ(f.notes.size(), scalar ? 1u : 0u);
  }
}

TEST(Axqt, ReadsAxonMLsNibbleOrder) {
  // One AxonML Q4_0 block: d = 1.0, byte i holds elements 2i (low nibble)
  // and 2i + 1 (high nibble).
  std::vector<uint8_t> bytes = {'A', 'X', 'Q', 'T', 1, 1, 1, 0, 0, 0, 32, 0, 0, 0, 0, 0, 0, 0};
  const uint32_t ndim = 1, dim = 32, blocks = 1;
  for (uint32_t v : {ndim, dim, blocks}) bytes.insert(bytes.end(), reinterpret_cast<const uint8_t*>(&v), reinterpret_cast<const uint8_t*>(&v) + 4);
  bytes.push_back(0x00);
  bytes.push_back(0x3C);
  for (int i = 0; i < 16; ++i) bytes.push_back(static_cast<uint8_t>((i & 15) | ((15 - i) << 4)));
  File f;
  ASSERT_EQ(ParseBytes(bytes, &f), AXQ_OK) << axq_last_error();
  std::vector<float> values;
  ASSERT_TRUE(axq::axqt::ToF32(f, f.tensors[0], &values).ok());
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(values[2 * i], static_cast<float>(i - 8));
    EXPECT_EQ(values[2 * i + 1], static_cast<float>(15 - i - 8));
  }
  std::vector<uint8_t> ggml;
  ASSERT_TRUE(axq::axqt::ToGgml(f, f.tensors[0], &ggml).ok());
  std::vector<float> from_ggml(32);
  ASSERT_EQ(axq_dequantize_row(from_ggml.data(), 32, AXQ_TYPE_Q4_0, ggml.data(), ggml.size()), AXQ_OK);
  EXPECT_EQ(from_ggml, values);
}

TEST(Axqt, BlocksAcrossRowsHaveNoGgmlLayout) {
  const std::vector<float> x = Ramp(64);
  const std::vector<uint8_t> q = Quantized(AXQ_TYPE_Q8_0, x);
  // A [4, 16] tensor: its two blocks each span two rows.
  EXPECT_EQ(axq::axqt::Write(Path("rows.axqt"), QuantType::kQ8_0, {{{4, 16}, q.data(), q.size()}}).code(),
            AXQ_ERR_INVALID_ARGUMENT);
  std::vector<uint8_t> bytes = {'A', 'X', 'Q', 'T', 1, 0, 1, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0};
  for (uint32_t v : {2u, 4u, 16u, 2u}) bytes.insert(bytes.end(), reinterpret_cast<const uint8_t*>(&v), reinterpret_cast<const uint8_t*>(&v) + 4);
  bytes.insert(bytes.end(), q.begin(), q.end());
  File f;
  ASSERT_EQ(ParseBytes(bytes, &f), AXQ_OK) << axq_last_error();
  std::vector<uint8_t> ggml;
  EXPECT_EQ(axq::axqt::ToGgml(f, f.tensors[0], &ggml).code(), AXQ_ERR_UNSUPPORTED);
  EXPECT_NE(std::string(axq_last_error()).find("[4x16]"), std::string::npos) << axq_last_error();
  std::vector<float> values;
  EXPECT_TRUE(axq::axqt::ToF32(f, f.tensors[0], &values).ok());
  EXPECT_EQ(values.size(), 64u);
}

std::vector<uint8_t> Header(uint8_t version, uint8_t type, uint32_t count) {
  std::vector<uint8_t> b = {'A', 'X', 'Q', 'T', version, type};
  b.insert(b.end(), reinterpret_cast<const uint8_t*>(&count), reinterpret_cast<const uint8_t*>(&count) + 4);
  b.insert(b.end(), 8, 0);
  return b;
}

void Append(std::vector<uint8_t>* b, std::initializer_list<uint32_t> words) {
  for (uint32_t w : words) b->insert(b->end(), reinterpret_cast<const uint8_t*>(&w), reinterpret_cast<const uint8_t*>(&w) + 4);
}

void ExpectBroken(const std::vector<uint8_t>& bytes, axq_status status, const char* fragment) {
  EXPECT_EQ(ParseBytes(bytes), status) << fragment;
  EXPECT_NE(std::string(axq_last_error()).find(fragment), std::string::npos) << axq_last_error();
}

TEST(Axqt, BrokenFilesGetACleanStatus) {
  ExpectBroken({'A', 'X', 'Q'}, AXQ_ERR_CORRUPT_DATA, "not an AXQT file");
  ExpectBroken(Header(2, 0, 0), AXQ_ERR_UNSUPPORTED, "version 2");
  ExpectBroken(Header(1, 9, 0), AXQ_ERR_CORRUPT_DATA, "not an AXQT type");
  ExpectBroken(Header(1, 3, 0), AXQ_ERR_UNSUPPORTED, "Q5_0");
  ExpectBroken(Header(1, 0, 1000), AXQ_ERR_CORRUPT_DATA, "cannot fit");
  std::vector<uint8_t> b = Header(1, 6, 1);
  Append(&b, {9, 0});
  ExpectBroken(b, AXQ_ERR_CORRUPT_DATA, "ndim 9");
  b = Header(1, 6, 1);
  Append(&b, {1, 4, 1});
  ExpectBroken(b, AXQ_ERR_CORRUPT_DATA, "runs past the end");
  b = Header(1, 0, 1);
  Append(&b, {1, 64, 3});
  b.resize(b.size() + 3 * 34);
  ExpectBroken(b, AXQ_ERR_CORRUPT_DATA, "num_blocks 3 for 64 elements");
  b = Header(1, 6, 1);
  Append(&b, {1, 2, 1, 0, 0, 7});
  ExpectBroken(b, AXQ_ERR_CORRUPT_DATA, "after the last tensor");
  b = Header(1, 6, 1);
  Append(&b, {2, 0x10000, 0x10000, 1});
  ExpectBroken(b, AXQ_ERR_CORRUPT_DATA, "runs past the end");
}

TEST(Axqt, EveryTruncationOfAValidFileIsReported) {
  const std::vector<float> x = Ramp(64);
  const std::vector<uint8_t> q = Quantized(AXQ_TYPE_Q4_0, x);
  ASSERT_TRUE(axq::axqt::Write(Path("t.axqt"), QuantType::kQ4_0, {{{2, 32}, q.data(), q.size()}, {{64}, q.data(), q.size()}}).ok());
  const std::vector<uint8_t> full = ReadAll(Path("t.axqt"));
  ASSERT_EQ(ParseBytes(full), AXQ_OK) << axq_last_error();
  for (size_t n = 0; n < full.size(); ++n) {
    std::vector<uint8_t> prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
    ASSERT_EQ(ParseBytes(prefix), AXQ_ERR_CORRUPT_DATA) << "truncated to " << n << " bytes";
  }
}

}  // namespace
