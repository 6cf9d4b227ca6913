#!/usr/bin/env bash
# Rebuilds native/resize_linear.wasm from resize_linear.c. Needs clang and wasm-ld with the wasm32
# target (Debian: apt-get install clang lld). The .wasm is committed, so users and CI need neither.
set -euo pipefail
cd "$(dirname "$0")"
clang --target=wasm32 -O3 -msimd128 -nostdlib -fno-builtin -ffp-contract=off \
  -Wl,--no-entry -Wl,--export=resize_crop_normalize -Wl,--export=__heap_base -Wl,--import-memory \
  -Wl,-z,stack-size=65536 -Wl,--stack-first \
  -o resize_linear.wasm resize_linear.c
ls -l resize_linear.wasm
