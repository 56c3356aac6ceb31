// The run lock: one run directory has one writer. A run holds `run.lock` for its whole life; a
// second process that opens the directory for writing is refused with the holder's pid, host and
// start time. A lock left by a killed process is stale: on the same host its pid is gone, or the
// pid now belongs to another process (its start time, from /proc, differs); a stale lock is taken
// over. The lock file is created whole by linking a finished temporary file to its name (link
// fails if the name exists), and a takeover is serialised by a second such file, so two processes
// racing for one directory never both hold it.

import { hostname } from 'node:os';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../util/errors.ts';
import { fileError } from '../util/files.ts';

export const LOCK_FILE = 'run.lock';
const TAKEOVER_FILE = 'run.lock.takeover';

export interface LockInfo {
  pid: number;
  host: string;
  /** When the holder took the lock (ISO time). */
  since: string;
  /** The holder's start time in clock ticks after boot (/proc/PID/stat field 22); '' where unknown. */
  started: string;
}

export interface RunLock {
  readonly path: string;
  /** Removes the lock if it is still this process's. */
  release(): void;
}

/** This process's start time as /proc/self/stat gives it, or '' off Linux. */
function startTime(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? '';
  } catch {
    return '';
  }
}

function ownInfo(): LockInfo {
  return { pid: process.pid, host: hostname(), since: new Date().toISOString(), started: startTime(process.pid) };
}

/** Whether the process that wrote `info` is still running (on another host: assumed so). */
export function holderAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true;
  try {
    process.kill(info.pid, 0);
  } catch (error) {
    if ((error as { code?: string }).code === 'ESRCH') return false;
  }
  return info.started === '' || startTime(info.pid) === '' || startTime(info.pid) === info.started;
}

function readInfo(path: string): LockInfo | undefined {
  try {
    const info = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockInfo>;
    if (typeof info.pid !== 'number' || typeof info.host !== 'string') return undefined;
    return { pid: info.pid, host: info.host, since: String(info.since ?? '?'), started: String(info.started ?? '') };
  } catch {
    return undefined;
  }
}

/** Creates `path` holding `info`, whole, unless it exists (then false). */
function createWhole(path: string, info: LockInfo): boolean {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(info)}\n`);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as { code?: string }).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

export function describeHolder(info: LockInfo): string {
  return `process ${info.pid} on ${info.host}, since ${info.since}`;
}

/** Writes this process's lock into `dir` (a new run directory not yet visible to others). */
export function writeLock(dir: string): void {
  writeFileSync(join(dir, LOCK_FILE), `${JSON.stringify(ownInfo())}\n`);
}

/** The handle of this process's lock in `dir`. */
export function lockIn(dir: string): RunLock {
  return handle(join(dir, LOCK_FILE));
}

function handle(path: string): RunLock {
  return {
    path,
    release() {
      const info = readInfo(path);
      if (info !== undefined && info.pid === process.pid && info.host === hostname()) rmSync(path, { force: true });
    },
  };
}

/**
 * Takes the lock of the run directory `dir` (named `field` in errors): refused with exit-2 input
 * error naming the holder while a live process holds it; a stale lock is taken over.
 */
export function acquireLock(dir: string, field: string): RunLock {
  const path = join(dir, LOCK_FILE);
  const takeover = join(dir, TAKEOVER_FILE);
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (createWhole(path, ownInfo())) return handle(path);
      const holder = readInfo(path);
      if (holder !== undefined && holderAlive(holder)) {
        throw new InputError(field, `must name a run directory no other process is writing: ${dir} is locked by ${describeHolder(holder)} (${LOCK_FILE})`);
      }
      // Stale (or unreadable: a lock is written whole, so only a damaged one is): take it over,
      // one process at a time.
      if (!createWhole(takeover, ownInfo())) {
        const other = readInfo(takeover);
        if (other !== undefined && holderAlive(other)) {
          throw new InputError(field, `must name a run directory no other process is writing: ${describeHolder(other)} is taking over its stale lock`);
        }
        rmSync(takeover, { force: true });
        continue;
      }
      try {
        const again = readInfo(path);
        if (again === undefined || !holderAlive(again)) rmSync(path, { force: true });
        if (createWhole(path, ownInfo())) return handle(path);
      } finally {
        rmSync(takeover, { force: true });
      }
    }
  } catch (error) {
    throw fileError(error, field, dir);
  }
  throw new InputError(field, `must name a run directory no other process is writing: could not take ${join(dir, LOCK_FILE)}`);
}
