// Quantizes a matrix to Q4_0, multiplies it with a batch of activations
// and prints the error against the f32 product.
package main

import (
	"fmt"
	"math"
	"os"

	"libaxq.dev/go/axq"
)

func main() {
	const rows, cols, batch = 256, 512, 4
	w := make([]float32, rows*cols)
	x := make([]float32, batch*cols)
	for i := range w {
		w[i] = float32(math.Sin(float64(i)*0.013)) * 0.05
	}
	for i := range x {
		x[i] = float32(math.Cos(float64(i) * 0.007))
	}
	if err := run(w, x, rows, cols, batch); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(w, x []float32, rows, cols, batch int64) error {
	w32, err := axq.TensorFromF32(w, cols, rows)
	if err != nil {
		return err
	}
	defer w32.Close()
	xt, err := axq.TensorFromF32(x, cols, batch)
	if err != nil {
		return err
	}
	defer xt.Close()
	wq, err := w32.Quantize(axq.TypeQ4_0, nil)
	if err != nil {
		return err
	}
	defer wq.Close()
	exact, _ := axq.NewTensor(axq.TypeF32, rows, batch)
	defer exact.Close()
	approx, _ := axq.NewTensor(axq.TypeF32, rows, batch)
	defer approx.Close()
	if err := axq.Matmul(exact, w32, xt, nil); err != nil {
		return err
	}
	if err := axq.Matmul(approx, wq, xt, nil); err != nil {
		return err
	}
	a, _ := exact.Float32s()
	b, _ := approx.Float32s()
	var num, den float64
	for i := range a {
		num += float64(a[i]-b[i]) * float64(a[i]-b[i])
		den += float64(a[i]) * float64(a[i])
	}
	fmt.Printf("libaxq %s: q4_0 matmul %dx%d by %d rows, relative error %.3g\n",
		axq.Version(), rows, cols, batch, math.Sqrt(num/den))
	return nil
}
