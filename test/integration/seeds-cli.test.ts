// `l2l seeds`, `l2l eval` and `l2l export` as a user runs them: a real process, the real engine.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SEED_NAMES } from '../../src/seeds/index.ts';

const run = promisify(execFile);
const cli = (...args: string[]) =>
  run(process.execPath, ['bin/l2l.mjs', ...args], { cwd: new URL('../..', import.meta.url).pathname, maxBuffer: 64 << 20 });

/** The CLI's exit code and stderr for a run expected to fail. */
async function failure(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await cli(...args);
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`l2l ${args.join(' ')} succeeded`);
}

describe('l2l eval', () => {
  it('runs seed:adam on rosenbrock:fixed for 500 steps and reports 501 finite losses as JSON', async () => {
    const { stdout } = await cli('eval', 'seed:adam', '--task', 'rosenbrock:fixed', '--steps', '500', '--json');
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ genome: 'adam', task: 'rosenbrock:fixed', seed: 0, steps: 500, status: 'ok' });
    expect(report.trainLoss).toHaveLength(501);
    expect(report.trainLoss.every(Number.isFinite)).toBe(true);
    expect(report.trainLoss[0]).toBeCloseTo(24.2, 4); // (1 - x)^2 + 100 (y - x^2)^2 at (-1.2, 1)
    expect(report.initialLoss).toBe(report.trainLoss[0]);
    expect(report.finalLoss).toBe(report.trainLoss[500]);
    expect(report.finalLoss).toBeLessThan(report.initialLoss);
    expect(report.stateBytesPerParameter).toBe(8); // m and v
    expect(report.nodes).toBeGreaterThan(7);
    expect(report.edges).toBeGreaterThan(0);
    expect(report.workPerStepPerParameter).toBeGreaterThan(0);
  });

  it('prints the loss per step and the final metrics as text', async () => {
    const { stdout } = await cli('eval', 'seed:sgd', '--task', 'quadratic:fixed', '--steps', '20', '--every', '5');
    const rows = [...stdout.matchAll(/^\s+(\d+)\s+(\d\.\d+e[-+]\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(rows.map(([step]) => step)).toEqual([0, 5, 10, 15, 20]);
    expect(stdout).toMatch(/^final loss \d\.\d+e[-+]\d+ after 20 steps, from 1\.877463e\+0; status ok$/m);
    expect(stdout).toMatch(/^state \d+ bytes per parameter; work \d+\.\d per step per parameter$/m);
  });

  it('runs a genome file exactly as the seed it was exported from', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l2l-'));
    const file = join(dir, 'momentum.json');
    await cli('export', 'seed:momentum', '--format', 'json', '--out', file);
    const args = ['--task', 'quadratic-noisy', '--steps', '50', '--seed', '7', '--json'];
    const fromFile = JSON.parse((await cli('eval', file, ...args)).stdout);
    const fromSeed = JSON.parse((await cli('eval', 'seed:momentum', ...args)).stdout);
    expect(fromFile.trainLoss).toEqual(fromSeed.trainLoss);
  });

  it('applies --hyper to a seed', async () => {
    const base = JSON.parse((await cli('eval', 'seed:sgd', '--task', 'quadratic', '--steps', '5', '--json')).stdout);
    const fast = JSON.parse((await cli('eval', 'seed:sgd', '--task', 'quadratic', '--steps', '5', '--json', '--hyper', 'lr=0.5')).stdout);
    expect(fast.finalLoss).toBeLessThan(base.finalLoss);
  });

  it('rejects an unknown seed, listing the seeds', async () => {
    const { code, stderr } = await failure('eval', 'seed:adamx', '--task', 'quadratic');
    expect(code).toBe(2);
    expect(stderr).toContain(`seed must be one of ${SEED_NAMES.join(', ')} (got "adamx")`);
  });

  it('rejects an unknown task, listing the tasks', async () => {
    const { code, stderr } = await failure('eval', 'seed:adam', '--task', 'mnist');
    expect(code).toBe(2);
    expect(stderr).toContain('--task must be one of regression, classification, iris, linreg-8, quadratic, quadratic-noisy, quadratic-split, rosenbrock (got "mnist")');
  });

  it('rejects a missing task', async () => {
    const { code, stderr } = await failure('eval', 'seed:adam');
    expect(code).toBe(2);
    expect(stderr).toContain('--task is required (regression, classification, iris, linreg-8, quadratic, quadratic-noisy, quadratic-split, rosenbrock)');
  });

  it.each([['abc'], ['0'], ['1.5'], ['-3'], ['1000001']])('rejects --steps %s', async (steps) => {
    const { code, stderr } = await failure('eval', 'seed:adam', '--task', 'quadratic', '--steps', steps);
    expect(code).toBe(2);
    expect(stderr).toContain(`--steps must be an integer from 1 to 1000000 (got "${steps}")`);
  });

  it('rejects an unknown flag, a flag without its value, an unknown hyperparameter and a missing file', async () => {
    expect(await failure('eval', 'seed:adam', '--task', 'quadratic', '--lr', '1')).toEqual({
      code: 2, stderr: expect.stringContaining('--lr is not a flag of eval (it takes --task, --steps, --batch-size, --seed, --every, --hyper, --json)'),
    });
    expect((await failure('eval', 'seed:adam', '--task')).stderr).toContain('--task needs a value');
    expect((await failure('eval', 'seed:adam', '--task', 'quadratic', '--hyper', 'lr')).stderr)
      .toContain('--hyper must be name=value pairs separated by commas, each value a finite number (got "lr")');
    expect((await failure('eval', 'seed:adam', '--task', 'quadratic', '--hyper', 'gamma=1')).stderr)
      .toContain('hyperparameter "gamma" of adam must be one of');
    const missing = await failure('eval', 'no/such/genome.json', '--task', 'quadratic');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('genome must be seed:NAME or a readable genome file');
  });
});

describe('l2l export', () => {
  it('writes seed:lion as a Graphviz digraph', async () => {
    const { stdout } = await cli('export', 'seed:lion', '--format', 'dot');
    expect(stdout.startsWith('digraph "lion" {')).toBe(true);
    expect(stdout.trimEnd().endsWith('}')).toBe(true);
    expect(stdout).toContain('n0 [label="in 0: gradient"');
    expect(stdout).toMatch(/n6 \[label="out 0: parameter/);
    expect(stdout).toMatch(/style=dashed/); // lion keeps a momentum across ticks
  });

  it('writes a Mermaid flowchart to a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'l2l-')), 'adam.mmd');
    const { stdout } = await cli('export', 'seed:adam', '--format', 'mermaid', '--out', file);
    expect(stdout).toBe('');
    expect(readFileSync(file, 'utf8').startsWith('flowchart LR\n')).toBe(true);
  });

  it('rejects an unknown format', async () => {
    const { code, stderr } = await failure('export', 'seed:adam', '--format', 'svg');
    expect(code).toBe(2);
    expect(stderr).toContain('--format must be one of json, dot, mermaid (got "svg")');
  });
});

describe('l2l seeds', () => {
  it('lists the 26 seeds with their defaults as JSON', async () => {
    const seeds = JSON.parse((await cli('seeds', '--json')).stdout);
    expect(seeds.map((s: { name: string }) => s.name)).toEqual([...SEED_NAMES]);
    for (const s of seeds) {
      expect(s.title, s.name).not.toBe('');
      expect(s.paper, s.name).not.toBe('');
      expect(Object.keys(s.defaults).length, s.name).toBeGreaterThan(0);
      expect(s.nodes, s.name).toBeGreaterThanOrEqual(7); // the role's six inputs and one output, at least
    }
  });

  it('lists them as text, and help names every command', async () => {
    const { stdout } = await cli('seeds');
    for (const name of SEED_NAMES) expect(stdout).toMatch(new RegExp(`^${name}  `, 'm'));
    const help = (await cli('help')).stdout;
    for (const command of ['demo', 'seeds', 'eval', 'export', 'help']) expect(help).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });
});
