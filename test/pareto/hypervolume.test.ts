// Exact hypervolume against three references: inclusion-exclusion over the boxes of every subset
// (small sets, 1 to 5 objectives), exact cell counting on an integer grid (larger sets with many
// ties and duplicates, 2 to 4 objectives) and a seeded Monte Carlo estimate with a 5-sigma bound
// (continuous 4-objective sets).

import { describe, expect, it } from 'vitest';
import { hypervolume } from '../../src/pareto/index.ts';
import { createRng, type Rng } from '../../src/util/rng.ts';
import { randomObjectives, STYLES, type Style } from './inputs.ts';

/** Sum over non-empty subsets S of (-1)^(|S|+1) * volume of the box between max over S and ref. */
function inclusionExclusion(points: number[][], ref: number[]): number {
  const n = points.length;
  let total = 0;
  for (let mask = 1; mask < 1 << n; mask++) {
    let size = 0;
    let volume = 1;
    for (let j = 0; j < ref.length; j++) {
      let corner = -Infinity;
      for (let i = 0; i < n; i++) {
        if (mask & (1 << i)) corner = Math.max(corner, (points[i] as number[])[j] as number);
      }
      volume *= Math.max(0, (ref[j] as number) - corner);
    }
    for (let i = 0; i < n; i++) if (mask & (1 << i)) size++;
    total += size % 2 === 1 ? volume : -volume;
  }
  return total;
}

/** Unit cells [c, c + 1) of the grid 0..g-1 that some point weakly dominates (its corner <= c). */
function gridCount(points: number[][], g: number, m: number): number {
  let count = 0;
  const cell = new Array<number>(m).fill(0);
  for (let c = 0; c < g ** m; c++) {
    let rest = c;
    for (let j = 0; j < m; j++) {
      cell[j] = rest % g;
      rest = Math.floor(rest / g);
    }
    if (points.some((p) => p.every((v, j) => v <= (cell[j] as number)))) count++;
  }
  return count;
}

function randomReference(rng: Rng, m: number): number[] {
  return Array.from({ length: m }, () => rng.uniform(0, 1.2));
}

describe('hypervolume', () => {
  it('matches inclusion-exclusion on 400 small random sets of 1 to 5 objectives', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const rng = createRng(seed);
      const m = 1 + rng.int(5);
      const style = STYLES[rng.int(3)] as Style;
      const points = randomObjectives(rng, rng.int(11), m, style);
      const ref = style === 'coarse' ? Array.from({ length: m }, () => 1 + rng.int(4)) : randomReference(rng, m);
      const want = inclusionExclusion(points, ref);
      expect(hypervolume(points, ref), `seed ${seed}`).toBeCloseTo(want, 9);
    }
  });

  it('matches exact cell counts on integer grids of 2 to 4 objectives (ties and duplicates)', () => {
    for (let seed = 1; seed <= 120; seed++) {
      const rng = createRng(seed);
      const m = 2 + (seed % 3);
      const g = m === 4 ? 5 : 8;
      const n = 1 + rng.int(60);
      const points: number[][] = [];
      for (let i = 0; i < n; i++) {
        points.push(i > 0 && rng.next() < 0.2
          ? [...(points[rng.int(i)] as number[])]
          : Array.from({ length: m }, () => rng.int(g + 1)));
      }
      const ref = new Array<number>(m).fill(g);
      expect(hypervolume(points, ref), `seed ${seed}`).toBe(gridCount(points, g, m));
    }
  });

  it('agrees with a Monte Carlo estimate on continuous 4-objective sets of 100 points', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const rng = createRng(seed);
      const points = randomObjectives(rng, 100, 4, 'continuous').map((p) => p.map((v) => (v + 1) / 2));
      const ref = [1, 1, 1, 1];
      const samples = 100_000;
      let hits = 0;
      const u = [0, 0, 0, 0];
      for (let s = 0; s < samples; s++) {
        for (let j = 0; j < 4; j++) u[j] = rng.next();
        if (points.some((p) => p.every((v, j) => v <= (u[j] as number)))) hits++;
      }
      const p = hits / samples;
      const sigma = Math.sqrt((p * (1 - p)) / samples);
      expect(Math.abs(hypervolume(points, ref) - p), `seed ${seed}`).toBeLessThan(5 * sigma + 1e-12);
    }
  });

  it('gives hand-computed volumes (golden)', () => {
    expect(hypervolume([[1, 2], [2, 1]], [3, 3])).toBe(3);
    expect(hypervolume([[0, 0, 0]], [1, 2, 3])).toBe(6);
    // Three boxes of volume 2, pairwise overlaps of 1, a triple overlap of 1: 6 - 3 + 1.
    expect(hypervolume([[0, 1, 1], [1, 0, 1], [1, 1, 0]], [2, 2, 2])).toBe(4);
    expect(hypervolume([[0, 0, 0, 0], [1, 1, 1, 1]], [2, 2, 2, 2])).toBe(16);
    expect(hypervolume([], [1, 1])).toBe(0);
  });

  it('ignores points not strictly better than the reference in every objective', () => {
    expect(hypervolume([[1, 0], [0, 1]], [1, 1])).toBe(0);
    expect(hypervolume([[0.5, 0.5], [1, 0], [0.5, 1]], [1, 1])).toBe(0.25);
    expect(hypervolume([[2, 2, 2, 2]], [1, 1, 1, 1])).toBe(0);
  });

  it('does not depend on the order of the points, and ignores dominated ones', () => {
    const rng = createRng(99);
    const points = randomObjectives(rng, 60, 4, 'continuous');
    const ref = [1, 1, 1, 1];
    const base = hypervolume(points, ref);
    const shuffled = [...points].reverse();
    expect(hypervolume(shuffled, ref)).toBeCloseTo(base, 12);
    const dominated = points.map((p) => p.map((v) => v + 0.01));
    expect(hypervolume([...points, ...dominated], ref)).toBeCloseTo(base, 12);
  });

  it('computes 300 non-dominated 4-objective points quickly', () => {
    const rng = createRng(5);
    const points: number[][] = [];
    while (points.length < 300) {
      const v = Array.from({ length: 4 }, () => Math.abs(rng.uniform(-1, 1)) + 1e-9);
      const norm = Math.hypot(...v);
      points.push(v.map((x) => x / norm));
    }
    const start = performance.now();
    const hv = hypervolume(points, [1.1, 1.1, 1.1, 1.1]);
    const ms = performance.now() - start;
    expect(hv).toBeGreaterThan(0);
    expect(hv).toBeLessThan(1.1 ** 4);
    expect(ms).toBeLessThan(2000);
  });

  it('rejects a reference of the wrong length or with a non-finite value', () => {
    expect(() => hypervolume([[1, 2]], [3])).toThrow('reference must have 2 values, one per objective (got 1)');
    expect(() => hypervolume([[1, 2]], [3, Infinity])).toThrow('reference[1] must be a finite number (got Infinity)');
    expect(() => hypervolume([], [])).toThrow('reference must have at least one objective');
    expect(() => hypervolume([[1, 2], [1]], [3, 3])).toThrow('points[1] must have 2 objectives, as row 0 does (got 1)');
  });
});
