// Prints, for every item of a worklist (worklist.mjs), what the addon at argv[2] gives through both
// entry points: the sha256 of the pixels (decodeInto) and of the normalised tensor (decodeResize),
// or the error message. Needs only Node (18 or later) and the addon, so that it runs under an
// emulated arm64 Node as it runs here; test-arm64.sh compares the two outputs byte for byte.
import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';

const addon = createRequire(import.meta.url)(process.argv[2]);
const dir = process.argv[3];
const work = JSON.parse(readFileSync(join(dir, 'worklist.json'), 'utf8'));
const norm = Float32Array.from(work.norm);
const plane = work.size * work.size;
const sha = (view) => createHash('sha256').update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength)).digest('hex').slice(0, 32);
const outcome = (f) => {
  try {
    return sha(f());
  } catch (e) {
    return `error: ${e.message}`;
  }
};
const lines = [`addon ${addon.sourceDigest} libjpeg-turbo ${addon.libjpegTurboVersion}`];
for (const item of work.items) {
  const bytes = readFileSync(join(dir, 'files', item.file));
  const limits = Float64Array.from(item.limits);
  const into = outcome(() => {
    const target = new Uint8Array(item.width * item.height * 3);
    addon.decodeInto(bytes, item.orientation, target, limits);
    return target;
  });
  const resize = item.taps === null ? 'not planned' : outcome(() => {
    // copied: a decoded Buffer may sit at an offset an Int32Array cannot start at
    const plan = new Int32Array(Uint8Array.from(Buffer.from(item.taps, 'base64')).buffer);
    const tensor = new Float32Array(3 * plane);
    addon.decodeResize(bytes, item.orientation, plan, norm, tensor, Int32Array.of(0, plane, 2 * plane), limits);
    return tensor;
  });
  lines.push(`${item.name}\tinto ${into}\tresize ${resize}`);
}
process.stdout.write(lines.join('\n') + '\n');
