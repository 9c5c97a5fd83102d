package axq

import (
	"runtime"

	"libaxq.dev/go/axq/internal/raw"
)

// CalibMethod picks how Calibrator.Range turns observations into [lo, hi].
type CalibMethod int32

// The methods of calibrate.h (the values are the C API's).
const (
	CalibMinMax        CalibMethod = 0 // the observed [min, max]
	CalibPercentile    CalibMethod = 1 // [q(100-p), q(p)] from the histogram
	CalibMeanStd       CalibMethod = 2 // mean ± k·σ
	CalibEntropy       CalibMethod = 3 // symmetric, least KL divergence (TensorRT)
	CalibMovingAverage CalibMethod = 4 // moving averages of the batches' min and max
)

// CalibratorOptions are the options of NewCalibrator; nil or zero fields
// mean the defaults (2048 bins, momentum 0.01).
type CalibratorOptions struct {
	Bins     int     // cells of each histogram, 256..8192
	Momentum float32 // CalibMovingAverage's weight of a new batch, in (0, 1]
}

// RangeOptions are Range's parameters; nil means DefaultRangeOptions().
type RangeOptions struct {
	Percentile float32 // CalibPercentile's p in percent, in [50, 100]
	K          float32 // CalibMeanStd's k, >= 0
	Bits       int     // CalibEntropy's bit width, 1..8
}

// DefaultRangeOptions are the library's defaults: 99.99 %, k = 3, 8 bits.
func DefaultRangeOptions() RangeOptions { return RangeOptions{Percentile: 99.99, K: 3, Bits: 8} }

// CalibratorInfo is what a Calibrator has seen. Min, Max, Mean and Variance
// (population) are 0 while Count is 0.
type CalibratorInfo struct {
	Bins        int
	Count       int64
	Batches     int64
	Min, Max    float32
	Mean        float64
	Variance    float64
	BinWidth    float64 // cell width of the x histogram
	AbsBinWidth float64 // cell width of the |x| histogram
	Momentum    float32
}

// Calibrator is a streaming, mergeable observer of f32 data
// (axq_calibrator_t). Its memory is C memory: Close it when done. Its
// methods may run from many goroutines at once; Close must not race with
// other uses.
type Calibrator struct {
	h raw.Struct_SS_axq_calibrator // nil once closed
}

// NewCalibrator makes an empty observer.
func NewCalibrator(opts *CalibratorOptions) (*Calibrator, error) {
	o := CalibratorOptions{}
	if opts != nil {
		o = *opts
	}
	h, err := checkNew(func() raw.Struct_SS_axq_calibrator {
		return raw.Calibrator_create(o.Bins, float64(o.Momentum))
	})
	if err != nil {
		return nil, err
	}
	c := &Calibrator{h: h}
	runtime.SetFinalizer(c, (*Calibrator).Close) // safety net only
	return c, nil
}

// Close frees the observer; later uses report ErrClosed.
func (c *Calibrator) Close() error {
	if c == nil || c.h == nil {
		return nil
	}
	raw.Calibrator_destroy(c.h)
	c.h = nil
	runtime.SetFinalizer(c, nil)
	return nil
}

func (c *Calibrator) handle() (raw.Struct_SS_axq_calibrator, error) {
	if c == nil || c.h == nil {
		return nil, ErrClosed
	}
	return c.h, nil
}

// Observe adds one batch (non-empty, finite: a NaN or Inf rejects the whole
// batch with ErrNonFinite and leaves the observer unchanged).
func (c *Calibrator) Observe(batch []float32) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(c)
	return checkStatus(func() int { return raw.Calibrator_observe(h, batch) })
}

// Merge adds everything src has observed to c (both must have the same
// number of bins); src is unchanged.
func (c *Calibrator) Merge(src *Calibrator) error {
	h, err := c.handle()
	if err != nil {
		return err
	}
	s, err := src.handle()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(c)
	defer runtime.KeepAlive(src)
	return checkStatus(func() int { return raw.Calibrator_merge(h, s) })
}

// Info returns what the observer has seen.
func (c *Calibrator) Info() (CalibratorInfo, error) {
	h, err := c.handle()
	if err != nil {
		return CalibratorInfo{}, err
	}
	defer runtime.KeepAlive(c)
	ints, reals := make([]int64, 3), make([]float64, 7)
	if err := checkStatus(func() int { return raw.Calibrator_info(h, ints, reals) }); err != nil {
		return CalibratorInfo{}, err
	}
	return CalibratorInfo{Bins: int(ints[0]), Count: ints[1], Batches: ints[2],
		Min: float32(reals[0]), Max: float32(reals[1]), Mean: reals[2], Variance: reals[3],
		BinWidth: reals[4], AbsBinWidth: reals[5], Momentum: float32(reals[6])}, nil
}

// Range is the range method gives for the observations (ErrInvalidArgument
// if nothing was observed); opts nil means DefaultRangeOptions().
func (c *Calibrator) Range(method CalibMethod, opts *RangeOptions) (lo, hi float32, err error) {
	h, err := c.handle()
	if err != nil {
		return 0, 0, err
	}
	defer runtime.KeepAlive(c)
	o := DefaultRangeOptions()
	if opts != nil {
		o = *opts
	}
	dst := make([]float32, 2)
	if err := checkStatus(func() int {
		return raw.Calibrator_range(h, int(method), float64(o.Percentile), float64(o.K), o.Bits, dst)
	}); err != nil {
		return 0, 0, err
	}
	return dst[0], dst[1], nil
}

// RangeToParams gives the scale and zero point for q = clamp(round(x/scale)
// + zeroPoint) over [lo, hi] with bits (1..8): symmetric (zeroPoint 0,
// scale = max(|lo|, |hi|) / (2^(bits-1) - 1)) or affine (unsigned codes,
// the range widened to contain 0).
func RangeToParams(lo, hi float32, bits int, symmetric bool) (scale float32, zeroPoint int32, err error) {
	sym := 0
	if symmetric {
		sym = 1
	}
	dst, ints := make([]float32, 1), make([]int64, 1)
	if err := checkStatus(func() int { return raw.Range_to_params(lo, hi, bits, sym, dst, ints) }); err != nil {
		return 0, 0, err
	}
	return dst[0], int32(ints[0]), nil
}
