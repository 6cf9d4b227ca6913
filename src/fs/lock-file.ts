/**
 * Inter-process lock files, a file-system utility used by the model store (installs, checksums)
 * and by outputs (one writer per output file): created with O_EXCL and holding the owner's pid, host, PID namespace,
 * boot id, the process's start time, the lock's creation time and a random token. The owner
 * refreshes the file's modification time every few seconds (a heartbeat), after checking the file
 * is still its own; if it is not, the holder is told. A lock is stale when its owner is a dead
 * process that can be looked up from here (same host, PID namespace and boot): no process has its
 * pid, or the one that has it is a zombie (killed, not yet reaped by its parent) or started at
 * another time (the pid was given to a later process). It is also stale when its heartbeat
 * stopped long ago, whatever the host (a
 * container that is gone, a shared cache); a stale lock is broken under a short-lived second
 * lock, so two waiters never both break it and delete a fresh lock. Waiters poll until the lock
 * is free or their timeout passes.
 */

import {randomBytes} from 'node:crypto';
import {hostname} from 'node:os';
import {readFileSync, readlinkSync, unlinkSync, utimesSync} from 'node:fs';
import {mkdir, open, readFile, stat, unlink} from 'node:fs/promises';
import {dirname} from 'node:path';
import {setTimeout as delay} from 'node:timers/promises';
import {CancelledError, FatalError} from '../errors.js';

export interface LockOwner {
  pid: number;
  host: string;
  /** the PID namespace (Linux): a pid can only be checked from inside the same one */
  pidns?: string;
  /** the kernel's boot id (Linux): PID namespace ids repeat across machines and reboots */
  bootId?: string;
  /**
   * when the owner's process started, in clock ticks after boot (Linux: field 22 of
   * /proc/PID/stat): a later process given the same pid has another; absent in lock files of
   * older versions and where /proc cannot be read
   */
  startTime?: number;
  createdAt: string;
  token: string;
}

export interface LockOptions {
  timeoutMs: number;
  /** poll interval while waiting, ms (default 100) */
  pollMs?: number;
  signal?: AbortSignal;
  /** called once when the lock is busy and the caller starts waiting */
  onWait?: (owner: LockOwner | null) => void;
  /** heartbeat interval while held, ms (default HEARTBEAT_MS) */
  heartbeatMs?: number;
  /** a lock whose heartbeat is older than this is stale (default HEARTBEAT_STALE_MS) */
  staleMs?: number;
  /** called if the lock is taken away while held (its file gone or owned by another process) */
  onLost?: () => void;
}

export interface HeldLock {
  path: string;
  release(): Promise<void>;
  /** the same, for exit handlers, where nothing asynchronous runs any more */
  releaseSync(): void;
}

/** A break-lock older than this belongs to a process that died while breaking a stale lock. */
const BREAK_STALE_MS = 10_000;
/** An unreadable lock file older than this was left half-written by a process that died. */
const UNREADABLE_STALE_MS = 10_000;
/** How often a held lock's modification time is refreshed. */
export const HEARTBEAT_MS = 10_000;
/** A lock whose heartbeat is older than this is stale, even when its owner cannot be checked. */
export const HEARTBEAT_STALE_MS = 120_000;

export class LockTimeoutError extends FatalError {}

/** Tokens of the locks this process holds. */
const heldHere = new Set<string>();

/** This process's PID namespace, e.g. 'pid:[4026531836]'; '' where there is none to read. */
export function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

/** This boot of the kernel; '' where there is none to read. */
export function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}

/** What /proc/PID/stat says about a process that matters to a lock. */
export interface ProcessStat {
  /** R, S, D, ..., Z (zombie: dead, not yet reaped by its parent), X (dead) */
  state: string;
  /** clock ticks after boot */
  startTime: number;
}

/**
 * The state (field 3) and start time (field 22) in the text of /proc/PID/stat, or null. Field 2 is
 * the command name in parentheses, which may itself hold spaces and ')': the fields are counted
 * from the last ')'.
 */
export function parseProcessStat(text: string): ProcessStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const fields = text.slice(close + 1).trim().split(/\s+/);
  const state = fields[0];
  const start = fields[22 - 3];
  if (!state || start === undefined || !/^\d+$/.test(start)) return null;
  return {state, startTime: Number(start)};
}

/** The process under `pid` as /proc shows it, or null (no such process, no /proc). */
export function processStat(pid: number): ProcessStat | null {
  try {
    return parseProcessStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** This process's start time, read once (it never changes). */
let ownStart: number | null | undefined;
function ownStartTime(): number | null {
  if (ownStart === undefined) ownStart = processStat(process.pid)?.startTime ?? null;
  return ownStart;
}

/** Who we are, for a lock file. */
function ownerHere(): LockOwner {
  const startTime = ownStartTime();
  return {
    pid: process.pid,
    host: hostname(),
    pidns: pidNamespace(),
    bootId: bootId(),
    ...(startTime === null ? {} : {startTime}),
    createdAt: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
  };
}

/**
 * Whether the owner's process can be looked up from here: same host name and same PID
 * namespace. Containers of one pod, or the pods of a Kubernetes Indexed Job's retries, share a
 * host name but not a PID namespace: there a pid says nothing, and only the heartbeat counts.
 */
export function ownerCheckable(owner: LockOwner): boolean {
  return owner.host === hostname() && (owner.pidns ?? '') === pidNamespace() && (owner.bootId ?? '') === bootId();
}

/** Whether the owner is known to be alive: checkable, alive, and not a former owner with its pid. */
export function ownerAlive(owner: LockOwner): boolean {
  return ownerCheckable(owner) && pidAlive(owner.pid) && (owner.pid !== process.pid || heldHere.has(owner.token)) && stillTheOwner(owner);
}

/**
 * Whether the live process under the owner's pid is the owner as far as /proc tells: a zombie
 * still has its pid (a run killed under a parent that has not reaped it) but holds nothing, and a
 * process that started at another time than the lock recorded got the pid after the owner died.
 * A lock without a start time (older versions) is judged by the pid and the state alone; where
 * /proc says nothing, by the pid alone.
 */
function stillTheOwner(owner: LockOwner): boolean {
  const now = processStat(owner.pid);
  if (now === null) return true;
  if (now.state === 'Z' || now.state === 'X') return false;
  return owner.startTime === undefined || now.startTime === owner.startTime;
}

/** Whether a process with this pid exists (on this host). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseOwner(text: string): LockOwner | null {
  try {
    const o = JSON.parse(text) as LockOwner;
    // a start time that is not a number says nothing: the lock is judged as one without it
    if (o.startTime !== undefined && !Number.isSafeInteger(o.startTime)) delete o.startTime;
    return typeof o.pid === 'number' && typeof o.host === 'string' && typeof o.token === 'string' ? o : null;
  } catch {
    return null;
  }
}

async function readOwner(path: string): Promise<LockOwner | null> {
  return parseOwner(await readFile(path, 'utf8').catch(() => ''));
}

/** The owner recorded in the lock file at `path`, or null (no file, unreadable). */
export function readOwnerSync(path: string): LockOwner | null {
  try {
    return parseOwner(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

async function ageMs(path: string): Promise<number | null> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return null;
  }
}

async function tryCreate(path: string, owner: LockOwner): Promise<boolean> {
  try {
    const fh = await open(path, 'wx');
    try {
      await fh.writeFile(JSON.stringify(owner) + '\n');
      await fh.sync();
    } catch (e) {
      // a lock that could not be written (a full disk) must not be left for others to wait on
      await fh.close().catch(() => undefined);
      await unlinkQuiet(path).catch(() => undefined);
      throw e;
    }
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

async function unlinkQuiet(path: string): Promise<void> {
  await unlink(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

/** Whether the lock file at `path` (owned by `owner`, null if unreadable) is stale. */
async function isStale(path: string, owner: LockOwner | null, staleMs = HEARTBEAT_STALE_MS): Promise<boolean> {
  if (owner === null) {
    const age = await ageMs(path);
    return age !== null && age > UNREADABLE_STALE_MS;
  }
  // an owner we can look up and is gone (a pid of ours that is not our lock: a former process
  // that had the same pid, as a container restarted in the same namespace)
  if (ownerCheckable(owner) && !ownerAlive(owner)) return true;
  const age = await ageMs(path);
  return age !== null && age > staleMs;
}

/**
 * Removes the stale lock at `path` if it still is the one we judged stale (same token, or
 * still unreadable), holding `path.break` so no other process breaks it at the same time.
 */
async function breakStale(path: string, stale: LockOwner | null, staleMs: number): Promise<void> {
  const breaker = `${path}.break`;
  const me = ownerHere();
  if (!(await tryCreate(breaker, me))) {
    const age = await ageMs(breaker);
    if (age !== null && age > BREAK_STALE_MS) await unlinkQuiet(breaker);
    return;
  }
  try {
    const now = await readOwner(path);
    const same = stale === null ? now === null : now?.token === stale.token;
    if (same && (await isStale(path, now, staleMs))) await unlinkQuiet(path);
  } finally {
    await unlinkQuiet(breaker);
  }
}

/** Takes the lock at `path`, waiting for a live owner to finish and breaking a dead owner's lock. */
export async function acquireLock(path: string, opts: LockOptions): Promise<HeldLock> {
  await mkdir(dirname(path), {recursive: true});
  const me = ownerHere();
  // known as ours before the file exists: another acquire in this process that reads the file
  // between its creation and our return must see a live lock, not a stale one of our pid to break
  heldHere.add(me.token);
  try {
    return await acquireAs(path, me, opts);
  } catch (e) {
    heldHere.delete(me.token);
    throw e;
  }
}

async function acquireAs(path: string, me: LockOwner, opts: LockOptions): Promise<HeldLock> {
  const deadline = Date.now() + opts.timeoutMs;
  let told = false;
  for (;;) {
    if (await tryCreate(path, me)) {
      const heartbeat = startHeartbeat(path, me.token, opts.heartbeatMs ?? HEARTBEAT_MS, () => opts.onLost?.());
      return {
        path,
        release: async () => {
          heartbeat.stop();
          heldHere.delete(me.token);
          const now = await readOwner(path);
          if (now?.token === me.token) await unlinkQuiet(path);
        },
        releaseSync: () => {
          heartbeat.stop();
          heldHere.delete(me.token);
          if (readOwnerSync(path)?.token !== me.token) return;
          try {
            unlinkSync(path);
          } catch {
            // already gone
          }
        },
      };
    }
    const owner = await readOwner(path);
    if (await isStale(path, owner, opts.staleMs)) {
      await breakStale(path, owner, opts.staleMs ?? HEARTBEAT_STALE_MS);
      continue;
    }
    if (!told) {
      told = true;
      opts.onWait?.(owner);
    }
    if (Date.now() >= deadline) {
      const who = owner ? `process ${owner.pid} on ${owner.host} (since ${owner.createdAt})` : 'another process';
      throw new LockTimeoutError(
        `${who} still holds ${path} after ${Math.round(opts.timeoutMs / 1000)}s (LCNET_LOCK_TIMEOUT); if no lcnet process is running, delete that file`,
      );
    }
    const poll = opts.pollMs ?? 100;
    await pause(Math.min(Math.max(0, deadline - Date.now()), poll * (0.75 + 0.5 * Math.random())), path, opts.signal);
  }
}

/** Waits `ms` between looks at a busy lock; a fired `signal` ends the wait with a CancelledError. */
async function pause(ms: number, path: string, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, {signal});
  } catch (e) {
    if (signal?.aborted) throw new CancelledError(`stopped waiting for ${path}`, {cause: e});
    throw e;
  }
}

interface Heartbeat {
  path: string;
  token: string;
  everyMs: number;
  last: number;
  onLost: () => void;
  lost: boolean;
}

/** The heartbeats of the locks this process holds. */
const beating = new Set<Heartbeat>();

/** One beat: if the file is still ours, refresh its time; if not, tell the holder (once). */
function beat(h: Heartbeat): void {
  if (h.lost) return;
  h.last = Date.now();
  if (readOwnerSync(h.path)?.token !== h.token) {
    h.lost = true;
    h.onLost();
    return;
  }
  const now = new Date();
  try {
    utimesSync(h.path, now, now);
  } catch {
    // the next beat looks again
  }
}

/**
 * Beats every held lock that is due. Code that keeps the main thread busy for long (reading back
 * an output of millions of records) calls this as it goes, so that a timer that cannot fire does
 * not let the lock look abandoned.
 */
export function beatHeldLocks(): void {
  const now = Date.now();
  for (const h of beating) if (now - h.last >= h.everyMs) beat(h);
}

function startHeartbeat(path: string, token: string, everyMs: number, onLost: () => void): {stop(): void} {
  const h: Heartbeat = {path, token, everyMs, last: Date.now(), onLost, lost: false};
  beating.add(h);
  const timer = setInterval(() => beat(h), everyMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      beating.delete(h);
    },
  };
}

/** Runs `fn` while holding the lock at `path`. */
export async function withLock<T>(path: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(path, opts);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
