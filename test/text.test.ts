import assert from 'node:assert/strict';
import {formatBytes} from '../src/text/bytes.js';
import {counted, isAre, noun} from '../src/text/plural.js';
import {describeShard, parseShard} from '../src/pipeline/shard.js';

describe('counts and sizes in messages', () => {
  it('puts the singular after exactly 1 and the plural after every other count', () => {
    assert.deepEqual([0, 1, 2, 1000].map((n) => counted(n, 'file')), ['0 files', '1 file', '2 files', '1000 files']);
    assert.deepEqual([1, 3].map((n) => counted(n, 'directory', 'directories')), ['1 directory', '3 directories']);
    assert.equal(counted(1234, 'class', 'classes', (n) => n.toLocaleString('en-US')), '1,234 classes');
    assert.equal(noun(1, 'input'), 'input');
    assert.deepEqual([1, 2].map(isAre), ['is', 'are']);
  });

  it('gives sizes in B, KiB, MiB or GiB, never 0.0 of a larger unit', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(5000), '4.9 KiB');
    assert.equal(formatBytes(20_000), '20 KiB');
    assert.equal(formatBytes(2 ** 20 - 1), '1.0 MiB');
    assert.equal(formatBytes(3.5 * 2 ** 20), '3.5 MiB');
    assert.equal(formatBytes(26.7 * 2 ** 20), '27 MiB');
    assert.equal(formatBytes(5 * 2 ** 30), '5.0 GiB');
  });

  it('shows a shard as it was typed: 2/2 stays 2/2 though it is the part 0/2 names', () => {
    assert.deepEqual(parseShard('2/2'), {index: 0, count: 2});
    assert.equal(describeShard('2/2', parseShard('2/2')), '2/2');
    assert.equal(describeShard(' 1 / 4 ', parseShard(' 1 / 4 ')), '1/4');
    assert.equal(describeShard('auto', parseShard('auto', {JOB_COMPLETION_INDEX: '3', LCNET_SHARD_COUNT: '4'})), '3/4 (auto)');
  });
});

describe('library errors in the CLI', () => {
  it('names each option of an OptionError as its flag', async () => {
    const {OptionError} = await import('../src/errors.js');
    const {cliMessage, flagOf} = await import('../src/cli/error-message.js');
    assert.deepEqual(['threshold', 'resizeShort', 'extensions', 'filesFrom'].map(flagOf), ['--threshold', '--resize-short', '--ext', '--files-from']);
    const e = new OptionError((opt) => `${opt('stretch')} and ${opt('resizeShort')} exclude each other`);
    assert.equal(e.message, 'stretch and resizeShort exclude each other');
    assert.deepEqual(e.options, ['stretch', 'resizeShort']);
    assert.equal(cliMessage(e), '--stretch and --resize-short exclude each other');
    assert.equal(cliMessage(new Error('plain')), 'plain');
  });
});
