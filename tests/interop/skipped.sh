#!/bin/sh
# Stands in for the interop suite when Meson was configured without
# -Dllama_peer: says so loudly, and exits 77 so `meson test` reports SKIP
# rather than a pass.
cat <<'MSG'
##########################################################################
SKIPPED: llama.cpp peer not installed (run ./dev.sh test, which installs it with npm)
The interop suite compares libaxq's GGUF files byte for byte with
llama.cpp's own quantizer and loads them in llama.cpp; none of that ran.
##########################################################################
MSG
exit 77
