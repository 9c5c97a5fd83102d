package axq

import "libaxq.dev/go/axq/internal/raw"

// QuantizeRow quantizes src to t, byte for byte as ggml writes files.
// len(src) must be a multiple of t's block size.
func QuantizeRow(t Type, src []float32) ([]byte, error) {
	size, err := RowSize(t, len(src))
	if err != nil {
		return nil, err
	}
	dst := make([]byte, size)
	n, err := QuantizeRowInto(t, dst, src)
	if err != nil {
		return nil, err
	}
	return dst[:n], nil
}

// QuantizeRowInto quantizes src into dst without allocating and returns
// the bytes written (ErrBufferTooSmall if dst is short).
func QuantizeRowInto(t Type, dst []byte, src []float32) (int, error) {
	n, err := check(func() int64 { return raw.Quantize_row(int(t), src, dst) })
	return int(n), err
}

// DequantizeRow expands n elements of t held in src (exactly their bytes).
func DequantizeRow(t Type, src []byte, n int) ([]float32, error) {
	if n < 0 {
		n = 0 // the library reports it
	}
	dst := make([]float32, n)
	if err := DequantizeRowInto(t, dst, src); err != nil {
		return nil, err
	}
	return dst, nil
}

// DequantizeRowInto expands src into dst, len(dst) elements of t.
func DequantizeRowInto(t Type, dst []float32, src []byte) error {
	_, err := check(func() int64 { return raw.Dequantize_row(int(t), src, dst) })
	return err
}
