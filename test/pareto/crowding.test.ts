// Crowding distance against a direct reading of the NSGA-II definition (Deb et al. 2002, III-B):
// per member and objective, find its neighbours in the (value, index) order by scanning the front;
// a member without one of them is a boundary (infinite distance). Seeded random fronts with ties
// and duplicates.

import { describe, expect, it } from 'vitest';
import { crowdingByFront, crowdingDistance, nonDominatedSort } from '../../src/pareto/index.ts';
import { cases } from './inputs.ts';

function naiveCrowding(rows: number[][], front: number[]): number[] {
  const m = rows[0]?.length ?? 0;
  const value = (i: number, j: number): number => (rows[i] as number[])[j] as number;
  const before = (a: number, b: number, j: number): boolean => value(a, j) < value(b, j) || (value(a, j) === value(b, j) && a < b);
  return front.map((i) => {
    if (front.length <= 2) return Infinity;
    let d = 0;
    for (let j = 0; j < m; j++) {
      const values = front.map((k) => value(k, j));
      const range = Math.max(...values) - Math.min(...values);
      let prev: number | undefined;
      let next: number | undefined;
      for (const k of front) {
        if (before(k, i, j) && (prev === undefined || before(prev, k, j))) prev = k;
        if (before(i, k, j) && (next === undefined || before(k, next, j))) next = k;
      }
      if (range === 0) continue;
      if (prev === undefined || next === undefined) d = Infinity;
      else d += (value(next, j) - value(prev, j)) / range;
    }
    return d;
  });
}

describe('crowdingDistance', () => {
  it('matches the direct definition on every front of 300 random sets', () => {
    for (const { seed, rows } of cases(300, 30, [1, 2, 3, 4])) {
      for (const front of nonDominatedSort(rows)) {
        const got = Array.from(crowdingDistance(rows, front));
        const want = naiveCrowding(rows, front);
        got.forEach((g, k) => {
          const w = want[k] as number;
          if (w === Infinity) expect(g, `seed ${seed}`).toBe(Infinity);
          else expect(g, `seed ${seed}`).toBeCloseTo(w, 12);
        });
      }
    }
  });

  it('also matches it on arbitrary subsets, not only fronts', () => {
    for (const { seed, rows } of cases(100, 20, [2, 3])) {
      const subset = rows.map((_, i) => i).filter((i) => i % 3 !== 1);
      const got = Array.from(crowdingDistance(rows, subset));
      expect(got.map((g) => (g === Infinity ? g : Number(g.toFixed(12)))), `seed ${seed}`)
        .toEqual(naiveCrowding(rows, subset).map((w) => (w === Infinity ? w : Number(w.toFixed(12)))));
    }
  });

  it('gives a hand-computed front its distances (golden)', () => {
    // Sorted by f0: rows 0, 1, 2, 3 (f1 in reverse). Range 3 in f0, 6 in f1.
    // Row 1: (2 - 0) / 3 + (6 - 1) / 6; row 2: (3 - 1) / 3 + (5 - 0) / 6.
    const rows = [[0, 6], [1, 5], [2, 1], [3, 0]];
    const d = crowdingDistance(rows, [0, 1, 2, 3]);
    expect(d[0]).toBe(Infinity);
    expect(d[3]).toBe(Infinity);
    expect(d[1]).toBeCloseTo(2 / 3 + 5 / 6, 14);
    expect(d[2]).toBeCloseTo(2 / 3 + 5 / 6, 14);
  });

  it('makes fronts of one or two members all boundary, and lets constant objectives add nothing', () => {
    expect(Array.from(crowdingDistance([[1, 2], [2, 1]], [0, 1]))).toEqual([Infinity, Infinity]);
    expect(Array.from(crowdingDistance([[1, 5], [2, 5], [4, 5]], [0, 1, 2]))).toEqual([Infinity, 1, Infinity]);
    expect(Array.from(crowdingDistance([[3, 5], [3, 5], [3, 5]], [0, 1, 2]))).toEqual([0, 0, 0]);
    const d = crowdingDistance([[1, 5], [2, 5], [4, 5], [3, 5]], [0, 1, 2, 3]);
    expect(d[1]).toBeCloseTo(2 / 3, 14);
    expect(d[3]).toBeCloseTo(2 / 3, 14);
  });

  it('rejects an index outside the rows', () => {
    expect(() => crowdingDistance([[1], [2]], [0, 2])).toThrow('front[1] must be an integer from 0 to 1 (got 2)');
  });
});

describe('crowdingByFront', () => {
  it('fills every row with the distance within its own front', () => {
    const rows = [[0, 6], [1, 5], [2, 1], [3, 0], [9, 9]];
    const fronts = nonDominatedSort(rows);
    const all = crowdingByFront(rows, fronts);
    expect(Array.from(all.subarray(0, 4))).toEqual(Array.from(crowdingDistance(rows, [0, 1, 2, 3])));
    expect(all[4]).toBe(Infinity);
  });
});
