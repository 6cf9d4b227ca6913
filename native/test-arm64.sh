#!/usr/bin/env bash
# Checks the linux-arm64 JPEG addon against the linux-x64 one on this x64 machine: Debian's arm64
# Node.js runs under qemu-user, and both addons decode every JPEG under ../shared and every JPEG
# of the hostile-input suite through decodeInto and decodeResize (native/arm64/worklist.mjs). The
# pixels, tensors and error messages must be the same byte for byte, twice: with libjpeg-turbo's
# SIMD kernels (SSE2/AVX2 against NEON), apart from the files listed with a reason in
# native/arm64/known-differences.txt, and with them off (JSIMD_FORCENONE=1), with no exception.
# Not part of `npm test` (about a minute; the first run downloads about 25 MB of Debian packages).
#   bash native/test-arm64.sh
# Needs: a built project (npm run build), qemu-user, and Debian's arm64 packages:
#   dpkg --add-architecture arm64 && apt-get update && apt-get install qemu-user
# The arm64 Node.js is unpacked (dpkg -x, no install) into $LCNET_ARM64_ROOT
# (default ~/.cache/lcnet-arm64-root).
set -euo pipefail
cd "$(dirname "$0")/.."
root=${LCNET_ARM64_ROOT:-$HOME/.cache/lcnet-arm64-root}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ ! -x "$root/usr/bin/node" ]; then
  packages=(nodejs:arm64 libnode108:arm64 libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64 libbrotli1:arm64 libc-ares2:arm64
    libicu72:arm64 libnghttp2-14:arm64 libssl3:arm64 libuv1:arm64 zlib1g:arm64 node-acorn node-cjs-module-lexer node-undici)
  mkdir -p "$work/debs" "$root"
  (cd "$work/debs" && apt-get download "${packages[@]}")
  for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$root"; done
fi
arm64_node=(qemu-aarch64 -L "$root" "$root/usr/bin/node")
echo "== arm64 Node.js under qemu: $("${arm64_node[@]}" -p 'process.arch + " " + process.version')"
node native/arm64/worklist.mjs "$work/list"
failed=0
for mode in simd scalar; do
  extra=()
  [ $mode = scalar ] && extra=(env JSIMD_FORCENONE=1)
  "${extra[@]}" node native/arm64/fingerprints.mjs "$PWD/prebuilds/linux-x64/lcnet-jpeg.node" "$work/list" > "$work/x64.$mode"
  "${extra[@]}" "${arm64_node[@]}" native/arm64/fingerprints.mjs "$PWD/prebuilds/linux-arm64/lcnet-jpeg.node" "$work/list" > "$work/arm64.$mode"
  # the first line names each addon's source digest: both must be built from the same sources
  [ "$(head -1 "$work/x64.$mode")" = "$(head -1 "$work/arm64.$mode")" ] || { echo "the addons are built from different sources: $(head -1 "$work/x64.$mode") / $(head -1 "$work/arm64.$mode")"; failed=1; }
  paste "$work/x64.$mode" "$work/arm64.$mode" | tail -n +2 | awk -F'\t' '$1 != $4 || $2 != $5 || $3 != $6 {print $1}' > "$work/differ.$mode"
  files=$(($(wc -l < "$work/x64.$mode") - 1))
  if [ $mode = simd ]; then
    grep -v '^#' native/arm64/known-differences.txt | cut -f1 | sort > "$work/known"
    sort "$work/differ.simd" > "$work/differ.sorted"
    unexpected=$(comm -23 "$work/differ.sorted" "$work/known")
    stale=$(comm -13 "$work/differ.sorted" "$work/known")
    echo "== with SIMD: $files files, $(wc -l < "$work/differ.simd") differ ($(wc -l < "$work/known") known)"
    [ -z "$unexpected" ] || { echo "differ, not known:"; echo "$unexpected"; failed=1; }
    [ -z "$stale" ] || { echo "known differences that no longer differ (remove them):"; echo "$stale"; failed=1; }
  else
    echo "== without SIMD: $files files, $(wc -l < "$work/differ.scalar") differ"
    [ ! -s "$work/differ.scalar" ] || { cat "$work/differ.scalar"; failed=1; }
  fi
done
[ $failed = 0 ] && echo "== the arm64 addon gives the x64 addon's pixels, tensors and errors" || { echo "== FAILED"; exit 1; }
