#!/usr/bin/env bash
# Runs the Java binding's JUnit tests and example against a build tree:
# `run_tests.sh SRC_ROOT JAR JNI_DIR LIBAXQ_DIR [bench]` (bench: the
# overhead benchmark instead).
set -euo pipefail
src=$1 jar=$2 jni=$3 lib=$4 mode=${5:-test}
work="$jni/java-test"
rm -rf "$work"
mkdir -p "$work/classes"
cp=/usr/share/java/junit4.jar:/usr/share/java/hamcrest-core.jar
javac --release 17 -d "$work/classes" -cp "$jar:$cp" "$src"/bindings/java/test/org/axq/*.java \
  "$src/examples/java/Example.java"
export AXQ_VECTOR_DIR="$src/tests/data/ggml-vectors"
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
if [ "$mode" = bench ]; then
  exec java -Djava.library.path="$jni" -cp "$work/classes:$jar" org.axq.OverheadBench
fi
java -Xcheck:jni -Djava.library.path="$jni" -cp "$work/classes:$jar:$cp" \
  org.junit.runner.JUnitCore org.axq.AxqTest org.axq.LinearModelTest org.axq.ToolkitTest org.axq.ImatrixTest
java -Djava.library.path="$jni" -cp "$work/classes:$jar" Example
