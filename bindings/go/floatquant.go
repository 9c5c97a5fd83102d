package axq

import (
	"fmt"
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

// FP8Granularity says where the scales of FP8Quantize apply.
type FP8Granularity int32

const (
	FP8PerTensor FP8Granularity = 0 // one scale for the whole matrix
	FP8PerRow    FP8Granularity = 1 // one scale per row (output channel of a weight)
)

// FP8Options are the options of FP8Quantize and FP8Dequantize; nil means
// E4M3 per tensor on all cores.
type FP8Options struct {
	Format      FP8Format
	Granularity FP8Granularity
	Threads     int // 0 = all cores; results are identical for any value
}

func fp8Sizes(rows, cols int64, o FP8Options) (n, scales int64, err error) {
	if rows <= 0 || cols <= 0 || rows > (1<<62)/cols {
		return 0, 0, &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf(
			"FP8: a %d x %d matrix (rows and cols must be positive)", rows, cols)}
	}
	scales = 1
	if o.Granularity == FP8PerRow {
		scales = rows
	}
	return rows * cols, scales, nil
}

// FP8Quantize quantizes the row-major rows x cols matrix src (finite
// values): each scale is amax / max_finite of its values (448 for E4M3,
// 57344 for E5M2; 1 for an all-zero set), codes[i] = encode(src[i] / s).
// scales holds 1 value per tensor or rows values per row.
func FP8Quantize(src []float32, rows, cols int64, opts *FP8Options) (codes []byte, scales []float32, err error) {
	var o FP8Options
	if opts != nil {
		o = *opts
	}
	n, ns, err := fp8Sizes(rows, cols, o)
	if err != nil {
		return nil, nil, err
	}
	if int64(len(src)) != n {
		return nil, nil, &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf(
			"FP8Quantize: %d values for a %d x %d matrix", len(src), rows, cols)}
	}
	codes, scales = make([]byte, n), make([]float32, ns)
	if err := checkStatus(func() int {
		return raw.Fp8_quantize(src, rows, cols, int(o.Format), int(o.Granularity), o.Threads, codes, scales)
	}); err != nil {
		return nil, nil, err
	}
	return codes, scales, nil
}

// FP8Dequantize is the inverse of FP8Quantize with the same rows, cols and
// options: dst[i] = value(codes[i]) * the scale of its row (or tensor).
func FP8Dequantize(codes []byte, scales []float32, rows, cols int64, opts *FP8Options) ([]float32, error) {
	var o FP8Options
	if opts != nil {
		o = *opts
	}
	n, ns, err := fp8Sizes(rows, cols, o)
	if err != nil {
		return nil, err
	}
	if int64(len(codes)) != n || int64(len(scales)) != ns {
		return nil, &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf(
			"FP8Dequantize: %d codes and %d scales for a %d x %d matrix (%d and %d expected)",
			len(codes), len(scales), rows, cols, n, ns)}
	}
	dst := make([]float32, n)
	if err := checkStatus(func() int {
		return raw.Fp8_dequantize(codes, scales, rows, cols, int(o.Format), int(o.Granularity), o.Threads, dst)
	}); err != nil {
		return nil, err
	}
	return dst, nil
}

// NF4Parts are the stored parts of an NF4Tensor, in bitsandbytes' layout
// (floatquant.h): Packed holds ceil(N/2) bytes, element 2j in the high
// nibble of byte j. Without double quantization Absmax holds one f32 per
// block; with it AbsmaxCodes holds one dynamic-map code per block, Absmax2
// one f32 per group of 256 blocks, and Offset the mean that was
// subtracted (effective absmax = map[code] * absmax2 + offset).
type NF4Parts struct {
	Kind        FourBitKind
	BlockSize   int
	DoubleQuant bool
	N           int64
	Packed      []byte
	Absmax      []float32 // without double quantization, else nil
	AbsmaxCodes []byte    // with double quantization, else nil
	Absmax2     []float32 // with double quantization, else nil
	Offset      float32   // 0 without double quantization
}

// Parts returns a copy of every stored part.
func (t *NF4Tensor) Parts() (NF4Parts, error) {
	info, err := t.Info()
	if err != nil {
		return NF4Parts{}, err
	}
	h, _ := t.handle()
	defer runtime.KeepAlive(t)
	p := NF4Parts{Kind: info.Kind, BlockSize: info.BlockSize, DoubleQuant: info.DoubleQuant, N: info.N,
		Packed: make([]byte, info.PackedBytes)}
	if _, err := check(func() int64 { return raw.Nf4_parts_bytes(h, 0, p.Packed) }); err != nil {
		return NF4Parts{}, err
	}
	offset := make([]float32, 1)
	if info.DoubleQuant {
		p.AbsmaxCodes = make([]byte, info.BlockCount)
		p.Absmax2 = make([]float32, info.GroupCount)
		if _, err := check(func() int64 { return raw.Nf4_parts_bytes(h, 1, p.AbsmaxCodes) }); err != nil {
			return NF4Parts{}, err
		}
		if _, err := check(func() int64 { return raw.Nf4_parts_floats(h, 1, p.Absmax2) }); err != nil {
			return NF4Parts{}, err
		}
		if _, err := check(func() int64 { return raw.Nf4_parts_floats(h, 2, offset) }); err != nil {
			return NF4Parts{}, err
		}
		p.Offset = offset[0]
	} else {
		p.Absmax = make([]float32, info.BlockCount)
		if _, err := check(func() int64 { return raw.Nf4_parts_floats(h, 0, p.Absmax) }); err != nil {
			return NF4Parts{}, err
		}
	}
	return p, nil
}

// NF4FromParts makes a tensor from a copy of p (e.g. a bitsandbytes
// checkpoint's weight, absmax, nested_absmax and offset). The arrays p's
// mode needs must have their exact lengths and the others be empty;
// absmax values and the offset must be finite.
func NF4FromParts(p *NF4Parts) (*NF4Tensor, error) {
	if p == nil {
		return nil, &Error{Status: StatusInvalidArgument, Message: "NF4FromParts: nil parts"}
	}
	if p.N > 0 && p.BlockSize > 0 {
		blocks := (p.N + int64(p.BlockSize) - 1) / int64(p.BlockSize)
		groups := (blocks + 255) / 256
		bad := int64(len(p.Packed)) != (p.N+1)/2
		if p.DoubleQuant {
			bad = bad || int64(len(p.AbsmaxCodes)) != blocks || int64(len(p.Absmax2)) != groups || len(p.Absmax) != 0
		} else {
			bad = bad || int64(len(p.Absmax)) != blocks || len(p.AbsmaxCodes) != 0 || len(p.Absmax2) != 0
		}
		if bad {
			return nil, &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf(
				"NF4FromParts: %d packed bytes, %d absmax, %d absmax codes, %d absmax2 for n %d, block size %d, "+
					"double quantization %v (%d packed bytes, %d blocks, %d groups expected)",
				len(p.Packed), len(p.Absmax), len(p.AbsmaxCodes), len(p.Absmax2), p.N, p.BlockSize,
				p.DoubleQuant, (p.N+1)/2, blocks, groups)}
		}
	}
	dq, floats := 0, p.Absmax
	if p.DoubleQuant {
		dq, floats = 1, p.Absmax2
	}
	h, err := checkNew(func() raw.Struct_SS_axq_nf4_tensor {
		return raw.Nf4_from_parts(int(p.Kind), p.BlockSize, dq, p.N, p.Packed, p.AbsmaxCodes, floats, p.Offset)
	})
	if err != nil {
		return nil, err
	}
	t := &NF4Tensor{h: h}
	runtime.SetFinalizer(t, (*NF4Tensor).Close) // safety net only
	return t, nil
}

// FourBitDynamicMap returns the 256 ascending entries of the dynamic map
// that double quantization codes the block absmax values with (entry 127
// is 0, entry 255 is 1); bitsandbytes stores it as nested_quant_map.
func FourBitDynamicMap() ([]float32, error) {
	dst := make([]float32, 256)
	if err := checkStatus(func() int { return raw.Nf4_dynamic_map(dst) }); err != nil {
		return nil, err
	}
	return dst, nil
}
