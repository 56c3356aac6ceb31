// Fast non-dominated sorting against the definition: fronts peeled one at a time by checking every
// pair for dominance, on seeded random sets with ties and duplicates.

import { describe, expect, it } from 'vitest';
import { dominates, frontRanks, nonDominatedSort } from '../../src/pareto/index.ts';
import { cases } from './inputs.ts';

function naiveDominates(a: number[], b: number[]): boolean {
  return a.every((x, j) => x <= (b[j] as number)) && a.some((x, j) => x < (b[j] as number));
}

function naiveFronts(rows: number[][]): number[][] {
  let remaining = rows.map((_, i) => i);
  const fronts: number[][] = [];
  while (remaining.length > 0) {
    const front = remaining.filter((i) => !remaining.some((j) => naiveDominates(rows[j] as number[], rows[i] as number[])));
    fronts.push(front);
    remaining = remaining.filter((i) => !front.includes(i));
  }
  return fronts;
}

describe('nonDominatedSort', () => {
  it('matches peeling by pairwise dominance on 300 random sets', () => {
    for (const { seed, rows } of cases(300, 40, [1, 2, 3, 4, 5])) {
      expect(nonDominatedSort(rows), `seed ${seed}`).toEqual(naiveFronts(rows));
    }
  });

  it('sorts a hand-made set (golden)', () => {
    const rows = [[1, 5], [2, 2], [5, 1], [3, 3], [2, 2], [4, 4], [6, 6], [1, 6]];
    expect(nonDominatedSort(rows)).toEqual([[0, 1, 2, 4], [3, 7], [5], [6]]);
  });

  it('puts equal rows in one front, and gives nothing for no rows', () => {
    expect(nonDominatedSort([[1, 1], [1, 1], [1, 1]])).toEqual([[0, 1, 2]]);
    expect(nonDominatedSort([])).toEqual([]);
  });

  it('accepts typed-array rows', () => {
    expect(nonDominatedSort([Float64Array.of(2, 2), Float64Array.of(1, 1)])).toEqual([[1], [0]]);
  });

  it('rejects ragged rows and non-finite values, naming the row', () => {
    expect(() => nonDominatedSort([[1, 2], [1]])).toThrow('objectives[1] must have 2 objectives, as row 0 does (got 1)');
    expect(() => nonDominatedSort([[1, 2], [1, NaN]])).toThrow('objectives[1][1] must be a finite number (got NaN)');
    expect(() => nonDominatedSort([[]])).toThrow('objectives[0] must have at least one objective');
  });
});

describe('dominates and frontRanks', () => {
  it('agree with the definition on random pairs', () => {
    for (const { seed, rows } of cases(100, 12, [1, 2, 3, 4])) {
      for (const a of rows) {
        for (const b of rows) expect(dominates(a, b), `seed ${seed}`).toBe(naiveDominates(a, b));
      }
    }
  });

  it('give every row the index of its front', () => {
    expect(Array.from(frontRanks([[0, 2], [1]], 3))).toEqual([0, 1, 0]);
  });
});
