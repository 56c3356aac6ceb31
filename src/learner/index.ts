// The learner seeds (docs/learner.md, Seed learners): every seed learner by name, in a fixed order,
// as evolution's generation 0 and the learner benchmark's baseline use them.

import type { Genome } from '../genome/types.ts';
import { deltaLearner, staticLearner } from './seeds.ts';
import { bcmLearner, ojaLearner } from './seeds-hebbian.ts';
import { abcdLearner, neuromodulatedLearner } from './seeds-neuromod.ts';
import { rstdpLearner, stdpLearner } from './seeds-spiking.ts';
import { brcLearner, reservoirLearner } from './seeds-memory.ts';
import { sarsaLearner } from './seeds-sarsa.ts';

export interface LearnerSeed {
  readonly name: string;
  build(): Genome;
}

export const LEARNER_SEEDS: readonly LearnerSeed[] = [
  { name: 'static', build: () => staticLearner() },
  { name: 'delta', build: () => deltaLearner() },
  { name: 'sarsa', build: () => sarsaLearner() },
  { name: 'oja', build: () => ojaLearner() },
  { name: 'bcm', build: () => bcmLearner() },
  { name: 'abcd', build: () => abcdLearner() },
  { name: 'neuromodulated', build: () => neuromodulatedLearner() },
  { name: 'stdp', build: () => stdpLearner() },
  { name: 'rstdp', build: () => rstdpLearner() },
  { name: 'reservoir', build: () => reservoirLearner() },
  { name: 'brc', build: () => brcLearner() },
];

/** The learner seed of a name; throws a RangeError naming the known ones. */
export function learnerSeedByName(name: string): LearnerSeed {
  const seed = LEARNER_SEEDS.find((s) => s.name === name);
  if (seed === undefined) throw new RangeError(`no learner seed named ${name} (known: ${LEARNER_SEEDS.map((s) => s.name).join(', ')})`);
  return seed;
}
