#!/usr/bin/env bash
# Loads the linux-x64 JPEG addon inside a Debian 11 (bullseye, glibc 2.31) root and checks that it
# decodes every JPEG of the arm64 check's worklist (../shared and the hostile-input suite) to the
# same pixels, tensors and errors as on this machine. The root is made once with debootstrap from
# Debian's packages; this machine's Node.js binary is copied in (it needs glibc 2.28 and
# libstdc++, which bullseye has). The addon itself needs no glibc newer than 2.17
# (test/native-prebuilds.test.ts), so this is the oldest root that can run this Node.js.
# Not part of `npm test`. Needs root (chroot), debootstrap, a built project (npm run build).
#   bash native/test-old-glibc.sh
# The root is kept in $LCNET_BULLSEYE_ROOT (default ~/.cache/lcnet-bullseye-root, about 150 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
root=${LCNET_BULLSEYE_ROOT:-$HOME/.cache/lcnet-bullseye-root}
[ -x "$root/usr/bin/ldd" ] || debootstrap --variant=minbase bullseye "$root" http://deb.debian.org/debian
check="$root/lcnet-check"
rm -rf "$check"
mkdir -p "$check"
trap 'rm -rf "$check"' EXIT
cp "$(readlink -f "$(command -v node)")" "$check/node"
cp prebuilds/linux-x64/lcnet-jpeg.node native/arm64/fingerprints.mjs "$check/"
node native/arm64/worklist.mjs "$check/list"
echo "== inside: $(chroot "$root" ldd --version | head -1); Node $(chroot "$root" /lcnet-check/node --version)"
chroot "$root" /lcnet-check/node /lcnet-check/fingerprints.mjs /lcnet-check/lcnet-jpeg.node /lcnet-check/list > "$check/inside.txt"
node native/arm64/fingerprints.mjs "$PWD/prebuilds/linux-x64/lcnet-jpeg.node" "$check/list" > "$check/here.txt"
files=$(($(wc -l < "$check/here.txt") - 1))
if cmp -s "$check/inside.txt" "$check/here.txt"; then
  echo "== the addon loads on glibc 2.31 and gives this machine's results for all $files files"
else
  diff "$check/here.txt" "$check/inside.txt" | head -20
  echo "== FAILED"
  exit 1
fi
