// Decodes every JPEG under ../shared and the hostile-input suite with the addon at argv[2] (a
// sanitizer build, see test-sanitizers.sh), through decodeInto and decodeResize, with the limits
// decode.ts passes. Decoding errors are expected (hostile files); a sanitizer report aborts.
import {createRequire} from 'node:module';
import {readdirSync, readFileSync, statSync} from 'node:fs';
import {join} from 'node:path';

const addon = createRequire(import.meta.url)(process.argv[2]);
const {checkedJpegLayout} = await import('../dist/src/pipeline/decode.js');
const {jpegLayout} = await import('../dist/src/pipeline/image-format.js');
const {jpegMemoryLimit, MAX_JPEG_SCANS, DEFAULT_MAX_PIXELS} = await import('../dist/src/pipeline/limits.js');
const {packedTaps} = await import('../dist/src/pipeline/resize-linear.js');
const {planWindow} = await import('../dist/src/pipeline/preprocess.js');
const {imagenetPreprocess} = await import('../dist/src/models/manifest.js');

function jpegsUnder(dir) {
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...jpegsUnder(path));
    else if (/\.jpe?g$/i.test(name)) found.push(readFileSync(path));
  }
  return found;
}

const inputs = [];
try {
  inputs.push(...jpegsUnder(new URL('../../shared', import.meta.url).pathname));
} catch {
  console.log('../shared not found: only the hostile suite is decoded');
}
const hostile = await import('../dist/test/support/hostile-images.js');
// every JPEG of the suite, the heavy bombs included (the other formats never reach the addon)
for (const f of await hostile.hostileImages({heavy: true})) if (f.bytes[0] === 0xff && f.bytes[1] === 0xd8) inputs.push(f.bytes);

const spec = imagenetPreprocess();
const norm = Float32Array.of(spec.scale, ...spec.mean, ...spec.std);
const counts = {decoded: 0, failed: 0, skipped: 0};
for (const bytes of inputs) {
  // lcnet refuses some of these before the addon sees them; the addon must cope with them all the same
  try {
    checkedJpegLayout(bytes, {maxPixels: DEFAULT_MAX_PIXELS});
  } catch {
    // refused by lcnet: decoded below anyway
  }
  const layout = jpegLayout(bytes) ?? {width: 1, height: 1, orientation: 1};
  const o = layout.orientation ?? 1;
  const [w, h] = o >= 5 ? [layout.height, layout.width] : [layout.width, layout.height];
  if (w * h > 50e6) {
    counts.skipped++;
    continue;
  }
  const limits = Float64Array.of(layout.width, layout.height, MAX_JPEG_SCANS, 30, jpegMemoryLimit(DEFAULT_MAX_PIXELS));
  for (const entry of ['into', 'resize']) {
    try {
      if (entry === 'into') addon.decodeInto(bytes, o, new Uint8Array(w * h * 3), limits);
      else {
        let win;
        try {
          win = planWindow(spec, w, h);
        } catch {
          continue;
        }
        addon.decodeResize(bytes, o, packedTaps(w, h, win), norm, new Float32Array(3 * 224 * 224), Int32Array.of(0, 224 * 224, 2 * 224 * 224), limits);
      }
      counts.decoded++;
    } catch {
      counts.failed++;
    }
  }
}
console.log(`${inputs.length} files: ${counts.decoded} decodes, ${counts.failed} decoder errors, ${counts.skipped} over 50 megapixels not decoded; no sanitizer report`);
