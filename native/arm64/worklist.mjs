// Writes the work of the arm64 check (test-arm64.sh) into the folder argv[2]: every JPEG under
// ../shared and every JPEG of the hostile-input suite, each with what lcnet would pass the addon
// for it (EXIF orientation, the size every limit was checked against, the resampling taps of the
// default preprocessing), so that fingerprints.mjs needs nothing but Node and an addon.
// No CPU-time limit is passed: an emulated CPU is slower, and the result must not depend on speed.
import {mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join, relative} from 'node:path';

const {jpegLayout} = await import('../../dist/src/pipeline/image-format.js');
const {jpegMemoryLimit, MAX_JPEG_SCANS, DEFAULT_MAX_PIXELS} = await import('../../dist/src/pipeline/limits.js');
const {packedTaps} = await import('../../dist/src/pipeline/resize-linear.js');
const {planWindow} = await import('../../dist/src/pipeline/preprocess.js');
const {imagenetPreprocess} = await import('../../dist/src/models/manifest.js');
const {hostileImages} = await import('../../dist/test/support/hostile-images.js');

const out = process.argv[2];
const shared = new URL('../../../shared', import.meta.url).pathname;
mkdirSync(join(out, 'files'), {recursive: true});

function jpegsUnder(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...jpegsUnder(path));
    else if (/\.jpe?g$/i.test(name)) found.push(path);
  }
  return found;
}

const inputs = [];
try {
  for (const path of jpegsUnder(shared)) inputs.push({name: `shared/${relative(shared, path)}`, bytes: readFileSync(path)});
} catch {
  console.error('../shared not found: only the hostile suite is checked');
}
for (const f of await hostileImages()) if (f.bytes[0] === 0xff && f.bytes[1] === 0xd8) inputs.push({name: `hostile/${f.name}`, bytes: f.bytes});

const spec = imagenetPreprocess();
const items = [];
inputs.forEach(({name, bytes}, i) => {
  const layout = jpegLayout(bytes) ?? {width: 1, height: 1, orientation: 1};
  const orientation = layout.orientation ?? 1;
  const [w, h] = orientation >= 5 ? [layout.height, layout.width] : [layout.width, layout.height];
  if (w * h > 50e6) return;
  let taps = null;
  try {
    const plan = packedTaps(w, h, planWindow(spec, w, h));
    taps = Buffer.from(plan.buffer, plan.byteOffset, plan.byteLength).toString('base64');
  } catch {
    // too small to crop: decodeInto only
  }
  const file = `${i}.jpg`;
  writeFileSync(join(out, 'files', file), bytes);
  items.push({name, file, orientation, width: w, height: h, limits: [layout.width, layout.height, MAX_JPEG_SCANS, 0, jpegMemoryLimit(DEFAULT_MAX_PIXELS)], taps});
});
writeFileSync(join(out, 'worklist.json'), JSON.stringify({norm: [spec.scale, ...spec.mean, ...spec.std], size: 224, items}));
console.error(`${items.length} JPEGs (${inputs.length - items.length} over 50 megapixels left out)`);
