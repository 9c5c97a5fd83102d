package axq

import (
	"errors"
	"math"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
)

func gaussian(n int, seed int64) []float32 {
	r := rand.New(rand.NewSource(seed))
	out := make([]float32, n)
	for i := range out {
		out[i] = float32(r.NormFloat64())
	}
	return out
}

func TestLinearApproximatesTheF32Layer(t *testing.T) {
	const out, in, batch = 8, 64, 3
	w, b, x := gaussian(out*in, 1), gaussian(out, 2), gaussian(batch*in, 3)
	l, err := NewLinear(TypeQ8_0, w, out, in, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	y, err := l.Forward(x, &MatmulOptions{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(y) != batch*out {
		t.Fatalf("len(y) = %d, want %d", len(y), batch*out)
	}
	var errSum, refSum float64
	for n := 0; n < batch; n++ {
		for o := 0; o < out; o++ {
			ref := float64(b[o])
			for i := 0; i < in; i++ {
				ref += float64(w[o*in+i]) * float64(x[n*in+i])
			}
			d := float64(y[n*out+o]) - ref
			errSum += d * d
			refSum += ref * ref
		}
	}
	if rel := math.Sqrt(errSum / refSum); rel > 0.02 {
		t.Fatalf("relative RMS error %.4f > 0.02", rel)
	}
	info, err := l.Info()
	if err != nil {
		t.Fatal(err)
	}
	want := LinearInfo{Type: TypeQ8_0, HasBias: true, InFeatures: in, OutFeatures: out, WeightBytes: out * in / 32 * 34,
		BitsPerWeight: 8.5, CompressionRatio: 32 / 8.5}
	if info != want {
		t.Fatalf("Info() = %+v, want %+v", info, want)
	}
	weight, err := l.Weight()
	if err != nil {
		t.Fatal(err)
	}
	defer weight.Close()
	if weight.Type() != TypeQ8_0 || weight.NumBytes() != out*in/32*34 {
		t.Fatalf("Weight() = %v, %d bytes", weight.Type(), weight.NumBytes())
	}
}

func TestLinearWidthNeedsAFallback(t *testing.T) {
	w := gaussian(4*100, 4)
	_, err := NewLinear(TypeQ4_0, w, 4, 100, nil, nil)
	if !errors.Is(err, ErrInvalidArgument) || !strings.Contains(err.Error(), "96 and 128") {
		t.Fatalf("NewLinear(width 100) = %v", err)
	}
	l, err := NewLinear(TypeQ4_0, w, 4, 100, nil, &LinearOptions{Fallback: TypeF16})
	if err != nil {
		t.Fatal(err)
	}
	info, _ := l.Info()
	if info.Type != TypeF16 || info.HasBias {
		t.Fatalf("fallback info %+v", info)
	}
	if _, err := l.Forward(make([]float32, 99), nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("Forward(99 values) = %v", err)
	}
	l.Close()
	if _, err := l.Info(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Info after Close = %v", err)
	}
	if _, err := NewLinear(TypeQ8_0, w, 4, 100, make([]float32, 3), &LinearOptions{Fallback: TypeF16}); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "bias: 3 values") {
		t.Fatalf("NewLinear(3 bias values) = %v", err)
	}
	if _, err := NewLinear(TypeF16, w[:399], 4, 100, nil, nil); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "weight: 399 values") {
		t.Fatalf("NewLinear(399 weights) = %v", err)
	}
}

func TestModelQuantizeSaveLoadAndSummary(t *testing.T) {
	m, err := NewModel()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	norm, _ := TensorFromF32(gaussian(64, 5), 64)
	defer norm.Close()
	w, _ := TensorFromF32(gaussian(64*8, 6), 64, 8)
	defer w.Close()
	if err := m.Add("x.norm.weight", norm); err != nil {
		t.Fatal(err)
	}
	if err := m.Add("blk.0.w.weight", w); err != nil {
		t.Fatal(err)
	}
	if err := m.Add("blk.0.w.weight", w); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("duplicate Add = %v", err)
	}
	q, err := m.Quantize(&ModelQuantizeOptions{Type: TypeQ4_0, Rules: []string{"blk.*=q8_0"}, Fallback: TypeInvalid})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	names, _ := q.Names()
	if strings.Join(names, ",") != "x.norm.weight,blk.0.w.weight" {
		t.Fatalf("Names() = %v", names)
	}
	for name, typ := range map[string]Type{"x.norm.weight": TypeF32, "blk.0.w.weight": TypeQ8_0} {
		tt, err := q.Tensor(name)
		if err != nil {
			t.Fatal(err)
		}
		if tt.Type() != typ {
			t.Fatalf("%s is %v, want %v", name, tt.Type(), typ)
		}
		tt.Close()
	}
	s, err := q.Summary()
	if err != nil {
		t.Fatal(err)
	}
	want := ModelSummary{Tensors: 2, QuantizedTensors: 1, Params: 64 + 512, F32Bytes: 4 * 576, Bytes: 256 + 16*34}
	want.CompressionRatio = float64(want.F32Bytes) / float64(want.Bytes)
	want.BitsPerWeight = 8 * float64(want.Bytes) / float64(want.Params)
	if s != want {
		t.Fatalf("Summary() = %+v, want %+v", s, want)
	}

	path := filepath.Join(t.TempDir(), "m.gguf")
	if err := q.Save(path); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	defer loaded.Close()
	a, _ := q.Tensor("blk.0.w.weight")
	b, _ := loaded.Tensor("blk.0.w.weight")
	ab, _ := a.Bytes()
	bb, _ := b.Bytes()
	if string(ab) != string(bb) {
		t.Fatal("tensor bytes differ after Save/LoadModel")
	}
	a.Close()
	b.Close()
	f, err := loaded.Dequantize("blk.0.w.weight", 64, 8)
	if err != nil {
		t.Fatal(err)
	}
	if f.Type() != TypeF32 || f.NumElements() != 512 {
		t.Fatalf("Dequantize: %v, %d", f.Type(), f.NumElements())
	}
	f.Close()
	if _, err := loaded.Dequantize("blk.0.w.weight", 8, 64); !errors.Is(err, ErrInvalidArgument) ||
		!strings.Contains(err.Error(), "blk.0.w.weight") {
		t.Fatalf("Dequantize(wrong dims) = %v", err)
	}
	if _, err := loaded.Tensor("missing"); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("Tensor(missing) = %v", err)
	}
	if _, err := m.Quantize(&ModelQuantizeOptions{Type: TypeQ4_0, Rules: []string{"a=b;c"}}); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("rule with ';' = %v", err)
	}
	if _, err := m.Quantize(&ModelQuantizeOptions{Type: TypeQ4_0, Rules: []string{"*=q9_9"}, Fallback: TypeInvalid}); !errors.Is(err, ErrUnknownType) {
		t.Fatalf("unknown rule type = %v", err)
	}

	// File to file: the same bytes as in memory, and back to f32.
	in := filepath.Join(t.TempDir(), "in.gguf")
	out := filepath.Join(t.TempDir(), "out.gguf")
	back := filepath.Join(t.TempDir(), "back.gguf")
	if err := m.Save(in); err != nil {
		t.Fatal(err)
	}
	if err := QuantizeFile(out, in, &ModelQuantizeOptions{Type: TypeQ4_0, Rules: []string{"blk.*=q8_0"}, Fallback: TypeInvalid}); err != nil {
		t.Fatal(err)
	}
	if err := DequantizeFile(back, out, TypeF32, 1); err != nil {
		t.Fatal(err)
	}
	expanded, err := LoadModel(back)
	if err != nil {
		t.Fatal(err)
	}
	defer expanded.Close()
	e, _ := expanded.Tensor("blk.0.w.weight")
	defer e.Close()
	d, _ := q.Dequantize("blk.0.w.weight")
	defer d.Close()
	ev, _ := e.Float32s()
	dv, _ := d.Float32s()
	if sameBits(ev, dv) != -1 {
		t.Fatal("DequantizeFile differs from Model.Dequantize")
	}
	axqt := filepath.Join(t.TempDir(), "m.axqt")
	if err := QuantizeFile(axqt, in, &ModelQuantizeOptions{Type: TypeQ8_0, Fallback: TypeInvalid, Format: FormatAXQT}); err != nil {
		t.Fatal(err)
	}
	fromAxqt, err := LoadModel(axqt)
	if err != nil {
		t.Fatal(err)
	}
	defer fromAxqt.Close()
	if names, _ := fromAxqt.Names(); strings.Join(names, ",") != "tensor.0,tensor.1" {
		t.Fatalf("AXQT names %v", names)
	}
	if a, err := fromAxqt.Tensor("tensor.0"); err != nil || a.Type() != TypeQ8_0 {
		t.Fatalf("AXQT tensor.0: %v", err)
	}
	if err := DequantizeFile(back, out, TypeQ4_0, 1); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("DequantizeFile(q4_0) = %v", err)
	}
}
