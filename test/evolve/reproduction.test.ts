// Reproduction (src/evolve/reproduction.ts): parents are chosen in their species' pool by NSGA-II's
// binary tournament (rank, then crowding distance), and the first front's elites are thinned by
// crowding distance.

import { describe, expect, it } from 'vitest';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { resolveConfig } from '../../src/evolve/config.ts';
import { initialRun } from '../../src/evolve/population.ts';
import { asElite, breed, frontElites } from '../../src/evolve/reproduction.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { createRng } from '../../src/util/rng.ts';

describe('reproduction', () => {
  it('breeds from the tournament winner: of a pool of two, the one of lower rank is every parent', () => {
    const config = resolveConfig({ population: 16, crossoverRate: 0, species: { survivalThreshold: 1, elitism: 0, targetSpecies: 1 } }, { workers: 1 });
    const state = initialRun(config);
    const population = [
      { id: 0, genome: seedByName('adam').build(), origin: 'adam', made: 'seed' },
      { id: 1, genome: seedByName('sgd').build(), origin: 'sgd', made: 'seed' },
    ];
    const tracker = new InnovationTracker(population.map((m) => m.genome));
    for (const [better, worse] of [[0, 1], [1, 0]] as const) {
      const rank = new Int32Array(2);
      rank[worse] = 1;
      const bred = breed(config, { ...state, population, nextId: 2 }, [[0, 1]], [0.5, 0.5], { rank, crowding: new Float64Array(2) }, [12], tracker, createRng(5), 1, []);
      expect(bred.population).toHaveLength(12);
      expect(new Set(bred.population.map((m) => m.origin))).toEqual(new Set([population[better]?.origin]));
    }
  });

  it('carries an elite over as made "elite", keeping how it was first made through every carry-over', () => {
    const child = { id: 3, genome: seedByName('sgd').build(), origin: 'sgd', made: 'cross-species' };
    const once = asElite(child);
    expect(once).toMatchObject({ made: 'elite', born: 'cross-species' });
    expect(asElite(once)).toMatchObject({ made: 'elite', born: 'cross-species' });
    expect(child.made).toBe('cross-species');
  });

  it('thins the front to the most isolated members by crowding distance, in population order', () => {
    expect(frontElites([4, 7, 9, 12], [0.5, Infinity, 0.1, 2], 2)).toEqual([7, 12]);
    expect(frontElites([4, 7], [0, 0], 5)).toEqual([4, 7]);
  });
});
