package axq

import (
	"fmt"
	"runtime"

	"libaxq.dev/go/axq/internal/raw"
)

// Linear is a quantized linear layer y = x W^T + b (axq_linear_t). Its
// memory is C memory: Close it when done. Forward may run from many
// goroutines at once; Close must not race with other uses.
type Linear struct {
	h raw.Struct_SS_axq_linear // nil once closed
}

// LinearOptions are the options of NewLinear; nil means defaults.
type LinearOptions struct {
	// Used when the type's block does not divide inFeatures; TypeInvalid
	// (or a nil options) makes that an error naming the nearest widths.
	Fallback    Type
	Threads     int // for quantizing the weight; 0 = all cores
	TernaryRule TernaryRule
}

// LinearInfo describes a layer. WeightBytes counts the quantized weight
// with its scales (not the f32 bias); BitsPerWeight = 8*WeightBytes/(in*out);
// CompressionRatio = 4*in*out/WeightBytes.
type LinearInfo struct {
	Type             Type // the fallback's, if it was used
	HasBias          bool
	InFeatures       int64
	OutFeatures      int64
	WeightBytes      int64
	BitsPerWeight    float64
	CompressionRatio float64
}

// NewLinear quantizes weight (outFeatures rows of inFeatures values) to
// typ; bias is nil or outFeatures values. Both are copied.
func NewLinear(typ Type, weight []float32, outFeatures, inFeatures int64, bias []float32,
	opts *LinearOptions) (*Linear, error) {
	// The C helper rejects wrong lengths without a message of its own.
	if outFeatures > 0 && inFeatures > 0 &&
		(int64(len(weight))%inFeatures != 0 || int64(len(weight))/inFeatures != outFeatures) {
		return nil, &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf(
			"weight: %d values, but %d rows of %d need %d", len(weight), outFeatures, inFeatures, outFeatures*inFeatures)}
	}
	if bias != nil && int64(len(bias)) != outFeatures {
		return nil, &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf(
			"bias: %d values, but outFeatures is %d", len(bias), outFeatures)}
	}
	o := LinearOptions{Fallback: TypeInvalid}
	if opts != nil {
		o = *opts
	}
	h, err := checkNew(func() raw.Struct_SS_axq_linear {
		return raw.Linear_create(int(typ), weight, bias, outFeatures, inFeatures, int(o.Fallback), o.Threads,
			int(o.TernaryRule))
	})
	if err != nil {
		return nil, err
	}
	l := &Linear{h: h}
	runtime.SetFinalizer(l, (*Linear).Close) // safety net only
	return l, nil
}

// Close frees the layer; later uses report ErrClosed.
func (l *Linear) Close() error {
	if l == nil || l.h == nil {
		return nil
	}
	raw.Linear_destroy(l.h)
	l.h = nil
	runtime.SetFinalizer(l, nil)
	return nil
}

func (l *Linear) handle() (raw.Struct_SS_axq_linear, error) {
	if l == nil || l.h == nil {
		return nil, ErrClosed
	}
	return l.h, nil
}

// Info returns the layer's type, shape and size figures.
func (l *Linear) Info() (LinearInfo, error) {
	h, err := l.handle()
	if err != nil {
		return LinearInfo{}, err
	}
	defer runtime.KeepAlive(l)
	ints := make([]int64, 5)
	if err := checkStatus(func() int { return raw.Linear_info(h, ints) }); err != nil {
		return LinearInfo{}, err
	}
	return LinearInfo{
		Type:             Type(ints[0]),
		HasBias:          ints[1] != 0,
		InFeatures:       ints[2],
		OutFeatures:      ints[3],
		WeightBytes:      ints[4],
		BitsPerWeight:    raw.Linear_bits_per_weight(h),
		CompressionRatio: raw.Linear_compression_ratio(h),
	}, nil
}

// Forward computes y for x, which holds batch rows of InFeatures values
// (batch = len(x) / InFeatures); y has batch rows of OutFeatures.
func (l *Linear) Forward(x []float32, opts *MatmulOptions) ([]float32, error) {
	info, err := l.Info()
	if err != nil {
		return nil, err
	}
	var y []float32
	if info.InFeatures > 0 && int64(len(x))%info.InFeatures == 0 {
		y = make([]float32, int64(len(x))/info.InFeatures*info.OutFeatures)
	}
	if err := l.ForwardInto(y, x, opts); err != nil {
		return nil, err
	}
	return y, nil
}

// ForwardInto is Forward writing into the caller's y.
func (l *Linear) ForwardInto(y, x []float32, opts *MatmulOptions) error {
	h, err := l.handle()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(l)
	threads := 0
	if opts != nil {
		threads = opts.Threads
	}
	return checkStatus(func() int { return raw.Linear_forward(h, x, y, threads) })
}

// Weight returns a copy of the layer's quantized weight (dims {in, out}).
func (l *Linear) Weight() (*Tensor, error) {
	h, err := l.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(l)
	return checkHandle(func() raw.Struct_SS_axq_tensor { return raw.Linear_weight(h) })
}
