// Readings of the EXIF orientation of JPEG files, for bench/exif-vs-opencv.py: a JSON array of
// paths on stdin; on stdout a JSON array with, per file, what three readers make of it:
//   opencvRules: src/pipeline/exif-orientation.ts, the orientation lcnet expects OpenCV to apply
//                (1 when none), or "no image" when it expects OpenCV to decode nothing;
//   jpegLayout:  the orientation jpegLayout (image-format.ts) reads today for the native path;
//   libvips:     the orientation sharp's metadata reports, the one its autoOrient() applies.
// Needs `npm run build`.
import {readFileSync} from 'node:fs';
import sharp from 'sharp';
import {app1Orientation} from '../dist/src/pipeline/exif-orientation.js';
import {jpegApp1Payloads, jpegLayout} from '../dist/src/pipeline/image-format.js';

const inRange = (o) => (o >= 2 && o <= 8 ? o : 1);

const paths = JSON.parse(readFileSync(0, 'utf8'));
const answers = [];
for (const path of paths) {
  const bytes = readFileSync(path);
  const payloads = jpegApp1Payloads(bytes);
  const layout = jpegLayout(bytes);
  let libvips;
  try {
    libvips = inRange((await sharp(bytes).metadata()).orientation ?? 1);
  } catch {
    libvips = 'error';
  }
  answers.push({
    opencvRules: payloads === null ? 'no image' : (app1Orientation(payloads) ?? 1),
    jpegLayout: layout === null ? 'no layout' : inRange(layout.orientation ?? 1),
    libvips,
  });
}
process.stdout.write(JSON.stringify(answers));
