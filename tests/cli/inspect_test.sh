#!/usr/bin/env bash
# `axq inspect` on a safetensors, an AXQT and a broken file: the table, the
# AxonML quirk note, and exit status 1 with the reader's message.
set -euo pipefail
axq=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import json, struct, sys
d = sys.argv[1]
h = json.dumps({"__metadata__": {"format": "pt"},
                "w": {"dtype": "BF16", "shape": [2, 3], "data_offsets": [0, 12]}}).encode()
open(d + "/m.safetensors", "wb").write(struct.pack("<Q", len(h)) + h + bytes(12))
open(d + "/m.axqt", "wb").write(b"AXQT\x01\x06" + struct.pack("<IQ", 1, 2) +
                                struct.pack("<IIIff", 1, 2, 1, 1.0, 2.0))
open(d + "/bad.axqt", "wb").write(b"AXQT\x01\x06" + struct.pack("<IQ", 5, 2))
PY
passed=0
check() {  # check NAME PATTERN COMMAND...
  local name=$1 pattern=$2; shift 2
  local out
  out=$("$@" 2>&1 || true)
  if grep -q -- "$pattern" <<<"$out"; then passed=$((passed + 1)); else echo "FAIL: $name: $out"; exit 1; fi
}
check safetensors-table 'w  *BF16  *2 x 3' "$axq" inspect "$dir/m.safetensors"
check axqt-note 'one block holding all values' "$axq" inspect "$dir/m.axqt"
check broken-message 'num_tensors 5 at offset 6 cannot fit' "$axq" inspect "$dir/bad.axqt"
if "$axq" inspect "$dir/bad.axqt" >/dev/null 2>&1; then echo "FAIL: exit status"; exit 1; fi
passed=$((passed + 1))
echo "$passed passed, 0 failed"
