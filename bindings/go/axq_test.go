package axq

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func vectorDir(t *testing.T) string {
	dir := os.Getenv("AXQ_VECTOR_DIR")
	if dir == "" {
		t.Skip("AXQ_VECTOR_DIR is not set (meson test sets it)")
	}
	return dir
}

func readFile(t *testing.T, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readFloats(t *testing.T, path string) []float32 {
	data := readFile(t, path)
	out := make([]float32, len(data)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
	}
	return out
}

func sameBits(a, b []float32) int {
	if len(a) != len(b) {
		return 0
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) && !(a[i] != a[i] && b[i] != b[i]) {
			return i
		}
	}
	return -1
}

func TestVersion(t *testing.T) {
	if v := Version(); strings.Count(v, ".") != 2 {
		t.Fatalf("Version() = %q, want X.Y.Z", v)
	}
	if StatusText(StatusNonFinite) == "" || StatusText(Status(12345)) == "" {
		t.Fatal("StatusText is empty")
	}
}

func TestQuantizeRowMatchesGgmlVectors(t *testing.T) {
	dir := vectorDir(t)
	src := readFloats(t, filepath.Join(dir, "gauss_n01.in.f32"))
	for _, c := range []struct {
		typ  Type
		name string
	}{{TypeQ4_0, "q4_0"}, {TypeQ8_0, "q8_0"}} {
		got, err := QuantizeRow(c.typ, src)
		if err != nil {
			t.Fatal(err)
		}
		want := readFile(t, filepath.Join(dir, "gauss_n01."+c.name+".bin"))
		if string(got) != string(want) {
			t.Fatalf("%s: bytes differ from ggml's", c.name)
		}
		back, err := DequantizeRow(c.typ, got, len(src))
		if err != nil {
			t.Fatal(err)
		}
		if i := sameBits(back, readFloats(t, filepath.Join(dir, "gauss_n01."+c.name+".deq.f32"))); i != -1 {
			t.Fatalf("%s: dequantized value %d differs", c.name, i)
		}
		// The Into forms write into the caller's buffers.
		buf := make([]byte, len(want)+7)
		n, err := QuantizeRowInto(c.typ, buf, src)
		if err != nil || n != len(want) || string(buf[:n]) != string(want) {
			t.Fatalf("%s: QuantizeRowInto = %d, %v", c.name, n, err)
		}
		into := make([]float32, len(src))
		if err := DequantizeRowInto(c.typ, into, want); err != nil || sameBits(into, back) != -1 {
			t.Fatalf("%s: DequantizeRowInto: %v", c.name, err)
		}
	}
}

func TestTypes(t *testing.T) {
	typ, err := TypeFromName("Q4_0")
	if err != nil || typ != TypeQ4_0 {
		t.Fatalf("TypeFromName = %v, %v", typ, err)
	}
	info, err := TypeQ4_0.Info()
	if err != nil {
		t.Fatal(err)
	}
	if info.Name != "q4_0" || info.BlockElems != 32 || info.BlockBytes != 18 || info.BitsPerWeight != 4.5 ||
		!info.Quantized || !info.CanQuantize || !info.CanDequantize {
		t.Fatalf("Info = %+v", info)
	}
	if TypeI2S.String() != "i2_s" || Type(4).String() != "Type(4)" {
		t.Fatalf("String: %q %q", TypeI2S.String(), Type(4).String())
	}
	if size, err := RowSize(TypeI2S, 256); err != nil || size != 256/4+32 {
		t.Fatalf("RowSize(i2_s) = %d, %v", size, err)
	}
}

// Every status the library can report here maps to its sentinel, with the
// library's own message.
func TestErrorsCarryStatusAndMessage(t *testing.T) {
	type errorCase struct {
		name     string
		err      error
		sentinel error
		fragment string
	}
	var cases []errorCase
	_, err := QuantizeRow(TypeQ4_0, make([]float32, 33))
	cases = append(cases, errorCase{"misaligned n", err, ErrInvalidArgument, "multiple of 32"})
	_, err = QuantizeRow(TypeQ2_K, make([]float32, 128))
	cases = append(cases, errorCase{"misaligned super-block", err, ErrInvalidArgument, "multiple of 256"})
	_, err = QuantizeRow(Type(4), make([]float32, 32))
	cases = append(cases, errorCase{"retired id", err, ErrUnknownType, "unknown type id 4"})
	_, err = QuantizeRowInto(TypeQ8_0, make([]byte, 10), make([]float32, 32))
	cases = append(cases, errorCase{"short buffer", err, ErrBufferTooSmall, "dst_capacity"})
	bad := make([]float32, 64)
	bad[40] = float32(math.NaN())
	_, err = QuantizeRow(TypeQ4_0, bad)
	cases = append(cases, errorCase{"NaN", err, ErrNonFinite, "src[40]"})
	for _, c := range cases {
		var e *Error
		if !errors.Is(c.err, c.sentinel) || !errors.As(c.err, &e) || !strings.Contains(e.Message, c.fragment) {
			t.Errorf("%s: got %v, want %v with %q", c.name, c.err, c.sentinel, c.fragment)
		}
	}
	// Statuses no call here can produce yet map all the same.
	for status, sentinel := range sentinels {
		if err := error(&Error{Status: status, Message: "m"}); !errors.Is(err, sentinel) || err.Error() != "axq: m" {
			t.Errorf("status %d does not map to %v", status, sentinel)
		}
	}
	if !errors.Is(&Error{Status: -1234}, ErrInternal) {
		t.Error("an unknown status should match ErrInternal")
	}
}

func TestTensorLifecycle(t *testing.T) {
	data := make([]float32, 2*64)
	for i := range data {
		data[i] = float32(i%17)/17 - 0.5
	}
	src, err := TensorFromF32(data, 64, 2)
	if err != nil {
		t.Fatal(err)
	}
	if src.Type() != TypeF32 || src.NumElements() != 128 || src.NumBytes() != 512 {
		t.Fatalf("tensor: %v %d %d", src.Type(), src.NumElements(), src.NumBytes())
	}
	if d := src.Dims(); len(d) != 2 || d[0] != 64 || d[1] != 2 {
		t.Fatalf("Dims = %v", d)
	}
	values, err := src.Float32s()
	if err != nil || sameBits(values, data) != -1 {
		t.Fatalf("Float32s: %v", err)
	}
	q, err := src.Quantize(TypeQ4_0, &QuantizeOptions{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	row, _ := QuantizeRow(TypeQ4_0, data)
	if b, err := q.Bytes(); err != nil || string(b) != string(row) {
		t.Fatalf("tensor bytes differ from QuantizeRow: %v", err)
	}
	if _, err := q.Float32s(); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("Float32s of q4_0: %v", err)
	}
	back, err := q.Dequantize(0)
	if err != nil {
		t.Fatal(err)
	}
	again, err := TensorFromBytes(TypeQ4_0, row, 64, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TensorFromBytes(TypeQ4_0, row[:10], 64, 2); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("short bytes: %v", err)
	}
	if _, err := TensorFromF32(data[:5], 64, 2); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("short data: %v", err)
	}
	if _, err := NewTensor(TypeQ4_0, 33); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("bad dims: %v", err)
	}
	for _, x := range []*Tensor{src, q, back, again} {
		if err := x.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// A closed tensor: a clean error, never a crash; Close stays a no-op.
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Bytes(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Bytes after Close: %v", err)
	}
	if _, err := q.Quantize(TypeQ8_0, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Quantize after Close: %v", err)
	}
	if q.Type() != TypeInvalid || q.Dims() != nil || q.NumBytes() != 0 || q.IsRepacked() {
		t.Fatal("queries on a closed tensor should give neutral values")
	}
	var none *Tensor
	if err := Matmul(none, q, src, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Matmul with nil: %v", err)
	}
}

// bitnet.cpp's I2_S vectors: the binding gives the C library's (and
// bitnet.cpp's) results bit for bit through both I2_S entry points.
func TestI2SMatmulMatchesC(t *testing.T) {
	dir := vectorDir(t)
	const m, k, n = 16, 256, 4 // i2s_ternary in i2s_manifest.tsv
	w32, err := TensorFromF32(readFloats(t, filepath.Join(dir, "i2s_ternary.w.f32")), k, m)
	if err != nil {
		t.Fatal(err)
	}
	defer w32.Close()
	w, err := w32.Quantize(TypeI2S, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if b, _ := w.Bytes(); string(b) != string(readFile(t, filepath.Join(dir, "i2s_ternary.i2s.bin"))) {
		t.Fatal("I2_S bytes differ from bitnet.cpp's")
	}
	x, err := TensorFromF32(readFloats(t, filepath.Join(dir, "i2s_ternary.act.f32")), k, n)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	xi8, err := x.Quantize(TypeI8S, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer xi8.Close()
	codes, scale, sum, err := xi8.I8SRow(1)
	if err != nil {
		t.Fatal(err)
	}
	wantCodes := readFile(t, filepath.Join(dir, "i2s_ternary.act.i8"))[k : 2*k]
	for i := range codes {
		if byte(codes[i]) != wantCodes[i] {
			t.Fatalf("I8SRow code %d = %d", i, codes[i])
		}
	}
	if scale != readFloats(t, filepath.Join(dir, "i2s_ternary.act_scale.f32"))[1] ||
		sum != int32(binary.LittleEndian.Uint32(readFile(t, filepath.Join(dir, "i2s_ternary.act_sum.i32"))[4:])) {
		t.Fatalf("I8SRow scale %v sum %d", scale, sum)
	}
	if _, _, _, err := xi8.I8SRow(n); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("I8SRow past the end: %v", err)
	}
	want := readFloats(t, filepath.Join(dir, "i2s_ternary.out.f32"))
	for i, run := range []func(y *Tensor) error{
		func(y *Tensor) error { return MatmulI2S(y, w, x, nil) },
		func(y *Tensor) error { return MatmulI2SI8(y, w, xi8, &MatmulOptions{Threads: 2}) },
		func(y *Tensor) error { return Matmul(y, w, x, nil) },
	} {
		y, err := NewTensor(TypeF32, m, n)
		if err != nil {
			t.Fatal(err)
		}
		if err := run(y); err != nil {
			t.Fatal(err)
		}
		got, _ := y.Float32s()
		if j := sameBits(got, want); j != -1 {
			t.Fatalf("entry %d: y[%d] = %v, want %v", i, j, got[j], want[j])
		}
		y.Close()
	}
	// Shape errors come back as errors.
	y, _ := NewTensor(TypeF32, m+1, n)
	defer y.Close()
	if err := MatmulI2S(y, w, x, nil); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("wrong y: %v", err)
	}
}

func TestRepackKeepsResults(t *testing.T) {
	const m, k, n = 20, 128, 3
	wdata := make([]float32, m*k)
	xdata := make([]float32, n*k)
	for i := range wdata {
		wdata[i] = float32(math.Sin(float64(i) * 0.37))
	}
	for i := range xdata {
		xdata[i] = float32(math.Cos(float64(i) * 0.11))
	}
	w32, _ := TensorFromF32(wdata, k, m)
	defer w32.Close()
	x, _ := TensorFromF32(xdata, k, n)
	defer x.Close()
	w, err := w32.Quantize(TypeQ8_0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	packed, err := w.Repack()
	if err != nil {
		t.Fatal(err)
	}
	defer packed.Close()
	if !packed.IsRepacked() || w.IsRepacked() {
		t.Fatal("IsRepacked")
	}
	if _, err := packed.Bytes(); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("Bytes of a repacked tensor: %v", err)
	}
	y1, _ := NewTensor(TypeF32, m, n)
	y2, _ := NewTensor(TypeF32, m, n)
	defer y1.Close()
	defer y2.Close()
	if err := Matmul(y1, w, x, nil); err != nil {
		t.Fatal(err)
	}
	if err := Matmul(y2, packed, x, nil); err != nil {
		t.Fatal(err)
	}
	a, _ := y1.Float32s()
	b, _ := y2.Float32s()
	if sameBits(a, b) != -1 {
		t.Fatal("repacked weights changed the result")
	}
}

func TestSIMDTargets(t *testing.T) {
	targets := SIMDTargets()
	if len(targets) == 0 || SIMDTarget() == "" {
		t.Fatal("no SIMD targets")
	}
	if err := SetSIMDTargets("NOSUCH"); !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("SetSIMDTargets(NOSUCH): %v", err)
	}
	if err := SetSIMDTargets(targets[len(targets)-1]); err != nil || SIMDTarget() != targets[len(targets)-1] {
		t.Fatalf("SetSIMDTargets: %v", err)
	}
	if err := SetSIMDTargets(""); err != nil || SIMDTarget() != targets[0] {
		t.Fatalf("SetSIMDTargets(\"\"): %v", err)
	}
}

func rssKiB(t *testing.T) int64 {
	data := readFile(t, "/proc/self/statm")
	var size, resident int64
	if _, err := fmt.Sscan(string(data), &size, &resident); err != nil {
		t.Fatal(err)
	}
	return resident * int64(os.Getpagesize()) / 1024
}

// 100 000 tensors made and closed: the process does not grow.
func TestCreateAndCloseDoesNotLeak(t *testing.T) {
	data := make([]float32, 256)
	run := func(count int) {
		for i := 0; i < count; i++ {
			x, err := TensorFromF32(data, 256)
			if err != nil {
				t.Fatal(err)
			}
			q, err := x.Quantize(TypeQ8_0, &QuantizeOptions{Threads: 1})
			if err != nil {
				t.Fatal(err)
			}
			q.Close()
			x.Close()
		}
	}
	run(10000) // warm-up: allocator pools, runtime
	before := rssKiB(t)
	run(100000)
	after := rssKiB(t)
	// 100 000 leaked pairs would be over 100 MiB.
	if after-before > 8*1024 {
		t.Fatalf("RSS grew from %d KiB to %d KiB", before, after)
	}
}
