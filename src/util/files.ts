// Files as l2l reads and writes them. Inputs are bounded (a regular file below a size limit, so
// `--config /dev/zero` fails at once instead of reading until memory runs out); outputs are replaced
// atomically (write a temporary file, fsync, rename, fsync the folder), so a reader or a crash sees
// the old file or the new one, never half of one; every filesystem error names the flag or file it
// came from, the path and what the system said.

import {
  closeSync, existsSync, fstatSync, fsyncSync, openSync, readSync, renameSync, rmSync, statfsSync, writeSync,
} from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { FileSystemError, InputError } from './errors.ts';

/** The size limit of a genome or config file read from the command line. */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** What each errno means for a path, said plainly. */
const ERRNO: Record<string, string> = {
  ENOENT: 'does not exist',
  ENOTDIR: 'has a part that is not a folder',
  EISDIR: 'is a folder',
  EACCES: 'is not accessible (permission denied)',
  EPERM: 'is not accessible (operation not permitted)',
  EROFS: 'is on a read-only file system',
  ENAMETOOLONG: 'is too long a name',
  ELOOP: 'has too many symbolic links',
  EEXIST: 'exists already',
  ENOTEMPTY: 'is a folder that is not empty',
  EINVAL: 'is not valid here',
  ENOSPC: 'could not be written: no space left on the device',
  EDQUOT: 'could not be written: disk quota exceeded',
  EIO: 'could not be read or written: input/output error',
  EMFILE: 'could not be opened: too many open files',
  ENFILE: 'could not be opened: too many open files in the system',
};

/** Errors of the path itself (bad input, exit 2); the others (a full disk, an I/O error) fail the run (exit 1). */
const INPUT_ERRNOS = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENAMETOOLONG', 'ELOOP', 'EEXIST', 'ENOTEMPTY', 'EINVAL']);

/** A thrown filesystem error as an InputError or FileSystemError naming `field` and `path`. */
export function fileError(error: unknown, field: string, path: string): Error {
  if (error instanceof InputError || error instanceof FileSystemError) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const said = ERRNO[code] ?? `could not be used: ${error instanceof Error ? error.message : String(error)}`;
  const rule = `${said}${code === '' ? '' : ` (${code})`}`;
  return INPUT_ERRNOS.has(code) ? new InputError(field, `path ${JSON.stringify(path)} ${rule}`) : new FileSystemError(field, path, rule);
}

/**
 * The bytes of the regular file at `path` (named `field` in errors), refused if it is not a regular
 * file (a device, a FIFO, a folder) or is larger than `limit` bytes. The size is checked on the
 * open descriptor and again while reading, so a file that grows cannot slip past the limit.
 */
export function readInputFile(path: string, field: string, limit = MAX_INPUT_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fileError(error, field, path);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new InputError(field, `must be a regular file (${JSON.stringify(path)} is ${kindOf(stat)})`);
    if (stat.size > limit) throw new InputError(field, `must be a file of at most ${limit} bytes (${JSON.stringify(path)} has ${stat.size})`);
    const buffer = Buffer.alloc(Math.min(limit, stat.size) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > limit) throw new InputError(field, `must be a file of at most ${limit} bytes (${JSON.stringify(path)} grew past it while read)`);
      if (length === buffer.length) break;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    throw fileError(error, field, path);
  } finally {
    closeSync(fd);
  }
}

/** readInputFile as UTF-8 text, without a leading byte order mark. */
export function readInputText(path: string, field: string, limit = MAX_INPUT_BYTES): string {
  const text = readInputFile(path, field, limit).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function kindOf(stat: ReturnType<typeof fstatSync>): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The suffix of the temporary files of atomic writes; a run removes its leftovers when it starts. */
export const TEMP_SUFFIX = '.tmp';

/**
 * Replaces `path` with `data` atomically: written to `path` + TEMP_SUFFIX, fsynced, renamed over
 * `path`, and the folder fsynced so the rename itself survives a crash. The temporary file is
 * removed if anything fails. `field` names the file or flag in errors.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, field: string): void {
  const temp = `${path}${TEMP_SUFFIX}`;
  try {
    writeSynced(temp, 'w', data);
    renameSync(temp, path);
    syncFolder(dirname(path));
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // The temporary file could not be made either (a path through a regular file): nothing to remove.
    }
    throw fileError(error, field, path);
  }
}

/** Appends `text` to `path` and fsyncs it (a metrics line: whole, or cut off and dropped on resume). */
export function appendDurable(path: string, text: string, field: string): void {
  try {
    writeSynced(path, 'a', text);
  } catch (error) {
    throw fileError(error, field, path);
  }
}

/** Writes (flag 'w') or appends ('a') all of `data` to `path` and fsyncs it. */
function writeSynced(path: string, flag: 'w' | 'a', data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = openSync(path, flag, 0o644);
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** fsyncs a folder, so that renames and new entries in it are durable. */
export function syncFolder(folder: string): void {
  const fd = openSync(folder, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

// statfs magic numbers of kernel pseudo-filesystems (linux/magic.h): files there are not storage.
const PSEUDO_FS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'], [0x62656572, 'sysfs'], [0x1cd1, 'devpts'], [0x27e0eb, 'cgroup'], [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'], [0x73636673, 'securityfs'], [0x74726163, 'tracefs'], [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'], [0x62656570, 'configfs'], [0x65735543, 'fusectl'], [0x42494e4d, 'binfmt_misc'],
]);

/**
 * Refuses a path to be written under a pseudo-filesystem (/proc, /sys, /dev and the like), where
 * writes hang or fail in odd ways: `--out /proc/foo` fails at once, naming the flag.
 */
export function checkStoragePath(path: string, field: string): void {
  if (path === '') throw new InputError(field, 'must be a path (got an empty string)');
  const full = resolve(path);
  let existing = full;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  let type: number;
  try {
    type = statfsSync(existing).type;
  } catch (error) {
    throw fileError(error, field, path);
  }
  const pseudo = PSEUDO_FS.get(type);
  const underDev = (full === '/dev' || full.startsWith(`/dev${sep}`)) && !full.startsWith(`/dev${sep}shm${sep}`);
  if (pseudo !== undefined || underDev) {
    throw new InputError(field, `must be on a storage file system, not the ${pseudo ?? 'device'} pseudo-filesystem of ${JSON.stringify(existing)}`, path);
  }
}
