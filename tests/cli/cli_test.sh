#!/usr/bin/env bash
# The model-file commands: `axq inspect` on a safetensors, an AXQT and a
# broken file (the table, the AxonML quirk note, exit status 1 with the
# reader's message), and `axq quantize` of a safetensors model with a rule,
# then inspected, and its usage errors (exit status 2).
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
h = json.dumps({"blk.0.ffn.weight": {"dtype": "F32", "shape": [4, 64], "data_offsets": [0, 1024]},
                "blk.0.attn.weight": {"dtype": "F32", "shape": [2, 64], "data_offsets": [1024, 1536]},
                "norm.weight": {"dtype": "F32", "shape": [64], "data_offsets": [1536, 1792]}}).encode()
open(d + "/model.safetensors", "wb").write(struct.pack("<Q", len(h)) + h + struct.pack("<448f", *[i / 448 - 0.5 for i in range(448)]))
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
check quantize-progress 'tensor 3/3 norm.weight' "$axq" quantize "$dir/model.safetensors" "$dir/q.gguf" \
  --type q4_0 --rule '*ffn*=q8_0' --threads 2
check quantized-ffn 'blk.0.ffn.weight  *q8_0  *64 x 4' "$axq" inspect "$dir/q.gguf"
check quantized-attn 'blk.0.attn.weight  *q4_0  *64 x 2' "$axq" inspect "$dir/q.gguf"
check kept-norm 'norm.weight  *f32  *64 ' "$axq" inspect "$dir/q.gguf"
check file-type 'general.file_type  *u32  *2' "$axq" inspect "$dir/q.gguf"
check dequantize 'wrote' "$axq" dequantize "$dir/q.gguf" "$dir/f.gguf" --type f16
check dequantized-types 'blk.0.ffn.weight  *f16  *64 x 4' "$axq" inspect "$dir/f.gguf"
check to-axqt 'wrote' "$axq" quantize "$dir/model.safetensors" "$dir/q.axqt" --type q8_0
check axqt-out 'AXQT v1 (AxonML).*type Q8_0, 3 tensors' "$axq" inspect "$dir/q.axqt"
check from-axqt 'wrote' "$axq" quantize "$dir/q.axqt" "$dir/q-back.gguf" --type q8_0 --pure
check from-axqt-types 'tensor.0  *q8_0' "$axq" inspect "$dir/q-back.gguf"
check stats-table 'blk.0.attn.weight  *q4_0  *4.500  *7.11 ' "$axq" stats "$dir/model.safetensors" --type q4_0
check stats-demo 'demo  *q8_0  *8.500  *3.76 ' "$axq" stats --demo --type q8_0
check stats-one 'norm.weight' "$axq" stats "$dir/model.safetensors" --type q8_0 --tensor norm.weight
check stats-missing "has no tensor 'nope'" "$axq" stats "$dir/model.safetensors" --type q8_0 --tensor nope
for usage in "stats $dir/model.safetensors" "dequantize $dir/q.gguf" "dequantize a b --type nosuch" \
             "quantize $dir/model.safetensors $dir/x.gguf" "quantize $dir/model.safetensors --type q4_0" \
             "quantize a b --type nosuch" "quantize a b --type q4_0 --rule noequals" \
             "quantize a b --type q4_0 --format nosuch" "stats --demo $dir/q.gguf" \
             "stats $dir/q.gguf --type q4_0 --outlier -1"; do
  set +e
  "$axq" $usage >/dev/null 2>&1
  code=$?
  set -e
  if [ "$code" != 2 ]; then echo "FAIL: '$usage' exited $code, not 2"; exit 1; fi
  passed=$((passed + 1))
done
echo "$passed passed, 0 failed"
