// CPU milliseconds per image of each JPEG decoder lcnet has, on the same files, decode only
// (to interleaved RGB), alternated round by round; prints one JSON line per decoder with the
// median over rounds. Needs a build (npm run build).
// The addon runs twice: into a new array per image (the library's decodeRgb, which pays for
// fresh zeroed memory each time: about 12 microseconds per 4 KiB page on a VM with shadow paging)
// and into one array per file reused round after round, as the pipeline's decoder (its memory comes
// back from malloc) and OpenCV's cv2.imdecode (numpy's, freed at once) effectively do.
//   node bench/decoders.mjs DIR [ROUNDS]
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {decodeJpegNow, decodeWithLibvips, turboJpeg} from '../dist/src/pipeline/decode.js';
import {jpegTurbo} from '../dist/src/pipeline/jpeg-turbo.js';
import {libvips} from '../dist/src/pipeline/libvips.js';

const dir = process.argv[2];
const rounds = Number(process.argv[3] ?? 5);
const files = readdirSync(dir).filter((f) => /\.jpe?g$/i.test(f)).sort().map((f) => readFileSync(join(dir, f)));
const opts = {maxPixels: 268402689};
await libvips();
const addon = jpegTurbo();
// the upright val JPEGs' targets, one per file, allocated once
const targets = new Map(files.map((b) => [b, new Uint8Array(decodeJpegNow(b, opts).data.length)]));
// and their limits (size, scans, time, memory), as the pipeline passes them
const limits = new Map(files.map((b) => [b, turboJpeg(b, opts).limits]));
const decoders = {
  'libjpeg-turbo (lcnet addon), into a reused array': async (b) => addon.decodeInto(b, 1, targets.get(b), limits.get(b)),
  'libjpeg-turbo (lcnet addon), into a new array': async (b) => decodeJpegNow(b, opts),
  'sharp (libvips)': (b) => decodeWithLibvips(b, {...opts, jpegDecoder: 'sharp'}),
};
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const times = Object.fromEntries(Object.keys(decoders).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const [name, decode] of Object.entries(decoders)) {
    const c0 = cpu();
    for (const b of files) await decode(b);
    times[name].push((cpu() - c0) / files.length);
  }
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
for (const [name, v] of Object.entries(times)) console.log(JSON.stringify({decoder: name, images: files.length, rounds, cpuMsPerImage: Number(median(v).toFixed(3))}));
