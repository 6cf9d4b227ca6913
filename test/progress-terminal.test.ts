/**
 * The progress bar through the real CLI on a real terminal: `script` (util-linux) runs lcnet with
 * its standard error on a pseudo-terminal, while standard output goes to a file. The bar must be
 * drawn there and only there: the records stay clean JSON lines whatever the terminal shows.
 */

import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {BIN, tempDir} from './support/cli.js';
import {rawImage} from './support/images.js';
import {ROOT} from './support/shared-data.js';

const MODEL = 'synthetic:PPLCNet_x0_25';
const FILES = 12;
/** where a terminal control sequence starts */
const ESC = String.fromCharCode(27);

/** Whether util-linux's `script` can give a command a terminal here. */
function haveScript(): boolean {
  return spawnSync('script', ['-q', '-e', '-c', 'test -t 2', '/dev/null'], {stdio: 'ignore'}).status === 0;
}

/** A single-quoted word for sh. */
function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

interface TerminalRun {
  code: number | null;
  /** everything the pseudo-terminal showed (the command's standard error) */
  terminal: string;
  /** the command's standard output, written to a file */
  stdout: string;
}

/** Runs lcnet with `args`, standard error on a terminal of `columns` columns, standard output to a file. */
function runOnTerminal(args: string[], home: string, columns = 100): Promise<TerminalRun> {
  const dir = tempDir('lcnet-tty-');
  const out = join(dir, 'stdout');
  const command = `stty columns ${columns} rows 24 2>/dev/null; ${[process.execPath, BIN, ...args].map(quote).join(' ')} > ${quote(out)}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: ROOT,
      env: {...process.env, LCNET_HOME: home, LCNET_MODEL: '', TERM: 'xterm'},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let terminal = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (terminal += d));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = readFileSync(out, 'utf8');
      rmSync(dir, {recursive: true, force: true});
      resolve({code, terminal, stdout});
    });
  });
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
