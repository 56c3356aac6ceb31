// Plain float32 implementations of the Hebbian seed learners' equations (src/learner/seeds-hebbian.ts,
// seeds-neuromod.ts), written from the equations in their headers without the engine or the genome
// format, for the step-by-step tests (test/learner/hebbian.test.ts). Every value is rounded to
// float32 as the engine rounds it (docs/engine.md, Numbers): each product and each two-term sum
// once, sums of more terms as the seeds build them, a left-to-right chain of two-term sums (terms
// with weight 0 left out), and tanh computed in float64 and rounded once. Each learner keeps its
// internal values under the names of the genome nodes that hold them, so a test can read both.

import { argmax, type LearnerEnv, type Observation } from '../../../src/learner/env.ts';

const f = Math.fround;
const tanh = (x: number): number => f(Math.tanh(x));
const clamp = (x: number, bound: number): number => Math.min(Math.max(x, f(-bound)), f(bound));

/** A chain of two-term float32 sums of weight * value, weights rounded to float32, zero weights left out. */
export function chain(terms: readonly (readonly [number, number])[]): number {
  let acc: number | null = null;
  for (const [w, v] of terms) {
    if (f(w) === 0) continue;
    const term = f(f(w) * v);
    acc = acc === null ? term : f(acc + term);
  }
  return acc ?? 0;
}

export interface PlainLearner {
  /** One step: the four outputs for observation `o`. */
  step(o: Observation): Float32Array;
  /** Internal values after the last step, by genome node name. */
  readonly values: Map<string, number>;
}

/** The observation channels as the runner writes them: `width` slots, zero past the task's channels. */
function channels(o: Observation, width: number): number[] {
  return Array.from({ length: width }, (_, c) => f(c < o.channels.length ? (o.channels[c] as number) : 0));
}

/** Runs `learner` through `env` as the runner does: argmax of the task's outputs, passed to act(). */
export function drive(env: LearnerEnv, learner: PlainLearner, probes: readonly string[] = []): { actions: number[]; outputs: Float32Array[]; probes: number[][] } {
  const actions: number[] = [];
  const outputs: Float32Array[] = [];
  const probed: number[][] = [];
  while (!env.done) {
    const all = learner.step(env.observe());
    const task = all.slice(0, env.actions);
    const a = argmax(task);
    actions.push(a);
    outputs.push(task);
    probed.push(probes.map((p) => {
      const v = learner.values.get(p);
      if (v === undefined) throw new Error(`no value ${p}`);
      return v;
    }));
    env.act(a, task);
  }
  return { actions, outputs, probes: probed };
}

/** Oja's rule over 8 channels: y = w.x; D_i += eta y (x_i - y w_i), seen from the next step; w = w0 + D. */
export class PlainOja implements PlainLearner {
  readonly values = new Map<string, number>();
  private readonly d: number[];

  constructor(private readonly eta: number, private readonly w0: readonly number[]) {
    this.d = w0.map(() => 0);
  }

  step(o: Observation): Float32Array {
    const x = channels(o, this.w0.length);
    const w = this.w0.map((w0, i) => f(f(w0) + (this.d[i] as number)));
    const y = chain(w.map((wi, i) => [1, f(wi * (x[i] as number))]));
    w.forEach((wi, i) => {
      const u = f(y * f((x[i] as number) - f(y * wi)));
      this.values.set(`oja.${i}.w`, wi);
      this.d[i] = f((this.d[i] as number) + f(f(this.eta) * u));
    });
    this.values.set('oja.y', y);
    return Float32Array.of(y, 0, 0, 0);
  }
}

/** BCM: y = w.x; theta = (1 - 1/tau) theta + y^2 / tau; D_i += eta x_i y (y - theta), seen from the next step. */
export class PlainBcm implements PlainLearner {
  readonly values = new Map<string, number>();
  private readonly d: number[];
  private theta = 0;

  constructor(private readonly eta: number, private readonly tau: number, private readonly w0: readonly number[]) {
    this.d = w0.map(() => 0);
  }

  step(o: Observation): Float32Array {
    const x = channels(o, this.w0.length);
    const w = this.w0.map((w0, i) => f(f(w0) + (this.d[i] as number)));
    const y = chain(w.map((wi, i) => [1, f(wi * (x[i] as number))]));
    this.theta = chain([[1 - 1 / this.tau, this.theta], [1 / this.tau, f(y * y)]]);
    const g = f(y * f(y - this.theta));
    w.forEach((wi, i) => {
      this.values.set(`bcm.${i}.w`, wi);
      this.d[i] = f((this.d[i] as number) + f(f(this.eta) * f((x[i] as number) * g)));
    });
    this.values.set('bcm.y', y);
    this.values.set('bcm.theta', this.theta);
    return Float32Array.of(y, 0, 0, 0);
  }
}

export interface Abcd { A: number; B: number; C: number; D: number }

/** The ABCD term A pre post + B pre + C post + D, as the seeds chain it. */
function abcd(k: Abcd, pre: number, post: number): number {
  return chain([[k.A, f(pre * post)], [k.B, pre], [k.C, post], [k.D, 1]]);
}

export interface PlainAbcdParams {
  eta: number;
  bound: number;
  /** Per channel, the weight of that channel in the modulation m = r + sum_c gate_c x_c. */
  gate: readonly number[];
  /** The coefficients of the synapse from channel j to output a. */
  rule: (j: number, a: number) => Abcd;
  /** Initial weights, w0[a * pre + j]. */
  w0: readonly number[];
}

/**
 * The reward-gated ABCD network: y_a = tanh(sum_j w_aj x_j), the winner c (c_0 = [y_0 >= y_1]),
 * m = r + sum_c gate_c x_c, and before the outputs of each step D_aj = clamp(D_aj + eta m
 * ABCD(x_j', c_a')), primes one step back.
 */
export class PlainAbcd implements PlainLearner {
  readonly values = new Map<string, number>();
  private readonly pre: number;
  private readonly d: number[];
  private lastX: number[];
  private lastC = [0, 0];

  constructor(private readonly p: PlainAbcdParams) {
    this.pre = p.w0.length / 2;
    this.d = p.w0.map(() => 0);
    this.lastX = new Array<number>(this.pre).fill(0);
  }

  step(o: Observation): Float32Array {
    const { p, pre } = this;
    const x = channels(o, pre);
    const m = chain([[1, f(o.reward)], ...p.gate.map((g, c) => [g, c < pre ? (x[c] as number) : 0] as const)]);
    this.values.set('abcd.m', m);
    const y: number[] = [];
    for (let a = 0; a < 2; a++) {
      const terms: [number, number][] = [];
      for (let j = 0; j < pre; j++) {
        const i = a * pre + j;
        const u = f(m * abcd(p.rule(j, a), this.lastX[j] as number, this.lastC[a] as number));
        this.d[i] = clamp(f((this.d[i] as number) + f(f(p.eta) * u)), p.bound);
        const w = f(f(p.w0[i] as number) + (this.d[i] as number));
        this.values.set(`abcd.${a}.${j}.w`, w);
        terms.push([1, f(w * (x[j] as number))]);
      }
      y.push(tanh(chain(terms)));
    }
    const c0 = (y[0] as number) >= (y[1] as number) ? 1 : 0;
    this.lastC = [c0, f(1 - c0)];
    this.lastX = x;
    return Float32Array.of(y[0] as number, y[1] as number, 0, 0);
  }
}

export interface PlainNeuromodParams {
  eta: number;
  bound: number;
  rule: Abcd;
  /** The modulatory neuron's input weights: channels 0 .. pre - 2, then the reward. */
  modIn: readonly number[];
  /** The weight from the modulatory neuron to the output neuron's synapses. */
  modOut: number;
  /** Initial weights from the channels and the reward. */
  w0: readonly number[];
}

/**
 * The neuromodulated network (Soltoggio et al. 2008): o = tanh(a / 2), a = sum_j w_j x_j over the
 * channels and the reward; a modulatory neuron o_m = tanh(a_m / 2), a_m = sum_j modIn_j x_j; the
 * gate tanh(modOut o_m / 2); before the outputs of each step D_j = clamp(D_j + eta gate
 * ABCD(x_j', o')). Outputs (-o, o).
 */
export class PlainNeuromod implements PlainLearner {
  readonly values = new Map<string, number>();
  private readonly d: number[];
  private lastX: number[];
  private lastO = 0;

  constructor(private readonly p: PlainNeuromodParams) {
    this.d = p.w0.map(() => 0);
    this.lastX = p.w0.map(() => 0);
  }

  step(o: Observation): Float32Array {
    const { p } = this;
    const x = [...channels(o, p.w0.length - 1), f(o.reward)];
    const om = tanh(f(0.5 * chain(p.modIn.map((w, j) => [w, x[j] as number] as const))));
    const gate = tanh(f(f(p.modOut * 0.5) * om));
    this.values.set('nm.mod', om);
    this.values.set('nm.gate', gate);
    const terms: [number, number][] = [];
    for (let j = 0; j < x.length; j++) {
      const u = f(gate * abcd(p.rule, this.lastX[j] as number, this.lastO));
      this.d[j] = clamp(f((this.d[j] as number) + f(f(p.eta) * u)), p.bound);
      const w = f(f(p.w0[j] as number) + (this.d[j] as number));
      this.values.set(`nm.${j}.w`, w);
      terms.push([1, f(w * (x[j] as number))]);
    }
    const out = tanh(f(0.5 * chain(terms)));
    this.lastO = out;
    this.lastX = x;
    return Float32Array.of(f(-out), out, 0, 0);
  }
}
