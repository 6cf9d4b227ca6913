/**
 * The package users install: `npm pack` holds what lcnet needs to run and nothing else, and the
 * tarball installed by npm in a temporary folder, without the network, runs `lcnet --version`
 * and classifies images with the files it carries (the JPEG addon, the WebAssembly resampler, the
 * label lists, the oclif manifest), far from this checkout.
 */

import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import {cliEnv, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';
import {installOffline, packProject, writeAppDependingOn, type PackedTarball} from './support/npm-package.js';
import {ROOT, VAL_SAMPLE_DIR} from './support/shared-data.js';

/** Every file under `dir` (relative to ROOT). */
function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), {recursive: true, withFileTypes: true})
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

describe('the npm package (pack, install offline, run)', function () {
  this.timeout(300_000);
  let work: string;
  let tarball: PackedTarball;

  before(function () {
    work = tempDir('lcnet-pack-');
    tarball = packProject(work);
  });
  after(() => rmSync(work, {recursive: true, force: true}));

  it('is named pplcnet, the name README installs, and keeps the command lcnet', () => {
    assert.equal(tarball.name, 'pplcnet');
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    assert.deepEqual(
      [...readme.matchAll(/npm install -g (\S+)/g)].map((m) => m[1]),
      [tarball.name],
    );
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {bin: Record<string, string>; oclif: {bin: string}};
    assert.deepEqual(Object.keys(pkg.bin), ['lcnet']);
    assert.equal(pkg.oclif.bin, 'lcnet');
  });

  it('holds the built code, models, prebuilt addon, WebAssembly resampler and oclif manifest, and nothing else', () => {
    for (const needed of [
      'bin/run.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/commands/classify.js',
      'models/catalogue.json',
      'models/labels/imagenet1k.txt',
      'native/resize_linear.wasm',
      'prebuilds/linux-x64/lcnet-jpeg.node',
      'oclif.manifest.json',
      'package.json',
      'README.md',
    ])
      assert.ok(tarball.files.includes(needed), `the package lacks ${needed}`);
    // exactly: the build of src (no tests, no TypeScript sources), every model file and
    // prebuild, and the few single files; no native sources, benchmarks, docs or CI scripts
    const expected = [
      ...filesUnder('bin'),
      ...filesUnder('dist/src'),
      ...filesUnder('models'),
      ...filesUnder('prebuilds'),
      'native/resize_linear.wasm',
      'oclif.manifest.json',
      'package.json',
      'README.md',
    ];
    assert.deepEqual([...tarball.files].sort(), expected.sort());
  });

  it('installs with npm from its cache alone, then runs lcnet --version and a synthetic classify', async function () {
    const app = join(work, 'app');
    mkdirSync(app);
    writeAppDependingOn(app, tarball);
    const install = installOffline(app);
    if (install.status !== 0 && /ENOTCACHED/.test(install.stderr)) {
      console.log(`      (skipped: npm's cache lacks a dependency's tarball; \`npm ci\` in the checkout fills it)\n${install.stderr}`);
      this.skip();
    }
    assert.equal(install.status, 0, install.stdout + install.stderr);
    const installed = join(app, 'node_modules', tarball.name);
    assert.ok(existsSync(join(installed, 'prebuilds', 'linux-x64', 'lcnet-jpeg.node')));

    const lcnet = join(app, 'node_modules', '.bin', 'lcnet');
    const home = join(work, 'home');
    // the node running the tests runs the installed command too (its shebang asks env for node)
    const env = cliEnv(home, {PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`});
    const version = spawnSync(lcnet, ['--version'], {cwd: app, env, encoding: 'utf8'});
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, new RegExp(`^${tarball.name}/${tarball.version.replace(/\./g, '\\.')} ${process.platform}-${process.arch} node-v`));
    // oclif's plugins are found where npm put them: help, and did-you-mean for a misspelt command
    const help = spawnSync(lcnet, ['help', 'classify'], {cwd: app, env, encoding: 'utf8'});
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /\$ lcnet classify \[PATHS\.\.\.\]/);
    const typo = spawnSync(lcnet, ['classfy', 'photos'], {cwd: app, env, encoding: 'utf8'});
    assert.equal(typo.status, 2, typo.stderr);
    assert.match(typo.stderr, /Did you mean classify\?/);

    // a JPEG (the shared val image, else a generated one) and a PNG; the addon must load from
    // the package (no fallback to sharp) and the WebAssembly resampler must be found there
    const photos = join(app, 'photos');
    mkdirSync(photos);
    const val = join(VAL_SAMPLE_DIR, 'ILSVRC2012_val_00000001.JPEG');
    if (existsSync(val)) copyFileSync(val, join(photos, 'a.jpg'));
    else await rawImage(320, 240, 1).jpeg().toFile(join(photos, 'a.jpg'));
    await rawImage(200, 300, 2).png().toFile(join(photos, 'b.png'));
    const run = spawnSync(lcnet, ['classify', 'photos', '-m', 'synthetic:PPLCNet_x1_0', '--topk', '3'], {
      cwd: app,
      env: {...env, LCNET_JPEG_DECODER: 'libjpeg-turbo', LCNET_RESIZE_KERNEL: 'wasm'},
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const records = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as {file: string; model: string; predictions?: {label: string}[]; error?: string});
    assert.deepEqual(
      records.map((r) => [r.file, r.model, r.error, r.predictions?.length]),
      [
        ['photos/a.jpg', 'synthetic:PPLCNet_x1_0', undefined, 3],
        ['photos/b.png', 'synthetic:PPLCNet_x1_0', undefined, 3],
      ],
    );
    // ImageNet names come from the package's own label list
    const labels = readFileSync(join(installed, 'models', 'labels', 'imagenet1k.txt'), 'utf8');
    for (const r of records) for (const p of r.predictions!) assert.ok(labels.includes(p.label), p.label);
  });
});
