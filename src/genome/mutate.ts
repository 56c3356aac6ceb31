// The mutation operator of evolution: every mutation kind by name, and mutate(), which applies one
// mutation drawn by rate and, with chance extraRate after each, another (NEAT applies several
// mutation kinds to one offspring; Stanley and Miikkulainen 2002, section 4.1). A kind that is
// rejected (no eligible gene, a cap reached) is dropped and another drawn, up to `attempts` kinds.
// The child is checked with parseGenome before it is returned, so a caller gets a valid genome or a
// rejection with the reasons, never an invalid genome.

import type { Rng } from '../util/rng.ts';
import type { InnovationTracker } from './innovation.ts';
import { mutateCoding } from './mutate-coding.ts';
import { addEffect, modifyEffect, moveEffect, removeEffect } from './mutate-effects.ts';
import { addEdge, deleteEdge, deleteNode, edgeDelay, splitEdge, toggleEdge } from './mutate-structure.ts';
import { mutateAttributes, mutateOp, mutatePolicy, mutatePolicyParams, mutateWeights } from './mutate-values.ts';
import { DEFAULT_MUTATION_OPTIONS, MUTATION_KINDS, type Mutation, type MutationKind, type MutationOptions } from './mutation.ts';
import { parseGenome } from './parse.ts';
import { chance, pickWeighted } from './sample.ts';
import type { Genome } from './types.ts';

export const MUTATIONS: Readonly<Record<MutationKind, Mutation>> = {
  'add-edge': addEdge,
  'split-edge': splitEdge,
  'delete-edge': deleteEdge,
  'delete-node': deleteNode,
  'toggle-edge': toggleEdge,
  'edge-delay': edgeDelay,
  weights: mutateWeights,
  attributes: mutateAttributes,
  op: mutateOp,
  policy: mutatePolicy,
  'policy-params': mutatePolicyParams,
  'add-effect': addEffect,
  'remove-effect': removeEffect,
  'move-effect': moveEffect,
  'modify-effect': modifyEffect,
  coding: mutateCoding,
};

export type MutateResult =
  | { status: 'ok'; genome: Genome; description: string; applied: MutationKind[] }
  | { status: 'rejected'; reason: string };

/** One mutation of a kind drawn by rate; kinds that are rejected are set aside and another drawn. */
function mutateOnce(genome: Genome, rng: Rng, tracker: InnovationTracker, options: MutationOptions): { kind: MutationKind; genome: Genome; description: string } | { reasons: string[] } {
  const rates = MUTATION_KINDS.map((k) => options.rates[k]);
  const reasons: string[] = [];
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    const i = pickWeighted(rng, rates);
    if (i < 0) break;
    const kind = MUTATION_KINDS[i] as MutationKind;
    const result = MUTATIONS[kind](genome, rng, tracker, options);
    if (result.status === 'ok') return { kind, genome: result.genome, description: result.description };
    reasons.push(result.reason);
    rates[i] = 0;
  }
  if (reasons.length === 0) reasons.push('mutate: no mutation kind has a positive rate');
  return { reasons };
}

/** One or more mutations of `genome` (see the file's opening comment). */
export function mutate(genome: Genome, rng: Rng, tracker: InnovationTracker, options: MutationOptions = DEFAULT_MUTATION_OPTIONS): MutateResult {
  let child = genome;
  const applied: MutationKind[] = [];
  const descriptions: string[] = [];
  do {
    const step = mutateOnce(child, rng, tracker, options);
    if ('reasons' in step) {
      if (applied.length === 0) return { status: 'rejected', reason: step.reasons.join('; ') };
      break;
    }
    child = step.genome;
    applied.push(step.kind);
    descriptions.push(step.description);
  } while (chance(rng, options.extraRate));
  try {
    return { status: 'ok', genome: parseGenome(child), description: descriptions.join('; '), applied };
  } catch (error) {
    return { status: 'rejected', reason: `mutate: the child is invalid after ${applied.join(', ')}: ${error instanceof Error ? error.message : String(error)}` };
  }
}
