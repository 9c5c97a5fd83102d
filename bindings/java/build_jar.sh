#!/usr/bin/env bash
# build_jar.sh OUT.jar SOURCE.java...: compiles the sources (Java 17) and
# packs the classes into OUT.jar.
set -euo pipefail
out=$1; shift
classes="$out.classes"
rm -rf "$classes"
mkdir -p "$classes"
javac --release 17 -Xlint:all -Xlint:-serial -d "$classes" "$@"
jar --create --file "$out" -C "$classes" .
