// Package axq is the Go binding of libaxq, a model-quantization library
// with ggml-exact block formats (https://libaxq.dev).
//
// Functions return (T, error); errors carry the library's status and
// message and match the sentinels with errors.Is (ErrNonFinite, ...).
// Nothing here panics on bad input. Slices go to the library without
// copying. Tensors hold C memory: Close them; a finalizer frees a
// forgotten one, but only when the garbage collector gets to it.
package axq

import "libaxq.dev/go/axq/internal/raw"

// Version is the version of the loaded libaxq, "X.Y.Z".
func Version() string { return raw.Version_string() }

// StatusText describes a status, also for values this package does not know.
func StatusText(s Status) string { return raw.Status_string(int(s)) }
