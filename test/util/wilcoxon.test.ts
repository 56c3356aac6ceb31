// The Wilcoxon signed-rank test against its definition: the exact p-value against enumerating all
// 2^n sign patterns on seeded random data, mid-ranks against counting, and the normal path against
// the tie-corrected formula evaluated by hand. Reference numbers: the SciPy docs' example for
// scipy.stats.wilcoxon (Fisher's maize data), checked by enumeration; normal tails from Python's
// math.erfc (0.5 * erfc(z / sqrt(2))).

import { describe, expect, it } from 'vitest';
import { rankWithTies, standardNormalSf, wilcoxonSignedRank, type Alternative } from '../../src/util/wilcoxon.ts';

/** Numerical Recipes' LCG; floats in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const at = (a: readonly number[], i: number): number => a[i] ?? NaN;

/** P-values by listing every assignment of signs to the ranks of distinct, non-zero |d|. */
function naiveExact(d: readonly number[]): { statistic: number; p: Record<Alternative, number> } {
  const abs = d.map(Math.abs);
  const rank = abs.map((a) => 1 + abs.filter((b) => b < a).length);
  const observed = d.reduce((sum, v, i) => (v > 0 ? sum + at(rank, i) : sum), 0);
  let greater = 0;
  let less = 0;
  for (let mask = 0; mask < 2 ** d.length; mask++) {
    const w = rank.reduce((sum, r, i) => (mask & (1 << i) ? sum + r : sum), 0);
    if (w >= observed) greater++;
    if (w <= observed) less++;
  }
  const total = 2 ** d.length;
  const p = { greater: greater / total, less: less / total, 'two-sided': Math.min(1, (2 * Math.min(greater, less)) / total) };
  return { statistic: observed, p };
}

const ALTERNATIVES: Alternative[] = ['two-sided', 'greater', 'less'];

describe('wilcoxonSignedRank, exact path', () => {
  it('matches enumeration of all sign patterns for n = 1..12 (5 seeds each)', () => {
    for (let n = 1; n <= 12; n++) {
      for (let seed = 1; seed <= 5; seed++) {
        const rand = lcg(1000 * n + seed);
        const x = Array.from({ length: n }, () => rand() * 10);
        const y = Array.from({ length: n }, () => rand() * 10 + 0.5);
        const naive = naiveExact(x.map((v, i) => v - at(y, i)));
        for (const alternative of ALTERNATIVES) {
          const result = wilcoxonSignedRank(x, y, { alternative });
          expect(result.method, `n ${n} seed ${seed}`).toBe('exact');
          expect(result.statistic, `n ${n} seed ${seed}`).toBe(naive.statistic);
          expect(result.pValue, `n ${n} seed ${seed} ${alternative}`).toBe(naive.p[alternative]);
        }
      }
    }
  });

  it('gives 2/1024 two-sided for ten positive differences', () => {
    const x = Array.from({ length: 10 }, (_, i) => i + 1);
    const y = new Array<number>(10).fill(0);
    const result = wilcoxonSignedRank(x, y);
    expect(result).toMatchObject({ n: 10, zeros: 0, statistic: 55, wMinus: 0, method: 'exact', pValue: 0.001953125 });
    expect(wilcoxonSignedRank(x, y, { alternative: 'greater' }).pValue).toBe(1 / 1024);
    expect(wilcoxonSignedRank(x, y, { alternative: 'less' }).pValue).toBe(1);
  });

  it("reproduces the SciPy docs' example (Fisher's maize height differences)", () => {
    const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    const zeros = d.map(() => 0);
    // scipy.stats.wilcoxon(d) -> statistic 24 (= W-), p 0.041259765625; 'greater' -> 96, 0.0206298828125.
    expect(wilcoxonSignedRank(d, zeros)).toMatchObject({ statistic: 96, wMinus: 24, pValue: 0.041259765625 });
    expect(wilcoxonSignedRank(d, zeros, { alternative: 'greater' }).pValue).toBe(0.0206298828125);
    expect(wilcoxonSignedRank(d, zeros, { alternative: 'less' }).pValue).toBe(0.982330322265625);
  });

  it('swapping x and y swaps W+ with W- and greater with less', () => {
    const rand = lcg(7);
    for (const n of [5, 12, 20, 40]) {
      const x = Array.from({ length: n }, () => rand());
      const y = Array.from({ length: n }, () => rand() + 0.1);
      const forward = wilcoxonSignedRank(x, y, { alternative: 'greater' });
      const back = wilcoxonSignedRank(y, x, { alternative: 'less' });
      expect(back.statistic, `n ${n}`).toBe(forward.wMinus);
      expect(back.pValue, `n ${n}`).toBeCloseTo(forward.pValue, 14);
      expect(wilcoxonSignedRank(y, x).pValue, `n ${n}`).toBeCloseTo(wilcoxonSignedRank(x, y).pValue, 14);
    }
  });
});

describe('wilcoxonSignedRank, normal path', () => {
  it('uses the tie-corrected variance when |d| are tied (hand-computed)', () => {
    // |d| = 1,1,2,2,2,3,4,5: mid-ranks 1.5,1.5,4,4,4,6,7,8; W+ = 30 (only -3 is negative), mean 18,
    // var = 8*9*17/24 - ((2^3-2) + (3^3-3))/48 = 51 - 0.625 = 50.375.
    const d = [1, 1, 2, 2, 2, -3, 4, 5];
    const zeros = d.map(() => 0);
    const result = wilcoxonSignedRank(d, zeros, { alternative: 'greater' });
    expect(result).toMatchObject({ n: 8, statistic: 30, wMinus: 6, method: 'normal' });
    expect(result.pValue).toBeCloseTo(0.05258597565433022, 12); // sf(11.5 / sqrt(50.375))
    expect(wilcoxonSignedRank(d, zeros, { alternative: 'less' }).pValue).toBeCloseTo(0.9608955961885037, 12);
    expect(wilcoxonSignedRank(d, zeros).pValue).toBeCloseTo(0.10517195130866044, 12);
  });

  it('switches to the normal approximation above n = 25', () => {
    const x = Array.from({ length: 30 }, (_, i) => i + 1);
    const result = wilcoxonSignedRank(x, x.map(() => 0));
    expect(result.method).toBe('normal');
    // 2 * sf((465 - 232.5 - 0.5) / sqrt(30*31*61/24 = 2363.75))
    expect(result.pValue / 1.825371456361214e-6).toBeCloseTo(1, 12);
    expect(wilcoxonSignedRank(x.slice(0, 25), new Array<number>(25).fill(0)).method).toBe('exact');
  });

  it('gives p = 1 at the mean', () => {
    const result = wilcoxonSignedRank([1, -1, 2, -2], [0, 0, 0, 0]);
    expect(result).toMatchObject({ statistic: 5, wMinus: 5, method: 'normal', pValue: 1 });
  });
});

describe('wilcoxonSignedRank, zeros and summaries', () => {
  it('drops zero differences and reports them', () => {
    const x = [5, 3, 7, 2, 9, 4, 8];
    const y = [5, 1, 7, 3, 2, 4, 1];
    const result = wilcoxonSignedRank(x, y);
    const without = wilcoxonSignedRank([3, 2, 9, 8], [1, 3, 2, 1]);
    expect(result).toMatchObject({ n: 4, zeros: 3, statistic: without.statistic, pValue: without.pValue });
    expect(result.meanDifference).toBeCloseTo(15 / 7, 14);
    expect(result.medianDifference).toBe(0);
  });

  it('gives p = 1 when nothing is left, and NaN summaries for no pairs', () => {
    expect(wilcoxonSignedRank([1, 2], [1, 2])).toMatchObject({ n: 0, zeros: 2, statistic: 0, pValue: 1 });
    const empty = wilcoxonSignedRank([], []);
    expect(empty).toMatchObject({ n: 0, zeros: 0, pValue: 1 });
    expect(empty.meanDifference).toBeNaN();
    expect(empty.medianDifference).toBeNaN();
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(wilcoxonSignedRank([4, 1, 10, 3], [0, 0, 0, 0]).medianDifference).toBe(3.5);
  });
});

describe('wilcoxonSignedRank, errors', () => {
  it('names the rule', () => {
    expect(() => wilcoxonSignedRank([1, 2], [1])).toThrow(new RangeError('y must have the same length as x (2) (got 1)'));
    expect(() => wilcoxonSignedRank([1, NaN], [1, 2])).toThrow(new RangeError('x[1] must be a finite number (got NaN)'));
    expect(() => wilcoxonSignedRank([1, 2], [Infinity, 2])).toThrow(new RangeError('y[0] must be a finite number (got Infinity)'));
    expect(() => wilcoxonSignedRank([1e308], [-1e308])).toThrow(new RangeError('x[0] - y[0] must be a finite number (got Infinity)'));
    expect(() => wilcoxonSignedRank([1], [2], { alternative: 'both' as Alternative })).toThrow(
      new RangeError('options.alternative must be one of two-sided, greater, less (got "both")'),
    );
    expect(() => rankWithTies([1, -Infinity])).toThrow(new RangeError('values[1] must be a finite number (got -Infinity)'));
  });
});

describe('rankWithTies', () => {
  it('matches counting (less + (equal + 1) / 2) on 200 random arrays with ties', () => {
    const rand = lcg(42);
    for (let c = 0; c < 200; c++) {
      const values = Array.from({ length: Math.floor(rand() * 30) }, () => Math.floor(rand() * 8) - 4);
      const naive = values.map((v) => values.filter((u) => u < v).length + (values.filter((u) => u === v).length + 1) / 2);
      expect(rankWithTies(values), `case ${c}`).toEqual(naive);
    }
  });
});

describe('standardNormalSf', () => {
  it("agrees with Python's 0.5 * math.erfc(z / sqrt(2)) to 1e-14 relative, tails included", () => {
    const reference: [number, number][] = [
      [-3, 0.9986501019683699], [-1, 0.8413447460685429], [0, 0.5], [0.3, 0.3820885778110474],
      [1, 0.15865525393145707], [1.96, 0.024997895148220435], [2.5, 0.006209665325776139],
      [-0.5, 0.6914624612740131], [0.6, 0.2742531177500736], [4, 3.1671241833119965e-5],
      [5, 2.866515718791946e-7], [6, 9.865876450377012e-10], [8, 6.220960574271819e-16],
      [10, 7.619853024160593e-24], [20, 2.7536241186063314e-89], [37, 5.725571222525139e-300],
    ];
    for (const [z, p] of reference) expect(standardNormalSf(z) / p, `z ${z}`).toBeCloseTo(1, 14);
    expect(standardNormalSf(40)).toBe(0);
  });
});
