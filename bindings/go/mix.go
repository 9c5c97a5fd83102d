package axq

import "libaxq.dev/go/axq/internal/raw"

// Mix is one of llama.cpp's quantization mixes (llama-quantize's file
// types, with llama_ftype's numbers): in ModelQuantizeOptions.Mix it gives
// every tensor the type llama_model_quantize would, by the tensor's GGUF
// name and layer.
type Mix int32

// The mixes of axq.h (the values are the C API's).
const (
	MixNone   Mix = -1 // no mix: Type and the rules decide
	MixF16    Mix = 1
	MixQ4_0   Mix = 2
	MixQ4_1   Mix = 3
	MixQ8_0   Mix = 7
	MixQ5_0   Mix = 8
	MixQ5_1   Mix = 9
	MixQ2_K   Mix = 10
	MixQ3_K_S Mix = 11
	MixQ3_K_M Mix = 12
	MixQ3_K_L Mix = 13
	MixQ4_K_S Mix = 14
	MixQ4_K_M Mix = 15
	MixQ5_K_S Mix = 16
	MixQ5_K_M Mix = 17
	MixQ6_K   Mix = 18
	MixBF16   Mix = 32
	MixTQ1_0  Mix = 36
	MixTQ2_0  Mix = 37
)

// MixFromName parses a mix name as llama-quantize spells it, case-insensitively
// ("Q4_K_M", "q6_k"); ErrUnknownType if there is no such mix.
func MixFromName(name string) (Mix, error) {
	id, err := check(func() int64 { return raw.Mix_from_name(name) })
	if err != nil {
		return MixNone, err
	}
	return Mix(id), nil
}

// String is llama-quantize's name of the mix ("Q4_K_M"), or "Mix(N)" for
// MixNone and values libaxq does not know.
func (m Mix) String() string {
	if name := raw.Mix_name(int(m)); name != "" {
		return name
	}
	return "Mix(" + itoa(int64(m)) + ")"
}
