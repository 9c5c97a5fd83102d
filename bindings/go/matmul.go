package axq

import (
	"runtime"

	"libaxq.dev/go/axq/internal/raw"
)

// MatmulOptions are the options of the matmuls; nil means defaults.
type MatmulOptions struct {
	Threads int // 0 = all cores; results are identical for any value
}

func matmulWith(fn func(y, w, x raw.Struct_SS_axq_tensor, threads int) int, y, w, x *Tensor,
	opts *MatmulOptions) error {
	yh, err := y.handle()
	if err != nil {
		return err
	}
	wh, err := w.handle()
	if err != nil {
		return err
	}
	xh, err := x.handle()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(y)
	defer runtime.KeepAlive(w)
	defer runtime.KeepAlive(x)
	threads := 0
	if opts != nil {
		threads = opts.Threads
	}
	return checkStatus(func() int { return fn(yh, wh, xh, threads) })
}

// Matmul computes y[n][m] = sum_k w[m][k] * x[n][k]: w has M rows of K
// (dims {K, M}) of any implemented weight type, x N rows of K F32, y an
// F32 tensor of dims {M, N}.
func Matmul(y, w, x *Tensor, opts *MatmulOptions) error {
	return matmulWith(raw.Matmul, y, w, x, opts)
}

// MatmulI2S is Matmul for I2_S weights, with bitnet.cpp's arithmetic.
func MatmulI2S(y, w, x *Tensor, opts *MatmulOptions) error {
	return matmulWith(raw.Matmul_i2s, y, w, x, opts)
}

// MatmulI2SI8 is MatmulI2S with activations already quantized to I8_S.
func MatmulI2SI8(y, w, xI8 *Tensor, opts *MatmulOptions) error {
	return matmulWith(raw.Matmul_i2s_i8, y, w, xI8, opts)
}
