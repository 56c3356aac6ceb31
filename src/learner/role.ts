// The learner role's slots (issue 12; docs/learner.md): a learner genome reads observation
// channels, the reward, one error per output (target minus the previous output on supervised
// tasks, 0 elsewhere), the mode flags (learning on, trial start) and a constant 1, and writes one
// preference (or prediction) per output. Every slot is a scalar: a learner runs on one lane, and
// what it learns lives in its own graph (delayed state, effects). The layout is fixed at
// LEARNER_CHANNELS observations and LEARNER_OUTPUTS outputs, so one genome can meet every task: a
// task uses the first channels and outputs, the rest stay 0 and are ignored.

import { InputError } from '../util/errors.ts';
import type { Genome, InputSlot, OutputSlot } from '../genome/types.ts';

export const LEARNER_CHANNELS = 8;
export const LEARNER_OUTPUTS = 4;

/** Input slot indices. */
export const LEARNER_SLOT = {
  /** observation channel c is slot channel + c */
  channel: 0,
  reward: LEARNER_CHANNELS,
  /** the error of output k is slot error + k */
  error: LEARNER_CHANNELS + 1,
  learning: LEARNER_CHANNELS + 1 + LEARNER_OUTPUTS,
  trialStart: LEARNER_CHANNELS + 2 + LEARNER_OUTPUTS,
  one: LEARNER_CHANNELS + 3 + LEARNER_OUTPUTS,
} as const;

export const LEARNER_INPUTS: readonly InputSlot[] = [
  ...Array.from({ length: LEARNER_CHANNELS }, (_, c) => ({ name: `observation${c}`, width: 'scalar' as const })),
  { name: 'reward', width: 'scalar' },
  ...Array.from({ length: LEARNER_OUTPUTS }, (_, k) => ({ name: `error${k}`, width: 'scalar' as const })),
  { name: 'learning', width: 'scalar' },
  { name: 'trialStart', width: 'scalar' },
  { name: 'one', width: 'scalar' },
];

export const LEARNER_OUTPUT_SLOTS: readonly OutputSlot[] = Array.from({ length: LEARNER_OUTPUTS }, (_, k) => ({ name: `output${k}` }));

/** Whether `genome` is meant as a learner: its first input slot is the learner role's (checkLearnerRole checks the rest). */
export function isLearnerGenome(genome: Genome): boolean {
  return genome.inputs[0]?.name === LEARNER_INPUTS[0]?.name;
}

/** Throws an InputError unless `genome` has exactly the learner role's slots. */
export function checkLearnerRole(genome: Genome): void {
  const same = genome.inputs.length === LEARNER_INPUTS.length && genome.inputs.every((s, i) => s.name === LEARNER_INPUTS[i]?.name && s.width === 'scalar') &&
    genome.outputs.length === LEARNER_OUTPUT_SLOTS.length && genome.outputs.every((s, i) => s.name === LEARNER_OUTPUT_SLOTS[i]?.name);
  if (!same) {
    throw new InputError('inputs', `must be the learner role's slots (${LEARNER_INPUTS.map((s) => s.name).join(', ')}; outputs ${LEARNER_OUTPUT_SLOTS.map((s) => s.name).join(', ')})`, genome.inputs.map((s) => s.name).join(', '));
  }
}
