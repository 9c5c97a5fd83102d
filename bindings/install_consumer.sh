#!/usr/bin/env bash
# Installs the build into a scratch DESTDIR and runs the Go, Java and C#
# examples against that install only, as the README describes: Go through
# the installed module source and `pkg-config axq`, Java through the
# installed jar and JNI directory, C# through the installed assembly.
# `install_consumer.sh BUILD_ROOT SOURCE_ROOT LANGUAGE...`
set -euo pipefail
build=$1 src=$2; shift 2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build" --destdir "$stage" --no-rebuild >/dev/null
pc=$(find "$stage" -name axq.pc | head -n 1)
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$stage"
libdir=$(pkg-config --variable=libdir axq)
export LD_LIBRARY_PATH="$libdir"
prefix="$stage/usr/local"
for language in "$@"; do
  case $language in
    go)
      gomod=$(find "$stage" -path '*gocode/src/libaxq.dev/go/axq' -type d)
      mkdir -p "$stage/app-go"
      cp "$src/examples/go/main.go" "$stage/app-go/"
      printf 'module app\n\ngo 1.19\n\nrequire libaxq.dev/go/axq v0.0.0\n\nreplace libaxq.dev/go/axq => %s\n' \
        "$gomod" > "$stage/app-go/go.mod"
      (cd "$stage/app-go" && GOCACHE="$build/bindings/go-cache" GOPATH="$stage/gopath" \
         GOFLAGS=-mod=mod GOPROXY=off go run .)
      ;;
    java)
      jar=$(find "$stage" -name axq.jar)
      jni=$(dirname "$(find "$stage" -name libaxq_java.so)")
      mkdir -p "$stage/app-java"
      javac -d "$stage/app-java" -cp "$jar" "$src/examples/java/Example.java"
      java -Djava.library.path="$jni" -cp "$jar:$stage/app-java" Example
      ;;
    csharp)
      dll=$(find "$stage" -name Axq.dll)
      mcs -nologo -out:"$stage/Example.exe" -r:"$dll" "$src/examples/csharp/Example.cs"
      MONO_PATH="$(dirname "$dll")" mono "$stage/Example.exe"
      ;;
  esac
done
echo "$# passed, 0 failed"
