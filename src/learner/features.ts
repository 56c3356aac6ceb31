// Unsupervised feature-learning tasks for the learner role (issue 12; docs/learner.md): the claims
// of the classic Hebbian rules, made measurable. Nothing is rewarded or taught: the learner sees
// observations only (kind 'unsupervised', targets null, learning 1 throughout) and its action does
// not matter; the task scores what its output0 does, which the runner passes to act() with the
// action (env.ts: act(a, outputs)). Both are drawn whole from their seed.
//
//   pca          Oja 1982, "A simplified neuron model as a principal component analyzer" (J. Math.
//                Biol. 15): observations x = minor z + major g u, z ~ N(0, I) on `width` channels,
//                g ~ N(0, 1), u a unit direction drawn from the seed: a zero-mean Gaussian whose
//                first principal component is u (eigenvalue minor^2 + major^2; every other one
//                minor^2). Score: the squared (Pearson) correlation of output0 with the projection
//                u.x over the episode's second half: 1 when the output tracks the first component
//                (up to scale and sign). Chance: a fixed random projection w.x (a non-plastic
//                network with random weights), E[corr^2] over directions w; with c = (w.u)^2 it is
//                E[(minor^2 + major^2) c / (minor^2 + major^2 c)], 0.32 at the defaults
//                (projectionScore below measures it: 0.31 over seeds 1000-1199). Upper bound:
//                output u.x scores 1.
//   selectivity  Bienenstock, Cooper & Munro 1982, "Theory for the development of neuron
//                selectivity" (J. Neurosci. 2): each step shows one of K prototype patterns (drawn
//                from the seed, each channel uniform in [0, 1)), chosen at random, plus Gaussian
//                noise. Score: BCM's selectivity index 1 - (mean response) / (max response) over
//                the prototypes (their section "Selectivity"), with the response to prototype k the
//                mean of max(0, output0) over its presentations in the second half (a firing rate
//                cannot be negative), 0 when no response is positive. It lies in [0, 1 - 1/K]:
//                0 for a neuron that answers every prototype alike, 1 - 1/K for one that answers
//                exactly one. Chance: the non-plastic network's (a fixed projection, here with
//                nonnegative random weights: projectionScore), small because the prototypes overlap.
//
// Since no action matters, choice is false at every step and oracle() answers 0.

import { createRng, type Rng } from '../util/rng.ts';
import type { LearnerEnv, Observation } from './env.ts';
import { LEARNER_CHANNELS } from './role.ts';
import { cos, log } from '../util/math.ts';

/** A standard normal draw (Box-Muller, from two uniforms of `rng`). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.next(); // (0, 1]
  return Math.sqrt(-2 * log(u)) * cos(2 * Math.PI * rng.next());
}

/** A uniformly random unit vector of `n` dimensions. */
export function unitVector(rng: Rng, n: number): Float64Array {
  const v = new Float64Array(n);
  let norm = 0;
  while (norm === 0) {
    norm = 0;
    for (let i = 0; i < n; i++) {
      v[i] = gaussian(rng);
      norm += (v[i] as number) ** 2;
    }
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < n; i++) v[i] = (v[i] as number) / norm;
  return v;
}

/** The squared Pearson correlation of xs and ys (0 if either has no variance). */
export function squaredCorrelation(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = xs.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i] as number;
    my += ys[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0 && syy > 0)) return 0;
  return Math.min(1, (sxy * sxy) / (sxx * syy));
}

function checkWidth(width: number, steps: number): void {
  if (!(Number.isInteger(width) && width >= 1 && width <= LEARNER_CHANNELS)) throw new RangeError(`width must be an integer in [1, ${LEARNER_CHANNELS}] (got ${width})`);
  if (!(Number.isInteger(steps) && steps >= 4)) throw new RangeError(`steps must be an integer of at least 4 (got ${steps})`);
}

/** What the two tasks share: a drawn stream of observations, and output0 recorded at every step. */
abstract class FeatureTask implements LearnerEnv {
  abstract readonly name: string;
  readonly kind = 'unsupervised';
  readonly actions = 1;
  readonly channels: number;
  readonly trials: number;
  /** Per step, output0 as the learner gave it (0 where act() got no outputs). */
  readonly outputs: Float32Array;
  protected readonly xs: Float32Array;
  protected step = 0;

  constructor(width: number, steps: number) {
    checkWidth(width, steps);
    this.channels = width;
    this.trials = steps;
    this.xs = new Float32Array(width * steps);
    this.outputs = new Float32Array(steps);
  }

  get done(): boolean {
    return this.step >= this.trials;
  }

  /** The observation of step t. */
  observation(t: number): Float32Array {
    return this.xs.subarray(t * this.channels, (t + 1) * this.channels);
  }

  observe(): Observation {
    const t = Math.min(this.step, this.trials - 1);
    return { channels: this.observation(t), reward: 0, trialStart: 1, choice: false, targets: null, learning: 1 };
  }

  act(a: number, outputs?: Float32Array): boolean {
    if (this.done) return false;
    if (a !== 0) throw new RangeError(`${this.name} has one action, 0 (got ${a})`);
    this.outputs[this.step] = outputs?.[0] ?? 0;
    this.step++;
    return !this.done;
  }

  /** The first scored step: the second half starts here. */
  get scoredFrom(): number {
    return Math.floor(this.trials / 2);
  }

  oracle(): number {
    return 0;
  }

  abstract score(): number;
}

export interface PcaSettings {
  steps: number;
  /** Channels (1 .. LEARNER_CHANNELS). */
  width: number;
  /** Standard deviation along the first principal component, beyond `minor`. */
  major: number;
  /** Standard deviation of the isotropic part. */
  minor: number;
}

export const PCA_DEFAULTS: PcaSettings = { steps: 400, width: 8, major: 1, minor: 0.5 };

export class PcaTask extends FeatureTask {
  readonly name = 'pca';
  /** The first principal component (a unit vector). */
  readonly direction: Float64Array;

  constructor(seed: number, readonly settings: PcaSettings = PCA_DEFAULTS) {
    super(settings.width, settings.steps);
    if (!(settings.major > 0 && settings.minor >= 0)) throw new RangeError(`major must be positive and minor nonnegative (got ${settings.major}, ${settings.minor})`);
    const rng = createRng(seed);
    const n = settings.width;
    this.direction = unitVector(rng, n);
    for (let t = 0; t < settings.steps; t++) {
      const g = gaussian(rng);
      for (let i = 0; i < n; i++) this.xs[t * n + i] = settings.minor * gaussian(rng) + settings.major * g * (this.direction[i] as number);
    }
  }

  /** u.x at step t, from the observation as shown (float32). */
  projection(t: number): number {
    const x = this.observation(t);
    let p = 0;
    for (let i = 0; i < this.channels; i++) p += (this.direction[i] as number) * (x[i] as number);
    return p;
  }

  /** The squared correlation of output0 with u.x over the second half's steps taken so far. */
  score(): number {
    const from = this.scoredFrom;
    if (this.step - from < 2) return 0;
    const ps = new Float64Array(this.step - from);
    for (let t = from; t < this.step; t++) ps[t - from] = this.projection(t);
    return squaredCorrelation(this.outputs.subarray(from, this.step), ps);
  }
}

export interface SelectivitySettings {
  steps: number;
  /** Channels (1 .. LEARNER_CHANNELS). */
  width: number;
  /** K, the prototypes (at least 2). */
  prototypes: number;
  /** Standard deviation of the Gaussian noise added to every channel. */
  noise: number;
}

export const SELECTIVITY_DEFAULTS: SelectivitySettings = { steps: 600, width: 8, prototypes: 4, noise: 0.05 };

export class SelectivityTask extends FeatureTask {
  readonly name = 'selectivity';
  /** The prototypes, prototype k at [k * width, (k + 1) * width). */
  readonly patterns: Float32Array;
  /** Per step, the prototype shown. */
  readonly shown: Int32Array;

  constructor(seed: number, readonly settings: SelectivitySettings = SELECTIVITY_DEFAULTS) {
    super(settings.width, settings.steps);
    const { width: n, prototypes: k, noise, steps } = settings;
    if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`prototypes must be an integer of at least 2 (got ${k})`);
    if (!(noise >= 0)) throw new RangeError(`noise must be nonnegative (got ${noise})`);
    const rng = createRng(seed);
    this.patterns = new Float32Array(k * n);
    for (let i = 0; i < k * n; i++) this.patterns[i] = rng.next();
    this.shown = new Int32Array(steps);
    for (let t = 0; t < steps; t++) {
      const p = rng.int(k);
      this.shown[t] = p;
      for (let i = 0; i < n; i++) this.xs[t * n + i] = (this.patterns[p * n + i] as number) + noise * gaussian(rng);
    }
  }

  /** Per prototype, the mean rectified output0 over its presentations in the second half so far (NaN if none). */
  responses(): Float64Array {
    const k = this.settings.prototypes;
    const sum = new Float64Array(k);
    const count = new Float64Array(k);
    for (let t = this.scoredFrom; t < this.step; t++) {
      const p = this.shown[t] as number;
      sum[p] = (sum[p] as number) + Math.max(0, this.outputs[t] as number);
      count[p] = (count[p] as number) + 1;
    }
    return sum.map((s, p) => s / (count[p] as number));
  }

  /** 1 - mean / max of the responses over the prototypes shown (0 if none is positive). */
  score(): number {
    let total = 0;
    let max = 0;
    let shown = 0;
    for (const r of this.responses()) {
      if (Number.isNaN(r)) continue;
      total += r;
      max = Math.max(max, r);
      shown++;
    }
    return max > 0 ? 1 - total / shown / max : 0;
  }
}

/** Drives `env` to its end with output0 = w.x at every step (a fixed projection); answers its score. */
export function projectionScore(env: PcaTask | SelectivityTask, w: ArrayLike<number>): number {
  const out = new Float32Array(1);
  while (!env.done) {
    const x = env.observe().channels;
    let y = 0;
    for (let i = 0; i < env.channels; i++) y += (w[i] as number) * (x[i] as number);
    out[0] = y;
    env.act(0, out);
  }
  return env.score();
}
