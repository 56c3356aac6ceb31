// The sequence family (src/tasks/sequence.ts): deterministic per seed, shaped as docs/tasks.md says,
// split in time order, learnable but not by persistence, registered as `sequence`, `sequence:mlp`
// and `sequence:linear`.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { gaussian } from '../../src/optimizer/problems.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { evaluateGenome, makePlan } from '../../src/tasks/evaluate.ts';
import { buildTask, parseTaskRef } from '../../src/tasks/registry.ts';
import { dataSeed } from '../../src/tasks/seeds.ts';
import { ar2Variance, SEQUENCE, sequenceData } from '../../src/tasks/sequence.ts';
import type { Dataset } from '../../src/tasks/types.ts';
import { createRng } from '../../src/util/rng.ts';

const W = SEQUENCE.window;

function bytes(d: Dataset): string {
  return Buffer.from(d.x.buffer).toString('base64') + Buffer.from(d.y.buffer).toString('base64');
}

/** Mean squared error of predicting each window's last value (persistence, the naive forecast). */
function persistenceLoss(d: Dataset): number {
  let total = 0;
  for (let i = 0; i < d.count; i++) total += ((d.y[i] as number) - (d.x[i * d.features + d.features - 1] as number)) ** 2;
  return total / d.count;
}

describe('sequence data', () => {
  it('gives the same bytes for the same seed, another process for another seed', () => {
    const a = sequenceData(7);
    expect(bytes(sequenceData(7).train) + bytes(sequenceData(7).validation)).toBe(bytes(a.train) + bytes(a.validation));
    const other = sequenceData(8);
    expect(bytes(other.train)).not.toBe(bytes(a.train));
    expect(other.process.sines[0]?.period).not.toBe(a.process.sines[0]?.period);
  });

  it('has 320 + 80 windows of 12 values with one target, drawn within the documented ranges', () => {
    for (const seed of [0, 1, 2, 3]) {
      const d = sequenceData(seed);
      expect([d.train.count, d.validation.count, d.train.features, d.train.targets]).toEqual([320, 80, W, 1]);
      expect([d.validation.features, d.validation.targets, d.series.length]).toEqual([W, 1, W + 400]);
      expect([2, 3]).toContain(d.process.sines.length);
      for (const s of d.process.sines) {
        expect(s.period).toBeGreaterThanOrEqual(3);
        expect(s.period).toBeLessThan(16);
      }
      // Complex roots of modulus rho in [0.5, 0.9): phi2 = -rho^2 and phi1^2 < -4 phi2.
      expect(-d.process.phi2).toBeGreaterThanOrEqual(0.25);
      expect(-d.process.phi2).toBeLessThan(0.81);
      expect(d.process.phi1 ** 2).toBeLessThan(-4 * d.process.phi2);
      expect(d.train.x.every(Number.isFinite) && d.validation.y.every(Number.isFinite)).toBe(true);
    }
  });

  it('splits in time order: windows slide by one, and every validation target comes after every training target', () => {
    const d = sequenceData(4);
    const at = (t: number) => Math.fround(d.series[t] as number);
    const rowOf = (split: Dataset, i: number) => Array.from(split.x.subarray(i * W, (i + 1) * W));
    for (const i of [0, 1, 157, 319]) {
      expect(rowOf(d.train, i)).toEqual(Array.from({ length: W }, (_, k) => at(i + k)));
      expect(d.train.y[i]).toBe(at(i + W));
    }
    for (const j of [0, 1, 79]) {
      expect(rowOf(d.validation, j)).toEqual(Array.from({ length: W }, (_, k) => at(320 + j + k)));
      expect(d.validation.y[j]).toBe(at(320 + j + W));
    }
    // The last training target is the first validation window's newest value: no gap, no overlap of targets.
    expect(d.train.y[319]).toBe(d.validation.x[W - 1]);
  });

  it('standardises with what the training split sees, not with the future', () => {
    for (const seed of [0, 1, 2]) {
      const d = sequenceData(seed);
      const seen = Array.from(d.series.subarray(0, W + d.trainCount));
      const mean = seen.reduce((a, v) => a + v, 0) / seen.length;
      const variance = seen.reduce((a, v) => a + (v - mean) ** 2, 0) / seen.length;
      expect(mean).toBeCloseTo(0, 10);
      expect(variance).toBeCloseTo(1, 10);
      // The whole series, future included, is not exactly standardised: the future was not used.
      const all = Array.from(d.series);
      expect(Math.abs(all.reduce((a, v) => a + v, 0) / all.length)).toBeGreaterThan(1e-6);
    }
  });

  it('scales the AR(2) innovations by its stationary variance (Box and Jenkins 1970, eq. 3.2.27)', () => {
    // AR(1) as a check on the formula: 1 / (1 - phi^2).
    expect(ar2Variance(0.5, 0)).toBeCloseTo(4 / 3, 12);
    expect(ar2Variance(0, 0)).toBe(1);
    // And against a long simulation with a complex pair of roots (rho 0.8, theta 1).
    const [phi1, phi2] = [1.6 * Math.cos(1), -0.64];
    const rng = createRng(11);
    let [r1, r2, sum] = [0, 0, 0];
    const n = 200_000;
    for (let t = 0; t < n + 100; t++) {
      const r = phi1 * r1 + phi2 * r2 + gaussian(rng);
      [r2, r1] = [r1, r];
      if (t >= 100) sum += r * r;
    }
    expect(sum / n / ar2Variance(phi1, phi2)).toBeGreaterThan(0.97);
    expect(sum / n / ar2Variance(phi1, phi2)).toBeLessThan(1.03);
  });
});

describe('sequence tasks', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.create();
  });

  it('builds sequence (and :mlp) as an MLP 12-16-1 with tanh, and :linear as 12-1, MSE', () => {
    for (const ref of ['sequence', 'sequence:mlp', 'sequence:linear']) {
      const instance = buildTask(ref, 5);
      if (instance.kind !== 'model') throw new Error(`${ref} is a model task`);
      expect(instance.task).toBe(ref);
      expect(instance.model.loss).toBe('mse');
      expect(instance.model.layers).toEqual(ref === 'sequence:linear'
        ? [{ inputs: W, outputs: 1, activation: 'identity' }]
        : [{ inputs: W, outputs: 16, activation: 'tanh' }, { inputs: 16, outputs: 1, activation: 'identity' }]);
      // Targets about unit scale: the validation variance around the training mean.
      expect(instance.referenceLoss).toBeGreaterThan(0.3);
      expect(instance.referenceLoss).toBeLessThan(3);
      expect(instance.detail).toMatch(/^periods \d+\.\d(, \d+\.\d){1,2}; AR\(2\) phi -?\d\.\d\d, -\d\.\d\d; 400 windows of 12$/);
      expect(bytes(instance.validation)).toBe(bytes(sequenceData(5).validation));
    }
    expect(() => parseTaskRef('sequence:rnn')).toThrow('task must name a variant of sequence: sequence:mlp, sequence:linear (got "sequence:rnn")');
  });

  it('is learnable, and not by persistence: Adam at the defaults ends far below 1 and below the naive forecast', () => {
    for (const runSeed of [0, 1, 2]) {
      const e = evaluateGenome(engine, seedByName('adam').build(), 0, makePlan(runSeed, 0, ['sequence']));
      const t = e.status === 'ok' ? e.tasks[0] : undefined;
      if (t?.status !== 'ok') throw new Error(`adam on sequence, run seed ${runSeed}: ${JSON.stringify(e)}`);
      const adam = t.metrics.normalisedValidationLoss;
      // The same instance the plan trained on: its data seed is the plan's.
      const instance = buildTask('sequence', dataSeed({ runSeed, generation: 0, task: 'sequence' }));
      if (instance.kind !== 'model') throw new Error('sequence is a model task');
      const persistence = persistenceLoss(instance.validation) / instance.referenceLoss;
      expect(adam, `run seed ${runSeed}`).toBeLessThan(0.5);
      expect(adam, `run seed ${runSeed}`).toBeLessThan(persistence - 0.2);
    }
  });

  it('is not trivial: persistence is no good forecast on most data seeds', () => {
    const losses = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((seed) => {
      const d = sequenceData(seed);
      let reference = 0;
      const mean = d.train.y.reduce((a, v) => a + v, 0) / d.train.count;
      for (const v of d.validation.y) reference += (v - mean) ** 2 / d.validation.count;
      return persistenceLoss(d.validation) / reference;
    });
    // Periods of 3 to 16 steps turn within a few steps, so the last value says little about the next.
    expect(losses.every((l) => l > 0.25)).toBe(true);
    expect(losses.reduce((a, v) => a + v, 0) / losses.length).toBeGreaterThan(0.6);
  });
});
