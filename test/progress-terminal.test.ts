/**
 * The progress bar through the real CLI on a real terminal: `script` (util-linux) runs lcnet with
 * its standard error on a pseudo-terminal, while standard output goes to a file. The bar must be
 * drawn there and only there: the records stay clean JSON lines whatever the terminal shows.
 */

import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {BIN, tempDir} from './support/cli.js';
import {haveScript, runOnTerminal as runOnTerminalAs, type TerminalRun} from './support/terminal.js';
import {rawImage} from './support/images.js';
import {ROOT} from './support/shared-data.js';

const MODEL = 'synthetic:PPLCNet_x0_25';
const FILES = 12;
/** where a terminal control sequence starts */
const ESC = String.fromCharCode(27);

/** Runs lcnet with `args`, standard error on a terminal of `columns` columns, standard output to a file. */
function runOnTerminal(args: string[], home: string, columns = 100): Promise<TerminalRun> {
  return runOnTerminalAs(args, {home, on: 'stderr', columns});
}

describe('progress bar on a real terminal (through the CLI)', function () {
  this.timeout(120000);
  let images: string;
  let home: string;

  before(async function () {
    if (!haveScript()) {
      console.log('    (skipped: util-linux `script` cannot give a command a terminal here)');
      this.skip();
    }
    images = tempDir('lcnet-tty-images-');
    home = tempDir('lcnet-tty-home-');
    for (let i = 0; i < FILES; i++) writeFileSync(join(images, `img${String(i).padStart(2, '0')}.jpg`), await rawImage(40 + i, 30, i).jpeg().toBuffer());
    writeFileSync(join(images, 'broken.jpg'), Buffer.from('not an image'));
  });

  after(() => {
    if (images) rmSync(images, {recursive: true, force: true});
    if (home) rmSync(home, {recursive: true, force: true});
  });

  it('draws the bar on standard error, up to every file, and keeps standard output clean records', async () => {
    const r = await runOnTerminal(['classify', images, '-m', MODEL], home);
    assert.equal(r.code, 1, r.terminal); // one file failed: a partial run
    // the bar's last state counts every file, failures included
    assert.match(r.terminal, new RegExp(`classify \\[[^\\]]*\\] ${FILES + 1}/${FILES + 1} files \\| \\d+ img/s \\| ETA [^|]*\\| failed 1`));
    // the synthetic model's warning is written before the bar is first drawn, not into it
    const warning = r.terminal.indexOf('warning: model');
    assert.ok(warning >= 0 && warning < r.terminal.indexOf('classify ['), r.terminal);
    assert.doesNotMatch(r.terminal, / 0\/0 files/);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, FILES + 1);
    // nothing meant for the terminal reaches the records
    assert.ok(!r.stdout.includes(ESC) && !r.stdout.includes('files |'), r.stdout);
    for (const line of lines) JSON.parse(line);
  });

  it('draws nothing with --no-progress, and still prints the summary', async () => {
    const r = await runOnTerminal(['classify', images, '-m', MODEL, '--no-progress'], home);
    assert.equal(r.code, 1, r.terminal);
    assert.doesNotMatch(r.terminal, /files \|/);
    assert.match(r.terminal, new RegExp(`lcnet: ${FILES + 1} files, ${FILES} classified, 1 failed`));
    assert.equal(r.stdout.trimEnd().split('\n').length, FILES + 1);
  });

  it('draws nothing when standard error is not a terminal, even on a terminal session', async () => {
    const r = await runOnTerminal(['classify', images, '-m', MODEL], home);
    const piped = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'classify', images, '-m', MODEL], {cwd: ROOT, env: {...process.env, LCNET_HOME: home, LCNET_MODEL: ''}, stdio: ['ignore', 'ignore', 'pipe']});
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('error', reject);
      child.on('close', () => resolve(err));
    });
    assert.match(r.terminal, /files \|/);
    assert.ok(!piped.includes(ESC) && !piped.includes('files |'), piped);
    assert.match(piped, /1 failed/);
  });
});
