/** Runs the real `lcnet` executable (bin/run.js) in a child process, hermetically. */

import {spawn, type ChildProcess} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ROOT} from './shared-data.js';

export const BIN = join(ROOT, 'bin', 'run.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** called once the child is started, e.g. to signal it */
  onStart?: (child: ChildProcess) => void;
  input?: string;
  /** leave stdin open for `onStart` to write (and end) */
  openStdin?: boolean;
  /** another copy's bin/run.js [default: this checkout's] */
  bin?: string;
}

/** The environment the CLI runs in under test: `home` as LCNET_HOME, no default model, no colour. */
export function cliEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {...process.env, LCNET_HOME: home, LCNET_MODEL: '', NO_COLOR: '1', OCLIF_COLUMNS: '1000', ...extra};
}

/** A fresh LCNET_HOME for every call unless one is given: no test sees another's models. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const home = opts.env?.LCNET_HOME ?? mkdtempSync(join(tmpdir(), 'lcnet-home-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.bin ?? BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: cliEnv(home, opts.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    // an open stdin would keep 'close' from coming once the child has exited
    child.on('exit', () => child.stdin.destroy());
    child.on('close', (code, signal) => {
      if (!opts.env?.LCNET_HOME) rmSync(home, {recursive: true, force: true});
      resolve({code, signal, stdout, stderr});
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else if (!opts.openStdin) child.stdin.end();
    opts.onStart?.(child);
  });
}

export function tempDir(prefix = 'lcnet-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
