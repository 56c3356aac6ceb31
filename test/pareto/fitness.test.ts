// Column normalisation and the species-allocation fitness: the formula on a hand-made set, its
// properties on seeded random sets (rank first, invalid rows last and ignored by every
// normalisation).

import { describe, expect, it } from 'vitest';
import { columnBounds, nonDominatedSort, normaliseObjectives, normaliseWith, speciesFitness } from '../../src/pareto/index.ts';
import { createRng } from '../../src/util/rng.ts';
import { cases } from './inputs.ts';

describe('normaliseObjectives', () => {
  it('maps the valid rows of each column onto [0, 1] and the invalid ones with the same map', () => {
    const rows = [[1, 10], [3, 10], [2, 10], [100, 1e6]];
    const valid = [true, true, true, false];
    expect(columnBounds(rows, valid)).toEqual({ lo: [1, 10], hi: [3, 10] });
    expect(normaliseObjectives(rows, valid)).toEqual([[0, 0], [1, 0], [0.5, 0], [49.5, 1e6 - 10]]);
    expect(normaliseObjectives(rows)).toEqual([[0, 0], [2 / 99, 0], [1 / 99, 0], [1, 1]]);
  });

  it('leaves values alone when no row is valid, and applies given bounds', () => {
    expect(normaliseObjectives([[5, 6]], [false])).toEqual([[5, 6]]);
    expect(normaliseWith([[5, 6]], { lo: [4, 2], hi: [6, 6] })).toEqual([[0.5, 1]]);
  });

  it('rejects a mask of the wrong length', () => {
    expect(() => columnBounds([[1], [2]], [true])).toThrow('valid must have one entry per candidate (2) (got 1)');
  });
});

describe('speciesFitness', () => {
  it('follows the formula on a hand-made set (golden)', () => {
    // Valid rows 0..3; fronts {0, 1}, {2}, {3}; bounds lo = (0, 0), hi = (4, 4).
    const rows = [[0, 4], [4, 0], [2, 4], [4, 4], [-50, -50]];
    const f = speciesFitness(rows, [true, true, true, true, false]);
    expect(Array.from(f.rank)).toEqual([0, 0, 1, 2, 3]);
    expect(Array.from(f.score)).toEqual([0.5, 0.5, 1.75, 3, Infinity]);
    expect(Array.from(f.fitness)).toEqual([3.5 / 4, 3.5 / 4, 2.25 / 4, 1 / 4, 0]);
  });

  it('orders by rank first, then composite, with invalid rows worst, on 200 random sets', () => {
    for (const { seed, rows } of cases(200, 30, [1, 2, 3, 4])) {
      const rng = createRng(seed + 500);
      const valid = rows.map(() => rng.next() < 0.8);
      const f = speciesFitness(rows, valid);
      const validIndex = rows.map((_, i) => i).filter((i) => valid[i]);
      const fronts = nonDominatedSort(validIndex.map((i) => rows[i] as number[]));
      fronts.forEach((front, r) => {
        for (const k of front) expect(f.rank[validIndex[k] as number], `seed ${seed}`).toBe(r);
      });
      for (const a of validIndex) {
        const fa = f.fitness[a] as number;
        expect(fa, `seed ${seed}`).toBeGreaterThan(0);
        expect(fa, `seed ${seed}`).toBeLessThanOrEqual(1);
        for (const b of validIndex) {
          if ((f.rank[a] as number) < (f.rank[b] as number)) {
            expect(f.score[a] as number, `seed ${seed}`).toBeLessThan(f.score[b] as number);
            expect(fa, `seed ${seed}`).toBeGreaterThan(f.fitness[b] as number);
          }
        }
      }
      rows.forEach((_, i) => {
        if (valid[i]) return;
        expect(f.fitness[i], `seed ${seed}`).toBe(0);
        expect(f.score[i], `seed ${seed}`).toBe(Infinity);
        expect(f.rank[i], `seed ${seed}`).toBe(fronts.length);
      });
    }
  });

  it('gives the same with the fronts of the valid rows passed in as without, on 100 random sets', () => {
    for (const { seed, rows } of cases(100, 30, [2, 4])) {
      const rng = createRng(seed + 900);
      const valid = rows.map(() => rng.next() < 0.8);
      const fronts = nonDominatedSort(rows.filter((_, i) => valid[i]));
      expect(speciesFitness(rows, valid, fronts), `seed ${seed}`).toEqual(speciesFitness(rows, valid));
    }
  });

  it('ignores invalid rows: their values change nothing for the valid ones', () => {
    for (const { seed, rows } of cases(50, 20, [2, 4])) {
      if (rows.length === 0) continue;
      const valid = rows.map((_, i) => i % 4 !== 3);
      const moved = rows.map((row, i) => (valid[i] ? row : row.map((v) => v * 1e6 - 7)));
      expect(speciesFitness(moved, valid), `seed ${seed}`).toEqual(speciesFitness(rows, valid));
    }
  });

  it('gives every valid row fitness 1 when all rows are equal, and handles no valid rows', () => {
    const f = speciesFitness([[2, 3], [2, 3]], [true, true]);
    expect(Array.from(f.fitness)).toEqual([1, 1]);
    expect(Array.from(speciesFitness([[1, 1]], [false]).fitness)).toEqual([0]);
  });
});
