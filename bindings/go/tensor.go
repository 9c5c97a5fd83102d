package axq

import (
	"runtime"

	"libaxq.dev/go/axq/internal/raw"
)

// Tensor is a libaxq tensor: row-major, 1 to 4 dims, dims[0] the row
// length (ggml's ne[0]). Its memory is C memory: Close it when done.
// A Tensor may be read from many goroutines at once; Close must not race
// with other uses.
type Tensor struct {
	h raw.Struct_SS_axq_tensor // nil once closed
}

func newTensor(h raw.Struct_SS_axq_tensor) *Tensor {
	t := &Tensor{h: h}
	runtime.SetFinalizer(t, (*Tensor).Close) // safety net only
	return t
}

// Close frees the tensor; later calls and uses report ErrClosed (Close
// itself returns nil again).
func (t *Tensor) Close() error {
	if t == nil || t.h == nil {
		return nil
	}
	raw.Tensor_destroy(t.h)
	t.h = nil
	runtime.SetFinalizer(t, nil)
	return nil
}

func (t *Tensor) handle() (raw.Struct_SS_axq_tensor, error) {
	if t == nil || t.h == nil {
		return nil, ErrClosed
	}
	return t.h, nil
}

// NewTensor makes a zero-filled tensor.
func NewTensor(typ Type, dims ...int64) (*Tensor, error) {
	return checkHandle(func() raw.Struct_SS_axq_tensor { return raw.Tensor_create(int(typ), dims) })
}

// TensorFromF32 makes an F32 tensor holding a copy of data
// (product(dims) values).
func TensorFromF32(data []float32, dims ...int64) (*Tensor, error) {
	return checkHandle(func() raw.Struct_SS_axq_tensor { return raw.Tensor_from_f32(data, dims) })
}

// TensorFromBytes makes a tensor of any type from a copy of its exact bytes
// (e.g. read from a GGUF file).
func TensorFromBytes(typ Type, data []byte, dims ...int64) (*Tensor, error) {
	return checkHandle(func() raw.Struct_SS_axq_tensor { return raw.Tensor_from_bytes(int(typ), dims, data) })
}

// Type is the element type (TypeInvalid once closed).
func (t *Tensor) Type() Type {
	h, err := t.handle()
	if err != nil {
		return TypeInvalid
	}
	defer runtime.KeepAlive(t)
	return Type(raw.Tensor_type(h))
}

// Dims are the dimensions, row length first (nil once closed).
func (t *Tensor) Dims() []int64 {
	h, err := t.handle()
	if err != nil {
		return nil
	}
	defer runtime.KeepAlive(t)
	dims := make([]int64, raw.Tensor_ndim(h))
	for i := range dims {
		dims[i] = raw.Tensor_dim(h, i)
	}
	return dims
}

// NumElements is the element count (0 once closed).
func (t *Tensor) NumElements() int64 {
	h, err := t.handle()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(t)
	return raw.Tensor_nelements(h)
}

// NumBytes is the byte size of the data (0 once closed).
func (t *Tensor) NumBytes() int {
	h, err := t.handle()
	if err != nil {
		return 0
	}
	defer runtime.KeepAlive(t)
	return int(raw.Tensor_nbytes(h))
}

// Bytes copies out the data, ggml's bytes (ErrUnsupported for a repacked
// tensor, whose layout is internal).
func (t *Tensor) Bytes() ([]byte, error) {
	h, err := t.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(t)
	out := make([]byte, raw.Tensor_nbytes(h))
	if _, err := check(func() int64 { return raw.Tensor_read(h, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// Float32s copies out the values of an F32 tensor.
func (t *Tensor) Float32s() ([]float32, error) {
	h, err := t.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(t)
	if typ := Type(raw.Tensor_type(h)); typ != TypeF32 {
		return nil, &Error{Status: StatusInvalidArgument, Message: "Float32s: tensor is " + typ.String() + ", not f32 (Dequantize it)"}
	}
	out := make([]float32, raw.Tensor_nelements(h))
	if _, err := check(func() int64 { return raw.Tensor_read_f32(h, out) }); err != nil {
		return nil, err
	}
	return out, nil
}

// TernaryRule picks how I2_S, TQ1_0 and TQ2_0 choose their trits.
type TernaryRule int32

const (
	// TernaryReference is the reference implementations' rule (the default).
	TernaryReference TernaryRule = 0
	// TernaryAbsmean is BitNet b1.58's absmean ternarizer.
	TernaryAbsmean TernaryRule = 1
)

// QuantizeOptions are the options of Quantize; nil means defaults.
type QuantizeOptions struct {
	Threads     int // 0 = all cores; results are identical for any value
	TernaryRule TernaryRule
	// Importance is nil, or the importance of each column (finite, >= 0):
	// dims[0] values for every row, or dims[0]*dims[2] for a 3-D tensor,
	// one run per matrix (an imatrix entry's Values). Q2_K..Q6_K, Q4_0,
	// Q4_1, Q5_0 and Q5_1 then minimise the importance-weighted error, as
	// ggml does with an imatrix; other types check it and ignore it.
	Importance []float32
}

// importance checks that a given importance is not empty: the C helper
// takes an empty one for none.
func (o *QuantizeOptions) importance() ([]float32, error) {
	if o.Importance != nil && len(o.Importance) == 0 {
		return nil, &Error{Status: StatusInvalidArgument, Message: "importance: empty (nil for none)"}
	}
	return o.Importance, nil
}

// Quantize makes a new tensor of type typ from this F32 tensor.
func (t *Tensor) Quantize(typ Type, opts *QuantizeOptions) (*Tensor, error) {
	h, err := t.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(t)
	var o QuantizeOptions
	if opts != nil {
		o = *opts
	}
	importance, err := o.importance()
	if err != nil {
		return nil, err
	}
	return checkHandle(func() raw.Struct_SS_axq_tensor {
		return raw.Quantize(h, int(typ), o.Threads, int(o.TernaryRule), importance)
	})
}

// Dequantize makes a new F32 tensor from this one; threads 0 = all cores.
func (t *Tensor) Dequantize(threads int) (*Tensor, error) {
	h, err := t.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(t)
	return checkHandle(func() raw.Struct_SS_axq_tensor { return raw.Dequantize(h, threads) })
}

// Repack makes a row-interleaved copy of Q4_0, Q4_1 or Q8_0 weights for
// faster matmuls (same results; its bytes are internal).
func (t *Tensor) Repack() (*Tensor, error) {
	h, err := t.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(t)
	return checkHandle(func() raw.Struct_SS_axq_tensor { return raw.Tensor_repack(h) })
}

// IsRepacked reports whether the tensor was made by Repack.
func (t *Tensor) IsRepacked() bool {
	h, err := t.handle()
	if err != nil {
		return false
	}
	defer runtime.KeepAlive(t)
	return raw.Tensor_is_repacked(h) == 1
}

// I8SRow returns row `row` of an I8_S tensor: its int8 codes, its scale
// (127 / absmax) and the sum of its codes, as axq_matmul_i2s_i8 uses them.
func (t *Tensor) I8SRow(row int) (codes []int8, scale float32, sum int32, err error) {
	h, err := t.handle()
	if err != nil {
		return nil, 0, 0, err
	}
	defer runtime.KeepAlive(t)
	raw8 := make([]byte, raw.Tensor_dim(h, 0))
	scaleOut := make([]float32, 1)
	sumOut := make([]int64, 1)
	if _, err := check(func() int64 { return raw.I8s_row(h, int64(row), raw8, scaleOut, sumOut) }); err != nil {
		return nil, 0, 0, err
	}
	codes = make([]int8, len(raw8))
	for i, b := range raw8 {
		codes[i] = int8(b)
	}
	return codes, scaleOut[0], int32(sumOut[0]), nil
}
