#!/usr/bin/env bash
# Builds prebuilds/<platform>-<arch>/lcnet-jpeg.node, the Node-API JPEG decoder (jpeg_decode.c),
# statically linked with libjpeg-turbo so that users need no system library. The binary is
# committed: users and CI need no compiler. Rebuild after changing jpeg_decode.c.
# Needs: a C compiler, Node's headers (node_api.h) and libjpeg-turbo's static library with its
# headers (Debian: apt-get install gcc libjpeg62-turbo-dev).
set -euo pipefail
cd "$(dirname "$0")/../.."
node_include=${NODE_INCLUDE:-$(dirname "$(dirname "$(command -v node)")")/include/node}
[ -f "$node_include/node_api.h" ] || node_include=/usr/include/node
libjpeg=${LIBJPEG_A:-$(gcc -print-file-name=libjpeg.a)}
[ -f "$libjpeg" ] || libjpeg=/usr/lib/$(gcc -dumpmachine)/libjpeg.a
platform=$(node -p 'process.platform + "-" + process.arch')
out=prebuilds/$platform/lcnet-jpeg.node
mkdir -p "$(dirname "$out")"
# -ffp-contract=off: no floating point here, but no fused arithmetic may ever creep in either.
# --exclude-libs keeps libjpeg's symbols private, so they never meet the libjpeg inside libvips.
# the sources' digest is compiled in, so a test can tell a binary that is older than its sources
sources=(native/jpeg/jpeg_decode.c native/resize_linear.c native/read_ahead.c native/jpeg/libjpeg_stderr.c)
digest=$(cat "${sources[@]}" native/read_ahead.h | sha256sum | cut -c1-16)
gcc -O3 -fPIC -shared -std=c11 -Wall -Wextra -ffp-contract=off -fvisibility=hidden \
  -DNODE_GYP_MODULE_NAME=lcnet_jpeg -I"$node_include" \
  -DLCNET_SOURCE_DIGEST="\"$digest\"" "${sources[@]}" "$libjpeg" \
  -Wl,--exclude-libs,ALL -Wl,-Bsymbolic -Wl,--as-needed -lc -s \
  -o "$out"
ls -l "$out"
