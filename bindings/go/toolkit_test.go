package axq

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestCompareErrors(t *testing.T) {
	ref := []float32{1, 2, 3, 4}
	approx := []float32{1.5, 2, 2, 4}
	s, err := CompareErrors(ref, approx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Count != 4 || s.MSE != 0.3125 || s.MAE != 0.375 || s.MaxAbsError != 1 ||
		!near(s.RMSE, math.Sqrt(0.3125), 1e-12) || s.OutlierThreshold != 0.1 || s.OutlierRate != 0.5 ||
		!near(s.SQNRdB, 10*math.Log10(30/1.25), 1e-9) || !near(s.Cosine, 27.5/math.Sqrt(30*26.25), 1e-12) {
		t.Fatalf("CompareErrors = %+v", s)
	}
	s, err = CompareErrors(ref, approx, &ErrorStatsOptions{OutlierThreshold: 0.75, Threads: 1})
	if err != nil || s.OutlierRate != 0.25 {
		t.Fatalf("threshold 0.75: %+v, %v", s, err)
	}
	_, err = CompareErrors(ref, approx[:3], nil)
	var e *Error
	if !errors.Is(err, ErrInvalidArgument) || !errors.As(err, &e) || e.Message == "" {
		t.Fatalf("CompareErrors(4 vs 3 values) = %v", err)
	}
	_, err = CompareErrors(ref, []float32{1, float32(math.NaN()), 3, 4}, nil)
	if !errors.Is(err, ErrNonFinite) {
		t.Fatalf("CompareErrors(NaN) = %v", err)
	}
}

func TestQuantReport(t *testing.T) {
	x := gaussian(4*64, 7)
	src, err := TensorFromF32(x, 64, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	r, err := src.QuantReport(TypeQ8_0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Type != TypeQ8_0 || r.Elements != 256 || r.Bytes != 256/32*34 || r.BitsPerWeight != 8.5 ||
		!near(r.CompressionRatio, 32/8.5, 1e-12) || r.Error.Count != 256 || r.Error.MSE <= 0 ||
		r.Error.Cosine < 0.999 || r.Error.SQNRdB < 30 {
		t.Fatalf("QuantReport(Q8_0) = %+v", r)
	}
	if _, err := src.QuantReport(Type(9999), nil); err == nil {
		t.Fatal("QuantReport(unknown type) succeeded")
	}
}

func TestCalibrator(t *testing.T) {
	all := make([]float32, 1000)
	for i := range all {
		all[i] = float32(i)
	}
	c, err := NewCalibrator(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Observe(all); err != nil {
		t.Fatal(err)
	}
	info, err := c.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Bins != 2048 || info.Count != 1000 || info.Batches != 1 || info.Min != 0 || info.Max != 999 ||
		info.Mean != 499.5 || !near(info.Variance, (1000*1000-1)/12.0, 1e-6) || info.Momentum != 0.01 {
		t.Fatalf("Info() = %+v", info)
	}
	if lo, hi, err := c.Range(CalibMinMax, nil); err != nil || lo != 0 || hi != 999 {
		t.Fatalf("Range(MinMax) = %v, %v, %v", lo, hi, err)
	}
	lo, hi, err := c.Range(CalibMeanStd, &RangeOptions{Percentile: 99.99, K: 1, Bits: 8})
	if sd := math.Sqrt(info.Variance); err != nil || !near(float64(lo), 499.5-sd, 1e-3) || !near(float64(hi), 499.5+sd, 1e-3) {
		t.Fatalf("Range(MeanStd, k=1) = %v, %v, %v", lo, hi, err)
	}
	if lo, hi, err := c.Range(CalibPercentile, &RangeOptions{Percentile: 90, K: 3, Bits: 8}); err != nil ||
		!near(float64(lo), 99, 2) || !near(float64(hi), 899, 2) {
		t.Fatalf("Range(Percentile 90) = %v, %v, %v", lo, hi, err)
	}

	// Two halves merged give the same count, min, max and mean.
	a, _ := NewCalibrator(&CalibratorOptions{Bins: 2048})
	b, _ := NewCalibrator(nil)
	defer a.Close()
	defer b.Close()
	if err := a.Observe(all[:500]); err != nil {
		t.Fatal(err)
	}
	if err := b.Observe(all[500:]); err != nil {
		t.Fatal(err)
	}
	if err := a.Merge(b); err != nil {
		t.Fatal(err)
	}
	m, _ := a.Info()
	if m.Count != 1000 || m.Batches != 2 || m.Min != 0 || m.Max != 999 || !near(m.Mean, 499.5, 1e-9) {
		t.Fatalf("merged Info() = %+v", m)
	}

	// Bad arguments.
	if _, err := NewCalibrator(&CalibratorOptions{Bins: 100}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("NewCalibrator(bins 100) = %v", err)
	}
	err = c.Observe([]float32{1, float32(math.Inf(1))})
	if !errors.Is(err, ErrNonFinite) || !strings.Contains(err.Error(), "1") {
		t.Fatalf("Observe(Inf) = %v", err)
	}
	empty, _ := NewCalibrator(nil)
	if _, _, err := empty.Range(CalibMinMax, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("Range of an empty observer = %v", err)
	}
	empty.Close()
	if err := empty.Observe(all); !errors.Is(err, ErrClosed) {
		t.Fatalf("Observe after Close = %v", err)
	}
}

func TestRangeToParams(t *testing.T) {
	scale, zp, err := RangeToParams(-1, 1, 8, true)
	if err != nil || scale != float32(1.0/127) || zp != 0 {
		t.Fatalf("RangeToParams(-1, 1, 8, symmetric) = %v, %v, %v", scale, zp, err)
	}
	scale, zp, err = RangeToParams(-64, 191, 8, false)
	if err != nil || scale != 1 || zp != 64 {
		t.Fatalf("RangeToParams(-64, 191, 8, affine) = %v, %v, %v", scale, zp, err)
	}
	if _, _, err := RangeToParams(1, -1, 8, true); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("RangeToParams(lo > hi) = %v", err)
	}
	if _, _, err := RangeToParams(-1, 1, 9, true); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("RangeToParams(bits 9) = %v", err)
	}
}

func TestIntTensor(t *testing.T) {
	x := []float32{-1, 0.5, 1}
	src, err := TensorFromF32(x, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	q, err := src.QuantizeInt(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	codes, err := q.Codes()
	if err != nil {
		t.Fatal(err)
	}
	// 0.5 / (1/127) = 63.5 rounds half to even: 64.
	if want := []byte{0x81, 64, 127}; string(codes) != string(want) {
		t.Fatalf("Codes() = %v, want %v (-127, 64, 127)", codes, want)
	}
	info, err := q.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Bits != 8 || info.Scheme != IntSymmetric || info.Granularity != PerTensor || info.Axis != -1 ||
		len(info.Dims) != 1 || info.Dims[0] != 3 || info.NumElements != 3 || info.CodeBytes != 3 ||
		info.ParamCount != 1 || info.ParamBytes != 4 || info.BitsPerWeight != 8*7/3.0 {
		t.Fatalf("Info() = %+v", info)
	}
	scales, err := q.Scales()
	if err != nil {
		t.Fatal(err)
	}
	defer scales.Close()
	s, _ := scales.Float32s()
	if len(s) != 1 || s[0] != float32(1.0/127) {
		t.Fatalf("Scales() = %v", s)
	}
	zps, err := q.ZeroPoints()
	if err != nil {
		t.Fatal(err)
	}
	defer zps.Close()
	if z, _ := zps.Float32s(); len(z) != 1 || z[0] != 0 {
		t.Fatalf("ZeroPoints() = %v", z)
	}
	back, err := q.Dequantize()
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	y, _ := back.Float32s()
	for i := range x {
		if math.Abs(float64(y[i]-x[i])) > float64(s[0])/2+1e-7 {
			t.Fatalf("Dequantize()[%d] = %v, want %v within %v", i, y[i], x[i], s[0]/2)
		}
	}

	// Affine 4-bit per group: two codes a byte, a zero point per group.
	w := gaussian(8*4, 9)
	wt, _ := TensorFromF32(w, 8, 4)
	defer wt.Close()
	g, err := wt.QuantizeInt(&IntOptions{Bits: 4, Scheme: IntAffine, Granularity: PerGroup, GroupSize: 4, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	gi, _ := g.Info()
	if gi.CodeBytes != 16 || gi.ParamCount != 8 || gi.ParamBytes != 64 || gi.GroupSize != 4 || gi.BitsPerWeight != 8*80/32.0 {
		t.Fatalf("affine per-group Info() = %+v", gi)
	}

	_, err = src.QuantizeInt(&IntOptions{Bits: 9})
	if !errors.Is(err, ErrInvalidArgument) || err.Error() == "axq: " {
		t.Fatalf("QuantizeInt(bits 9) = %v", err)
	}
	_, err = wt.QuantizeInt(&IntOptions{Bits: 8, Granularity: PerGroup, GroupSize: 3})
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "8") {
		t.Fatalf("QuantizeInt(group 3 of 8) = %v", err)
	}
}

func TestFakeQuantize(t *testing.T) {
	s := float32(1.0 / 127)
	x := []float32{-1, 0.5, 1, 2}
	y, mask, err := FakeQuantize(x, FakeQuantParams{Bits: 8, Scheme: IntSymmetric, Scale: s, STE: STEClamped})
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{-127 * s, 64 * s, 127 * s, 127 * s}
	for i := range want {
		if y[i] != want[i] {
			t.Fatalf("y = %v, want %v", y, want)
		}
	}
	if string(mask) != string([]byte{1, 1, 1, 0}) {
		t.Fatalf("mask = %v", mask)
	}
	g, err := STEBackward([]float32{0.5, -1, 2, 3}, mask)
	if err != nil || g[0] != 0.5 || g[1] != -1 || g[2] != 2 || g[3] != 0 {
		t.Fatalf("STEBackward = %v, %v", g, err)
	}
	if g, err := STEBackward([]float32{3}, nil); err != nil || g[0] != 3 {
		t.Fatalf("STEBackward(no mask) = %v, %v", g, err)
	}
	_, _, err = FakeQuantize(x, FakeQuantParams{Bits: 8, Scale: 0})
	if !errors.Is(err, ErrInvalidArgument) || err.Error() == "axq: " {
		t.Fatalf("FakeQuantize(scale 0) = %v", err)
	}
	if _, err := STEBackward([]float32{1, 2}, []byte{1}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("STEBackward(short mask) = %v", err)
	}
}

func TestFP8(t *testing.T) {
	x := []float32{448, 1, -2, 0.5, 1000}
	codes, err := FP8Encode(x, FP8E4M3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{0x7E, 0x38, 0xC0, 0x30, 0x7E}; string(codes) != string(want) {
		t.Fatalf("FP8Encode = % x, want % x", codes, want)
	}
	back, err := FP8Decode(codes, FP8E4M3, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []float32{448, 1, -2, 0.5, 448} {
		if back[i] != want {
			t.Fatalf("FP8Decode = %v", back)
		}
	}
	// With a scale: 2 / 2 = 1 -> 0x38, decoded times 2.
	if c, err := FP8Encode([]float32{2}, FP8E4M3, 2); err != nil || c[0] != 0x38 {
		t.Fatalf("FP8Encode(scale 2) = %v, %v", c, err)
	}
	if c, err := FP8Encode([]float32{57344}, FP8E5M2, 1); err != nil || c[0] != 0x7B {
		t.Fatalf("FP8Encode(E5M2 max) = %v, %v", c, err)
	}
	_, err = FP8Encode(x, FP8E4M3, 0)
	if !errors.Is(err, ErrInvalidArgument) || err.Error() == "axq: " {
		t.Fatalf("FP8Encode(scale 0) = %v", err)
	}
	if _, err := FP8Decode(codes, FP8Format(7), 1); err == nil {
		t.Fatal("FP8Decode(format 7) succeeded")
	}
}

func TestNF4(t *testing.T) {
	values, err := FourBitCodeValues(NF4)
	if err != nil {
		t.Fatal(err)
	}
	if len(values) != 16 || values[0] != -1 || values[7] != 0 || values[15] != 1 || values[8] != 0.07958029955625534 {
		t.Fatalf("FourBitCodeValues(NF4) = %v", values)
	}
	maxGap := 0.0
	for i := 1; i < 16; i++ {
		maxGap = math.Max(maxGap, float64(values[i]-values[i-1]))
	}
	x := gaussian(64, 11)
	q, err := QuantizeNF4(x, &NF4Options{Kind: NF4, BlockSize: 64, DoubleQuant: false})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	info, err := q.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.N != 64 || info.BlockCount != 1 || info.PackedBytes != 32 || info.TotalBytes != 36 ||
		info.DoubleQuant || info.BitsPerParameter != 4.5 {
		t.Fatalf("Info() = %+v", info)
	}
	absmax, err := q.Absmax()
	if err != nil {
		t.Fatal(err)
	}
	amax := float32(0)
	for _, v := range x {
		amax = float32(math.Max(float64(amax), math.Abs(float64(v))))
	}
	if len(absmax) != 1 || absmax[0] != amax {
		t.Fatalf("Absmax() = %v, want %v", absmax, amax)
	}
	y, err := q.Dequantize()
	if err != nil {
		t.Fatal(err)
	}
	for i := range x {
		if math.Abs(float64(y[i]-x[i])) > maxGap/2*float64(amax)+1e-6 {
			t.Fatalf("element %d: %v -> %v", i, x[i], y[i])
		}
	}

	long := gaussian(64*256*4, 12)
	dq, err := QuantizeNF4(long, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dq.Close()
	di, _ := dq.Info()
	if !di.DoubleQuant || di.GroupSize != 256 || di.GroupCount != 4 || !near(di.BitsPerParameter, 4.127, 0.001) {
		t.Fatalf("double-quantized Info() = %+v", di)
	}

	_, err = QuantizeNF4(x, &NF4Options{BlockSize: 48})
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "48") {
		t.Fatalf("QuantizeNF4(block 48) = %v", err)
	}
	q.Close()
	if _, err := q.Dequantize(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Dequantize after Close = %v", err)
	}
}

func TestFP8Matrix(t *testing.T) {
	x := []float32{1, -2, 0.5, 3.5, -100, 10, 0.1, 7}
	opts := &FP8Options{Format: FP8E4M3, Granularity: FP8PerRow}
	codes, scales, err := FP8Quantize(x, 2, 4, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != 8 || len(scales) != 2 || scales[0] != float32(3.5)/448 || scales[1] != float32(100)/448 {
		t.Fatalf("FP8Quantize: codes % x, scales %v", codes, scales)
	}
	// The largest |value| of each row lands on +-448.
	if codes[3] != 0x7E || codes[4] != 0xFE {
		t.Fatalf("FP8Quantize codes = % x", codes)
	}
	back, err := FP8Dequantize(codes, scales, 2, 4, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range x {
		s := scales[i/4]
		// Half an E4M3 step: 2^-4 of the value (3 mantissa bits), or half
		// the smallest subnormal (2^-10 times the scale).
		step := math.Max(math.Abs(float64(x[i]))/16, float64(s)/1024)
		if math.Abs(float64(back[i]-x[i])) > step*(1+1e-6) {
			t.Fatalf("element %d: %v -> %v (step %v)", i, x[i], back[i], step)
		}
	}
	// Per tensor: one scale, amax / 448.
	if _, s, err := FP8Quantize(x, 2, 4, nil); err != nil || len(s) != 1 || s[0] != float32(100)/448 {
		t.Fatalf("FP8Quantize(per tensor) = %v, %v", s, err)
	}
	_, _, err = FP8Quantize([]float32{1, float32(math.NaN())}, 1, 2, nil)
	if !errors.Is(err, ErrNonFinite) {
		t.Fatalf("FP8Quantize(NaN) = %v", err)
	}
	if _, err := FP8Dequantize(codes, scales[:1], 2, 4, opts); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("FP8Dequantize(1 scale per row) = %v", err)
	}
}

func TestFakeQuantizeTensor(t *testing.T) {
	src, err := TensorFromF32(gaussian(32, 13), 8, 4)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	for _, opts := range []*IntOptions{nil,
		{Bits: 4, Scheme: IntAffine, Granularity: PerGroup, GroupSize: 4},
		{Bits: 3, Scheme: IntSymmetric, Granularity: PerChannel, Axis: 1}} {
		y, mask, err := src.FakeQuantize(STEClamped, opts)
		if err != nil {
			t.Fatal(err)
		}
		q, err := src.QuantizeInt(opts)
		if err != nil {
			t.Fatal(err)
		}
		d, err := q.Dequantize()
		if err != nil {
			t.Fatal(err)
		}
		got, _ := y.Float32s()
		want, _ := d.Float32s()
		if len(got) != 32 || len(mask) != 32 {
			t.Fatalf("FakeQuantize(%+v): %d values, %d mask bytes", opts, len(got), len(mask))
		}
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) || mask[i] > 1 {
				t.Fatalf("FakeQuantize(%+v) element %d: %v (mask %d), QuantizeInt+Dequantize %v",
					opts, i, got[i], mask[i], want[i])
			}
		}
		if dims := y.Dims(); len(dims) != 2 || dims[0] != 8 || dims[1] != 4 {
			t.Fatalf("FakeQuantize dims = %v", dims)
		}
		y.Close()
		d.Close()
		q.Close()
	}
	_, plain, err := src.FakeQuantize(STEPlain, nil)
	if err != nil || string(plain) != strings.Repeat("\x01", 32) {
		t.Fatalf("FakeQuantize(plain) mask = %v, %v", plain, err)
	}
	if _, _, err := src.FakeQuantize(STEClamped, &IntOptions{Bits: 9}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("FakeQuantize(9 bits) = %v", err)
	}

	p, err := FakeQuantParamsFromRange(8, IntSymmetric, -1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.Scale != float32(1)/127 || p.ZeroPoint != 0 || p.Bits != 8 || p.Scheme != IntSymmetric {
		t.Fatalf("FakeQuantParamsFromRange(-1, 1) = %+v", p)
	}
	if _, err := FakeQuantParamsFromRange(8, IntSymmetric, 1, -1); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("FakeQuantParamsFromRange(1, -1) = %v", err)
	}
}

func TestNF4Parts(t *testing.T) {
	m, err := FourBitDynamicMap()
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 256 || m[127] != 0 || m[255] != 1 || m[0] != -0.99296875 {
		t.Fatalf("FourBitDynamicMap() = %v", m)
	}
	for i := 1; i < 256; i++ {
		if !(m[i] > m[i-1]) {
			t.Fatalf("dynamic map not ascending at %d: %v, %v", i, m[i-1], m[i])
		}
	}

	for _, opts := range []*NF4Options{{Kind: NF4, BlockSize: 64}, nil, {Kind: FP4, BlockSize: 32, DoubleQuant: true}} {
		x := gaussian(64*256*2+33, 14) // odd n, a short last block, 2+ groups
		q, err := QuantizeNF4(x, opts)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := q.Info()
		p, err := q.Parts()
		if err != nil {
			t.Fatal(err)
		}
		if p.N != int64(len(x)) || p.Kind != info.Kind || p.BlockSize != info.BlockSize ||
			p.DoubleQuant != info.DoubleQuant || int64(len(p.Packed)) != info.PackedBytes {
			t.Fatalf("Parts() header = %+v, info %+v", p, info)
		}
		if p.DoubleQuant {
			if int64(len(p.AbsmaxCodes)) != info.BlockCount || int64(len(p.Absmax2)) != info.GroupCount ||
				p.Absmax != nil || p.Offset == 0 {
				t.Fatalf("Parts(): %d codes, %d absmax2, offset %v", len(p.AbsmaxCodes), len(p.Absmax2), p.Offset)
			}
		} else {
			a, _ := q.Absmax()
			if len(p.Absmax) != len(a) || p.AbsmaxCodes != nil || p.Absmax2 != nil || p.Offset != 0 {
				t.Fatalf("Parts(): %d absmax", len(p.Absmax))
			}
			for i := range a {
				if p.Absmax[i] != a[i] {
					t.Fatalf("Parts().Absmax[%d] = %v, Absmax() %v", i, p.Absmax[i], a[i])
				}
			}
		}
		r, err := NF4FromParts(&p)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := q.Dequantize()
		got, err := r.Dequantize()
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("%+v: element %d: %v after export and import, %v before", opts, i, got[i], want[i])
			}
		}
		if rp, err := r.Parts(); err != nil || string(rp.Packed) != string(p.Packed) {
			t.Fatalf("Parts() of the import differ: %v", err)
		}
		r.Close()
		q.Close()

		short := p
		short.Packed = p.Packed[:len(p.Packed)-1]
		if _, err := NF4FromParts(&short); !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("NF4FromParts(short packed) = %v", err)
		}
	}
}
