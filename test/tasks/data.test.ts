// The task data sets: deterministic per seed, different across seeds, shaped as docs/tasks.md says.
import { describe, expect, it } from 'vitest';
import { classificationData, CLASSIFICATION_SETS, CLASSIFICATION_SAMPLES } from '../../src/tasks/classification.ts';
import { linearData, LINREG, REGRESSION_LIMITS, REGRESSION_SIGMA, regressionData } from '../../src/tasks/data.ts';
import { irisData } from '../../src/tasks/iris.ts';
import type { Dataset } from '../../src/tasks/types.ts';

const SEEDS = [0, 1, 2, 17, 123456789, 2 ** 32 - 1];

function same(a: Dataset, b: Dataset): boolean {
  return a.count === b.count && a.features === b.features && a.targets === b.targets
    && a.x.every((v, i) => Object.is(v, b.x[i])) && a.y.every((v, i) => Object.is(v, b.y[i]));
}

function wellFormed(d: Dataset): void {
  expect(d.x).toHaveLength(d.count * d.features);
  expect(d.y).toHaveLength(d.count * d.targets);
  expect(d.x.every(Number.isFinite) && d.y.every(Number.isFinite)).toBe(true);
}

function oneHot(d: Dataset): void {
  for (let s = 0; s < d.count; s++) {
    const row = Array.from(d.y.subarray(s * d.targets, (s + 1) * d.targets));
    expect(row.filter((v) => v === 1)).toHaveLength(1);
    expect(row.filter((v) => v === 0)).toHaveLength(d.targets - 1);
  }
}

const makers = {
  regression: (seed: number) => regressionData(seed),
  'linreg-8': (seed: number) => linearData(seed),
  spirals: (seed: number) => classificationData(seed, 'spirals'),
  iris: (seed: number) => irisData(seed),
};

describe('data sets', () => {
  it.each(Object.entries(makers))('%s: the same seed gives the same splits, another seed other ones', (_name, make) => {
    for (const seed of SEEDS) {
      const a = make(seed);
      const b = make(seed);
      expect(same(a.train, b.train) && same(a.validation, b.validation)).toBe(true);
      wellFormed(a.train);
      wellFormed(a.validation);
    }
    expect(same(make(1).train, make(2).train)).toBe(false);
  });

  it('regression draws its shape within the limits, holds out 20% and has the noise it should', () => {
    const shapes = SEEDS.map((seed) => regressionData(seed).shape);
    for (const s of shapes) {
      expect(s.latent).toBeGreaterThanOrEqual(REGRESSION_LIMITS.latent[0]);
      expect(s.latent).toBeLessThanOrEqual(REGRESSION_LIMITS.latent[1]);
      expect(s.observed).toBeGreaterThanOrEqual(1);
      expect(s.observed).toBeLessThanOrEqual(10);
      expect(s.samples).toBeGreaterThanOrEqual(100);
      expect(s.samples).toBeLessThanOrEqual(1000);
    }
    expect(new Set(shapes.map((s) => `${s.latent}/${s.observed}/${s.samples}`)).size).toBeGreaterThan(1);
    const d = regressionData(5);
    expect(d.train.count + d.validation.count).toBe(d.shape.samples);
    expect(d.validation.count).toBe(Math.floor(d.shape.samples * 0.2));
    expect(d.train.features).toBe(d.shape.observed);
    // |sin| <= 1 and |tanh| <= 1: anything beyond is noise, sigma = pi / 10, so never beyond 1 + 6 sigma.
    const largest = [d.train.x, d.train.y].reduce((a, values) => values.reduce((b, v) => Math.max(b, Math.abs(v)), a), 0);
    expect(largest).toBeLessThan(1 + 6 * REGRESSION_SIGMA);
    expect(largest).toBeGreaterThan(1);
  });

  it('linreg-8 has 256 training rows, 64 validation rows and 8 features', () => {
    const d = linearData(3);
    expect([d.train.count, d.validation.count, d.train.features, d.train.targets]).toEqual([LINREG.train, LINREG.validation, 8, 1]);
  });

  it('classification draws each data set from seeds, or takes the one named, with balanced one-hot classes', () => {
    const drawn = new Set(Array.from({ length: 30 }, (_, seed) => classificationData(seed).set));
    expect([...drawn].sort()).toEqual([...CLASSIFICATION_SETS].sort());
    for (const set of CLASSIFICATION_SETS) {
      const d = classificationData(9, set);
      expect(d.set).toBe(set);
      expect(d.train.count + d.validation.count).toBe(CLASSIFICATION_SAMPLES);
      expect(d.train.targets).toBe(set === 'blobs' ? 3 : 2);
      oneHot(d.train);
      oneHot(d.validation);
      const perClass = Array.from({ length: d.train.targets }, (_, c) => d.train.y.filter((v, i) => v === 1 && i % d.train.targets === c).length);
      expect(perClass.reduce((a, v) => Math.max(a, v)) - perClass.reduce((a, v) => Math.min(a, v))).toBeLessThanOrEqual(1);
    }
  });

  it('circles: class 0 near radius 0.5, class 1 near radius 1', () => {
    const d = classificationData(4, 'circles').train;
    const radius = (c: number) => {
      const r: number[] = [];
      for (let s = 0; s < d.count; s++) if (d.y[s * 2 + c] === 1) r.push(Math.hypot(d.x[2 * s] as number, d.x[2 * s + 1] as number));
      return r.reduce((a, v) => a + v, 0) / r.length;
    };
    expect(radius(0)).toBeCloseTo(0.5, 1);
    expect(radius(1)).toBeCloseTo(1, 1);
  });

  it('iris: 120 + 30 rows, 40 + 10 per species, training features standardised', () => {
    const d = irisData(11);
    expect([d.train.count, d.validation.count, d.train.features, d.train.targets]).toEqual([120, 30, 4, 3]);
    oneHot(d.train);
    oneHot(d.validation);
    for (let c = 0; c < 3; c++) {
      expect(d.train.y.filter((v, i) => v === 1 && i % 3 === c)).toHaveLength(40);
      expect(d.validation.y.filter((v, i) => v === 1 && i % 3 === c)).toHaveLength(10);
    }
    for (let j = 0; j < 4; j++) {
      const column = Array.from({ length: 120 }, (_, s) => d.train.x[s * 4 + j] as number);
      const mean = column.reduce((a, v) => a + v, 0) / 120;
      const variance = column.reduce((a, v) => a + (v - mean) ** 2, 0) / 120;
      expect(mean).toBeCloseTo(0, 5);
      expect(variance).toBeCloseTo(1, 4);
    }
    // The split changes with the seed, the table does not: all 150 rows appear exactly once.
    expect(same(irisData(11).train, irisData(12).train)).toBe(false);
  });
});
