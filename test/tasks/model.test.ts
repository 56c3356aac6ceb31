// The task models' derivatives (assembly/task/model.ts) against central finite differences of the
// engine's own float64 loss: the gradient of every activation under both losses, and the
// Hessian-vector probe against finite differences of gradients (Pearlmutter 1994 computes H z
// exactly, so the two agree to the differences' O(h^2) error). Parameters sit on a 2^-8 grid and
// the step is 2^-14, so p +- h is exact in float32 and the difference quotient sees exactly +- h.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { modelParameters } from '../../src/tasks/train.ts';
import type { Activation, ModelSpec } from '../../src/tasks/types.ts';
import { dataset, gridParameters, keepParameters, mlp, prepare } from './model-fixtures.ts';

const H = 2 ** -14;
const ACTIVATIONS: Activation[] = ['identity', 'sin', 'tanh', 'relu'];

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

/** max |a - b| / (1 + max |b|) over the lanes. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i] as number));
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst / (1 + scale);
}

function finiteDifferenceGradient(p: Float32Array, step: number, seed: number): Float64Array {
  const fd = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const q = p.slice();
    q[i] = (p[i] as number) + H;
    const up = engine.taskGradient(q, { step, seed, probe: false }).loss;
    q[i] = (p[i] as number) - H;
    const down = engine.taskGradient(q, { step, seed, probe: false }).loss;
    fd[i] = (up - down) / (2 * H);
  }
  return fd;
}

function checkGradient(model: ModelSpec, batchSize: number, seed: number): number {
  const data = dataset(12, model.layers[0]?.inputs ?? 0, model.layers.at(-1)?.outputs ?? 0, seed, model.loss !== 'mse');
  prepare(engine, keepParameters(), model, data, batchSize);
  const p = gridParameters(modelParameters(model), seed + 100);
  const exact = engine.taskGradient(p, { step: 3, seed, probe: false });
  expect(Number.isFinite(exact.loss)).toBe(true);
  expect(exact.gradient.some((g) => g !== 0)).toBe(true);
  return relativeError(exact.gradient, finiteDifferenceGradient(p, 3, seed));
}

describe('task model gradients against central finite differences', () => {
  for (const loss of ['mse', 'softmax-cross-entropy'] as const) {
    for (const act of ACTIVATIONS) {
      it(`${act} hidden layer, ${loss}`, () => {
        expect(checkGradient(mlp(3, 4, 3, act, 'identity', loss), 12, 1)).toBeLessThan(1e-7);
      });
      it(`${act} output layer, ${loss}, sampled minibatch`, () => {
        expect(checkGradient(mlp(3, 4, 2, 'tanh', act, loss), 5, 2)).toBeLessThan(1e-7);
      });
    }
  }

  it('a three-layer model with one target', () => {
    const model: ModelSpec = {
      layers: [
        { inputs: 2, outputs: 5, activation: 'sin' },
        { inputs: 5, outputs: 3, activation: 'tanh' },
        { inputs: 3, outputs: 1, activation: 'identity' },
      ],
      loss: 'mse',
    };
    expect(checkGradient(model, 7, 3)).toBeLessThan(1e-7);
  });

  it('a finite-difference check that can fail: a wrong gradient is caught', () => {
    const model = mlp(3, 4, 2, 'tanh', 'identity', 'mse');
    const data = dataset(12, 3, 2, 5);
    prepare(engine, keepParameters(), model, data, 12);
    const p = gridParameters(modelParameters(model), 6);
    const exact = engine.taskGradient(p, { step: 1, seed: 5, probe: false }).gradient;
    exact[0] = (exact[0] as number) * 1.01 + 1e-3;
    expect(relativeError(exact, finiteDifferenceGradient(p, 1, 5))).toBeGreaterThan(1e-5);
  });
});

describe('the Hessian-vector probe (R-operator) against finite differences of gradients', () => {
  const cases: [string, ModelSpec][] = [
    ['sin/identity, mse', mlp(3, 4, 2, 'sin', 'identity', 'mse')],
    ['tanh/tanh, mse', mlp(3, 4, 2, 'tanh', 'tanh', 'mse')],
    ['relu/sin, mse', mlp(3, 4, 2, 'relu', 'sin', 'mse')],
    ['tanh/identity, softmax cross-entropy', mlp(3, 4, 3, 'tanh', 'identity', 'softmax-cross-entropy')],
    ['sin/tanh, softmax cross-entropy', mlp(3, 4, 3, 'sin', 'tanh', 'softmax-cross-entropy')],
  ];
  for (const [name, model] of cases) {
    it(name, () => {
      const data = dataset(10, 3, model.layers[1]?.outputs ?? 0, 7, model.loss !== 'mse');
      prepare(engine, keepParameters(), model, data, 6);
      const p = gridParameters(modelParameters(model), 8);
      const probed = engine.taskGradient(p, { step: 2, seed: 9, probe: true });
      const z = probed.probe as Float64Array;
      expect(z.every((v) => v === 1 || v === -1)).toBe(true);
      expect(z.some((v) => v === 1) && z.some((v) => v === -1)).toBe(true);
      const up = p.map((v, i) => v + H * (z[i] as number));
      const down = p.map((v, i) => v - H * (z[i] as number));
      const gUp = engine.taskGradient(up, { step: 2, seed: 9, probe: false }).gradient;
      const gDown = engine.taskGradient(down, { step: 2, seed: 9, probe: false }).gradient;
      const fd = gUp.map((g, i) => (g - (gDown[i] as number)) / (2 * H));
      expect(relativeError(probed.hessianProbe as Float64Array, fd)).toBeLessThan(1e-7);
      // The probe does not change the loss or the gradient.
      const plain = engine.taskGradient(p, { step: 2, seed: 9, probe: false });
      expect(plain.loss).toBe(probed.loss);
      expect([...plain.gradient]).toEqual([...probed.gradient]);
    });
  }

  it('draws z from the seed and the step', () => {
    const model = mlp(3, 4, 2, 'tanh', 'identity', 'mse');
    prepare(engine, keepParameters(), model, dataset(10, 3, 2, 7), 6);
    const p = gridParameters(modelParameters(model), 8);
    const z = (step: number, seed: number): number[] => [...(engine.taskGradient(p, { step, seed, probe: true }).probe as Float64Array)];
    expect(z(2, 9)).toEqual(z(2, 9));
    expect(z(3, 9)).not.toEqual(z(2, 9));
    expect(z(2, 10)).not.toEqual(z(2, 9));
  });
});
