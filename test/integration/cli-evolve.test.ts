// `l2l evolve` at its edges: config and run-directory paths (bounded reads, errors that name the
// flag and the path), the flags a resume may take, the exit codes of errors, and Ctrl-C/SIGTERM.
// Real processes where the defect was the process's behaviour; in-process (runCli) elsewhere.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { reportError } from '../../src/cli/exit.ts';
import { Interrupt, type CliIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/main.ts';
import { readCheckpoint } from '../../src/evolve/rundir.ts';
import { FileSystemError } from '../../src/util/errors.ts';
import { fileError } from '../../src/util/files.ts';

const root = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);
const SMALL = ['--population', '16', '--tasks', 'quadratic', '--workers', '1'];

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ['bin/l2l.mjs', ...args], { cwd: root, timeout: 20_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

function capture(extra: Partial<CliIO> = {}): { io: CliIO; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  return { io: { stdout: (t) => { out.stdout += t; }, stderr: (t) => { out.stderr += t; }, ...extra }, out };
}

async function l2l(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { io, out } = capture();
  return { code: await runCli(args, io), ...out };
}

const tmp = (prefix: string): string => mkdtempSync(join(tmpdir(), `l2l-${prefix}-`));

/** A regular file, for paths that go through it as if it were a folder (ENOTDIR). */
function regularFile(): string {
  const file = join(tmp('file'), 'file');
  writeFileSync(file, '');
  return file;
}

async function waitFor(done: () => boolean, ms = 30_000): Promise<void> {
  for (let waited = 0; !done(); waited += 10) {
    if (waited > ms) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const generationOf = (dir: string): number => (existsSync(join(dir, 'checkpoint.msgpack')) ? readCheckpoint(dir).state.generation : -1);

describe('l2l evolve: files', () => {
  // Defect: /dev/zero was read until memory ran out.
  it('refuses a --config that is not a regular file at once', async () => {
    const started = performance.now();
    expect(await cli('evolve', '--config', '/dev/zero')).toEqual({
      code: 2, stdout: '', stderr: 'l2l: --config must be a regular file ("/dev/zero" is a character device)\n',
    });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  // Defect: "--config must name a readable JSON file", without what was wrong with the path.
  it('names --config, the path and the reason when the file cannot be read', async () => {
    const path = join(regularFile(), 'run.yaml');
    expect(await cli('evolve', '--config', path)).toEqual({
      code: 2, stdout: '', stderr: `l2l: --config path ${JSON.stringify(path)} has a part that is not a folder (ENOTDIR)\n`,
    });
    expect(await l2l('evolve', '--config', '/no/such/run.json')).toMatchObject({ code: 2, stderr: 'l2l: --config path "/no/such/run.json" does not exist (ENOENT)\n' });
  });

  // Defect: both failed with the system's message and no flag (exit 1), /proc/foo after trying to write there.
  it('names --out and the path when the run directory cannot be made there', async () => {
    const path = join(regularFile(), 'run');
    const notDir = await cli('evolve', '--generations', '1', ...SMALL, '--out', path);
    expect(notDir.code).toBe(2);
    expect(notDir.stderr).toMatch(/^l2l: --out .*ENOTDIR/);
    expect(notDir.stderr).toContain(JSON.stringify(path));
    expect(await cli('evolve', '--generations', '1', ...SMALL, '--out', '/proc/foo')).toEqual({
      code: 2, stdout: '', stderr: 'l2l: --out must be on a storage file system, not the proc pseudo-filesystem of "/proc" (got "/proc/foo")\n',
    });
  });

  it('says what EACCES and ENOSPC mean, naming the flag and the path, with exit codes 2 and 1', () => {
    const denied = fileError(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }), '--out', '/srv/run');
    const full = fileError(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }), '--out', '/srv/run');
    expect(denied.message).toBe('--out path "/srv/run" is not accessible (permission denied) (EACCES)');
    expect(full).toBeInstanceOf(FileSystemError);
    expect(full.message).toBe('--out: path "/srv/run" could not be written: no space left on the device (ENOSPC)');
    for (const [error, code] of [[denied, 2], [full, 1]] as const) {
      const { io, out } = capture();
      expect(reportError(error, io)).toBe(code);
      expect(out.stderr).toBe(`l2l: ${error.message}\n`);
    }
  });

  it('prints an unexpected error without its stack trace unless L2L_DEBUG=1', () => {
    const bug = new TypeError('x is undefined');
    const quiet = capture();
    expect(reportError(bug, quiet.io)).toBe(1);
    expect(quiet.out.stderr).toBe('l2l: internal error: x is undefined (L2L_DEBUG=1 prints the stack trace)\n');
    const debug = capture({ debug: true });
    expect(reportError(bug, debug.io)).toBe(1);
    expect(debug.out.stderr).toMatch(/^l2l: internal error: TypeError: x is undefined\n\s+at /);
  });
});

describe('l2l evolve: flags', () => {
  let dir = '';
  beforeAll(async () => {
    dir = join(tmp('resume'), 'run');
    expect(await l2l('evolve', '--generations', '1', ...SMALL, '--seed', '4', '--out', dir)).toMatchObject({ code: 0, stderr: expect.stringContaining('generation   1/1') });
  }, 60_000);

  // Defect: --resume took no other flag at all, and the error named none of them.
  it('lets --resume change only --generations, --workers, --force-workers and --time-limit', async () => {
    const resumed = await cli('evolve', '--resume', dir, '--generations', '2', '--time-limit', '30000', '--workers', '1');
    expect(resumed).toMatchObject({ code: 0, stdout: expect.stringContaining(`run directory: ${dir}\nfinal front (generation 1)`) });
    expect(readCheckpoint(dir)).toMatchObject({ config: { generations: 2, timeLimitMs: 30_000 }, state: { generation: 2 } });
    const rule = 'cannot come with --resume: a resumed run keeps its configuration except --generations, --workers, --time-limit, --force-workers';
    for (const [flag, value] of [['--seed', '3'], ['--population', '20'], ['--tasks', 'rosenbrock'], ['--config', 'run.yaml'], ['--out', 'x']]) {
      expect(await l2l('evolve', '--resume', dir, '--generations', '3', flag as string, value as string)).toEqual({ code: 2, stdout: '', stderr: `l2l: ${flag} ${rule}\n` });
    }
  });

  it('refuses more workers than cores unless --force-workers, naming --workers', async () => {
    const n = String(availableParallelism() + 1);
    expect(await l2l('evolve', '--workers', n, '--out', '/proc/x')).toMatchObject({ code: 2, stderr: expect.stringMatching(/^l2l: --workers must be at most \d+, the available parallelism/) });
    // Forced, the workers pass and the next check (the pseudo-filesystem --out) answers.
    expect(await l2l('evolve', '--workers', n, '--force-workers', '--out', '/proc/x')).toMatchObject({ code: 2, stderr: expect.stringContaining('l2l: --out must be on a storage file system') });
    expect(await l2l('evolve', '--resume', dir, '--workers', n)).toMatchObject({ code: 2, stderr: expect.stringMatching(/^l2l: --workers must be at most/) });
  });
});

describe('l2l evolve: interrupts', () => {
  const LONG = ['evolve', '--generations', '10000', ...SMALL];

  // Defect: Ctrl-C killed the run wherever it was, with no word on how to continue.
  it('finishes and checkpoints the generation on Ctrl-C, exits 130 and says how to resume', async () => {
    const dir = join(tmp('sigint'), 'run');
    const child = spawn(process.execPath, ['bin/l2l.mjs', ...LONG, '--out', dir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => generationOf(dir) >= 1);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const at = readCheckpoint(dir).state.generation;
    expect(stderr).toMatch(/l2l: Ctrl-C: finishing and checkpointing generation \d+, then stopping; Ctrl-C again stops at once/);
    expect(stderr).toContain(`l2l: stopped after generation ${at} of 10000; continue with: l2l evolve --resume ${dir}\n`);
    expect(stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('stops at once on a second Ctrl-C, with exit code 130, the last checkpoint whole', async () => {
    const dir = join(tmp('sigint2'), 'run');
    const child = spawn(process.execPath, ['bin/l2l.mjs', ...LONG, '--out', dir], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitFor(() => generationOf(dir) >= 1);
    child.kill('SIGINT');
    await waitFor(() => stderr.includes('Ctrl-C again'));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain(`l2l: stopped; continue from the last checkpoint with: l2l evolve --resume ${dir}\n`);
    expect(readCheckpoint(dir).state.generation).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('treats SIGTERM as Ctrl-C, with exit code 143, and the run resumes', async () => {
    const dir = join(tmp('sigterm'), 'run');
    const interrupt = new Interrupt();
    const { io, out } = capture({ interrupt });
    const running = runCli([...LONG, '--out', dir], io);
    await waitFor(() => generationOf(dir) >= 1);
    expect(interrupt.raise('SIGTERM')).toBe('clean');
    expect(await running).toBe(143);
    expect(out.stderr).toMatch(/l2l: SIGTERM: finishing and checkpointing generation \d+/);
    const at = readCheckpoint(dir).state.generation;
    expect(await l2l('evolve', '--resume', dir, '--generations', String(at + 1))).toMatchObject({ code: 0, stdout: expect.stringContaining(`final front (generation ${at})`) });
  }, 60_000);
});
