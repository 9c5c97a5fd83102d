// The C contract of every public function: each misuse gives its status,
// a non-empty axq_last_error(), NULL/0 outputs, and no crash.
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"

namespace {

// Asserts the status and that the last error is set and mentions `needle`.
#define EXPECT_FAILS(call, status, needle)                                  \
  do {                                                                      \
    EXPECT_EQ((call), (status));                                            \
    EXPECT_STRNE(axq_last_error(), "");                                     \
    EXPECT_NE(std::string(axq_last_error()).find(needle), std::string::npos) \
        << "message: " << axq_last_error();                                 \
  } while (0)

const axq_type kUnknownType = static_cast<axq_type>(4);  // retired Q4_2 id

TEST(Contract, VersionAndStatusStrings) {
  EXPECT_STREQ(axq_version_string(), AXQ_VERSION_STRING);
  EXPECT_EQ(axq_version(), static_cast<uint32_t>(AXQ_VERSION_NUMBER));
  for (int s : {0, -1, -2, -3, -4, -5, -6, -7, -8, -99}) {
    EXPECT_STRNE(axq_status_string(static_cast<axq_status>(s)), "unknown status") << s;
  }
  EXPECT_STREQ(axq_status_string(static_cast<axq_status>(-1234)), "unknown status");
  EXPECT_STREQ(axq_status_string(static_cast<axq_status>(5)), "unknown status");
}

TEST(Contract, LastErrorIsThreadLocal) {
  EXPECT_FAILS(axq_row_size(nullptr, AXQ_TYPE_Q4_0, 32), AXQ_ERR_INVALID_ARGUMENT, "out");
  std::string other;
  std::thread t([&] { other = axq_last_error(); });
  t.join();
  EXPECT_EQ(other, "");
  EXPECT_STRNE(axq_last_error(), "");
}

TEST(Contract, TypeInfo) {
  axq_type_info_t info;
  std::memset(&info, 0, sizeof(info));
  EXPECT_FAILS(axq_type_info(&info, AXQ_TYPE_Q4_0), AXQ_ERR_INVALID_ARGUMENT, "struct_size");
  info.struct_size = sizeof(info) + 8;
  EXPECT_FAILS(axq_type_info(&info, AXQ_TYPE_Q4_0), AXQ_ERR_INVALID_ARGUMENT, "struct_size");
  EXPECT_FAILS(axq_type_info(nullptr, AXQ_TYPE_Q4_0), AXQ_ERR_INVALID_ARGUMENT, "out");
  info.struct_size = sizeof(info);
  EXPECT_FAILS(axq_type_info(&info, kUnknownType), AXQ_ERR_UNKNOWN_TYPE, "4");
  EXPECT_FAILS(axq_type_info(&info, static_cast<axq_type>(-7)), AXQ_ERR_UNKNOWN_TYPE, "-7");

  ASSERT_EQ(axq_type_info(&info, AXQ_TYPE_Q5_1), AXQ_OK);
  EXPECT_STREQ(info.name, "q5_1");
  EXPECT_EQ(info.block_elems, 32);
  EXPECT_EQ(info.block_bytes, 24);
  EXPECT_DOUBLE_EQ(info.bits_per_weight, 6.0);
  EXPECT_EQ(info.is_quantized, 1u);
  EXPECT_EQ(info.can_quantize, 1u);
  ASSERT_EQ(axq_type_info(&info, AXQ_TYPE_BF16), AXQ_OK);
  EXPECT_EQ(info.is_quantized, 0u);
  ASSERT_EQ(axq_type_info(&info, AXQ_TYPE_Q4_K), AXQ_OK);
  EXPECT_EQ(info.can_quantize, 1u);
  EXPECT_EQ(info.block_elems, 256);
  EXPECT_EQ(info.block_bytes, 144);

  // An older, shorter struct: only its fields are written.
  struct {
    axq_type_info_t head;
    uint8_t sentinel[8];
  } small;
  std::memset(&small, 0xEE, sizeof(small));
  small.head.struct_size = offsetof(axq_type_info_t, block_elems);
  ASSERT_EQ(axq_type_info(&small.head, AXQ_TYPE_Q8_0), AXQ_OK);
  EXPECT_STREQ(small.head.name, "q8_0");
  const uint8_t* tail = reinterpret_cast<const uint8_t*>(&small.head) + offsetof(axq_type_info_t, block_elems);
  EXPECT_EQ(tail[0], 0xEE);
}

TEST(Contract, TypeFromName) {
  axq_type t = AXQ_TYPE_F32;
  ASSERT_EQ(axq_type_from_name(&t, "Q4_0"), AXQ_OK);
  EXPECT_EQ(t, AXQ_TYPE_Q4_0);
  ASSERT_EQ(axq_type_from_name(&t, "q4_k"), AXQ_OK);
  EXPECT_EQ(t, AXQ_TYPE_Q4_K);
  ASSERT_EQ(axq_type_from_name(&t, "bf16"), AXQ_OK);
  EXPECT_EQ(t, AXQ_TYPE_BF16);
  EXPECT_FAILS(axq_type_from_name(&t, "q4_00"), AXQ_ERR_UNKNOWN_TYPE, "q4_00");
  EXPECT_EQ(t, AXQ_TYPE_INVALID);
  EXPECT_FAILS(axq_type_from_name(&t, ""), AXQ_ERR_UNKNOWN_TYPE, "name");
  EXPECT_FAILS(axq_type_from_name(&t, nullptr), AXQ_ERR_INVALID_ARGUMENT, "name");
  EXPECT_FAILS(axq_type_from_name(nullptr, "q4_0"), AXQ_ERR_INVALID_ARGUMENT, "out");
}

TEST(Contract, RowSize) {
  size_t size = 99;
  ASSERT_EQ(axq_row_size(&size, AXQ_TYPE_Q4_0, 4096), AXQ_OK);
  EXPECT_EQ(size, 4096u / 32 * 18);
  ASSERT_EQ(axq_row_size(&size, AXQ_TYPE_F16, 3), AXQ_OK);
  EXPECT_EQ(size, 6u);
  EXPECT_FAILS(axq_row_size(&size, AXQ_TYPE_Q4_0, 33), AXQ_ERR_INVALID_ARGUMENT, "33");
  EXPECT_EQ(size, 0u);
  EXPECT_FAILS(axq_row_size(&size, AXQ_TYPE_Q8_0, 0), AXQ_ERR_INVALID_ARGUMENT, "n");
  EXPECT_FAILS(axq_row_size(&size, AXQ_TYPE_Q8_0, -32), AXQ_ERR_INVALID_ARGUMENT, "-32");
  EXPECT_FAILS(axq_row_size(&size, AXQ_TYPE_F32, INT64_MAX), AXQ_ERR_INVALID_ARGUMENT, "overflow");
  EXPECT_FAILS(axq_row_size(&size, kUnknownType, 32), AXQ_ERR_UNKNOWN_TYPE, "type");
}

TEST(Contract, QuantizeRow) {
  std::vector<float> x(64, 0.5f);
  std::vector<uint8_t> out(256);
  size_t written = 7;
  EXPECT_FAILS(axq_quantize_row(nullptr, out.size(), &written, AXQ_TYPE_Q4_0, x.data(), 64),
               AXQ_ERR_INVALID_ARGUMENT, "dst");
  EXPECT_EQ(written, 0u);
  EXPECT_FAILS(axq_quantize_row(out.data(), out.size(), &written, AXQ_TYPE_Q4_0, nullptr, 64),
               AXQ_ERR_INVALID_ARGUMENT, "src");
  EXPECT_FAILS(axq_quantize_row(out.data(), out.size(), &written, AXQ_TYPE_Q4_0, x.data(), 48),
               AXQ_ERR_INVALID_ARGUMENT, "multiple of 32");
  EXPECT_FAILS(axq_quantize_row(out.data(), out.size(), &written, AXQ_TYPE_Q4_0, x.data(), -32),
               AXQ_ERR_INVALID_ARGUMENT, "n");
  EXPECT_FAILS(axq_quantize_row(out.data(), out.size(), &written, kUnknownType, x.data(), 64),
               AXQ_ERR_UNKNOWN_TYPE, "type");
  EXPECT_FAILS(axq_quantize_row(out.data(), out.size(), &written, AXQ_TYPE_Q4_K, x.data(), 64),
               AXQ_ERR_INVALID_ARGUMENT, "256");
  EXPECT_FAILS(axq_quantize_row(out.data(), 35, &written, AXQ_TYPE_Q4_0, x.data(), 64),
               AXQ_ERR_BUFFER_TOO_SMALL, "36");
  EXPECT_EQ(written, 0u);
  for (float bad : {NAN, INFINITY, -INFINITY}) {
    x[40] = bad;
    for (axq_type t : {AXQ_TYPE_Q4_0, AXQ_TYPE_Q4_1, AXQ_TYPE_Q5_0, AXQ_TYPE_Q5_1, AXQ_TYPE_Q8_0,
                       AXQ_TYPE_Q8_1}) {
      EXPECT_FAILS(axq_quantize_row(out.data(), out.size(), &written, t, x.data(), 64),
                   AXQ_ERR_NON_FINITE, "src[40]");
      EXPECT_EQ(written, 0u);
    }
    // Float formats keep them, as IEEE conversion does.
    for (axq_type t : {AXQ_TYPE_F32, AXQ_TYPE_F16, AXQ_TYPE_BF16}) {
      EXPECT_EQ(axq_quantize_row(out.data(), out.size(), &written, t, x.data(), 64), AXQ_OK);
    }
  }
  // written may be NULL.
  x[40] = 1.0f;
  EXPECT_EQ(axq_quantize_row(out.data(), out.size(), nullptr, AXQ_TYPE_Q8_0, x.data(), 64), AXQ_OK);
}

TEST(Contract, DequantizeRow) {
  std::vector<uint8_t> q(36 * 2, 0);
  std::vector<float> y(64);
  EXPECT_FAILS(axq_dequantize_row(nullptr, 64, AXQ_TYPE_Q4_0, q.data(), 36), AXQ_ERR_INVALID_ARGUMENT, "dst");
  EXPECT_FAILS(axq_dequantize_row(y.data(), 64, AXQ_TYPE_Q4_0, nullptr, 36), AXQ_ERR_INVALID_ARGUMENT, "src");
  EXPECT_FAILS(axq_dequantize_row(y.data(), 64, AXQ_TYPE_Q4_0, q.data(), 35), AXQ_ERR_INVALID_ARGUMENT, "src_size");
  EXPECT_FAILS(axq_dequantize_row(y.data(), 64, AXQ_TYPE_Q4_0, q.data(), 37), AXQ_ERR_INVALID_ARGUMENT, "src_size");
  EXPECT_FAILS(axq_dequantize_row(y.data(), 63, AXQ_TYPE_Q4_0, q.data(), 36), AXQ_ERR_INVALID_ARGUMENT, "63");
  EXPECT_FAILS(axq_dequantize_row(y.data(), 64, kUnknownType, q.data(), 36), AXQ_ERR_UNKNOWN_TYPE, "type");
  EXPECT_FAILS(axq_dequantize_row(y.data(), 256, AXQ_TYPE_Q4_K, q.data(), 143), AXQ_ERR_INVALID_ARGUMENT, "src_size");
  EXPECT_EQ(axq_dequantize_row(y.data(), 64, AXQ_TYPE_Q4_0, q.data(), 36), AXQ_OK);
}

TEST(Contract, TensorCreateAndQueries) {
  axq_tensor_t* t = reinterpret_cast<axq_tensor_t*>(0x1);
  const int64_t dims[4] = {64, 3, 2, 1};
  EXPECT_FAILS(axq_tensor_create(nullptr, AXQ_TYPE_Q4_0, 2, dims), AXQ_ERR_INVALID_ARGUMENT, "out");
  EXPECT_FAILS(axq_tensor_create(&t, AXQ_TYPE_Q4_0, 2, nullptr), AXQ_ERR_INVALID_ARGUMENT, "dims");
  EXPECT_EQ(t, nullptr);
  EXPECT_FAILS(axq_tensor_create(&t, AXQ_TYPE_Q4_0, 0, dims), AXQ_ERR_INVALID_ARGUMENT, "ndim");
  EXPECT_FAILS(axq_tensor_create(&t, AXQ_TYPE_Q4_0, 5, dims), AXQ_ERR_INVALID_ARGUMENT, "ndim");
  const int64_t odd[2] = {40, 2};
  EXPECT_FAILS(axq_tensor_create(&t, AXQ_TYPE_Q4_0, 2, odd), AXQ_ERR_INVALID_ARGUMENT, "dims[0]");
  const int64_t negative[2] = {32, -2};
  EXPECT_FAILS(axq_tensor_create(&t, AXQ_TYPE_Q4_0, 2, negative), AXQ_ERR_INVALID_ARGUMENT, "dims[1]");
  const int64_t huge[3] = {1LL << 40, 1LL << 30, 1LL << 10};
  EXPECT_FAILS(axq_tensor_create(&t, AXQ_TYPE_F32, 3, huge), AXQ_ERR_INVALID_ARGUMENT, "overflow");
  EXPECT_FAILS(axq_tensor_create(&t, kUnknownType, 2, dims), AXQ_ERR_UNKNOWN_TYPE, "type");

  ASSERT_EQ(axq_tensor_create(&t, AXQ_TYPE_Q4_0, 3, dims), AXQ_OK);
  EXPECT_EQ(axq_tensor_type(t), AXQ_TYPE_Q4_0);
  EXPECT_EQ(axq_tensor_ndim(t), 3);
  EXPECT_EQ(axq_tensor_dim(t, 1), 3);
  EXPECT_EQ(axq_tensor_dim(t, 3), 1);
  EXPECT_EQ(axq_tensor_nelements(t), 64 * 3 * 2);
  EXPECT_EQ(axq_tensor_nbytes(t), 2u * 18 * 6);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(axq_tensor_data(t)) % 64, 0u);
  EXPECT_EQ(axq_tensor_data(t), axq_tensor_data_mut(t));
  const uint8_t* bytes = static_cast<const uint8_t*>(axq_tensor_data(t));
  for (size_t i = 0; i < axq_tensor_nbytes(t); ++i) ASSERT_EQ(bytes[i], 0);
  EXPECT_EQ(axq_tensor_dim(t, -1), 0);
  EXPECT_NE(std::string(axq_last_error()).find("negative"), std::string::npos);
  axq_tensor_destroy(t);
  axq_tensor_destroy(nullptr);

  EXPECT_EQ(axq_tensor_type(nullptr), AXQ_TYPE_INVALID);
  EXPECT_STRNE(axq_last_error(), "");
  EXPECT_EQ(axq_tensor_ndim(nullptr), 0);
  EXPECT_EQ(axq_tensor_dim(nullptr, 0), 0);
  EXPECT_EQ(axq_tensor_nelements(nullptr), 0);
  EXPECT_EQ(axq_tensor_nbytes(nullptr), 0u);
  EXPECT_EQ(axq_tensor_data(nullptr), nullptr);
  EXPECT_EQ(axq_tensor_data_mut(nullptr), nullptr);
}

TEST(Contract, TensorFromData) {
  axq_tensor_t* t = nullptr;
  const int64_t dims[2] = {32, 2};
  std::vector<float> x(64, 1.0f);
  EXPECT_FAILS(axq_tensor_from_f32(&t, nullptr, 2, dims), AXQ_ERR_INVALID_ARGUMENT, "data");
  EXPECT_FAILS(axq_tensor_from_f32(nullptr, x.data(), 2, dims), AXQ_ERR_INVALID_ARGUMENT, "out");
  ASSERT_EQ(axq_tensor_from_f32(&t, x.data(), 2, dims), AXQ_OK);
  EXPECT_EQ(0, std::memcmp(axq_tensor_data(t), x.data(), 256));
  axq_tensor_destroy(t);

  std::vector<uint8_t> q(36);
  EXPECT_FAILS(axq_tensor_from_bytes(&t, AXQ_TYPE_Q4_0, 2, dims, q.data(), 35), AXQ_ERR_INVALID_ARGUMENT, "size");
  EXPECT_FAILS(axq_tensor_from_bytes(&t, AXQ_TYPE_Q4_0, 2, dims, nullptr, 36), AXQ_ERR_INVALID_ARGUMENT, "data");
  EXPECT_FAILS(axq_tensor_from_bytes(&t, kUnknownType, 2, dims, q.data(), 36), AXQ_ERR_UNKNOWN_TYPE, "type");
  ASSERT_EQ(axq_tensor_from_bytes(&t, AXQ_TYPE_Q4_0, 2, dims, q.data(), 36), AXQ_OK);
  axq_tensor_destroy(t);
}

TEST(Contract, QuantizeAndDequantizeTensors) {
  const int64_t dims[2] = {64, 2};
  std::vector<float> x(128, 0.25f);
  axq_tensor_t* src = nullptr;
  ASSERT_EQ(axq_tensor_from_f32(&src, x.data(), 2, dims), AXQ_OK);
  axq_tensor_t* out = reinterpret_cast<axq_tensor_t*>(0x1);

  EXPECT_FAILS(axq_quantize(nullptr, src, AXQ_TYPE_Q8_0, nullptr), AXQ_ERR_INVALID_ARGUMENT, "out");
  EXPECT_FAILS(axq_quantize(&out, nullptr, AXQ_TYPE_Q8_0, nullptr), AXQ_ERR_INVALID_ARGUMENT, "src");
  EXPECT_EQ(out, nullptr);
  EXPECT_FAILS(axq_quantize(&out, src, kUnknownType, nullptr), AXQ_ERR_UNKNOWN_TYPE, "type");
  axq_quantize_options_t opts;
  EXPECT_FAILS(axq_quantize_options_init_sized(nullptr, sizeof(opts)), AXQ_ERR_INVALID_ARGUMENT, "opts");
  EXPECT_FAILS((axq_quantize_options_init)(nullptr), AXQ_ERR_INVALID_ARGUMENT, "opts");
  ASSERT_EQ(axq_quantize_options_init(&opts), AXQ_OK);
  EXPECT_EQ(opts.struct_size, sizeof(opts));
  // A caller whose header knows fewer fields gets only those written.
  struct {
    axq_quantize_options_t opts;
    uint32_t guard;
  } older;
  std::memset(&older, 0xAB, sizeof(older));
  ASSERT_EQ(axq_quantize_options_init_sized(&older.opts, offsetof(axq_quantize_options_t, ternary_rule)), AXQ_OK);
  EXPECT_EQ(older.opts.struct_size, offsetof(axq_quantize_options_t, ternary_rule));
  EXPECT_EQ(older.opts.n_threads, 0u);
  EXPECT_EQ(older.opts.ternary_rule, 0xABABABABu);
  EXPECT_FAILS(axq_quantize_options_init_sized(&opts, 2), AXQ_ERR_INVALID_ARGUMENT, "size");
  EXPECT_FAILS(axq_quantize_options_init_sized(&opts, sizeof(opts) + 4), AXQ_ERR_INVALID_ARGUMENT, "size");
  // The entry point of binaries built before _sized writes 0.2's struct.
  std::memset(&opts, 0xAB, sizeof(opts));
  ASSERT_EQ((axq_quantize_options_init)(&opts), AXQ_OK);
  EXPECT_EQ(opts.struct_size, 12u);
  EXPECT_EQ(opts.ternary_rule, 0u);
  opts.struct_size = 0;
  EXPECT_FAILS(axq_quantize(&out, src, AXQ_TYPE_Q8_0, &opts), AXQ_ERR_INVALID_ARGUMENT, "struct_size");
  opts.struct_size = sizeof(opts) + 4;
  EXPECT_FAILS(axq_quantize(&out, src, AXQ_TYPE_Q8_0, &opts), AXQ_ERR_INVALID_ARGUMENT, "struct_size");

  float* data = static_cast<float*>(axq_tensor_data_mut(src));
  data[70] = NAN;
  EXPECT_FAILS(axq_quantize(&out, src, AXQ_TYPE_Q4_1, nullptr), AXQ_ERR_NON_FINITE, "src[70]");
  EXPECT_EQ(out, nullptr);
  data[70] = 0.5f;

  axq_tensor_t* q = nullptr;
  ASSERT_EQ(axq_quantize(&q, src, AXQ_TYPE_Q8_0, nullptr), AXQ_OK);
  EXPECT_FAILS(axq_quantize(&out, q, AXQ_TYPE_Q4_0, nullptr), AXQ_ERR_INVALID_ARGUMENT, "f32");

  axq_dequantize_options_t dopts;
  EXPECT_FAILS((axq_dequantize_options_init)(nullptr), AXQ_ERR_INVALID_ARGUMENT, "opts");
  EXPECT_FAILS(axq_dequantize_options_init_sized(nullptr, sizeof(dopts)), AXQ_ERR_INVALID_ARGUMENT, "opts");
  ASSERT_EQ(axq_dequantize_options_init(&dopts), AXQ_OK);
  EXPECT_FAILS(axq_dequantize(nullptr, q, &dopts), AXQ_ERR_INVALID_ARGUMENT, "out");
  EXPECT_FAILS(axq_dequantize(&out, nullptr, &dopts), AXQ_ERR_INVALID_ARGUMENT, "src");
  dopts.struct_size = 2;
  EXPECT_FAILS(axq_dequantize(&out, q, &dopts), AXQ_ERR_INVALID_ARGUMENT, "struct_size");
  // An options struct from an older header (struct_size only) is accepted.
  dopts.struct_size = sizeof(uint32_t);
  ASSERT_EQ(axq_dequantize(&out, q, &dopts), AXQ_OK);
  EXPECT_EQ(axq_tensor_type(out), AXQ_TYPE_F32);
  EXPECT_EQ(axq_tensor_dim(out, 1), 2);
  EXPECT_NEAR(static_cast<const float*>(axq_tensor_data(out))[70], 0.5f, 0.5f / 127);
  axq_tensor_destroy(out);
  axq_tensor_destroy(q);
  axq_tensor_destroy(src);
}

TEST(Contract, SimdTargets) {
  ASSERT_GE(axq_simd_target_count(), 1u);
  EXPECT_EQ(axq_simd_target_at(axq_simd_target_count()), nullptr);
  // Run once plainly and once with AXQ_SIMD_TARGETS set (tests/meson.build),
  // where the variable must have chosen the starting target.
  const char* expected = std::getenv("AXQ_TEST_EXPECT_TARGET");
  EXPECT_STREQ(axq_simd_target_name(), expected != nullptr ? expected : axq_simd_target_at(0));
  EXPECT_FAILS(axq_simd_set_targets("AVX9"), AXQ_ERR_INVALID_ARGUMENT, "AVX9");
  const std::string last = axq_simd_target_at(axq_simd_target_count() - 1);
  ASSERT_EQ(axq_simd_set_targets((" " + last + " ,").c_str()), AXQ_OK);
  EXPECT_EQ(axq_simd_target_name(), last);
  ASSERT_EQ(axq_simd_set_targets(""), AXQ_OK);
  EXPECT_STREQ(axq_simd_target_name(), axq_simd_target_at(0));
}

}  // namespace
