// Acquisition and extinction, repeated (cogmap.ts; Wilson, Takahashi, Schoenbaum & Niv 2014,
// "Extinction"; OFC-lesioned monkeys keep responding in extinction: Butter, Mishkin & Rosvold 1963,
// Butter 1969). Each trial a cue is shown (channel 0, the choice) and the learner responds (action
// 1: approaches the food cup) or withholds (action 0); then the outcome step shows the cup (channel
// 1) and whether food was delivered (channel 2). In acquisition food comes on a share
// `reinforcement` of the trials (partial reinforcement, which makes extinction hard to tell from bad
// luck: Humphreys 1939); in extinction it never comes. Food is delivered whether or not the learner
// approaches, as in Pavlovian food-cup conditioning (Gallagher, McMahan & Schoenbaum 1999), so a
// learner that has stopped responding still sees acquisition return; only an approach collects it.
// Responding costs `cost` (effort): it pays 1 - cost when food comes and -cost when it does not;
// withholding pays 0. Acquisition and extinction alternate in blocks drawn from the seed (uniform in
// [minBlock, maxBlock]), starting with acquisition (extinguished responding returns on
// reacquisition, and extinction is new learning rather than unlearning: Bouton 2004).
//
// Wilson et al.'s account: a learner whose state is the cue alone (their OFC-lesioned model) has to
// unlearn the cue's value to stop responding, and relearn it at reacquisition; one whose state
// includes the last outcome, or that infers the phase (the intact model), tells the phases apart.
//
// Success measure: the share of correct decisions: respond in acquisition (it pays reinforcement -
// cost on average), withhold in extinction. The published measures count responses in extinction
// (Butter et al. 1963); this share counts them as errors, and also failures to respond in
// acquisition. Chance: 0.5 (a random agent; the non-learner that always withholds scores the share
// of extinction trials, about 0.45). Upper bound: the oracle, which knows the phase, scores 1;
// cogmap-agents.ts measures delta rules learning from reward (cue-bound, and with the last outcome
// in their state), the Rescorla-Wagner rule learning from the food, and a Bayesian phase tracker.

import { createRng } from '../util/rng.ts';
import { changes, drawBlocks } from './env.ts';
import { checkBetween, checkInteger, checkPositive, TrialTask } from './cogmap-trials.ts';

export interface ExtinctionSettings {
  trials: number;
  minBlock: number;
  maxBlock: number;
  /** The probability of food on an acquisition trial. */
  reinforcement: number;
  /** The cost of a response, below `reinforcement`. */
  cost: number;
}

export const EXTINCTION_DEFAULTS: ExtinctionSettings = { trials: 160, minBlock: 20, maxBlock: 40, reinforcement: 0.75, cost: 0.2 };

/** The channels: the cue, the cup (the outcome step) and food delivered. */
export const EXTINCTION_CHANNELS = ['cue', 'cup', 'food'] as const;

export class Extinction extends TrialTask {
  /** Per trial, 1 in extinction, 0 in acquisition. */
  readonly extinction: Uint8Array;
  /** Per trial, 1 if food is delivered. */
  readonly food: Uint8Array;

  constructor(seed: number, readonly settings: ExtinctionSettings = EXTINCTION_DEFAULTS) {
    const { trials, reinforcement, cost } = settings;
    checkInteger('trials', trials, 1);
    checkBetween('reinforcement', reinforcement, 0, 1);
    checkPositive('cost', cost);
    if (!(cost < reinforcement)) throw new RangeError(`cost must be below reinforcement (got ${cost}, ${reinforcement})`);
    super('extinction', EXTINCTION_CHANNELS.length, 2, trials);
    const rng = createRng(seed);
    // Blocks of either phase; the first is acquisition.
    this.extinction = drawBlocks(rng, trials, settings.minBlock, settings.maxBlock);
    const first = this.extinction[0] as number;
    for (let t = 0; t < trials; t++) this.extinction[t] = (this.extinction[t] as number) ^ first;
    this.food = new Uint8Array(trials);
    for (let t = 0; t < trials; t++) this.food[t] = rng.next() < reinforcement && this.extinction[t] === 0 ? 1 : 0;
  }

  /** Phase changes in the episode (acquisition to extinction and back). */
  get phaseChanges(): number {
    return changes(this.extinction);
  }

  protected stepsIn(): number {
    return 2;
  }

  protected choiceStep(): number {
    return 0;
  }

  protected show(t: number, s: number, view: Float32Array): void {
    if (s === 0) view[0] = 1;
    else {
      view[1] = 1;
      view[2] = this.food[t] as number;
    }
  }

  protected payoff(t: number, chosen: number): number {
    return chosen === 1 ? (this.food[t] as number) - this.settings.cost : 0;
  }

  protected best(t: number): number {
    return 1 - (this.extinction[t] as number);
  }

  protected counts(): boolean {
    return true;
  }
}
