#!/usr/bin/env bash
# Builds the JPEG addon with AddressSanitizer and UndefinedBehaviorSanitizer into a temporary
# folder and decodes, through both of its entry points, every JPEG under ../shared and every file
# of the hostile-input suite (test/support/hostile-images.ts), with the limits lcnet passes. Any
# sanitizer report ends the run with a non-zero status. Not part of `npm test` (about a minute).
# Needs: gcc, libjpeg62-turbo-dev, a built project (npm run build).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node_include=${NODE_INCLUDE:-$(dirname "$(dirname "$(command -v node)")")/include/node}
[ -f "$node_include/node_api.h" ] || node_include=/usr/include/node
libjpeg=${LIBJPEG_A:-$(gcc -print-file-name=libjpeg.a)}
[ -f "$libjpeg" ] || libjpeg=/usr/lib/$(gcc -dumpmachine)/libjpeg.a
gcc -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined -fPIC -shared -std=c11 \
  -Wall -Wextra -DNODE_GYP_MODULE_NAME=lcnet_jpeg -I"$node_include" -DLCNET_SOURCE_DIGEST='"sanitized"' \
  native/jpeg/jpeg_decode.c native/resize_linear.c native/read_ahead.c native/jpeg/libjpeg_stderr.c "$libjpeg" \
  -fvisibility=hidden -Wl,--exclude-libs,ALL -Wl,-Bsymbolic -o "$out/lcnet-jpeg.node"
# Node itself is not instrumented: the runtime is preloaded, leaks are not counted (V8 keeps its own)
LD_PRELOAD="$(gcc -print-file-name=libasan.so):$(gcc -print-file-name=libubsan.so)" \
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  node native/sanitizer-run.mjs "$out/lcnet-jpeg.node"
