#!/usr/bin/env bash
# Builds prebuilds/<platform>-<arch>/lcnet-jpeg.node, the Node-API JPEG decoder (jpeg_decode.c),
# statically linked with libjpeg-turbo so that users need no system library. The binaries are
# committed: users and CI need no compiler. Rebuild both after changing any of the sources below.
#   bash native/jpeg/build.sh              # this machine's platform
#   bash native/jpeg/build.sh linux-arm64  # cross-compiled for 64-bit ARM (Graviton, Ampere)
# Needs: a C compiler for the target, Node's headers (node_api.h: the same for every target) and
# libjpeg-turbo's static library for the target. Debian, on x64:
#   apt-get install gcc libjpeg62-turbo-dev                        # linux-x64
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install gcc-aarch64-linux-gnu libjpeg62-turbo-dev:arm64  # linux-arm64
# Both binaries must load on glibc 2.17 (test/native-glibc.test.ts reads their symbol versions).
set -euo pipefail
cd "$(dirname "$0")/../.."
node_include=${NODE_INCLUDE:-$(dirname "$(dirname "$(command -v node)")")/include/node}
[ -f "$node_include/node_api.h" ] || node_include=/usr/include/node
platform=${1:-$(node -p 'process.platform + "-" + process.arch')}
case "$platform" in
  linux-x64) cc=${CC:-x86_64-linux-gnu-gcc}; command -v "$cc" >/dev/null || cc=gcc ;;
  linux-arm64) cc=${CC:-aarch64-linux-gnu-gcc} ;;
  *) echo "build.sh: no build for '$platform' (linux-x64, linux-arm64)" >&2; exit 2 ;;
esac
libjpeg=${LIBJPEG_A:-$("$cc" -print-file-name=libjpeg.a)}
[ -f "$libjpeg" ] || libjpeg=/usr/lib/$("$cc" -dumpmachine)/libjpeg.a
[ -f "$libjpeg" ] || { echo "build.sh: no static libjpeg.a for $platform (see the header of this script)" >&2; exit 2; }
out=prebuilds/$platform/lcnet-jpeg.node
mkdir -p "$(dirname "$out")"
# -ffp-contract=off: no floating point here, but no fused arithmetic may ever creep in either.
# --exclude-libs keeps libjpeg's symbols private, so they never meet the libjpeg inside libvips.
# the sources' digest is compiled in, so a test can tell a binary that is older than its sources
sources=(native/jpeg/jpeg_decode.c native/resize_linear.c native/read_ahead.c native/jpeg/libjpeg_stderr.c)
digest=$(cat "${sources[@]}" native/read_ahead.h | sha256sum | cut -c1-16)
"$cc" -O3 -fPIC -shared -std=c11 -Wall -Wextra -ffp-contract=off -fvisibility=hidden \
  -DNODE_GYP_MODULE_NAME=lcnet_jpeg -I"$node_include" \
  -DLCNET_SOURCE_DIGEST="\"$digest\"" "${sources[@]}" "$libjpeg" \
  -Wl,--exclude-libs,ALL -Wl,-Bsymbolic -Wl,--as-needed -lc -s \
  -o "$out"
ls -l "$out"
