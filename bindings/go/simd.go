package axq

import "libaxq.dev/go/axq/internal/raw"

// SIMDTarget is the SIMD target the kernels run on now ("AVX3_DL", ...).
func SIMDTarget() string { return raw.Simd_target_name() }

// SIMDTargets lists the compiled targets this CPU runs, best first.
func SIMDTargets() []string {
	n := raw.Simd_target_count()
	names := make([]string, 0, n)
	for i := int64(0); i < n; i++ {
		names = append(names, raw.Simd_target_at(i))
	}
	return names
}

// SetSIMDTargets restricts dispatch to a comma-separated list of target
// names; "" lifts the restriction. Process-wide: not while other
// goroutines run axq work.
func SetSIMDTargets(names string) error {
	return checkStatus(func() int { return raw.Simd_set_targets(names) })
}
