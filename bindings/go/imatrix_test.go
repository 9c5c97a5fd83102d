package axq

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// relRMS is the RMS of want - got over the RMS of want.
func relRMS(want, got []float32) float64 {
	var e, r float64
	for i := range want {
		d := float64(got[i]) - float64(want[i])
		e += d * d
		r += float64(want[i]) * float64(want[i])
	}
	return math.Sqrt(e / r)
}

// weightedSSE is sum over rows of importance[j] * (want - got)^2.
func weightedSSE(want, got, importance []float32) float64 {
	var s float64
	for i := range want {
		d := float64(got[i]) - float64(want[i])
		s += float64(importance[i%len(importance)]) * d * d
	}
	return s
}

// roundTrip quantizes src (dims) to typ with opts and expands it back.
func roundTrip(t *testing.T, src []float32, typ Type, opts *QuantizeOptions, dims ...int64) (*Tensor, []float32) {
	t.Helper()
	x, err := TensorFromF32(src, dims...)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	q, err := x.Quantize(typ, opts)
	if err != nil {
		t.Fatalf("Quantize(%v): %v", typ, err)
	}
	d, err := q.Dequantize(0)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	back, err := d.Float32s()
	if err != nil {
		t.Fatal(err)
	}
	return q, back
}

func TestKQuantsRoundTrip(t *testing.T) {
	const cols, rows = 256, 8
	src := gaussian(cols*rows, 11)
	// Error bounds per type, about 10 % above what 0.5.0 measures on this
	// data (0.301, 0.151, 0.070, 0.035, 0.017), and strictly smaller errors
	// with more bits.
	bounds := []struct {
		typ Type
		max float64
	}{{TypeQ2_K, 0.33}, {TypeQ3_K, 0.17}, {TypeQ4_K, 0.08}, {TypeQ5_K, 0.04}, {TypeQ6_K, 0.02}}
	prev := math.Inf(1)
	for _, b := range bounds {
		q, back := roundTrip(t, src, b.typ, nil, cols, rows)
		info, _ := b.typ.Info()
		if q.Type() != b.typ || int64(q.NumBytes()) != rows*info.BlockBytes || !info.CanQuantize {
			t.Fatalf("%v: type %v, %d bytes, info %+v", b.typ, q.Type(), q.NumBytes(), info)
		}
		q.Close()
		e := relRMS(src, back)
		if e > b.max || e >= prev {
			t.Fatalf("%v: relative RMS error %.4f (bound %.3f, previous type %.4f)", b.typ, e, b.max, prev)
		}
		prev = e
	}
}

// skewedImportance weighs every seventh column 1000 times more.
func skewedImportance(n int) []float32 {
	imp := make([]float32, n)
	for j := range imp {
		imp[j] = 0.1
		if j%7 == 0 {
			imp[j] = 100
		}
	}
	return imp
}

func TestWeightedQuantizationQ4K(t *testing.T) {
	const cols, rows = 256, 4
	src := gaussian(cols*rows, 12)
	imp := skewedImportance(cols)
	plain, plainBack := roundTrip(t, src, TypeQ4_K, nil, cols, rows)
	defer plain.Close()
	weighted, weightedBack := roundTrip(t, src, TypeQ4_K, &QuantizeOptions{Importance: imp}, cols, rows)
	defer weighted.Close()
	pb, _ := plain.Bytes()
	wb, _ := weighted.Bytes()
	if bytes.Equal(pb, wb) {
		t.Fatal("importance changed no byte")
	}
	if pw, ww := weightedSSE(src, plainBack, imp), weightedSSE(src, weightedBack, imp); ww >= pw {
		t.Fatalf("weighted error with importance %.5f >= without %.5f", ww, pw)
	}
	// Any thread count gives the same bytes.
	one, _ := roundTrip(t, src, TypeQ4_K, &QuantizeOptions{Importance: imp, Threads: 1}, cols, rows)
	defer one.Close()
	if ob, _ := one.Bytes(); !bytes.Equal(ob, wb) {
		t.Fatal("Threads: 1 changed the weighted bytes")
	}

	// The report quantizes the same way.
	x, _ := TensorFromF32(src, cols, rows)
	defer x.Close()
	report, err := x.QuantReport(TypeQ4_K, &QuantizeOptions{Importance: imp})
	if err != nil {
		t.Fatal(err)
	}
	direct, err := CompareErrors(src, weightedBack, nil)
	if err != nil {
		t.Fatal(err)
	}
	if report.Error.MSE != direct.MSE || report.Bytes != int64(len(wb)) {
		t.Fatalf("QuantReport MSE %g, %d bytes; weighted quantization %g, %d bytes", report.Error.MSE, report.Bytes,
			direct.MSE, len(wb))
	}

	for _, c := range []struct {
		imp      []float32
		fragment string
	}{
		{imp[:255], "importance"},
		{[]float32{}, "importance: empty"},
		{append([]float32{float32(math.NaN())}, imp[1:]...), "importance"},
		{append([]float32{-1}, imp[1:]...), "importance"},
	} {
		if _, err := x.Quantize(TypeQ4_K, &QuantizeOptions{Importance: c.imp}); !errors.Is(err, ErrInvalidArgument) ||
			!strings.Contains(err.Error(), c.fragment) {
			t.Fatalf("Quantize(%d importance values) = %v", len(c.imp), err)
		}
		if _, err := x.QuantReport(TypeQ4_K, &QuantizeOptions{Importance: c.imp}); !errors.Is(err, ErrInvalidArgument) {
			t.Fatalf("QuantReport(%d importance values) = %v", len(c.imp), err)
		}
	}
}

func TestImatrixAccumulateSaveLoad(t *testing.T) {
	im, err := NewImatrix()
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	if n, err := im.Count(); n != 0 || err != nil {
		t.Fatalf("Count() = %d, %v", n, err)
	}
	const cols = 256
	a, b := gaussian(3*cols, 13), gaussian(2*cols, 14)
	if err := im.Accumulate("blk.0.attn_q.weight", a, 3, cols); err != nil {
		t.Fatal(err)
	}
	if err := im.Accumulate("blk.0.attn_q.weight", b, 2, cols); err != nil {
		t.Fatal(err)
	}
	if err := im.Accumulate("a.weight", []float32{1, 2, 3, 4}, 1, 4); err != nil {
		t.Fatal(err)
	}
	names, err := im.Names()
	if err != nil || strings.Join(names, ",") != "a.weight,blk.0.attn_q.weight" {
		t.Fatalf("Names() = %v, %v", names, err)
	}
	if n, _ := im.Count(); n != 2 {
		t.Fatalf("Count() = %d", n)
	}
	if c, err := im.Columns("blk.0.attn_q.weight"); c != cols || err != nil {
		t.Fatalf("Columns() = %d, %v", c, err)
	}
	// Importance = (f32) sum of squares / rows, the sums kept in float64.
	want := make([]float32, cols)
	for j := range want {
		var s float64
		for _, rowsOf := range [][]float32{a, b} {
			for r := 0; r < len(rowsOf)/cols; r++ {
				v := float64(rowsOf[r*cols+j])
				s += v * v
			}
		}
		want[j] = float32(s) / 5
	}
	got, err := im.Values("blk.0.attn_q.weight")
	if err != nil {
		t.Fatal(err)
	}
	if i := sameBits(want, got); i != -1 {
		t.Fatalf("Values(): element %d is %v, want %v", i, got[i], want[i])
	}
	if v, _ := im.Values("a.weight"); len(v) != 4 || v[0] != 1 || v[3] != 16 {
		t.Fatalf("Values(a.weight) = %v", v)
	}

	path := filepath.Join(t.TempDir(), "imatrix.gguf")
	if err := im.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadImatrix(path)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	if ln, _ := loaded.Names(); strings.Join(ln, ",") != strings.Join(names, ",") {
		t.Fatalf("loaded Names() = %v", ln)
	}
	for _, name := range names {
		before, _ := im.Values(name)
		after, err := loaded.Values(name)
		if err != nil || sameBits(before, after) != -1 {
			t.Fatalf("%s: loaded values differ (%v)", name, err)
		}
	}
}

func TestImatrixErrors(t *testing.T) {
	im, err := NewImatrix()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "imatrix.gguf")
	if err := im.Save(path); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("Save(empty) = %v", err)
	}
	if err := im.Accumulate("w.weight", gaussian(8, 15), 2, 4); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		err      error
		sentinel error
		fragment string
	}{
		{im.Accumulate("w.weight", gaussian(8, 16), 1, 8), ErrInvalidArgument, "w.weight"},
		{im.Accumulate("w.weight", gaussian(5, 16), 2, 4), ErrInvalidArgument, "x: 5 values"},
		{im.Accumulate("w.weight", []float32{1, float32(math.Inf(1)), 0, 0}, 1, 4), ErrNonFinite, ""},
		{im.Accumulate("", []float32{1}, 1, 1), ErrInvalidArgument, "name"},
	} {
		if !errors.Is(c.err, c.sentinel) || !strings.Contains(c.err.Error(), c.fragment) {
			t.Fatalf("Accumulate: %v, want %v with %q", c.err, c.sentinel, c.fragment)
		}
	}
	if _, err := im.Columns("no.such.weight"); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "no.such.weight") {
		t.Fatalf("Columns(unknown) = %v", err)
	}
	if _, err := im.Values("no.such.weight"); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "no.such.weight") {
		t.Fatalf("Values(unknown) = %v", err)
	}
	// The failed calls left the entry as it was.
	if v, _ := im.Values("w.weight"); len(v) != 4 {
		t.Fatalf("Values(w.weight) = %v", v)
	}
	if _, err := LoadImatrix(filepath.Join(t.TempDir(), "missing.gguf")); !errors.Is(err, ErrIO) {
		t.Fatalf("LoadImatrix(missing) = %v", err)
	}
	im.Close()
	if err := im.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := im.Count(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Count after Close = %v", err)
	}
	if err := im.Accumulate("w.weight", gaussian(4, 17), 1, 4); !errors.Is(err, ErrClosed) {
		t.Fatalf("Accumulate after Close = %v", err)
	}
	if _, err := im.Values("w.weight"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Values after Close = %v", err)
	}
}

func TestMixNames(t *testing.T) {
	m, err := MixFromName("q4_k_m")
	if err != nil || m != MixQ4_K_M || m.String() != "Q4_K_M" {
		t.Fatalf("MixFromName(q4_k_m) = %v (%d), %v", m, int(m), err)
	}
	for _, mix := range []Mix{MixF16, MixQ4_0, MixQ4_1, MixQ8_0, MixQ5_0, MixQ5_1, MixQ2_K, MixQ3_K_S, MixQ3_K_M,
		MixQ3_K_L, MixQ4_K_S, MixQ4_K_M, MixQ5_K_S, MixQ5_K_M, MixQ6_K, MixBF16, MixTQ1_0, MixTQ2_0} {
		back, err := MixFromName(mix.String())
		if err != nil || back != mix {
			t.Fatalf("%d: name %q parses to %v, %v", int(mix), mix.String(), back, err)
		}
	}
	if MixNone.String() != "Mix(-1)" || Mix(99).String() != "Mix(99)" {
		t.Fatalf("MixNone = %q, Mix(99) = %q", MixNone.String(), Mix(99).String())
	}
	if _, err := MixFromName("Q9_K_X"); !errors.Is(err, ErrUnknownType) || !strings.Contains(err.Error(), "Q9_K_X") {
		t.Fatalf("MixFromName(Q9_K_X) = %v", err)
	}
}

// mixModel is a one-layer model with llama.cpp's tensor names, rows of 256.
func mixModel(t *testing.T) *Model {
	t.Helper()
	m, err := NewModel()
	if err != nil {
		t.Fatal(err)
	}
	for i, spec := range []struct {
		name string
		dims []int64
	}{
		{"token_embd.weight", []int64{256, 8}},
		{"output_norm.weight", []int64{256}},
		{"output.weight", []int64{256, 8}},
		{"blk.0.attn_norm.weight", []int64{256}},
		{"blk.0.attn_q.weight", []int64{256, 16}},
		{"blk.0.attn_v.weight", []int64{256, 16}},
		{"blk.0.ffn_down.weight", []int64{256, 16}},
	} {
		n := int64(1)
		for _, d := range spec.dims {
			n *= d
		}
		x, err := TensorFromF32(gaussian(int(n), int64(20+i)), spec.dims...)
		if err != nil {
			t.Fatal(err)
		}
		if err := m.Add(spec.name, x); err != nil {
			t.Fatal(err)
		}
		x.Close()
	}
	return m
}

func tensorBytes(t *testing.T, m *Model, name string) (Type, []byte) {
	t.Helper()
	x, err := m.Tensor(name)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	b, err := x.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return x.Type(), b
}

func TestModelQuantizeMixAndImatrix(t *testing.T) {
	m := mixModel(t)
	defer m.Close()
	q, err := m.Quantize(&ModelQuantizeOptions{Mix: MixQ4_K_M, Type: TypeQ8_0, Fallback: TypeInvalid})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	want := map[string]Type{
		"token_embd.weight": TypeQ4_K, "output_norm.weight": TypeF32, "output.weight": TypeQ6_K,
		"blk.0.attn_norm.weight": TypeF32, "blk.0.attn_q.weight": TypeQ4_K,
		// The only layer is in llama.cpp's "more bits" set.
		"blk.0.attn_v.weight": TypeQ6_K, "blk.0.ffn_down.weight": TypeQ6_K,
	}
	for name, typ := range want {
		if got, _ := tensorBytes(t, q, name); got != typ {
			t.Fatalf("Q4_K_M: %s is %v, want %v", name, got, typ)
		}
	}

	// An imatrix entry changes that tensor only, exactly as quantizing it
	// with the entry's values does.
	im, err := NewImatrix()
	if err != nil {
		t.Fatal(err)
	}
	defer im.Close()
	acts := gaussian(4*256, 30)
	for j := 0; j < 256; j += 5 {
		for r := 0; r < 4; r++ {
			acts[r*256+j] *= 20
		}
	}
	if err := im.Accumulate("blk.0.attn_q.weight", acts, 4, 256); err != nil {
		t.Fatal(err)
	}
	wq, err := m.Quantize(&ModelQuantizeOptions{Mix: MixQ4_K_M, Imatrix: im})
	if err != nil {
		t.Fatal(err)
	}
	defer wq.Close()
	_, plainQ := tensorBytes(t, q, "blk.0.attn_q.weight")
	typ, weightedQ := tensorBytes(t, wq, "blk.0.attn_q.weight")
	if typ != TypeQ4_K || bytes.Equal(plainQ, weightedQ) {
		t.Fatalf("imatrix: attn_q is %v, bytes changed: %v", typ, !bytes.Equal(plainQ, weightedQ))
	}
	values, _ := im.Values("blk.0.attn_q.weight")
	src, _ := m.Tensor("blk.0.attn_q.weight")
	defer src.Close()
	direct, err := src.Quantize(TypeQ4_K, &QuantizeOptions{Importance: values})
	if err != nil {
		t.Fatal(err)
	}
	defer direct.Close()
	if db, _ := direct.Bytes(); !bytes.Equal(db, weightedQ) {
		t.Fatal("model quantization with the imatrix differs from Quantize with the entry's values")
	}
	_, plainV := tensorBytes(t, q, "blk.0.attn_v.weight")
	if _, weightedV := tensorBytes(t, wq, "blk.0.attn_v.weight"); !bytes.Equal(plainV, weightedV) {
		t.Fatal("a tensor without an imatrix entry changed")
	}

	// The same through files.
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.gguf"), filepath.Join(dir, "out.gguf")
	if err := m.Save(in); err != nil {
		t.Fatal(err)
	}
	if err := QuantizeFile(out, in, &ModelQuantizeOptions{Mix: MixQ4_K_M, Imatrix: im}); err != nil {
		t.Fatal(err)
	}
	fq, err := LoadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	defer fq.Close()
	for name, typ := range want {
		got, b := tensorBytes(t, fq, name)
		_, mb := tensorBytes(t, wq, name)
		if got != typ || !bytes.Equal(b, mb) {
			t.Fatalf("QuantizeFile: %s is %v (want %v), same bytes as Quantize: %v", name, got, typ, bytes.Equal(b, mb))
		}
	}

	axqt := &ModelQuantizeOptions{Mix: MixQ4_K_M, Format: FormatAXQT}
	if err := QuantizeFile(filepath.Join(dir, "out.axqt"), in, axqt); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "mix") {
		t.Fatalf("QuantizeFile(AXQT with a mix) = %v", err)
	}

	// An entry of the wrong size names the tensor; a closed imatrix is ErrClosed.
	bad, _ := NewImatrix()
	if err := bad.Accumulate("blk.0.attn_q.weight", gaussian(128, 31), 1, 128); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Quantize(&ModelQuantizeOptions{Mix: MixQ4_K_M, Imatrix: bad}); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "blk.0.attn_q.weight") {
		t.Fatalf("Quantize(128-column entry) = %v", err)
	}
	bad.Close()
	if _, err := m.Quantize(&ModelQuantizeOptions{Mix: MixQ4_K_M, Imatrix: bad}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Quantize(closed imatrix) = %v", err)
	}
	if err := QuantizeFile(out, in, &ModelQuantizeOptions{Mix: MixQ4_K_M, Imatrix: bad}); !errors.Is(err, ErrClosed) {
		t.Fatalf("QuantizeFile(closed imatrix) = %v", err)
	}
	if _, err := m.Quantize(&ModelQuantizeOptions{Mix: Mix(99)}); !errors.Is(err, ErrUnknownType) ||
		!strings.Contains(err.Error(), "99") {
		t.Fatalf("Quantize(Mix(99)) = %v", err)
	}
}
