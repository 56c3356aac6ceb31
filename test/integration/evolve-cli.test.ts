// `l2l evolve` and `l2l inspect` as a user runs them: real processes, the real pool, real files. A
// run killed with SIGKILL and resumed ends exactly as the same run left alone.

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readCheckpoint, readMetrics } from '../../src/evolve/rundir.ts';

const root = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);
const cli = (...args: string[]) => run(process.execPath, ['bin/l2l.mjs', ...args], { cwd: root });
const ARGS = ['evolve', '--generations', '30', '--population', '40', '--tasks', 'quadratic,linreg-8', '--seed', '5', '--workers', '2'];
const lines = (dir: string): unknown[] => readMetrics(dir).map(({ evaluationsPerSecond: _, ...rest }) => rest);

describe('l2l evolve', () => {
  it('resumes a run killed with SIGKILL to the same end as an uninterrupted run', async () => {
    const whole = join(mkdtempSync(join(tmpdir(), 'l2l-whole-')), 'run');
    const killed = join(mkdtempSync(join(tmpdir(), 'l2l-killed-')), 'run');
    const { stdout } = await cli(...ARGS, '--out', whole);
    expect(stdout).toContain(`run directory: ${whole}`);

    const child = spawn(process.execPath, ['bin/l2l.mjs', ...ARGS, '--out', killed], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let at = -1;
    for (let waited = 0; waited < 60_000 && at < 0; waited += 10) {
      await new Promise((r) => setTimeout(r, 10));
      if (child.exitCode !== null) break;
      if (existsSync(join(killed, 'checkpoint.msgpack'))) {
        const g = readCheckpoint(killed).state.generation;
        if (g >= 3) at = g;
      }
    }
    expect(child.exitCode, 'the run ended before it could be killed').toBeNull();
    child.kill('SIGKILL');
    await exited;
    expect(readCheckpoint(killed).state.generation).toBeLessThan(30);

    await cli('evolve', '--resume', killed);
    expect(lines(killed)).toEqual(lines(whole));
    expect(readCheckpoint(killed).state).toEqual(readCheckpoint(whole).state);
    const { stdout: summary } = await cli('inspect', killed);
    expect(summary).toContain('30 of 30 generations done');
  }, 120_000);

  it('resumes a run killed with SIGKILL during generation 0', async () => {
    const whole = join(mkdtempSync(join(tmpdir(), 'l2l-whole0-')), 'run');
    const killed = join(mkdtempSync(join(tmpdir(), 'l2l-killed0-')), 'run');
    const args = ['evolve', '--generations', '3', '--population', '30', '--tasks', 'quadratic', '--seed', '2', '--workers', '1'];
    await cli(...args, '--out', whole);
    const child = spawn(process.execPath, ['bin/l2l.mjs', ...args, '--out', killed], { cwd: root, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let waited = 0; waited < 60_000 && !existsSync(join(killed, 'checkpoint.msgpack')); waited += 5) {
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await exited;
    expect(readCheckpoint(killed).state.generation).toBe(0);
    await cli('evolve', '--resume', killed);
    expect(lines(killed)).toEqual(lines(whole));
  }, 120_000);

  it('lets one of two processes write a run directory: two fresh runs, then two resumes', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'l2l-two-')), 'run');
    const args = ['evolve', '--generations', '60', '--population', '40', '--tasks', 'quadratic,linreg-8', '--seed', '3', '--workers', '1'];
    const settle = (p: Promise<unknown>) => p.then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));
    const fresh = await Promise.all([settle(cli(...args, '--out', dir)), settle(cli(...args, '--out', dir))]);
    expect(fresh.map((r) => r.code).sort()).toEqual([0, 2]);
    expect(fresh.find((r) => r.code === 2)?.stderr).toMatch(/--out must name a (new or empty folder|run directory no other process is writing)/);
    expect(readMetrics(dir).map((m) => m.generation)).toEqual([...Array(60).keys()]);

    const resumed = await Promise.all([settle(cli('evolve', '--resume', dir, '--generations', '80')), settle(cli('evolve', '--resume', dir, '--generations', '80'))]);
    expect(resumed.map((r) => r.code).sort()).toEqual([0, 2]);
    expect(resumed.find((r) => r.code === 2)?.stderr).toContain('--resume must name a run directory no other process is writing');
    expect(readMetrics(dir).map((m) => m.generation)).toEqual([...Array(80).keys()]);
  }, 180_000);

  it('takes a YAML or JSON config file, and refuses unknown keys', async () => {
    const base = mkdtempSync(join(tmpdir(), 'l2l-config-'));
    writeFileSync(join(base, 'run.yaml'), 'population: 30\ngenerations: 2\ncurriculum:\n  tasks:\n    - task: quadratic\n  tasksPerGeneration: 1\n  steps: { min: 5, max: 10 }\n  heldOut: []\n');
    const { stdout } = await cli('evolve', '--config', join(base, 'run.yaml'), '--workers', '1', '--out', join(base, 'out'));
    expect(stdout).toContain('final front (generation 1)');
    expect(readCheckpoint(join(base, 'out')).config.population).toBe(30);
    writeFileSync(join(base, 'bad.json'), JSON.stringify({ species: { targetSpecie: 3 } }));
    await expect(cli('evolve', '--config', join(base, 'bad.json'))).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('species.targetSpecie is not a known key') });
  }, 60_000);

  it('refuses bad flags and configs with the field and the rule', async () => {
    await expect(cli('evolve', '--generations', '0')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--generations must be an integer from 1 to 100000 (got "0")') });
    await expect(cli('evolve', '--tasks', 'nope', '--generations', '1')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('curriculum.tasks[0].task must be one of') });
    await expect(cli('evolve', '--resume', '/nonexistent', '--seed', '3')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('--resume') });
    await expect(cli('inspect')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('run directory is required') });
    await expect(cli('inspect', '/nonexistent')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('run directory must name a run directory with a checkpoint.msgpack') });
  });
});
