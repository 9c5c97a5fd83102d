#!/usr/bin/env bash
# One entry point for people and CI. On a fresh Debian 12 machine it installs
# what is missing (apt-get), configures with Meson and builds.
#
#   ./dev.sh demo    build, then run `axq demo`
#   ./dev.sh test    the whole test suite: release build (with the interop
#                    suite against llama.cpp, installed with npm under
#                    .peers/), then an ASan+UBSan build (UBSan fatal), a
#                    clang-14 build and a TSan build
#   ./dev.sh bench   build, then run `axq bench` (with ggml as a peer if the
#                    npm package is installed under .peers/)
#   ./dev.sh fuzz    libFuzzer (clang-14) on the file readers, FUZZ_SECONDS
#                    each (default 60), starting from tests/fuzz/corpus
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

packages=(build-essential pkg-config meson ninja-build python3 libhwy-dev libgtest-dev
          libgmock-dev libbenchmark-dev binutils clang-14
          swig golang-go default-jdk-headless junit4 mono-devel nunit-console)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "dev.sh: installing ${missing[*]}" >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# configure DIR [meson options...]: set up once, reconfigure if options change.
configure() {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}

# The peer: llama.cpp's and ggml's prebuilt libraries from the npm package
# node-llama-cpp, and the headers of the same release from its git bundle.
# npm must never build or download llama.cpp itself (that needs the internet
# and a long compile): hence the variable and --ignore-scripts. When npm
# fails the interop suite is skipped, loudly, and everything else still runs.
peer_version=3.22.1
peer_bins=.peers/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64

install_peers() {
  if [ ! -f "$peer_bins/libllama.v0.5.0.so" ]; then
    command -v npm >/dev/null || { packages+=(npm); install_missing; }
    mkdir -p .peers
    [ -f .peers/package.json ] || echo '{"private": true}' >.peers/package.json
    if ! (cd .peers && NODE_LLAMA_CPP_SKIP_DOWNLOAD=true npm install --omit=optional --ignore-scripts \
            --no-audit --no-fund "node-llama-cpp@$peer_version" "@node-llama-cpp/linux-x64@$peer_version") ||
       [ ! -f "$peer_bins/libllama.v0.5.0.so" ]; then
      cat >&2 <<WARN

##########################################################################
WARNING: npm could not install node-llama-cpp@$peer_version (is the npm
registry reachable?).
The 'interop' test suite, which checks libaxq's GGUF files byte for byte
against llama.cpp's own quantizer and loads them in llama.cpp, will be
SKIPPED in this run.
##########################################################################

WARN
      return 0
    fi
  fi
  # The headers of exactly the release the libraries were built from.
  if [ ! -f .peers/llama-include/include/llama.h ]; then
    command -v git >/dev/null || { packages+=(git); install_missing; }
    local clone=.peers/llama-clone
    rm -rf "$clone" .peers/llama-include
    mkdir -p .peers/llama-include
    if ! { git clone -q --no-checkout .peers/node_modules/node-llama-cpp/llama/gitRelease.bundle "$clone" &&
           git -C "$clone" archive HEAD include ggml/include | tar -x -C .peers/llama-include; }; then
      rm -rf .peers/llama-include
      echo "WARNING: could not extract llama.cpp's headers from the npm package: the interop suite will be SKIPPED" >&2
    fi
    rm -rf "$clone"
  fi
}

# The release build's -Dllama_peer: .peers/ once the libraries and headers
# are there, empty (interop skipped) otherwise.
peer_option() {
  if [ -f "$peer_bins/libllama.v0.5.0.so" ] && [ -f .peers/llama-include/include/llama.h ]; then
    echo "-Dllama_peer=$here/.peers"
  else
    echo "-Dllama_peer="
  fi
}

build_release() {
  install_missing
  configure build --buildtype=release "$(peer_option)"
  ninja -C build
}

run_tests() {
  install_peers
  build_release
  echo "== release build: all suites (interop included)"
  meson test -C build --print-errorlogs

  echo "== ASan + UBSan build (UBSan errors are fatal)"
  configure build-asan --buildtype=debugoptimized -Db_sanitize=address,undefined
  ninja -C build-asan
  ASAN_OPTIONS=detect_leaks=1 meson test -C build-asan --print-errorlogs --no-suite interop

  echo "== clang-14 build (its Highway fallback target is EMU128, GCC's is SCALAR)"
  CC=clang-14 CXX=clang++-14 configure build-clang --buildtype=release
  ninja -C build-clang
  meson test -C build-clang --print-errorlogs --no-suite interop

  echo "== TSan build: the threaded paths"
  configure build-tsan --buildtype=debugoptimized -Db_sanitize=thread
  ninja -C build-tsan
  meson test -C build-tsan --print-errorlogs --suite unit
}

case "${1:-}" in
  demo)
    build_release
    ./build/src/tools/axq demo
    ;;
  test)
    run_tests
    ;;
  bench)
    build_release
    if [ -f "$peer_bins/libggml-base.so" ]; then
      ./build/src/tools/axq bench --ggml "$peer_bins/libggml-base.so"
    else
      ./build/src/tools/axq bench
    fi
    ;;
  fuzz)
    packages+=(libclang-rt-14-dev libfuzzer-14-dev)
    install_missing
    CC=clang-14 CXX=clang++-14 configure build-fuzz --buildtype=debugoptimized \
      -Db_sanitize=address,undefined -Db_lundef=false -Dfuzzing=true
    ninja -C build-fuzz tests/fuzz_gguf tests/fuzz_safetensors tests/fuzz_axqt tests/fuzz_imatrix
    for target in gguf safetensors axqt imatrix; do
      corpus="build-fuzz/corpus-$target"
      mkdir -p "$corpus"
      cp tests/fuzz/corpus/$target/* "$corpus/"
      echo "== fuzz_$target for ${FUZZ_SECONDS:-60} s"
      "build-fuzz/tests/fuzz_$target" -max_total_time="${FUZZ_SECONDS:-60}" -print_final_stats=1 \
        "$corpus" 2>&1 | grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' || true
    done
    ;;
  *)
    echo "usage: ./dev.sh demo | test | bench | fuzz" >&2
    exit 2
    ;;
esac
