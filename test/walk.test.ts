import assert from 'node:assert/strict';
import {mkdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {insideOneOf, parseExtensions, walkInputs, type WalkEntry, type WalkOptions} from '../src/pipeline/walk.js';
import {tempDir} from './support/cli.js';

const defaults: WalkOptions = {recursive: true, extensions: parseExtensions(undefined), followSymlinks: false};

async function collect(args: string[], opts: Partial<WalkOptions> = {}): Promise<WalkEntry[]> {
  const out: WalkEntry[] = [];
  for await (const e of walkInputs(args, {...defaults, ...opts})) out.push(e);
  return out;
}

const shown = (entries: WalkEntry[]) => entries.map((e) => (e.kind === 'missing' ? `MISSING ${e.display}: ${e.error}` : e.display));

describe('walking inputs', () => {
  let dir: string;
  let cwd: string;

  beforeEach(() => {
    dir = tempDir();
    cwd = process.cwd();
    process.chdir(dir);
    for (const d of ['photos/b', 'photos/a', 'photos/.hidden', 'other']) mkdirSync(d, {recursive: true});
    for (const f of ['photos/z.JPG', 'photos/y.jpeg', 'photos/a/1.png', 'photos/a/2.PNG', 'photos/b/3.webp', 'photos/b/readme.txt', 'photos/.secret.jpg', 'photos/.hidden/4.jpg', 'other/5.tif', 'other/6.bmp', 'other/7.heic']) {
      writeFileSync(f, 'x');
    }
  });

  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, {recursive: true, force: true});
  });

  it('walks directories depth-first in name order, extensions case-insensitively, skipping hidden entries', async () => {
    assert.deepEqual(shown(await collect(['photos'])), ['photos/a/1.png', 'photos/a/2.PNG', 'photos/b/3.webp', 'photos/y.jpeg', 'photos/z.JPG']);
  });

  it('gives the same order on every run and keeps argument order', async () => {
    const first = shown(await collect(['other', 'photos']));
    assert.deepEqual(first.slice(0, 2), ['other/5.tif', 'other/6.bmp']);
    assert.deepEqual(shown(await collect(['other', 'photos'])), first);
  });

  it('honours --no-recursive and --ext', async () => {
    assert.deepEqual(shown(await collect(['photos'], {recursive: false})), ['photos/y.jpeg', 'photos/z.JPG']);
    assert.deepEqual(shown(await collect(['photos', 'other'], {extensions: parseExtensions('png,.TIF')})), ['photos/a/1.png', 'photos/a/2.PNG', 'other/5.tif']);
    assert.equal((await collect(['photos'], {extensions: parseExtensions('*')})).length, 6);
    assert.throws(() => parseExtensions(','), /at least one extension/);
  });

  it('takes a file named explicitly whatever its extension (its record will say if it is not an image)', async () => {
    assert.deepEqual(shown(await collect(['photos/b/readme.txt', 'photos/.secret.jpg'])), ['photos/b/readme.txt', 'photos/.secret.jpg']);
  });

  it('yields each file once when paths overlap or repeat', async () => {
    const entries = shown(await collect(['photos', 'photos/a', 'photos/a/1.png', './photos/z.JPG']));
    assert.deepEqual(entries, ['photos/a/1.png', 'photos/a/2.PNG', 'photos/b/3.webp', 'photos/y.jpeg', 'photos/z.JPG']);
    // the same file named several ways, with no directory argument
    assert.deepEqual(shown(await collect(['other/5.tif', 'other/5.tif', './other/5.tif', join(dir, 'other/5.tif')])), ['other/5.tif']);
  });

  it('tells an argument inside a directory argument by looking up its ancestors, one set look-up per level', () => {
    const dirs = new Set(['/data/a', '/data/b/c', '/']);
    assert.equal(insideOneOf(dirs, '/data/a/x.jpg'), true);
    assert.equal(insideOneOf(dirs, '/data/b/c/d/e.jpg'), true);
    assert.equal(insideOneOf(new Set(['/data/a']), '/data/ab/x.jpg'), false, 'a name prefix is not an ancestor');
    assert.equal(insideOneOf(new Set(['/data/a']), '/data/a'), false, 'a path is not inside itself');
    assert.equal(insideOneOf(new Set(['/']), '/x.jpg'), true);
    assert.equal(insideOneOf(new Set<string>(), '/x.jpg'), false);
  });

  it('expands globs in sorted order and reports a pattern matching nothing', async () => {
    assert.deepEqual(shown(await collect(['photos/**/*.png'])), ['photos/a/1.png']);
    assert.deepEqual(shown(await collect(['photos/*.{jpeg,JPG}'])), ['photos/y.jpeg', 'photos/z.JPG']);
    assert.deepEqual(shown(await collect(['nothing/*.jpg'])), ['MISSING nothing/*.jpg: no files match this pattern']);
    // absolute patterns, matching or not, and the path below them that --shard hashes
    const absolute = await collect([join(dir, 'photos', '*', '*.png'), join(dir, 'nothing', '*.jpg')]);
    assert.deepEqual(shown(absolute), [join(dir, 'photos/a/1.png'), `MISSING ${join(dir, 'nothing', '*.jpg')}: no files match this pattern`]);
    assert.equal(absolute[0]!.relative, 'a/1.png');
  });

  it('reports a path that does not exist instead of failing', async () => {
    assert.deepEqual(shown(await collect(['no-such-dir', 'other/6.bmp'])), ['MISSING no-such-dir: no such file or directory', 'other/6.bmp']);
  });

  it('does not follow symlinks unless asked, and then never loops', async () => {
    symlinkSync(join(dir, 'other'), join(dir, 'photos', 'b', 'link'));
    symlinkSync(join(dir, 'photos'), join(dir, 'photos', 'a', 'loop'));
    assert.ok(!shown(await collect(['photos'])).some((p) => p.includes('link')));
    const followed = shown(await collect(['photos'], {followSymlinks: true}));
    assert.ok(followed.includes('photos/b/link/5.tif'));
    assert.equal(new Set(followed).size, followed.length);
    assert.ok(!followed.some((p) => p.includes('loop/')));
  });
});
