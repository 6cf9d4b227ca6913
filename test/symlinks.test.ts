/**
 * Symbolic links while walking: not followed by default (a link to a file and a link to a
 * directory inside a walked folder are skipped), followed with --follow-symlinks / the library's
 * `followSymlinks`, and then links that lead back up the tree are not walked again, so a walk or
 * a glob with loops ends, each file once. A link named as an argument is a file named explicitly,
 * which README says is always taken.
 */

import assert from 'node:assert/strict';
import type {ChildProcess} from 'node:child_process';
import {mkdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {createClassifier, isError, type Classifier, type OutputRecord} from '../src/index.js';
import {parseExtensions, walkInputs, type WalkEntry} from '../src/pipeline/walk.js';
import {runCli, tempDir, type CliResult} from './support/cli.js';
import {rawImage} from './support/images.js';

const MODEL = 'synthetic:PPLCNet_x0_25';

/**
 * photos/            real.png, sub/inner.png (walked by every run)
 *   file-link.png -> ../solo/only.png      a link to a file reached no other way
 *   dir-link      -> ../elsewhere          a link to a directory: out.png, deep/d.png
 *   broken.png    -> nowhere.png
 *   sub/loop      -> ..                    loops: back to photos, to sub itself, and through
 *   sub/self      -> .                     elsewhere back to photos
 * elsewhere/back  -> ../photos
 */
async function linkedTree(root: string): Promise<void> {
  for (const d of ['photos/sub', 'elsewhere/deep', 'solo']) mkdirSync(join(root, d), {recursive: true});
  for (const [i, f] of ['photos/real.png', 'photos/sub/inner.png', 'elsewhere/out.png', 'elsewhere/deep/d.png', 'solo/only.png'].entries()) {
    writeFileSync(join(root, f), await rawImage(40 + 4 * i, 30 + 2 * i, i).png().toBuffer());
  }
  symlinkSync('../solo/only.png', join(root, 'photos/file-link.png'));
  symlinkSync('../elsewhere', join(root, 'photos/dir-link'));
  symlinkSync('nowhere.png', join(root, 'photos/broken.png'));
  symlinkSync('..', join(root, 'photos/sub/loop'));
  symlinkSync('.', join(root, 'photos/sub/self'));
  symlinkSync('../photos', join(root, 'elsewhere/back'));
}

const NOT_FOLLOWED = ['photos/real.png', 'photos/sub/inner.png'];
const FOLLOWED = ['MISSING photos/broken.png: broken symbolic link', 'photos/dir-link/deep/d.png', 'photos/dir-link/out.png', 'photos/file-link.png', 'photos/real.png', 'photos/sub/inner.png'];

const shown = (entries: WalkEntry[]) => entries.map((e) => (e.kind === 'missing' ? `MISSING ${e.display}: ${e.error}` : e.display));

describe('symbolic links: walking', () => {
  let dir: string;
  let cwd: string;

  before(async () => {
    dir = tempDir();
    await linkedTree(dir);
  });
  beforeEach(() => {
    cwd = process.cwd();
    process.chdir(dir);
  });
  afterEach(() => process.chdir(cwd));
  after(() => rmSync(dir, {recursive: true, force: true}));

  async function walk(args: string[], followSymlinks: boolean): Promise<string[]> {
    const out: WalkEntry[] = [];
    for await (const e of walkInputs(args, {recursive: true, extensions: parseExtensions(undefined), followSymlinks})) out.push(e);
    return shown(out);
  }

  it('skips links to files and to directories by default, follows both when asked, each file once despite the loops', async () => {
    assert.deepEqual(await walk(['photos'], false), NOT_FOLLOWED);
    assert.deepEqual(await walk(['photos'], true), FOLLOWED);
  });

  it('takes a link named as an argument, as any file named explicitly', async () => {
    assert.deepEqual(await walk(['photos/file-link.png'], false), ['photos/file-link.png']);
  });

  it('a glob does not follow links by default, and follows links to files when asked', async () => {
    assert.deepEqual(await walk(['photos/*.png'], false), ['photos/real.png']);
    assert.deepEqual(await walk(['photos/*.png'], true), ['photos/file-link.png', 'photos/real.png']);
  });
});

describe('symbolic links: lcnet classify and the library', function () {
  this.timeout(120000);
  let dir: string;
  let classifier: Classifier | undefined;
  const children: ChildProcess[] = [];

  before(async () => {
    dir = tempDir();
    await linkedTree(dir);
  });

  after(async () => {
    // a run that never ended (a loop followed for ever) must not outlive the tests
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await classifier?.close();
    rmSync(dir, {recursive: true, force: true});
  });

  const classify = (args: string[]): Promise<CliResult> =>
    runCli(['classify', ...args, '-m', MODEL, '--threads', '1', '--workers', '1', '--topk', '1', '--no-progress'], {cwd: dir, onStart: (c) => children.push(c)});

  /** The records of a run as the walk tests show entries: file, or MISSING file: error. */
  const recordsOf = (r: CliResult) =>
    r.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as OutputRecord)
      .map((rec) => (isError(rec) ? `MISSING ${rec.file}: ${rec.error}` : rec.file));

  it('classify DIR skips links to files and directories; --follow-symlinks follows them, ends despite the loops, and gives each file one record', async () => {
    const plain = await classify(['photos']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(recordsOf(plain), NOT_FOLLOWED);
    const followed = await classify(['photos', '--follow-symlinks']);
    assert.equal(followed.code, 1, followed.stderr); // the broken link's error record
    assert.deepEqual(recordsOf(followed), FOLLOWED);
  });

  it("classify 'GLOB' with --follow-symlinks ends despite the loops, each file once; without it no link is taken", async () => {
    const plain = await classify(['photos/**/*.png']);
    assert.equal(plain.code, 0, plain.stderr);
    assert.deepEqual(recordsOf(plain), NOT_FOLLOWED);
    const followed = await classify(['photos/**/*.png', '--follow-symlinks']);
    assert.equal(followed.code, 0, followed.stderr);
    // the glob matches files only: the broken link is no file
    assert.deepEqual(recordsOf(followed), FOLLOWED.slice(1));
  });

  it('classify takes a link to a file named as an argument without --follow-symlinks (a file named explicitly)', async () => {
    const r = await classify(['photos/file-link.png']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(recordsOf(r), ['photos/file-link.png']);
  });

  it('the library walks without following links unless followSymlinks is set', async () => {
    classifier = await createClassifier({model: MODEL, topk: 1, threads: 1, workers: 1});
    const files = async (opts: {followSymlinks?: boolean}) => {
      const out: string[] = [];
      for await (const r of classifier!.classify(join(dir, 'photos'), opts)) out.push(r.file.slice(dir.length + 1));
      return out;
    };
    assert.deepEqual(await files({}), NOT_FOLLOWED);
    assert.deepEqual(await files({followSymlinks: false}), NOT_FOLLOWED);
    assert.deepEqual(await files({followSymlinks: true}), FOLLOWED.map((f) => f.replace(/^MISSING (.*): .*$/, '$1')));
  });
});
