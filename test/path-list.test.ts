import assert from 'node:assert/strict';
import {readPathList} from '../src/pipeline/path-list.js';

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
});
