// What the export tests run: a random problem over several tensors of different shapes (a 3 x 4
// matrix as tasks lay out a weight, rows = outputs, cols = inputs (src/tasks/train.ts), a bias, a
// column, a lone scalar), so reductions and rowmean/colmean meet 2-D groups; the 26 seeds and
// exportable mutants of them; and the engine's step-by-step record of a run, driven exactly as
// optimize() (src/optimizer/driver.ts) drives it.

import { Engine } from '../../src/engine/engine.ts';
import { buildProgram, isNotExportable } from '../../src/export/program.ts';
import type { UpdateProgram } from '../../src/export/program-types.ts';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { mutate } from '../../src/genome/mutate.ts';
import type { Genome, LaneGroup } from '../../src/genome/types.ts';
import { problemStreams, writeOptimizerInputs } from '../../src/optimizer/driver.ts';
import { gaussian, type Problem } from '../../src/optimizer/problems.ts';
import { readsSlot, SLOT } from '../../src/optimizer/role.ts';
import { GenomeBuilder } from '../../src/seeds/builder.ts';
import { SEEDS } from '../../src/seeds/index.ts';
import { createRng } from '../../src/util/rng.ts';

export const STEPS = 200;
export const GROUPS: readonly LaneGroup[] = [{ rows: 3, cols: 4 }, { rows: 1, cols: 5 }, { rows: 4, cols: 1 }, { rows: 1, cols: 1 }];
/** The shapes a framework gives the tensors of GROUPS: the weight 2-D, the bias 1-D, the scalar 0-D. */
export const SHAPES: readonly number[][] = [[3, 4], [5], [4, 1], []];

/**
 * f(theta) = sum_i h_i (d_i^2 / 2 + d_i^4 / 4), d = theta - c, with h_i log-uniform in [0.05, 2],
 * c_i ~ N(0, 1), the start c + N(0, 1), and N(0, 0.01^2) gradient noise. The quartic makes the
 * curvature depend on where the parameters are: z (H z) = h_i (1 + 3 d_i^2) for a Rademacher z (H
 * is diagonal, so no draw is needed).
 */
export function randomProblem(dataSeed: number): Problem {
  const rng = createRng(dataSeed);
  const lanes = GROUPS.reduce((s, g) => s + g.rows * g.cols, 0);
  const h = Float64Array.from({ length: lanes }, () => 0.05 * 40 ** rng.next());
  const c = Float32Array.from({ length: lanes }, () => gaussian(rng));
  const start = Float32Array.from(c, (x) => x + gaussian(rng));
  return {
    name: `random:${dataSeed}`,
    description: 'a separable quadratic plus quartic over four tensors',
    groups: GROUPS,
    initial: () => start.slice(),
    optimum: () => c.slice(),
    evaluate(theta, gradient, noise) {
      let loss = 0;
      for (let i = 0; i < lanes; i++) {
        const d = (theta[i] as number) - (c[i] as number);
        const hi = h[i] as number;
        loss += hi * (d * d / 2 + d ** 4 / 4);
        gradient[i] = hi * (d + d ** 3) + 0.01 * gaussian(noise);
      }
      return loss;
    },
    curvature(theta, out) {
      for (let i = 0; i < lanes; i++) {
        const d = (theta[i] as number) - (c[i] as number);
        out[i] = (h[i] as number) * (1 + 3 * d * d);
      }
    },
  };
}

/** What one step of a run fed the optimizer and what it made. */
export interface StepRecord {
  gradient: Float32Array;
  loss: number;
  curvature: Float32Array;
  /** The new parameters. */
  after: Float32Array;
}

export interface EngineRun {
  initial: Float32Array;
  steps: StepRecord[];
  /** Set when the engine stopped on a non-finite value: the steps before it are recorded. */
  stoppedAt?: number;
}

/** The engine's run of `genome` on `problem`, step by step, exactly as optimize() drives it. */
export function engineRun(engine: Engine, genome: Genome, problem: Problem, steps = STEPS, seed = 0): EngineRun {
  engine.load(genome, problem.groups, { seed });
  const { noise, probe } = problemStreams(seed);
  const wantsCurvature = readsSlot(genome, SLOT.curvature);
  const theta = problem.initial();
  const initial = theta.slice();
  const gradient = new Float32Array(engine.lanes);
  const curvature = new Float32Array(engine.lanes);
  const records: StepRecord[] = [];
  let previous = Number.NaN;
  for (let step = 1; step <= steps; step++) {
    const loss = problem.evaluate(theta, gradient, noise);
    if (wantsCurvature) problem.curvature(theta, curvature, probe);
    writeOptimizerInputs(engine, step, loss, previous, gradient, theta, curvature);
    const result = engine.run(1);
    if (result.status !== 'ok') return { initial, steps: records, stoppedAt: step };
    theta.set(engine.output(0));
    records.push({ gradient: gradient.slice(), loss, curvature: curvature.slice(), after: theta.slice() });
    previous = loss;
  }
  return { initial, steps: records };
}

export interface Case {
  name: string;
  genome: Genome;
  program: UpdateProgram;
}

/** The 26 seeds with their defaults. */
export function seedCases(): Case[] {
  return SEEDS.map((s) => {
    const genome = s.build();
    const program = buildProgram(genome);
    if (isNotExportable(program)) throw new Error(`seed ${s.name}: ${program.reason}`);
    return { name: s.name, genome, program };
  });
}

/**
 * Exportable mutants of the seeds: `tries` mutations (mutate(), default rates, a seeded rng) of
 * seeds and of earlier mutants, keeping those buildProgram accepts. Mutation rates are the
 * defaults, so some mutants carry effects or spiking policies: those are refused and dropped.
 */
export function mutantCases(tries: number, rngSeed = 14): { cases: Case[]; refused: string[] } {
  const rng = createRng(rngSeed);
  const seeds = SEEDS.map((s) => s.build());
  const tracker = new InnovationTracker(seeds);
  const pool: Genome[] = [...seeds];
  const cases: Case[] = [];
  const refused: string[] = [];
  for (let i = 0; i < tries; i++) {
    const parent = pool[rng.int(pool.length)] as Genome;
    const child = mutate(parent, rng, tracker);
    if (child.status !== 'ok') continue;
    const name = `mutant-${i}-of-${parent.name}`;
    const program = buildProgram(child.genome, name);
    if (isNotExportable(program)) {
      refused.push(program.reason);
      continue;
    }
    pool.push(child.genome);
    cases.push({ name, genome: child.genome, program });
  }
  return { cases, refused };
}

const ZOO_BINARY = ['add', 'sub', 'mul', 'div', 'min', 'max', 'gt', 'ge', 'eq'] as const;
const ZOO_UNARY = [
  'identity', 'modulate', 'neg', 'abs', 'sign', 'square', 'sqrt', 'rsqrt', 'exp', 'log', 'tanh', 'sigmoid', 'relu',
  'rsum', 'rmean', 'rnorm', 'rmaxabs', 'rrms', 'rowmean', 'colmean',
] as const;

/**
 * Every op once, each squashed by tanh into a 1e-3 share of the update, on top of plain gradient
 * descent; and the inputs read back through delayed edges (the parameter two steps back, the
 * gradient and the curvature one step back), so the exports must keep copies of them, not views.
 */
export function opZooCase(): Case {
  const b = new GenomeBuilder('op-zoo');
  const out = b.output('add');
  b.edge(b.parameter, out);
  b.edge(b.gradient, out, 1, -0.05);
  const share = (id: string, ref: ReturnType<GenomeBuilder['node']>, weight = 1e-3): void => {
    const t = b.node(`tanh of ${id}`, 'tanh');
    b.edge(ref, t);
    b.edge(t, out, 1, weight);
  };
  for (const op of ZOO_UNARY) {
    const n = b.node(op, op);
    b.edge(b.gradient, n, 0, op === 'exp' ? 10 : 1);
    share(op, n);
  }
  for (const op of ZOO_BINARY) {
    const n = b.node(op, op);
    b.edge(b.gradient, n);
    b.edge(b.parameter, n, 1);
    share(op, n);
  }
  const pow = b.node('pow', 'pow');
  b.edge(b.gradient, pow);
  b.edge(b.constant(1.5), pow, 1);
  share('pow', pow);
  const clamp = b.node('clamp', 'clamp', { attrs: [-0.02, 0.03] });
  b.edge(b.gradient, clamp);
  share('clamp', clamp, 0.1);
  const select = b.node('select', 'select');
  b.edge(b.node('every', 'every', { attrs: [3] }), select);
  b.edge(b.gradient, select, 1);
  b.edge(b.curvature, select, 2, 0.01, 1);
  share('select', select);
  const moved = b.node('moved', 'sub');
  b.edge(b.parameter, moved);
  b.edge(b.parameter, moved, 1, 1, 2);
  share('moved', moved, 0.1);
  const lastGradient = b.node('last gradient', 'identity');
  b.edge(b.gradient, lastGradient, 0, 1, 1);
  share('last gradient', lastGradient);
  const progress = b.node('progress', 'sub');
  b.edge(b.loss, progress);
  b.edge(b.previousLoss, progress, 1);
  const step = b.node('step', 'rsqrt');
  b.edge(b.step, step);
  share('progress', progress);
  share('step', step);
  const genome = b.build();
  const program = buildProgram(genome);
  if (isNotExportable(program)) throw new Error(`op-zoo: ${program.reason}`);
  return { name: 'op-zoo', genome, program };
}
