#!/bin/sh
# Installs the build into a scratch DESTDIR, then builds the C examples
# (examples/c) with nothing but `pkg-config axq` and runs them against that
# install.
set -eu
build_dir=$1
source_dir=$2
sanitize=${3:-}  # the library's -fsanitize flags: the consumer needs the same runtime
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build_dir" --destdir "$stage" --no-rebuild >/dev/null
pc=$(find "$stage" -name axq.pc | head -n 1)
[ -n "$pc" ] || { echo "axq.pc was not installed"; echo "0 passed, 1 failed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$stage"
# With a sysroot set, pkgconf already prefixes libdir with it.
libdir=$(pkg-config --variable=libdir axq)
cflags=$(pkg-config --cflags axq)
libs=$(pkg-config --libs axq)
pkg-config --static --libs axq >/dev/null
for example in quantize matmul; do
  cc -std=c99 -Wall -Werror $sanitize $cflags "$source_dir/examples/c/$example.c" $libs -lm \
    -o "$stage/$example"
  LD_LIBRARY_PATH="$libdir" "$stage/$example"
done
[ -L "$libdir/libaxq.so" ] && [ -e "$libdir/libaxq.so.0" ]
objdump -p "$libdir/libaxq.so.0" | grep -q 'SONAME *libaxq.so.0'
echo "1 passed, 0 failed"
