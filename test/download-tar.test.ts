import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {open} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gunzipSync, gzipSync} from 'node:zlib';
import {gunzipFile, isGzip} from '../src/models/download/gunzip.js';
import {extractModelArchive, readTarEntries, safeEntryPath, TarError, type TarEntry} from '../src/models/download/tar.js';
import {buildTar, modelArchive} from './support/tar-build.js';

const FILES = {'inference.json': '{"program": 1}', 'inference.pdiparams': Buffer.alloc(3000, 7), 'inference.yml': 'Global: {}\n'};

function hasGnuTar(): boolean {
  try {
    return /GNU tar/.test(execFileSync('tar', ['--version'], {encoding: 'utf8'}));
  } catch {
    return false;
  }
}

describe('download: tar extraction', () => {
  let dir: string;
  let out: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lcnet-tar-'));
    out = join(dir, 'store', 'staging');
    mkdirSync(out, {recursive: true});
  });
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  const write = (name: string, bytes: Buffer) => {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    return p;
  };
  async function entries(path: string): Promise<TarEntry[]> {
    const fh = await open(path, 'r');
    try {
      const list: TarEntry[] = [];
      for await (const e of readTarEntries(fh, (await fh.stat()).size)) list.push(e);
      return list;
    } finally {
      await fh.close();
    }
  }
  let attempts = 0;
  async function refused(archive: Buffer, pattern: RegExp): Promise<void> {
    const p = write('evil.tar', archive);
    const staging = join(dir, 'store', `staging-${++attempts}`);
    mkdirSync(staging);
    await assert.rejects(extractModelArchive(p, staging, {maxBytes: 1 << 20}), (e: unknown) => {
      assert.ok(e instanceof TarError, String(e));
      assert.match(e.message, pattern);
      return true;
    });
    assert.deepEqual(readdirSync(dir).sort(), ['evil.tar', 'store']);
    assert.ok(readdirSync(join(dir, 'store')).every((n) => n.startsWith('staging')));
  }

  it('extracts the official layout, flattening the top folder and skipping other files', async () => {
    const p = write('m.tar', buildTar([
      {name: 'PPLCNet_x0_25_infer/', type: '5'},
      {name: 'PPLCNet_x0_25_infer/inference.pdmodel', data: 'prog'},
      {name: 'PPLCNet_x0_25_infer/inference.pdiparams', data: Buffer.alloc(1025, 1)},
      {name: 'PPLCNet_x0_25_infer/inference.pdiparams.info', data: 'pickle'},
      {name: 'PPLCNet_x0_25_infer/deeper/inference.yml', data: 'ignored'},
    ]));
    const r = await extractModelArchive(p, out, {maxBytes: 1 << 20});
    assert.equal(r.folder, 'PPLCNet_x0_25_infer');
    assert.deepEqual(r.files.sort(), ['inference.pdiparams', 'inference.pdmodel']);
    assert.deepEqual(readdirSync(out).sort(), ['inference.pdiparams', 'inference.pdmodel']);
    assert.deepEqual(readFileSync(join(out, 'inference.pdiparams')), Buffer.alloc(1025, 1));
  });

  it('accepts files at the archive root and ./ prefixes', async () => {
    const p = write('m.tar', buildTar([{name: './inference.json', data: 'a'}, {name: './inference.pdiparams', data: 'b'}]));
    const r = await extractModelArchive(p, out, {maxBytes: 100});
    assert.equal(r.folder, '');
    assert.equal(readFileSync(join(out, 'inference.json'), 'utf8'), 'a');
  });

  it('reads pax and GNU long names', async () => {
    const long = `${'d'.repeat(120)}/inference.json`;
    for (const longName of ['pax', 'gnu'] as const) {
      const p = write(`${longName}.tar`, buildTar([{name: long, data: 'x', longName}, {name: 'short', data: 'y'}]));
      const list = await entries(p);
      assert.deepEqual(list.map((e) => [e.path, e.type, e.size]), [[long, 'file', 1], ['short', 'file', 1]]);
    }
  });

  it('reads archives written by GNU tar in gnu, pax and ustar formats', async function () {
    if (!hasGnuTar()) this.skip();
    const folder = `${'long-folder-name-'.repeat(5)}PPLCNet_x0_25_infer`.slice(-99);
    const src = join(dir, 'src', folder);
    mkdirSync(src, {recursive: true});
    for (const [n, d] of Object.entries(FILES)) writeFileSync(join(src, n), d);
    for (const format of ['gnu', 'pax', 'ustar']) {
      const p = join(dir, `${format}.tar`);
      execFileSync('tar', [`--format=${format}`, '-C', join(dir, 'src'), '-cf', p, folder]);
      const target = join(dir, `out-${format}`);
      mkdirSync(target);
      const r = await extractModelArchive(p, target, {maxBytes: 1 << 20});
      assert.equal(r.folder, folder, format);
      assert.deepEqual(r.files.sort(), ['inference.json', 'inference.pdiparams', 'inference.yml'], format);
      assert.deepEqual(readFileSync(join(target, 'inference.pdiparams')), FILES['inference.pdiparams']);
    }
  });

  it('refuses ../ components', async () => {
    await refused(buildTar([{name: 'PPLCNet_x0_25_infer/../../evil', data: 'x'}]), /entry 'PPLCNet_x0_25_infer\/\.\.\/\.\.\/evil' has a '\.\.' component/);
    await refused(buildTar([{name: '../evil/inference.json', data: 'x'}]), /'\.\.\/evil\/inference\.json'/);
  });

  it('refuses absolute paths', async () => {
    await refused(buildTar([{name: '/tmp/evil/inference.json', data: 'x'}]), /entry '\/tmp\/evil\/inference\.json' has an absolute path/);
    await refused(buildTar([{name: 'C:\\evil', data: 'x'}]), /absolute path/);
  });

  it('refuses symbolic and hard links even when they come after good files', async () => {
    const good = buildTar([{name: 'm/inference.json', data: 'a'}], false);
    const link = buildTar([{name: 'm/inference.pdiparams', type: '2', linkname: '/etc/passwd'}]);
    await refused(Buffer.concat([good, link]), /entry 'm\/inference\.pdiparams' is a symbolic link \(to '\/etc\/passwd'\)/);
    await refused(buildTar([{name: 'm/x', type: '1', linkname: 'm/inference.json'}]), /is a hard link/);
  });

  it('refuses devices, FIFOs and unknown entry types', async () => {
    await refused(buildTar([{name: 'dev/null', type: '3'}]), /'dev\/null' is a character device/);
    await refused(buildTar([{name: 'fifo', type: '6'}]), /'fifo' is a FIFO/);
    await refused(buildTar([{name: 'sparse', type: 'S'}]), /'sparse' has unsupported type 'S'/);
  });

  it('enforces the per-entry and total size budget', async () => {
    const big = buildTar([{name: 'm/inference.pdiparams', data: Buffer.alloc(2 << 20)}]);
    await refused(big, /'m\/inference\.pdiparams' is 2097152 bytes, over the 1048576-byte limit/);
    const many = buildTar(Array.from({length: 3}, (_, i) => ({name: `m/junk${i}`, data: Buffer.alloc(400_000)})));
    await refused(many, /archive content exceeds the 1048576-byte limit at entry 'm\/junk2'/);
  });

  it('refuses model files spread over two folders and duplicated entries', async () => {
    await refused(buildTar([{name: 'a/inference.json', data: 'x'}, {name: 'b/inference.pdiparams', data: 'y'}]), /more than one folder \('a' and 'b'\)/);
    await refused(buildTar([{name: 'a/inference.json', data: 'x'}, {name: 'a/inference.json', data: 'y'}]), /appears twice/);
  });

  it('rejects truncated archives, bad checksums and non-tar files', async () => {
    const good = modelArchive('m', FILES);
    await refused(good.subarray(0, 1700), /truncated/);
    const bad = Buffer.from(good);
    bad[600] = bad[600]! ^ 0xff;
    await refused(bad, /bad header checksum at byte 512/);
    await refused(Buffer.from('<html>not found</html>'), /not a tar archive/);
  });

  it('checks entry names', () => {
    assert.equal(safeEntryPath('./a//b/'), 'a/b');
    assert.equal(safeEntryPath('./'), '');
    assert.throws(() => safeEntryPath('a/../b'), /'\.\.' component/);
    assert.throws(() => safeEntryPath('a\\..\\b'), /'\.\.' component/);
    assert.throws(() => safeEntryPath('/a'), /absolute/);
  });

  it('recognises and inflates gzip archives under a cap', async () => {
    const tar = modelArchive('m', FILES);
    const gz = write('m.tar.gz', gzipSync(tar));
    assert.equal(await isGzip(gz), true);
    assert.equal(await isGzip(write('m.tar', tar)), false);
    await gunzipFile(gz, join(dir, 'inflated.tar'), 1 << 20);
    assert.deepEqual(readFileSync(join(dir, 'inflated.tar')), gunzipSync(readFileSync(gz)));
    await assert.rejects(gunzipFile(gz, join(dir, 'capped.tar'), 1000), /inflates to more than 1000 bytes/);
    assert.equal(existsSync(join(dir, 'capped.tar')), false);
  });
});
