/**
 * Runs the real `lcnet` on a pseudo-terminal: util-linux's `script` gives the command a terminal,
 * and the streams not on it go to files, so that a test sees exactly what each stream got.
 */

import {spawn, spawnSync} from 'node:child_process';
import {readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {BIN, cliEnv, tempDir} from './cli.js';
import {ROOT} from './shared-data.js';

/** Whether util-linux's `script` can give a command a terminal here. */
export function haveScript(): boolean {
  return spawnSync('script', ['-q', '-e', '-c', 'test -t 1 && test -t 2', '/dev/null'], {stdio: 'ignore'}).status === 0;
}

/** A single-quoted word for sh. */
function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface TerminalRun {
  code: number | null;
  /** what the terminal showed, its line ends (CR LF on a terminal) made LF */
  terminal: string;
  /** the stream not on the terminal, written to a file ('' when both were on the terminal) */
  stdout: string;
  stderr: string;
}

export interface TerminalOptions {
  home: string;
  cwd?: string;
  /** which streams are on the terminal; the others go to files */
  on: 'stdout' | 'stderr' | 'both';
  columns?: number;
  env?: Record<string, string>;
}

/** Runs `lcnet ARGS` with the streams `opts.on` names on a terminal of `columns` columns. */
export function runOnTerminal(args: string[], opts: TerminalOptions): Promise<TerminalRun> {
  const dir = tempDir('lcnet-tty-');
  const out = join(dir, 'stdout');
  const err = join(dir, 'stderr');
  const redirect = opts.on === 'stdout' ? ` 2> ${quote(err)}` : opts.on === 'stderr' ? ` > ${quote(out)}` : '';
  const command = `stty columns ${opts.columns ?? 100} rows 24 2>/dev/null; ${[process.execPath, BIN, ...args].map(quote).join(' ')}${redirect}`;
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return '';
    }
  };
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: opts.cwd ?? ROOT,
      env: {...cliEnv(opts.home, opts.env), TERM: 'xterm'},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let terminal = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (terminal += d));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', (code) => {
      const result = {code, terminal: terminal.replace(/\r\n/g, '\n'), stdout: read(out), stderr: read(err)};
      rmSync(dir, {recursive: true, force: true});
      resolve(result);
    });
  });
}
