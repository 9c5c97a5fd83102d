package axq

import (
	"runtime"

	"libaxq.dev/go/axq/internal/raw"
)

// FP8Format is an 8-bit float format.
type FP8Format int32

const (
	FP8E4M3 FP8Format = 0 // OCP E4M3FN: max 448 (0x7E), no infinities
	FP8E5M2 FP8Format = 1 // IEEE-like: max 57344 (0x7B), ±inf
)

// FP8Encode returns the code of each src[i] / scale (scale finite, > 0; 1
// for a plain conversion), rounded to nearest even and saturated.
func FP8Encode(src []float32, format FP8Format, scale float32) ([]byte, error) {
	out := make([]byte, len(src))
	if err := checkStatus(func() int { return raw.Fp8_encode(src, out, int(format), scale) }); err != nil {
		return nil, err
	}
	return out, nil
}

// FP8Decode returns the value of each code times scale.
func FP8Decode(codes []byte, format FP8Format, scale float32) ([]float32, error) {
	dst := make([]float32, len(codes))
	if err := checkStatus(func() int { return raw.Fp8_decode(codes, dst, int(format), scale) }); err != nil {
		return nil, err
	}
	return dst, nil
}

// FourBitKind is one of bitsandbytes' 4-bit formats.
type FourBitKind int32

const (
	NF4 FourBitKind = 0
	FP4 FourBitKind = 1
)

// NF4Options are the options of QuantizeNF4; nil means DefaultNF4Options().
type NF4Options struct {
	Kind        FourBitKind
	BlockSize   int  // a power of two in 32..4096
	DoubleQuant bool // compress the block absmax values (bitsandbytes' compress_statistics)
	Threads     int  // 0 = all cores; results are identical for any value
}

// DefaultNF4Options: NF4, blocks of 64, double quantization.
func DefaultNF4Options() NF4Options { return NF4Options{Kind: NF4, BlockSize: 64, DoubleQuant: true} }

// NF4Info describes an NF4Tensor. BitsPerParameter = 8 * TotalBytes / N.
type NF4Info struct {
	Kind             FourBitKind
	BlockSize        int
	DoubleQuant      bool
	N                int64
	BlockCount       int64
	PackedBytes      int64
	GroupSize        int64 // 256 with double quantization, else 0
	GroupCount       int64
	TotalBytes       int64
	BitsPerParameter float64
}

// NF4Tensor is a vector quantized to NF4 or FP4 with blockwise absmax
// (axq_nf4_tensor_t), immutable once made. Its memory is C memory: Close it.
type NF4Tensor struct {
	h raw.Struct_SS_axq_nf4_tensor // nil once closed
}

// QuantizeNF4 quantizes src (non-empty, finite).
func QuantizeNF4(src []float32, opts *NF4Options) (*NF4Tensor, error) {
	o := DefaultNF4Options()
	if opts != nil {
		o = *opts
	}
	dq := 0
	if o.DoubleQuant {
		dq = 1
	}
	h, err := checkNew(func() raw.Struct_SS_axq_nf4_tensor {
		return raw.Nf4_quantize(src, int(o.Kind), o.BlockSize, dq, o.Threads)
	})
	if err != nil {
		return nil, err
	}
	t := &NF4Tensor{h: h}
	runtime.SetFinalizer(t, (*NF4Tensor).Close) // safety net only
	return t, nil
}

// Close frees the tensor; later uses report ErrClosed.
func (t *NF4Tensor) Close() error {
	if t == nil || t.h == nil {
		return nil
	}
	raw.Nf4_destroy(t.h)
	t.h = nil
	runtime.SetFinalizer(t, nil)
	return nil
}

func (t *NF4Tensor) handle() (raw.Struct_SS_axq_nf4_tensor, error) {
	if t == nil || t.h == nil {
		return nil, ErrClosed
	}
	return t.h, nil
}

// Info returns the layout and size figures.
func (t *NF4Tensor) Info() (NF4Info, error) {
	h, err := t.handle()
	if err != nil {
		return NF4Info{}, err
	}
	defer runtime.KeepAlive(t)
	ints := make([]int64, 9)
	if err := checkStatus(func() int { return raw.Nf4_info(h, ints) }); err != nil {
		return NF4Info{}, err
	}
	return NF4Info{Kind: FourBitKind(ints[0]), BlockSize: int(ints[1]), DoubleQuant: ints[2] != 0, N: ints[3],
		BlockCount: ints[4], PackedBytes: ints[5], GroupSize: ints[6], GroupCount: ints[7], TotalBytes: ints[8],
		BitsPerParameter: raw.Nf4_bits_per_parameter(h)}, nil
}

// Dequantize expands the tensor to its N values.
func (t *NF4Tensor) Dequantize() ([]float32, error) {
	info, err := t.Info()
	if err != nil {
		return nil, err
	}
	h, _ := t.handle()
	defer runtime.KeepAlive(t)
	dst := make([]float32, info.N)
	if err := checkStatus(func() int { return raw.Nf4_dequantize(h, dst, 0) }); err != nil {
		return nil, err
	}
	return dst, nil
}

// Absmax returns the effective absmax of every block (dequantized if
// double quantization compressed them).
func (t *NF4Tensor) Absmax() ([]float32, error) {
	info, err := t.Info()
	if err != nil {
		return nil, err
	}
	h, _ := t.handle()
	defer runtime.KeepAlive(t)
	dst := make([]float32, info.BlockCount)
	if err := checkStatus(func() int { return raw.Nf4_absmax(h, dst) }); err != nil {
		return nil, err
	}
	return dst, nil
}

// FourBitCodeValues returns the 16 code values of kind (index = code).
func FourBitCodeValues(kind FourBitKind) ([]float32, error) {
	dst := make([]float32, 16)
	if err := checkStatus(func() int { return raw.Nf4_code_values(int(kind), dst) }); err != nil {
		return nil, err
	}
	return dst, nil
}
