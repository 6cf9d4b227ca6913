import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {decodeJpegNow, decodeRgb, decodeWithLibvips, describeDecodeError} from '../src/pipeline/decode.js';
import {jpegDecoder, jpegTurbo} from '../src/pipeline/jpeg-turbo.js';
import {jpegScanCount} from '../src/pipeline/image-format.js';
import {jpegMemoryLimit, MAX_JPEG_SCANS} from '../src/pipeline/limits.js';
import {createPreprocessor} from '../src/pipeline/preprocess.js';
import {imagenetPreprocess} from '../src/models/manifest.js';
import {runCli, tempDir} from './support/cli.js';
import {rawImage, writeBadInputs} from './support/images.js';
import {ROOT, skipWithoutShared, SHARED, VAL_SAMPLE_DIR} from './support/shared-data.js';

const opts = {maxPixels: 268402689};

/** What a decoder made of a file: its size and pixels, or the error its record would carry. */
type Outcome = {ok: true; width: number; height: number; data: Buffer} | {ok: false; error: string};

async function outcome(decode: () => Promise<{data: Uint8Array; width: number; height: number}>, bytes: Uint8Array): Promise<Outcome> {
  try {
    const img = await decode();
    return {ok: true, width: img.width, height: img.height, data: Buffer.from(img.data)};
  } catch (e) {
    return {ok: false, error: describeDecodeError(e, bytes)};
  }
}

/** Whether libjpeg-turbo takes `bytes` (a JPEG whose header lcnet can parse), failing or not. */
function takenByTurbo(bytes: Uint8Array): boolean {
  try {
    return decodeJpegNow(bytes, opts) !== null;
  } catch {
    return true;
  }
}

/** Asserts that decoding (libjpeg-turbo for JPEGs) and the libvips path give the same record for `bytes`. */
async function assertSameAsLibvips(bytes: Uint8Array, name: string): Promise<Outcome> {
  const fast = await outcome(() => decodeRgb(bytes, opts), bytes);
  const old = await outcome(() => decodeWithLibvips(bytes, opts), bytes);
  if (old.ok && fast.ok) {
    assert.deepEqual([fast.width, fast.height], [old.width, old.height], name);
    assert.ok(fast.data.equals(old.data), `${name}: the pixels differ`);
  } else assert.deepEqual(fast, old, name);
  return old;
}

function jpegsUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...jpegsUnder(path));
    else if (/\.jpe?g$/i.test(name)) found.push(path);
  }
  return found;
}

/** `progressive` with its last scan repeated until the file holds `scans` scans. */
function progressiveScanBomb(progressive: Buffer, scans: number): Buffer {
  const sos: number[] = [];
  for (let i = 2; i + 1 < progressive.length; i++) if (progressive[i] === 0xff && progressive[i + 1] === 0xda) sos.push(i);
  const eoi = progressive.lastIndexOf(Buffer.from([0xff, 0xd9]));
  const last = progressive.subarray(sos[sos.length - 1], eoi);
  const parts = [progressive.subarray(0, eoi)];
  for (let n = sos.length; n < scans; n++) parts.push(last);
  parts.push(progressive.subarray(eoi));
  return Buffer.concat(parts);
}

/** A deterministic generator (mulberry32), so that the damaged files are the same on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('JPEG decoding with libjpeg-turbo', function () {
  this.timeout(120000);

  it('loads the prebuilt decoder on linux-x64', function () {
    if (`${process.platform}-${process.arch}` !== 'linux-x64') this.skip();
    assert.deepEqual(jpegDecoder(), {name: 'libjpeg-turbo', version: '2.1.5', why: ''});
  });

  it('is built from the C sources in the repository (native/jpeg/build.sh was run after the last change)', function () {
    const addon = jpegTurbo();
    if (!addon) this.skip();
    const sources = ['native/jpeg/jpeg_decode.c', 'native/resize_linear.c', 'native/read_ahead.c', 'native/jpeg/libjpeg_stderr.c', 'native/read_ahead.h'].map((f) => readFileSync(join(ROOT, f)));
    assert.equal(addon.sourceDigest, createHash('sha256').update(Buffer.concat(sources)).digest('hex').slice(0, 16));
  });

  it('gives every JPEG in ../shared the pixels of the libvips path, byte for byte', async function () {
    skipWithoutShared(this);
    const files = jpegsUnder(SHARED);
    assert.ok(files.length >= 150, `found ${files.length} JPEGs`);
    for (const f of files) {
      const bytes = readFileSync(f);
      assert.ok(takenByTurbo(bytes), `${f} goes to libjpeg-turbo`);
      const r = await assertSameAsLibvips(bytes, f);
      assert.ok(r.ok, `${f} decodes`);
    }
  });

  it('gives generated JPEGs of every layout the pixels of the libvips path: progressive, 4:4:4, greyscale, CMYK, EXIF orientations 1-8', async () => {
    const variants: [string, Buffer][] = [
      ['baseline 4:2:0', await rawImage(61, 37, 1).jpeg({quality: 90}).toBuffer()],
      ['progressive', await rawImage(61, 37, 2).jpeg({progressive: true}).toBuffer()],
      ['4:4:4', await rawImage(61, 37, 3).jpeg({chromaSubsampling: '4:4:4'}).toBuffer()],
      ['greyscale', await rawImage(61, 37, 4).greyscale().jpeg().toBuffer()],
      ['greyscale progressive', await rawImage(61, 37, 5).greyscale().jpeg({progressive: true}).toBuffer()],
      ['CMYK', await rawImage(61, 37, 6).jpeg().toColourspace('cmyk').toBuffer()],
      ['1x1', await rawImage(1, 1, 7).jpeg().toBuffer()],
    ];
    for (let o = 1; o <= 8; o++) variants.push([`orientation ${o}`, await rawImage(29, 13, o).jpeg().withMetadata({orientation: o}).toBuffer()]);
    for (const [name, bytes] of variants) {
      assert.ok(takenByTurbo(bytes), `${name} goes to libjpeg-turbo`);
      const r = await assertSameAsLibvips(bytes, name);
      assert.ok(r.ok, `${name} decodes`);
    }
  });

  it('refuses damaged JPEGs with the error records of the libvips path: truncated, cut before EOI, bytes changed, garbage appended', async function () {
    skipWithoutShared(this);
    const sources = [
      'imagenet/val-sample/ILSVRC2012_val_00000001.JPEG',
      'imagenet/val-sample/ILSVRC2012_val_00000016.JPEG', // restart markers
      'imagenet/val-sample/ILSVRC2012_val_00000034.JPEG', // greyscale
      'images/foolbox/imagenet_00_243.jpg', // progressive
      'fixtures/preprocess/cmyk.jpg',
      'fixtures/preprocess/exif_orient6.jpg',
    ];
    const random = prng(20261202);
    const pick = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo));
    const seen = {ok: 0, turbo: 0, failed: new Map<string, number>()};
    for (const s of sources) {
      const b = readFileSync(join(SHARED, s));
      const damaged: Buffer[] = [];
      for (let k = 0; k < 10; k++) damaged.push(b.subarray(0, pick(2, b.length)));
      for (let k = 0; k < 4; k++) damaged.push(Buffer.concat([b.subarray(0, pick(200, b.length - 2)), Buffer.from([0xff, 0xd9])]));
      for (let k = 0; k < 14; k++) {
        const d = Buffer.from(b);
        const count = [1, 1, 3, 10][k % 4]!;
        for (let j = 0; j < count; j++) d[k % 3 === 0 ? pick(2, Math.min(600, d.length)) : pick(2, d.length - 2)] = pick(0, 256);
        damaged.push(d);
      }
      damaged.push(Buffer.concat([b, Buffer.from('trailing garbage after the image')]));
      damaged.push(Buffer.concat([b.subarray(0, b.length >> 1), Buffer.alloc(b.length - (b.length >> 1))]));
      for (const [i, d] of damaged.entries()) {
        const r = await assertSameAsLibvips(d, `${s} #${i}`);
        if (takenByTurbo(d)) seen.turbo++;
        if (r.ok) seen.ok++;
        else seen.failed.set(r.error, (seen.failed.get(r.error) ?? 0) + 1);
      }
    }
    // the damage reaches every kind of outcome, so the comparison means something
    assert.ok(seen.ok > 10, `${seen.ok} damaged files still decode`);
    assert.ok(seen.turbo > 150, `only ${seen.turbo} damaged files went to libjpeg-turbo`);
    for (const kind of ['truncated JPEG: the file ends before the image does', 'corrupt JPEG: the decoder reported damaged data', 'corrupt JPEG: its header cannot be read']) {
      assert.ok((seen.failed.get(kind) ?? 0) > 0, `no file failed with '${kind}': ${JSON.stringify([...seen.failed])}`);
    }
  });

  it('gives a four-component JPEG the pixels OpenCV gives it, with its Adobe marker (transform 0 or 2) or without one', async () => {
    const cmyk = await rawImage(40, 30, 5).toColourspace('cmyk').jpeg().toBuffer();
    const app14 = cmyk.indexOf(Buffer.from([0xff, 0xee]));
    assert.ok(app14 > 0, 'sharp writes an Adobe marker');
    const length = cmyk.readUInt16BE(app14 + 2);
    const withoutAdobe = Buffer.concat([cmyk.subarray(0, app14), cmyk.subarray(app14 + 2 + length)]);
    const ycck = Buffer.from(cmyk);
    ycck[app14 + 4 + 11] = 2;
    for (const [name, bytes] of [['Adobe', cmyk], ['no Adobe', withoutAdobe], ['YCCK', ycck]] as const) {
      const r = await assertSameAsLibvips(bytes, name);
      assert.ok(r.ok, name);
    }
    // without the marker libjpeg reads CMYK, as with transform 0: OpenCV's pixels are the same
    assert.deepEqual(decodeJpegNow(withoutAdobe, opts), decodeJpegNow(cmyk, opts));
  });

  it('refuses a resampling plan that would read outside the image', async function () {
    const addon = jpegTurbo();
    if (!addon) this.skip();
    const jpeg = await rawImage(20, 10).jpeg().toBuffer();
    const plan = (xTap: number, yTap: number) => Int32Array.from([20, 10, 1, 1, xTap, xTap, 2048, yTap, yTap, 2048]);
    const norm = Float32Array.of(1 / 255, 0, 0, 0, 1, 1, 1);
    const out = new Float32Array(3);
    const planes = Int32Array.of(0, 1, 2);
    const limits = Float64Array.of(20, 10, 100, 0, 0);
    addon.decodeResize(jpeg, 1, plan(57, 9), norm, out, planes, limits);
    assert.throws(() => addon.decodeResize(jpeg, 1, plan(60, 0), norm, out, planes, limits), /malformed plan: an x tap/);
    assert.throws(() => addon.decodeResize(jpeg, 1, plan(0, 10), norm, out, planes, limits), /malformed plan: a y tap/);
    assert.throws(() => addon.decodeResize(jpeg, 1, plan(0, 0), norm, out, Int32Array.of(0, 1, 3), limits), /do not fit/);
    assert.throws(() => addon.decodeResize(jpeg, 1, plan(0, 0), norm, new Float32Array(0), planes, limits), /malformed plan/);
    assert.throws(() => addon.decodeResize(jpeg, 1, plan(0, 0), norm, out, planes, Float64Array.of(10, 20, 100, 0, 0)), /plan and the limits disagree/);
  });

  it('decodes nothing into an empty target or from an empty file, on both entry points (no predictions from unwritten memory)', async function () {
    const addon = jpegTurbo();
    if (!addon) this.skip();
    const jpeg = await rawImage(20, 10).jpeg().toBuffer();
    const limits = Float64Array.of(20, 10, 100, 0, 0);
    assert.throws(() => addon.decodeInto(jpeg, 1, new Uint8Array(0), limits), (e: NodeJS.ErrnoException) => e.code === 'ERR_LCNET_JPEG_TARGET');
    assert.throws(() => addon.decodeInto(new Uint8Array(0), 1, new Uint8Array(600), limits), (e: NodeJS.ErrnoException) => e.code === 'ERR_LCNET_JPEG_HEADER');
    const plan = Int32Array.from([20, 10, 1, 1, 0, 0, 2048, 0, 0, 2048]);
    assert.throws(() => addon.decodeResize(new Uint8Array(0), 1, plan, Float32Array.of(1, 0, 0, 0, 1, 1, 1), new Float32Array(3), Int32Array.of(0, 1, 2), limits), (e: NodeJS.ErrnoException) => e.code === 'ERR_LCNET_JPEG_HEADER');
    addon.decodeInto(jpeg, 1, new Uint8Array(600), limits);
  });

  it('refuses, before decoding, a JPEG whose size libjpeg reads differently from the size the limits were checked against', async function () {
    const addon = jpegTurbo();
    if (!addon) this.skip();
    const jpeg = await rawImage(20, 10).jpeg().toBuffer();
    for (const [w, h] of [[20, 11], [19, 10], [10, 20]]) {
      assert.throws(
        () => addon.decodeInto(jpeg, 1, new Uint8Array(w! * h! * 3), Float64Array.of(w!, h!, 100, 0, 0)),
        (e: NodeJS.ErrnoException) => e.code === 'ERR_LCNET_JPEG_LAYOUT' && /reads a 20x10 image where/.test(e.message),
      );
    }
  });

  it('counts scans before decoding and refuses a file with more than the limit, on both entry points and the sharp path', async function () {
    const addon = jpegTurbo();
    if (!addon) this.skip();
    // libjpeg's progressive script: 10 scans for colour
    const jpeg = await rawImage(64, 48).jpeg({progressive: true}).toBuffer();
    assert.equal(jpegScanCount(jpeg, 1000), 10);
    const target = new Uint8Array(64 * 48 * 3);
    addon.decodeInto(jpeg, 1, target, Float64Array.of(64, 48, 10, 0, 0));
    assert.throws(() => addon.decodeInto(jpeg, 1, target, Float64Array.of(64, 48, 9, 0, 0)), (e: NodeJS.ErrnoException) => e.code === 'ERR_LCNET_JPEG_SCANS');
    // the same verdict on the two paths through decode.ts, from the shared limit
    const bomb = progressiveScanBomb(jpeg, MAX_JPEG_SCANS + 1);
    assert.equal(jpegScanCount(bomb, 1000), MAX_JPEG_SCANS + 1);
    const reason = /more than 100 scans/;
    assert.throws(() => decodeJpegNow(bomb, opts), reason);
    await assert.rejects(decodeWithLibvips(bomb, opts), reason);
    // at the limit the file is decoded (a repeated refinement is a bogus progression: both paths fail it alike)
    const fine = progressiveScanBomb(jpeg, MAX_JPEG_SCANS);
    const atLimit = await assertSameAsLibvips(fine, 'at the scan limit');
    assert.ok(atLimit.ok || !reason.test(atLimit.error), JSON.stringify(atLimit));
  });

  it('abandons a decode that takes more CPU time than its budget', async function () {
    const addon = jpegTurbo();
    if (!addon) this.skip();
    const jpeg = await rawImage(640, 480).jpeg({progressive: true}).toBuffer();
    const target = new Uint8Array(640 * 480 * 3);
    // a budget no decode can meet: the progress monitor's first clock reading ends it
    assert.throws(() => addon.decodeInto(jpeg, 1, target, Float64Array.of(640, 480, 100, 1e-9, 0)), (e: NodeJS.ErrnoException) => e.code === 'ERR_LCNET_JPEG_TIMEOUT');
    addon.decodeInto(jpeg, 1, target, Float64Array.of(640, 480, 100, 60, 0));
    assert.throws(() => decodeJpegNow(jpeg, {...opts, timeoutSeconds: 1e-9}), /longer than 1e-9 s of CPU \(--decode-timeout\)/);
  });

  it('keeps libjpeg within its memory limit: a progressive image that needs more is refused', async function () {
    const addon = jpegTurbo();
    if (!addon) this.skip();
    const jpeg = await rawImage(640, 480).jpeg({progressive: true}).toBuffer();
    const target = new Uint8Array(640 * 480 * 3);
    // the coefficients alone take 640 x 480 x 1.5 (4:2:0) x 2 bytes
    assert.throws(() => addon.decodeInto(jpeg, 1, target, Float64Array.of(640, 480, 100, 0, 100_000)), (e: NodeJS.ErrnoException) => e.code === 'ERR_LCNET_JPEG_MEMORY');
    addon.decodeInto(jpeg, 1, target, Float64Array.of(640, 480, 100, 0, jpegMemoryLimit(640 * 480)));
  });

  it('enforces the pixel limit before decoding, with the same error', async () => {
    const jpeg = await rawImage(100, 100).jpeg().toBuffer();
    const small = {maxPixels: 5000};
    assert.throws(() => decodeJpegNow(jpeg, small), /pixel limit/);
    await assert.rejects(decodeWithLibvips(jpeg, small).catch((e: unknown) => Promise.reject(new Error(describeDecodeError(e)))), /pixel limit/);
  });

  it('leaves other formats to libvips', async () => {
    const png = await rawImage(10, 10).png().toBuffer();
    assert.equal(decodeJpegNow(png, opts), null);
    assert.equal((await decodeRgb(png, opts)).width, 10);
  });

  it('decodes (only the columns the resize reads) and resamples in one native call to the tensors of the JS reference kernel, for every JPEG in ../shared and every layout', async function () {
    skipWithoutShared(this);
    const base = imagenetPreprocess();
    const specs = [base, {...base, resize: {kind: 'stretch' as const, width: 160, height: 80}, crop: null, scale: 1 / 255}, {...base, channels: 'bgr' as const}];
    const inputs: Buffer[] = jpegsUnder(SHARED).map((f) => readFileSync(f));
    for (let o = 1; o <= 8; o++) inputs.push(await rawImage(301, 257, o).jpeg().withMetadata({orientation: o}).toBuffer());
    inputs.push(await rawImage(260, 300, 9).jpeg().toColourspace('cmyk').toBuffer());
    for (const spec of specs) {
      const fused = createPreprocessor(spec, 'exact', opts, 'auto');
      const reference = createPreprocessor(spec, 'exact', opts, 'js');
      for (const [i, bytes] of inputs.entries()) {
        const a = new Float32Array(fused.tensorSize + 5);
        const b = new Float32Array(fused.tensorSize + 5);
        await fused.run(bytes, a, 5);
        await reference.run(bytes, b, 5);
        assert.ok(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `input ${i}, ${JSON.stringify(spec.resize)} ${spec.channels}`);
      }
    }
  });

  it('gives the same records through the CLI as the sharp path, bad inputs included', async function () {
    skipWithoutShared(this, VAL_SAMPLE_DIR);
    const dir = tempDir();
    try {
      await writeBadInputs(dir);
      const jpeg = readFileSync(join(VAL_SAMPLE_DIR, 'ILSVRC2012_val_00000007.JPEG'));
      writeFileSync(join(dir, 'cut.jpg'), jpeg.subarray(0, jpeg.length - 5000));
      writeFileSync(join(dir, 'upright.jpg'), await rawImage(300, 240, 3).jpeg().withMetadata({orientation: 6}).toBuffer());
      const args = ['classify', VAL_SAMPLE_DIR, dir, '-m', 'synthetic:PPLCNet_x0_25', '--topk', '3'];
      const turbo = await runCli(args);
      const sharp = await runCli(args, {env: {LCNET_JPEG_DECODER: 'sharp'}});
      assert.equal(turbo.code, 1, turbo.stderr);
      assert.equal(sharp.code, 1, sharp.stderr);
      assert.equal(turbo.stdout.split('\n').length, 100 + 7 + 1);
      assert.equal(turbo.stdout, sharp.stdout);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });

  it('keeps each image apart when a worker has JPEGs and other formats in flight at once', async () => {
    const spec = imagenetPreprocess();
    const images: Buffer[] = [];
    for (let i = 0; i < 12; i++) {
      const img = rawImage(300 + i * 7, 260 + i * 5, i);
      images.push(i % 3 === 0 ? await img.png().toBuffer() : await img.jpeg({quality: 85}).toBuffer());
    }
    const pre = createPreprocessor(spec, 'exact', opts);
    const one = (b: Buffer) => {
      const t = new Float32Array(pre.tensorSize);
      return pre.run(b, t, 0).then(() => t);
    };
    const alone: Float32Array[] = [];
    for (const b of images) alone.push(await one(b));
    const together = await Promise.all(images.map(one));
    for (let i = 0; i < images.length; i++) assert.deepEqual(together[i], alone[i], `image ${i}`);
  });
});
