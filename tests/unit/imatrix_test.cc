// Importance matrices through the public API (axq/imatrix.h) and
// axq_quantize_options_t.importance: accumulation, the two file formats
// (written here by hand, byte by byte, from their layouts), every kind of
// broken file, atomic saves, options validation, thread-count invariance,
// and that weighting lowers the importance-weighted error. Byte-exactness
// with ggml is the interop suite's (tests/interop/imatrix_interop_test.cc).
#include <signal.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "tests/common/test_support.h"

namespace {

using axq_test::Rng;

void ExpectFailure(axq_status got, axq_status want, const char* needle = nullptr) {
  EXPECT_EQ(got, want) << axq_last_error();
  EXPECT_STRNE(axq_last_error(), "");
  if (needle != nullptr) {
    EXPECT_NE(std::strstr(axq_last_error(), needle), nullptr) << axq_last_error();
  }
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::vector<uint8_t> bytes;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return bytes;
  int c;
  while ((c = std::fgetc(f)) != EOF) bytes.push_back(static_cast<uint8_t>(c));
  std::fclose(f);
  return bytes;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
}

std::vector<float> Values(const axq_imatrix_t* im, const char* name) {
  int64_t cols = 0;
  EXPECT_EQ(axq_imatrix_columns(im, name, &cols), AXQ_OK) << axq_last_error();
  std::vector<float> v(static_cast<size_t>(cols));
  EXPECT_EQ(axq_imatrix_values(im, name, v.data(), cols), AXQ_OK) << axq_last_error();
  return v;
}

std::vector<float> Gaussian(size_t n, uint64_t seed, float scale = 1.0f) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (float& x : v) x = rng.Gaussian() * scale;
  return v;
}

// ---------------------------------------------------------------------------
// Accumulation and queries

TEST(Imatrix, AccumulateGivesMeanSquarePerColumn) {
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(axq_imatrix_create(&im), AXQ_OK);
  EXPECT_EQ(axq_imatrix_count(im), 0u);
  const int64_t cols = 24;
  const std::vector<float> a = Gaussian(5 * cols, 1, 2.0f);
  const std::vector<float> b = Gaussian(3 * cols, 2, 0.5f);
  ASSERT_EQ(axq_imatrix_accumulate(im, "blk.0.ffn_up.weight", a.data(), 5, cols), AXQ_OK);
  ASSERT_EQ(axq_imatrix_accumulate(im, "blk.0.ffn_up.weight", b.data(), 3, cols), AXQ_OK);
  ASSERT_EQ(axq_imatrix_count(im), 1u);
  const std::vector<float> got = Values(im, "blk.0.ffn_up.weight");
  ASSERT_EQ(got.size(), static_cast<size_t>(cols));
  for (int64_t j = 0; j < cols; ++j) {
    double sum = 0.0;  // float64 in row order, then f32 over the f32 count
    for (int64_t r = 0; r < 5; ++r) sum += static_cast<double>(a[r * cols + j]) * a[r * cols + j];
    for (int64_t r = 0; r < 3; ++r) sum += static_cast<double>(b[r * cols + j]) * b[r * cols + j];
    EXPECT_EQ(got[j], static_cast<float>(sum) / 8.0f) << j;
  }
  axq_imatrix_destroy(im);
}

TEST(Imatrix, EntriesAreInNameOrder) {
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(axq_imatrix_create(&im), AXQ_OK);
  const float x[4] = {1, 2, 3, 4};
  for (const char* name : {"c", "a", "b"}) ASSERT_EQ(axq_imatrix_accumulate(im, name, x, 1, 4), AXQ_OK);
  ASSERT_EQ(axq_imatrix_count(im), 3u);
  const char* first = axq_imatrix_name(im, 0);
  EXPECT_STREQ(first, "a");
  EXPECT_STREQ(axq_imatrix_name(im, 1), "b");
  EXPECT_STREQ(axq_imatrix_name(im, 2), "c");
  ASSERT_EQ(axq_imatrix_accumulate(im, "0", x, 1, 4), AXQ_OK);
  EXPECT_STREQ(axq_imatrix_name(im, 0), "0");
  EXPECT_STREQ(first, "a");  // names stay valid while the imatrix lives
  EXPECT_EQ(axq_imatrix_name(im, 4), nullptr);
  EXPECT_NE(std::strstr(axq_last_error(), "4"), nullptr);
  EXPECT_EQ(axq_imatrix_name(nullptr, 0), nullptr);
  EXPECT_EQ(axq_imatrix_count(nullptr), 0u);
  axq_imatrix_destroy(im);
  axq_imatrix_destroy(nullptr);
}

TEST(Imatrix, AccumulateRejectsBadInputAndKeepsTheEntry) {
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(axq_imatrix_create(&im), AXQ_OK);
  std::vector<float> x = Gaussian(32, 3);
  ASSERT_EQ(axq_imatrix_accumulate(im, "w", x.data(), 2, 16), AXQ_OK);
  const std::vector<float> before = Values(im, "w");
  ExpectFailure(axq_imatrix_accumulate(nullptr, "w", x.data(), 2, 16), AXQ_ERR_INVALID_ARGUMENT, "im");
  ExpectFailure(axq_imatrix_accumulate(im, nullptr, x.data(), 2, 16), AXQ_ERR_INVALID_ARGUMENT, "name");
  ExpectFailure(axq_imatrix_accumulate(im, "w", nullptr, 2, 16), AXQ_ERR_INVALID_ARGUMENT, "x");
  ExpectFailure(axq_imatrix_accumulate(im, "w", x.data(), 0, 16), AXQ_ERR_INVALID_ARGUMENT, "rows");
  ExpectFailure(axq_imatrix_accumulate(im, "w", x.data(), 2, 0), AXQ_ERR_INVALID_ARGUMENT, "cols");
  ExpectFailure(axq_imatrix_accumulate(im, "w", x.data(), -1, 16), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_imatrix_accumulate(im, "w", x.data(), INT64_MAX, 16), AXQ_ERR_INVALID_ARGUMENT, "overflow");
  ExpectFailure(axq_imatrix_accumulate(im, "w", x.data(), 4, 8), AXQ_ERR_INVALID_ARGUMENT, "16 columns");
  ExpectFailure(axq_imatrix_accumulate(im, "", x.data(), 2, 16), AXQ_ERR_INVALID_ARGUMENT);
  const std::string long_name(56, 'n');
  ExpectFailure(axq_imatrix_accumulate(im, long_name.c_str(), x.data(), 2, 16), AXQ_ERR_INVALID_ARGUMENT, "55");
  EXPECT_EQ(axq_imatrix_accumulate(im, long_name.substr(1).c_str(), x.data(), 2, 16), AXQ_OK);
  x[21] = std::numeric_limits<float>::quiet_NaN();
  ExpectFailure(axq_imatrix_accumulate(im, "w", x.data(), 2, 16), AXQ_ERR_NON_FINITE, "x[21]");
  x[21] = std::numeric_limits<float>::infinity();
  ExpectFailure(axq_imatrix_accumulate(im, "w", x.data(), 2, 16), AXQ_ERR_NON_FINITE, "x[21]");
  // Squares past the f32 range a file could hold.
  std::vector<float> big(16, 3e19f);
  ExpectFailure(axq_imatrix_accumulate(im, "w", big.data(), 1, 16), AXQ_ERR_NON_FINITE, "f32");
  EXPECT_EQ(Values(im, "w"), before);
  EXPECT_EQ(axq_imatrix_count(im), 2u);
  axq_imatrix_destroy(im);
}

// Accumulations from several threads are applied one after the other.
// Small integers keep every sum exact, whatever the order.
TEST(Imatrix, ConcurrentAccumulation) {
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(axq_imatrix_create(&im), AXQ_OK);
  constexpr int kThreads = 4, kCalls = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([im, t] {
      const std::string own = "t" + std::to_string(t);
      const float v = static_cast<float>(t + 1);
      const float mine[3] = {v, v, v};
      const float x[3] = {1, 2, 3};
      for (int c = 0; c < kCalls; ++c) {
        EXPECT_EQ(axq_imatrix_accumulate(im, "shared", mine, 1, 3), AXQ_OK);
        EXPECT_EQ(axq_imatrix_accumulate(im, own.c_str(), x, 1, 3), AXQ_OK);
        EXPECT_NE(axq_imatrix_name(im, 0), nullptr);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(axq_imatrix_count(im), 1u + kThreads);
  // 50 rows each of 1, 2, 3, 4: mean square 7.5 only if no update was lost.
  EXPECT_EQ(Values(im, "shared"), (std::vector<float>{7.5f, 7.5f, 7.5f}));
  EXPECT_EQ(Values(im, "t3"), (std::vector<float>{1, 4, 9}));
  axq_imatrix_destroy(im);
}

TEST(Imatrix, QueriesValidateTheirArguments) {
  axq_imatrix_t* im = nullptr;
  ExpectFailure(axq_imatrix_create(nullptr), AXQ_ERR_INVALID_ARGUMENT);
  ASSERT_EQ(axq_imatrix_create(&im), AXQ_OK);
  const float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  ASSERT_EQ(axq_imatrix_accumulate(im, "w", x, 1, 8), AXQ_OK);
  int64_t cols = -1;
  ExpectFailure(axq_imatrix_columns(im, "nope.weight", &cols), AXQ_ERR_INVALID_ARGUMENT, "nope.weight");
  EXPECT_EQ(cols, 0);
  ExpectFailure(axq_imatrix_columns(nullptr, "w", &cols), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_imatrix_columns(im, nullptr, &cols), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_imatrix_columns(im, "w", nullptr), AXQ_ERR_INVALID_ARGUMENT);
  float v[8];
  ExpectFailure(axq_imatrix_values(im, "nope.weight", v, 8), AXQ_ERR_INVALID_ARGUMENT, "nope.weight");
  ExpectFailure(axq_imatrix_values(im, "w", v, 7), AXQ_ERR_INVALID_ARGUMENT, "8");
  ExpectFailure(axq_imatrix_values(im, "w", nullptr, 8), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_imatrix_values(nullptr, "w", v, 8), AXQ_ERR_INVALID_ARGUMENT);
  ASSERT_EQ(axq_imatrix_values(im, "w", v, 8), AXQ_OK);
  for (int j = 0; j < 8; ++j) EXPECT_EQ(v[j], x[j] * x[j]);
  axq_imatrix_t* loaded = reinterpret_cast<axq_imatrix_t*>(1);
  ExpectFailure(axq_imatrix_load(&loaded, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(loaded, nullptr);
  ExpectFailure(axq_imatrix_load(nullptr, "x"), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_imatrix_load(&loaded, ""), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_imatrix_load(&loaded, axq_test::ScratchPath("missing.gguf").c_str()), AXQ_ERR_IO, "missing");
  ExpectFailure(axq_imatrix_save(nullptr, "x"), AXQ_ERR_INVALID_ARGUMENT);
  ExpectFailure(axq_imatrix_save(im, nullptr), AXQ_ERR_INVALID_ARGUMENT);
  axq_imatrix_t* empty = nullptr;
  ASSERT_EQ(axq_imatrix_create(&empty), AXQ_OK);
  ExpectFailure(axq_imatrix_save(empty, axq_test::ScratchPath("empty.gguf").c_str()), AXQ_ERR_INVALID_ARGUMENT);
  axq_imatrix_destroy(empty);
  axq_imatrix_destroy(im);
}

// ---------------------------------------------------------------------------
// Files

TEST(Imatrix, SaveLoadRoundTrip) {
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(axq_imatrix_create(&im), AXQ_OK);
  const char* names[] = {"blk.0.attn_q.weight", "blk.0.ffn_down.weight", "output.weight"};
  for (int i = 0; i < 3; ++i) {
    const int64_t cols = 32 * (i + 1);
    const std::vector<float> x = Gaussian(static_cast<size_t>(cols) * 9, 10 + i, 1.5f);
    ASSERT_EQ(axq_imatrix_accumulate(im, names[i], x.data(), 9, cols), AXQ_OK);
  }
  const std::string path = axq_test::ScratchPath("round.gguf");
  ASSERT_EQ(axq_imatrix_save(im, path.c_str()), AXQ_OK) << axq_last_error();
  axq_imatrix_t* back = nullptr;
  ASSERT_EQ(axq_imatrix_load(&back, path.c_str()), AXQ_OK) << axq_last_error();
  ASSERT_EQ(axq_imatrix_count(back), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_STREQ(axq_imatrix_name(back, i), axq_imatrix_name(im, i));
    const std::vector<float> want = Values(im, names[i]);
    const std::vector<float> got = Values(back, names[i]);
    ASSERT_EQ(got.size(), want.size());
    EXPECT_EQ(axq_test::FirstFloatMismatch(got.data(), want.data(), static_cast<int64_t>(got.size())), -1);
  }
  // A loaded imatrix saves to the very same bytes.
  const std::string again = axq_test::ScratchPath("round2.gguf");
  ASSERT_EQ(axq_imatrix_save(back, again.c_str()), AXQ_OK);
  EXPECT_EQ(ReadFile(again), ReadFile(path));
  axq_imatrix_destroy(back);
  axq_imatrix_destroy(im);
}

void PutI32(std::string* s, int32_t v) { s->append(reinterpret_cast<const char*>(&v), 4); }
void PutU32(std::string* s, uint32_t v) { s->append(reinterpret_cast<const char*>(&v), 4); }
void PutI64(std::string* s, int64_t v) { s->append(reinterpret_cast<const char*>(&v), 8); }
void PutU64(std::string* s, uint64_t v) { s->append(reinterpret_cast<const char*>(&v), 8); }
void PutF32(std::string* s, float v) { s->append(reinterpret_cast<const char*>(&v), 4); }

struct LegacyEntry {
  std::string name;
  int32_t ncall;
  std::vector<float> values;
};

// llama-imatrix's .dat: count, entries, then the optional trailer.
std::string LegacyFile(const std::vector<LegacyEntry>& entries, bool chunk_count, const char* dataset) {
  std::string s;
  PutI32(&s, static_cast<int32_t>(entries.size()));
  for (const LegacyEntry& e : entries) {
    PutI32(&s, static_cast<int32_t>(e.name.size()));
    s += e.name;
    PutI32(&s, e.ncall);
    PutI32(&s, static_cast<int32_t>(e.values.size()));
    for (float v : e.values) PutF32(&s, v);
  }
  if (chunk_count) PutI32(&s, 17);
  if (dataset != nullptr) {
    PutI32(&s, static_cast<int32_t>(std::strlen(dataset)));
    s += dataset;
  }
  return s;
}

const std::vector<LegacyEntry> kLegacyEntries = {
    {"blk.0.ffn_up.weight", 4, {1.0f, 2.0f, 6.0f, 0.0f}}, {"blk.1.ffn_up.weight", 0, {3.0f, 0.25f}}};

axq_status LoadBytes(const std::string& bytes, axq_imatrix_t** out, const char* file = "case.bin") {
  const std::string path = axq_test::ScratchPath(file);
  WriteFile(path, bytes);
  return axq_imatrix_load(out, path.c_str());
}

TEST(Imatrix, LegacyDatLoads) {
  for (int trailer = 0; trailer < 3; ++trailer) {
    axq_imatrix_t* im = nullptr;
    ASSERT_EQ(LoadBytes(LegacyFile(kLegacyEntries, trailer >= 1, trailer == 2 ? "wiki.txt" : nullptr), &im), AXQ_OK)
        << axq_last_error();
    ASSERT_EQ(axq_imatrix_count(im), 2u);
    // Importance = value / ncall, or the value itself when ncall <= 0.
    EXPECT_EQ(Values(im, "blk.0.ffn_up.weight"), (std::vector<float>{0.25f, 0.5f, 1.5f, 0.0f}));
    EXPECT_EQ(Values(im, "blk.1.ffn_up.weight"), (std::vector<float>{3.0f, 0.25f}));
    // Saved as GGUF, the importance is unchanged.
    const std::string path = axq_test::ScratchPath("from-legacy.gguf");
    ASSERT_EQ(axq_imatrix_save(im, path.c_str()), AXQ_OK) << axq_last_error();
    axq_imatrix_t* back = nullptr;
    ASSERT_EQ(axq_imatrix_load(&back, path.c_str()), AXQ_OK) << axq_last_error();
    EXPECT_EQ(Values(back, "blk.0.ffn_up.weight"), Values(im, "blk.0.ffn_up.weight"));
    EXPECT_EQ(Values(back, "blk.1.ffn_up.weight"), Values(im, "blk.1.ffn_up.weight"));
    axq_imatrix_destroy(back);
    axq_imatrix_destroy(im);
  }
}

TEST(Imatrix, LegacyTruncatedAtEveryByte) {
  const std::string whole = LegacyFile(kLegacyEntries, true, "wiki.txt");
  // Where the file may legitimately end: after the entries, after the
  // chunk count.
  const size_t entries_end = whole.size() - 4 - 4 - 8;
  for (size_t n = 0; n < whole.size(); ++n) {
    axq_imatrix_t* im = nullptr;
    const axq_status s = LoadBytes(whole.substr(0, n), &im);
    if (n == entries_end || n == entries_end + 4) {
      EXPECT_EQ(s, AXQ_OK) << n << ": " << axq_last_error();
    } else {
      EXPECT_EQ(s, AXQ_ERR_CORRUPT_DATA) << n;
      EXPECT_EQ(im, nullptr);
    }
    axq_imatrix_destroy(im);
  }
}

TEST(Imatrix, LegacyCorruptFieldsAreRejected) {
  const std::string good = LegacyFile(kLegacyEntries, true, "wiki.txt");
  const size_t name_len_at = 4, ncall_at = 8 + 19, nval_at = ncall_at + 4, value_at = nval_at + 4;
  struct Case {
    const char* what;
    size_t at;
    int32_t value;
    const char* needle;
  } cases[] = {
      {"entry count 0", 0, 0, "entry count"},
      {"entry count -1", 0, -1, "entry count"},
      {"entry count huge", 0, 0x7FFFFFFF, "entry count"},
      {"entry count 3 (lies)", 0, 3, nullptr},
      {"name length 0", name_len_at, 0, "name length"},
      {"name length -5", name_len_at, -5, "name length"},
      {"name length huge", name_len_at, 0x7FFFFFF0, "name length"},
      {"value count 0", nval_at, 0, "value count"},
      {"value count -1", nval_at, -1, "value count"},
      {"value count huge", nval_at, 0x40000000, "value count"},
      {"value count 5 (lies)", nval_at, 5, nullptr},
      {"NaN value", value_at, 0x7FC00000, "value"},
      {"infinite value", value_at + 4, 0x7F800000, "value"},
      {"negative value", value_at + 8, static_cast<int32_t>(0xBF800000u), "value"},
  };
  for (const Case& c : cases) {
    std::string bad = good;
    std::memcpy(&bad[c.at], &c.value, 4);
    axq_imatrix_t* im = nullptr;
    const axq_status s = LoadBytes(bad, &im);
    EXPECT_EQ(s, AXQ_ERR_CORRUPT_DATA) << c.what;
    EXPECT_EQ(im, nullptr) << c.what;
    if (c.needle != nullptr) {
      EXPECT_NE(std::strstr(axq_last_error(), c.needle), nullptr) << axq_last_error();
    }
    axq_imatrix_destroy(im);
  }
  // The trailer: a partial count, a negative or lying dataset length,
  // bytes after the dataset.
  const std::string entries_only = LegacyFile(kLegacyEntries, false, nullptr);
  std::string partial = entries_only + "ab";
  std::string negative = entries_only;
  PutI32(&negative, 1);
  PutI32(&negative, -3);
  std::string lying = entries_only;
  PutI32(&lying, 1);
  PutI32(&lying, 100);
  lying += "abc";
  std::string extra = LegacyFile(kLegacyEntries, true, "wiki.txt") + "!";
  std::string negative_count = entries_only;
  PutI32(&negative_count, -1);
  for (const std::string& bad : {partial, negative, lying, extra, negative_count}) {
    axq_imatrix_t* im = nullptr;
    EXPECT_EQ(LoadBytes(bad, &im), AXQ_ERR_CORRUPT_DATA) << bad.size();
    axq_imatrix_destroy(im);
  }
  // Names: twice the same, or holding a NUL.
  std::vector<LegacyEntry> twice = {kLegacyEntries[0], kLegacyEntries[0]};
  axq_imatrix_t* im = nullptr;
  ExpectFailure(LoadBytes(LegacyFile(twice, false, nullptr), &im), AXQ_ERR_CORRUPT_DATA, "twice");
  std::vector<LegacyEntry> nul = {{std::string("a\0b", 3), 1, {1.0f}}};
  ExpectFailure(LoadBytes(LegacyFile(nul, false, nullptr), &im), AXQ_ERR_CORRUPT_DATA, "NUL");
  EXPECT_EQ(im, nullptr);
}

// A GGUF file built field by field (FORMATS.md §6), for broken variants.
struct GgufTensor {
  std::string name;
  std::vector<int64_t> ne;
  int32_t type;
  std::string data;
};
struct GgufKv {
  std::string key;
  int32_t type;
  std::string value;  // encoded
};

GgufKv KvString(const std::string& key, const std::string& v) {
  std::string e;
  PutU64(&e, v.size());
  return {key, 8, e + v};
}
GgufKv KvU32(const std::string& key, uint32_t v) {
  std::string e;
  PutU32(&e, v);
  return {key, 4, e};
}
GgufKv KvStrings(const std::string& key, const std::vector<std::string>& list) {
  std::string e;
  PutI32(&e, 8);
  PutU64(&e, list.size());
  for (const std::string& s : list) {
    PutU64(&e, s.size());
    e += s;
  }
  return {key, 9, e};
}

std::string F32Data(const std::vector<float>& v) {
  std::string s;
  for (float x : v) PutF32(&s, x);
  return s;
}

std::string BuildGguf(const std::vector<GgufKv>& kvs, const std::vector<GgufTensor>& tensors, uint32_t version = 3) {
  std::string s = "GGUF";
  PutU32(&s, version);
  PutI64(&s, static_cast<int64_t>(tensors.size()));
  PutI64(&s, static_cast<int64_t>(kvs.size()));
  for (const GgufKv& kv : kvs) {
    PutU64(&s, kv.key.size());
    s += kv.key;
    PutI32(&s, kv.type);
    s += kv.value;
  }
  uint64_t offset = 0;
  for (const GgufTensor& t : tensors) {
    PutU64(&s, t.name.size());
    s += t.name;
    PutU32(&s, static_cast<uint32_t>(t.ne.size()));
    for (int64_t d : t.ne) PutI64(&s, d);
    PutI32(&s, t.type);
    PutU64(&s, offset);
    offset += (t.data.size() + 31) / 32 * 32;
  }
  s.resize((s.size() + 31) / 32 * 32, '\0');
  for (const GgufTensor& t : tensors) {
    s += t.data;
    s.resize((s.size() + 31) / 32 * 32, '\0');
  }
  return s;
}

std::vector<GgufKv> GoodMetadata() {
  return {KvString("general.type", "imatrix"), KvStrings("imatrix.datasets", {"d.txt"}),
          KvU32("imatrix.chunk_count", 3), KvU32("imatrix.chunk_size", 512)};
}

// A plain entry (sums 1..4 over count 2) and an expert entry of 2 slices
// whose second count is 0.
std::vector<GgufTensor> GoodTensors() {
  return {{"a.weight.in_sum2", {4, 1}, 0, F32Data({1, 2, 3, 4})},
          {"a.weight.counts", {1, 1}, 0, F32Data({2})},
          {"e.weight.in_sum2", {2, 2}, 0, F32Data({1, 2, 3, 4})},
          {"e.weight.counts", {1, 2}, 0, F32Data({4, 0})}};
}

TEST(Imatrix, GgufLoadsSumsOverCounts) {
  std::vector<GgufTensor> tensors = GoodTensors();
  tensors.push_back({"unrelated.weight", {4}, 0, F32Data({9, 9, 9, 9})});  // ignored
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(LoadBytes(BuildGguf(GoodMetadata(), tensors), &im), AXQ_OK) << axq_last_error();
  ASSERT_EQ(axq_imatrix_count(im), 2u);
  EXPECT_EQ(Values(im, "a.weight"), (std::vector<float>{0.5f, 1.0f, 1.5f, 2.0f}));
  // Per expert; an expert never routed to gets importance 1.
  EXPECT_EQ(Values(im, "e.weight"), (std::vector<float>{0.25f, 0.5f, 1.0f, 1.0f}));
  // Expert entries cannot take single-matrix activations.
  const float x[8] = {1, 1, 1, 1, 1, 1, 1, 1};
  ExpectFailure(axq_imatrix_accumulate(im, "e.weight", x, 1, 4), AXQ_ERR_UNSUPPORTED, "e.weight");
  EXPECT_EQ(axq_imatrix_accumulate(im, "a.weight", x, 2, 4), AXQ_OK);
  EXPECT_EQ(Values(im, "a.weight"), (std::vector<float>{0.75f, 1.0f, 1.25f, 1.5f}));
  // Metadata survives a save.
  const std::string path = axq_test::ScratchPath("meta.gguf");
  ASSERT_EQ(axq_imatrix_save(im, path.c_str()), AXQ_OK);
  const std::vector<uint8_t> saved = ReadFile(path);
  const std::string text(saved.begin(), saved.end());
  EXPECT_NE(text.find("d.txt"), std::string::npos);
  EXPECT_NE(text.find("imatrix.chunk_size"), std::string::npos);
  axq_imatrix_destroy(im);
  // Metadata is optional on reading.
  ASSERT_EQ(LoadBytes(BuildGguf({}, GoodTensors()), &im), AXQ_OK) << axq_last_error();
  axq_imatrix_destroy(im);
}

TEST(Imatrix, GgufTruncatedAtEveryByte) {
  const std::string whole = BuildGguf(GoodMetadata(), GoodTensors());
  // The last tensor (8 bytes) needs no padding after it.
  const size_t data_end = whole.size() - 32 + 8;
  for (size_t n = 0; n < whole.size(); ++n) {
    axq_imatrix_t* im = nullptr;
    const axq_status s = LoadBytes(whole.substr(0, n), &im);
    if (n >= data_end) {
      EXPECT_EQ(s, AXQ_OK) << n << ": " << axq_last_error();
    } else {
      EXPECT_EQ(s, AXQ_ERR_CORRUPT_DATA) << n;
      EXPECT_EQ(im, nullptr);
    }
    axq_imatrix_destroy(im);
  }
}

TEST(Imatrix, GgufCorruptFieldsAreRejected) {
  struct Case {
    const char* what;
    std::vector<GgufKv> kvs;
    std::vector<GgufTensor> tensors;
    const char* needle;
  };
  std::vector<Case> cases;
  auto with_tensor = [](size_t i, GgufTensor t) {
    std::vector<GgufTensor> v = GoodTensors();
    v[i] = std::move(t);
    return v;
  };
  auto with_kv = [](size_t i, GgufKv kv) {
    std::vector<GgufKv> v = GoodMetadata();
    v[i] = std::move(kv);
    return v;
  };
  cases.push_back({"a model file", with_kv(0, KvString("general.type", "model")), GoodTensors(), "general.type"});
  cases.push_back({"general.type not a string", with_kv(0, KvU32("general.type", 1)), GoodTensors(), "general.type"});
  cases.push_back({"datasets not strings", with_kv(1, KvU32("imatrix.datasets", 1)), GoodTensors(), "datasets"});
  cases.push_back({"chunk_count a string", with_kv(2, KvString("imatrix.chunk_count", "3")), GoodTensors(),
                   "chunk_count"});
  cases.push_back({"chunk_size a string", with_kv(3, KvString("imatrix.chunk_size", "3")), GoodTensors(),
                   "chunk_size"});
  {
    std::vector<GgufTensor> t = GoodTensors();
    t.erase(t.begin() + 1);
    cases.push_back({"counts missing", GoodMetadata(), t, "a.weight"});
  }
  {
    std::vector<GgufTensor> t = GoodTensors();
    t.erase(t.begin());
    cases.push_back({"sums missing", GoodMetadata(), t, "a.weight"});
  }
  cases.push_back({"sums as F16", GoodMetadata(), with_tensor(0, {"a.weight.in_sum2", {4, 1}, 1, std::string(8, '\0')}),
                   "F32"});
  cases.push_back({"counts as F16", GoodMetadata(), with_tensor(1, {"a.weight.counts", {1, 1}, 1, std::string(2, '\0')}),
                   "F32"});
  cases.push_back({"negative sum", GoodMetadata(), with_tensor(0, {"a.weight.in_sum2", {4, 1}, 0, F32Data({1, -2, 3, 4})}),
                   "in_sum2"});
  cases.push_back({"NaN sum", GoodMetadata(),
                   with_tensor(0, {"a.weight.in_sum2", {4, 1}, 0, F32Data({1, NAN, 3, 4})}), "in_sum2"});
  cases.push_back({"infinite sum", GoodMetadata(),
                   with_tensor(0, {"a.weight.in_sum2", {4, 1}, 0, F32Data({1, INFINITY, 3, 4})}), "in_sum2"});
  cases.push_back({"negative count", GoodMetadata(), with_tensor(1, {"a.weight.counts", {1, 1}, 0, F32Data({-2})}),
                   "counts"});
  cases.push_back({"NaN count", GoodMetadata(), with_tensor(1, {"a.weight.counts", {1, 1}, 0, F32Data({NAN})}),
                   "counts"});
  cases.push_back({"huge count", GoodMetadata(), with_tensor(1, {"a.weight.counts", {1, 1}, 0, F32Data({1e30f})}),
                   "counts"});
  cases.push_back({"slices do not divide the sums", GoodMetadata(),
                   with_tensor(3, {"e.weight.counts", {1, 3}, 0, F32Data({1, 1, 1})}), "slices"});
  cases.push_back({"no imatrix tensors", GoodMetadata(), {{"x.weight", {4}, 0, F32Data({1, 2, 3, 4})}}, "no imatrix"});
  cases.push_back({"no tensors", GoodMetadata(), {}, "no imatrix"});
  for (const Case& c : cases) {
    axq_imatrix_t* im = nullptr;
    ExpectFailure(LoadBytes(BuildGguf(c.kvs, c.tensors), &im), AXQ_ERR_CORRUPT_DATA, c.needle);
    EXPECT_EQ(im, nullptr) << c.what;
  }
  // Header fields of the container itself.
  axq_imatrix_t* im = nullptr;
  ExpectFailure(LoadBytes(BuildGguf(GoodMetadata(), GoodTensors(), 4), &im), AXQ_ERR_UNSUPPORTED, "version");
  std::string lying_count = BuildGguf(GoodMetadata(), GoodTensors());
  const int64_t huge = int64_t{1} << 40;
  std::memcpy(&lying_count[8], &huge, 8);  // tensor count
  ExpectFailure(LoadBytes(lying_count, &im), AXQ_ERR_CORRUPT_DATA, "tensor_count");
  std::string lying_kvs = BuildGguf(GoodMetadata(), GoodTensors());
  std::memcpy(&lying_kvs[16], &huge, 8);  // key-value count
  ExpectFailure(LoadBytes(lying_kvs, &im), AXQ_ERR_CORRUPT_DATA, "kv_count");
  std::string bad_magic = BuildGguf(GoodMetadata(), GoodTensors());
  bad_magic[3] = 'X';  // not GGUF, so read as legacy: its entry count is absurd
  ExpectFailure(LoadBytes(bad_magic, &im), AXQ_ERR_CORRUPT_DATA, "entry count");
  ExpectFailure(LoadBytes("", &im), AXQ_ERR_CORRUPT_DATA);
  EXPECT_EQ(im, nullptr);
}

TEST(Imatrix, FailedSaveKeepsTheOldFile) {
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(axq_imatrix_create(&im), AXQ_OK);
  const float x[4] = {1, 2, 3, 4};
  ASSERT_EQ(axq_imatrix_accumulate(im, "small", x, 1, 4), AXQ_OK);
  const std::string path = axq_test::ScratchPath("kept.gguf");
  ASSERT_EQ(axq_imatrix_save(im, path.c_str()), AXQ_OK);
  const std::vector<uint8_t> old = ReadFile(path);
  ASSERT_FALSE(old.empty());
  // A bigger imatrix whose save cannot complete: the process may not write
  // files beyond 4 KiB.
  const std::vector<float> wide = Gaussian(8192, 4);
  ASSERT_EQ(axq_imatrix_accumulate(im, "wide", wide.data(), 1, 8192), AXQ_OK);
  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  void (*previous)(int) = signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = saved;
  small.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const axq_status s = axq_imatrix_save(im, path.c_str());
  setrlimit(RLIMIT_FSIZE, &saved);
  signal(SIGXFSZ, previous);
  ExpectFailure(s, AXQ_ERR_IO);
  EXPECT_EQ(ReadFile(path), old);
  // Nor does a save into a missing directory leave anything behind.
  ExpectFailure(axq_imatrix_save(im, axq_test::ScratchPath("no/such/dir.gguf").c_str()), AXQ_ERR_IO);
  axq_imatrix_t* back = nullptr;
  ASSERT_EQ(axq_imatrix_load(&back, path.c_str()), AXQ_OK);
  EXPECT_EQ(axq_imatrix_count(back), 1u);
  axq_imatrix_destroy(back);
  axq_imatrix_destroy(im);
}

// ---------------------------------------------------------------------------
// Quantization with an importance matrix

const axq_type kWeightedTypes[] = {AXQ_TYPE_Q2_K, AXQ_TYPE_Q3_K, AXQ_TYPE_Q4_K, AXQ_TYPE_Q5_K, AXQ_TYPE_Q6_K,
                                   AXQ_TYPE_Q4_0, AXQ_TYPE_Q4_1, AXQ_TYPE_Q5_0, AXQ_TYPE_Q5_1};

struct Quantized {
  axq_status status;
  std::vector<uint8_t> bytes;
};

Quantized Quantize(axq_type type, const std::vector<float>& x, int ndim, const int64_t* dims, const float* importance,
                   int64_t importance_len, uint32_t threads = 1, uint32_t struct_size = 0) {
  axq_tensor_t* src = nullptr;
  EXPECT_EQ(axq_tensor_from_f32(&src, x.data(), ndim, dims), AXQ_OK);
  axq_quantize_options_t opts;
  axq_quantize_options_init(&opts);
  opts.n_threads = threads;
  opts.importance = importance;
  opts.importance_len = importance_len;
  if (struct_size != 0) opts.struct_size = struct_size;
  axq_tensor_t* q = nullptr;
  Quantized out;
  out.status = axq_quantize(&q, src, type, &opts);
  if (q != nullptr) {
    const uint8_t* p = static_cast<const uint8_t*>(axq_tensor_data(q));
    out.bytes.assign(p, p + axq_tensor_nbytes(q));
  }
  axq_tensor_destroy(q);
  axq_tensor_destroy(src);
  return out;
}

std::vector<float> Dequantize(axq_type type, const std::vector<uint8_t>& bytes, int64_t n, int64_t rows) {
  const int64_t dims[2] = {n, rows};
  axq_tensor_t* t = nullptr;
  EXPECT_EQ(axq_tensor_from_bytes(&t, type, 2, dims, bytes.data(), bytes.size()), AXQ_OK);
  axq_tensor_t* f = nullptr;
  EXPECT_EQ(axq_dequantize(&f, t, nullptr), AXQ_OK);
  const float* p = static_cast<const float*>(axq_tensor_data(f));
  std::vector<float> out(p, p + n * rows);
  axq_tensor_destroy(f);
  axq_tensor_destroy(t);
  return out;
}

TEST(ImatrixQuantize, OptionsAreValidated) {
  const int64_t dims[2] = {256, 2};
  const std::vector<float> x = Gaussian(512, 1);
  std::vector<float> w(256, 1.0f);
  EXPECT_EQ(Quantize(AXQ_TYPE_Q4_K, x, 2, dims, w.data(), 256).status, AXQ_OK) << axq_last_error();
  Quantized q = Quantize(AXQ_TYPE_Q4_K, x, 2, dims, w.data(), 255);
  ExpectFailure(q.status, AXQ_ERR_INVALID_ARGUMENT, "importance_len");
  ExpectFailure(Quantize(AXQ_TYPE_Q4_K, x, 2, dims, w.data(), 512).status, AXQ_ERR_INVALID_ARGUMENT, "dims[0]");
  ExpectFailure(Quantize(AXQ_TYPE_Q4_K, x, 2, dims, nullptr, 256).status, AXQ_ERR_INVALID_ARGUMENT, "NULL");
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(), -1.0f}) {
    w[77] = bad;
    ExpectFailure(Quantize(AXQ_TYPE_Q4_K, x, 2, dims, w.data(), 256).status, AXQ_ERR_INVALID_ARGUMENT,
                  "importance[77]");
    // Validated even for types that ignore it.
    ExpectFailure(Quantize(AXQ_TYPE_Q8_0, x, 2, dims, w.data(), 256).status, AXQ_ERR_INVALID_ARGUMENT,
                  "importance[77]");
  }
  w[77] = 1.0f;
  // A struct_size that ends inside the importance fields is no header's.
  ExpectFailure(Quantize(AXQ_TYPE_Q4_K, x, 2, dims, w.data(), 256, 1, 20).status, AXQ_ERR_INVALID_ARGUMENT,
                "struct_size");
  // Callers built against 0.4 (12-byte options) never pass an importance:
  // whatever follows their struct is not read.
  const Quantized plain = Quantize(AXQ_TYPE_Q4_K, x, 2, dims, nullptr, 0);
  std::vector<float> garbage(256, std::numeric_limits<float>::quiet_NaN());
  const Quantized old = Quantize(AXQ_TYPE_Q4_K, x, 2, dims, garbage.data(), 3, 1, 12);
  EXPECT_EQ(old.status, AXQ_OK) << axq_last_error();
  EXPECT_EQ(old.bytes, plain.bytes);
  // The 0.4 _sized init fills 12 bytes and leaves the rest alone.
  axq_quantize_options_t opts;
  std::memset(&opts, 0xAB, sizeof(opts));
  ASSERT_EQ(axq_quantize_options_init_sized(&opts, 12), AXQ_OK);
  EXPECT_EQ(opts.struct_size, 12u);
  ASSERT_EQ(axq_quantize_options_init_sized(&opts, sizeof(opts)), AXQ_OK);
  EXPECT_EQ(opts.importance, nullptr);
  EXPECT_EQ(opts.importance_len, 0);
  // Non-finite input is still AXQ_ERR_NON_FINITE on the weighted path.
  std::vector<float> nan_x = x;
  nan_x[300] = std::numeric_limits<float>::quiet_NaN();
  ExpectFailure(Quantize(AXQ_TYPE_Q4_K, nan_x, 2, dims, w.data(), 256).status, AXQ_ERR_NON_FINITE, "src[300]");
  ExpectFailure(Quantize(AXQ_TYPE_Q4_0, nan_x, 2, dims, w.data(), 256).status, AXQ_ERR_NON_FINITE, "src[300]");
}

TEST(ImatrixQuantize, OtherTypesIgnoreIt) {
  const int64_t dims[2] = {256, 3};
  const std::vector<float> x = Gaussian(768, 2);
  std::vector<float> w(256);
  Rng rng(3);
  for (float& v : w) v = static_cast<float>(rng.Uniform()) * 100.0f;
  for (axq_type type : {AXQ_TYPE_Q8_0, AXQ_TYPE_F16, AXQ_TYPE_BF16, AXQ_TYPE_TQ2_0, AXQ_TYPE_F32}) {
    const Quantized with = Quantize(type, x, 2, dims, w.data(), 256);
    const Quantized without = Quantize(type, x, 2, dims, nullptr, 0);
    ASSERT_EQ(with.status, AXQ_OK) << axq_last_error();
    EXPECT_EQ(with.bytes, without.bytes) << type;
  }
  // ... while the nine weighted types do use it.
  for (axq_type type : kWeightedTypes) {
    EXPECT_NE(Quantize(type, x, 2, dims, w.data(), 256).bytes, Quantize(type, x, 2, dims, nullptr, 0).bytes) << type;
  }
}

TEST(ImatrixQuantize, SameBytesForEveryThreadCount) {
  const int64_t n = 512, rows = 37;
  const int64_t dims[2] = {n, rows};
  const std::vector<float> x = axq_test::StressInput(n * rows, 8);
  std::vector<float> w(static_cast<size_t>(n));
  Rng rng(9);
  for (float& v : w) v = rng.Uniform() < 0.2 ? 0.0f : static_cast<float>(rng.Uniform());
  for (axq_type type : kWeightedTypes) {
    const Quantized one = Quantize(type, x, 2, dims, w.data(), n, 1);
    ASSERT_EQ(one.status, AXQ_OK) << axq_last_error();
    for (uint32_t threads : {2u, 3u, 8u, 0u}) {
      EXPECT_EQ(Quantize(type, x, 2, dims, w.data(), n, threads).bytes, one.bytes) << type << " x" << threads;
    }
  }
}

TEST(ImatrixQuantize, ExpertSlicesOfA3dTensor) {
  const int64_t n = 256, rows = 4, experts = 3;
  const int64_t dims[3] = {n, rows, experts};
  const std::vector<float> x = Gaussian(static_cast<size_t>(n * rows * experts), 12);
  std::vector<float> w(static_cast<size_t>(n * experts));
  Rng rng(13);
  for (float& v : w) v = static_cast<float>(rng.Uniform());
  for (axq_type type : kWeightedTypes) {
    const Quantized all = Quantize(type, x, 3, dims, w.data(), n * experts, 2);
    ASSERT_EQ(all.status, AXQ_OK) << axq_last_error();
    // Each expert alone, as a 2-D tensor with its own slice.
    std::vector<uint8_t> joined;
    for (int64_t e = 0; e < experts; ++e) {
      const std::vector<float> part(x.begin() + e * rows * n, x.begin() + (e + 1) * rows * n);
      const int64_t part_dims[2] = {n, rows};
      const Quantized q = Quantize(type, part, 2, part_dims, w.data() + e * n, n);
      joined.insert(joined.end(), q.bytes.begin(), q.bytes.end());
    }
    EXPECT_EQ(all.bytes, joined) << type;
    // One slice for all experts also works; other lengths do not.
    EXPECT_EQ(Quantize(type, x, 3, dims, w.data(), n).status, AXQ_OK);
    ExpectFailure(Quantize(type, x, 3, dims, w.data(), n * 2).status, AXQ_ERR_INVALID_ARGUMENT, "dims[2]");
  }
}

// Where the importance is concentrated on a few columns, weighting must
// cut the error on those columns (the importance-weighted squared error)
// compared with quantizing without it.
TEST(ImatrixQuantize, LowersTheImportanceWeightedError) {
  const int64_t n = 1024, rows = 64;
  const int64_t dims[2] = {n, rows};
  const std::vector<float> x = Gaussian(static_cast<size_t>(n * rows), 21);
  std::vector<float> w(static_cast<size_t>(n));
  Rng rng(22);
  for (int64_t j = 0; j < n; ++j) w[j] = j % 16 == 3 ? 50.0f + static_cast<float>(rng.Uniform()) : 0.01f;
  for (axq_type type : kWeightedTypes) {
    const Quantized weighted = Quantize(type, x, 2, dims, w.data(), n);
    const Quantized plain = Quantize(type, x, 2, dims, nullptr, 0);
    ASSERT_EQ(weighted.status, AXQ_OK);
    const std::vector<float> yw = Dequantize(type, weighted.bytes, n, rows);
    const std::vector<float> yp = Dequantize(type, plain.bytes, n, rows);
    double err_weighted = 0.0, err_plain = 0.0;
    for (int64_t i = 0; i < n * rows; ++i) {
      const double wi = w[static_cast<size_t>(i % n)];
      err_weighted += wi * (static_cast<double>(x[i]) - yw[i]) * (static_cast<double>(x[i]) - yw[i]);
      err_plain += wi * (static_cast<double>(x[i]) - yp[i]) * (static_cast<double>(x[i]) - yp[i]);
    }
    EXPECT_LT(err_weighted, 0.9 * err_plain) << type << ": weighted " << err_weighted << ", plain " << err_plain;
  }
}

// An imatrix's values feed axq_quantize directly.
TEST(ImatrixQuantize, ValuesFromAnImatrix) {
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(axq_imatrix_create(&im), AXQ_OK);
  const std::vector<float> activations = Gaussian(256 * 10, 30, 2.0f);
  ASSERT_EQ(axq_imatrix_accumulate(im, "blk.0.ffn_down.weight", activations.data(), 10, 256), AXQ_OK);
  const std::vector<float> importance = Values(im, "blk.0.ffn_down.weight");
  const int64_t dims[2] = {256, 8};
  const Quantized q = Quantize(AXQ_TYPE_Q3_K, Gaussian(2048, 31), 2, dims, importance.data(), 256);
  EXPECT_EQ(q.status, AXQ_OK) << axq_last_error();
  axq_imatrix_destroy(im);
}

}  // namespace
