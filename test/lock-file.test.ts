import assert from 'node:assert/strict';
import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {join} from 'node:path';
import {
  acquireLock,
  beatHeldLocks,
  bootId,
  HEARTBEAT_STALE_MS,
  LockTimeoutError,
  parseProcessStat,
  pidAlive,
  pidNamespace,
  processStat,
  withLock,
} from '../src/fs/lock-file.js';
import {spawnUnreaped} from './support/unreaped.js';
import {settle, signal, until} from './support/wait.js';

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {encoding: 'utf8'});
  return Number(child.stdout);
}

describe('lock files', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lcnet-lock-'));
    path = join(dir, 'locks', 'model.x.lock');
  });
  afterEach(() => rmSync(dir, {recursive: true, force: true}));

  const plant = (owner: object) => {
    mkdirSync(join(dir, 'locks'), {recursive: true});
    writeFileSync(path, JSON.stringify(owner));
  };

  it('writes pid, host and time, and removes the file on release', async () => {
    const lock = await acquireLock(path, {timeoutMs: 1000});
    const owner = JSON.parse(readFileSync(path, 'utf8'));
    assert.equal(owner.pid, process.pid);
    assert.equal(owner.host, hostname());
    assert.ok(Date.parse(owner.createdAt) <= Date.now());
    await lock.release();
    assert.equal(existsSync(path), false);
  });

  it('makes a second taker wait until the first releases', async () => {
    const order: string[] = [];
    const first = await acquireLock(path, {timeoutMs: 1000});
    const waiting = signal();
    const second = withLock(path, {timeoutMs: 20_000, pollMs: 10, onWait: () => waiting.fire()}, async () => {
      order.push('second');
    });
    await waiting.promise;
    order.push('first done');
    await first.release();
    await second;
    assert.deepEqual(order, ['first done', 'second']);
  });

  it('gives a lock to one of several takers in this process at a time, even when they start together', async () => {
    // a taker that read the file between another's creating it and that one's return took it for
    // a stale lock of our pid and broke it: both held the lock (two installs, one scratch folder)
    let holders = 0;
    let most = 0;
    const take = () =>
      withLock(path, {timeoutMs: 20_000, pollMs: 1}, async () => {
        most = Math.max(most, ++holders);
        await new Promise((r) => setImmediate(r));
        holders--;
      });
    for (let round = 0; round < 300; round++) await Promise.all([take(), take(), take()]);
    assert.equal(most, 1);
  });

  it('breaks a lock left by a dead process on this host', async () => {
    const pid = deadPid();
    assert.equal(pidAlive(pid), false);
    plant({pid, host: hostname(), pidns: pidNamespace(), bootId: bootId(), createdAt: new Date(0).toISOString(), token: 'old'});
    const lock = await acquireLock(path, {timeoutMs: 500});
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).pid, process.pid);
    await lock.release();
  });

  it('reads the state and start time of /proc/PID/stat after the last ")": a command name may hold spaces and parentheses', () => {
    // fields 4..21 as 1, 2, ...; field 22 (start time) 98765; a command name made to mislead
    const rest = Array.from({length: 18}, (_, i) => String(i + 1)).join(' ');
    const line = `4242 (a) Z 7 (b) c)) S ${rest} 98765 2000 30 18446744073709551615\n`;
    assert.deepEqual(parseProcessStat(line), {state: 'S', startTime: 98765});
    assert.equal(parseProcessStat('4242 (cut'), null);
    assert.equal(parseProcessStat('4242 (x) S 1 2'), null, 'too few fields');
    // this process, as the kernel writes it
    const self = processStat(process.pid);
    assert.ok(self && /^[RS]$/.test(self.state) && self.startTime > 0, JSON.stringify(self));
    assert.equal(processStat(deadPid()), null);
  });

  it('records the start time of its process in the lock file', async () => {
    const lock = await acquireLock(path, {timeoutMs: 1000});
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).startTime, processStat(process.pid)!.startTime);
    await lock.release();
  });

  it('breaks a lock whose pid now belongs to a process that started at another time (the pid was reused)', async () => {
    // the parent process is alive and not this one: a lock naming it with its own start time holds
    const parent = processStat(process.ppid)!;
    const here = {host: hostname(), pidns: pidNamespace(), bootId: bootId(), createdAt: '2025-01-01T00:00:00.000Z'};
    plant({pid: process.ppid, ...here, startTime: parent.startTime, token: 'the-parent'});
    await assert.rejects(acquireLock(path, {timeoutMs: 100, pollMs: 10}), LockTimeoutError);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).token, 'the-parent');
    // the same pid with another start time: the owner died, its pid was given to this process
    plant({pid: process.ppid, ...here, startTime: parent.startTime - 1, token: 'a-former-process'});
    const lock = await acquireLock(path, {timeoutMs: 0});
    assert.notEqual(JSON.parse(readFileSync(path, 'utf8')).token, 'a-former-process');
    await lock.release();
  });

  it('breaks a lock whose owner is a zombie (dead, not yet reaped by its parent), with or without a start time', async function () {
    this.timeout(30_000);
    const child = await spawnUnreaped(process.execPath, ['-e', '']);
    try {
      await until(() => child.state() === 'Z', 'the child to end and stay a zombie');
      assert.equal(pidAlive(child.pid), true, 'a zombie still has its pid');
      const startTime = processStat(child.pid)!.startTime;
      for (const recorded of [{startTime}, {}]) {
        plant({pid: child.pid, host: hostname(), pidns: pidNamespace(), bootId: bootId(), ...recorded, createdAt: new Date().toISOString(), token: 'zombie'});
        const lock = await acquireLock(path, {timeoutMs: 0});
        assert.notEqual(JSON.parse(readFileSync(path, 'utf8')).token, 'zombie');
        await lock.release();
      }
    } finally {
      await child.reap();
    }
    assert.equal(child.state(), null, 'reaped once its parent could run');
  });

  it('breaks a lock with our own pid that we did not take: a container restarted with the same pid', async () => {
    plant({pid: process.pid, host: hostname(), pidns: pidNamespace(), bootId: bootId(), createdAt: '2020-01-01T00:00:00Z', token: 'previous-life'});
    const lock = await acquireLock(path, {timeoutMs: 0});
    assert.notEqual(JSON.parse(readFileSync(path, 'utf8')).token, 'previous-life');
    lock.releaseSync();
    assert.equal(existsSync(path), false);
  });

  it('never judges by pid a lock from another PID namespace (a container with the same host name): only its heartbeat counts', async () => {
    for (const pid of [deadPid(), process.pid]) {
      plant({pid, host: hostname(), pidns: 'pid:[1]', createdAt: '2025-01-01T00:00:00.000Z', token: 'other-container'});
      await assert.rejects(acquireLock(path, {timeoutMs: 100, pollMs: 10}), LockTimeoutError);
      assert.equal(JSON.parse(readFileSync(path, 'utf8')).token, 'other-container');
      // its heartbeat stops: then it is stale
      const old = new Date(Date.now() - 5000);
      utimesSync(path, old, old);
      const lock = await acquireLock(path, {timeoutMs: 1000, pollMs: 10, staleMs: 2000});
      await lock.release();
    }
  });

  it('never judges by pid a lock of another machine that has the same host name and PID namespace id', async () => {
    plant({pid: deadPid(), host: hostname(), pidns: pidNamespace(), bootId: 'another-boot', createdAt: '2025-01-01T00:00:00.000Z', token: 'twin'});
    await assert.rejects(acquireLock(path, {timeoutMs: 100, pollMs: 10}), LockTimeoutError);
  });

  it('tells its holder when the lock is taken away', async () => {
    const lost = signal();
    // a heartbeat due at every look: each timer tick and each beatHeldLocks() call beats
    const lock = await acquireLock(path, {timeoutMs: 100, heartbeatMs: 0, onLost: () => lost.fire()});
    writeFileSync(path, JSON.stringify({pid: 1, host: 'elsewhere', createdAt: '', token: 'usurper'}));
    await lost.promise;
    // and its heartbeat no longer refreshes a lock that is not its own
    const old = new Date(Date.now() - 60000);
    utimesSync(path, old, old);
    beatHeldLocks();
    await settle();
    assert.ok(Date.now() - statSync(path).mtimeMs > 50000);
    await lock.release();
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).token, 'usurper');
  });

  it('breaks an unreadable lock file once it is old, not while it is fresh', async () => {
    plant({});
    writeFileSync(path, '');
    await assert.rejects(acquireLock(path, {timeoutMs: 100, pollMs: 10}), LockTimeoutError);
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(path, old, old);
    const lock = await acquireLock(path, {timeoutMs: 500});
    await lock.release();
  });

  it('times out on a live owner with a message naming it and the file', async () => {
    // the parent process: alive, and not this one
    plant({pid: process.ppid, host: hostname(), pidns: pidNamespace(), bootId: bootId(), createdAt: '2025-01-01T00:00:00.000Z', token: 'someone-else'});
    await assert.rejects(acquireLock(path, {timeoutMs: 120, pollMs: 10}), (e: unknown) => {
      assert.ok(e instanceof LockTimeoutError);
      assert.match(e.message, new RegExp(`process ${process.ppid} on .* still holds .*model\\.x\\.lock`));
      assert.match(e.message, /delete that file/);
      return true;
    });
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).token, 'someone-else');
  });

  it('never breaks a live lock of another host, and breaks one whose heartbeat stopped', async () => {
    plant({pid: deadPid(), host: `not-${hostname()}`, createdAt: '2025-01-01T00:00:00.000Z', token: 'remote'});
    await assert.rejects(acquireLock(path, {timeoutMs: 100, pollMs: 10}), LockTimeoutError);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).token, 'remote');
    // the owner stopped refreshing the file long ago: a container that is gone
    const past = new Date(Date.now() - HEARTBEAT_STALE_MS - 1000);
    utimesSync(path, past, past);
    const lock = await acquireLock(path, {timeoutMs: 1000, pollMs: 10});
    assert.notEqual(JSON.parse(readFileSync(path, 'utf8')).token, 'remote');
    await lock.release();
  });

  it('keeps a held lock fresh with a heartbeat', async () => {
    const lock = await acquireLock(path, {timeoutMs: 500, heartbeatMs: 20});
    const old = new Date(Date.now() - 60_000);
    utimesSync(path, old, old);
    await until(() => Date.now() - statSync(path).mtimeMs < 30_000, 'a heartbeat to refresh the lock');
    await lock.release();
  });

  it('does not delete a lock it no longer owns', async () => {
    const lock = await acquireLock(path, {timeoutMs: 500});
    writeFileSync(path, JSON.stringify({pid: process.pid, host: hostname(), createdAt: '', token: 'new-owner'}));
    await lock.release();
    assert.equal(existsSync(path), true);
  });
});
