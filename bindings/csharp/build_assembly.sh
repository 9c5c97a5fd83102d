#!/usr/bin/env bash
# build_assembly.sh OUT.dll SOURCE.cs...: compiles the Axq assembly with mcs.
set -euo pipefail
out=$1; shift
mcs -nologo -unsafe -optimize+ -target:library -out:"$out" "$@"
