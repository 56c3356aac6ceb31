// `l2l seeds`, `l2l eval` and `l2l export`: in-process through runCli (the whole command line
// without a process start), and as a real process for each defect the command line had, so each
// such test shows the defect on the code before the fix.
import { execFile } from 'node:child_process';
import { linkSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { PROGRAM_FORMATS } from '../../src/export/index.ts';
import { EXPORT_FORMATS } from '../../src/genome/export.ts';
import { SEED_NAMES } from '../../src/seeds/index.ts';

const root = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);

/** A real process: exit code, stdout and stderr. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, ['bin/l2l.mjs', ...args], { cwd: root, maxBuffer: 64 << 20, timeout: 20_000 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

/** In-process: exit code, stdout and stderr. */
async function l2l(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { code, stdout, stderr };
}

const json = async (...args: string[]) => {
  const { code, stdout, stderr } = await l2l(...args);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(stdout);
};

describe('l2l eval', () => {
  it('runs seed:adam on rosenbrock:fixed for 500 steps and reports 501 finite losses as JSON', async () => {
    const { code, stdout } = await cli('eval', 'seed:adam', '--task', 'rosenbrock:fixed', '--steps', '500', '--json');
    expect(code).toBe(0);
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
    const { stdout } = await l2l('eval', 'seed:sgd', '--task', 'quadratic:fixed', '--steps', '20', '--every', '5');
    const rows = [...stdout.matchAll(/^\s+(\d+)\s+(\d\.\d+e[-+]\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(rows.map(([step]) => step)).toEqual([0, 5, 10, 15, 20]);
    expect(stdout).toMatch(/^final loss \d\.\d+e[-+]\d+ after 20 steps, from 1\.877463e\+0; status ok$/m);
    expect(stdout).toMatch(/^state \d+ bytes per parameter; work \d+\.\d per step per parameter$/m);
  });

  it('runs a genome file exactly as the seed it was exported from', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'l2l-')), 'momentum.json');
    expect((await l2l('export', 'seed:momentum', '--format', 'json', '--out', file)).code).toBe(0);
    const args = ['--task', 'quadratic-noisy', '--steps', '50', '--seed', '7', '--json'];
    expect((await json('eval', file, ...args)).trainLoss).toEqual((await json('eval', 'seed:momentum', ...args)).trainLoss);
  });

  it('applies --hyper to a seed', async () => {
    const base = await json('eval', 'seed:sgd', '--task', 'quadratic', '--steps', '5', '--json');
    const fast = await json('eval', 'seed:sgd', '--task', 'quadratic', '--steps', '5', '--json', '--hyper', 'lr=0.5');
    expect(fast.finalLoss).toBeLessThan(base.finalLoss);
  });

  it('rejects an unknown seed, an unknown task and a missing one, listing the names', async () => {
    expect(await l2l('eval', 'seed:adamx', '--task', 'quadratic')).toEqual({
      code: 2, stdout: '', stderr: `l2l: seed must be one of ${SEED_NAMES.join(', ')} (got "adamx")\n`,
    });
    const tasks = 'regression, classification, iris, linreg-8, glyphs, sequence, quadratic, quadratic-noisy, quadratic-split, rosenbrock';
    expect(await l2l('eval', 'seed:adam', '--task', 'mnist')).toMatchObject({ code: 2, stderr: `l2l: --task must be one of ${tasks} (got "mnist")\n` });
    expect(await l2l('eval', 'seed:adam')).toMatchObject({ code: 2, stderr: `l2l: --task is required (${tasks})\n` });
    expect(await l2l('eval', 'seed:adam', '--task', 'bandit')).toMatchObject({
      code: 2, stderr: 'l2l: --task must be an optimizer task (l2l eval trains with optimizer genomes; learner tasks are for l2l evolve --role learner, docs/learner.md) (got "bandit")\n',
    });
    expect(await l2l('eval', '--task', 'quadratic')).toMatchObject({ code: 2, stderr: 'l2l: genome is required: l2l eval <genome> --task NAMES [options]\n' });
  });

  it.each([['abc'], ['0'], ['1.5'], ['-3'], ['100001']])('rejects --steps %s, naming the registry\'s limit', async (steps) => {
    expect(await l2l('eval', 'seed:adam', '--task', 'quadratic', '--steps', steps)).toEqual({
      code: 2, stdout: '', stderr: `l2l: --steps must be an integer from 1 to 100000 (got "${steps}")\n`,
    });
  });

  // Defect: --steps took up to 1,000,000 while the registry's limit is 100,000, so 100,001 failed
  // later with a message naming tasks[0].steps, and the help said nothing of the limit.
  it('states the real --steps limit in its help and its error', async () => {
    const help = await cli('eval', '--help');
    expect(help.stdout).toMatch(/--steps <n>\s+optimizer steps per task \(values: 1 to 100000;/);
    expect(await cli('eval', 'seed:adam', '--task', 'quadratic', '--steps', '100001')).toMatchObject({
      code: 2, stderr: 'l2l: --steps must be an integer from 1 to 100000 (got "100001")\n',
    });
  });

  // Defect: eval took seeds up to 2^32 - 1, evolve up to 2^31 - 1.
  it('takes --seed from 0 to 2^31 - 1 in eval and evolve alike', async () => {
    const rule = 'l2l: --seed must be an integer from 0 to 2147483647 (got "2147483648")\n';
    expect(await cli('eval', 'seed:sgd', '--task', 'quadratic', '--steps', '1', '--seed', '2147483648')).toMatchObject({ code: 2, stderr: rule });
    expect(await l2l('evolve', '--seed', '2147483648')).toMatchObject({ code: 2, stderr: rule });
    expect((await json('eval', 'seed:sgd', '--task', 'quadratic', '--steps', '1', '--seed', '2147483647', '--json')).seed).toBe(2147483647);
  });

  it('rejects an unknown flag, a flag without its value, a bad or unknown hyperparameter and a missing file', async () => {
    expect(await l2l('eval', 'seed:adam', '--task', 'quadratic', '--lr', '1')).toMatchObject({ code: 2, stderr: expect.stringContaining("l2l: unknown option '--lr'") });
    expect(await l2l('eval', 'seed:adam', '--task')).toMatchObject({ code: 2, stderr: expect.stringContaining("l2l: option '--task <names>' argument missing") });
    expect(await l2l('eval', 'seed:adam', '--task', 'quadratic', '--hyper', 'lr')).toMatchObject({
      code: 2, stderr: 'l2l: --hyper must be name=value pairs (repeated or separated by commas), each value a finite number (got "lr")\n',
    });
    expect((await l2l('eval', 'seed:adam', '--task', 'quadratic', '--hyper', 'gamma=1')).stderr).toBe('l2l: hyperparameter "gamma" of adam must be one of lr, b1, b2, eps\n');
    expect(await l2l('eval', 'no/such/genome.json', '--task', 'quadratic')).toMatchObject({
      code: 2, stderr: 'l2l: genome must be seed:NAME or a genome file: path "no/such/genome.json" does not exist (ENOENT)\n',
    });
  });

  // Defect: a second --hyper or --task was refused ("must be given at most once").
  it('takes --hyper and --task repeated or comma-joined alike', async () => {
    const base = ['eval', 'seed:adam', '--steps', '5', '--json'];
    const repeated = await cli(...base, '--task', 'quadratic', '--task', 'rosenbrock', '--hyper', 'lr=0.5', '--hyper', 'b1=0.5');
    expect(repeated).toMatchObject({ code: 0, stderr: '' });
    const losses = (summary: { tasks: { task: string; trainLoss: number[] }[] }) => summary.tasks.map((t) => [t.task, t.trainLoss]);
    const joined = await json(...base, '--task', 'quadratic,rosenbrock', '--hyper', 'lr=0.5,b1=0.5');
    expect(losses(JSON.parse(repeated.stdout))).toEqual(losses(joined));
    expect(losses(joined).map(([task]) => task)).toEqual(['quadratic', 'rosenbrock']);
    expect(losses(joined)).not.toEqual(losses(await json(...base, '--task', 'quadratic,rosenbrock'))); // the overrides took effect
  });

  // Defect: `--hyper lr=1,lr=2` silently took the last value.
  it('rejects a hyperparameter named twice, naming it', async () => {
    const rule = 'l2l: --hyper must name each hyperparameter at most once (got "lr")\n';
    expect(await cli('eval', 'seed:adam', '--task', 'quadratic', '--steps', '1', '--hyper', 'lr=1,lr=2')).toMatchObject({ code: 2, stderr: rule });
    expect(await l2l('eval', 'seed:adam', '--task', 'quadratic', '--hyper', 'lr=1', '--hyper', 'lr=2')).toMatchObject({ code: 2, stderr: rule });
  });

  // Defect: `--hyper __proto__=1` was silently ignored (it set the prototype of the overrides).
  it('rejects __proto__ and other inherited names as hyperparameters', async () => {
    const rule = (name: string) => `l2l: hyperparameter "${name}" of adam must be one of lr, b1, b2, eps\n`;
    expect(await cli('eval', 'seed:adam', '--task', 'quadratic', '--steps', '1', '--hyper', '__proto__=1')).toMatchObject({ code: 2, stderr: rule('__proto__') });
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      expect(await l2l('eval', 'seed:adam', '--task', 'quadratic', '--hyper', `${name}=1`)).toMatchObject({ code: 2, stderr: rule(name) });
    }
  });

  // Defect: a genome file starting with a UTF-8 byte order mark was invalid JSON.
  it('accepts a genome file with a UTF-8 byte order mark', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'l2l-bom-')), 'sgd.json');
    writeFileSync(file, `\uFEFF${(await l2l('export', 'seed:sgd')).stdout}`);
    const args = ['--task', 'quadratic', '--steps', '5', '--json'];
    const fromFile = await cli('eval', file, ...args);
    expect(fromFile).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(fromFile.stdout).trainLoss).toEqual((await json('eval', 'seed:sgd', ...args)).trainLoss);
  });

  // Defect: /dev/zero was read until memory ran out.
  it('refuses a genome that is not a regular file at once', async () => {
    const started = performance.now();
    expect(await cli('eval', '/dev/zero', '--task', 'quadratic')).toEqual({
      code: 2, stdout: '', stderr: 'l2l: genome must be a regular file ("/dev/zero" is a character device)\n',
    });
    expect(performance.now() - started).toBeLessThan(10_000);
  });
  it('stops a task past --time-limit with exit code 124, naming the flag', async () => {
    const started = performance.now();
    expect(await cli('eval', 'seed:adam', '--task', 'regression', '--steps', '100000', '--time-limit', '300')).toEqual({
      code: 124, stdout: '', stderr: 'l2l: task regression ran past the time limit of 300 ms (--time-limit)\n',
    });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('scores a genome over --work-limit as invalid (over_budget), on every machine alike', async () => {
    const report = await json('eval', 'seed:adam', '--task', 'quadratic', '--steps', '5', '--work-limit', '1', '--json');
    expect(report).toMatchObject({ status: 'over-budget', result: { status: 'invalid', reason: 'over_budget' } });
    expect((await json('eval', 'seed:adam', '--task', 'quadratic', '--steps', '5', '--json')).status).toBe('ok');
  });
});

describe('l2l export', () => {
  it('writes seed:lion as a Graphviz digraph', async () => {
    const { stdout } = await l2l('export', 'seed:lion', '--format', 'dot');
    expect(stdout.startsWith('digraph "lion" {')).toBe(true);
    expect(stdout.trimEnd().endsWith('}')).toBe(true);
    expect(stdout).toContain('n0 [label="in 0: gradient"');
    expect(stdout).toMatch(/n6 \[label="out 0: parameter/);
    expect(stdout).toMatch(/style=dashed/); // lion keeps a momentum across ticks
  });

  it('writes a Mermaid flowchart to a file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'l2l-')), 'adam.mmd');
    expect(await l2l('export', 'seed:adam', '--format', 'mermaid', '--out', file)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(file, 'utf8').startsWith('flowchart LR\n')).toBe(true);
  });

  it('rejects an unknown format', async () => {
    const formats = [...EXPORT_FORMATS, ...PROGRAM_FORMATS].join(', ');
    expect(formats.startsWith('json, dot, mermaid, pytorch, tfjs')).toBe(true);
    expect(await l2l('export', 'seed:adam', '--format', 'svg')).toMatchObject({ code: 2, stderr: `l2l: --format must be one of ${formats} (got "svg")\n` });
  });

  // Defect: --out was truncated and rewritten in place, so a reader (here: a hard link to the old
  // file) saw the new text mixed into the old file, or half of it after a crash.
  it('replaces --out atomically: a new file, the old one left whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'l2l-out-'));
    const file = join(dir, 'lion.json');
    writeFileSync(file, 'old\n');
    linkSync(file, join(dir, 'old-lion.json'));
    expect(await cli('export', 'seed:lion', '--out', file)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(JSON.parse(readFileSync(file, 'utf8')).name).toBe('lion');
    expect(readFileSync(join(dir, 'old-lion.json'), 'utf8')).toBe('old\n');
    expect(readdirSync(dir).sort()).toEqual(['lion.json', 'old-lion.json']);
  });

  // Defect: --out wrote into /proc (and would have written over a device in /dev).
  it('refuses --out on a pseudo-filesystem, naming the flag', async () => {
    expect(await cli('export', 'seed:lion', '--out', '/proc/self/comm')).toEqual({
      code: 2, stdout: '', stderr: 'l2l: --out must be on a storage file system, not the proc pseudo-filesystem of "/proc/self/comm" (got "/proc/self/comm")\n',
    });
  });

  // Defect: the system's message came without the rule (and later, the temporary file's cleanup threw).
  it('names --out and the path when a part of the path is not a folder', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'l2l-notdir-')), 'file');
    writeFileSync(file, '');
    expect(await cli('export', 'seed:lion', '--out', join(file, 'lion.json'))).toEqual({
      code: 2, stdout: '', stderr: `l2l: --out path ${JSON.stringify(join(file, 'lion.json'))} has a part that is not a folder (ENOTDIR)\n`,
    });
  });
});

describe('l2l seeds', () => {
  it('lists the 26 seeds with their defaults as JSON', async () => {
    const seeds = await json('seeds', '--json');
    expect(seeds.map((s: { name: string }) => s.name)).toEqual([...SEED_NAMES]);
    for (const s of seeds) {
      expect(s.title, s.name).not.toBe('');
      expect(s.paper, s.name).not.toBe('');
      expect(Object.keys(s.defaults).length, s.name).toBeGreaterThan(0);
      expect(s.nodes, s.name).toBeGreaterThanOrEqual(7); // the role's six inputs and one output, at least
    }
  });

  it('lists them as text, and help names every command', async () => {
    const { stdout } = await l2l('seeds');
    for (const name of SEED_NAMES) expect(stdout).toMatch(new RegExp(`^${name}  `, 'm'));
    const help = (await l2l('help')).stdout;
    for (const command of ['demo', 'seeds', 'eval', 'export', 'evolve', 'inspect', 'help']) expect(help).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });
});
