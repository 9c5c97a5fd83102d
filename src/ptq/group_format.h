// The weight formats AWQ and GPTQ quantize to (ptq.h, "Weight formats"):
// how a group's parameters follow from its values, each value's code and
// dequantized value, and the encoding of the chosen codes as a ggml tensor
// or an integer tensor.
#ifndef AXQ_PTQ_GROUP_FORMAT_H_
#define AXQ_PTQ_GROUP_FORMAT_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "axq/axq.h"
#include "axq/intquant.h"
#include "src/core/status.h"
#include "src/intquant/int_codec.h"

struct axq_int_tensor;

namespace axq {

// Q4_0/Q5_0/Q8_0: value = (code - offset) * d; Q4_1/Q5_1: code * d + m;
// integer schemes: (code - zp) * s with d = s, m = zp.
struct GroupParams {
  float d = 0.0f;
  float m = 0.0f;
};

class GroupFormat {
 public:
  // A ggml type: Q4_0, Q4_1, Q5_0, Q5_1 or Q8_0 (others: UNSUPPORTED).
  static Status ForType(int32_t type, GroupFormat* out);
  // An integer format; group_size must divide k.
  static Status ForInt(uint32_t bits, int32_t scheme, int64_t group_size, int64_t k, GroupFormat* out);

  int64_t group_size() const { return group_size_; }
  bool is_int() const { return kind_ == Kind::kInt; }
  int32_t type() const { return type_; }
  const IntCodec& codec() const { return codec_; }

  // Parameters of a group of n finite values.
  GroupParams Fit(const float* values, int64_t n) const;
  // The code of x under p, and its dequantized value in *value.
  int32_t Quantize(float x, const GroupParams& p, float* value) const;

 private:
  enum class Kind { kSignedOffset, kMinOffset, kSymmetric8, kInt };
  Kind kind_ = Kind::kInt;
  int32_t type_ = AXQ_TYPE_INVALID;
  int64_t group_size_ = 32;
  int32_t levels_ = 15;    // highest code (Q4: 15, Q5: 31)
  int32_t offset_ = 8;     // kSignedOffset: the code of 0
  IntCodec codec_;
};

// Codes (rows x k, row-major) and parameters (rows x k / group_size) chosen
// by an algorithm, ready to encode.
struct GroupResult {
  int64_t rows = 0;
  int64_t k = 0;
  std::vector<int32_t> codes;
  std::vector<GroupParams> params;
};

// A ggml tensor of dims {k, rows} holding the result.
Status EncodeGgml(const GroupFormat& format, const GroupResult& r, std::unique_ptr<axq_tensor>* out);
// An AXQ_PER_GROUP integer tensor of dims {k, rows} holding the result.
Status EncodeInt(const GroupFormat& format, const GroupResult& r, std::unique_ptr<axq_int_tensor>* out);

}  // namespace axq

#endif  // AXQ_PTQ_GROUP_FORMAT_H_
