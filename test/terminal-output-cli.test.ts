/**
 * What `lcnet classify` shows a person, through the real CLI on a pseudo-terminal (util-linux
 * `script`): one readable line per file when standard output is a terminal, JSON Lines byte for
 * byte as before on a pipe or into a file, `--format text` anywhere (but never resumed), and the
 * end-of-run lines naming the model and the time each stage took per image.
 */

import assert from 'node:assert/strict';
import {mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {AttributeRecord, DecisionRecord, ErrorRecord, OutputRecord, PredictionRecord} from '../src/pipeline/output/record.js';
import {writeAttributeModel} from './support/attribute-model.js';
import {runCli, tempDir, type CliResult} from './support/cli.js';
import {rawImage} from './support/images.js';
import {seededPulcParameters, X0_75_PROGRAM} from './support/pulc-weights.js';
import {SHARED, skipWithoutShared} from './support/shared-data.js';
import {haveScript, runOnTerminal, type TerminalRun} from './support/terminal.js';

const MODEL = 'synthetic:PPLCNet_x1_0';
const ESC = String.fromCharCode(27);
const LONG_NAME = `${'a-very-long-file-name-'.repeat(4)}end.jpg`;
const PERSON_EXISTS = join(SHARED, 'models', 'paddle', 'pulc-graphs', 'person_exists_infer');

const jsonl = <T = OutputRecord>(text: string) => text.trimEnd().split('\n').map((l) => JSON.parse(l) as T);

/** The line of `file` in a text output, and what it says after the name. */
function lineOf(text: string, file: string): {line: string; says: string} {
  const line = text.split('\n').find((l) => l.startsWith(`${file}  `));
  assert.ok(line, `no line for ${file} in:\n${text}`);
  return {line, says: line.slice(file.length).trimStart()};
}

/** Where the text after the name starts in each line: equal for lines of names up to the column width. */
const column = (line: string, file: string) => line.length - line.slice(file.length).trimStart().length;

describe('classify output for a person (through the CLI)', function () {
  this.timeout(180000);
  let work: string;
  let home: string;
  const files: string[] = [];
  // the default run on a terminal and on a pipe, made once and compared by several tests
  let onTerminal: Promise<TerminalRun> | undefined;
  let onPipe: Promise<CliResult> | undefined;
  const terminalRun = () => (onTerminal ??= runOnTerminal(['classify', 'imgs', '-m', MODEL], {home, cwd: work, on: 'stdout'}));
  const pipedRun = () => (onPipe ??= runCli(['classify', 'imgs', '-m', MODEL], {cwd: work, env: {LCNET_HOME: home}}));

  before(async function () {
    if (!haveScript()) {
      console.log('    (skipped: util-linux `script` cannot give a command a terminal here)');
      this.skip();
    }
    work = tempDir('lcnet-human-');
    home = join(work, 'home');
    mkdirSync(join(work, 'imgs'));
    for (let i = 0; i < 6; i++) {
      const name = `img${i}.jpg`;
      await rawImage(48 + 8 * i, 40 + 4 * i, i * 13)
        .jpeg()
        .toFile(join(work, 'imgs', name));
      files.push(`imgs/${name}`);
    }
    await rawImage(64, 48, 99).jpeg().toFile(join(work, 'imgs', LONG_NAME));
    files.push(`imgs/${LONG_NAME}`);
    writeFileSync(join(work, 'imgs', 'bad.jpg'), 'not an image');
    files.push('imgs/bad.jpg');
    files.sort();
  });

  after(() => {
    if (work) rmSync(work, {recursive: true, force: true});
  });

  it('on a terminal: one readable line per file, in order, top-5 by default, the error in plain words, and no JSON', async () => {
    const t = await terminalRun();
    assert.equal(t.code, 1, t.stderr);
    const piped = await pipedRun();
    const records = jsonl(piped.stdout);
    const lines = t.terminal.trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split('  ')[0]),
      records.map((r) => r.file),
      t.terminal,
    );
    assert.deepEqual(
      records.map((r) => r.file),
      files,
    );
    assert.ok(!t.terminal.includes('{') && !t.terminal.includes(ESC), t.terminal);
    for (const r of records) {
      const {line, says} = lineOf(t.terminal, r.file);
      if ('error' in r) {
        assert.equal(says, `error: ${(r as ErrorRecord).error}`);
        assert.match(says, /^error: not an image/);
        continue;
      }
      // the five classes of the record, by their first name, in order, each with its score
      const shown = says.split(', ');
      const predictions = (r as PredictionRecord).predictions;
      assert.equal(shown.length, 5, line);
      shown.forEach((s, i) => assert.ok(s.startsWith(`${predictions[i]!.label.split(',')[0]} `), `${s} is not ${predictions[i]!.label}`));
      assert.match(shown[0]!, / (\d\.\d\d|0\.00\d|<0\.001|0)$/);
    }
    // the text starts in one column for names up to its width; the long name is whole, two spaces after it
    const short = records.filter((r) => r.file.length < 50).map((r) => column(lineOf(t.terminal, r.file).line, r.file));
    assert.equal(new Set(short).size, 1, t.terminal);
    assert.ok(lineOf(t.terminal, `imgs/${LONG_NAME}`).line.startsWith(`imgs/${LONG_NAME}  ${(records.find((r) => r.file.endsWith(LONG_NAME)) as PredictionRecord).predictions[0]!.label.split(',')[0]}`));
  });

  it('--topk chooses how many classes a line shows', async () => {
    const t = await runOnTerminal(['classify', 'imgs/img0.jpg', '-m', MODEL, '-k', '2'], {home, cwd: work, on: 'stdout'});
    assert.equal(t.code, 0, t.stderr);
    assert.equal(lineOf(t.terminal, 'imgs/img0.jpg').says.split(', ').length, 2, t.terminal);
  });

  it('ends with the counts and the model (synthetic, with a warning), then the time of each stage per image', async () => {
    const t = await terminalRun();
    assert.match(t.stderr, /lcnet: 8 files, 7 classified, 1 failed in [\d.]+ s \([\d.]+ images\/s\), model synthetic:PPLCNet_x1_0 \(synthetic weights: its labels are meaningless\)\n/);
    const speed = /lcnet: speed: ([\d.]+) ms read, ([\d.]+) ms decode\+preprocess, ([\d.]+) ms inference, ([\d.]+) ms postprocess per image \(wall time on each stage's thread; the stages overlap on \d+ decoding and \d+ inference threads\)\n/.exec(t.stderr);
    assert.ok(speed, t.stderr);
    // measured in the run: decoding and inference took time
    const [decode, infer] = speed.slice(2, 4).map(Number) as [number, number];
    assert.ok(decode > 0 && infer > 0, t.stderr);
  });

  it('on a terminal for both streams: the records show the progress, so no bar is drawn over them', async () => {
    const t = await runOnTerminal(['classify', 'imgs', '-m', MODEL], {home, cwd: work, on: 'both'});
    assert.equal(t.code, 1, t.terminal);
    assert.doesNotMatch(t.terminal, /files \|/);
    assert.ok(!t.terminal.includes(`${ESC}[`), JSON.stringify(t.terminal));
    for (const f of files) lineOf(t.terminal, f);
    assert.match(t.terminal, /lcnet: 8 files, 7 classified, 1 failed/);
  });

  it('on a pipe: JSON Lines, byte for byte those of --format jsonl, which a terminal also gets when it asks', async () => {
    const env = {LCNET_HOME: home};
    const piped = await pipedRun();
    const asked = await runCli(['classify', 'imgs', '-m', MODEL, '--format', 'jsonl'], {cwd: work, env});
    assert.equal(piped.code, 1, piped.stderr);
    assert.equal(piped.stdout, asked.stdout);
    assert.equal(jsonl(piped.stdout).length, files.length);
    const t = await runOnTerminal(['classify', 'imgs', '-m', MODEL, '--format', 'jsonl'], {home, cwd: work, on: 'stdout'});
    assert.equal(t.terminal, piped.stdout);
  });

  it('on a terminal with -o: the records go to the file in its format, the terminal shows none', async () => {
    const out = join(work, 'preds.jsonl');
    const t = await runOnTerminal(['classify', 'imgs', '-m', MODEL, '-o', out, '--no-progress'], {home, cwd: work, on: 'both'});
    assert.equal(t.code, 1, t.terminal);
    assert.equal(readFileSync(out, 'utf8'), (await pipedRun()).stdout);
    assert.ok(!t.terminal.includes('imgs/img0.jpg'), t.terminal);
  });

  it('--format text: the same lines on a pipe and into a file; a text output is not resumed (exit 2, file untouched)', async () => {
    const env = {LCNET_HOME: home};
    const t = await terminalRun();
    // a line for every file, which the outputs below must repeat
    for (const f of files) lineOf(t.terminal, f);
    const piped = await runCli(['classify', 'imgs', '-m', MODEL, '--format', 'text'], {cwd: work, env});
    assert.equal(piped.code, 1, piped.stderr);
    assert.equal(piped.stdout, t.terminal);
    const out = join(work, 'preds.txt');
    const written = await runCli(['classify', 'imgs', '-m', MODEL, '--format', 'text', '-o', out], {cwd: work, env});
    assert.equal(written.code, 1, written.stderr);
    assert.equal(readFileSync(out, 'utf8'), t.terminal);
    const resumed = await runCli(['classify', 'imgs', '-m', MODEL, '--format', 'text', '-o', out, '--resume'], {cwd: work, env});
    assert.equal(resumed.code, 2, resumed.stderr);
    assert.match(resumed.stderr, /--format text cannot be resumed: it is for reading, and lcnet does not read it back; write jsonl, json or csv to use --resume/);
    assert.doesNotMatch(resumed.stderr, /at .*\.js:\d+/);
    assert.equal(readFileSync(out, 'utf8'), t.terminal);
    // an -o without a known extension stays JSON Lines, as before
    const plain = join(work, 'preds.out');
    assert.equal((await runCli(['classify', 'imgs', '-m', MODEL, '-o', plain], {cwd: work, env})).code, 1);
    assert.equal(readFileSync(plain, 'utf8'), (await pipedRun()).stdout);
  });

  it('a yes/no model (person_exists) on a terminal: yes or no, the class and its score', async function () {
    skipWithoutShared(this, PERSON_EXISTS);
    skipWithoutShared(this, X0_75_PROGRAM);
    const dir = join(work, 'person_exists_infer');
    mkdirSync(dir);
    symlinkSync(join(PERSON_EXISTS, 'inference.pdmodel'), join(dir, 'inference.pdmodel'));
    writeFileSync(join(dir, 'inference.pdiparams'), seededPulcParameters(readFileSync(join(PERSON_EXISTS, 'inference.pdmodel')), 2, 7).params);
    const env = {LCNET_HOME: home};
    assert.equal((await runCli(['download', 'person_exists', '--from', dir], {env})).code, 0);
    for (const threshold of ['0.5', '0']) {
      const t = await runOnTerminal(['classify', 'imgs', '-m', 'person_exists', '--threshold', threshold], {home, cwd: work, on: 'stdout'});
      assert.equal(t.code, 1, t.stderr);
      assert.match(t.stderr, /model person_exists\n/);
      const records = jsonl<DecisionRecord | ErrorRecord>((await runCli(['classify', 'imgs', '-m', 'person_exists', '--threshold', threshold], {cwd: work, env})).stdout);
      for (const r of records) {
        if ('error' in r) continue;
        const d = r.decision;
        const says = lineOf(t.terminal, r.file).says;
        // at 0.5 the answer's score is at least 0.5 (two decimals); at 0 every image is a yes
        if (threshold === '0.5') assert.equal(says, `${d.class_id === 1 ? 'yes' : 'no'} (${d.label}) ${d.score.toFixed(2)}`);
        else assert.ok(says.startsWith('yes (someone) '), t.terminal);
      }
    }
  });

  it('an attribute model (person_attribute) on a terminal: the attributes as a compact list', async () => {
    const env = {LCNET_HOME: home};
    writeAttributeModel(join(work, 'person_attribute_infer'));
    assert.equal((await runCli(['download', 'person_attribute', '--from', join(work, 'person_attribute_infer')], {env})).code, 0);
    const t = await runOnTerminal(['classify', 'imgs', '-m', 'person_attribute'], {home, cwd: work, on: 'stdout'});
    assert.equal(t.code, 1, t.stderr);
    const records = jsonl<AttributeRecord | ErrorRecord>((await runCli(['classify', 'imgs', '-m', 'person_attribute'], {cwd: work, env})).stdout);
    for (const r of records) {
      if ('error' in r) continue;
      const shown = lineOf(t.terminal, r.file).says.split(', ');
      const attributes = r.attributes as string[];
      // every decoded attribute but the false flags, true flags by their name alone
      const expected = attributes.filter((a) => !a.endsWith(': False')).map((a) => a.replace(/: True$/, '').replace(/ +/g, ' '));
      assert.deepEqual(shown, expected);
      assert.match(shown[0]!, /^(Male|Female)$/);
    }
  });
});
