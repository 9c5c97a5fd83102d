#!/usr/bin/env python3
"""The exported symbols of libaxq.so equal the functions declared in the
public headers, all in the AXQ_0 version node of the version script."""
import re
import subprocess
import sys

library, *headers = sys.argv[1:]
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
    if parts[1] == "A" and name == "AXQ_0":
        continue  # the version node itself
    base, _, version = name.partition("@@")
    exported[base] = version

failures = []
for name in sorted(set(exported) - declared):
    failures.append(f"exported but not declared: {name}")
for name in sorted(declared - set(exported)):
    failures.append(f"declared but not exported: {name}")
for name, version in sorted(exported.items()):
    if version != "AXQ_0":
        failures.append(f"{name} is in version node '{version}', expected AXQ_0")
for failure in failures:
    print(failure)
if failures:
    print(f"0 passed, {len(failures)} failed")
else:
    print(f"{len(declared)} passed, 0 failed")
sys.exit(1 if failures else 0)
