/* C# entry point: array typemaps, then the shared interface.
   Arrays reach C pinned, not copied (arrays_csharp.i's FIXED[] typemaps
   use `fixed`); their lengths stay separate arguments that the Axq layer
   fills. Every wrapper that pins needs the unsafe modifier. */
%include <arrays_csharp.i>

%apply float FIXED[] { const float *src, float *dst, const float *bias, const float *approx,
                        const float *importance };
%apply double FIXED[] { double *reals };
%apply unsigned char FIXED[] { const uint8_t *bytes, uint8_t *out, const uint8_t *codes };
/* int64_t is C long here (-DSWIGWORDSIZE64), 64-bit like C#'s long. */
CSHARP_ARRAYS_FIXED(int64_t, long)
%apply int64_t FIXED[] { const int64_t *dims, int64_t *ints };
/* 64-bit values stay 64-bit (SWIG maps C long to C# int); size_t is ulong. */
%apply long long { int64_t };
%apply unsigned long long { size_t };

%csmethodmodifiers quantize_row "public unsafe";
%csmethodmodifiers dequantize_row "public unsafe";
%csmethodmodifiers tensor_create "public unsafe";
%csmethodmodifiers tensor_from_f32 "public unsafe";
%csmethodmodifiers tensor_from_bytes "public unsafe";
%csmethodmodifiers tensor_read "public unsafe";
%csmethodmodifiers tensor_read_f32 "public unsafe";
%csmethodmodifiers i8s_row "public unsafe";
%csmethodmodifiers c_quantize_row_seconds "public unsafe";
%csmethodmodifiers linear_create "public unsafe";
%csmethodmodifiers linear_forward "public unsafe";
%csmethodmodifiers linear_info "public unsafe";
%csmethodmodifiers model_dequantize "public unsafe";
%csmethodmodifiers model_summary "public unsafe";
%csmethodmodifiers error_stats "public unsafe";
%csmethodmodifiers quant_report "public unsafe";
%csmethodmodifiers calibrator_observe "public unsafe";
%csmethodmodifiers calibrator_info "public unsafe";
%csmethodmodifiers calibrator_range "public unsafe";
%csmethodmodifiers range_to_params "public unsafe";
%csmethodmodifiers int_tensor_codes "public unsafe";
%csmethodmodifiers int_tensor_info "public unsafe";
%csmethodmodifiers fake_quantize "public unsafe";
%csmethodmodifiers ste_backward "public unsafe";
%csmethodmodifiers fp8_encode "public unsafe";
%csmethodmodifiers fp8_decode "public unsafe";
%csmethodmodifiers nf4_quantize "public unsafe";
%csmethodmodifiers nf4_dequantize "public unsafe";
%csmethodmodifiers nf4_info "public unsafe";
%csmethodmodifiers nf4_absmax "public unsafe";
%csmethodmodifiers nf4_code_values "public unsafe";
%csmethodmodifiers fp8_quantize "public unsafe";
%csmethodmodifiers fp8_dequantize "public unsafe";
%csmethodmodifiers fake_quantize_tensor "public unsafe";
%csmethodmodifiers fake_quant_params_from_range "public unsafe";
%csmethodmodifiers nf4_parts_bytes "public unsafe";
%csmethodmodifiers nf4_parts_floats "public unsafe";
%csmethodmodifiers nf4_from_parts "public unsafe";
%csmethodmodifiers nf4_dynamic_map "public unsafe";
%csmethodmodifiers quantize "public unsafe";
%csmethodmodifiers imatrix_accumulate "public unsafe";
%csmethodmodifiers imatrix_values "public unsafe";

/* The generated layer is internal to the Axq assembly. */
%pragma(csharp) moduleclassmodifiers="internal class"
%typemap(csclassmodifiers) SWIGTYPE, SWIGTYPE *, SWIGTYPE & "internal class"

%include "axq.i"
