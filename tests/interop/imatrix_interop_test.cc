// Importance matrices against the real llama.cpp (the prebuilt npm
// libraries, see tests/interop/meson.build):
//  - axq_quantize with opts->importance writes exactly the bytes of ggml's
//    ggml_quantize_chunk(type, ..., imatrix) for Q2_K..Q6_K, Q4_0, Q4_1,
//    Q5_0, Q5_1 (and ignores it for Q8_0, as ggml does), over many rows of
//    varied data and varied importance vectors, per expert for 3-D tensors;
//  - imatrix files: what axq_imatrix_save writes, llama.cpp's own loader
//    (common_imatrix_load, in libllama-common) reads back to the same
//    sums, counts and metadata, and the importance llama-quantize derives
//    from them is bit for bit axq_imatrix_values; a GGUF imatrix written
//    through ggml's own gguf API and a hand-written legacy .dat load in
//    libaxq as in llama.cpp.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "ggml.h"
#include "gguf.h"
#include "gtest/gtest.h"
#include "tests/common/test_support.h"

// llama.cpp's imatrix loader (common/imatrix-loader.h of the peer's
// release), exported by libllama-common.so: its declaration, so that the
// test can call it.
struct common_imatrix_entry {
  std::vector<float> sums;
  std::vector<int64_t> counts;
};
struct common_imatrix {
  std::map<std::string, common_imatrix_entry> entries;
  std::vector<std::string> datasets;
  int32_t chunk_count = 0;
  int32_t chunk_size = 0;
  bool is_legacy = false;
  bool has_metadata = false;
};
bool common_imatrix_load(const std::string& fname, common_imatrix& imatrix);

namespace {

using axq_test::Rng;

struct TypeCase {
  axq_type type;
  ggml_type ggml;
  std::vector<int64_t> row_lengths;
};

const TypeCase kWeightedTypes[] = {
    {AXQ_TYPE_Q2_K, GGML_TYPE_Q2_K, {256, 768}},   {AXQ_TYPE_Q3_K, GGML_TYPE_Q3_K, {256, 768}},
    {AXQ_TYPE_Q4_K, GGML_TYPE_Q4_K, {256, 768}},   {AXQ_TYPE_Q5_K, GGML_TYPE_Q5_K, {256, 768}},
    {AXQ_TYPE_Q6_K, GGML_TYPE_Q6_K, {256, 768}},   {AXQ_TYPE_Q4_0, GGML_TYPE_Q4_0, {32, 96, 1024}},
    {AXQ_TYPE_Q4_1, GGML_TYPE_Q4_1, {32, 96, 1024}}, {AXQ_TYPE_Q5_0, GGML_TYPE_Q5_0, {32, 96, 1024}},
    {AXQ_TYPE_Q5_1, GGML_TYPE_Q5_1, {32, 96, 1024}}, {AXQ_TYPE_Q8_0, GGML_TYPE_Q8_0, {32, 256}},
};

// Row r of a batch: a different family of values per row, so that every
// branch of the searches (zero sub-blocks, all-positive data, outliers,
// ties, tiny and huge magnitudes) meets every importance vector.
std::vector<float> Row(int64_t n, int family, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> x(static_cast<size_t>(n));
  switch (family % 10) {
    case 0:
      for (float& v : x) v = rng.Gaussian();
      break;
    case 1:
      for (float& v : x) v = 0.02f * rng.Gaussian();
      break;
    case 2:  // uniform, all >= 0: the min clamps to 0
      for (float& v : x) v = static_cast<float>(rng.Uniform()) * 3.0f;
      break;
    case 3:  // outliers
      for (size_t i = 0; i < x.size(); ++i) x[i] = rng.Gaussian() * (i % 37 == 5 ? 25.0f : 1.0f);
      break;
    case 4:  // zero sub-blocks of 16 among gaussians
      for (size_t i = 0; i < x.size(); ++i) x[i] = (i / 16) % 3 == 1 ? 0.0f : rng.Gaussian();
      break;
    case 5:  // a few levels: many ties
      for (float& v : x) v = static_cast<float>(static_cast<int>(rng.Uniform() * 9.0) - 4) * 0.5f;
      break;
    case 6:
      for (float& v : x) v = 1e-20f * rng.Gaussian();
      break;
    case 7:
      for (float& v : x) v = 3e4f * rng.Gaussian();
      break;
    case 8:  // all negative
      for (float& v : x) v = -std::fabs(rng.Gaussian()) - 0.1f;
      break;
    default:
      x = axq_test::StressInput(n, seed);
      break;
  }
  return x;
}

// Importance vectors as imatrices hold them (mean squared activations) and
// their corner cases.
std::vector<float> Importance(int64_t n, int kind, uint64_t seed) {
  Rng rng(seed);
  std::vector<float> w(static_cast<size_t>(n));
  switch (kind) {
    case 0:
      for (float& v : w) v = static_cast<float>(rng.Uniform());
      break;
    case 1: {
      for (float& v : w) {
        const float g = rng.Gaussian();
        v = g * g;
      }
      break;
    }
    case 2:  // a third of the columns unused
      for (float& v : w) v = rng.Uniform() < 0.33 ? 0.0f : static_cast<float>(rng.Uniform()) + 0.01f;
      break;
    case 3:  // none used
      break;
    case 4:
      for (float& v : w) v = 1e-30f * static_cast<float>(rng.Uniform());
      break;
    case 5:
      for (float& v : w) v = 1e30f * static_cast<float>(rng.Uniform());
      break;
    case 6:  // a few dominant columns
      for (size_t i = 0; i < w.size(); ++i) w[i] = i % 29 == 3 ? 1000.0f : 1e-3f;
      break;
    default:
      for (float& v : w) v = 1.0f;
      break;
  }
  return w;
}
constexpr int kImportanceKinds = 8;

std::string TypeName(axq_type type) {
  axq_type_info_t info;
  info.struct_size = sizeof(info);
  return axq_type_info(&info, type) == AXQ_OK ? info.name : "?";
}

// axq_quantize of a rows x n tensor (or experts x rows x n) with the given
// importance; the tensor's bytes.
std::vector<uint8_t> AxqQuantize(axq_type type, const std::vector<float>& x, int ndim, const int64_t* dims,
                                 const std::vector<float>& importance, uint32_t threads) {
  axq_tensor_t* src = nullptr;
  EXPECT_EQ(axq_tensor_from_f32(&src, x.data(), ndim, dims), AXQ_OK) << axq_last_error();
  axq_quantize_options_t opts;
  axq_quantize_options_init(&opts);
  opts.n_threads = threads;
  opts.importance = importance.data();
  opts.importance_len = static_cast<int64_t>(importance.size());
  axq_tensor_t* q = nullptr;
  EXPECT_EQ(axq_quantize(&q, src, type, &opts), AXQ_OK) << axq_last_error();
  std::vector<uint8_t> bytes;
  if (q != nullptr) {
    const uint8_t* p = static_cast<const uint8_t*>(axq_tensor_data(q));
    bytes.assign(p, p + axq_tensor_nbytes(q));
  }
  axq_tensor_destroy(q);
  axq_tensor_destroy(src);
  return bytes;
}

// Where two quantized buffers first differ, as row / byte within the row.
std::string FirstDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b, size_t row_bytes) {
  if (a.size() != b.size()) return "sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      char text[128];
      std::snprintf(text, sizeof(text), "row %zu byte %zu: axq %02x, ggml %02x", i / row_bytes, i % row_bytes, a[i],
                    b[i]);
      return text;
    }
  }
  return "";
}

TEST(ImatrixInterop, WeightedQuantizationIsGgmlByteForByte) {
  constexpr int kRows = 20;  // two of each data family
  size_t compared_rows = 0;
  std::map<int, int> weighted_differs;
  for (const TypeCase& tc : kWeightedTypes) {
    for (int64_t n : tc.row_lengths) {
      const size_t row_bytes = ggml_row_size(tc.ggml, n);
      for (int kind = 0; kind < kImportanceKinds; ++kind) {
        const uint64_t seed = static_cast<uint64_t>(n) * 1000 + static_cast<uint64_t>(kind) * 31 + tc.type;
        std::vector<float> x;
        for (int r = 0; r < kRows; ++r) {
          const std::vector<float> row = Row(n, r, seed + static_cast<uint64_t>(r));
          x.insert(x.end(), row.begin(), row.end());
        }
        const std::vector<float> importance = Importance(n, kind, seed ^ 0x5bd1e995u);
        std::vector<uint8_t> ggml_bytes(row_bytes * kRows);
        ASSERT_EQ(ggml_quantize_chunk(tc.ggml, x.data(), ggml_bytes.data(), 0, kRows, n, importance.data()),
                  ggml_bytes.size());
        const int64_t dims[2] = {n, kRows};
        const std::vector<uint8_t> ours = AxqQuantize(tc.type, x, 2, dims, importance, 1);
        EXPECT_EQ(FirstDifference(ours, ggml_bytes, row_bytes), "")
            << TypeName(tc.type) << ", rows of " << n << ", importance kind " << kind;
        compared_rows += kRows;
        // The comparison means something only if the importance changed
        // ggml's answer (Q8_0 ignores it).
        std::vector<uint8_t> unweighted(ggml_bytes.size());
        ggml_quantize_chunk(tc.ggml, x.data(), unweighted.data(), 0, kRows, n, nullptr);
        if (unweighted != ggml_bytes) ++weighted_differs[tc.type];
      }
    }
  }
  EXPECT_EQ(compared_rows, 20u * 8u * (5u * 2u + 4u * 3u + 2u));
  for (const TypeCase& tc : kWeightedTypes) {
    if (tc.type == AXQ_TYPE_Q8_0) {
      EXPECT_EQ(weighted_differs[tc.type], 0) << "ggml ignores an imatrix for Q8_0";
    } else {
      EXPECT_GE(weighted_differs[tc.type], static_cast<int>(tc.row_lengths.size()) * (kImportanceKinds - 2))
          << TypeName(tc.type) << ": the importance rarely changed ggml's bytes";
    }
  }
}

// The same on StressInput's value families with importance from a real
// accumulation, and with several threads.
TEST(ImatrixInterop, AccumulatedImportanceOnStressData) {
  for (const TypeCase& tc : kWeightedTypes) {
    const int64_t n = tc.row_lengths.back();
    constexpr int kRows = 64;
    const std::vector<float> x = axq_test::StressInput(n * kRows, 900 + tc.type);
    // Activations whose columns differ in scale by orders of magnitude.
    Rng rng(77);
    std::vector<float> activations(static_cast<size_t>(n) * 50);
    for (size_t i = 0; i < activations.size(); ++i) {
      activations[i] = rng.Gaussian() * std::pow(10.0f, static_cast<float>(i % 7) - 3.0f);
    }
    axq_imatrix_t* im = nullptr;
    ASSERT_EQ(axq_imatrix_create(&im), AXQ_OK);
    ASSERT_EQ(axq_imatrix_accumulate(im, "w", activations.data(), 50, n), AXQ_OK) << axq_last_error();
    std::vector<float> importance(static_cast<size_t>(n));
    ASSERT_EQ(axq_imatrix_values(im, "w", importance.data(), n), AXQ_OK);
    axq_imatrix_destroy(im);
    const size_t row_bytes = ggml_row_size(tc.ggml, n);
    std::vector<uint8_t> ggml_bytes(row_bytes * kRows);
    ggml_quantize_chunk(tc.ggml, x.data(), ggml_bytes.data(), 0, kRows, n, importance.data());
    const int64_t dims[2] = {n, kRows};
    EXPECT_EQ(FirstDifference(AxqQuantize(tc.type, x, 2, dims, importance, 3), ggml_bytes, row_bytes), "")
        << TypeName(tc.type);
  }
}

// A 3-D expert tensor {n, rows, experts} with one importance slice per
// expert, as llama-quantize slices an imatrix for MoE weights.
TEST(ImatrixInterop, ExpertSlices) {
  for (const TypeCase& tc : kWeightedTypes) {
    const int64_t n = tc.row_lengths.front();
    constexpr int64_t kRows = 6, kExperts = 3;
    std::vector<float> x;
    for (int r = 0; r < kRows * kExperts; ++r) {
      const std::vector<float> row = Row(n, r, 4000 + static_cast<uint64_t>(r));
      x.insert(x.end(), row.begin(), row.end());
    }
    std::vector<float> importance;
    for (int e = 0; e < kExperts; ++e) {
      const std::vector<float> slice = Importance(n, e, 50 + static_cast<uint64_t>(e));
      importance.insert(importance.end(), slice.begin(), slice.end());
    }
    const size_t row_bytes = ggml_row_size(tc.ggml, n);
    std::vector<uint8_t> ggml_bytes(row_bytes * kRows * kExperts);
    for (int64_t e = 0; e < kExperts; ++e) {
      ggml_quantize_chunk(tc.ggml, x.data() + e * kRows * n, ggml_bytes.data() + e * kRows * row_bytes, 0, kRows, n,
                          importance.data() + e * n);
    }
    const int64_t dims[3] = {n, kRows, kExperts};
    EXPECT_EQ(FirstDifference(AxqQuantize(tc.type, x, 3, dims, importance, 2), ggml_bytes, row_bytes), "")
        << TypeName(tc.type);
  }
}

// What llama-quantize computes from a loaded imatrix (tools/quantize's
// load_imatrix): sums / count per slice (1 where a count is 0), or for the
// legacy format the values over ncall.
std::vector<float> LlamaImportance(const common_imatrix& loaded, const common_imatrix_entry& e) {
  std::vector<float> out(e.sums.size());
  if (!loaded.is_legacy) {
    const size_t slices = e.counts.size();
    const size_t columns = e.sums.size() / slices;
    for (size_t s = 0; s < slices; ++s) {
      const float count = static_cast<float>(e.counts[s]);
      for (size_t j = 0; j < columns; ++j) {
        out[s * columns + j] = count > 0.0f ? e.sums[s * columns + j] / count : 1.0f;
      }
    }
  } else {
    const int64_t ncall = e.counts.empty() ? 0 : e.counts[0];
    for (size_t i = 0; i < e.sums.size(); ++i) out[i] = ncall > 0 ? e.sums[i] / static_cast<float>(ncall) : e.sums[i];
  }
  return out;
}

// Every entry of `loaded` is in `im` with the same importance, bit for bit.
void ExpectSameImportance(const common_imatrix& loaded, const axq_imatrix_t* im) {
  ASSERT_EQ(axq_imatrix_count(im), loaded.entries.size());
  for (const auto& kv : loaded.entries) {
    int64_t cols = 0;
    ASSERT_EQ(axq_imatrix_columns(im, kv.first.c_str(), &cols), AXQ_OK) << axq_last_error();
    ASSERT_EQ(static_cast<size_t>(cols), kv.second.sums.size()) << kv.first;
    std::vector<float> ours(static_cast<size_t>(cols));
    ASSERT_EQ(axq_imatrix_values(im, kv.first.c_str(), ours.data(), cols), AXQ_OK);
    const std::vector<float> theirs = LlamaImportance(loaded, kv.second);
    EXPECT_EQ(axq_test::FirstFloatMismatch(ours.data(), theirs.data(), cols), -1) << kv.first;
  }
}

TEST(ImatrixInterop, SavedFileLoadsInLlama) {
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(axq_imatrix_create(&im), AXQ_OK);
  Rng rng(5);
  const char* names[] = {"blk.0.attn_q.weight", "blk.0.ffn_down.weight", "output.weight"};
  const int64_t widths[] = {64, 256, 64};
  for (int i = 0; i < 3; ++i) {
    for (int call = 0; call <= i; ++call) {
      std::vector<float> x(static_cast<size_t>(widths[i]) * 7);
      for (float& v : x) v = rng.Gaussian() * 3.0f;
      ASSERT_EQ(axq_imatrix_accumulate(im, names[i], x.data(), 7, widths[i]), AXQ_OK);
    }
  }
  const std::string path = axq_test::ScratchPath("saved.imatrix.gguf");
  ASSERT_EQ(axq_imatrix_save(im, path.c_str()), AXQ_OK) << axq_last_error();
  common_imatrix loaded;
  ASSERT_TRUE(common_imatrix_load(path, loaded));
  EXPECT_FALSE(loaded.is_legacy);
  EXPECT_TRUE(loaded.has_metadata);  // llama-quantize refuses a GGUF imatrix without it
  EXPECT_EQ(loaded.entries.at("blk.0.ffn_down.weight").counts, std::vector<int64_t>{14});
  EXPECT_EQ(loaded.entries.at("output.weight").counts, std::vector<int64_t>{21});
  ExpectSameImportance(loaded, im);
  axq_imatrix_destroy(im);
}

// A GGUF imatrix as llama-imatrix writes it (ggml's gguf writer, an expert
// entry with per-expert counts, one count 0) loads in libaxq as in llama.cpp.
TEST(ImatrixInterop, LlamaWrittenGgufLoads) {
  ggml_init_params params = {1 << 20, nullptr, false};
  ggml_context* ctx = ggml_init(params);
  gguf_context* gguf = gguf_init_empty();
  gguf_set_val_str(gguf, "general.type", "imatrix");
  const char* datasets[] = {"wiki.train.raw"};
  gguf_set_arr_str(gguf, "imatrix.datasets", datasets, 1);
  gguf_set_val_u32(gguf, "imatrix.chunk_count", 12);
  gguf_set_val_u32(gguf, "imatrix.chunk_size", 512);
  Rng rng(9);
  struct Spec {
    const char* name;
    int64_t columns, slices;
  } specs[] = {{"blk.0.ffn_up_exps.weight", 32, 4}, {"blk.0.attn_k.weight", 64, 1}};
  for (const Spec& s : specs) {
    ggml_tensor* sums = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, s.columns, s.slices);
    ggml_tensor* counts = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 1, s.slices);
    ggml_format_name(sums, "%s.in_sum2", s.name);
    ggml_format_name(counts, "%s.counts", s.name);
    for (int64_t i = 0; i < s.columns * s.slices; ++i) static_cast<float*>(sums->data)[i] = 100.0f * static_cast<float>(rng.Uniform());
    for (int64_t e = 0; e < s.slices; ++e) static_cast<float*>(counts->data)[e] = e == 2 ? 0.0f : static_cast<float>(37 * (e + 1));
    gguf_add_tensor(gguf, sums);
    gguf_add_tensor(gguf, counts);
  }
  const std::string path = axq_test::ScratchPath("llama.imatrix.gguf");
  ASSERT_TRUE(gguf_write_to_file(gguf, path.c_str(), false));
  gguf_free(gguf);
  ggml_free(ctx);

  common_imatrix loaded;
  ASSERT_TRUE(common_imatrix_load(path, loaded));
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(axq_imatrix_load(&im, path.c_str()), AXQ_OK) << axq_last_error();
  ExpectSameImportance(loaded, im);
  // Saved again by libaxq, llama.cpp reads the same thing.
  const std::string again = axq_test::ScratchPath("llama.imatrix.again.gguf");
  ASSERT_EQ(axq_imatrix_save(im, again.c_str()), AXQ_OK) << axq_last_error();
  common_imatrix reloaded;
  ASSERT_TRUE(common_imatrix_load(again, reloaded));
  EXPECT_EQ(reloaded.datasets, loaded.datasets);
  EXPECT_EQ(reloaded.chunk_count, 12);
  EXPECT_EQ(reloaded.chunk_size, 512);
  ASSERT_EQ(reloaded.entries.size(), loaded.entries.size());
  for (const auto& kv : loaded.entries) {
    EXPECT_EQ(reloaded.entries.at(kv.first).sums, kv.second.sums) << kv.first;
    EXPECT_EQ(reloaded.entries.at(kv.first).counts, kv.second.counts) << kv.first;
  }
  axq_imatrix_destroy(im);
}

void PutI32(std::string* out, int32_t v) { out->append(reinterpret_cast<const char*>(&v), 4); }

// The legacy .dat, written by hand per its layout, loads the same in both.
TEST(ImatrixInterop, LegacyDatLoadsLikeLlama) {
  std::string file;
  PutI32(&file, 2);
  Rng rng(3);
  const struct {
    const char* name;
    int32_t ncall, nval;
  } entries[] = {{"blk.3.ffn_gate.weight", 10, 48}, {"token_embd.weight", 0, 16}};
  for (const auto& e : entries) {
    PutI32(&file, static_cast<int32_t>(std::strlen(e.name)));
    file += e.name;
    PutI32(&file, e.ncall);
    PutI32(&file, e.nval);
    for (int32_t i = 0; i < e.nval; ++i) {
      const float v = 7.0f * static_cast<float>(rng.Uniform());
      file.append(reinterpret_cast<const char*>(&v), 4);
    }
  }
  PutI32(&file, 10);
  PutI32(&file, 8);
  file += "data.txt";
  const std::string path = axq_test::ScratchPath("legacy.dat");
  FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(file.data(), 1, file.size(), f), file.size());
  std::fclose(f);

  common_imatrix loaded;
  ASSERT_TRUE(common_imatrix_load(path, loaded));
  ASSERT_TRUE(loaded.is_legacy);
  axq_imatrix_t* im = nullptr;
  ASSERT_EQ(axq_imatrix_load(&im, path.c_str()), AXQ_OK) << axq_last_error();
  ExpectSameImportance(loaded, im);
  // Converted to GGUF, llama-quantize would still see the same importance.
  const std::string converted = axq_test::ScratchPath("legacy.gguf");
  ASSERT_EQ(axq_imatrix_save(im, converted.c_str()), AXQ_OK) << axq_last_error();
  common_imatrix reloaded;
  ASSERT_TRUE(common_imatrix_load(converted, reloaded));
  EXPECT_FALSE(reloaded.is_legacy);
  EXPECT_EQ(reloaded.datasets, std::vector<std::string>{"data.txt"});
  ExpectSameImportance(reloaded, im);
  for (const auto& kv : loaded.entries) {
    EXPECT_EQ(LlamaImportance(reloaded, reloaded.entries.at(kv.first)), LlamaImportance(loaded, kv.second))
        << kv.first;
  }
  axq_imatrix_destroy(im);
}

}  // namespace
