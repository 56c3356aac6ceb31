// The unsupervised feature tasks (src/learner/features.ts): episodes drawn from seeds with the
// statistics they promise (a Gaussian whose first principal component is the drawn direction; K
// prototypes plus noise), their scores against hand computations, their chance levels and upper
// bounds, bad settings refused, and a learner genome's outputs reaching score() through the runner.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import {
  gaussian, PCA_DEFAULTS, PcaTask, projectionScore, SELECTIVITY_DEFAULTS, SelectivityTask, squaredCorrelation, unitVector,
} from '../../src/learner/features.ts';
import { runLearner } from '../../src/learner/run.ts';
import { ojaLearner } from '../../src/learner/seeds-hebbian.ts';
import { createRng } from '../../src/util/rng.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const range = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Drives `env` to its end with output0 = out(t) at step t. */
function answer(env: PcaTask | SelectivityTask, out: (t: number) => number): number {
  for (let t = 0; !env.done; t++) env.act(0, Float32Array.of(out(t)));
  return env.score();
}

describe('the pca task', () => {
  it('draws the same episode from the same seed; the observations have the drawn first principal component', () => {
    const a = new PcaTask(5);
    expect(a.observation(7)).toEqual(new PcaTask(5).observation(7));
    expect(new PcaTask(6).observation(7)).not.toEqual(a.observation(7));
    expect(a.kind).toBe('unsupervised');
    expect(a.channels).toBe(8);
    const o = a.observe();
    expect(o.targets).toBeNull();
    expect(o.learning).toBe(1);
    expect(o.choice).toBe(false);
    const u = a.direction;
    expect(u.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 12);
    // Power iteration on the episode's sample covariance finds u, with eigenvalue major^2 + minor^2.
    const n = a.channels;
    const cov = new Float64Array(n * n);
    for (let t = 0; t < a.trials; t++) {
      const x = a.observation(t);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cov[i * n + j] = (cov[i * n + j] as number) + (x[i] as number) * (x[j] as number) / a.trials;
    }
    let v = new Float64Array(n).fill(1);
    let lambda = 0;
    for (let k = 0; k < 200; k++) {
      const next = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) next[i] = (next[i] as number) + (cov[i * n + j] as number) * (v[j] as number);
      lambda = Math.sqrt(next.reduce((s, x) => s + x * x, 0));
      v = next.map((x) => x / lambda);
    }
    const cos = Math.abs(v.reduce((s, x, i) => s + x * (u[i] as number), 0));
    expect(cos).toBeGreaterThan(0.97);
    expect(lambda).toBeGreaterThan(1.25 * 0.8);
    expect(lambda).toBeLessThan(1.25 * 1.25);
  });

  it('scores the squared correlation of output0 with the projection over the second half only', () => {
    const env = new PcaTask(3);
    const half = env.scoredFrom;
    // The projection itself in the second half, anything in the first: 1; its negative and a rescaling too.
    expect(answer(env, (t) => (t < half ? 1e3 * Math.sin(t) : env.projection(t)))).toBeCloseTo(1, 6);
    const twin = new PcaTask(3);
    expect(answer(new PcaTask(3), (t) => -3 * twin.projection(t))).toBeCloseTo(1, 6);
    // A constant output has no correlation; so does an output before any step.
    expect(answer(new PcaTask(3), () => 2)).toBe(0);
    expect(new PcaTask(3).score()).toBe(0);
    // A hand-computed case: the output is the first channel.
    const hand = new PcaTask(4);
    const xs: number[] = [];
    const ps: number[] = [];
    for (let t = hand.scoredFrom; t < hand.trials; t++) {
      xs.push(hand.observation(t)[0] as number);
      ps.push(hand.projection(t));
    }
    expect(answer(hand, (t) => hand.observation(t)[0] as number)).toBeCloseTo(squaredCorrelation(xs, ps), 12);
    expect(squaredCorrelation([1, 2, 3, 4], [2, 4, 6, 8])).toBeCloseTo(1, 12);
    expect(squaredCorrelation([1, -1, 1, -1], [1, 1, -1, -1])).toBe(0);
  });

  it('has its reference levels: a fixed random projection near its expectation (about 0.3), the oracle 1', () => {
    const seeds = range(100, 1000);
    const chance = mean(seeds.map((s) => projectionScore(new PcaTask(s), unitVector(createRng(s + 7), 8))));
    const oracle = mean(seeds.map((s) => { const e = new PcaTask(s); return projectionScore(e, e.direction); }));
    // E[corr^2] over random directions w, with c = (w.u)^2: (minor^2 + major^2) c / (minor^2 + major^2 c).
    const rng = createRng(42);
    const { major, minor } = PCA_DEFAULTS;
    const expected = mean(range(20000, 0).map(() => {
      const c = (unitVector(rng, 8)[0] as number) ** 2;
      return ((minor ** 2 + major ** 2) * c) / (minor ** 2 + major ** 2 * c);
    }));
    expect(expected).toBeGreaterThan(0.25);
    expect(expected).toBeLessThan(0.4);
    expect(Math.abs(chance - expected)).toBeLessThan(0.06);
    expect(oracle).toBeGreaterThan(0.999);
  });

  it('refuses bad settings and actions', () => {
    expect(() => new PcaTask(1, { ...PCA_DEFAULTS, width: 9 })).toThrow('width must be an integer in [1, 8]');
    expect(() => new PcaTask(1, { ...PCA_DEFAULTS, steps: 3 })).toThrow('steps must be an integer of at least 4');
    expect(() => new PcaTask(1, { ...PCA_DEFAULTS, major: 0 })).toThrow('major must be positive');
    expect(() => new PcaTask(1).act(1)).toThrow('pca has one action, 0 (got 1)');
    const env = new PcaTask(1, { ...PCA_DEFAULTS, steps: 4 });
    for (let t = 0; t < 4; t++) expect(env.act(0)).toBe(t < 3);
    expect(env.done).toBe(true);
    expect(env.act(0)).toBe(false);
  });
});

describe('the selectivity task', () => {
  it('draws the same episode from the same seed: K prototypes in [0, 1), shown at random, plus noise', () => {
    const env = new SelectivityTask(9);
    expect(env.shown).toEqual(new SelectivityTask(9).shown);
    expect(new SelectivityTask(10).patterns).not.toEqual(env.patterns);
    const { prototypes: k, width: n, noise } = SELECTIVITY_DEFAULTS;
    expect(env.patterns.every((v) => v >= 0 && v < 1)).toBe(true);
    const counts = new Array<number>(k).fill(0);
    let sq = 0;
    for (let t = 0; t < env.trials; t++) {
      const p = env.shown[t] as number;
      counts[p] = (counts[p] as number) + 1;
      for (let i = 0; i < n; i++) sq += ((env.observation(t)[i] as number) - (env.patterns[p * n + i] as number)) ** 2;
    }
    for (const c of counts) expect(c).toBeGreaterThan(env.trials / k * 0.75);
    expect(Math.sqrt(sq / (env.trials * n))).toBeCloseTo(noise, 2);
  });

  it('scores 1 - mean / max of the rectified responses per prototype over the second half', () => {
    const { prototypes: k } = SELECTIVITY_DEFAULTS;
    const make = (): SelectivityTask => new SelectivityTask(2);
    const { shown, scoredFrom } = make();
    // Answers only prototype 0: the ceiling 1 - 1/K.
    expect(answer(make(), (t) => (shown[t] === 0 ? 1 : 0))).toBeCloseTo(1 - 1 / k, 12);
    // The same in the second half whatever came before.
    expect(answer(make(), (t) => (t < scoredFrom ? 5 : shown[t] === 0 ? 1 : 0))).toBeCloseTo(1 - 1 / k, 12);
    // Answers alike to every prototype, or never positively: 0.
    expect(answer(make(), () => 0.7)).toBeCloseTo(0, 12);
    expect(answer(make(), () => -1)).toBe(0);
    // Response k + 1 to prototype k: 1 - mean(1..K) / K; negative answers count as 0.
    expect(answer(make(), (t) => (shown[t] as number) + 1)).toBeCloseTo(1 - (k + 1) / 2 / k, 12);
    expect(answer(make(), (t) => (shown[t] === 0 ? -4 : 1))).toBeCloseTo(1 - (k - 1) / k, 12);
  });

  it('has its chance level: a fixed nonnegative random projection is barely selective', () => {
    const seeds = range(100, 1000);
    const chance = mean(seeds.map((s) => {
      const rng = createRng(s + 7);
      return projectionScore(new SelectivityTask(s), Array.from({ length: 8 }, () => rng.next()));
    }));
    expect(chance).toBeGreaterThan(0.05);
    expect(chance).toBeLessThan(0.3);
  });

  it('refuses bad settings and actions', () => {
    expect(() => new SelectivityTask(1, { ...SELECTIVITY_DEFAULTS, prototypes: 1 })).toThrow('prototypes must be an integer of at least 2');
    expect(() => new SelectivityTask(1, { ...SELECTIVITY_DEFAULTS, noise: -1 })).toThrow('noise must be nonnegative');
    expect(() => new SelectivityTask(1, { ...SELECTIVITY_DEFAULTS, width: 0 })).toThrow('width must be an integer in [1, 8]');
    expect(() => new SelectivityTask(1).act(2)).toThrow('selectivity has one action, 0 (got 2)');
  });
});

describe('feature tasks under the runner', () => {
  it('see the learner\'s output0 at every step, through act()', () => {
    const env = new PcaTask(11);
    const episode = runLearner(engine, ojaLearner(), env);
    expect(episode.steps).toBe(env.trials);
    expect(Array.from(env.outputs)).toEqual(episode.preferences.map((p) => p[0]));
    expect(episode.score).toBe(env.score());
  });

  it('draw standard normals', () => {
    const rng = createRng(3);
    const xs = range(20000, 0).map(() => gaussian(rng));
    expect(mean(xs)).toBeCloseTo(0, 1);
    expect(mean(xs.map((x) => x * x))).toBeCloseTo(1, 1);
  });
});
