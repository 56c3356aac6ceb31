// The mutation of a genome's IO coding (docs/learner.md, IO coding): one of its ticks per step
// (one more or one fewer, within 1 .. MAX_TICKS_PER_STEP), one input slot's encoder or one output
// slot's decoder (replaced by another drawn uniformly). Only genomes with a coding (learners) have
// one to mutate; its default rate is 0, and the learner role turns it on.

import type { Rng } from '../util/rng.ts';
import type { InnovationTracker } from './innovation.ts';
import { childOf, DEFAULT_MUTATION_OPTIONS, ok, rejected, type MutationOptions, type MutationResult } from './mutation.ts';
import { DECODER_NAMES, ENCODER_NAMES, MAX_TICKS_PER_STEP, type Coding, type Genome } from './types.ts';

/** Changes the ticks per step, one encoder or one decoder, each part chosen with equal chance. */
export function mutateCoding(genome: Genome, rng: Rng, _tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutationResult {
  if (genome.coding === undefined) return rejected('coding: the genome has no IO coding');
  const child = childOf(genome, options);
  const coding = child.coding as Coding;
  const part = rng.int(3);
  if (part === 0) {
    const up = coding.ticks === 1 || (coding.ticks < MAX_TICKS_PER_STEP && rng.int(2) === 0);
    const before = coding.ticks;
    coding.ticks += up ? 1 : -1;
    return ok(child, `coding: ticks per step ${before} -> ${coding.ticks}`);
  }
  const [list, names, what] = part === 1
    ? [coding.encoders as string[], ENCODER_NAMES as readonly string[], 'encoder of input']
    : [coding.decoders as string[], DECODER_NAMES as readonly string[], 'decoder of output'];
  if (list.length === 0) return rejected(`coding: no ${what} slot`);
  const slot = rng.int(list.length);
  const before = list[slot] as string;
  const others = names.filter((n) => n !== before);
  list[slot] = others[rng.int(others.length)] as string;
  return ok(child, `coding: ${what} ${slot} ${before} -> ${list[slot]}`);
}
