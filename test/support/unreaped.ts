/**
 * A child process under a parent that does not reap it until told: once the child has ended (or
 * been killed) it stays a zombie, its pid still taken, as under a supervisor that is slow to
 * wait for its children. The parent is a small Node script that starts the child and then blocks
 * its only thread in a read of its standard input: its event loop, which would reap the child,
 * cannot run until the test ends that input. The child reads the parent's fd 3 as its standard
 * input, so a test can feed it (a path list for `lcnet classify -`) and keep it waiting.
 */

import {spawn, type ChildProcess} from 'node:child_process';
import type {Writable} from 'node:stream';
import {processStat} from '../../src/fs/lock-file.js';
import {until} from './wait.js';

const PARENT = `
const {spawn} = require('node:child_process');
const {readSync, writeSync} = require('node:fs');
const child = spawn(process.argv[1], process.argv.slice(2), {stdio: [3, 'ignore', 'inherit']});
writeSync(1, child.pid + '\\n');
const one = Buffer.alloc(1);
while (readSync(0, one) > 0);
`;

export interface UnreapedChild {
  pid: number;
  /** the child's standard input */
  input: Writable;
  /** what the child (and its parent) wrote on stderr so far */
  stderr(): string;
  /** the child's state letter in /proc (Z: a zombie), or null once it is gone */
  state(): string | null;
  /** lets the parent run: it reaps the child and exits */
  reap(): Promise<void>;
}

/** Starts `command args` under a parent that does not reap it until `reap()`. */
export async function spawnUnreaped(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<UnreapedChild> {
  const parent: ChildProcess = spawn(process.execPath, ['-e', PARENT, command, ...args], {env, stdio: ['pipe', 'pipe', 'pipe', 'pipe']});
  let stdout = '';
  let stderr = '';
  parent.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  parent.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const closed = new Promise<void>((resolve) => parent.on('close', () => resolve()));
  await until(() => stdout.includes('\n') || parent.exitCode !== null, 'the parent to start the child');
  const pid = Number(stdout.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`the parent did not start the child: ${stderr}`);
  return {
    pid,
    input: parent.stdio[3] as Writable,
    stderr: () => stderr,
    state: () => processStat(pid)?.state ?? null,
    reap: async () => {
      (parent.stdio[3] as Writable).end();
      parent.stdin!.end();
      await closed;
    },
  };
}

