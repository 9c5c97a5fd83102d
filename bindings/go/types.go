package axq

import "libaxq.dev/go/axq/internal/raw"

// Type is a tensor element type; the values are the GGUF/ggml type ids.
type Type int32

// The types of axq.h (not all implemented yet: see TypeInfo.CanQuantize).
const (
	TypeInvalid Type = -1
	TypeF32     Type = 0
	TypeF16     Type = 1
	TypeQ4_0    Type = 2
	TypeQ4_1    Type = 3
	TypeQ5_0    Type = 6
	TypeQ5_1    Type = 7
	TypeQ8_0    Type = 8
	TypeQ8_1    Type = 9
	TypeQ2_K    Type = 10
	TypeQ3_K    Type = 11
	TypeQ4_K    Type = 12
	TypeQ5_K    Type = 13
	TypeQ6_K    Type = 14
	TypeQ8_K    Type = 15
	TypeBF16    Type = 30
	TypeTQ1_0   Type = 34
	TypeTQ2_0   Type = 35
	TypeI2S     Type = 36 // BitNet b1.58, bitnet.cpp's layout
	TypeI8S     Type = 37 // BitNet int8 activations
)

// TypeInfo describes a type (axq_type_info).
type TypeInfo struct {
	Type          Type
	Name          string // ggml's name: "q4_0", "bf16", "q2_K"
	BlockElems    int64
	BlockBytes    int64
	BitsPerWeight float64
	Quantized     bool
	CanQuantize   bool
	CanDequantize bool
}

// Info returns the type's traits; ErrUnknownType for ids libaxq does not know.
func (t Type) Info() (TypeInfo, error) {
	flags, err := check(func() int64 { return raw.Type_flags(int(t)) })
	if err != nil {
		return TypeInfo{}, err
	}
	elems := raw.Type_block_elems(int(t))
	bytes := raw.Type_block_bytes(int(t))
	return TypeInfo{
		Type:          t,
		Name:          raw.Type_name(int(t)),
		BlockElems:    elems,
		BlockBytes:    bytes,
		BitsPerWeight: 8 * float64(bytes) / float64(elems),
		Quantized:     flags&1 != 0,
		CanQuantize:   flags&2 != 0,
		CanDequantize: flags&4 != 0,
	}, nil
}

// String is the type's ggml name, or "Type(N)" for an unknown id.
func (t Type) String() string {
	if name := raw.Type_name(int(t)); name != "" {
		return name
	}
	return "Type(" + itoa(int64(t)) + ")"
}

// TypeFromName parses a type name, case-insensitively ("q4_0", "BF16").
func TypeFromName(name string) (Type, error) {
	id, err := check(func() int64 { return raw.Type_from_name(name) })
	return Type(id), err
}

// RowSize is the byte size of n elements of t (n a multiple of the block).
func RowSize(t Type, n int) (int, error) {
	size, err := check(func() int64 { return raw.Row_size(int(t), int64(n)) })
	return int(size), err
}

func itoa(v int64) string {
	if v == 0 {
		return "0"
	}
	neg := v < 0
	if neg {
		v = -v
	}
	var digits [20]byte
	i := len(digits)
	for ; v > 0; v /= 10 {
		i--
		digits[i] = byte('0' + v%10)
	}
	if neg {
		i--
		digits[i] = '-'
	}
	return string(digits[i:])
}
