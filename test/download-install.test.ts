import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {promisify} from 'node:util';
import {gzipSync} from 'node:zlib';
import {exitCodeOf} from '../src/cli/exit-codes.js';
import {FatalError, UsageError} from '../src/errors.js';
import {imagenetConfig} from '../src/models/architecture.js';
import {buildLCNet} from '../src/models/builder.js';
import {loadCatalogue, type Catalogue} from '../src/models/download/catalogue.js';
import {ensureModel} from '../src/models/download/ensure.js';
import {DownloadError} from '../src/models/download/errors.js';
import {describeFailure} from '../src/models/download/failure.js';
import type {FetchProgress} from '../src/models/download/fetch-file.js';
import {downloadModel, type Converter, type DownloadOptions} from '../src/models/download/install.js';
import {DEFAULT_SETTINGS, type DownloadSettings} from '../src/models/download/settings.js';
import {bootId, pidNamespace} from '../src/fs/lock-file.js';
import {TarError} from '../src/models/download/tar.js';
import {IMAGENET_LABELS_FILE} from '../src/models/paths.js';
import {isInstalled, modelDir, readManifest, sha256Hex} from '../src/models/store.js';
import {requireShared} from './support/shared-data.js';
import {closeMidBody, serveBytes, sha256, stall, startServer, type Handler, type TestServer} from './support/http-server.js';
import {buildTar, modelArchive} from './support/tar-build.js';
import {signal} from './support/wait.js';

const run = promisify(execFile);
const FAST: DownloadSettings = {...DEFAULT_SETTINGS, retries: 2, retryBaseMs: 5, retryMaxMs: 20, idleTimeoutMs: 500, connectTimeoutMs: 1000, lockTimeoutMs: 10_000};
const TEXTLINE = 'PP-LCNet_x0_25_textline_ori';
const IMAGENET = 'PPLCNet_x0_25';
const PARAMS = Buffer.from(Array.from({length: 4096}, (_, i) => i % 251));
const ARCHIVE = modelArchive(`${TEXTLINE}_infer`, {'inference.json': '{}', 'inference.pdiparams': PARAMS, 'inference.yml': 'Global: {}\n'});
const P2_ARCHIVE = modelArchive(`${IMAGENET}_infer`, {'inference.pdmodel': 'prog', 'inference.pdiparams': PARAMS, 'inference.pdiparams.info': 'x'});

/** Stands in for convertPaddleDir: the "ONNX" is the pdiparams bytes, so tests can trace them. */
const fakeConvert: Converter = async (dir) => {
  const names = readdirSync(dir).sort();
  const paddle3 = names.includes('inference.json');
  return {
    onnx: new Uint8Array(await readFile(join(dir, 'inference.pdiparams'))),
    inputName: 'x',
    outputName: 'probs',
    inputSize: paddle3 ? [80, 160] : [224, 224],
    classCount: paddle3 ? 2 : 1000,
    preprocess: null,
    labels: paddle3 ? ['0_degree', '180_degree'] : null,
    format: paddle3 ? 'paddle3' : 'paddle2',
    outputIsProbability: true,
  };
};

/** Holds the answer until `open` settles: the download stays in flight until the test lets it go. */
function gated(open: Promise<unknown>, h: Handler): Handler {
  return (req, res, hit) => void open.then(() => h(req, res, hit));
}

describe('download: install flow', function () {
  this.timeout(15_000);
  let dir: string;
  let home: string;
  let server: TestServer | undefined;
  let cat: Catalogue;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lcnet-install-'));
    home = join(dir, 'home');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(dir, {recursive: true, force: true});
  });

  /** The real catalogue with the two test models pointed at the local server. */
  async function serve(routes: Record<string, Handler>): Promise<TestServer> {
    server = await startServer(routes);
    const real = loadCatalogue();
    const urls: Record<string, string> = {[TEXTLINE]: `${server.url}/${TEXTLINE}_infer.tar`, [IMAGENET]: `${server.url}/${IMAGENET}_infer.tar`};
    cat = {...real, models: real.models.map((m) => (urls[m.name] ? {...m, urls: [urls[m.name]!]} : m))};
    return server;
  }
  const opts = (extra: DownloadOptions = {}): DownloadOptions => ({name: TEXTLINE, home, env: {}, catalogue: cat, convert: fakeConvert, settings: FAST, ...extra});
  const storeEntries = () => (existsSync(join(home, 'models')) ? readdirSync(join(home, 'models')) : []);
  /** No scratch folders, lock files or temporary files anywhere in LCNET_HOME. */
  function assertClean(): void {
    for (const sub of ['tmp', 'locks']) {
      const p = join(home, sub);
      assert.deepEqual(existsSync(p) ? readdirSync(p) : [], [], `${sub} is not empty`);
    }
    assert.deepEqual(storeEntries().filter((n) => n.startsWith('.')), []);
    if (existsSync(home)) assert.deepEqual(readdirSync(home).filter((n) => n.endsWith('.tmp') || n.endsWith('.part')), []);
  }
  async function fails<T extends Error>(p: Promise<unknown>, type: new (...a: never[]) => T, pattern: RegExp): Promise<T> {
    try {
      await p;
    } catch (e) {
      assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
      assert.match(e.message, pattern);
      return e;
    }
    assert.fail('expected a failure');
  }

  it('downloads, converts and installs a catalogue model, recording its checksum', async () => {
    await serve({[`/${TEXTLINE}_infer.tar`]: serveBytes(ARCHIVE)});
    const progress: FetchProgress[] = [];
    const r = await downloadModel(opts({onProgress: (p) => progress.push(p)}));
    assert.equal(r.installed, true);
    assert.equal(r.dir, modelDir(TEXTLINE, home));
    assert.equal(progress.at(-1)!.received, ARCHIVE.length);
    assert.equal(progress.at(-1)!.total, ARCHIVE.length);
    const m = await readManifest(r.dir);
    assert.equal(m.name, TEXTLINE);
    assert.equal(m.task, 'textline-orientation');
    assert.deepEqual(m.source, {kind: 'paddle3', url: `${server!.url}/${TEXTLINE}_infer.tar`, archiveSha256: sha256(ARCHIVE)});
    assert.deepEqual(m.labels, ['0_degree', '180_degree']);
    assert.deepEqual(m.inputSize, [80, 160]);
    assert.deepEqual(m.preprocess.resize, {kind: 'stretch', width: 160, height: 80});
    assert.equal(m.synthetic, false);
    assert.deepEqual(readFileSync(join(r.dir, 'model.onnx')), PARAMS);
    assert.equal(m.onnxSha256, sha256Hex(PARAMS));
    assert.equal(r.archive?.checksum, 'recorded');
    const sums = JSON.parse(readFileSync(join(home, 'checksums.json'), 'utf8'));
    assert.equal(sums.archives[`${server!.url}/${TEXTLINE}_infer.tar`].sha256, sha256(ARCHIVE));
    assertClean();

    const again = await downloadModel(opts());
    assert.equal(again.installed, false);
    assert.match(again.notes[0]!, /already installed; use --force/);
    assert.equal(server!.hits(`/${TEXTLINE}_infer.tar`), 1);

    const forced = await downloadModel(opts({force: true}));
    assert.equal(forced.installed, true);
    assert.equal(forced.archive?.checksum, 'verified');
    assert.equal(server!.hits(`/${TEXTLINE}_infer.tar`), 2);
    assertClean();
  });

  it('finds catalogue names case-insensitively', async () => {
    await serve({[`/${TEXTLINE}_infer.tar`]: serveBytes(ARCHIVE)});
    const r = await downloadModel(opts({name: TEXTLINE.toLowerCase()}));
    assert.equal(r.name, TEXTLINE);
  });

  it('uses the ImageNet list and catalogue preprocessing for a Paddle 2 ImageNet model', async function () {
    if (!existsSync(IMAGENET_LABELS_FILE)) this.skip();
    await serve({[`/${IMAGENET}_infer.tar`]: serveBytes(P2_ARCHIVE)});
    const r = await downloadModel(opts({name: IMAGENET}));
    const m = r.manifest;
    assert.equal(m.source.kind, 'paddle2');
    assert.equal(m.task, 'imagenet-1k');
    assert.equal(m.labels.length, 1000);
    assert.equal(m.labels[0], 'tench, Tinca tinca');
    assert.deepEqual(m.preprocess, cat.models.find((e) => e.name === IMAGENET)!.preprocess);
  });

  it('rejects an archive whose checksum changed since it was recorded, leaving the store untouched', async () => {
    const changed = modelArchive(`${TEXTLINE}_infer`, {'inference.json': '{}', 'inference.pdiparams': Buffer.from('tampered'), 'inference.yml': ''});
    let body = ARCHIVE;
    await serve({[`/${TEXTLINE}_infer.tar`]: (req, res, hit) => serveBytes(body)(req, res, hit)});
    await downloadModel(opts());
    const before = {onnx: readFileSync(join(modelDir(TEXTLINE, home), 'model.onnx')), manifest: readFileSync(join(modelDir(TEXTLINE, home), 'model.json')), sums: readFileSync(join(home, 'checksums.json'))};
    body = changed;
    const e = await fails(downloadModel(opts({force: true})), DownloadError, new RegExp(`sha256 of .* is ${sha256(changed)}, expected ${sha256(ARCHIVE)} from the checksum recorded`));
    assert.equal(e.kind, 'checksum');
    assert.deepEqual(readFileSync(join(modelDir(TEXTLINE, home), 'model.onnx')), before.onnx);
    assert.deepEqual(readFileSync(join(modelDir(TEXTLINE, home), 'model.json')), before.manifest);
    assert.deepEqual(readFileSync(join(home, 'checksums.json')), before.sums);
    assertClean();

    const pinned = await downloadModel(opts({force: true, sha256: sha256(changed).toUpperCase()}));
    assert.equal(pinned.archive?.checksum, 'pinned');
    assert.equal(JSON.parse(readFileSync(join(home, 'checksums.json'), 'utf8')).archives[`${server!.url}/${TEXTLINE}_infer.tar`].sha256, sha256(changed));
  });

  it('rejects a wrong --sha256 before installing anything', async () => {
    await serve({[`/${TEXTLINE}_infer.tar`]: serveBytes(ARCHIVE)});
    await fails(downloadModel(opts({sha256: 'f'.repeat(64)})), DownloadError, /expected f{64} from the --sha256 you gave; nothing was installed/);
    assert.deepEqual(storeEntries(), []);
    assert.equal(existsSync(join(home, 'checksums.json')), false);
    assertClean();
    await fails(downloadModel(opts({sha256: 'abc'})), UsageError, /64 hexadecimal digits/);
  });

  it('refuses hostile archives and writes nothing outside the store', async () => {
    const evil: Record<string, Buffer> = {
      dotdot: buildTar([{name: `${TEXTLINE}_infer/inference.json`, data: '{}'}, {name: `${TEXTLINE}_infer/../../../evil`, data: 'owned'}]),
      symlink: buildTar([{name: `${TEXTLINE}_infer/inference.pdiparams`, type: '2', linkname: '../../../evil'}]),
      absolute: buildTar([{name: join(dir, 'evil'), data: 'owned'}]),
    };
    await serve(Object.fromEntries(Object.entries(evil).map(([k, v]) => [`/${k}.tar`, serveBytes(v)])));
    for (const [kind, pattern] of [['dotdot', /'\.\.' component/], ['symlink', /is a symbolic link/], ['absolute', /absolute path/]] as const) {
      const e = await fails(downloadModel(opts({from: `${server!.url}/${kind}.tar`, name: TEXTLINE})), TarError, pattern);
      assert.match(describeFailure(e, TEXTLINE).message, /cannot unpack model .*nothing was installed/);
      assert.deepEqual(storeEntries(), []);
      assertClean();
    }
    assert.deepEqual(readdirSync(dir), ['home']);
    assert.equal(existsSync(join(tmpdir(), 'evil')), false);
  });

  it('enforces the download size cap and the extraction budget', async () => {
    await serve({[`/${TEXTLINE}_infer.tar`]: serveBytes(ARCHIVE)});
    await fails(downloadModel(opts({settings: {...FAST, maxDownloadBytes: 1000}})), DownloadError, /more than the 1000-byte limit/);
    await fails(downloadModel(opts({settings: {...FAST, maxExtractBytes: 1000}})), TarError, /over the 1000-byte limit/);
    assert.deepEqual(storeEntries(), []);
    assertClean();
  });

  it('fails clearly on 404 and reports an unreachable host with the --from advice', async () => {
    await serve({});
    const e = await fails(downloadModel(opts()), DownloadError, /does not exist \(HTTP 404/);
    assert.equal(server!.hits(`/${TEXTLINE}_infer.tar`), 1);
    assert.deepEqual(exitCodeOf(describeFailure(e, TEXTLINE)), 3);
    assert.doesNotMatch(describeFailure(e, TEXTLINE).message, /--from/);
    await server!.close();
    server = undefined;
    const down = await fails(downloadModel(opts({settings: {...FAST, retries: 1}})), DownloadError, /ECONNREFUSED/);
    const f = describeFailure(down, TEXTLINE);
    assert.equal(exitCodeOf(f), 3);
    assert.match(f.message, new RegExp(`lcnet download ${TEXTLINE} --from DIR\\|FILE\\|URL`));
    assertClean();
  });

  it('retries a body cut short and installs the complete archive', async () => {
    await serve({[`/${TEXTLINE}_infer.tar`]: (req, res, hit) => (hit === 1 ? closeMidBody(ARCHIVE, 3000) : serveBytes(ARCHIVE))(req, res, hit)});
    const r = await downloadModel(opts());
    assert.equal(r.archive?.sha256, sha256(ARCHIVE));
    assert.equal(server!.hits(`/${TEXTLINE}_infer.tar`), 2);
  });

  it('fails when every attempt is cut short, leaving the store untouched', async () => {
    await serve({[`/${TEXTLINE}_infer.tar`]: closeMidBody(ARCHIVE, 3000)});
    const e = await fails(downloadModel(opts()), DownloadError, /after 3000 of \d+ bytes \(gave up after 3 attempts\)/);
    assert.equal(e.kind, 'truncated');
    assert.deepEqual(storeEntries(), []);
    assert.equal(existsSync(join(home, 'checksums.json')), false);
    assertClean();
  });

  it('lets two concurrent installs of one model download once (same process)', async () => {
    // the archive is sent once the second install waits for the first one's lock
    const waiting = signal();
    await serve({[`/${TEXTLINE}_infer.tar`]: gated(waiting.promise, serveBytes(ARCHIVE))});
    const onStatus = (s: string) => void (s.startsWith('waiting for') && waiting.fire());
    const [a, b] = await Promise.all([downloadModel(opts({onStatus})), downloadModel(opts({onStatus}))]);
    assert.deepEqual([a.installed, b.installed].sort(), [false, true]);
    assert.match((a.installed ? b : a).notes[0]!, /installed by another process meanwhile/);
    assert.equal(server!.hits(`/${TEXTLINE}_infer.tar`), 1);
    assert.deepEqual(readFileSync(join(modelDir(TEXTLINE, home), 'model.onnx')), PARAMS);
    assertClean();
  });

  it('lets two concurrent installs of one model download once (two processes)', async () => {
    const waiting = signal();
    await serve({[`/${TEXTLINE}_infer.tar`]: gated(waiting.promise, serveBytes(ARCHIVE))});
    const catFile = join(dir, 'catalogue.json');
    writeFileSync(catFile, JSON.stringify(cat));
    const install = new URL('../src/models/download/install.js', import.meta.url).href;
    const script = `
      import {readFile} from 'node:fs/promises';
      const {downloadModel} = await import(${JSON.stringify(install)});
      const convert = async (d) => ({onnx: new Uint8Array(await readFile(d + '/inference.pdiparams')), inputName: 'x', outputName: 'probs',
        inputSize: [80, 160], classCount: 2, preprocess: null, labels: ['a', 'b'], format: 'paddle3', outputIsProbability: true});
      const onStatus = (s) => process.stderr.write(s + '\\n');
      const r = await downloadModel({name: ${JSON.stringify(TEXTLINE)}, home: process.argv[1], env: {LCNET_CATALOGUE: process.argv[2]}, convert, onStatus});
      process.stdout.write(JSON.stringify({installed: r.installed}));`;
    const child = () => {
      const p = run(process.execPath, ['--input-type=module', '-e', script, home, catFile], {env: {PATH: process.env.PATH}});
      let told = '';
      p.child.stderr!.on('data', (d: Buffer | string) => void ((told += String(d)).includes('waiting for') && waiting.fire()));
      return p;
    };
    const outs = await Promise.all([child(), child()]);
    const installed = outs.map((o) => (JSON.parse(o.stdout) as {installed: boolean}).installed).sort();
    assert.deepEqual(installed, [false, true]);
    assert.equal(server!.hits(`/${TEXTLINE}_infer.tar`), 1);
    const m = await readManifest(modelDir(TEXTLINE, home));
    assert.equal(m.onnxSha256, sha256Hex(readFileSync(join(modelDir(TEXTLINE, home), 'model.onnx'))));
    assertClean();
  });

  it('leaves nothing behind when a download is interrupted, and a retry then succeeds', async () => {
    await serve({[`/${TEXTLINE}_infer.tar`]: (req, res, hit) => (hit === 1 ? stall(ARCHIVE, 2000) : serveBytes(ARCHIVE))(req, res, hit)});
    const ac = new AbortController();
    const aborted = downloadModel(opts({signal: ac.signal, onProgress: (p) => p.received > 0 && ac.abort()}));
    const e = await fails(aborted, DownloadError, /cancelled/);
    assert.equal(exitCodeOf(describeFailure(e, TEXTLINE)), 130);
    assert.deepEqual(storeEntries(), []);
    assertClean();
    const r = await downloadModel(opts());
    assert.equal(r.installed, true);
  });

  it('recovers from a crashed install: stale lock and scratch folder of a dead process', async () => {
    await serve({[`/${TEXTLINE}_infer.tar`]: serveBytes(ARCHIVE)});
    const dead = Number((await run(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])).stdout);
    mkdirSync(join(home, 'locks'), {recursive: true});
    writeFileSync(join(home, 'locks', `model.${TEXTLINE}.lock`), JSON.stringify({pid: dead, host: hostname(), pidns: pidNamespace(), bootId: bootId(), createdAt: new Date().toISOString(), token: 't'}));
    const scratch = join(home, 'tmp', `${TEXTLINE}-${dead}-AbC123`);
    mkdirSync(scratch, {recursive: true});
    writeFileSync(join(scratch, '.archive.1234.part'), ARCHIVE.subarray(0, 100));
    const other = join(home, 'tmp', `${TEXTLINE}_x-${dead}-AbC123`);
    mkdirSync(other);
    const r = await downloadModel(opts());
    assert.equal(r.installed, true);
    assert.deepEqual(readdirSync(join(home, 'tmp')), [`${TEXTLINE}_x-${dead}-AbC123`]);
    assert.deepEqual(readdirSync(join(home, 'locks')), []);
  });

  describe('--from', () => {
    function modelFolder(parent: string, files: Record<string, string | Buffer>): string {
      mkdirSync(parent, {recursive: true});
      for (const [n, d] of Object.entries(files)) writeFileSync(join(parent, n), d);
      return parent;
    }
    const files = {'inference.json': '{}', 'inference.pdiparams': PARAMS, 'inference.yml': ''};

    it('installs an extracted folder, or a folder holding the official top folder', async () => {
      cat = loadCatalogue();
      const flat = modelFolder(join(dir, 'flat'), files);
      const r = await downloadModel(opts({name: undefined, from: flat, installName: 'mine'}));
      assert.equal(r.name, 'mine');
      assert.equal(r.manifest.task, 'custom');
      assert.deepEqual(r.manifest.source, {kind: 'paddle3', from: flat});
      const nested = join(dir, 'nested');
      modelFolder(join(nested, `${TEXTLINE}_infer`), files);
      const n = await downloadModel(opts({name: TEXTLINE, from: nested}));
      assert.equal(n.name, TEXTLINE);
      assert.equal(n.manifest.task, 'textline-orientation');
      assert.equal(n.archive, undefined);
      await fails(downloadModel(opts({name: undefined, from: join(dir, 'home'), installName: 'x'})), UsageError, /no Paddle inference model/);
      await fails(downloadModel(opts({name: undefined, from: join(dir, 'nope')})), UsageError, /no such file or folder/);
      await fails(downloadModel(opts({from: flat, sha256: 'a'.repeat(64), force: true})), UsageError, /not a folder/);
    });

    it('installs a local .tar or .tar.gz, naming the model after the archive', async () => {
      cat = loadCatalogue();
      const tar = join(dir, `${TEXTLINE}_infer.tar`);
      writeFileSync(tar, ARCHIVE);
      const r = await downloadModel(opts({name: undefined, from: tar}));
      assert.equal(r.name, TEXTLINE);
      assert.equal(r.manifest.task, 'textline-orientation');
      assert.deepEqual(r.manifest.source, {kind: 'paddle3', from: tar, archiveSha256: sha256(ARCHIVE)});
      assert.equal(r.archive?.checksum, 'unchecked');
      const tgz = join(dir, 'other.tgz');
      writeFileSync(tgz, gzipSync(ARCHIVE));
      const g = await downloadModel(opts({name: undefined, from: tgz, sha256: sha256(gzipSync(ARCHIVE))}));
      assert.equal(g.name, 'other');
      assert.equal(g.archive?.checksum, 'pinned');
      await fails(downloadModel(opts({name: undefined, from: tgz, installName: 'other2', sha256: 'b'.repeat(64)})), DownloadError, /--sha256 you gave/);
      assert.equal(isInstalled('other2', home), false);
      assert.equal(existsSync(tar), true);
      assertClean();
    });

    it('installs from another URL (http and file), recording its checksum', async () => {
      await serve({'/mirror/model.tar': serveBytes(ARCHIVE)});
      const r = await downloadModel(opts({from: `${server!.url}/mirror/model.tar`}));
      assert.equal(r.name, TEXTLINE);
      assert.equal(r.manifest.source.url, `${server!.url}/mirror/model.tar`);
      assert.equal(JSON.parse(readFileSync(join(home, 'checksums.json'), 'utf8')).archives[`${server!.url}/mirror/model.tar`].sha256, sha256(ARCHIVE));
      const file = join(dir, 'copy.tar');
      writeFileSync(file, ARCHIVE);
      const f = await downloadModel(opts({name: undefined, from: pathToFileURL(file).href}));
      assert.equal(f.name, 'copy');
      assert.equal(f.manifest.source.from, file);
      assertClean();
    });

    it('installs an ONNX model converted elsewhere, with --labels and --name', async () => {
      cat = loadCatalogue();
      const onnx = buildLCNet({config: imagenetConfig(0.25, 3, [64, 96])}).bytes;
      const file = join(dir, 'net.onnx');
      writeFileSync(file, onnx);
      const labels = join(dir, 'labels.txt');
      writeFileSync(labels, '2 cherry\n0 apple\n1 banana\n');
      const r = await downloadModel(opts({name: undefined, from: file, labels, installName: 'fruit'}));
      const m = r.manifest;
      assert.equal(m.name, 'fruit');
      assert.deepEqual(m.labels, ['apple', 'banana', 'cherry']);
      assert.deepEqual(m.inputSize, [64, 96]);
      assert.deepEqual(m.preprocess.resize, {kind: 'stretch', width: 96, height: 64});
      assert.deepEqual(m.source, {kind: 'onnx', from: file, archiveSha256: sha256(onnx)});
      assert.equal(m.outputIsProbability, true);
      assert.match(r.notes.join('\n'), /assuming a stretch to 96x64/);
      assert.deepEqual(readFileSync(join(r.dir, 'model.onnx')), Buffer.from(onnx));
      writeFileSync(labels, 'a\nb\n');
      await fails(downloadModel(opts({name: undefined, from: file, labels, installName: 'fruit2'})), UsageError, /has 3 classes but .*labels\.txt names 2/);
      await fails(downloadModel(opts({name: undefined, from: file, installName: 'fruit3'})), UsageError, /carries no class names \(3 classes\); pass a label file with labels/);
      assert.deepEqual(storeEntries(), ['fruit']);
    });
  });

  describe('ensureModel', () => {
    it('returns an installed model at once, and refuses unknown names', async () => {
      await serve({[`/${TEXTLINE}_infer.tar`]: serveBytes(ARCHIVE)});
      await downloadModel(opts());
      assert.equal(await ensureModel(TEXTLINE, {home, env: {}}), modelDir(TEXTLINE, home));
      await fails(ensureModel('NoSuchModel', {home, env: {}}), UsageError, /not installed and not in the catalogue/);
    });

    it('turns an unreachable host into the offline message naming lcnet download --from', async () => {
      const catFile = join(dir, 'catalogue.json');
      const real = loadCatalogue();
      writeFileSync(catFile, JSON.stringify({...real, models: real.models.map((m) => ({...m, urls: ['http://127.0.0.1:9/x.tar']}))}));
      const env = {LCNET_CATALOGUE: catFile, LCNET_DOWNLOAD_RETRIES: '0'};
      await fails(ensureModel(TEXTLINE, {home, env}), FatalError, new RegExp(`cannot download model ${TEXTLINE}: .*\\n  lcnet download ${TEXTLINE} --from DIR\\|FILE\\|URL`));
      assertClean();
    });

    it('downloads and converts the real text-line model on first use', async function () {
      const shared = requireShared(this, 'models/paddle/PP-LCNet_x0_25_textline_ori');
      const folder = join(dir, `${TEXTLINE}_infer`);
      cpSync(shared, folder, {recursive: true});
      const tar = buildTar(readdirSync(folder).map((n) => ({name: `${TEXTLINE}_infer/${n}`, data: readFileSync(join(folder, n))})));
      await serve({[`/${TEXTLINE}_infer.tar`]: serveBytes(tar)});
      const catFile = join(dir, 'catalogue.json');
      writeFileSync(catFile, JSON.stringify(cat));
      const seen: FetchProgress[] = [];
      const modelPath = await ensureModel(TEXTLINE, {home, env: {LCNET_CATALOGUE: catFile}, onProgress: (p) => seen.push(p)});
      const m = await readManifest(modelPath);
      assert.equal(m.source.kind, 'paddle3');
      assert.deepEqual(m.labels, ['0_degree', '180_degree']);
      assert.deepEqual(m.inputSize, [80, 160]);
      assert.equal(seen.at(-1)!.received, tar.length);
      assertClean();
    });
  });
});
