"""OpenCV's verdict on each file of a list, for bench/hostile-survey.mjs: cv2.imdecode(IMREAD_COLOR),
then the pixels as RGB hashed with their size, or none (None, or the cv2.error it raises). One JSON line per file on stdout, each
preceded by a line "S <index> opencv" so that the caller knows which file a crash belongs to.
    python3 bench/hostile-opencv.py LIST START [SKIP...]
LIST holds one path per line; files from index START on are read; SKIP indexes are left out.
"""
import hashlib, json, os, sys, time
import cv2
import numpy as np

cv2.setNumThreads(1)
paths = open(sys.argv[1]).read().split("\n")[:-1]
start = int(sys.argv[2])
skip = {int(s) for s in sys.argv[3:]}


def rss_kib(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])
    return 0


for i in range(start, len(paths)):
    if i in skip:
        continue
    print("S %d opencv" % i, flush=True)
    data = np.frombuffer(open(paths[i], "rb").read(), np.uint8)
    with open("/proc/self/clear_refs", "w") as f:  # the peak RSS starts again from here
        f.write("5")
    before = rss_kib("VmRSS:")
    t = time.perf_counter()
    try:
        img = cv2.imdecode(data, cv2.IMREAD_COLOR)
        raised = None
    except cv2.error as e:  # OpenCV refuses some sizes by an exception rather than None
        img, raised = None, str(e).strip().split("\n")[-1]
    ms = (time.perf_counter() - t) * 1000
    peak = rss_kib("VmHWM:")
    if img is None:
        outcome = "none" if raised is None else "none (raises %s)" % raised
    else:
        h, w = img.shape[:2]
        rgb = np.ascontiguousarray(img[:, :, ::-1])
        outcome = "ok %dx%d %s" % (w, h, hashlib.sha256(("%dx%d" % (w, h)).encode() + rgb.tobytes()).hexdigest()[:16])
    del img
    print("R " + json.dumps({"i": i, "mode": "opencv", "outcome": outcome, "ms": round(ms, 2), "mib": round((peak - before) / 1024, 1)}), flush=True)
