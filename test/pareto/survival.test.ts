// Rank-and-crowding survival and the binary tournament: properties on seeded random sets, and the
// tournament's win frequencies against their exact values.

import { describe, expect, it } from 'vitest';
import {
  binaryTournament, crowdedBetter, rankAndCrowding, survive, surviveRanked, tournamentSelect,
} from '../../src/pareto/index.ts';
import { createRng } from '../../src/util/rng.ts';
import { cases } from './inputs.ts';

describe('survive', () => {
  it('keeps whole better fronts first, then the most crowding-distant of the next front', () => {
    for (const { seed, rows } of cases(200, 40, [1, 2, 3, 4])) {
      const { rank, crowding } = rankAndCrowding(rows);
      const k = createRng(seed + 1000).int(rows.length + 1);
      const chosen = survive(rows, k);
      expect(chosen.length, `seed ${seed}`).toBe(k);
      expect(new Set(chosen).size, `seed ${seed}`).toBe(k);
      if (k === 0) continue;
      const worst = Math.max(...chosen.map((i) => rank[i] as number));
      const left = rows.map((_, i) => i).filter((i) => !chosen.includes(i));
      for (const i of left) {
        expect(rank[i] as number, `seed ${seed}: row ${i} left out`).toBeGreaterThanOrEqual(worst);
        if (rank[i] === worst) {
          for (const c of chosen.filter((c) => rank[c] === worst)) {
            expect(crowding[c] as number, `seed ${seed}`).toBeGreaterThanOrEqual(crowding[i] as number);
          }
        }
      }
      // The order: ranks never decrease along the result.
      for (let s = 1; s < chosen.length; s++) {
        expect(rank[chosen[s] as number] as number, `seed ${seed}`).toBeGreaterThanOrEqual(rank[chosen[s - 1] as number] as number);
      }
    }
  });

  it('equals sorting every row by (rank, -crowding, index) and taking the first k', () => {
    for (const { seed, rows } of cases(100, 30, [2, 3])) {
      const { rank, crowding } = rankAndCrowding(rows);
      const key = (i: number): [number, number, number] => [rank[i] as number, -(crowding[i] as number), i];
      const order = rows.map((_, i) => i).sort((a, b) => {
        const [ra, ca, ia] = key(a);
        const [rb, cb, ib] = key(b);
        return ra - rb || (ca === cb ? ia - ib : ca < cb ? -1 : 1);
      });
      const k = Math.floor(rows.length / 2);
      expect([...survive(rows, k)].sort((a, b) => a - b), `seed ${seed}`).toEqual(order.slice(0, k).sort((a, b) => a - b));
    }
  });

  it('picks the boundary members of a front that does not fit (golden)', () => {
    const rows = [[0, 4], [1, 3], [2, 2], [3, 1], [4, 0], [5, 5]];
    expect(survive(rows, 2)).toEqual([0, 4]);
    expect(survive(rows, 6)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(surviveRanked(rankAndCrowding(rows), 0)).toEqual([]);
  });

  it('rejects a k outside 0..n', () => {
    expect(() => survive([[1], [2]], 3)).toThrow('k must be an integer from 0 to 2 (the number of candidates) (got 3)');
    expect(() => survive([[1], [2]], 1.5)).toThrow('k must be an integer from 0 to 2');
  });
});

describe('binaryTournament', () => {
  it('prefers the lower rank, then the larger crowding distance', () => {
    const r = { rank: [0, 1, 0, 0], crowding: [1, Infinity, 2, 2] };
    expect(crowdedBetter(r, 0, 1)).toBe(true);
    expect(crowdedBetter(r, 1, 0)).toBe(false);
    expect(crowdedBetter(r, 2, 0)).toBe(true);
    expect(crowdedBetter(r, 2, 3)).toBe(false);
    expect(crowdedBetter(r, 3, 2)).toBe(false);
    const rng = createRng(7);
    for (let t = 0; t < 200; t++) {
      expect(binaryTournament(r, rng, [0, 1])).toBe(0);
      expect(binaryTournament(r, rng, [0, 2])).toBe(2);
    }
  });

  it('wins with the exact probabilities of a two-draw tournament', () => {
    // Five candidates strictly ordered best to worst (by rank, then crowding): the i-th best
    // (i = 0..4) wins when drawn with a worse one, probability 2 (n - 1 - i) / (n (n - 1)).
    const r = { rank: [1, 0, 2, 0, 1], crowding: [5, 3, 1, Infinity, 7] };
    const bestFirst = [3, 1, 4, 0, 2];
    const n = 5;
    const trials = 40_000;
    const wins = new Array<number>(n).fill(0);
    const rng = createRng(11);
    for (const w of tournamentSelect(r, trials, rng)) wins[w] = (wins[w] as number) + 1;
    bestFirst.forEach((c, i) => {
      const p = (2 * (n - 1 - i)) / (n * (n - 1));
      expect(Math.abs((wins[c] as number) / trials - p), `candidate ${c}`).toBeLessThan(0.01);
    });
    expect(wins[2]).toBe(0);
  });

  it('draws only from the pool, is reproducible, and rejects an empty pool', () => {
    const r = { rank: [0, 0, 1, 1, 2], crowding: [1, 1, 1, 1, 1] };
    const a = tournamentSelect(r, 100, createRng(3), [2, 4]);
    expect(a.every((w) => w === 2)).toBe(true);
    expect(tournamentSelect(r, 50, createRng(5))).toEqual(tournamentSelect(r, 50, createRng(5)));
    expect(binaryTournament(r, createRng(1), [4])).toBe(4);
    expect(() => binaryTournament(r, createRng(1), [])).toThrow('pool must not be empty');
    expect(() => binaryTournament(r, createRng(1), [9])).toThrow('pool must be an integer from 0 to 4 (got 9)');
  });
});
