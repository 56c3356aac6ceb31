// The cognitive-map tasks of the learner role (issue 12; docs/learner.md), after Wilson, Takahashi,
// Schoenbaum & Niv 2014, "Orbitofrontal cortex as a cognitive map of task space" (Neuron 81,
// 267-279). Their thesis: OFC labels the current task state, including what the senses do not show
// (the last action, the last outcome, the phase of the task), for reinforcement learning elsewhere;
// without it, states are bound to the current stimulus. They account for four classic OFC findings,
// one task each here:
//
//   reversal     serial reversal of a go/no-go cue discrimination (cogmap-reversal.ts)
//   alternation  delayed alternation, the rule (alternate or repeat) learned from reward
//                (cogmap-alternation.ts)
//   extinction   acquisition and extinction of responding to a cue, repeated
//                (cogmap-extinction.ts)
//   devaluation  two cues, two outcomes, one outcome devalued outside the cue context, a probe in
//                extinction (cogmap-devaluation.ts)
//
// Each is a reward task (kind 'reward', no targets, learning 1 except in a test phase) drawn whole
// from its seed, with its trial and step structure shown by trialStart and choice (cogmap-trials.ts),
// at most 8 channels and 4 actions (the learner role's limits, role.ts). Each file's header gives the
// paradigm, how it maps to Wilson et al., the success measure, chance and the upper bound;
// cogmap-agents.ts has the reference agents (a cue-bound delta rule, Wilson et al.'s lesioned
// model; a delta rule whose state adds the last trial's action and outcome, their intact model; and
// a model-based agent per task) and docs/learner.md their levels.

import type { LearnerEnv } from './env.ts';
import { DelayedAlternation } from './cogmap-alternation.ts';
import { Devaluation } from './cogmap-devaluation.ts';
import { Extinction } from './cogmap-extinction.ts';
import { CueReversal } from './cogmap-reversal.ts';

export { ALTERNATION_CHANNELS, ALTERNATION_DEFAULTS, DelayedAlternation, type AlternationRule, type AlternationSettings } from './cogmap-alternation.ts';
export { DEVALUATION_CHANNELS, DEVALUATION_DEFAULTS, Devaluation, type DevaluationPhase, type DevaluationSettings } from './cogmap-devaluation.ts';
export { EXTINCTION_CHANNELS, EXTINCTION_DEFAULTS, Extinction, type ExtinctionSettings } from './cogmap-extinction.ts';
export { CueReversal, REVERSAL_CHANNELS, REVERSAL_DEFAULTS, type ReversalSettings } from './cogmap-reversal.ts';

/** The cognitive-map tasks by name, each made whole from a seed with its default settings. */
export const COGMAP_TASKS: Readonly<Record<'reversal' | 'alternation' | 'extinction' | 'devaluation', (seed: number) => LearnerEnv>> = {
  reversal: (seed) => new CueReversal(seed),
  alternation: (seed) => new DelayedAlternation(seed),
  extinction: (seed) => new Extinction(seed),
  devaluation: (seed) => new Devaluation(seed),
};
