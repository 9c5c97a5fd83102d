// axq_type_info, axq_type_from_name, axq_row_size.
#include <cstring>

#include "axq/axq.h"
#include "src/api/boundary.h"
#include "src/core/type_traits.h"
#include "src/simd/kernels.h"

using axq::Fail;
using axq::Guard;
using axq::OkStatus;
using axq::Status;

extern "C" {

AXQ_API axq_status axq_type_info(axq_type_info_t* out, axq_type type) {
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    const axq::TypeTraits* traits = nullptr;
    AXQ_RETURN_IF_ERROR(axq::LookupType(&traits, type, "type"));
    const axq::FormatKernels* kernels = axq::KernelsFor(traits->type);
    axq_type_info_t info;
    std::memset(&info, 0, sizeof(info));
    info.type = traits->type;
    info.name = traits->name;
    info.block_elems = traits->block_elems;
    info.block_bytes = traits->block_bytes;
    info.bits_per_weight = 8.0 * static_cast<double>(traits->block_bytes) /
                           static_cast<double>(traits->block_elems);
    info.is_quantized = traits->is_quantized ? 1u : 0u;
    info.can_quantize = kernels != nullptr ? 1u : 0u;
    info.can_dequantize = kernels != nullptr ? 1u : 0u;
    return axq::CopyInfo(out, info, "out");
  });
}

AXQ_API axq_status axq_type_from_name(axq_type* out, const char* name) {
  if (out != nullptr) *out = AXQ_TYPE_INVALID;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(name, "name"));
    size_t count = 0;
    const axq::TypeTraits* all = axq::AllTypeTraits(&count);
    for (size_t i = 0; i < count; ++i) {
      const char* candidate = all[i].name;
      size_t j = 0;
      for (; candidate[j] != '\0' && name[j] != '\0'; ++j) {
        char a = candidate[j], b = name[j];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a + 32);
        if (b >= 'A' && b <= 'Z') b = static_cast<char>(b + 32);
        if (a != b) break;
      }
      if (candidate[j] == '\0' && name[j] == '\0') {
        *out = all[i].type;
        return OkStatus();
      }
    }
    return Fail(AXQ_ERR_UNKNOWN_TYPE, "name: '%.64s' is not a type name (e.g. \"q4_0\")", name);
  });
}

AXQ_API axq_status axq_row_size(size_t* out, axq_type type, int64_t n) {
  if (out != nullptr) *out = 0;
  return Guard([&]() -> Status {
    AXQ_RETURN_IF_ERROR(axq::RequireNonNull(out, "out"));
    const axq::TypeTraits* traits = nullptr;
    AXQ_RETURN_IF_ERROR(axq::LookupType(&traits, type, "type"));
    AXQ_RETURN_IF_ERROR(axq::CheckedRowBytes(out, *traits, n, "n"));
    *out += static_cast<size_t>(traits->tensor_tail_bytes);  // a row alone is a tensor
    return OkStatus();
  });
}

}  // extern "C"
