// Seed learners with a fixed recurrent memory and a plastic linear readout (issue 12, item 3;
// docs/learner.md), written as learner genomes with LearnerBuilder, one tick per task step (every
// slot by value). The memory is fixed: its weights are drawn from a seed when the genome is built;
// only the readout learns, by the delta rule, as graph state (values on delay-1 edges).
//
//   reservoir  an echo-state network (H. Jaeger 2001, "The 'echo state' approach to analysing and
//              training recurrent neural networks", GMD Report 148; W. Maass, T. Natschlager & H.
//              Markram 2002, "Real-time computing without stable states", Neural Comput. 14, the
//              liquid-state machine): N tanh units, each with `inDegree` recurrent inputs on delay-1
//              edges, the recurrent matrix scaled to spectral radius `radius` < 1 (the echo-state
//              property), input weights from every observation channel and the reward:
//                h_i(t) = tanh(sum_j W_ij h_j(t-1) + sum_k Win_ik u_k(t) + b_i)
//   brc        the bistable recurrent cell (N. Vecoven, D. Ernst & G. Drion 2021, "A bio-inspired
//              bistable recurrent cell allows for long-lasting memory", PLOS ONE 16), N cells with
//              per-cell scalar recurrence and fixed random weights:
//                a_i(t) = 1 + tanh(Ua_i . u(t) + wa_i h_i(t-1))
//                c_i(t) = sigmoid(Uc_i . u(t) + wc_i h_i(t-1))
//                h_i(t) = c_i(t) h_i(t-1) + (1 - c_i(t)) tanh(Ux_i . u(t) + a_i(t) h_i(t-1))
//              computed as h = g + c (h(t-1) - g) with g the tanh candidate. With a > 1 a cell has two
//              stable states when its input is quiet, so it can hold a bit over any delay; c near 1
//              holds, c near 0 writes. u(t) is the observation channels, the reward and a constant 1
//              (the weights of the 1 are the biases; Ua's is drawn positive so that a rests above 1).
//
// The readout (both seeds) is a value learner on the memory's state (the delta rule of seeds.ts on
// features): Q_k(t) = sum_j V_kj(t) phi_j(t) for actions k = 0, 1, with phi a constant 1, the
// memory's units and the first `direct` observation channels times `directGain` (an echo-state
// readout may read the input too, Jaeger 2001), V_k0(0) = init (optimistic values, Sutton & Barto
// 2018, section 2.6) and the other V 0. The action taken is the higher Q (ties to 0: c_0 = [Q_0 >= Q_1], c_1 = 1 - c_0), and the
// reward r(t) that the previous action earned moves that action's value towards it:
//   V_kj(t) = V_kj(t-1) + alpha c_k(t-1) (r(t) - Q_k(t-1)) phi_j(t-1).
// Plain float32 implementations of these equations are in test/learner/reference/memory.ts.
//
// Defaults (tuned on training seeds 1-50 over a few memory seeds): the reservoir reads only its 12
// units (alpha 0.02); the cells (8) rest slow and bistable, so their state says little about where
// the learner is, and their readout also reads the 4 first channels with gain 4 (alpha 0.02;
// without them the T-maze stays near chance for most memory seeds). A linear readout trained at
// every step cannot yet use a held cue that must be combined with a later go signal (the delayed
// cue, src/learner/correlation.ts): both seeds stay at chance there.

import type { Genome } from '../genome/types.ts';
import { createRng, type Rng } from '../util/rng.ts';
import { LearnerBuilder, type Ref } from './build.ts';
import { greedyChoice } from './motifs.ts';
import { LEARNER_CHANNELS } from './role.ts';
import { firstTick } from './seeds-spiking.ts';
import { exp, log } from '../util/math.ts';

/** The memory's inputs u: the observation channels, then the reward. */
export const MEMORY_INPUTS = LEARNER_CHANNELS + 1;

export interface ReadoutParams {
  /** The delta rule's learning rate. */
  alpha: number;
  /** Observation channels the readout also reads directly (0 .. LEARNER_CHANNELS), after the memory's units. */
  direct: number;
  /** The direct channels' gain (their feature is gain x the channel). */
  directGain: number;
  /** The bias feature's initial weight: every Q starts here. */
  init: number;
}

/**
 * A delta-rule readout of `features` (plus a constant 1) into output0 and output1 (see the header):
 * per action k and feature j, a weight V (an accumulator), its update alpha e_k phi_j(t-1) and its
 * transmission V phi_j.
 */
export function deltaReadout(b: LearnerBuilder, features: readonly Ref[], p: ReadoutParams): void {
  const q = [0, 1].map((k) => b.outputNode(k, 'identity'));
  const [choice0, choice1] = greedyChoice(b, 'choice', q[0] as Ref, q[1] as Ref);
  if (!(Number.isInteger(p.direct) && p.direct >= 0 && p.direct <= LEARNER_CHANNELS)) throw new RangeError(`direct must be an integer in [0, ${LEARNER_CHANNELS}] (got ${p.direct})`);
  const all: [Ref, number][] = [[b.constant(1), 1], ...features.map((f): [Ref, number] => [f, 1]), ...b.observations.slice(0, p.direct).map((o): [Ref, number] => [o, p.directGain])];
  [choice0, choice1].forEach((choice, k) => {
    const qk = q[k] as Ref;
    // e_k(t) = c_k(t-1) (r(t) - Q_k(t-1))
    const diff = b.node(`readout${k}.diff`, 'identity');
    b.edge(b.reward, diff, 0, 1);
    b.edge(qk, diff, 0, -1, 1);
    const err = b.node(`readout${k}.err`, 'mul');
    b.edge(choice, err, 0, 1, 1);
    b.edge(diff, err, 1);
    all.forEach(([phi, gain], j) => {
      const id = `readout${k}.${j}`;
      const v = b.node(`${id}.v`, 'identity');
      b.edge(v, v, 0, 1, 1);
      if (j === 0 && p.init !== 0) b.edge(firstTick(b), v, 0, p.init);
      const u = b.node(`${id}.u`, 'mul');
      b.edge(err, u, 0);
      b.edge(phi, u, 1, gain, 1);
      b.edge(u, v, 0, p.alpha);
      const out = b.node(`${id}.out`, 'mul');
      b.edge(v, out, 0);
      b.edge(phi, out, 1, gain);
      b.edge(out, qk, 0);
    });
  });
}

/** The memory's input refs u: the observation channels, then the reward. */
function memoryInputs(b: LearnerBuilder): Ref[] {
  return [...b.observations, b.reward];
}

/**
 * The spectral radius of the square matrix `m` (rows of columns), estimated by power iteration:
 * the mean growth rate of |m^k v| over iterations 100 .. 400 from a fixed start (Gelfand's formula).
 */
export function spectralRadius(m: readonly (readonly number[])[]): number {
  const n = m.length;
  let v = Array.from({ length: n }, (_, i) => 1 + i / n);
  let logSum = 0;
  let counted = 0;
  for (let it = 0; it < 400; it++) {
    const next = m.map((row) => row.reduce((s, w, j) => s + w * (v[j] as number), 0));
    const norm = Math.sqrt(next.reduce((s, x) => s + x * x, 0));
    if (norm === 0) return 0;
    v = next.map((x) => x / norm);
    if (it >= 100) {
      logSum += log(norm);
      counted++;
    }
  }
  return exp(logSum / counted);
}

export interface ReservoirParams extends ReadoutParams {
  units: number;
  /** Recurrent inputs per unit (distinct sources, drawn). */
  inDegree: number;
  /** The recurrent matrix's spectral radius after scaling. */
  radius: number;
  /** Input weights uniform in [-inputScale, inputScale]; biases in [-biasScale, biasScale]. */
  inputScale: number;
  biasScale: number;
}

export const RESERVOIR_DEFAULTS: ReservoirParams = {
  units: 12, inDegree: 4, radius: 0.9, inputScale: 1, biasScale: 0.2, alpha: 0.02, direct: 0, directGain: 1, init: 1,
};

export interface ReservoirWeights {
  /** recurrent[i][j]: from unit j to unit i (0 where there is no edge). */
  recurrent: number[][];
  /** input[i][k]: from memory input k (MEMORY_INPUTS of them) to unit i. */
  input: number[][];
  bias: number[];
}

/** The reservoir's fixed weights drawn from `seed`. */
export function reservoirWeights(seed: number, p: ReservoirParams): ReservoirWeights {
  const n = p.units;
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`units must be a positive integer (got ${n})`);
  if (!(Number.isInteger(p.inDegree) && p.inDegree >= 1 && p.inDegree <= n)) throw new RangeError(`inDegree must be an integer in [1, ${n}] (got ${p.inDegree})`);
  const rng = createRng(seed);
  const recurrent = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const row of recurrent) {
    const sources = drawDistinct(rng, n, p.inDegree);
    for (const j of sources) row[j] = rng.uniform(-1, 1);
  }
  const rho = spectralRadius(recurrent);
  const scale = rho > 0 ? p.radius / rho : 0;
  for (const row of recurrent) for (let j = 0; j < n; j++) row[j] = (row[j] as number) * scale;
  const input = Array.from({ length: n }, () => Array.from({ length: MEMORY_INPUTS }, () => rng.uniform(-p.inputScale, p.inputScale)));
  const bias = Array.from({ length: n }, () => rng.uniform(-p.biasScale, p.biasScale));
  return { recurrent, input, bias };
}

/** `k` distinct integers of [0, n), in drawn order. */
function drawDistinct(rng: Rng, n: number, k: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = t;
  }
  return pool.slice(0, k);
}

/** An echo-state reservoir with a delta-rule readout, its fixed weights drawn from `seed` (see the header). */
export function reservoirLearner(seed = 1, params: Partial<ReservoirParams> = {}): Genome {
  const p = { ...RESERVOIR_DEFAULTS, ...params };
  const w = reservoirWeights(seed, p);
  const b = new LearnerBuilder(`reservoir-${seed}`);
  const u = memoryInputs(b);
  const units = w.recurrent.map((_, i) => b.node(`res${i}`, 'tanh'));
  units.forEach((h, i) => {
    (w.recurrent[i] as number[]).forEach((weight, j) => { if (weight !== 0) b.edge(units[j] as Ref, h, 0, weight, 1); });
    (w.input[i] as number[]).forEach((weight, k) => b.edge(u[k] as Ref, h, 0, weight));
    if (w.bias[i] !== 0) b.edge(b.constant(1), h, 0, w.bias[i]);
  });
  deltaReadout(b, units, p);
  return b.build();
}

export interface BrcParams extends ReadoutParams {
  cells: number;
  /** Ux and Ua's input weights uniform in [-inputScale, inputScale]. */
  inputScale: number;
  /** Ua's bias uniform in [0, aBias] (a rests above 1: bistable). */
  aBias: number;
  /** Uc's bias uniform in [cBias / 2, cBias] (c rests near 1: holding). */
  cBias: number;
  /** Uc's input weights uniform in [-gateScale, 0] (an input opens the gate: writing). */
  gateScale: number;
  /** wa and wc uniform in [-recurrentScale, recurrentScale]. */
  recurrentScale: number;
}

export const BRC_DEFAULTS: BrcParams = {
  cells: 8, inputScale: 2, aBias: 2, cBias: 3, gateScale: 8, recurrentScale: 1, alpha: 0.02, direct: 4, directGain: 4, init: 1,
};

export interface BrcWeights {
  /** Per cell, weights from the memory inputs then the constant 1 (MEMORY_INPUTS + 1 each). */
  ux: number[][];
  ua: number[][];
  uc: number[][];
  wa: number[];
  wc: number[];
}

/** The cells' fixed weights drawn from `seed`. */
export function brcWeights(seed: number, p: BrcParams): BrcWeights {
  if (!(Number.isInteger(p.cells) && p.cells >= 1)) throw new RangeError(`cells must be a positive integer (got ${p.cells})`);
  const rng = createRng(seed);
  const inputs = (lo: number, hi: number, bias: () => number): number[] => [...Array.from({ length: MEMORY_INPUTS }, () => rng.uniform(lo, hi)), bias()];
  const w: BrcWeights = { ux: [], ua: [], uc: [], wa: [], wc: [] };
  for (let i = 0; i < p.cells; i++) {
    w.ux.push(inputs(-p.inputScale, p.inputScale, () => 0));
    w.ua.push(inputs(-p.inputScale, p.inputScale, () => rng.uniform(0, p.aBias)));
    w.uc.push(inputs(-p.gateScale, 0, () => rng.uniform(p.cBias / 2, p.cBias)));
    w.wa.push(rng.uniform(-p.recurrentScale, p.recurrentScale));
    w.wc.push(rng.uniform(-p.recurrentScale, p.recurrentScale));
  }
  return w;
}

/** Bistable recurrent cells with a delta-rule readout, their fixed weights drawn from `seed` (see the header). */
export function brcLearner(seed = 1, params: Partial<BrcParams> = {}): Genome {
  const p = { ...BRC_DEFAULTS, ...params };
  const w = brcWeights(seed, p);
  const b = new LearnerBuilder(`brc-${seed}`);
  const u = [...memoryInputs(b), b.constant(1)];
  const from = (target: Ref, weights: readonly number[]): void => {
    weights.forEach((weight, k) => { if (weight !== 0) b.edge(u[k] as Ref, target, 0, weight); });
  };
  const cells = w.wa.map((_, i) => {
    const id = `brc${i}`;
    const h = b.node(`${id}.h`, 'add');
    const ta = b.node(`${id}.ta`, 'tanh'); // a - 1
    from(ta, w.ua[i] as number[]);
    b.edge(h, ta, 0, w.wa[i], 1);
    const ah = b.node(`${id}.ah`, 'mul'); // a h(t-1)
    b.edge(ta, ah, 0);
    b.edge(b.constant(1), ah, 0);
    b.edge(h, ah, 1, 1, 1);
    const g = b.node(`${id}.g`, 'tanh'); // the candidate
    from(g, w.ux[i] as number[]);
    b.edge(ah, g, 0);
    const c = b.node(`${id}.c`, 'sigmoid');
    from(c, w.uc[i] as number[]);
    b.edge(h, c, 0, w.wc[i], 1);
    const diff = b.node(`${id}.diff`, 'sub'); // h(t-1) - g
    b.edge(h, diff, 0, 1, 1);
    b.edge(g, diff, 1);
    const cd = b.node(`${id}.cd`, 'mul');
    b.edge(c, cd, 0);
    b.edge(diff, cd, 1);
    b.edge(g, h, 0);
    b.edge(cd, h, 1);
    return h;
  });
  deltaReadout(b, cells, p);
  return b.build();
}

/** The memory seeds by name, each at its defaults (memory drawn from seed 1). */
export const MEMORY_SEEDS: Readonly<Record<string, () => Genome>> = {
  reservoir: () => reservoirLearner(),
  brc: () => brcLearner(),
};
