// The TensorFlow.js export (src/export/tfjs.ts) against the engine, in process on tfjs's cpu
// backend: for the 26 seeds, the op zoo (cases.ts: every op, the inputs read back) and exportable
// mutants of the seeds, the generated module is written to a
// file and imported, and its optimizer trains the random problem of cases.ts (four tensors, one of
// them 3 x 4) in a closed loop exactly as optimize() drives the engine: each step the problem's
// gradient and loss at the optimizer's own parameters (and the curvature probe, through
// setCurvature, for genomes that read it), then applyGradients. The parameters must equal the
// engine's at every one of 200 steps within 1e-4 relative plus 1e-6 absolute (what was measured:
// docs/optimizer.md, Exports). Also: minimize() reads the loss itself, applyGradients without a loss
// is refused, getWeights/setWeights carry the state to a fresh optimizer, and nothing leaks.

import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { toTfjs } from '../../src/export/tfjs.ts';
import type { UpdateProgram } from '../../src/export/program-types.ts';
import { problemStreams } from '../../src/optimizer/driver.ts';
import type { Problem } from '../../src/optimizer/problems.ts';
import { engineRun, mutantCases, opZooCase, randomProblem, seedCases, SHAPES, type Case } from './cases.ts';

interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

type OptimizerClass = new () => tf.Optimizer & {
  setLoss(loss: number | tf.Scalar): void;
  setCurvature(curvature: NamedTensor[]): void;
};

const dir = mkdtempSync(join(tmpdir(), 'l2l-tfjs-'));
let engine: Engine;
let variableCount = 0;

beforeAll(async () => {
  if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend did not initialise');
  engine = await Engine.create();
});

async function optimizerClass(program: UpdateProgram, file: string): Promise<OptimizerClass> {
  const path = join(dir, `${file}.mjs`);
  writeFileSync(path, toTfjs(program));
  const module = (await import(pathToFileURL(path).href)) as { createOptimizerClass(t: typeof tf): OptimizerClass };
  return module.createOptimizerClass(tf);
}

const sizes = SHAPES.map((s) => s.reduce((a, b) => a * b, 1));

function variables(theta: Float32Array): tf.Variable[] {
  let at = 0;
  return SHAPES.map((shape, i) => {
    const n = sizes[i] as number;
    const v = variable(theta.slice(at, at + n), shape);
    at += n;
    return v;
  });
}

function variable(values: Float32Array, shape: number[]): tf.Variable {
  return tf.tidy(() => tf.variable(tf.tensor(values, shape), true, `export-test-${variableCount++}`));
}

function read(vars: readonly tf.Variable[]): Float32Array {
  const out = new Float32Array(sizes.reduce((a, b) => a + b, 0));
  let at = 0;
  for (const v of vars) {
    const d = v.dataSync();
    out.set(d, at);
    at += d.length;
  }
  return out;
}

function named(vars: readonly tf.Variable[], values: Float32Array): NamedTensor[] {
  let at = 0;
  return vars.map((v, i) => {
    const n = sizes[i] as number;
    const tensor = tf.tensor(values.slice(at, at + n), v.shape);
    at += n;
    return { name: v.name, tensor };
  });
}

/** The worst element error against the engine and the first step beyond the tolerance. */
interface Agreement {
  steps: number;
  worstAbs: number;
  worstRel: number;
  firstBeyond: number;
}

/** The exported optimizer in a closed loop on `problem`, step by step against the engine's run. */
async function agreement(c: Case, problem: Problem): Promise<Agreement> {
  const run = engineRun(engine, c.genome, problem);
  const Optimizer = await optimizerClass(c.program, c.name);
  const optimizer = new Optimizer();
  const vars = variables(run.initial);
  const { noise, probe } = problemStreams(0);
  const gradient = new Float32Array(run.initial.length);
  const curvature = new Float32Array(run.initial.length);
  const result: Agreement = { steps: run.steps.length, worstAbs: 0, worstRel: 0, firstBeyond: -1 };
  run.steps.forEach((record, i) => {
    const theta = read(vars);
    const loss = problem.evaluate(theta, gradient, noise);
    const given: NamedTensor[] = [];
    if (c.program.readsCurvature) {
      problem.curvature(theta, curvature, probe);
      given.push(...named(vars, curvature));
      optimizer.setCurvature(given);
    }
    const grads = named(vars, gradient);
    optimizer.setLoss(loss);
    optimizer.applyGradients(grads);
    tf.dispose([...grads, ...given].map((g) => g.tensor));
    const got = read(vars);
    for (let j = 0; j < got.length; j++) {
      const a = got[j] as number;
      const b = record.after[j] as number;
      const diff = a === b || (Number.isNaN(a) && Number.isNaN(b)) ? 0 : Math.abs(a - b);
      result.worstAbs = Math.max(result.worstAbs, diff);
      if (diff > 0) result.worstRel = Math.max(result.worstRel, diff / Math.max(Math.abs(b), 1e-30));
      if (!(diff <= 1e-6 + 1e-4 * Math.abs(b)) && result.firstBeyond < 0) result.firstBeyond = i + 1;
    }
  });
  optimizer.dispose();
  tf.dispose(vars);
  return result;
}

describe('the TensorFlow.js export agrees with the engine', () => {
  const problem = randomProblem(7);
  const mutants = mutantCases(40);

  it.each([...seedCases(), opZooCase()].map((c) => [c.name, c] as const))('%s, at every one of 200 steps', async (_name, c) => {
    const before = tf.memory().numTensors;
    const r = await agreement(c, problem);
    expect(r.steps).toBe(200);
    expect(r.firstBeyond, `worst ${r.worstAbs} (rel ${r.worstRel})`).toBe(-1);
    expect(r.worstAbs, 'bit-exact on the cpu backend').toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });

  it(`${mutants.cases.length} exportable mutants of the seeds, up to 200 steps (as far as the engine runs)`, async () => {
    expect(mutants.cases.length).toBeGreaterThanOrEqual(30);
    const results = [];
    for (const c of mutants.cases) results.push({ name: c.name, ...(await agreement(c, problem)) });
    expect(results.filter((r) => r.steps === 200).length, 'mutants that run all 200 steps').toBeGreaterThanOrEqual(15);
    expect(results.filter((r) => r.firstBeyond >= 0 || r.worstAbs > 0).map((r) => `${r.name}: ${r.worstAbs}`)).toEqual([]);
  });
});

describe('the TensorFlow.js optimizer class', () => {
  const adam = seedCases().find((c) => c.name === 'adam') as Case;

  it('is a registered tf.Optimizer named after the genome', async () => {
    const Optimizer = await optimizerClass(adam.program, 'adam-class');
    const optimizer = new Optimizer();
    expect(optimizer).toBeInstanceOf(tf.Optimizer);
    expect(optimizer.getClassName()).toBe('L2lAdam');
    expect(tf.serialization.SerializationMap.getMap().classNameMap.L2lAdam?.[0]).toBe(Optimizer);
    optimizer.dispose();
  });

  it('refuses applyGradients without a loss, and minimize() reads the loss itself', async () => {
    const Optimizer = await optimizerClass(adam.program, 'adam-minimize');
    const byMinimize = new Optimizer();
    const byHand = new Optimizer();
    const start = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    const a = variable(start, [3, 4]);
    const b = variable(start, [3, 4]);
    const lossOf = (v: tf.Variable): tf.Scalar => tf.sum(tf.square(v));
    expect(() => byHand.applyGradients([{ name: b.name, tensor: tf.onesLike(b) }]))
      .toThrow('L2lAdam: the update reads the loss: call setLoss(loss) before applyGradients(), or use minimize()');
    for (let i = 0; i < 5; i++) {
      byMinimize.minimize(() => lossOf(a), false, [a]);
      const { value, grads } = tf.variableGrads(() => lossOf(b), [b]);
      byHand.setLoss(value);
      byHand.applyGradients(grads);
      tf.dispose([value, grads]);
    }
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(a.dataSync()[0]).toBeLessThan(1);
    byMinimize.dispose();
    byHand.dispose();
    tf.dispose([a, b]);
  });

  it('carries its state through getWeights and setWeights', async () => {
    const lookahead = seedCases().find((c) => c.name === 'lookahead-adam') as Case;
    const Optimizer = await optimizerClass(lookahead.program, 'lookahead-weights');
    const theta = Float32Array.from({ length: 12 }, (_, i) => i / 4 - 1);
    const a = variable(theta, [3, 4]);
    const b = variable(theta, [3, 4]);
    const first = new Optimizer();
    const lossOf = (v: tf.Variable): tf.Scalar => tf.sum(tf.mul(tf.square(v), tf.linspace(0.5, 2, 12).reshape([3, 4])));
    for (let i = 0; i < 7; i++) first.minimize(() => lossOf(a), false, [a]);
    b.assign(a);
    const weights = await first.getWeights();
    expect(weights[0]?.name).toBe('iter');
    expect(weights.map((w) => w.name).some((n) => n.startsWith(`${a.name}/h`))).toBe(true);
    // The second optimizer updates b: its state must be keyed by b's name.
    const second = new Optimizer();
    await second.setWeights(weights.map((w) => ({ name: w.name.replace(a.name, b.name), tensor: w.tensor })));
    expect(second.iterations).toBe(7);
    for (let i = 0; i < 5; i++) {
      first.minimize(() => lossOf(a), false, [a]);
      second.minimize(() => lossOf(b), false, [b]);
    }
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    first.dispose();
    second.dispose();
    tf.dispose([a, b]);
  });
});
