#!/usr/bin/env bash
# Runs the C# binding's NUnit tests and example against a build tree:
# `run_tests.sh SRC_ROOT ASSEMBLY_DIR LIBAXQ_DIR [bench]` (the assembly dir
# also holds libaxq_csharp.so, where Mono looks for it; bench: the overhead
# benchmark instead).
set -euo pipefail
src=$1 dir=$2 lib=$3 mode=${4:-test}
work="$dir/csharp-test"
rm -rf "$work"
mkdir -p "$work"
cp "$dir/Axq.dll" "$dir/libaxq_csharp.so" "$work/"
nunit=/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll
mcs -nologo -unsafe -target:library -out:"$work/AxqTests.dll" -r:"$work/Axq.dll" -r:"$nunit" \
  "$src/bindings/csharp/tests/AxqTests.cs" "$src/bindings/csharp/tests/LinearModelTests.cs" \
  "$src/bindings/csharp/tests/ToolkitTests.cs" "$src/bindings/csharp/tests/ImatrixTests.cs" \
  "$src/bindings/csharp/tests/TestSupport.cs"
mcs -nologo -out:"$work/Example.exe" -r:"$work/Axq.dll" "$src/examples/csharp/Example.cs"
export AXQ_VECTOR_DIR="$src/tests/data/ggml-vectors"
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
cd "$work"
if [ "$mode" = bench ]; then
  mcs -nologo -optimize+ -out:"$work/OverheadBench.exe" -r:"$work/Axq.dll" \
    "$src/bindings/csharp/tests/OverheadBench.cs"
  exec mono OverheadBench.exe
fi
nunit-console -nologo -nodots AxqTests.dll
mono Example.exe
