#!/usr/bin/env bash
# Runs the Go binding's tests and example against the libaxq of a build
# tree: `run_tests.sh SRC_ROOT BUILD_ROOT GENERATED_DIR [bench]` (from
# meson test; bench: the overhead benchmark instead).
# The module is assembled in the build tree: the sources, plus the SWIG
# output in internal/raw; cgo finds libaxq through a pkg-config file made
# for the build tree.
set -euo pipefail
src=$1 build=$2 generated=$3 mode=${4:-test}
work="$build/bindings/go-work"
rm -rf "$work"
mkdir -p "$work/bindings" "$work/examples" "$work/pkgconfig"
cp -r "$src/bindings/go" "$work/bindings/go"
cp -r "$src/examples/go" "$work/examples/go"
cp "$generated/AxqNative.go" "$generated/axq_wrap.c" "$work/bindings/go/internal/raw/"
# Go's build cache does not notice a change in a C header outside the
# module (seen: a stale wrapper built against an older axq.h), so the cache
# lives in a directory named after the headers' hash.
header_hash=$(cat "$src"/include/axq/*.h "$build/include/axq/version.h" | sha256sum | cut -c1-16)
cat > "$work/pkgconfig/axq.pc" <<PC
Name: axq
Description: libaxq from the build tree
Version: 0
Cflags: -I$src/include -I$build/include
Libs: -L$build/src -laxq -Wl,-rpath,$build/src
PC
export PKG_CONFIG_PATH="$work/pkgconfig"
for stale in "$build"/bindings/go-cache*; do
  [ "$stale" = "$build/bindings/go-cache-$header_hash" ] || rm -rf "$stale"
done
export GOCACHE="$build/bindings/go-cache-$header_hash" GOPATH="$build/bindings/go-path"
export GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=1
export AXQ_VECTOR_DIR="$src/tests/data/ggml-vectors"
cd "$work/bindings/go"
if [ "$mode" = bench ]; then
  exec go test -run '^$' -bench QuantizeRow -count 5 .
fi
go vet -unsafeptr=false ./...
go test -count=1 ./...
cd "$work/examples/go"
go run .
