// The surrogate's TensorFlow.js runtime: the backend (wasm, one thread), ParamStore's seeded
// initialisers, Adam against a plain float64 JavaScript Adam (Kingma and Ba 2015, Algorithm 1, with
// Pascanu et al.'s global-norm clipping), and the two promises training makes: the same seed gives
// the same parameters bit for bit, and a run resumed from snapshots equals the uninterrupted run bit
// for bit. Also: steps leak no tensors.

import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { Packr } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Adam, trainStep, type AdamOptions, type AdamSnapshot } from '../../src/surrogate/adam.ts';
import { glorotBound, ParamStore, type ParamSnapshot } from '../../src/surrogate/params.ts';
import { initSurrogateBackend, tf, type SurrogateBackend } from '../../src/surrogate/tf.ts';
import { createRng } from '../../src/util/rng.ts';

let backend: SurrogateBackend;

beforeAll(async () => {
  backend = await initSurrogateBackend();
});

/** The bit patterns of float32 values, so comparisons are exact (and -0 differs from 0). */
function bits(values: Float32Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
}

function paramBits(snapshot: ParamSnapshot): Record<string, number[]> {
  return Object.fromEntries(snapshot.map((p) => [p.name, bits(p.data)]));
}

function adamBits(snapshot: AdamSnapshot): unknown {
  return { steps: snapshot.steps, slots: snapshot.slots.map((s) => ({ name: s.name, shape: s.shape, t: s.t, m: bits(s.m), v: bits(s.v) })) };
}

// Checkpoints are msgpack; typed arrays need moreTypes (see src/surrogate/params.ts).
const packr = new Packr({ moreTypes: true });
const roundTrip = <T>(value: T): T => packr.unpack(packr.pack(value)) as T;

describe('initSurrogateBackend', () => {
  it('selects the wasm backend with one thread', () => {
    // If this fails the surrogate runs on the cpu fallback; the note says why.
    expect(backend.backend, backend.note ?? '').toBe('wasm');
    expect(backend.note).toBeUndefined();
    expect(tf.getBackend()).toBe('wasm');
    expect(getThreadsCount()).toBe(1);
  });

  it('is idempotent, and refuses to change backend afterwards', async () => {
    expect(await initSurrogateBackend()).toBe(backend);
    expect(await initSurrogateBackend({ backend: 'wasm' })).toBe(backend);
    await expect(initSurrogateBackend({ backend: 'cpu' })).rejects.toThrow('cannot be changed to "cpu"');
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('ParamStore', () => {
  function build(seed: number): ParamStore {
    const rng = createRng(seed);
    const store = new ParamStore();
    store.add('w1', [20, 30], 'glorot', rng);
    store.add('b1', [30], 'zeros');
    store.add('gain', [30], 'ones');
    store.add('stack', [3, 8, 5], 'glorot', rng);
    store.add('embed', [2000, 2], { normal: 0.5 }, rng);
    return store;
  }

  it('draws the same numbers from the same seed and different ones from another', () => {
    const a = build(1);
    const b = build(1);
    const c = build(2);
    expect(paramBits(a.snapshot())).toEqual(paramBits(b.snapshot()));
    const sa = paramBits(a.snapshot());
    const sc = paramBits(c.snapshot());
    for (const name of ['w1', 'stack', 'embed']) expect(sc[name], name).not.toEqual(sa[name]);
    expect(sc.b1).toEqual(sa.b1);
    for (const s of [a, b, c]) s.dispose();
  });

  it('keeps glorot values within the Glorot bound, spread over it; normals have the asked std', () => {
    const store = build(3);
    const snap = store.snapshot();
    const w1 = snap.find((p) => p.name === 'w1')?.data ?? new Float32Array();
    const stack = snap.find((p) => p.name === 'stack')?.data ?? new Float32Array();
    expect(glorotBound([20, 30])).toBeCloseTo(Math.sqrt(6 / 50), 15);
    expect(glorotBound([3, 8, 5])).toBeCloseTo(Math.sqrt(6 / (24 + 15)), 15);
    for (const [values, bound] of [[w1, Math.sqrt(6 / 50)], [stack, Math.sqrt(6 / 39)]] as const) {
      let largest = 0;
      let sum = 0;
      for (const v of values) {
        largest = Math.max(largest, Math.abs(v));
        sum += v;
      }
      expect(largest).toBeLessThanOrEqual(bound);
      expect(largest).toBeGreaterThan(0.9 * bound);
      expect(Math.abs(sum / values.length)).toBeLessThan(0.1 * bound);
    }
    const embed = snap.find((p) => p.name === 'embed')?.data ?? new Float32Array();
    let sum = 0;
    let squares = 0;
    for (const v of embed) {
      sum += v;
      squares += v * v;
    }
    const mean = sum / embed.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.sqrt(squares / embed.length - mean * mean)).toBeCloseTo(0.5, 1);
    expect(snap.find((p) => p.name === 'b1')?.data.every((v) => v === 0)).toBe(true);
    expect(snap.find((p) => p.name === 'gain')?.data.every((v) => v === 1)).toBe(true);
    store.dispose();
  });

  it('names, counts, gets, snapshots as a copy, restores exactly, and disposes', () => {
    const before = tf.memory().numTensors;
    const store = build(4);
    expect(store.names()).toEqual(['w1', 'b1', 'gain', 'stack', 'embed']);
    expect(store.count()).toBe(600 + 30 + 30 + 120 + 4000);
    expect(store.variables().map((v) => v.shape)).toEqual([[20, 30], [30], [30], [3, 8, 5], [2000, 2]]);
    expect(store.get('stack').shape).toEqual([3, 8, 5]);
    expect(() => store.get('nope')).toThrow('no parameter named "nope"');
    expect(() => store.add('w1', [2], 'zeros')).toThrow('parameter "w1" already exists');
    expect(() => store.add('g', [2], 'glorot')).toThrow('parameter "g": init "glorot" needs an rng');
    expect(() => store.add('h', [2.5], 'zeros')).toThrow('shape[0] must be a non-negative integer');

    const snap = store.snapshot();
    const copy = roundTrip(snap);
    expect(copy[0]?.data).toBeInstanceOf(Float32Array);
    snap[0]?.data.fill(7); // the snapshot is a copy: the store is untouched
    expect(bits(store.snapshot()[0]?.data ?? new Float32Array())).toEqual(bits(copy[0]?.data ?? new Float32Array()));

    const restored = ParamStore.restore(copy);
    expect(restored.names()).toEqual(store.names());
    expect(paramBits(restored.snapshot())).toEqual(paramBits(store.snapshot()));
    expect(() => ParamStore.restore([{ name: 'x', shape: [3], data: new Float32Array(2) }])).toThrow('has 2 values for shape [3]');
    store.dispose();
    restored.dispose();
    expect(() => store.get('w1')).toThrow('disposed');
    expect(tf.memory().numTensors).toBe(before);
  });
});

// ---------------------------------------------------------------------------------------------
// Adam against float64 JavaScript on a quadratic 0.5 sum a_i (p_i - c_i)^2 over two parameters.

const QUAD = { a: [0.5, 2, 1, 4, 0.25, 1.5], c: [1, -2, 0.5, 3, -1, 2], p0: [-1.5, 1, 3, 0.5, 1.5, -1] };

/** Float64 Adam on the quadratic; the parameters after each step. */
function referenceAdam(options: Required<Omit<AdamOptions, 'clipNorm'>> & { clipNorm?: number }, steps: number): number[][] {
  const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, clipNorm } = options;
  const p = QUAD.p0.slice();
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    const g = p.map((pi, i) => (QUAD.a[i] as number) * (pi - (QUAD.c[i] as number)));
    if (clipNorm !== undefined) {
      const norm = Math.sqrt(g.reduce((s, gi) => s + gi * gi, 0));
      const scale = clipNorm / Math.max(norm, clipNorm);
      for (let i = 0; i < g.length; i++) g[i] = (g[i] as number) * scale;
    }
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] as number;
      m[i] = b1 * (m[i] as number) + (1 - b1) * gi;
      v[i] = b2 * (v[i] as number) + (1 - b2) * gi * gi;
      const mHat = (m[i] as number) / (1 - b1 ** t);
      const vHat = (v[i] as number) / (1 - b2 ** t);
      p[i] = (p[i] as number) - (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    out.push(p.slice());
  }
  return out;
}

/** The same with tf: parameters 'u' (the first 2, shape [2]) and 'w' (the other 4, shape [2, 2]). */
function tfAdam(options: AdamOptions, steps: number): number[][] {
  const store = ParamStore.restore([
    { name: 'u', shape: [2], data: Float32Array.from(QUAD.p0.slice(0, 2)) },
    { name: 'w', shape: [2, 2], data: Float32Array.from(QUAD.p0.slice(2)) },
  ]);
  const adam = new Adam(options);
  const a = tf.tensor1d(QUAD.a);
  const c = tf.tensor1d(QUAD.c);
  const loss = (): tf.Scalar => {
    const p = tf.concat([store.get('u'), store.get('w').reshape([4])]);
    return tf.mul(0.5, tf.sum(tf.mul(a, tf.square(tf.sub(p, c)))));
  };
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    trainStep(store, adam, loss);
    out.push([...store.get('u').dataSync(), ...store.get('w').dataSync()]);
  }
  tf.dispose([a, c]);
  store.dispose();
  adam.dispose();
  return out;
}

function maxDifference(x: number[][], y: number[][]): number {
  let worst = 0;
  for (let t = 0; t < x.length; t++) {
    for (let i = 0; i < (x[t]?.length ?? 0); i++) worst = Math.max(worst, Math.abs((x[t]?.[i] ?? NaN) - (y[t]?.[i] ?? NaN)));
  }
  return worst;
}

describe('Adam', () => {
  const base = { learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
  // Parameters are of order 1 and move 1 at most in 20 steps; float32 rounding of the constants and
  // of each step's arithmetic stays a few ulps per step.
  const TOLERANCE = 2e-6;

  it('agrees with a float64 Adam on a quadratic for 20 steps', () => {
    const expected = referenceAdam(base, 20);
    const got = tfAdam(base, 20);
    expect(maxDifference(got, expected)).toBeLessThan(TOLERANCE);
    // and it moved: every parameter went at least 0.5 towards its optimum
    for (let i = 0; i < QUAD.p0.length; i++) {
      const moved = Math.abs((got[19]?.[i] ?? NaN) - (QUAD.p0[i] as number));
      expect(moved, `parameter ${i}`).toBeGreaterThan(0.5);
    }
  });

  it('agrees with a float64 Adam with global-norm clipping, which changes the run', () => {
    const clipped = { ...base, epsilon: 1e-3, clipNorm: 0.05 };
    const expected = referenceAdam(clipped, 20);
    expect(maxDifference(tfAdam(clipped, 20), expected)).toBeLessThan(TOLERANCE);
    // the clip is active: without it the same run ends elsewhere
    expect(maxDifference(referenceAdam({ ...base, epsilon: 1e-3 }, 20), expected)).toBeGreaterThan(1000 * TOLERANCE);
  });

  it('leaves a parameter without a gradient alone, and counts steps per parameter', () => {
    const store = new ParamStore();
    store.add('used', [3], 'ones');
    store.add('unused', [2], 'ones');
    const adam = new Adam({ learningRate: 0.1 });
    const loss = (): tf.Scalar => tf.sum(tf.square(store.get('used')));
    for (let s = 0; s < 3; s++) trainStep(store, adam, loss);
    const params = store.snapshot();
    expect(Array.from(params[1]?.data ?? [])).toEqual([1, 1]);
    // Adam's first steps move by about lr each (bias-corrected m / sqrt(v) is near sign(g))
    for (const v of params[0]?.data ?? []) expect(v).toBeCloseTo(0.7, 2);
    const snap = adam.snapshot();
    expect(snap.steps).toBe(3);
    expect(snap.slots.map((s) => [s.name, s.t])).toEqual([['used', 3]]);
    // a gradient for 'unused' alone: its own count starts at 1
    const g = tf.ones([2]);
    adam.step(store, { unused: g });
    g.dispose();
    expect(adam.snapshot().slots.map((s) => [s.name, s.t])).toEqual([['used', 3], ['unused', 1]]);
    expect(store.snapshot()[1]?.data[0]).toBeCloseTo(0.9, 5);
    store.dispose();
    adam.dispose();
  });

  it('rejects bad options and gradients for unknown or mis-shaped parameters', () => {
    expect(() => new Adam({ learningRate: 0 })).toThrow('Adam: learningRate must be a finite number > 0 (got 0)');
    expect(() => new Adam({ learningRate: 0.1, beta2: 1 })).toThrow('Adam: beta2 must be in [0, 1) (got 1)');
    expect(() => new Adam({ learningRate: 0.1, clipNorm: -1 })).toThrow('Adam: clipNorm must be a finite number > 0 (got -1)');
    const store = new ParamStore();
    store.add('p', [3], 'zeros');
    const adam = new Adam({ learningRate: 0.1 });
    const g = tf.ones([2]);
    expect(() => adam.step(store, { q: g })).toThrow('no parameter named "q"');
    expect(() => adam.step(store, { p: g })).toThrow('the gradient of "p" has shape [2], the parameter [3]');
    g.dispose();
    store.dispose();
    adam.dispose();
  });
});

// ---------------------------------------------------------------------------------------------
// A tiny model: a 2-layer tanh MLP (6 -> 16 -> 1) regressing fixed data, 24 rows.

describe('training a tiny MLP', () => {
  const ROWS = 24;
  const OPTIONS: AdamOptions = { learningRate: 0.02, clipNorm: 5 };
  let x: tf.Tensor2D;
  let y: tf.Tensor2D;

  beforeAll(() => {
    const rng = createRng(99);
    const xs = new Float32Array(ROWS * 6);
    const ys = new Float32Array(ROWS);
    for (let r = 0; r < ROWS; r++) {
      let target = 0;
      for (let k = 0; k < 6; k++) {
        const v = rng.uniform(-1, 1);
        xs[r * 6 + k] = v;
        target += (k % 2 === 0 ? 1 : -0.5) * v;
      }
      ys[r] = Math.sin(target);
    }
    x = tf.tensor2d(xs, [ROWS, 6]);
    y = tf.tensor2d(ys, [ROWS, 1]);
  });

  afterAll(() => tf.dispose([x, y]));

  function mlp(seed: number): ParamStore {
    const rng = createRng(seed);
    const store = new ParamStore();
    store.add('w1', [6, 16], 'glorot', rng);
    store.add('b1', [16], 'zeros');
    store.add('w2', [16, 1], 'glorot', rng);
    store.add('b2', [1], { normal: 0.1 }, rng);
    return store;
  }

  const lossOf = (store: ParamStore) => (): tf.Scalar => {
    const hidden = tf.tanh(tf.add(tf.matMul(x, store.get('w1')), store.get('b1')));
    const out = tf.add(tf.matMul(hidden, store.get('w2')), store.get('b2'));
    return tf.mean(tf.square(tf.sub(out, y)));
  };

  function train(store: ParamStore, adam: Adam, steps: number): number[] {
    const loss = lossOf(store);
    const losses: number[] = [];
    for (let s = 0; s < steps; s++) losses.push(trainStep(store, adam, loss));
    return losses;
  }

  it('gives bit-identical parameters from the same seed (30 steps, twice), and learns', () => {
    const runs = [1, 2].map(() => {
      const store = mlp(5);
      const adam = new Adam(OPTIONS);
      const losses = train(store, adam, 30);
      const result = { losses, params: paramBits(store.snapshot()), adam: adamBits(adam.snapshot()) };
      store.dispose();
      adam.dispose();
      return result;
    });
    expect(runs[1]?.params).toEqual(runs[0]?.params);
    expect(runs[1]?.adam).toEqual(runs[0]?.adam);
    expect(runs[1]?.losses).toEqual(runs[0]?.losses);
    const losses = runs[0]?.losses ?? [];
    expect(losses[29]).toBeLessThan(0.5 * (losses[0] ?? NaN));
  });

  it('resumes from snapshots (through msgpack) exactly: 15 + 15 steps = 30 steps bit for bit', () => {
    const straight = mlp(6);
    const straightAdam = new Adam(OPTIONS);
    const straightLosses = train(straight, straightAdam, 30);

    const first = mlp(6);
    const firstAdam = new Adam(OPTIONS);
    const firstLosses = train(first, firstAdam, 15);
    const saved = roundTrip({ params: first.snapshot(), adam: firstAdam.snapshot() });
    first.dispose();
    firstAdam.dispose();
    const resumed = ParamStore.restore(saved.params);
    const resumedAdam = Adam.restore(saved.adam, OPTIONS);
    expect(resumedAdam.stepCount).toBe(15);
    const secondLosses = train(resumed, resumedAdam, 15);

    expect([...firstLosses, ...secondLosses]).toEqual(straightLosses);
    expect(paramBits(resumed.snapshot())).toEqual(paramBits(straight.snapshot()));
    expect(adamBits(resumedAdam.snapshot())).toEqual(adamBits(straightAdam.snapshot()));
    for (const d of [straight, resumed, straightAdam, resumedAdam]) d.dispose();
  });

  it('leaks no tensors: the count is the same after every step once Adam has its moments', () => {
    const before = tf.memory().numTensors;
    const store = mlp(7);
    const adam = new Adam(OPTIONS);
    const loss = lossOf(store);
    trainStep(store, adam, loss); // warm-up: Adam creates m and v
    const warm = tf.memory().numTensors;
    expect(warm).toBe(before + 3 * 4); // 4 parameters, each with m and v
    for (let s = 0; s < 10; s++) {
      trainStep(store, adam, loss);
      expect(tf.memory().numTensors, `after step ${s + 2}`).toBe(warm);
    }
    store.dispose();
    adam.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
