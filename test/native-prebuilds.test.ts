/**
 * The prebuilt JPEG addons (prebuilds/linux-x64 and linux-arm64, built by native/jpeg/build.sh):
 * both are committed, both are built from the C sources as they are now, both load on glibc 2.17
 * (the manylinux2014 baseline: CentOS 7, Amazon Linux 2, Ubuntu 20.04 and every later system);
 * and where no addon loads, a run says so once and gives the same records through sharp.
 */

import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {glibcVersion, neededVersions} from './support/elf-versions.js';
import {runCli, tempDir} from './support/cli.js';
import {ROOT, skipWithoutShared, VAL_SAMPLE_DIR} from './support/shared-data.js';

/** The oldest glibc each prebuilt addon must load on (manylinux2014: CentOS 7's 2.17; aarch64's first glibc). */
const BASELINE = [2, 17];
const PLATFORMS = ['linux-x64', 'linux-arm64'] as const;
const SOURCES = ['native/jpeg/jpeg_decode.c', 'native/resize_linear.c', 'native/read_ahead.c', 'native/jpeg/libjpeg_stderr.c', 'native/read_ahead.h'];

const prebuild = (platform: string) => join(ROOT, 'prebuilds', platform, 'lcnet-jpeg.node');

function newerThan(v: number[], base: number[]): boolean {
  for (let i = 0; i < Math.max(v.length, base.length); i++) {
    const a = v[i] ?? 0;
    const b = base[i] ?? 0;
    if (a !== b) return a > b;
  }
  return false;
}

describe('the prebuilt native addons', () => {
  for (const platform of PLATFORMS) {
    it(`${platform}: is committed and built from the C sources as they are now (native/jpeg/build.sh ${platform})`, function () {
      const file = prebuild(platform);
      assert.ok(existsSync(file), `${file} is missing: run bash native/jpeg/build.sh ${platform}`);
      // build.sh compiles the sources' digest in as a string; a stripped binary keeps its strings
      const digest = createHash('sha256').update(Buffer.concat(SOURCES.map((f) => readFileSync(join(ROOT, f))))).digest('hex').slice(0, 16);
      assert.ok(readFileSync(file).includes(Buffer.from(`${digest}\0`)), `${file} is older than its sources (digest ${digest} not in it): run bash native/jpeg/build.sh ${platform}`);
    });

    it(`${platform}: needs no glibc symbol version newer than 2.17 and no library but glibc`, function () {
      const file = prebuild(platform);
      if (!existsSync(file)) this.skip();
      const needed = neededVersions(file);
      assert.ok((needed.get('libc.so.6') ?? []).length > 0, `no versions needed from libc.so.6: ${JSON.stringify([...needed])}`);
      const tooNew = [...needed].flatMap(([lib, names]) =>
        names.filter((name) => {
          const v = glibcVersion(name);
          return v !== null && newerThan(v, BASELINE);
        }).map((name) => `${name} (${lib})`),
      );
      assert.deepEqual(tooNew, [], `needs ${tooNew.join(', ')}`);
      // nothing but glibc (libc and the dynamic loader): libjpeg is linked in
      assert.deepEqual([...needed.keys()].filter((lib) => lib !== 'libc.so.6' && !lib.startsWith('ld-linux')), []);
    });
  }

  it('reads the versions the ELF file really names (objdump -T agrees)', function () {
    const libc = neededVersions(prebuild('linux-x64')).get('libc.so.6')!;
    // the addon calls clock_gettime (GLIBC_2.17 on x86-64) and memcpy (GLIBC_2.14)
    for (const v of ['GLIBC_2.2.5', 'GLIBC_2.14', 'GLIBC_2.17']) assert.ok(libc.includes(v), `${v} in ${libc.join(', ')}`);
    // aarch64 starts at 2.17: every symbol has that version
    assert.deepEqual(neededVersions(prebuild('linux-arm64')).get('libc.so.6'), ['GLIBC_2.17']);
    assert.ok(newerThan([2, 33], BASELINE) && !newerThan([2, 17], BASELINE) && newerThan([2, 17, 1], BASELINE) && !newerThan([2, 2, 5], BASELINE));
  });

  describe('where no addon loads', function () {
    this.timeout(120_000);
    let copy: string;
    let images: string;
    before(function () {
      skipWithoutShared(this, VAL_SAMPLE_DIR);
      // a copy of the package whose addon for this platform is damaged: dist is copied (a symlink
      // would resolve back to this checkout's prebuilds), the dependencies are shared
      copy = tempDir('lcnet-noaddon-');
      for (const entry of ['bin', 'dist', 'models', 'native', 'package.json', 'oclif.manifest.json']) cpSync(join(ROOT, entry), join(copy, entry), {recursive: true});
      symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
      const own = join(copy, 'prebuilds', `${process.platform}-${process.arch}`);
      mkdirSync(own, {recursive: true});
      writeFileSync(join(own, 'lcnet-jpeg.node'), 'not a shared object');
      images = join(copy, 'images');
      mkdirSync(images);
      for (const n of ['ILSVRC2012_val_00000001.JPEG', 'ILSVRC2012_val_00000002.JPEG']) cpSync(join(VAL_SAMPLE_DIR, n), join(images, n));
    });
    after(() => {
      if (copy) rmSync(copy, {recursive: true, force: true});
    });

    it('classify says once on stderr why and that JPEGs take the slower path, and gives the same records', async () => {
      const args = ['classify', images, '-m', 'synthetic:PPLCNet_x0_25', '--no-progress'];
      const fallback = await runCli(args, {bin: join(copy, 'bin', 'run.js')});
      assert.equal(fallback.code, 0, fallback.stderr);
      const notes = fallback.stderr.split('\n').filter((l) => l.includes('decoded by sharp'));
      assert.equal(notes.length, 1, fallback.stderr);
      assert.match(notes[0]!, /^note: JPEGs are decoded by sharp, not by lcnet's libjpeg-turbo decoder \(no prebuilt native addon loads on .*\): the same predictions/);
      const native = await runCli(args);
      assert.equal(native.code, 0, native.stderr);
      assert.doesNotMatch(native.stderr, /decoded by sharp/);
      const records = (out: string) => out.trim().split('\n').map((l) => (JSON.parse(l) as {predictions: unknown}).predictions);
      assert.deepEqual(records(fallback.stdout), records(native.stdout));
      // asking for sharp is no surprise to be told about
      const asked = await runCli(args, {env: {LCNET_JPEG_DECODER: 'sharp'}});
      assert.doesNotMatch(asked.stderr, /decoded by sharp/);
    });

    it('eval says it once too', async () => {
      writeFileSync(join(images, 'val.txt'), 'ILSVRC2012_val_00000001.JPEG 65\nILSVRC2012_val_00000002.JPEG 970\n');
      const r = await runCli(['eval', '--imagenet-val', images, '-m', 'synthetic:PPLCNet_x0_25', '--no-progress'], {bin: join(copy, 'bin', 'run.js')});
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr.split('\n').filter((l) => l.includes('decoded by sharp')).length, 1, r.stderr);
    });
  });
});
