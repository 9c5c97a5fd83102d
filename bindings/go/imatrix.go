package axq

import (
	"fmt"
	"runtime"

	"libaxq.dev/go/axq/internal/raw"
)

// Imatrix is an importance matrix (axq_imatrix_t, axq/imatrix.h): per
// weight name, the sum of squared activations of each input column and the
// number of rows summed, as llama-imatrix collects them. Values gives the
// per-column importance that QuantizeOptions.Importance takes; a whole
// Imatrix goes to ModelQuantizeOptions.Imatrix. Files are llama.cpp's
// (GGUF, or the legacy .dat when loading). Its memory is C memory: Close
// it when done. Its methods may run from many goroutines at once; Close
// must not race with other uses.
type Imatrix struct {
	h raw.Struct_SS_axq_imatrix // nil once closed
}

func checkImatrix(fn func() raw.Struct_SS_axq_imatrix) (*Imatrix, error) {
	h, err := checkNew(fn)
	if err != nil {
		return nil, err
	}
	im := &Imatrix{h: h}
	runtime.SetFinalizer(im, (*Imatrix).Close) // safety net only
	return im, nil
}

// NewImatrix makes an empty importance matrix.
func NewImatrix() (*Imatrix, error) { return checkImatrix(raw.Imatrix_create) }

// LoadImatrix reads a GGUF or legacy .dat imatrix file (told apart by
// content): ErrIO if it cannot be read, ErrCorruptData if it is not a
// valid imatrix.
func LoadImatrix(path string) (*Imatrix, error) {
	return checkImatrix(func() raw.Struct_SS_axq_imatrix { return raw.Imatrix_load(path) })
}

// Close frees the matrix; later uses report ErrClosed.
func (im *Imatrix) Close() error {
	if im == nil || im.h == nil {
		return nil
	}
	raw.Imatrix_destroy(im.h)
	im.h = nil
	runtime.SetFinalizer(im, nil)
	return nil
}

func (im *Imatrix) handle() (raw.Struct_SS_axq_imatrix, error) {
	if im == nil || im.h == nil {
		return nil, ErrClosed
	}
	return im.h, nil
}

// Save writes the GGUF format llama-quantize reads, through a temporary
// file renamed over path (ErrInvalidArgument for a matrix without
// entries).
func (im *Imatrix) Save(path string) error {
	h, err := im.handle()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(im)
	return checkStatus(func() int { return raw.Imatrix_save(h, path) })
}

// Accumulate adds rows x cols activations x (row-major, one row per token
// entering the weight name) to the entry name, made on first use with
// cols columns. A NaN or Inf is ErrNonFinite and leaves the matrix
// unchanged.
func (im *Imatrix) Accumulate(name string, x []float32, rows, cols int64) error {
	h, err := im.handle()
	if err != nil {
		return err
	}
	// The C helper rejects a wrong length without a message of its own.
	if rows > 0 && cols > 0 && (int64(len(x))%cols != 0 || int64(len(x))/cols != rows) {
		return &Error{Status: StatusInvalidArgument, Message: fmt.Sprintf(
			"x: %d values, but %d rows of %d need %d", len(x), rows, cols, rows*cols)}
	}
	defer runtime.KeepAlive(im)
	return checkStatus(func() int { return raw.Imatrix_accumulate(h, x, rows, cols, name) })
}

// Count is the number of entries.
func (im *Imatrix) Count() (int, error) {
	h, err := im.handle()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(im)
	n, err := check(func() int64 { return raw.Imatrix_count(h) })
	return int(n), err
}

// Names lists the entries in byte-wise name order.
func (im *Imatrix) Names() ([]string, error) {
	h, err := im.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(im)
	n, err := check(func() int64 { return raw.Imatrix_count(h) })
	if err != nil {
		return nil, err
	}
	names := make([]string, n)
	for i := range names {
		names[i] = raw.Imatrix_name(h, int64(i))
	}
	return names, nil
}

// Columns is the number of importance values of entry name (the weight's
// row length, times the experts for an expert entry); ErrInvalidArgument
// for a name the matrix does not hold.
func (im *Imatrix) Columns(name string) (int64, error) {
	h, err := im.handle()
	if err != nil {
		return 0, err
	}
	defer runtime.KeepAlive(im)
	return check(func() int64 { return raw.Imatrix_columns(h, name) })
}

// Values returns entry name's importance per column (sum / count, or 1
// where nothing was counted): what QuantizeOptions.Importance takes to
// quantize that weight as llama-quantize would.
func (im *Imatrix) Values(name string) ([]float32, error) {
	h, err := im.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(im)
	cols, err := check(func() int64 { return raw.Imatrix_columns(h, name) })
	if err != nil {
		return nil, err
	}
	dst := make([]float32, cols)
	if err := checkStatus(func() int { return raw.Imatrix_values(h, dst, name) }); err != nil {
		return nil, err
	}
	return dst, nil
}
