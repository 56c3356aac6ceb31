// Serial reversal of a go/no-go cue discrimination (cogmap.ts; Wilson, Takahashi, Schoenbaum & Niv
// 2014, "Reversal learning", their Figure 1; the task of Schoenbaum, Nugent, Saddoris & Setlow 2002,
// "Orbitofrontal lesions in rats impair reversal but not acquisition of go, no-go odor
// discriminations", and Schoenbaum, Setlow, Nugent, Saddoris & Gallagher 2003, serial reversals).
// Each trial one of two odour cues is shown (drawn at random); the learner goes (action 1: responds
// at the fluid well) or withholds (action 0). Going after the positive cue pays 1 (sucrose), going
// after the negative cue costs `punishment` (quinine), withholding pays 0. Which cue is positive
// reverses after blocks of trials drawn from the seed (uniform in [minBlock, maxBlock]). A trial is two
// steps: the cue (the choice; channel 0 or 1) and the outcome at the well (channel 2, the reward).
//
// Wilson et al.'s account: a learner whose state is the cue alone (their OFC-lesioned model) must
// unlearn each cue's value at every reversal, and nothing it learns about one cue carries to the
// other; a learner whose state includes the last trial's action and outcome (the intact model, their
// Figure 1C) can learn to switch after a surprising outcome, and one that infers the hidden
// contingency switches both cues at once. Withholding shows nothing, so a cue-bound learner that has
// learned to withhold from a cue must try it again to find that it became positive.
//
// Success measure: the share of correct decisions (go after the positive cue, withhold after the
// negative one). The published measure is trials or errors to a criterion (18 correct in a moving
// block of 20, Schoenbaum et al. 2003; Wilson et al. Figure 1 plots errors to criterion); within a
// fixed-length episode the share of correct decisions falls as errors after each reversal rise, and
// it is defined for every episode. Chance: 0.5 (a random agent; so does the non-learner that always
// withholds). Upper bound: the oracle, which knows the positive cue, scores 1; cogmap-agents.ts
// measures a cue-bound delta rule, Wilson et al.'s intact-state delta rule and a contingency-inference
// agent (docs/learner.md has the levels).

import { createRng } from '../util/rng.ts';
import { changes, drawBlocks } from './env.ts';
import { checkInteger, checkPositive, TrialTask } from './cogmap-trials.ts';

export interface ReversalSettings {
  trials: number;
  minBlock: number;
  maxBlock: number;
  /** The cost of going after the negative cue (quinine), paid as reward -punishment. */
  punishment: number;
}

export const REVERSAL_DEFAULTS: ReversalSettings = { trials: 200, minBlock: 20, maxBlock: 40, punishment: 1 };

/** The channels: the two cues, then the well where the outcome is shown. */
export const REVERSAL_CHANNELS = ['cueA', 'cueB', 'well'] as const;

export class CueReversal extends TrialTask {
  /** Per trial, the cue shown (0 or 1). */
  readonly cue: Uint8Array;
  /** Per trial, the positive cue. */
  readonly positive: Uint8Array;

  constructor(seed: number, readonly settings: ReversalSettings = REVERSAL_DEFAULTS) {
    const { trials, punishment } = settings;
    checkInteger('trials', trials, 1);
    checkPositive('punishment', punishment);
    super('reversal', REVERSAL_CHANNELS.length, 2, trials);
    const rng = createRng(seed);
    this.positive = drawBlocks(rng, trials, settings.minBlock, settings.maxBlock);
    this.cue = new Uint8Array(trials);
    for (let t = 0; t < trials; t++) this.cue[t] = rng.int(2);
  }

  /** Reversals in the episode. */
  get reversals(): number {
    return changes(this.positive);
  }

  protected stepsIn(): number {
    return 2;
  }

  protected choiceStep(): number {
    return 0;
  }

  protected show(t: number, s: number, view: Float32Array): void {
    view[s === 0 ? (this.cue[t] as number) : 2] = 1;
  }

  protected payoff(t: number, chosen: number): number {
    if (chosen !== 1) return 0;
    return this.cue[t] === this.positive[t] ? 1 : -this.settings.punishment;
  }

  protected best(t: number): number {
    return this.cue[t] === this.positive[t] ? 1 : 0;
  }

  protected counts(): boolean {
    return true;
  }
}
