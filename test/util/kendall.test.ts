// Kendall's tau-b (Knight's O(n log n) merge-sort counting) against its definition: a naive O(n^2)
// count of concordant, discordant and tied pairs on seeded random vectors with and without ties,
// hand-worked values, and the errors.

import { describe, expect, it } from 'vitest';
import { kendallTau } from '../../src/util/kendall.ts';
import { createRng, type Rng } from '../../src/util/rng.ts';

/** tau-b straight from the definition: every pair, sign(dx) * sign(dy). */
function naiveTauB(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  let sum = 0;
  let untiedX = 0;
  let untiedY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const sx = Math.sign((x[j] as number) - (x[i] as number));
      const sy = Math.sign((y[j] as number) - (y[i] as number));
      sum += sx * sy;
      if (sx !== 0) untiedX++;
      if (sy !== 0) untiedY++;
    }
  }
  return sum / Math.sqrt(untiedX * untiedY);
}

/** Values drawn from `levels` distinct numbers (ties likely when levels is small), or continuous. */
function sample(rng: Rng, n: number, levels: number | null): number[] {
  return Array.from({ length: n }, () => (levels === null ? rng.uniform(-5, 5) : rng.int(levels) - levels / 2));
}

describe('kendallTau', () => {
  it('matches the O(n^2) definition on random vectors without ties', () => {
    const rng = createRng(13);
    for (let trial = 0; trial < 200; trial++) {
      const n = 2 + rng.int(60);
      const x = sample(rng, n, null);
      // y correlated with x to a random degree, so tau covers the whole range
      const mix = rng.uniform(-1, 1);
      const y = x.map((v) => mix * v + (1 - Math.abs(mix)) * rng.uniform(-5, 5));
      const expected = naiveTauB(x, y);
      expect(kendallTau(x, y), `trial ${trial}, n ${n}`).toBeCloseTo(expected, 12);
    }
  });

  it('matches the O(n^2) definition on random vectors with ties', () => {
    const rng = createRng(14);
    let sawNegative = false;
    let sawPositive = false;
    for (let trial = 0; trial < 300; trial++) {
      const n = 2 + rng.int(80);
      const x = sample(rng, n, 1 + rng.int(8));
      const y = rng.next() < 0.5 ? sample(rng, n, 1 + rng.int(8)) : x.map((v) => Math.round(v * rng.uniform(-1, 1)));
      const expected = naiveTauB(x, y);
      const got = kendallTau(x, y);
      if (Number.isNaN(expected)) {
        expect(got, `trial ${trial}: a constant side gives NaN`).toBeNaN();
      } else {
        expect(got, `trial ${trial}, n ${n}`).toBeCloseTo(expected, 12);
        if (got < -0.2) sawNegative = true;
        if (got > 0.2) sawPositive = true;
      }
    }
    expect(sawNegative && sawPositive).toBe(true);
  });

  it('takes typed arrays and large inputs (n = 20,000 in well under a second)', () => {
    const rng = createRng(15);
    const n = 20_000;
    const x = new Float64Array(n);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const xi = rng.int(500);
      x[i] = xi;
      y[i] = xi + rng.uniform(0, 100);
    }
    const started = performance.now();
    const tau = kendallTau(x, y);
    expect(performance.now() - started).toBeLessThan(1000);
    // a subsample agrees with the naive count on the same values
    const sx = Array.from(x.subarray(0, 400));
    const sy = Array.from(y.subarray(0, 400));
    expect(kendallTau(sx, sy)).toBeCloseTo(naiveTauB(sx, sy), 12);
    expect(tau).toBeGreaterThan(0.5);
    expect(tau).toBeLessThan(1);
  });

  it('gives 1 for the same order, -1 for the reverse, and hand-worked values with ties', () => {
    expect(kendallTau([1, 2, 3, 4, 5], [10, 20, 30, 40, 50])).toBe(1);
    expect(kendallTau([1, 2, 3, 4, 5], [5, 4, 3, 2, 1])).toBe(-1);
    expect(kendallTau([3, 1, 2], [30, 10, 20])).toBe(1);
    expect(kendallTau([1, 2], [2, 1])).toBe(-1);
    // x = [1, 2, 3], y = [1, 1, 2]: pairs (1,2) tied in y, (1,3) and (2,3) concordant:
    // (2 - 0) / sqrt(3 * 2)
    expect(kendallTau([1, 2, 3], [1, 1, 2])).toBeCloseTo(2 / Math.sqrt(6), 15);
    // x = [1, 2, 3, 4], y = [1, 3, 2, 4]: 5 concordant, 1 discordant, no ties: 4 / 6
    expect(kendallTau([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(4 / 6, 15);
    // ties on both sides, including a pair tied in both: x = [1, 1, 2, 2], y = [1, 1, 1, 2]
    // pairs: (0,1) tied both, (0,2) tied y, (0,3) conc, (1,2) tied y, (1,3) conc, (2,3) tied x
    // untied x: 4, untied y: 3, C - D = 2: 2 / sqrt(12)
    expect(kendallTau([1, 1, 2, 2], [1, 1, 1, 2])).toBeCloseTo(2 / Math.sqrt(12), 15);
  });

  it('is NaN when either side is constant', () => {
    expect(kendallTau([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(kendallTau([1, 2, 3], [7, 7, 7])).toBeNaN();
  });

  it('throws a clear error for different lengths, fewer than 2 pairs, or NaN values', () => {
    expect(() => kendallTau([1, 2, 3], [1, 2])).toThrow('kendallTau: x and y must have the same length (got 3 and 2)');
    expect(() => kendallTau([1], [1])).toThrow('kendallTau: needs at least 2 pairs (got 1)');
    expect(() => kendallTau([], [])).toThrow('kendallTau: needs at least 2 pairs (got 0)');
    expect(() => kendallTau([1, NaN, 3], [1, 2, 3])).toThrow('kendallTau: x[1] is NaN');
    expect(() => kendallTau([1, 2, 3], [1, 2, NaN])).toThrow('kendallTau: y[2] is NaN');
  });
});
