import assert from 'node:assert/strict';
import {LookedFor, NoInputsError, requireInputs} from '../src/pipeline/no-inputs.js';
import {parseExtensions, type WalkEntry} from '../src/pipeline/walk.js';
import {settle, signal} from './support/wait.js';

const file = (name: string): WalkEntry => ({kind: 'file', path: `/x/${name}`, display: name});
const unmatched = (pattern: string): WalkEntry => ({kind: 'missing', display: pattern, error: 'no files match this pattern', unmatched: true});
const missing = (name: string): WalkEntry => ({kind: 'missing', display: name, error: 'no such file or directory'});

async function drain(entries: WalkEntry[]): Promise<{yielded: string[]; found: number}> {
  const counts = {found: 0};
  const yielded: string[] = [];
  async function* source() {
    yield* entries;
  }
  for await (const e of requireInputs(source(), counts, () => new NoInputsError('nothing'))) yielded.push(e.display);
  return {yielded, found: counts.found};
}

describe('inputs that match nothing', () => {
  it('is an error only when the entries end without a file; patterns that matched nothing wait for one, in order', async () => {
    await assert.rejects(drain([]), NoInputsError);
    await assert.rejects(drain([unmatched('a/*.jpg'), unmatched('b/*.png')]), NoInputsError);
    assert.deepEqual(await drain([unmatched('a/*.jpg'), file('1.jpg'), unmatched('b/*.png'), file('2.jpg')]), {yielded: ['a/*.jpg', '1.jpg', 'b/*.png', '2.jpg'], found: 2});
    // a path named that does not exist is a file asked for: it keeps its error record
    assert.deepEqual(await drain([missing('gone.jpg')]), {yielded: ['gone.jpg'], found: 1});
    // bytes handed over by a program are inputs found
    assert.deepEqual(await drain([{kind: 'bytes', bytes: new Uint8Array(1), display: '<bytes 0>'}]), {yielded: ['<bytes 0>'], found: 1});
  });

  it('holds a pattern that matched nothing back while the source is slow to say whether a file follows', async () => {
    for (const then of ['end', 'file'] as const) {
      const more = signal();
      async function* slow() {
        yield unmatched('a/*.jpg');
        await more.promise;
        if (then === 'file') yield file('1.jpg');
      }
      const entries = requireInputs(slow(), {found: 0}, () => new NoInputsError('nothing'));
      let given = false;
      const first = entries.next();
      first.then(() => (given = true), () => (given = true));
      await settle();
      assert.equal(given, false, 'nothing given while the source waits');
      more.fire();
      if (then === 'end') await assert.rejects(first, NoInputsError);
      else {
        assert.equal((await first).value?.display, 'a/*.jpg');
        assert.equal((await entries.next()).value?.display, '1.jpg');
      }
    }
  });

  it('gives no error when nothing was asked for', async () => {
    const counts = {found: 0};
    const out: WalkEntry[] = [];
    for await (const e of requireInputs((async function* () {})(), counts, () => null)) out.push(e);
    assert.deepEqual(out, []);
  });

  it('names the paths, the extensions tried and the recursion, in one line', () => {
    const defaults = parseExtensions(undefined);
    assert.equal(LookedFor.of(['photos'], defaults, true).message(), 'no images found in photos (extensions tried: jpg, jpeg, png, webp, gif, tif, tiff, avif, bmp)');
    assert.equal(LookedFor.of(['a', 'b/*.png'], parseExtensions('JGP'), false).message(), 'no images found in a, b/*.png (extensions tried: jgp, subfolders not walked)');
    assert.equal(LookedFor.of(['photos'], parseExtensions('*'), true).message(), 'no images found in photos (every extension)');
    // a path list is taken as it is: extensions play no part
    assert.equal(LookedFor.of(['-'], defaults, true).message(), 'no images found in the path list on standard input');
    const many = LookedFor.of(['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7'], parseExtensions('png'), true).message();
    assert.equal(many, 'no images found in d1, d2, d3, d4, d5 and 2 more (extensions tried: png)');
    const literal = new LookedFor(defaults, true);
    literal.add('-', 'literal');
    assert.equal(literal.message(), 'no images found in -');
  });
});
