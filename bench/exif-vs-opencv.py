"""Compares the EXIF orientation OpenCV applies (cv2.imdecode with IMREAD_COLOR) with lcnet's
reading (src/pipeline/exif-orientation.ts) on about a thousand small JPEGs with hostile EXIF APP1
segments (bench/exif_cases.py).
    npm run build && /usr/bin/python3 bench/exif-vs-opencv.py [--keep DIR] [--list]
OpenCV's choice is read from its output: the decode that ignores orientation, transformed by each
of the 8 orientations, must equal exactly one candidate. Prints the agreement count and every
disagreement of exif-orientation.ts; for comparison, how often the readers lcnet used before it
(jpegLayout's for the native path, libvips' for the sharp path) agree; with --list every case
with OpenCV's answer. Exit code 1 when exif-orientation.ts disagrees anywhere.
"""
import json, os, subprocess, sys, tempfile
import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from exif_cases import cases  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def picture():
    """16x8, no symmetry: the 8 orientations of it are 8 different images"""
    img = np.zeros((8, 16, 3), np.uint8)
    for y in range(8):
        for x in range(16):
            img[y, x] = (x * 16, y * 32, 255 if (x < 4 and y < 2) else 40)
    return img


def encode(img, progressive):
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 100, cv2.IMWRITE_JPEG_PROGRESSIVE, int(progressive)])
    assert ok
    return buf.tobytes()


def orientations(m):
    t = cv2.transpose(m)
    return {1: m, 2: cv2.flip(m, 1), 3: cv2.flip(m, -1), 4: cv2.flip(m, 0),
            5: t, 6: cv2.flip(t, 1), 7: cv2.flip(t, -1), 8: cv2.flip(t, 0)}


def opencv_orientation(data):
    """The orientation OpenCV applied to this file, or "no image" """
    blob = np.frombuffer(data, np.uint8)
    applied = cv2.imdecode(blob, cv2.IMREAD_COLOR)
    upright = cv2.imdecode(blob, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    if applied is None or upright is None:
        return "no image"
    found = [o for o, m in orientations(upright).items() if m.shape == applied.shape and np.array_equal(m, applied)]
    assert len(found) == 1, "ambiguous or unknown transform"
    return found[0]


def main():
    args = sys.argv[1:]
    keep = args[args.index("--keep") + 1] if "--keep" in args else None
    img = picture()
    views = list(orientations(img).values())
    assert all(not (a.shape == b.shape and np.array_equal(a, b)) for i, a in enumerate(views) for b in views[i + 1:])
    all_cases = list(cases(encode(img, False), encode(img, True)))
    names = [n for n, _ in all_cases]
    assert len(set(names)) == len(names), "case names must be unique"
    folder = keep or tempfile.mkdtemp(prefix="exif-vs-opencv-")
    os.makedirs(folder, exist_ok=True)
    paths = []
    for i, (_, data) in enumerate(all_cases):
        path = os.path.join(folder, "%04d.jpg" % i)
        with open(path, "wb") as f:
            f.write(data)
        paths.append(path)
    readings = json.loads(subprocess.run(["node", os.path.join(ROOT, "bench", "exif-orientation.mjs")], input=json.dumps(paths),
                                     capture_output=True, text=True, check=True, cwd=ROOT).stdout)
    theirs = [opencv_orientation(data) for _, data in all_cases]
    if not keep:
        for p in paths:
            os.remove(p)
        os.rmdir(folder)
    ours = [r["opencvRules"] for r in readings]
    disagree = [(n, t, o) for n, t, o in zip(names, theirs, ours) if t != o]
    if "--list" in args:
        for n, t in zip(names, theirs):
            print("%-70s %s" % (n, t))
    applied = sum(1 for t in theirs if t not in (1, "no image"))
    print("OpenCV %s: %d cases, %d with an orientation 2-8 applied, %d with no image; lcnet agrees on %d of %d"
          % (cv2.__version__, len(names), applied, theirs.count("no image"), len(names) - len(disagree), len(names)))
    for n, t, o in disagree:
        print("DISAGREE %-60s OpenCV %s, lcnet %s" % (n, t, o))
    # the older readers only on files OpenCV decodes: they make no claim about the others
    decoded = [(t, r) for t, r in zip(theirs, readings) if t != "no image"]
    for reader in ("jpegLayout", "libvips"):
        same = sum(1 for t, r in decoded if r[reader] == t)
        print("  for comparison, %s agrees on %d of the %d files OpenCV decodes" % (reader, same, len(decoded)))
    sys.exit(1 if disagree else 0)


main()
