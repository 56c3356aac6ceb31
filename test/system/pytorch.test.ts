// The PyTorch export (src/export/pytorch.ts) against the engine, in Debian's python3-torch.
//
// Agreement: for the 26 seeds, the op zoo (cases.ts: every op, the inputs read back through delayed
// edges) and exportable mutants of the seeds, the engine runs 200 steps of a random
// problem over four tensors (test/export/cases.ts: a 3 x 4 matrix, a bias, a column, a scalar) and
// records what each step fed the genome and the parameters it made. torch_driver.py replays that run
// through the exported optimizer: same gradient, loss and curvature each step, its own parameters
// and state, compared with the engine's after every step. This verifies the update rule itself; a
// closed loop (torch computing its own gradients) would also measure how sensitive the problem is
// to the last bit of a float32 gradient. The tolerance is 1e-5 relative plus 1e-8 absolute per
// element at every step, tight enough to catch a mean taken in float32 instead of float64 (3e-4);
// what was measured (every element of every step bit-exact) is in docs/optimizer.md, Exports.
//
// Training: an evolved optimizer (the first mutant that runs 200 steps in the engine and lowers the
// random problem's loss to under half) and AdaHessian, whose curvature comes from Hutchinson's
// estimate through torch.autograd, train a small MLP; its loss must fall to under half.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { resolveGenomeArg } from '../../src/cli/genome-arg.ts';
import { readFront } from '../../src/evolve/rundir.ts';
import { buildProgram, className } from '../../src/export/program.ts';
import { toPytorch } from '../../src/export/pytorch.ts';
import { problemStreams } from '../../src/optimizer/driver.ts';
import { engineRun, mutantCases, opZooCase, randomProblem, seedCases, SHAPES, type Case, type EngineRun } from '../export/cases.ts';
import { makeRun, smallConfig } from '../report/fixture.ts';
import { torchPython } from './programs.ts';

const DRIVER = new URL('./torch_driver.py', import.meta.url).pathname;
const TOLERANCE = { relative: 1e-5, absolute: 1e-8 };

interface Agreement {
  name: string;
  steps: number;
  worstAbs: number;
  worstRel: number;
  firstBeyond: number;
}

let python: string;
let engine: Engine;
const dir = mkdtempSync(join(tmpdir(), 'l2l-pytorch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  python = torchPython();
  engine = await Engine.create();
});

function driver(...args: string[]): unknown {
  return JSON.parse(execFileSync(python, [DRIVER, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 170_000 }));
}

/** The exported file of a case. */
function exportCase(c: Case): { module: string; className: string } {
  const module = join(dir, `${c.name}.py`);
  writeFileSync(module, toPytorch(c.program));
  return { module, className: className(c.program.name) };
}

/** A case's engine run as the manifest entry and the binary files torch_driver.py reads. */
function manifestEntry(c: Case, run: EngineRun): Record<string, unknown> {
  const lanes = run.initial.length;
  const values = new Float32Array(lanes * (1 + 3 * run.steps.length));
  values.set(run.initial);
  run.steps.forEach((s, i) => {
    const at = lanes * (1 + 3 * i);
    values.set(s.gradient, at);
    values.set(s.curvature, at + lanes);
    values.set(s.after, at + 2 * lanes);
  });
  const f32 = join(dir, `${c.name}.f32`);
  const f64 = join(dir, `${c.name}.f64`);
  writeFileSync(f32, new Uint8Array(values.buffer));
  writeFileSync(f64, new Uint8Array(Float64Array.from(run.steps, (s) => s.loss).buffer));
  return { name: c.name, ...exportCase(c), lanes, steps: run.steps.length, shapes: SHAPES, f32, f64 };
}

describe('the PyTorch export agrees with the engine', () => {
  it('for the 26 seeds, the op zoo and exportable mutants, at every one of 200 steps', () => {
    const problem = randomProblem(7);
    const mutants = mutantCases(40).cases;
    const cases = [...seedCases(), opZooCase(), ...mutants];
    const runs = new Map(cases.map((c) => [c.name, engineRun(engine, c.genome, problem)]));
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify(cases.map((c) => manifestEntry(c, runs.get(c.name) as EngineRun))));
    const results = (driver('agree', manifest, String(TOLERANCE.relative), String(TOLERANCE.absolute)) as { cases: Agreement[] }).cases;
    expect(results.map((r) => r.name)).toEqual(cases.map((c) => c.name));
    const full = mutants.filter((c) => runs.get(c.name)?.stoppedAt === undefined).length;
    expect(full, 'mutants that run all 200 steps in the engine').toBeGreaterThanOrEqual(15);
    const beyond = results.filter((r) => r.firstBeyond >= 0).map((r) => `${r.name}: step ${r.firstBeyond}, worst ${r.worstAbs} (rel ${r.worstRel})`);
    expect(beyond, `beyond ${TOLERANCE.relative} relative + ${TOLERANCE.absolute} absolute`).toEqual([]);
    const exact = results.filter((r) => r.worstAbs === 0).length;
    console.log(`pytorch export: ${results.length} optimizers, ${exact} bit-exact over all steps; worst relative ${Math.max(...results.map((r) => r.worstRel))}`);
  });
});

describe('the exported optimizer\'s state', () => {
  it('goes through state_dict() and load_state_dict() into a fresh optimizer that continues bit for bit', () => {
    const lookahead = seedCases().find((c) => c.name === 'lookahead-adam') as Case;
    const { module, className: name } = exportCase(lookahead);
    const r = driver('resume', module, name) as { equal: boolean; step: number; keys: string[] };
    expect(r).toEqual({ equal: true, step: 12, keys: lookahead.program.history.filter((h) => h.width !== 'scalar').flatMap((h) => Array.from({ length: h.depth }, (_, i) => `h${h.key}_${i}`)).sort() });
  });
});

describe('a genome evolved by a real run', () => {
  it('is exported as RUN#ID with its step-size scale, agrees with the engine for 200 steps and trains the MLP', async () => {
    // Evolution's own offspring, not hand-made mutants: the first exportable front member of a
    // small real run that evolution made (not a seed), as `l2l export RUN#ID` takes it.
    const run = await makeRun(join(dir, 'run'), smallConfig({ generations: 4, seed: 11 }));
    const members = readFront(run, 3).front.filter((m) => (m.born ?? m.made) !== 'seed');
    const picked = members
      .map((m) => ({ m, genome: resolveGenomeArg(`${run}#${m.id}`).genome }))
      .map((x) => ({ ...x, program: buildProgram(x.genome, `evolved-${x.m.id}`) }))
      .find((x) => !('status' in x.program));
    expect(picked, `an exportable evolved member among ${members.length}`).toBeDefined();
    const c: Case = { name: `evolved-${picked?.m.id}`, genome: picked?.genome as Case['genome'], program: picked?.program as Case['program'] };
    const problem = randomProblem(9);
    const manifest = join(dir, 'evolved.json');
    writeFileSync(manifest, JSON.stringify([manifestEntry(c, engineRun(engine, c.genome, problem))]));
    const [agreement] = (driver('agree', manifest, String(TOLERANCE.relative), String(TOLERANCE.absolute)) as { cases: Agreement[] }).cases;
    expect(agreement?.firstBeyond, `${c.name} (born by ${picked?.m.born ?? picked?.m.made}, scale index ${picked?.m.scale})`).toBe(-1);
    const { module, className: name } = exportCase(c);
    const r = driver('train', module, name) as { before: number; after: number; finite: boolean };
    console.log(`${c.name} (born by ${picked?.m.born ?? picked?.m.made}, scale index ${picked?.m.scale}) trains the MLP: loss ${r.before} -> ${r.after}`);
    expect(r.finite).toBe(true);
    expect(r.after).toBeLessThan(r.before);
  });
});

describe('exported optimizers train a torch model', () => {
  const problem = randomProblem(7);

  it('an evolved optimizer lowers an MLP\'s loss to under half', () => {
    const evolved = mutantCases(40).cases.find((c) => {
      const run = engineRun(engine, c.genome, problem);
      if (run.stoppedAt !== undefined || c.program.readsCurvature) return false;
      const gradient = new Float32Array(run.initial.length);
      const start = problem.evaluate(run.initial, gradient, problemStreams(0).noise);
      const end = problem.evaluate(run.steps[run.steps.length - 1]?.after ?? run.initial, gradient, problemStreams(0).noise);
      return end < start / 2;
    });
    expect(evolved, 'an evolved optimizer that learns').toBeDefined();
    const { module, className: name } = exportCase(evolved as Case);
    const r = driver('train', module, name) as { before: number; after: number; finite: boolean };
    console.log(`${(evolved as Case).name} trains the MLP: loss ${r.before} -> ${r.after}`);
    expect(r.finite).toBe(true);
    expect(r.after).toBeLessThan(r.before / 2);
  });

  it('AdaHessian reads Hutchinson\'s curvature through torch.autograd and trains the MLP', () => {
    const adahessian = seedCases().find((c) => c.name === 'adahessian') as Case;
    expect(adahessian.program.readsCurvature).toBe(true);
    const { module, className: name } = exportCase(adahessian);
    const h = driver('hutchinson', module, name) as { worst: number };
    expect(h.worst).toBeLessThan(1e-6);
    const r = driver('train', module, name) as { before: number; after: number; finite: boolean; readsCurvature: boolean };
    console.log(`adahessian trains the MLP: loss ${r.before} -> ${r.after}`);
    expect(r.readsCurvature).toBe(true);
    expect(r.finite).toBe(true);
    expect(r.after).toBeLessThan(r.before / 2);
  });
});
