/**
 * Finding one's way among the commands, through the real CLI: `lcnet help CMD` and `-h` show a
 * command's help, and a misspelt command gets oclif's did-you-mean: printed at once with exit
 * status 2 when nobody can answer (pipes, CI), asked on a terminal (util-linux `script` gives
 * the command one).
 */

import assert from 'node:assert/strict';
import {spawn, spawnSync} from 'node:child_process';
import {mkdirSync, readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {earlyWorkersFor, HELP_FLAGS} from '../src/cli/early-start.js';
import {BIN, cliEnv, runCli, tempDir} from './support/cli.js';
import {ROOT} from './support/shared-data.js';

const COMMANDS = Object.keys((JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, unknown>}).commands).sort();

describe('help and did-you-mean for commands (through the CLI)', function () {
  this.timeout(120_000);

  it('lcnet help classify prints what lcnet classify --help prints', async () => {
    const [help, flag] = await Promise.all([runCli(['help', 'classify']), runCli(['classify', '--help'])]);
    assert.equal(help.code, 0, help.stderr);
    assert.match(help.stdout, /\$ lcnet classify \[PATHS\.\.\.\]/);
    assert.equal(help.stdout, flag.stdout);
  });

  it('-h works like --help for every command, and alone', async () => {
    assert.deepEqual(COMMANDS, ['bench', 'classify', 'download', 'eval', 'merge', 'report']);
    for (const id of [...COMMANDS, null]) {
      const args = id === null ? [] : [id];
      const [short, long] = await Promise.all([runCli([...args, '-h']), runCli([...args, '--help'])]);
      assert.equal(short.code, 0, `${id}: ${short.stderr}`);
      assert.equal(short.stdout, long.stdout, `${id}`);
      assert.match(short.stdout, id === null ? /\$ lcnet \[COMMAND\]/ : new RegExp(`\\$ lcnet ${id}`));
    }
  });

  it('a misspelt command names the closest one and exits 2 at once, without a terminal', async () => {
    const r = await runCli(['classfy', './photos', '-o', 'x.csv']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr.replace(/\s*›\s*/g, ' '), /lcnet has no command classfy\. Did you mean classify\? lcnet help lists the commands\./);
    for (const [typo, meant] of [['evl', 'eval'], ['donwload', 'download'], ['hlp', 'help'], ['merg', 'merge']]) {
      const t = await runCli([typo!]);
      assert.equal(t.code, 2, t.stderr);
      assert.match(t.stderr, new RegExp(`Did you mean ${meant}\\?`));
    }
  });

  it('a path where the command should be says that the command comes first', async () => {
    const dir = tempDir();
    try {
      mkdirSync(join(dir, 'photos'));
      const r = await runCli(['photos'], {cwd: dir});
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr.replace(/\s*›\s*/g, ' '), /photos is not a command: lcnet takes the command first, as in lcnet classify photos/);
    } finally {
      rmSync(dir, {recursive: true, force: true});
    }
  });

  it('starts no early workers for help, only for a classify or eval run', () => {
    assert.deepEqual(earlyWorkersFor(['classify', 'photos']), ['infer', 'preprocess']);
    assert.deepEqual(earlyWorkersFor(['eval', '--imagenet-val', 'val']), ['infer', 'preprocess']);
    for (const argv of [['classify', '-h'], ['classify', 'photos', '--help'], ['eval', '-h'], ['help', 'classify'], ['classfy', 'photos'], ['download'], []])
      assert.deepEqual(earlyWorkersFor(argv), [], argv.join(' '));
    // after `--`, -h is a file name
    assert.deepEqual(earlyWorkersFor(['classify', '--', '-h']), ['infer', 'preprocess']);
    // the same help flags as oclif's configuration
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {oclif: {additionalHelpFlags: string[]}};
    assert.deepEqual([...HELP_FLAGS].sort(), [...new Set(['--help', ...pkg.oclif.additionalHelpFlags])].sort());
  });

  describe('on a terminal', function () {
    before(function () {
      if (spawnSync('script', ['-q', '-e', '-c', 'test -t 0 && test -t 1', '/dev/null'], {stdio: 'ignore'}).status !== 0) {
        console.log('      (skipped: util-linux `script` cannot give a command a terminal here)');
        this.skip();
      }
    });

    /** Runs lcnet on a pseudo-terminal and answers `answer` once it asks "Did you mean". */
    function answerOnTerminal(args: string[], answer: string): Promise<{code: number | null; terminal: string}> {
      const home = tempDir('lcnet-home-');
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      return new Promise((resolve, reject) => {
        const child = spawn('script', ['-q', '-e', '-c', [process.execPath, BIN, ...args].map(quote).join(' '), '/dev/null'], {
          cwd: ROOT,
          env: {...cliEnv(home), TERM: 'xterm'},
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let terminal = '';
        let answered = false;
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          terminal += d;
          if (!answered && terminal.includes('Did you mean')) {
            answered = true;
            child.stdin.end(`${answer}\r`);
          }
        });
        child.stderr.resume();
        child.on('error', reject);
        child.on('close', (code) => {
          rmSync(home, {recursive: true, force: true});
          resolve({code, terminal});
        });
      });
    }

    it('asks, and a "no" exits 2', async () => {
      const r = await answerOnTerminal(['clasify', 'photos'], 'n');
      assert.match(r.terminal, /Did you mean .*classify/);
      assert.equal(r.code, 2, r.terminal);
    });

    it('asks, and a "yes" runs the command it meant with the same arguments', async () => {
      const r = await answerOnTerminal(['downlod', '--list'], 'y');
      assert.match(r.terminal, /Did you mean .*download/);
      assert.match(r.terminal, /PPLCNet_x1_0 \(default\)/);
      assert.equal(r.code, 0, r.terminal);
    });
  });
});
