/* Go entry point: the slice typemaps, then the shared interface.
   SWIG 4.1 has no []byte or []float32 typemap; these pass a slice's
   array and length to C without copying. The C side never keeps them. */

%define AXQ_GO_SLICE(CTYPE, NAME, LEN, GOTYPE)
%typemap(gotype) (CTYPE NAME, size_t LEN) "GOTYPE"
%typemap(in) (CTYPE NAME, size_t LEN) %{
  $1 = ($1_ltype)$input.array;
  $2 = ($2_ltype)$input.len;
%}
%enddef

AXQ_GO_SLICE(const float *, src, src_len, []float32)
AXQ_GO_SLICE(float *, dst, dst_len, []float32)
AXQ_GO_SLICE(const float *, bias, bias_len, []float32)
AXQ_GO_SLICE(const uint8_t *, bytes, bytes_len, []byte)
AXQ_GO_SLICE(uint8_t *, out, out_len, []byte)
AXQ_GO_SLICE(const int64_t *, dims, ndim, []int64)
AXQ_GO_SLICE(int64_t *, ints, ints_len, []int64)
AXQ_GO_SLICE(const float *, approx, approx_len, []float32)
AXQ_GO_SLICE(double *, reals, reals_len, []float64)
AXQ_GO_SLICE(const uint8_t *, codes, codes_len, []byte)
AXQ_GO_SLICE(const float *, importance, importance_len, []float32)

%include "axq.i"
