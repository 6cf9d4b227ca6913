import assert from 'node:assert/strict';
import {chmodSync, mkdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {looksLikePathList, pathListProblem, readPathList} from '../src/pipeline/path-list.js';
import {tempDir} from './support/cli.js';

async function list(chunks: (string | Buffer)[]): Promise<string[]> {
  const out: string[] = [];
  for await (const p of readPathList(chunks)) out.push(p);
  return out;
}

/** `text` cut into chunks of `size` bytes, as a pipe may deliver it. */
const pieces = (text: string, size: number) => {
  const b = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) out.push(b.subarray(i, i + size));
  return out;
};

describe('path lists (lcnet classify -)', () => {
  it('reads one path per line, dropping CRs and empty lines, keeping spaces', async () => {
    assert.deepEqual(await list(['a.jpg\n', 'dir/b c.png\r\n\n', ' lead.jpg\nlast.jpg']), ['a.jpg', 'dir/b c.png', ' lead.jpg', 'last.jpg']);
  });

  it('reads NUL-separated lists (find -print0), where names may hold newlines', async () => {
    assert.deepEqual(await list(['a.jpg\0new\nline.jpg\0', 'c.jpg\0']), ['a.jpg', 'new\nline.jpg', 'c.jpg']);
  });

  it('gives the same paths however the input is cut into chunks, multi-byte characters included', async () => {
    const names = ['写真/一.jpg', 'ü.png', 'x'.repeat(300) + '.jpg', 'é\nwith newline.jpg'];
    const nul = names.join('\0') + '\0';
    const lines = names.slice(0, 3).join('\n') + '\n';
    for (const size of [1, 2, 3, 7, 64, 100000]) {
      assert.deepEqual(await list(pieces(nul, size)), names, `NUL, chunks of ${size}`);
      assert.deepEqual(await list(pieces(lines, size)), names.slice(0, 3), `lines, chunks of ${size}`);
    }
  });

  it('takes a single path without any separator, and nothing from empty input', async () => {
    assert.deepEqual(await list(['only.jpg']), ['only.jpg']);
    assert.deepEqual(await list([]), []);
    assert.deepEqual(await list(['\n\n']), []);
  });

  it('tells a file that holds a path list from other text and from binary data', () => {
    const yes = (text: string | Buffer) => looksLikePathList(Buffer.from(text));
    assert.equal(yes('photos/a.jpg\nphotos/b c.PNG\r\n'), true);
    assert.equal(yes('a.jpg\0new\nline.jpg\0'), true);
    assert.equal(yes('./scans/\nscans/x.tif\n'), true, 'a folder line among image paths');
    assert.equal(yes('写真/一.jpg\n'), true);
    assert.equal(yes('notes/todo.md\nREADME.txt\n'), false, 'paths, but of no image');
    assert.equal(yes('Remember the photos.\nAnd the scans/ folder.\n'), false);
    assert.equal(yes(''), false);
    assert.equal(yes(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), false);
    assert.equal(yes(Buffer.from([0xff, 0xfe, 0x61, 0x2e, 0x6a, 0x70, 0x67, 0x0a])), false, 'not UTF-8');
    // a long list: the first 4 KiB decide, the entry cut at their end is left out
    const long = Array.from({length: 500}, (_, i) => `photos/${String(i).padStart(5, '0')}.jpg`).join('\n');
    assert.equal(yes(long), true);
    assert.equal(yes('x'.repeat(5000) + '.jpg\n'), false);
  });

  it('says why a file cannot be read as a path list, without opening it', function () {
    const dir = tempDir();
    try {
      writeFileSync(join(dir, 'list.txt'), 'a.jpg\n');
      mkdirSync(join(dir, 'folder'));
      assert.equal(pathListProblem(join(dir, 'list.txt')), null);
      assert.equal(pathListProblem(join(dir, 'none.txt')), 'no such file or directory');
      assert.match(pathListProblem(join(dir, 'folder'))!, /^is a directory/);
      if (process.getuid?.() !== 0) {
        chmodSync(join(dir, 'list.txt'), 0o200);
        assert.equal(pathListProblem(join(dir, 'list.txt')), 'permission denied');
      }
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });
});
