import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {join} from 'node:path';
import {nativeAddon} from '../src/pipeline/native-addon.js';
import {readAhead} from '../src/pipeline/read-ahead.js';
import {tempDir} from './support/cli.js';
import {until} from './support/wait.js';

describe('read-ahead of the files a decoding worker will read', () => {
  let dir: string;
  before(function () {
    if (!nativeAddon().addon) this.skip();
    dir = tempDir();
  });
  after(() => dir && rmSync(dir, {recursive: true, force: true}));

  it('returns at once and never fails: files, empty files, directories, missing paths, odd names', async () => {
    const file = join(dir, 'image.jpg');
    writeFileSync(file, Buffer.alloc(300_000, 7));
    writeFileSync(join(dir, 'empty.jpg'), '');
    mkdirSync(join(dir, 'folder'));
    for (const path of [file, join(dir, 'empty.jpg'), join(dir, 'folder'), join(dir, 'missing.jpg'), 'relative/missing.jpg', '', `${file}\0tail`, '/dev/null']) {
      assert.equal(readAhead(path), undefined, path);
    }
    assert.throws(() => nativeAddon().addon!.readAhead(42 as unknown as string), TypeError);
    // the file reads back whole and unchanged
    assert.ok((await readFile(file)).equals(Buffer.alloc(300_000, 7)));
  });

  it('brings a file that is not cached into the page cache without reading it', async function () {
    const file = join(dir, 'cold.jpg');
    writeFileSync(file, Buffer.alloc(200_000, 3));
    // written back to disk, then dropped from the page cache (clean pages go at once)
    const evict = spawnSync('python3', ['-c', 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)', file]);
    const cached = () => {
      const r = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], {encoding: 'utf8'});
      return r.status === 0 ? Number(r.stdout.trim()) : NaN;
    };
    if (evict.status !== 0 || Number.isNaN(cached())) return this.skip(); // no python3 or no fincore (util-linux)
    if (cached() !== 0) return this.skip(); // this file system keeps it cached (tmpfs)
    readAhead(file);
    await until(() => cached() >= 200_000, 'the file to be read into the page cache');
  });

  it('never blocks a thread of the pool on a FIFO (a path list may name one)', async function () {
    const fifo = join(dir, 'pipe.jpg');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return this.skip();
    // more FIFOs than libuv has threads: were their opens to wait for a writer, every thread of
    // the pool would be stuck and the read below would never end (the test's timeout)
    for (let i = 0; i < 16; i++) readAhead(fifo);
    const file = join(dir, 'after.jpg');
    writeFileSync(file, 'read through the pool');
    assert.equal(await readFile(file, 'utf8'), 'read through the pool');
  });
});
