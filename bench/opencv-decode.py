"""CPU milliseconds per image of OpenCV's cv2.imdecode (the reference decoder) on the JPEGs of DIR,
median over rounds, one thread, as a JSON line.
    python3 bench/opencv-decode.py DIR [ROUNDS]
"""
import json, os, sys, time
import cv2
import numpy as np

cv2.setNumThreads(1)
folder = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
blobs = [np.frombuffer(open(os.path.join(folder, f), "rb").read(), np.uint8) for f in sorted(os.listdir(folder)) if f.lower().endswith((".jpg", ".jpeg"))]
per_round = []
for _ in range(rounds):
    t = time.process_time()
    for b in blobs:
        cv2.imdecode(b, cv2.IMREAD_COLOR)
    per_round.append((time.process_time() - t) * 1000 / len(blobs))
print(json.dumps({"decoder": "OpenCV %s cv2.imdecode" % cv2.__version__, "images": len(blobs), "rounds": rounds, "cpuMsPerImage": round(sorted(per_round)[len(per_round) // 2], 3)}))
