package axq

import (
	"errors"
	"fmt"
)

// Status is a libaxq status code; the values are the C API's and never change.
type Status int32

// The statuses of axq.h.
const (
	StatusOK              Status = 0
	StatusInvalidArgument Status = -1
	StatusUnsupported     Status = -2
	StatusUnknownType     Status = -3
	StatusBufferTooSmall  Status = -4
	StatusNonFinite       Status = -5
	StatusOutOfMemory     Status = -6
	StatusIO              Status = -7
	StatusCorruptData     Status = -8
	StatusCancelled       Status = -9
	StatusInternal        Status = -99
)

// Sentinel errors, one per status: test with errors.Is(err, axq.ErrNonFinite).
var (
	ErrInvalidArgument = errors.New("axq: invalid argument")
	ErrUnsupported     = errors.New("axq: unsupported")
	ErrUnknownType     = errors.New("axq: unknown type")
	ErrBufferTooSmall  = errors.New("axq: buffer too small")
	ErrNonFinite       = errors.New("axq: non-finite input")
	ErrOutOfMemory     = errors.New("axq: out of memory")
	ErrIO              = errors.New("axq: I/O error")
	ErrCorruptData     = errors.New("axq: corrupt data")
	ErrCancelled       = errors.New("axq: cancelled")
	ErrInternal        = errors.New("axq: internal error")
	// ErrClosed reports the use of an object (Tensor, Linear, Model,
	// Imatrix, ...) after Close; it is not a library status.
	ErrClosed = errors.New("axq: object is closed")
)

var sentinels = map[Status]error{
	StatusInvalidArgument: ErrInvalidArgument,
	StatusUnsupported:     ErrUnsupported,
	StatusUnknownType:     ErrUnknownType,
	StatusBufferTooSmall:  ErrBufferTooSmall,
	StatusNonFinite:       ErrNonFinite,
	StatusOutOfMemory:     ErrOutOfMemory,
	StatusIO:              ErrIO,
	StatusCorruptData:     ErrCorruptData,
	StatusCancelled:       ErrCancelled,
	StatusInternal:        ErrInternal,
}

// Error is a failed libaxq call: its status and the library's message.
type Error struct {
	Status  Status
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("axq: %s", e.Message) }

// Is makes errors.Is match the sentinel of the error's status.
func (e *Error) Is(target error) bool {
	sentinel, ok := sentinels[e.Status]
	if !ok {
		return target == ErrInternal // a status this package does not know
	}
	return target == sentinel
}
