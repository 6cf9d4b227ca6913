import assert from 'node:assert/strict';
import {PassThrough} from 'node:stream';
import {filesProgress} from '../src/cli/files-progress.js';

/** A stream that claims to be a terminal and records what is drawn. */
function fakeTerminal(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & {isTTY: boolean; columns: number; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean; clearScreenDown: () => boolean};
  stream.isTTY = isTTY;
  stream.columns = 120;
  stream.cursorTo = stream.clearLine = stream.moveCursor = stream.clearScreenDown = () => true;
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString()));
  return {stream: stream as unknown as NodeJS.WriteStream, text: () => text};
}

describe('progress bar', () => {
  it('draws files, rate and extra fields on a terminal', async () => {
    const t = fakeTerminal(true);
    const bar = filesProgress(true, 'classify', ' | failed {failed}', {failed: 0}, t.stream);
    bar.setTotal(10);
    bar.update(4, {failed: 1});
    bar.stop();
    await new Promise((r) => setImmediate(r));
    assert.match(t.text(), /classify \[.*\] 4\/10 files \| \d+ img\/s \| ETA .* \| failed 1/);
    assert.doesNotMatch(t.text(), /\{failed\}/);
  });

  it('draws nothing before its first news, and files done before the total is known as the total so far', async () => {
    const t = fakeTerminal(true);
    const bar = filesProgress(true, 'classify', ' | failed {failed}', {failed: 0}, t.stream);
    await new Promise((r) => setImmediate(r));
    assert.equal(t.text(), '');
    bar.update(4, {failed: 0});
    await new Promise((r) => setImmediate(r));
    assert.match(t.text(), /4\/4 files/);
    bar.setTotal(13);
    bar.update(13, {failed: 1});
    bar.stop();
    await new Promise((r) => setImmediate(r));
    assert.match(t.text(), /13\/13 files .*failed 1/);
    assert.doesNotMatch(t.text(), / 0\/0 files/);
  });

  it('draws nothing when the stream is not a terminal or progress is off', async () => {
    for (const [enabled, tty] of [[true, false], [false, true]] as const) {
      const t = fakeTerminal(tty);
      const bar = filesProgress(enabled, 'classify', '', {}, t.stream);
      bar.setTotal(3);
      bar.update(3);
      bar.stop();
      await new Promise((r) => setImmediate(r));
      assert.equal(t.text(), '');
    }
  });
});
