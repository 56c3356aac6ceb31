// Plain float32 implementations of the memory seed learners' equations (src/learner/seeds-memory.ts
// header), step by step, with no engine: the echo-state reservoir, the bistable recurrent cells and
// their delta-rule readout. Every operation is rounded to float32 as the engine rounds it (docs/
// engine.md, Numbers), and a sum of several terms is taken in the engine's order, ascending edge
// key: a seed's edge keys are hashes of the edges' names (src/genome/builder.ts), so `portSum` names
// each term's edge as the seed does. Without that order a sum can differ in its last bit, and where
// two values are both near 0 (the T-maze's places off the turning point) the argmax can flip.

import { keyOf } from '../../../src/genome/builder.ts';
import type { LearnerEnv } from '../../../src/learner/env.ts';
import { LEARNER_CHANNELS } from '../../../src/learner/role.ts';
import {
  brcWeights, reservoirWeights, type BrcParams, type ReadoutParams, type ReservoirParams,
} from '../../../src/learner/seeds-memory.ts';

const f = Math.fround;

/** One term of a port's sum: the edge's source (its node name), delay and weight, and the value it carries. */
export interface Term {
  source: string;
  delay: number;
  weight: number;
  value: number;
}

/** A port's float32 sum in ascending edge-key order (docs/engine.md, Numbers), the edges named as LearnerBuilder names them. */
export function portSum(target: string, port: number, terms: readonly Term[]): number {
  const keyed = terms.map((t) => ({ key: keyOf(`edge:${t.source}>${target}:${port}@${t.delay}`), term: t })).sort((a, b) => a.key - b.key);
  let s = 0;
  for (const { term } of keyed) s = f(s + f(f(term.weight) * term.value));
  return s;
}

/** The names of the memory's inputs u: the observation channels, the reward, and (for the cells) the constant 1. */
const INPUT_NAMES = [...Array.from({ length: LEARNER_CHANNELS }, (_, c) => `in.observation${c}`), 'in.reward', 'const:1'];

/** The terms of weights `w` (zero weights have no edge) over the inputs `u`. */
function inputTerms(w: readonly number[], u: readonly number[]): Term[] {
  const terms: Term[] = [];
  w.forEach((weight, k) => { if (weight !== 0) terms.push({ source: INPUT_NAMES[k] as string, delay: 0, weight, value: u[k] as number }); });
  return terms;
}

/** The delta-rule readout: values V per action over [1, features...]. */
export class Readout {
  readonly v: number[][];
  private qPrev = [0, 0];
  private choicePrev = [0, 0];
  private phiPrev: number[];

  constructor(features: number, readonly p: ReadoutParams) {
    features += p.direct;
    this.v = [0, 1].map(() => new Array<number>(features + 1).fill(0));
    this.phiPrev = new Array<number>(features + 1).fill(0);
  }

  /** One step: the reward r of the previous action and the features now; answers Q_0, Q_1. */
  step(t: number, r: number, features: readonly number[]): number[] {
    const phi = [1, ...features];
    const q = [0, 1].map((k) => {
      const diff = f(f(r) - (this.qPrev[k] as number));
      const err = f((this.choicePrev[k] as number) * diff);
      const vk = this.v[k] as number[];
      for (let j = 0; j < phi.length; j++) {
        const u = f(err * (this.phiPrev[j] as number));
        const update = f(f(this.p.alpha) * u);
        vk[j] = t === 1 && j === 0 ? f(update + f(this.p.init)) : f((vk[j] as number) + update);
      }
      return portSum(`out.output${k}`, 0, phi.map((x, j) => ({ source: `readout${k}.${j}.out`, delay: 0, weight: 1, value: f((vk[j] as number) * x) })));
    });
    const c0 = (q[0] as number) >= (q[1] as number) ? 1 : 0;
    this.choicePrev = [c0, f(1 - c0)];
    this.qPrev = q;
    this.phiPrev = phi;
    return q;
  }
}

/** What a reference run records per step. */
export interface MemoryRun {
  actions: number[];
  outputs: number[][];
  /** The memory's units after each step. */
  states: number[][];
}

/** Runs `env` with a memory (`next`: inputs u and the step's tick -> the units) and the readout. */
function drive(env: LearnerEnv, units: number, p: ReadoutParams, next: (u: number[]) => number[]): MemoryRun {
  const readout = new Readout(units, p);
  const run: MemoryRun = { actions: [], outputs: [], states: [] };
  let t = 0;
  while (!env.done) {
    t++;
    const o = env.observe();
    const u = [...Array.from({ length: LEARNER_CHANNELS }, (_, c) => (c < env.channels ? f(o.channels[c] as number) : 0)), f(o.reward)];
    const h = next(u);
    const q = readout.step(t, o.reward, [...h, ...u.slice(0, p.direct).map((x) => f(f(p.directGain) * x))]);
    const a = (q[1] as number) > (q[0] as number) ? 1 : 0;
    run.actions.push(a);
    run.outputs.push(q);
    run.states.push(h);
    env.act(a);
  }
  return run;
}

/** The echo-state reservoir with its readout, weights drawn from `seed`. */
export function reservoirReference(seed: number, p: ReservoirParams, env: LearnerEnv): MemoryRun {
  const w = reservoirWeights(seed, p);
  let h = new Array<number>(p.units).fill(0);
  return drive(env, p.units, p, (u) => {
    h = h.map((_, i) => {
      const terms = inputTerms([...(w.input[i] as number[]), w.bias[i] as number], [...u, 1]);
      (w.recurrent[i] as number[]).forEach((weight, j) => { if (weight !== 0) terms.push({ source: `res${j}`, delay: 1, weight, value: h[j] as number }); });
      return f(Math.tanh(portSum(`res${i}`, 0, terms)));
    });
    return h;
  });
}

/** The bistable recurrent cells with their readout, weights drawn from `seed`. */
export function brcReference(seed: number, p: BrcParams, env: LearnerEnv): MemoryRun {
  const w = brcWeights(seed, p);
  let h = new Array<number>(p.cells).fill(0);
  return drive(env, p.cells, p, (u0) => {
    const u = [...u0, 1];
    h = h.map((hPrev, i) => {
      const id = `brc${i}`;
      const self = (weight: number): Term => ({ source: `${id}.h`, delay: 1, weight, value: hPrev });
      const aMinus1 = f(Math.tanh(portSum(`${id}.ta`, 0, [...inputTerms(w.ua[i] as number[], u), self(w.wa[i] as number)])));
      const ah = f(f(aMinus1 + 1) * hPrev);
      const g = f(Math.tanh(portSum(`${id}.g`, 0, [...inputTerms(w.ux[i] as number[], u), { source: `${id}.ah`, delay: 0, weight: 1, value: ah }])));
      const c = f(1 / (1 + Math.exp(-portSum(`${id}.c`, 0, [...inputTerms(w.uc[i] as number[], u), self(w.wc[i] as number)]))));
      return f(g + f(c * f(hPrev - g)));
    });
    return h;
  });
}
