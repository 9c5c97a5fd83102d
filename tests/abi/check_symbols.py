#!/usr/bin/env python3
"""The exported symbols of libaxq.so equal the functions declared in the
public headers, each in the version node the version script names it in
(AXQ_0 for those it names only through the axq_* pattern)."""
import re
import subprocess
import sys

# The 0.1 API, frozen: these alone may live in AXQ_0 through its pattern.
# Any later function must be named in a later node of the script.
FIRST_RELEASE = {
    "axq_dequantize", "axq_dequantize_options_init", "axq_dequantize_row", "axq_last_error",
    "axq_quantize", "axq_quantize_options_init", "axq_quantize_row", "axq_row_size",
    "axq_simd_set_targets", "axq_simd_target_at", "axq_simd_target_count",
    "axq_simd_target_name", "axq_status_string", "axq_tensor_create", "axq_tensor_data",
    "axq_tensor_data_mut", "axq_tensor_destroy", "axq_tensor_dim", "axq_tensor_from_bytes",
    "axq_tensor_from_f32", "axq_tensor_nbytes", "axq_tensor_ndim", "axq_tensor_nelements",
    "axq_tensor_type", "axq_type_from_name", "axq_type_info", "axq_version",
    "axq_version_string",
}

library, version_script, *headers = sys.argv[1:]
with open(version_script, encoding="utf-8") as f:
    script = re.sub(r"/\*.*?\*/", "", f.read(), flags=re.S)
expected_node = {}
nodes = []
for node, body in re.findall(r"(AXQ_[\w.]+)\s*\{(.*?)\}", script, re.S):
    nodes.append(node)
    for name in re.findall(r"\b(axq_\w+)\s*;", body):
        expected_node[name] = node
declared = set()
for header in headers:
    with open(header, encoding="utf-8") as f:
        text = f.read()
    declared |= set(re.findall(r"AXQ_API[^;(]*?\b(axq_\w+)\s*\(", text, re.S))

out = subprocess.run(["nm", "-D", "--defined-only", library], check=True,
                     capture_output=True, text=True).stdout
exported = {}
for line in out.splitlines():
    parts = line.split()
    if len(parts) < 3:
        continue
    name = parts[2]
    if parts[1] == "A" and name in nodes:
        continue  # a version node itself
    base, _, version = name.partition("@@")
    exported[base] = version

failures = []
for name in sorted(set(exported) - declared):
    failures.append(f"exported but not declared: {name}")
for name in sorted(declared - set(exported)):
    failures.append(f"declared but not exported: {name}")
for name in sorted(declared - FIRST_RELEASE - set(expected_node)):
    failures.append(f"{name} is new since 0.1 but named in no version node after AXQ_0")
for name, version in sorted(exported.items()):
    want = expected_node.get(name, "AXQ_0")
    if version != want:
        failures.append(f"{name} is in version node '{version}', expected {want}")
for failure in failures:
    print(failure)
if failures:
    print(f"0 passed, {len(failures)} failed")
else:
    print(f"{len(declared)} passed, 0 failed")
sys.exit(1 if failures else 0)
