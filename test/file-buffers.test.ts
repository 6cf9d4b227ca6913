import assert from 'node:assert/strict';
import {closeSync, openSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {FileBuffers} from '../src/pipeline/file-buffers.js';
import {tempDir} from './support/cli.js';

describe('reusable file buffers', () => {
  let dir: string;
  before(() => (dir = tempDir()));
  after(() => rmSync(dir, {recursive: true, force: true}));

  const file = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  const readWith = (buffers: FileBuffers, path: string, size: number) => {
    const fd = openSync(path, 'r');
    try {
      return buffers.read(fd, size);
    } finally {
      closeSync(fd);
    }
  };
  const content = (n: number, seed: number) => Buffer.from(Array.from({length: n}, (_, i) => (i * 31 + seed) & 255));

  it('reads whole files of any size, empty and larger than a kept buffer included, and files that grew after their stat', () => {
    const buffers = new FileBuffers();
    for (const [n, stated] of [[0, 0], [1, 1], [1000, 1000], [300_000, 300_000], [700_000, 10], [5_000_000, 5_000_000]] as const) {
      const expected = content(n, n);
      const {bytes, buffer} = readWith(buffers, file(`f${n}`, expected), stated);
      assert.ok(Buffer.from(bytes).equals(expected), `${n} bytes read with a stated size of ${stated}`);
      buffers.release(buffer);
    }
  });

  it('gives each image in flight its own memory, and reuses it once released', () => {
    const buffers = new FileBuffers();
    const a = readWith(buffers, file('a', content(5000, 1)), 5000);
    const b = readWith(buffers, file('b', content(6000, 2)), 6000);
    assert.notEqual(a.buffer, b.buffer);
    assert.ok(Buffer.from(a.bytes).equals(content(5000, 1)), 'a is intact after b was read');
    buffers.release(a.buffer);
    const c = readWith(buffers, file('c', content(4000, 3)), 4000);
    assert.equal(c.buffer, a.buffer);
    assert.ok(Buffer.from(c.bytes).equals(content(4000, 3)));
    assert.ok(Buffer.from(b.bytes).equals(content(6000, 2)), 'b is intact after c reused a');
  });

  it('reads a file by path with its stats, and refuses a directory with EISDIR before reading', () => {
    const buffers = new FileBuffers();
    const expected = content(3000, 7);
    const {bytes, buffer, stats} = buffers.readFile(file('p', expected));
    assert.ok(Buffer.from(bytes).equals(expected));
    assert.equal(stats.size, 3000);
    buffers.release(buffer);
    assert.throws(() => buffers.readFile(dir), (e: NodeJS.ErrnoException) => e.code === 'EISDIR');
  });
});
