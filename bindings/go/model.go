package axq

import (
	"runtime"
	"strings"

	"libaxq.dev/go/axq/internal/raw"
)

// Model is a set of named tensors (axq_model_t), with a GGUF file's
// metadata when loaded from one. Its memory is C memory: Close it when
// done. Reads may run from many goroutines at once; Add, Close and other
// writes need the caller's own synchronisation.
type Model struct {
	h raw.Struct_SS_axq_model // nil once closed
}

// FileFormat is a model file format QuantizeFile writes.
type FileFormat int32

const (
	// FormatGGUF is GGUF v3 as llama.cpp reads it, the recommended format.
	FormatGGUF FileFormat = 0
	// FormatAXQT is AxonML's AXQT v1: one type (q8_0, q4_0, q4_1, f16 or
	// f32) for every tensor, no names or metadata, written in one go.
	FormatAXQT FileFormat = 1
)

// ModelQuantizeOptions choose each tensor's type when a model is
// quantized: the first rule whose glob matches the name; otherwise 1-D
// tensors and names containing "norm" (unless Pure) keep their type and
// the rest get Type (or what Mix gives them); rows the type's block does
// not divide get Fallback (TypeInvalid: llama.cpp's choice). A nil options
// means Q4_0 and defaults.
type ModelQuantizeOptions struct {
	Type        Type
	Rules       []string // "GLOB=TYPE", e.g. "*norm*=f32"
	Pure        bool
	Fallback    Type
	Threads     int // 0 = all cores; results are identical for any value
	TernaryRule TernaryRule
	Format      FileFormat // QuantizeFile's output; Quantize ignores it
	// Mix, when set, replaces Type with llama.cpp's choice per tensor
	// (GGUF output only). MixNone and the zero value mean no mix.
	Mix Mix
	// Imatrix, if not nil, gives each tensor quantized to a type with a
	// weighted quantizer the importance of its entry of the same name, as
	// llama-quantize --imatrix does. It is only read during the call.
	Imatrix *Imatrix
}

// ModelSummary gives a model's size: CompressionRatio = F32Bytes / Bytes,
// BitsPerWeight = 8 * Bytes / Params.
type ModelSummary struct {
	Tensors          int64
	QuantizedTensors int64
	Params           int64
	F32Bytes         int64
	Bytes            int64
	CompressionRatio float64
	BitsPerWeight    float64
}

func newModel(h raw.Struct_SS_axq_model) *Model {
	m := &Model{h: h}
	runtime.SetFinalizer(m, (*Model).Close) // safety net only
	return m
}

func checkModel(fn func() raw.Struct_SS_axq_model) (*Model, error) {
	h, err := checkNew(fn)
	if err != nil {
		return nil, err
	}
	return newModel(h), nil
}

// NewModel makes an empty model.
func NewModel() (*Model, error) { return checkModel(raw.Model_create) }

// LoadModel reads every tensor of a GGUF or safetensors file into memory.
func LoadModel(path string) (*Model, error) {
	return checkModel(func() raw.Struct_SS_axq_model { return raw.Model_load(path) })
}

// Close frees the model; later uses report ErrClosed.
func (m *Model) Close() error {
	if m == nil || m.h == nil {
		return nil
	}
	raw.Model_destroy(m.h)
	m.h = nil
	runtime.SetFinalizer(m, nil)
	return nil
}

func (m *Model) handle() (raw.Struct_SS_axq_model, error) {
	if m == nil || m.h == nil {
		return nil, ErrClosed
	}
	return m.h, nil
}

// Add stores a copy of t under name (1 to 63 bytes, new to the model).
func (m *Model) Add(name string, t *Tensor) error {
	h, err := m.handle()
	if err != nil {
		return err
	}
	th, err := t.handle()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(m)
	defer runtime.KeepAlive(t)
	return checkStatus(func() int { return raw.Model_add(h, name, th) })
}

// Save writes the model as GGUF v3 (through a temporary file renamed into
// place).
func (m *Model) Save(path string) error {
	h, err := m.handle()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(m)
	return checkStatus(func() int { return raw.Model_save(h, path) })
}

// Names lists the tensors in order of addition.
func (m *Model) Names() ([]string, error) {
	h, err := m.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(m)
	n, err := check(func() int64 { return raw.Model_tensor_count(h) })
	if err != nil {
		return nil, err
	}
	names := make([]string, n)
	for i := range names {
		names[i] = raw.Model_tensor_name(h, int64(i))
	}
	return names, nil
}

// Tensor returns a copy of the tensor called name.
func (m *Model) Tensor(name string) (*Tensor, error) {
	h, err := m.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(m)
	return checkHandle(func() raw.Struct_SS_axq_tensor { return raw.Model_tensor(h, name) })
}

// Dequantize expands tensor name to a new F32 tensor; given dims, the
// tensor's must equal them.
func (m *Model) Dequantize(name string, dims ...int64) (*Tensor, error) {
	h, err := m.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(m)
	return checkHandle(func() raw.Struct_SS_axq_tensor { return raw.Model_dequantize(h, dims, name) })
}

// Summary returns the model's tensor count, parameters and sizes.
func (m *Model) Summary() (ModelSummary, error) {
	h, err := m.handle()
	if err != nil {
		return ModelSummary{}, err
	}
	defer runtime.KeepAlive(m)
	ints := make([]int64, 5)
	if err := checkStatus(func() int { return raw.Model_summary(h, ints) }); err != nil {
		return ModelSummary{}, err
	}
	return ModelSummary{
		Tensors: ints[0], QuantizedTensors: ints[1], Params: ints[2], F32Bytes: ints[3], Bytes: ints[4],
		CompressionRatio: raw.Model_compression_ratio(h),
		BitsPerWeight:    raw.Model_bits_per_weight(h),
	}, nil
}

// ruleText joins rules for the C API, which separates them by ';' or
// newlines; a rule holding either cannot be passed.
func ruleText(rules []string) (string, error) {
	for _, r := range rules {
		if strings.ContainsAny(r, ";\n") {
			return "", &Error{Status: StatusInvalidArgument, Message: "rule '" + r + "': must not contain ';' or a newline"}
		}
	}
	return strings.Join(rules, ";"), nil
}

func modelOptions(opts *ModelQuantizeOptions) (ModelQuantizeOptions, string, error) {
	o := ModelQuantizeOptions{Type: TypeQ4_0, Fallback: TypeInvalid}
	if opts != nil {
		o = *opts
	}
	if o.Mix == 0 { // the zero value; 0 is no mix's id
		o.Mix = MixNone
	}
	rules, err := ruleText(o.Rules)
	return o, rules, err
}

// imatrixHandle is the C handle of an optional imatrix (nil for none).
func imatrixHandle(im *Imatrix) (raw.Struct_SS_axq_imatrix, error) {
	if im == nil {
		return nil, nil
	}
	return im.handle()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Quantize makes a new model with every tensor given the type opts choose;
// the metadata is carried over.
func (m *Model) Quantize(opts *ModelQuantizeOptions) (*Model, error) {
	h, err := m.handle()
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(m)
	o, rules, err := modelOptions(opts)
	if err != nil {
		return nil, err
	}
	imh, err := imatrixHandle(o.Imatrix)
	if err != nil {
		return nil, err
	}
	defer runtime.KeepAlive(o.Imatrix)
	return checkModel(func() raw.Struct_SS_axq_model {
		return raw.Model_quantize(h, int(o.Type), rules, boolInt(o.Pure), int(o.Fallback), o.Threads,
			int(o.TernaryRule), int(o.Mix), imh)
	})
}

// QuantizeFile quantizes a GGUF, safetensors or AXQT model file into a GGUF
// file, streamed (memory stays near the largest tensor), or into an AXQT
// file (opts.Format). The output appears only when complete.
func QuantizeFile(outPath, inPath string, opts *ModelQuantizeOptions) error {
	o, rules, err := modelOptions(opts)
	if err != nil {
		return err
	}
	imh, err := imatrixHandle(o.Imatrix)
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(o.Imatrix)
	return checkStatus(func() int {
		return raw.Model_quantize_file(outPath, inPath, int(o.Type), rules, boolInt(o.Pure), int(o.Fallback),
			o.Threads, int(o.TernaryRule), int(o.Format), int(o.Mix), imh)
	})
}

// DequantizeFile expands every tensor of a model file to typ (F32, F16 or
// BF16) into a GGUF file; threads 0 = all cores.
func DequantizeFile(outPath, inPath string, typ Type, threads int) error {
	return checkStatus(func() int { return raw.Model_dequantize_file(outPath, inPath, int(typ), threads) })
}
