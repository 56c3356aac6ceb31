// Generation 0 (docs/evolution.md, A generation): the role's seeds (the 26 optimizers, or the learner seeds), then single mutants of them, round
// robin, up to the population; the run state every later generation grows from.

import { InnovationTracker } from '../genome/innovation.ts';
import { mutate } from '../genome/mutate.ts';
import { mutationOptions } from '../genome/mutation.ts';
import type { Genome } from '../genome/types.ts';
import type { EvolveConfig } from './config.ts';
import { initialState } from './curriculum.ts';
import { roleKit } from './role.ts';
import { emptyArchive } from './novelty.ts';
import { initialSpecies } from './species.ts';
import { stream, type Member, type RunState } from './state.ts';

/** Generation 0: the 26 seeds, then single mutants of them (round robin) up to the population. */
export function initialRun(config: EvolveConfig): RunState {
  const kit = roleKit(config.role);
  const seeds = kit.seeds.map((s) => ({ name: s.name, genome: s.build() }));
  const tracker = new InnovationTracker(seeds.map((s) => s.genome));
  const rng = stream(config.seed, 0, 1);
  const options = mutationOptions(kit.mutation);
  const population: Member[] = seeds.slice(0, config.population).map((s, i) => ({ id: i, genome: s.genome, origin: s.name, made: 'seed' }));
  for (let i = population.length; population.length < config.population; i++) {
    const parent = seeds[i % seeds.length] as { name: string; genome: Genome };
    const child = mutate(parent.genome, rng, tracker, options);
    if (child.status === 'ok') population.push({ id: population.length, genome: child.genome, origin: parent.name, made: 'mutation' });
  }
  return {
    generation: 0, population, nextId: population.length, species: initialSpecies(config.species),
    innovation: tracker.toJSON(), curriculum: initialState(config.curriculum), bounds: null, novelty: emptyArchive(),
    reportBounds: null, hurdles: null, seedScales: null, baseline: null,
  };
}
