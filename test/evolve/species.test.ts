// Speciation, relative-rank stagnation and offspring allocation (src/evolve/species.ts) on toy
// genomes: numbers on a line, their distance |a - b|.

import { describe, expect, it } from 'vitest';
import {
  allocateOffspring, DEFAULT_SPECIES, initialSpecies, parentPool, speciate, updateStagnation, type SpeciesConfig,
} from '../../src/evolve/species.ts';

const distance = (a: number, b: number): number => Math.abs(a - b);
const config: SpeciesConfig = { ...DEFAULT_SPECIES, thresholdInitial: 1, targetSpecies: 3 };

describe('speciate', () => {
  it('puts genomes within the threshold of a representative together and founds species for the rest', () => {
    const population = [0, 0.2, 10, 10.3, 20, 0.5];
    const { state, assignment, members } = speciate(population, initialSpecies<number>(config), distance, config, 0);
    expect(state.species).toHaveLength(3);
    expect(assignment).toEqual([0, 0, 1, 1, 2, 0]);
    expect(members).toEqual([[0, 1, 5], [2, 3], [4]]);
    expect(state.species.map((s) => s.representative)).toEqual([0, 10, 20]); // the founders
    expect(state.nextId).toBe(3);
  });

  it('keeps species across generations, drops empty ones and records origins', () => {
    const first = speciate([0, 10, 20], initialSpecies<number>(config), distance, config, 0, ['a', 'b', 'c']);
    expect(first.state.species.map((s) => s.origin)).toEqual(['a', 'b', 'c']);
    const second = speciate([0.1, 20.2, 30], first.state, distance, config, 1);
    expect(second.state.species.map((s) => s.id)).toEqual([0, 2, 3]);
    expect(second.state.species.map((s) => s.origin)).toEqual(['a', 'c', null]);
    expect(second.assignment).toEqual([0, 1, 2]);
  });

  it('moves the threshold toward the target species count', () => {
    const population = Array.from({ length: 12 }, (_, i) => i * 3);
    let state = initialSpecies<number>(config);
    const counts: number[] = [];
    for (let g = 0; g < 40; g++) {
      const s = speciate(population, { ...state, species: [] }, distance, config, g);
      counts.push(s.state.species.length);
      state = s.state;
    }
    expect(counts[0]).toBe(12);
    expect(counts.at(-1)).toBeLessThanOrEqual(4);
    expect(state.threshold).toBeGreaterThan(config.thresholdInitial);
    // Too few species: the threshold shrinks, but not below its minimum.
    let one = { ...initialSpecies<number>(config), threshold: 100 };
    for (let g = 0; g < 200; g++) one = speciate([0, 1], { ...one, species: [] }, distance, config, g).state;
    expect(one.threshold).toBeCloseTo(config.thresholdMin, 10);
  });

  it('is deterministic, and keeps each species\' representative near where it was', () => {
    const population = [0, 0.3, 0.6, 5, 5.2];
    const a = speciate(population, initialSpecies<number>(config), distance, config, 0);
    const b = speciate(population, initialSpecies<number>(config), distance, config, 0);
    expect(a).toEqual(b);
    // The species founded by 0 now holds 0.9, 0.2 and 0.95: its representative becomes 0.2.
    const next = speciate([0.9, 0.2, 0.95, 5.1], a.state, distance, config, 1);
    expect(next.state.species[0]?.representative).toBe(0.2);
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
