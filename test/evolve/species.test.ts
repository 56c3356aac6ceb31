// Speciation, relative-rank stagnation and offspring allocation (src/evolve/species.ts) on toy
// genomes: numbers on a line with distance |a - b|, or points in space with Euclidean distance.

import { describe, expect, it } from 'vitest';
import {
  allocateOffspring, DEFAULT_SPECIES, initialSpecies, parentPool, speciate, updateStagnation, type SpeciesConfig,
  type SpeciesState,
} from '../../src/evolve/species.ts';

const distance = (a: number, b: number): number => Math.abs(a - b);
const config: SpeciesConfig = { ...DEFAULT_SPECIES, thresholdInitial: 1, targetSpecies: 3 };

/** A point with an id, so that distance calls can be told apart. */
interface Point { id: number; x: number[] }
const euclid = (a: Point, b: Point): number => Math.hypot(...a.x.map((v, k) => v - (b.x[k] as number)));

/** mulberry32: a small seeded generator for the test populations. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `clusters` tight clusters whose centres sit 10 apart on every axis of their own (all centre
 * distances near 14.1, so all between-cluster distances nearly equal), drifting a little each
 * generation; 104 genomes a generation, fresh samples around the centres, clusters interleaved.
 */
function driftingClusters(clusters: number, generations: number, seed: number): Point[][] {
  const rand = generator(seed);
  const centres = Array.from({ length: clusters }, (_, c) => Array.from({ length: clusters }, (_, k): number => (k === c ? 10 : 0)));
  let id = 0;
  return Array.from({ length: generations }, () => {
    for (const centre of centres) for (let k = 0; k < clusters; k++) centre[k] = (centre[k] as number) + 0.1 * (rand() - 0.5);
    return Array.from({ length: 104 }, (_, i) => ({
      id: id++, x: (centres[(i * 7) % clusters] as number[]).map((v) => v + 0.5 * (rand() - 0.5)),
    }));
  });
}

/** Speciates each generation in turn, counting distance calls and checking none is repeated. */
function evolveSpecies(populations: Point[][], cfg: SpeciesConfig): { counts: number[]; calls: number[]; old: number[]; repeated: number; thresholds: number[] } {
  let state: SpeciesState<Point> = initialSpecies(cfg);
  const out = { counts: [] as number[], calls: [] as number[], old: [] as number[], repeated: 0, thresholds: [] as number[] };
  populations.forEach((population, g) => {
    const seen = new Set<string>();
    let calls = 0;
    const counted = (a: Point, b: Point): number => {
      calls++;
      const key = a.id < b.id ? `${a.id}:${b.id}` : `${b.id}:${a.id}`;
      if (seen.has(key)) out.repeated++;
      seen.add(key);
      return euclid(a, b);
    };
    out.old.push(state.species.length);
    state = speciate(population, state, counted, cfg, g).state;
    out.counts.push(state.species.length);
    out.calls.push(calls);
    out.thresholds.push(state.threshold);
  });
  return out;
}

describe('speciate', () => {
  it('puts genomes within the threshold of a representative together and founds species for the rest', () => {
    const population = [0, 0.2, 10, 10.3, 20, 0.5];
    const { state, assignment, members } = speciate(population, initialSpecies<number>(config), distance, config, 0);
    expect(state.species).toHaveLength(3);
    expect(assignment).toEqual([0, 0, 1, 1, 2, 0]);
    expect(members).toEqual([[0, 1, 5], [2, 3], [4]]);
    expect(state.species.map((s) => s.representative)).toEqual([0, 10, 20]); // the founders
    expect(state.nextId).toBe(3);
    expect(state.threshold).toBe(1); // the target count at the previous threshold: it stays
  });

  it('keeps species across generations, drops empty ones and records origins', () => {
    const first = speciate([0, 10, 20], initialSpecies<number>(config), distance, config, 0, ['a', 'b', 'c']);
    expect(first.state.species.map((s) => s.origin)).toEqual(['a', 'b', 'c']);
    const second = speciate([0.1, 20.2, 30], first.state, distance, config, 1);
    expect(second.state.species.map((s) => s.id)).toEqual([0, 2, 3]);
    expect(second.state.species.map((s) => s.origin)).toEqual(['a', 'c', null]);
    expect(second.assignment).toEqual([0, 1, 2]);
  });

  it('puts a genome with the closest representative within the threshold, a founder of this generation included', () => {
    const two: SpeciesConfig = { ...config, targetSpecies: 2, thresholdInitial: 8 };
    const previous = speciate([0, 10], initialSpecies<number>(two), distance, two, 0).state;
    // Within 8 of both 0 and 10, 6 and 9 join 10, the closer; 4 joins 0.
    const { state, assignment } = speciate([1, 6, 9, 4, -1, 13], previous, distance, two, 1);
    expect(state.threshold).toBe(8);
    expect(state.species.map((s) => s.id)).toEqual([0, 1]);
    expect(assignment).toEqual([0, 1, 1, 0, 0, 1]);
    // 8 founds a species (at least 5 from 0 and 20); 4.5, within 5 of 0 and of 8, joins 8, the closer.
    const apart = speciate([0, 20], initialSpecies<number>(two), distance, two, 0).state;
    const joined = speciate([1, 19, 8, 4.5], { ...apart, threshold: 5 }, distance, config, 1);
    expect(joined.state.threshold).toBe(5);
    expect(joined.state.species.map((s) => s.id)).toEqual([0, 1, 2]);
    expect(joined.assignment).toEqual([0, 1, 2, 2]);
  });

  it('searches the threshold that gives the target species count, never below thresholdMin', () => {
    const population = Array.from({ length: 12 }, (_, i) => i * 3);
    let state = initialSpecies<number>(config);
    for (let g = 0; g < 5; g++) {
      state = speciate(population, { ...state, species: [] }, distance, config, g).state;
      // Founders 0, 12, 24 (each taking the next three points) need a threshold in (9, 12].
      expect(state.species.map((s) => s.representative)).toEqual([0, 12, 24]);
      expect(state.threshold).toBeGreaterThan(9);
      expect(state.threshold).toBeLessThanOrEqual(12);
    }
    // 0 and 0.03 part only below 0.03: not with the default floor, 0.05.
    const from = { ...initialSpecies<number>(config), threshold: 100 };
    const floored = speciate([0, 0.03, 1], from, distance, config, 0).state;
    expect(floored.species).toHaveLength(2);
    expect(floored.threshold).toBeGreaterThanOrEqual(config.thresholdMin);
    expect(floored.threshold).toBeLessThanOrEqual(1);
    expect(floored.threshold).toBeGreaterThan(0.99); // of the thresholds giving 2, the one nearest 100
    const lower = speciate([0, 0.03, 1], from, distance, { ...config, thresholdMin: 0.01 }, 0).state;
    expect(lower.species).toHaveLength(3);
    expect(lower.threshold).toBeGreaterThanOrEqual(0.01);
    expect(lower.threshold).toBeLessThanOrEqual(0.03);
  });

  it('is deterministic, and keeps each species\' representative near where it was', () => {
    const population = [0, 0.3, 0.6, 5, 5.2];
    const a = speciate(population, initialSpecies<number>(config), distance, config, 0);
    const b = speciate(population, initialSpecies<number>(config), distance, config, 0);
    expect(a).toEqual(b);
    // Three species need a threshold in (0.3, 0.6]: founders 0, 0.6 and 5.
    expect(a.state.species.map((s) => s.representative)).toEqual([0, 0.6, 5]);
    // The species founded by 0 now holds 0.2 and -0.3 (0.9 and 0.95 are closer to 0.6): its
    // representative becomes 0.2.
    const next = speciate([0.9, -0.3, 0.2, 0.95, 5.1], a.state, distance, config, 1);
    expect(next.members[0]).toEqual([1, 2]);
    expect(next.state.species[0]?.representative).toBe(0.2);
  });

  it.each([3, 14.2])('keeps the species count near the target on clustered, drifting populations (threshold from %s)', (thresholdInitial) => {
    const populations = driftingClusters(20, 50, 7);
    // The premise: every distance between clusters lies within 10% (one step of the old rule) of
    // every other, well above every distance within a cluster.
    const first = populations[0] as Point[];
    const within: number[] = [];
    const between: number[] = [];
    first.forEach((a, i) => first.slice(0, i).forEach((b, j) => ((i - j) % 20 === 0 ? within : between).push(euclid(a, b))));
    expect(Math.max(...between) / Math.min(...between)).toBeLessThan(1.1);
    expect(Math.max(...within)).toBeLessThan(Math.min(...between) / 4);
    const cfg: SpeciesConfig = { ...DEFAULT_SPECIES, thresholdInitial };
    const target = cfg.targetSpecies;
    const { counts } = evolveSpecies(populations, cfg);
    counts.slice(1).forEach((c, g) => {
      expect(c).toBeGreaterThanOrEqual(target / 2);
      expect(c).toBeLessThanOrEqual(2 * target);
      expect(Math.abs(c - (counts[g] as number))).toBeLessThanOrEqual(2);
    });
    expect(Math.min(...counts)).toBeGreaterThan(1);
  });

  it('gives as many species as there are clusters when splitting one would overshoot the target', () => {
    // Three clusters 28 apart of ten genomes 0.71 apart from each other (each genome has an axis of
    // its own): one species per cluster below a threshold of 28 and above 0.71, thirty below. Three
    // is closer to the target, 8, than thirty, so the count stays at three.
    const population = Array.from({ length: 30 }, (_, i) => ({
      id: i, x: Array.from({ length: 13 }, (_, k) => (k === i % 3 ? 20 : k === 3 + Math.floor(i / 3) ? 0.5 : 0)),
    }));
    const cfg: SpeciesConfig = { ...DEFAULT_SPECIES };
    const { counts } = evolveSpecies(Array.from({ length: 30 }, () => population), cfg);
    expect(counts).toEqual(counts.map(() => 3));
    // Clusters made of sub-clusters of clones are split as far as the target asks, never further:
    // two clusters of four clone groups each give eight species.
    const nested = Array.from({ length: 40 }, (_, i) => i % 8).map((g, i) => ({ id: i, x: [g < 4 ? 0 : 100, 3 * (g % 4)] }));
    const split = evolveSpecies(Array.from({ length: 10 }, () => nested), cfg);
    expect(split.counts).toEqual(split.counts.map(() => 8));
  });

  it('is deterministic over generations and memoises distances', () => {
    const cfg: SpeciesConfig = { ...DEFAULT_SPECIES };
    const populations = driftingClusters(20, 30, 11);
    const a = evolveSpecies(populations, cfg);
    const b = evolveSpecies(populations, cfg);
    expect(a).toEqual(b);
    expect(a.repeated).toBe(0);
    a.calls.forEach((calls, g) => {
      expect(calls).toBeLessThanOrEqual(104 * ((a.old[g] as number) + 2 * cfg.targetSpecies + 8));
    });
  });
});

describe('relative-rank stagnation', () => {
  const cfg: SpeciesConfig = { ...config, stagnationLimit: 2, protectTop: 1, originGenerations: 0 };
  const members = [[0], [1], [2]];

  it('stops a species that neither climbs in rank nor closes its gap, but never the top ones', () => {
    let state = speciate([0, 10, 20], initialSpecies<number>(cfg), distance, cfg, 0).state;
    const seen: boolean[][] = [];
    for (let g = 0; g < 6; g++) {
      // Species 0 leads; species 1 closes its gap every generation; species 2 stays put.
      const fitness = [0.9, 0.5 + 0.05 * g, 0.1];
      const r = updateStagnation(state, members, fitness, cfg, g);
      state = r.state;
      seen.push(r.reproduces);
    }
    expect(seen.map((r) => r[0])).toEqual([true, true, true, true, true, true]);
    expect(seen.map((r) => r[1])).toEqual([true, true, true, true, true, true]);
    expect(seen.map((r) => r[2])).toEqual([true, true, true, false, false, false]);
  });

  it('protects a seed species during the first generations', () => {
    const protectedCfg: SpeciesConfig = { ...cfg, originGenerations: 5 };
    let state = speciate([0, 10, 20], initialSpecies<number>(protectedCfg), distance, protectedCfg, 0, ['a', 'b', 'c']).state;
    let last: boolean[] = [];
    for (let g = 0; g < 5; g++) {
      const r = updateStagnation(state, members, [0.9, 0.5, 0.1], protectedCfg, g);
      state = r.state;
      last = r.reproduces;
    }
    expect(last).toEqual([true, true, true]);
    expect(updateStagnation(state, members, [0.9, 0.5, 0.1], protectedCfg, 5).reproduces).toEqual([true, false, false]);
  });

  it('ranks a species of a million members (no spread of its fitness into Math.max)', () => {
    const state = speciate([0, 10], initialSpecies<number>(cfg), distance, cfg, 0).state;
    const n = 1_000_000;
    const fitness = Array.from({ length: n + 1 }, (_, i) => (i === 123_456 ? 0.75 : i === n ? 0.5 : 0.25));
    const big = Array.from({ length: n }, (_, i) => i);
    const r = updateStagnation(state, [big, [n]], fitness, cfg, 0);
    expect(r.state.species.map((s) => [s.bestRank, s.bestGap])).toEqual([[0, 0], [1, 0.25]]);
  });
});

describe('allocateOffspring', () => {
  const state = speciate([0, 10, 20], initialSpecies<number>(config), distance, config, 0, ['a', 'b', null]).state;
  const members = [[0, 1], [2, 3, 4], [5]];
  const fitness = [0.8, 0.6, 0.2, 0.2, 0.2, 0.5];

  it('sums to the total, follows mean fitness and gives nothing to species that do not reproduce', () => {
    const late = allocateOffspring(state, members, fitness, [true, true, true], 30, config, 100);
    expect(late.reduce((a, b) => a + b, 0)).toBe(30);
    expect(late[0]).toBeGreaterThan(late[2] as number);
    expect(late[2]).toBeGreaterThan(late[1] as number);
    const stopped = allocateOffspring(state, members, fitness, [true, false, true], 30, config, 100);
    expect(stopped[1]).toBe(0);
    expect(stopped.reduce((a, b) => a + b, 0)).toBe(30);
  });

  it('keeps the origin minimum early on, and at least one offspring per reproducing species', () => {
    const starved = [1, 0, 0, 0, 0, 0.0001];
    const early = allocateOffspring(state, members, starved, [true, true, true], 20, { ...config, originMinMembers: 4 }, 0);
    expect(early[1]).toBeGreaterThanOrEqual(4);
    expect(early[2]).toBeGreaterThanOrEqual(1);
    expect(early.reduce((a, b) => a + b, 0)).toBe(20);
  });
});

describe('parentPool', () => {
  it('takes the best fraction of a species, at least one member', () => {
    expect(parentPool([3, 1, 2, 0], [0.1, 0.4, 0.3, 0.9], { ...config, survivalThreshold: 0.5 })).toEqual([3, 1]);
    expect(parentPool([2], [0, 0, 0.3], { ...config, survivalThreshold: 0.1 })).toEqual([2]);
  });
});
