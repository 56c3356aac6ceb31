// Delayed alternation (cogmap.ts; Wilson, Takahashi, Schoenbaum & Niv 2014, "Delayed alternation").
// A trial is a walk through a T-maze with a holding delay: the start (channel 0), `delay` steps in
// the delay (channel 1; drawn per trial, uniform in [minDelay, maxDelay]), the choice point (channel
// 2; the only choice: left 0 or right 1) and the outcome (channel 3, the reward). The rewarded rule
// is drawn per episode: alternate (the choice that was not taken on the previous trial pays 1) or
// repeat (the previous choice pays 1); the other pays 0, and the first trial pays 1 whatever the
// choice. The rule must be learned from reward, and the previous choice must be held over the delay:
// nothing in the observation at the choice point tells the two arms apart (the operant task of
// Dunnett, Nathwani & Brasted 1999 also varies the delay at random; rats learn a win-stay rule as
// well as a win-shift one, if more slowly, Olton & Schlosberg 1978).
//
// Wilson et al.'s account: the correct choice depends on a hidden state, the previous choice, that
// the current stimulus does not show. A learner whose state is the current stimulus (their
// OFC-lesioned model) does no better than chance under the alternate rule (a delta rule stays after
// a win, which is wrong there; it does stay on one arm under the repeat rule); one whose state
// includes the last action (the intact model) learns either rule.
//
// Success measure: the share of correct choices (percent correct, the standard measure of delayed
// alternation, e.g. Dunnett et al. 1999), excluding the first trial, which has no previous choice.
// Chance: 0.5 (a random agent; a fixed choice scores 1 under the repeat rule and 0 under alternate,
// 0.5 over the rules).
// Upper bound: the oracle, which knows the rule and the previous choice, scores 1; cogmap-agents.ts
// measures a memoryless delta rule and one whose state is the previous choice.

import { createRng } from '../util/rng.ts';
import { checkInteger, TrialTask } from './cogmap-trials.ts';

export interface AlternationSettings {
  trials: number;
  minDelay: number;
  maxDelay: number;
}

export const ALTERNATION_DEFAULTS: AlternationSettings = { trials: 80, minDelay: 1, maxDelay: 3 };

/** The channels: the places of a trial, in order. */
export const ALTERNATION_CHANNELS = ['start', 'delay', 'choice', 'outcome'] as const;

export type AlternationRule = 'alternate' | 'repeat';

export class DelayedAlternation extends TrialTask {
  readonly rule: AlternationRule;
  /** Per trial, the delay steps between the start and the choice point. */
  readonly delay: Uint8Array;

  constructor(seed: number, readonly settings: AlternationSettings = ALTERNATION_DEFAULTS) {
    const { trials, minDelay, maxDelay } = settings;
    checkInteger('trials', trials, 2);
    checkInteger('minDelay', minDelay, 0);
    if (!(Number.isInteger(maxDelay) && maxDelay >= minDelay && maxDelay <= 255)) {
      throw new RangeError(`maxDelay must be an integer from minDelay to 255 (got ${maxDelay})`);
    }
    super('alternation', ALTERNATION_CHANNELS.length, 2, trials);
    const rng = createRng(seed);
    this.rule = rng.int(2) === 0 ? 'alternate' : 'repeat';
    this.delay = new Uint8Array(trials);
    for (let t = 0; t < trials; t++) this.delay[t] = minDelay + rng.int(maxDelay - minDelay + 1);
  }

  protected stepsIn(t: number): number {
    return (this.delay[t] as number) + 3;
  }

  protected choiceStep(t: number): number {
    return (this.delay[t] as number) + 1;
  }

  protected show(t: number, s: number, view: Float32Array): void {
    const d = this.delay[t] as number;
    view[s === 0 ? 0 : s <= d ? 1 : s === d + 1 ? 2 : 3] = 1;
  }

  protected payoff(t: number, chosen: number): number {
    return t === 0 || chosen === this.best(t) ? 1 : 0;
  }

  /** The rule applied to the previous choice (0 on the first trial, where either choice pays). */
  protected best(t: number): number {
    if (t === 0 || this.previous < 0) return 0;
    return this.rule === 'alternate' ? 1 - this.previous : this.previous;
  }

  protected counts(t: number): boolean {
    return t > 0;
  }
}
