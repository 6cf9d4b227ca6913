"""
The baseline lcnet is measured against: a plain PaddleClas-style Python script, as people write
it today. OpenCV decodes and resizes (resize the short side to 256 with INTER_LINEAR, centre crop
224, normalise, CHW), onnxruntime runs batches of 8 on 2 threads, one JSON line per file.
It imports only numpy, cv2 and onnxruntime.
    python3 bench/python-baseline.py MODEL.onnx FOLDER OUT.jsonl   (OUT - : standard output)
"""
import json, os, sys
import cv2
import numpy as np
import onnxruntime as ort

model, root, out_path = sys.argv[1:4]
options = ort.SessionOptions()
options.intra_op_num_threads = 2
session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
input_name = session.get_inputs()[0].name
mean = np.array([0.485, 0.456, 0.406], np.float32)
std = np.array([0.229, 0.224, 0.225], np.float32)


def preprocess(path):
    img = cv2.imread(path, cv2.IMREAD_COLOR)[:, :, ::-1]
    h, w = img.shape[:2]
    scale = 256 / min(h, w)
    nw, nh = round(w * scale), round(h * scale)
    img = cv2.resize(img, (nw, nh), interpolation=cv2.INTER_LINEAR)
    top, left = (nh - 224) // 2, (nw - 224) // 2
    img = img[top:top + 224, left:left + 224]
    img = (img.astype(np.float32) * np.float32(0.00392157) - mean) / std
    return img.transpose(2, 0, 1)


files = sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names if f.lower().endswith((".jpg", ".jpeg", ".png")))
with (sys.stdout if out_path == "-" else open(out_path, "w")) as out:
    for start in range(0, len(files), 8):
        chunk = files[start:start + 8]
        probs = session.run(None, {input_name: np.stack([preprocess(f) for f in chunk])})[0]
        for f, p in zip(chunk, probs):
            top = np.argsort(-p)[:5]
            out.write(json.dumps({"file": f, "predictions": [{"class_id": int(c), "score": round(float(p[c]), 4)} for c in top]}) + "\n")
