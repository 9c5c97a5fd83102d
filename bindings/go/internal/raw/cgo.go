// Package raw is the SWIG-generated layer over libaxq (AxqNative.go and
// axq_wrap.c, generated at build time from bindings/swig/go.i). Only
// package axq uses it.
package raw

// #cgo pkg-config: axq
import "C"
