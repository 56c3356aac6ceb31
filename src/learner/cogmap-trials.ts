// The trial structure the cognitive-map tasks share (cogmap.ts; Wilson, Takahashi, Schoenbaum & Niv
// 2014): an episode is a run of trials, each a few steps long. The first step of a trial is flagged
// (trialStart), at most one step is a choice point (the only step whose action counts), and the
// trial's last step, the outcome step, shows the reward its choice earned, as the T-maze's end does
// (tmaze.ts). A task says, per trial, how many steps it has, which one is the choice, what the
// channels show at each step, what a choice pays, which choice is correct and whether that decision
// is scored; this base turns that into the LearnerEnv interface and scores the share of correct
// scored decisions.

import type { Rng } from '../util/rng.ts';
import { shuffleInPlace, type LearnerEnv, type Observation } from './env.ts';

/** Throws a RangeError unless `value` is an integer of at least `min`. */
export function checkInteger(name: string, value: number, min: number): void {
  if (!(Number.isInteger(value) && value >= min)) throw new RangeError(`${name} must be an integer of at least ${min} (got ${value})`);
}

/** Throws a RangeError unless `value` is a number in [lo, hi]. */
export function checkBetween(name: string, value: number, lo: number, hi: number): void {
  if (!(value >= lo && value <= hi)) throw new RangeError(`${name} must be a number from ${lo} to ${hi} (got ${value})`);
}

/** Throws a RangeError unless `value` is a finite number above 0. */
export function checkPositive(name: string, value: number): void {
  if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`${name} must be a finite number above 0 (got ${value})`);
}

/** `n` values, half 0 and half 1 (an odd one drawn), in a random order (Fisher & Yates). */
export function balanced(rng: Rng, n: number): Uint8Array {
  const values = new Uint8Array(n);
  const ones = Math.floor(n / 2) + (n % 2 === 1 ? rng.int(2) : 0);
  values.fill(1, 0, ones);
  shuffleInPlace(rng, values);
  return values;
}

export abstract class TrialTask implements LearnerEnv {
  readonly kind = 'reward';
  /** The current trial. */
  protected trial = 0;
  /** The step within the current trial. */
  protected step = 0;
  /** The action taken at the current trial's choice step (-1 before it, or if the trial has none). */
  protected chosen = -1;
  /** The action taken at the last choice step of an earlier trial (-1 before the first). */
  protected previous = -1;
  private correct = 0;
  private scored = 0;
  private readonly view: Float32Array;

  protected constructor(readonly name: string, readonly channels: number, readonly actions: number, readonly trials: number) {
    this.view = new Float32Array(channels);
  }

  /** Steps in trial `t` (at least 1; the last shows the reward). */
  protected abstract stepsIn(t: number): number;
  /** The choice step of trial `t`, or -1 if it has none. */
  protected abstract choiceStep(t: number): number;
  /** Writes the channels of step `s` of trial `t` into `view` (all 0 when called). */
  protected abstract show(t: number, s: number, view: Float32Array): void;
  /** The reward shown at the last step of trial `t`, given the action `chosen` at its choice step (-1: none). */
  protected abstract payoff(t: number, chosen: number): number;
  /** The correct action at trial `t`'s choice (what the oracle takes). */
  protected abstract best(t: number): number;
  /** Whether trial `t`'s decision counts in the score. */
  protected abstract counts(t: number): boolean;
  /** 1 while learning is on in trial `t`, 0 in a test phase. */
  protected learningIn(_t: number): number {
    return 1;
  }

  get done(): boolean {
    return this.trial >= this.trials;
  }

  observe(): Observation {
    this.view.fill(0);
    if (this.done) return { channels: this.view, reward: 0, trialStart: 0, choice: false, targets: null, learning: 0 };
    const { trial: t, step: s } = this;
    this.show(t, s, this.view);
    return {
      channels: this.view,
      reward: s === this.stepsIn(t) - 1 ? this.payoff(t, this.chosen) : 0,
      trialStart: s === 0 ? 1 : 0,
      choice: s === this.choiceStep(t),
      targets: null,
      learning: this.learningIn(t),
    };
  }

  act(a: number): boolean {
    if (this.done) return false;
    if (!(Number.isInteger(a) && a >= 0 && a < this.actions)) throw new RangeError(`a ${this.name} action must be an integer from 0 to ${this.actions - 1} (got ${a})`);
    const t = this.trial;
    if (this.step === this.choiceStep(t)) {
      if (this.counts(t)) {
        this.scored++;
        if (a === this.best(t)) this.correct++;
      }
      this.chosen = a;
    }
    this.step++;
    if (this.step >= this.stepsIn(t)) {
      if (this.chosen >= 0) this.previous = this.chosen;
      this.chosen = -1;
      this.step = 0;
      this.trial++;
    }
    return !this.done;
  }

  /** Scored decisions so far. */
  get decisions(): number {
    return this.scored;
  }

  /** Correct scored decisions so far. */
  get correctDecisions(): number {
    return this.correct;
  }

  /** The share of correct scored decisions so far (0 before the first). */
  score(): number {
    return this.scored === 0 ? 0 : this.correct / this.scored;
  }

  oracle(): number {
    return this.best(Math.min(this.trial, this.trials - 1));
  }
}
