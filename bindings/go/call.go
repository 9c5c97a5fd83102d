package axq

import (
	"runtime"

	"libaxq.dev/go/axq/internal/raw"
)

// The library keeps its last message per OS thread. A goroutine may move
// between threads from one cgo call to the next, so a call and the reading
// of its message run with the goroutine locked to its thread.

// check runs fn, whose result is a count or size >= 0 or a negative status.
func check(fn func() int64) (int64, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	r := fn()
	if r < 0 {
		return r, &Error{Status: Status(r), Message: raw.Last_error()}
	}
	return r, nil
}

// checkStatus runs fn, which returns a status.
func checkStatus(fn func() int) error {
	_, err := check(func() int64 { return int64(fn()) })
	return err
}

// A SWIG handle of any of the library's objects.
type swigHandle interface{ Swigcptr() uintptr }

// checkNew runs fn, which returns a handle or nil (the status then in
// raw.Last_status).
func checkNew[H swigHandle](fn func() H) (H, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	h := fn()
	if any(h) == nil || h.Swigcptr() == 0 {
		var none H
		return none, &Error{Status: Status(raw.Last_status()), Message: raw.Last_error()}
	}
	return h, nil
}

// checkHandle is checkNew for tensors.
func checkHandle(fn func() raw.Struct_SS_axq_tensor) (*Tensor, error) {
	h, err := checkNew(fn)
	if err != nil {
		return nil, err
	}
	return newTensor(h), nil
}
