package axq

import (
	"fmt"
	"runtime"

	"libaxq.dev/go/axq/internal/raw"
)

// IntScheme is an integer quantization scheme (intquant.h).
type IntScheme int32

const (
	// IntSymmetric: codes in [-qmax, qmax], qmax = 2^(bits-1) - 1, zero point 0.
	IntSymmetric IntScheme = 0
	// IntAffine: unsigned codes 0..2^bits - 1 with a zero point.
	IntAffine IntScheme = 1
	// IntPowerOfTwo: symmetric with the scale rounded up to a power of two.
	IntPowerOfTwo IntScheme = 2
)

// Granularity says which elements share one scale (and zero point).
type Granularity int32

const (
	PerTensor  Granularity = 0 // one set
	PerChannel Granularity = 1 // one set per index along Axis
	PerGroup   Granularity = 2 // runs of GroupSize elements along each row
)

// IntOptions are the options of QuantizeInt; nil means DefaultIntOptions().
type IntOptions struct {
	Bits        int // 2..8
	Scheme      IntScheme
	Granularity Granularity
	Axis        int   // PerChannel only
	GroupSize   int64 // PerGroup only; must divide the row length
	Threads     int   // 0 = all cores; results are identical for any value
}

// DefaultIntOptions are the library's defaults: 8-bit symmetric per tensor
// (axis 1, group size 32 when those granularities are chosen).
func DefaultIntOptions() IntOptions {
	return IntOptions{Bits: 8, Scheme: IntSymmetric, Granularity: PerTensor, Axis: 1, GroupSize: 32}
}

// IntTensorInfo describes an IntTensor. BitsPerWeight = 8 * (CodeBytes +
// ParamBytes) / NumElements, scales and zero points included.
type IntTensorInfo struct {
	Bits          int
	Scheme        IntScheme
	Granularity   Granularity
	Axis          int   // PerChannel: the axis; otherwise -1
	GroupSize     int64 // PerGroup: the group size; otherwise 0
	Dims          []int64
	NumElements   int64
	CodeBytes     int64
	ParamCount    int64
	ParamBytes    int64
	BitsPerWeight float64
}

// IntTensor is an integer-quantized tensor (axq_int_tensor_t), immutable
// once made. Its memory is C memory: Close it when done.
type IntTensor struct {
	h raw.Struct_SS_axq_int_tensor // nil once closed
}

// QuantizeInt quantizes this F32 tensor with an explicit integer scheme.
func (t *Tensor) QuantizeInt(opts *IntOptions) (*IntTensor, error) {
	h, err := t.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(t)
	o := DefaultIntOptions()
	if opts != nil {
		o = *opts
	}
	q, err := checkNew(func() raw.Struct_SS_axq_int_tensor {
		return raw.Int_quantize(h, o.Bits, int(o.Scheme), int(o.Granularity), o.Axis, o.GroupSize, o.Threads)
	})
	if err != nil {
		return nil, err
	}
	it := &IntTensor{h: q}
	runtime.SetFinalizer(it, (*IntTensor).Close) // safety net only
	return it, nil
}

// Close frees the tensor; later uses report ErrClosed.
func (q *IntTensor) Close() error {
	if q == nil || q.h == nil {
		return nil
	}
	raw.Int_tensor_destroy(q.h)
	q.h = nil
	runtime.SetFinalizer(q, nil)
	return nil
}

func (q *IntTensor) handle() (raw.Struct_SS_axq_int_tensor, error) {
	if q == nil || q.h == nil {
		return nil, ErrClosed
	}
	return q.h, nil
}

// Dequantize expands the codes to a new F32 tensor of the same dims.
func (q *IntTensor) Dequantize() (*Tensor, error) {
	h, err := q.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(q)
	return checkHandle(func() raw.Struct_SS_axq_tensor { return raw.Int_dequantize(h, 0) })
}

// Info returns the scheme, shape and size figures.
func (q *IntTensor) Info() (IntTensorInfo, error) {
	h, err := q.handle()
	if err != nil {
		return IntTensorInfo{}, err
	}
	defer runtime.KeepAlive(q)
	ints := make([]int64, 14)
	if err := checkStatus(func() int { return raw.Int_tensor_info(h, ints) }); err != nil {
		return IntTensorInfo{}, err
	}
	return IntTensorInfo{Bits: int(ints[0]), Scheme: IntScheme(ints[1]), Granularity: Granularity(ints[2]),
		Axis: int(ints[3]), GroupSize: ints[5], Dims: append([]int64(nil), ints[10:10+ints[4]]...),
		NumElements: ints[6], CodeBytes: ints[7], ParamCount: ints[8], ParamBytes: ints[9],
		BitsPerWeight: raw.Int_tensor_bits_per_weight(h)}, nil
}

// Codes returns a copy of the packed codes: one byte per code for 5..8
// bits (two's complement for the symmetric schemes, unsigned for affine),
// two per byte (low nibble first) for 2..4 bits; each row starts on a byte.
func (q *IntTensor) Codes() ([]byte, error) {
	info, err := q.Info()
	if err != nil {
		return nil, err
	}
	h, err := q.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(q)
	out := make([]byte, info.CodeBytes)
	if _, err := check(func() int64 { return raw.Int_tensor_codes(h, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// Scales returns the scales as a new F32 tensor of the parameter shape.
func (q *IntTensor) Scales() (*Tensor, error) {
	h, err := q.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(q)
	return checkHandle(func() raw.Struct_SS_axq_tensor { return raw.Int_tensor_scales(h) })
}

// ZeroPoints returns the zero points (exact integers as f32; all 0 for the
// symmetric schemes) as a new F32 tensor of the parameter shape.
func (q *IntTensor) ZeroPoints() (*Tensor, error) {
	h, err := q.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(q)
	return checkHandle(func() raw.Struct_SS_axq_tensor { return raw.Int_tensor_zero_points(h) })
}

// STE is how fake quantization's gradient mask is made.
type STE int32

const (
	STEPlain   STE = 0 // mask 1 everywhere
	STEClamped STE = 1 // mask 1 inside the representable range, else 0
)

// FakeQuantParams are the explicit parameters of FakeQuantize.
type FakeQuantParams struct {
	Bits      int // 2..8
	Scheme    IntScheme
	Scale     float32 // finite, > 0 (a power of two for IntPowerOfTwo)
	ZeroPoint int32   // 0..2^Bits - 1 for IntAffine; 0 otherwise
	STE       STE
	Threads   int // 0 = all cores
}

// FakeQuantize returns y = dequant(quant(x)) and the straight-through
// estimator's mask (one 0 or 1 byte per element).
func FakeQuantize(x []float32, p FakeQuantParams) (y []float32, mask []byte, err error) {
	y, mask = make([]float32, len(x)), make([]byte, len(x))
	if err := checkStatus(func() int {
		return raw.Fake_quantize(x, y, mask, p.Bits, int(p.Scheme), p.Scale, int(p.ZeroPoint), int(p.STE), p.Threads)
	}); err != nil {
		return nil, nil, err
	}
	return y, mask, nil
}

// STEBackward is the backward pass: gradIn[i] = mask[i] ? gradOut[i] : 0
// (mask nil: a copy, the plain estimator).
func STEBackward(gradOut []float32, mask []byte) ([]float32, error) {
	if mask != nil && len(mask) != len(gradOut) {
		return nil, &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf(
			"STEBackward: %d mask bytes for %d gradients", len(mask), len(gradOut))}
	}
	gradIn := make([]float32, len(gradOut))
	if err := checkStatus(func() int { return raw.Ste_backward(gradOut, mask, gradIn) }); err != nil {
		return nil, err
	}
	return gradIn, nil
}

// FakeQuantize fake-quantizes this F32 tensor with the scales and zero
// points QuantizeInt would choose for opts (nil = DefaultIntOptions()): a
// new tensor equal bit for bit to QuantizeInt(opts) then Dequantize, and
// the mask per ste (one 0 or 1 byte per element, each with its own
// element's scale and zero point).
func (t *Tensor) FakeQuantize(ste STE, opts *IntOptions) (y *Tensor, mask []byte, err error) {
	h, err := t.handle()
	if err != nil {
		return nil, nil, err
	}
	defer runtime.KeepAlive(t)
	o := DefaultIntOptions()
	if opts != nil {
		o = *opts
	}
	mask = make([]byte, raw.Tensor_nelements(h))
	y, err = checkHandle(func() raw.Struct_SS_axq_tensor {
		return raw.Fake_quantize_tensor(h, int(ste), o.Bits, int(o.Scheme), int(o.Granularity), o.Axis,
			o.GroupSize, o.Threads, mask)
	})
	if err != nil {
		return nil, nil, err
	}
	return y, mask, nil
}

// FakeQuantParamsFromRange returns the parameters of FakeQuantize for an
// observed range [minValue, maxValue] (finite, minValue <= maxValue): the
// scale and zero point QuantizeInt would derive from a set with that
// minimum and maximum under bits and scheme (the symmetric schemes use
// max(|minValue|, |maxValue|)), with the clamped STE on all cores.
func FakeQuantParamsFromRange(bits int, scheme IntScheme, minValue, maxValue float32) (FakeQuantParams, error) {
	scale, zp := make([]float32, 1), make([]int64, 1)
	if err := checkStatus(func() int {
		return raw.Fake_quant_params_from_range(bits, int(scheme), minValue, maxValue, scale, zp)
	}); err != nil {
		return FakeQuantParams{}, err
	}
	return FakeQuantParams{Bits: bits, Scheme: scheme, Scale: scale[0], ZeroPoint: int32(zp[0]), STE: STEClamped}, nil
}
