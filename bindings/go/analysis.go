package axq

import (
	"runtime"

	"libaxq.dev/go/axq/internal/raw"
)

// ErrorStats compares an approximation with its reference (e = approx - ref):
// MSE = mean(e²), RMSE = √MSE, MAE = mean|e|, MaxAbsError = max|e|,
// SQNRdB = 10 log10(Σref² / Σe²) (+Inf when e is all zero), Cosine the
// cosine similarity, OutlierRate the share of |e| > OutlierThreshold.
type ErrorStats struct {
	Count            int64
	MSE              float64
	RMSE             float64
	MAE              float64
	MaxAbsError      float64
	SQNRdB           float64
	Cosine           float64
	OutlierThreshold float64
	OutlierRate      float64
}

// ErrorStatsOptions are the options of CompareErrors; nil means defaults
// (all cores, outlier threshold 0.1). A non-nil value is used as it is.
type ErrorStatsOptions struct {
	Threads          int     // 0 = all cores; results are identical for any value
	OutlierThreshold float64 // |e| above this is an outlier
}

func errorStatsFrom(r []float64) ErrorStats {
	return ErrorStats{Count: int64(r[0]), MSE: r[1], RMSE: r[2], MAE: r[3], MaxAbsError: r[4],
		SQNRdB: r[5], Cosine: r[6], OutlierThreshold: r[7], OutlierRate: r[8]}
}

// CompareErrors computes the error statistics of approx against ref (same,
// non-zero length, finite values).
func CompareErrors(ref, approx []float32, opts *ErrorStatsOptions) (ErrorStats, error) {
	threshold, threads := -1.0, 0 // -1: the library's default
	if opts != nil {
		threshold, threads = opts.OutlierThreshold, opts.Threads
	}
	reals := make([]float64, 9)
	if err := checkStatus(func() int { return raw.Error_stats(ref, approx, threshold, threads, reals) }); err != nil {
		return ErrorStats{}, err
	}
	return errorStatsFrom(reals), nil
}

// QuantReport is what quantizing a tensor to a type costs and loses. Bytes
// counts the quantized tensor with its scales; BitsPerWeight =
// 8*Bytes/Elements; CompressionRatio = 4*Elements/Bytes; Error compares the
// dequantized tensor with the source (default error options).
type QuantReport struct {
	Type             Type
	Elements         int64
	Bytes            int64
	BitsPerWeight    float64
	CompressionRatio float64
	Error            ErrorStats
}

// QuantReport quantizes this F32 tensor to typ, expands it back and
// compares; the tensor is unchanged.
func (t *Tensor) QuantReport(typ Type, opts *QuantizeOptions) (QuantReport, error) {
	h, err := t.handle()
	if err != nil {
		return QuantReport{}, err
	}
	defer runtime.KeepAlive(t)
	o := QuantizeOptions{}
	if opts != nil {
		o = *opts
	}
	importance, err := o.importance()
	if err != nil {
		return QuantReport{}, err
	}
	reals := make([]float64, 13)
	if err := checkStatus(func() int {
		return raw.Quant_report(h, int(typ), o.Threads, int(o.TernaryRule), importance, -1, reals)
	}); err != nil {
		return QuantReport{}, err
	}
	return QuantReport{Type: typ, Elements: int64(reals[0]), Bytes: int64(reals[1]), BitsPerWeight: reals[2],
		CompressionRatio: reals[3], Error: errorStatsFrom(reals[4:])}, nil
}
