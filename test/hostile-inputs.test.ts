/**
 * The hostile suite (test/support/hostile-images.ts) through the real CLI and through both JPEG
 * decoders: every file gets one record, a run with failures exits 1, the libjpeg-turbo addon and
 * sharp agree on every file (same error, or same predictions; same pixels at unit level), the
 * addon's two entry points (decodeResize by default, decodeInto with LCNET_RESIZE_KERNEL=js) agree,
 * a decoy frame header does not get an image past --max-pixels, and a run's memory stays bounded.
 */

import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import {pathToFileURL} from 'node:url';
import sharp from 'sharp';
import {checkedJpegLayout, decodeRgb, describeDecodeError, type DecodeOptions} from '../src/pipeline/decode.js';
import {jpegTurbo} from '../src/pipeline/jpeg-turbo.js';
import {planWindow} from '../src/pipeline/preprocess.js';
import {packedTaps} from '../src/pipeline/resize-linear.js';
import {imagenetPreprocess} from '../src/models/manifest.js';
import {DEFAULT_MAX_PIXELS} from '../src/pipeline/limits.js';
import {jpegLayout} from '../src/pipeline/image-format.js';
import {runCli, tempDir} from './support/cli.js';
import {hostileImages, writeHostileImages, type HostileFile} from './support/hostile-images.js';

const PEAK_RSS_LIMIT_MIB = 600;

/**
 * Loaded into the CLI's process with --import: at exit, the main thread writes the process's peak
 * resident set (getrusage, all threads) to a file named by its pid.
 */
const PEAK_PRELOAD = `
import {isMainThread} from 'node:worker_threads';
import {writeFileSync} from 'node:fs';
if (isMainThread) process.on('exit', () => writeFileSync(process.env.LCNET_TEST_PEAK_DIR + '/' + process.pid, String(process.resourceUsage().maxRSS)));
`;

interface Run {
  code: number | null;
  stderr: string;
  /** file (relative to the suite's folder) -> its records' outcomes */
  records: Map<string, string[]>;
  /** the largest peak RSS of the node processes of the run, or null when none wrote one */
  peakMib: number | null;
}

/** What a record says: its error, or its top-k classes with scores to 4 decimals. */
function recordOutcome(r: {error?: string; predictions?: {class_id: number; score: number}[]}): string {
  if (r.error !== undefined) return `error: ${r.error}`;
  return `top-k ${(r.predictions ?? []).map((p) => `${p.class_id}:${p.score.toFixed(4)}`).join(' ')}`;
}

async function classify(suite: string, work: string, name: string, env: Record<string, string>): Promise<Run> {
  const out = join(work, `${name}.jsonl`);
  const peaks = join(work, `peaks-${name}`);
  mkdirSync(peaks);
  const preload = join(work, 'peak-rss.mjs');
  writeFileSync(preload, PEAK_PRELOAD);
  const cli = await runCli(['classify', suite, '-m', 'synthetic:PPLCNet_x1_0', '-o', out], {
    env: {...env, LCNET_TEST_PEAK_DIR: peaks, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${pathToFileURL(preload).href}`},
  });
  const records = new Map<string, string[]>();
  let text = '';
  try {
    text = readFileSync(out, 'utf8');
  } catch {
    // no output at all: every file is then missing its record
  }
  for (const line of text.split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as {file: string; error?: string; predictions?: {class_id: number; score: number}[]};
    const key = relative(suite, r.file);
    records.set(key, [...(records.get(key) ?? []), recordOutcome(r)]);
  }
  const written = readdirSync(peaks).map((f) => Number(readFileSync(join(peaks, f), 'utf8')) / 1024);
  return {code: cli.code, stderr: cli.stderr, records, peakMib: written.length ? Math.max(...written) : null};
}

/** `a` and `b` differ on these files: a message grouped by class, with an example of each. */
function differences(files: HostileFile[], a: (f: HostileFile) => string, b: (f: HostileFile) => string, names: [string, string]): string[] {
  const byClass = new Map<string, {count: number; example: string}>();
  let total = 0;
  for (const f of files) {
    const [x, y] = [a(f), b(f)];
    if (x === y) continue;
    total++;
    const entry = byClass.get(f.kind) ?? {count: 0, example: `${f.name}: ${names[0]} says '${x}', ${names[1]} says '${y}'`};
    entry.count++;
    byClass.set(f.kind, entry);
  }
  if (total === 0) return [];
  return [`${total} of ${files.length} files differ:`, ...[...byClass].map(([kind, {count, example}]) => `  ${kind}: ${count} (e.g. ${example})`)];
}

function pixelOutcome(img: {width: number; height: number; data: Uint8Array}): string {
  return `ok ${img.width}x${img.height} ${createHash('sha256').update(img.data).digest('hex').slice(0, 16)}`;
}

async function decoded(bytes: Uint8Array, opts: DecodeOptions): Promise<string> {
  try {
    return pixelOutcome(await decodeRgb(bytes, opts));
  } catch (e) {
    return `error: ${describeDecodeError(e, bytes)}`;
  }
}

/** The frame size a parser finds that jumps from marker to marker by their lengths (as lcnet's did). */
function lengthWalkerFrame(b: Uint8Array): [number, number] | null {
  for (let pos = 2; pos + 9 < b.length; ) {
    const marker = b[pos + 1]!;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return [(b[pos + 7]! << 8) | b[pos + 8]!, (b[pos + 5]! << 8) | b[pos + 6]!];
    pos += 2 + ((b[pos + 2]! << 8) | b[pos + 3]!);
  }
  return null;
}

describe('hostile inputs', function () {
  this.timeout(300_000);
  let files: HostileFile[];
  let work: string;
  let suite: string;
  const runs: Record<'turbo' | 'sharp' | 'jsKernel', Run> = {} as never;

  before(async () => {
    files = await hostileImages();
    work = tempDir('lcnet-hostile-');
    suite = join(work, 'suite');
    writeHostileImages(suite, files);
    // one after another: each run has the machine's cores to itself
    runs.turbo = await classify(suite, work, 'turbo', {});
    runs.sharp = await classify(suite, work, 'sharp', {LCNET_JPEG_DECODER: 'sharp'});
    runs.jsKernel = await classify(suite, work, 'js-kernel', {LCNET_RESIZE_KERNEL: 'js'});
  });

  after(() => {
    if (work) rmSync(work, {recursive: true, force: true});
  });

  it('is the same suite on every run, and its decoys show a length-walking parser another frame than libjpeg reads', async () => {
    const again = await hostileImages();
    assert.deepEqual(
      again.map((f) => [f.name, createHash('sha256').update(f.bytes).digest('hex')]),
      files.map((f) => [f.name, createHash('sha256').update(f.bytes).digest('hex')]),
    );
    const decoy = files.find((f) => f.name === 'desync/ff00-decoy-smaller.jpg')!;
    assert.deepEqual(lengthWalkerFrame(decoy.bytes), [24, 16]);
    const meta = await sharp(decoy.bytes).metadata();
    assert.deepEqual([meta.width, meta.height], [48, 32]);
    // lcnet's header reader follows libjpeg's marker rules: it finds the frame libjpeg finds
    assert.deepEqual([jpegLayout(decoy.bytes)?.width, jpegLayout(decoy.bytes)?.height], [48, 32]);
    assert.equal(jpegLayout(decoy.bytes)?.extraneous, true);
  });

  for (const [run, title] of [
    ['turbo', 'the default decoders'],
    ['sharp', 'LCNET_JPEG_DECODER=sharp'],
    ['jsKernel', 'LCNET_RESIZE_KERNEL=js'],
  ] as const) {
    it(`writes exactly one record per file and exits 1 (some files failed), with ${title}`, () => {
      const r = runs[run];
      const missing = files.filter((f) => !r.records.has(f.name)).map((f) => f.name);
      const repeated = [...r.records].filter(([, list]) => list.length > 1).map(([name]) => name);
      const unknown = [...r.records.keys()].filter((name) => !files.some((f) => f.name === name));
      const tail = r.stderr.trim().split('\n').slice(-5).join('\n');
      assert.deepEqual({missing, repeated, unknown}, {missing: [], repeated: [], unknown: []}, `records do not match the files; the run said:\n${tail}`);
      assert.equal(r.code, 1, `exit status ${r.code}; the run said:\n${tail}`);
    });

    it(`keeps the peak RSS of the run under ${PEAK_RSS_LIMIT_MIB} MiB, with ${title}`, () => {
      const r = runs[run];
      assert.ok(r.peakMib !== null, `the run left no peak RSS (it did not exit normally: status ${r.code})`);
      assert.ok(r.peakMib < PEAK_RSS_LIMIT_MIB, `peak RSS ${r.peakMib.toFixed(0)} MiB`);
    });
  }

  it('records the same outcome for every file with the libjpeg-turbo addon and with sharp (LCNET_JPEG_DECODER=sharp)', () => {
    const outcome = (r: Run) => (f: HostileFile) => r.records.get(f.name)?.join(' + ') ?? 'no record';
    assert.deepEqual(differences(files, outcome(runs.turbo), outcome(runs.sharp), ['the addon', 'sharp']), []);
  });

  it("records the same outcome for every file through the addon's decodeResize (default) and its decodeInto (LCNET_RESIZE_KERNEL=js)", () => {
    const outcome = (r: Run) => (f: HostileFile) => r.records.get(f.name)?.join(' + ') ?? 'no record';
    assert.deepEqual(differences(files, outcome(runs.turbo), outcome(runs.jsKernel), ['decodeResize', 'decodeInto']), []);
  });

  it('decodes every file to the same pixels, or the same error, with the addon and with sharp', async () => {
    const opts = {maxPixels: DEFAULT_MAX_PIXELS};
    const turbo = new Map<string, string>();
    const viaSharp = new Map<string, string>();
    for (const f of files) {
      turbo.set(f.name, await decoded(f.bytes, opts));
      viaSharp.set(f.name, await decoded(f.bytes, {...opts, jpegDecoder: 'sharp'}));
    }
    assert.deepEqual(differences(files, (f) => turbo.get(f.name)!, (f) => viaSharp.get(f.name)!, ['the addon', 'sharp']), []);
  });

  it('refuses by the pixel limit exactly the files sharp refuses by it, whatever frame header a decoy shows', async () => {
    // a low limit, so that the small real frames behind the decoys are over it
    const opts = {maxPixels: 1_000_000};
    const overLimit = async (f: HostileFile, decoder?: 'sharp') => (await decoded(f.bytes, {...opts, jpegDecoder: decoder})).includes('pixel limit') ? 'over the limit' : 'under the limit';
    const turbo = new Map<string, string>();
    const viaSharp = new Map<string, string>();
    for (const f of files) {
      turbo.set(f.name, await overLimit(f));
      viaSharp.set(f.name, await overLimit(f, 'sharp'));
    }
    assert.deepEqual(differences(files, (f) => turbo.get(f.name)!, (f) => viaSharp.get(f.name)!, ['the addon', 'sharp']), []);
  });

  it('refuses the heavy bombs from their headers, before either decoder runs, and the addon on its own before it buffers them', async function () {
    const heavy = (await hostileImages({heavy: true})).filter((f) => !files.some((g) => g.name === f.name));
    const bomb = heavy.find((f) => f.name === 'scan-bomb/ycbcr-2048x2048-800-scans.jpg')!;
    const huge = heavy.find((f) => f.name === 'sof-size/progressive-16383x16383.jpg')!;
    assert.ok(bomb && huge, heavy.map((f) => f.name).join(', '));
    const opts = {maxPixels: DEFAULT_MAX_PIXELS};
    assert.throws(() => checkedJpegLayout(bomb.bytes, opts), /more than 100 scans/);
    assert.ok(huge.bytes.length < 4096, `${huge.bytes.length} bytes`);
    assert.throws(() => checkedJpegLayout(huge.bytes, opts), /truncated JPEG|corrupt JPEG: the decoder reported damaged data/);
    const addon = jpegTurbo();
    if (!addon) this.skip();
    // the addon's own gates, without the header verdict in front of them
    const spec = imagenetPreprocess();
    const run = (f: HostileFile, side: number, limits: Float64Array) => {
      const plan = packedTaps(side, side, planWindow(spec, side, side));
      return () => addon.decodeResize(f.bytes, 1, plan, Float32Array.of(1, 0, 0, 0, 1, 1, 1), new Float32Array(3 * 224 * 224), Int32Array.of(0, 224 * 224, 2 * 224 * 224), limits);
    };
    assert.throws(run(bomb, 2048, Float64Array.of(2048, 2048, 100, 0, 0)), (e: NodeJS.ErrnoException) => e.code === 'ERR_LCNET_JPEG_SCANS');
    assert.throws(run(huge, 16383, Float64Array.of(16383, 16383, 100, 0, 0)), (e: NodeJS.ErrnoException) => e.code === 'ERR_LCNET_JPEG_DATA');
    assert.throws(run(huge, 16383, Float64Array.of(16383, 16383, 100, 0, 256 * 1024 * 1024)), (e: NodeJS.ErrnoException) => e.code === 'ERR_LCNET_JPEG_MEMORY');
  });
});
