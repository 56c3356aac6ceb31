// Generative test of the command line (fast-check): random mixes of commands, known and unknown
// flags, missing, bad, repeated and odd values, run in-process through runCli. Whatever the input,
// the exit code is a documented one, an error is one message and never a stack trace, each run ends
// within seconds and leaves no worker thread behind. Values that would make a command run long (an
// evolution, a long training) are kept small or invalid; paths come from a fixed set, so no run
// writes outside a temporary folder.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/exit.ts';
import { runCli } from '../../src/cli/main.ts';
import { liveEvalWorkers } from '../../src/pool/timed.ts';

const base = mkdtempSync(join(tmpdir(), 'l2l-fuzz-'));
const file = join(base, 'file');
writeFileSync(file, '{');
const config = join(base, 'run.yaml');
writeFileSync(config, 'population: 20\ngenerations: 1\n');
const badConfig = join(base, 'bad.json');
writeFileSync(badConfig, JSON.stringify({ species: { targetSpecie: 3 }, __proto__: { x: 1 } }));
const empty = join(base, 'empty');
mkdirSync(empty);

const PATHS = [file, config, badConfig, empty, join(file, 'x'), join(base, 'new.json'), '/proc/l2l-fuzz', '/dev/zero', '/dev/null', '/nonexistent/x', ''];
const odd = fc.oneof(
  fc.constantFrom('', ' ', '-', '--', '=', ',', '0', '-1', '1e3', '1.5', 'NaN', 'Infinity', '2147483648', '99999999999999999999', '\u0000', '\uFEFF1', 'é', '💥'),
  fc.string({ maxLength: 6 }),
);
/** Mostly valid, sometimes odd: a mix of several flags is then often valid as a whole. */
const mostly = (valid: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: odd });
const small = mostly(fc.integer({ min: 1, max: 8 }).map(String));
const TASKS = ['quadratic', 'quadratic:fixed', 'rosenbrock', 'linreg-8', 'iris:mlp', 'classification:blobs', 'quadratic,rosenbrock', 'mnist', 'quadratic,quadratic', ''];
const task = mostly(fc.constantFrom(...TASKS));
const hyper = mostly(fc.constantFrom('lr=0.1', 'lr=0.01', 'lr=1,lr=2', '__proto__=1', 'constructor=1', 'toString=2', 'b1=0.9', 'lr=NaN', 'lr', '=1', 'lr=1=2'));
const path = fc.constantFrom(...PATHS);
const genome = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('seed:adam', 'seed:sgd', 'seed:lion') },
  { weight: 2, arbitrary: fc.constantFrom('seed:nope', 'seed:', ...PATHS) },
  { weight: 1, arbitrary: odd },
);

/** Each command's flags with a value generator (undefined: a switch). */
const FLAGS: Record<string, Record<string, fc.Arbitrary<string> | undefined>> = {
  demo: {},
  seeds: { '--json': undefined },
  eval: {
    '--task': task, '--steps': small, '--batch-size': small, '--seed': small, '--every': small, '--hyper': hyper,
    '--time-limit': small, '--work-limit': small, '--json': undefined,
  },
  export: { '--format': mostly(fc.constantFrom('json', 'dot', 'mermaid', 'svg')), '--out': path, '--hyper': hyper },
  evolve: {
    '--config': path, '--generations': small, '--population': small, '--tasks': task, '--seed': small, '--workers': small,
    '--force-workers': undefined, '--time-limit': small, '--out': path, '--resume': path,
  },
  inspect: {},
};
const UNKNOWN = ['--nope', '--stpes', '-x', '--task=quadratic', '--json=1', '--', '---', '-'];

function commandArgs(command: string): fc.Arbitrary<string[]> {
  const flags = FLAGS[command] ?? {};
  const names = Object.keys(flags);
  const flag: fc.Arbitrary<string[]> = names.length === 0
    ? fc.constantFrom(...UNKNOWN).map((f) => [f])
    : fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...names).chain((name) => {
        const value = flags[name];
        return value === undefined ? fc.constant<string[]>([name]) : fc.oneof({ weight: 5, arbitrary: value.map((v) => [name, v]) }, { weight: 1, arbitrary: fc.constant<string[]>([name]) });
      }) },
      { weight: 1, arbitrary: fc.constantFrom(...UNKNOWN).map((f) => [f]) },
    );
  const needsOne = command === 'eval' || command === 'export' || command === 'inspect';
  const first = needsOne ? fc.option(command === 'inspect' ? path : genome, { freq: 8 }) : fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: odd });
  const extra = fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: odd });
  const withTask = command === 'eval' ? fc.oneof({ weight: 3, arbitrary: task.map((t) => ['--task', t]) }, { weight: 1, arbitrary: fc.constant([]) }) : fc.constant([]);
  return fc.tuple(first, withTask, fc.array(flag, { maxLength: 4 }), extra).map(([one, taskFlag, pairs, last]) => {
    const args = [...(one === null ? [] : [one]), ...taskFlag, ...pairs.flat(), ...(last === null ? [] : [last])];
    // Bounds on the work a valid mix could start: a few steps, and an evolution never starts
    // (a second --out, or one on /proc, is always refused before the run directory is made).
    if (command === 'eval' && !args.includes('--steps')) args.push('--steps', '3');
    if (command === 'evolve') args.push('--out', '/proc/l2l-fuzz');
    return args;
  });
}

const argv = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...Object.keys(FLAGS)).chain((c) => commandArgs(c).map((args) => [c, ...args])) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('help', '--help', '-h', '--version', '-V', 'evl', 'seed', ''), fc.option(fc.constantFrom(...Object.keys(FLAGS), 'nope', ''))).map(([a, b]) => (b === null ? [a] : [a, b])) },
  { weight: 1, arbitrary: fc.array(odd, { maxLength: 4 }) },
);

const CODES = EXIT_CODES.map((e) => e.code);

describe('the command line on random input', () => {
  it('answers a documented exit code, one message without a stack trace, within seconds', async () => {
    await fc.assert(
      fc.asyncProperty(argv, async (args) => {
        let stderr = '';
        const started = performance.now();
        const code = await runCli(args, { stdout: () => {}, stderr: (t) => { stderr += t; } });
        const elapsed = performance.now() - started;
        expect(CODES).toContain(code);
        expect(stderr).not.toMatch(/^\s+at /m);
        expect(stderr).not.toContain('internal error');
        if (code === 2) expect(stderr).toMatch(/^l2l: \S/m);
        expect(elapsed).toBeLessThan(5_000);
        expect(liveEvalWorkers()).toBe(0); // eval's worker thread is gone, whatever happened
      }),
      { numRuns: 400, seed: 20_261_210 },
    );
  }, 120_000);
});
