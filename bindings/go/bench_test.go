package axq

import (
	"math"
	"testing"

	"libaxq.dev/go/axq/internal/raw"
)

// Binding overhead: quantizing 16 MiB of f32 to Q4_0 through the Go API
// against the same C call timed in C (go test -bench . -run ^$). Compare
// the two ns/op of one run.

const benchFloats = 16 << 20 / 4

func benchInput() ([]float32, []byte) {
	src := make([]float32, benchFloats)
	for i := range src {
		src[i] = float32(math.Sin(float64(i) * 0.001))
	}
	size, _ := RowSize(TypeQ4_0, benchFloats)
	return src, make([]byte, size)
}

func BenchmarkQuantizeRowQ4_0Go(b *testing.B) {
	src, dst := benchInput()
	b.SetBytes(int64(len(src) * 4))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := QuantizeRowInto(TypeQ4_0, dst, src); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkQuantizeRowQ4_0C(b *testing.B) {
	src, dst := benchInput()
	b.SetBytes(int64(len(src) * 4))
	b.ResetTimer()
	if raw.C_quantize_row_seconds(int(TypeQ4_0), src, dst, b.N) < 0 {
		b.Fatal("the C call failed")
	}
}
