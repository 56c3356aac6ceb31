// Reproduction (NEAT, Stanley & Miikkulainen 2002; NSGA-II's elitism, Deb et al. 2002): the first
// front carries over, thinned by crowding distance; each species keeps its elites and fills its
// offspring with children of its parent pool, chosen by binary tournament, by crossover (sometimes with another species) and
// mutation, valid by construction or drawn again.

import { crossover } from '../genome/crossover.ts';
import type { InnovationTracker } from '../genome/innovation.ts';
import { mutate } from '../genome/mutate.ts';
import { mutationOptions, type MutationOptions } from '../genome/mutation.ts';
import type { Genome } from '../genome/types.ts';
import { binaryTournament, type RankAndCrowding } from '../pareto/index.ts';
import { roleKit, type RoleKit } from './role.ts';
import type { Rng } from '../util/rng.ts';
import type { EvolveConfig } from './config.ts';
import { parentPool } from './species.ts';
import type { Member, RunState } from './state.ts';

/**
 * Up to `limit` members of the first front (population indices, with their crowding distances in
 * the front), the most isolated first.
 */
export function frontElites(front: readonly number[], distance: ArrayLike<number>, limit: number): number[] {
  if (front.length <= limit) return [...front];
  return front.map((i, k) => ({ i, d: distance[k] as number })).sort((a, b) => b.d - a.d || a.i - b.i).slice(0, limit).map((x) => x.i).sort((a, b) => a - b);
}

const MAX_TRIES = 8;

/** The mutation settings of a generation's children: the role's, with caps grown by the generation. */
/** A member carried over unchanged: made 'elite', born as it was first made. */
export function asElite(m: Member): Member {
  return { ...m, made: 'elite', born: m.born ?? m.made };
}

export function breedingOptions(config: EvolveConfig, generation: number): MutationOptions {
  const kit = roleKit(config.role);
  return mutationOptions({
    ...kit.mutation,
    caps: {
      nodes: Math.floor(kit.caps.nodes + config.capGrowth.nodes * generation),
      edges: Math.floor(kit.caps.edges + config.capGrowth.edges * generation),
    },
  });
}

/**
 * The next population: per species its elites, then children of its parent pool; each parent is
 * the winner of a binary tournament in its pool by Pareto rank, then crowding distance (NSGA-II's
 * crowded comparison, over population indices in `contest`).
 */
export function breed(
  config: EvolveConfig, state: RunState, members: number[][], fitness: number[], contest: RankAndCrowding, offspring: number[],
  tracker: InnovationTracker, rng: Rng, generation: number, carried: readonly number[],
): { population: Member[]; nextId: number; rejected: number } {
  const kit = roleKit(config.role);
  const options = breedingOptions(config, generation);
  const pools = members.map((m) => parentPool(m, fitness, config.species));
  const population: Member[] = carried.map((i) => asElite(state.population[i] as Member));
  const kept = new Set(carried);
  let nextId = state.nextId;
  let rejected = 0;
  members.forEach((m, k) => {
    const count = offspring[k] as number;
    const pool = pools[k] as number[];
    const elites = pool.filter((i) => !kept.has(i)).slice(0, Math.min(config.species.elitism, count));
    for (const i of elites) population.push(asElite(state.population[i] as Member));
    for (let c = elites.length; c < count; c++) {
      let child: Member | undefined;
      for (let attempt = 0; attempt < MAX_TRIES && child === undefined; attempt++) {
        if (config.breeding === 'random') {
          const seed = randomSeedChild(kit.seeds, state, rng, tracker, options, nextId);
          if (seed === undefined) rejected++;
          else child = seed;
          continue;
        }
        const ai = binaryTournament(contest, rng, pool);
        const a = state.population[ai] as Member;
        let genome: Genome = a.genome;
        let made = 'mutation';
        if (rng.next() < config.crossoverRate) {
          const others = rng.next() < config.interspeciesRate ? (pools[rng.int(pools.length)] as number[]) : pool;
          const bi = binaryTournament(contest, rng, others);
          const x = crossover({ genome: a.genome, fitness: fitness[ai] as number }, { genome: (state.population[bi] as Member).genome, fitness: fitness[bi] as number }, rng);
          if (x.status === 'ok') {
            genome = x.genome;
            made = 'crossover';
          }
        }
        const mutated = mutate(genome, rng, tracker, options);
        if (mutated.status === 'ok') child = { id: nextId, genome: mutated.genome, origin: a.origin, made, scale: a.scale ?? 0 };
        else rejected++;
      }
      if (child === undefined) continue;
      population.push(child);
      nextId++;
    }
  });
  return { population, nextId, rejected };
}

/**
 * breeding `random`: a seed drawn uniformly, mutated 1 to 4 times, at that seed's calibrated scale
 * (calibrate.ts); undefined if no mutation succeeded.
 */
function randomSeedChild(
  seeds: RoleKit['seeds'], state: RunState, rng: Rng, tracker: InnovationTracker, options: MutationOptions, id: number,
): Member | undefined {
  const seed = seeds[rng.int(seeds.length)] as (typeof seeds)[number];
  let genome = seed.build();
  let changed = false;
  for (let k = 1 + rng.int(4); k > 0; k--) {
    const m = mutate(genome, rng, tracker, options);
    if (m.status === 'ok') {
      genome = m.genome;
      changed = true;
    }
  }
  return changed ? { id, genome, origin: seed.name, made: 'mutation', scale: state.seedScales?.[seed.name] ?? 0 } : undefined;
}
