// The single T-maze with reward switches (Soltoggio, Bullinaria, Mattiussi, Durr & Floreano 2008,
// "Evolutionary advantages of neuromodulated plasticity in dynamic, reward-based scenarios"; issue
// 12, docs/learner.md). A trial is a walk: home, `corridor` corridor steps, the turning point (the
// one choice: left or right), the maze end (where the reward is seen), then home again for the
// next trial. One end pays `high`, the other `low`; which one switches after blocks of trials drawn
// from the seed. The learner sees one-hot channels [home, corridor, turn, end] and the reward at
// the maze end; its action counts only at the turning point. Soltoggio et al. also penalise turns
// in the corridor (a crash); here actions off the turning point are ignored.
//
// Success measure (Soltoggio et al. 2008): correct trials (the high-reward end reached) over
// trials - switches - 1: the first trial and the first trial after each switch cannot be known in
// advance, so a perfect learner scores 1; a lucky guess there can push the ratio past 1, so it is
// capped at 1. Chance: a random turn is right half the time, about 0.5 x trials / (trials -
// switches - 1). Upper bound: the oracle that knows the high end scores 1; src/learner/agents.ts
// measures a tuned hand-written learner.

import { createRng } from '../util/rng.ts';
import { changes, drawBlocks, type Observation, type LearnerEnv } from './env.ts';

export interface TMazeSettings {
  trials: number;
  corridor: number;
  high: number;
  low: number;
  minBlock: number;
  maxBlock: number;
}

export const TMAZE_DEFAULTS: TMazeSettings = { trials: 200, corridor: 1, high: 1, low: 0.2, minBlock: 30, maxBlock: 60 };

/** The places of a trial, in order; the channel of each is its index. */
export const PLACES = ['home', 'corridor', 'turn', 'end'] as const;

export class SwitchingTMaze implements LearnerEnv {
  readonly name = 'tmaze';
  readonly kind = 'reward';
  readonly channels = PLACES.length;
  readonly actions = 2;
  readonly trials: number;
  /** Per trial, the end (0 left, 1 right) that pays `high`. */
  readonly highEnd: Uint8Array;
  private trial = 0;
  /** Step within the trial: 0 home, 1 .. corridor the corridor, corridor + 1 the turn, corridor + 2 the end. */
  private step = 0;
  private reached = 0;
  private correct = 0;
  private readonly view: Float32Array;

  constructor(seed: number, readonly settings: TMazeSettings = TMAZE_DEFAULTS) {
    const { trials, corridor, high, low, minBlock, maxBlock } = settings;
    if (!(Number.isInteger(trials) && trials >= 2)) throw new RangeError(`trials must be an integer of at least 2 (got ${trials})`);
    if (!(Number.isInteger(corridor) && corridor >= 0)) throw new RangeError(`corridor must be an integer of at least 0 (got ${corridor})`);
    if (!(high > low)) throw new RangeError(`high must be above low (got ${high}, ${low})`);
    this.trials = trials;
    this.view = new Float32Array(PLACES.length);
    this.highEnd = drawBlocks(createRng(seed), trials, minBlock, maxBlock);
  }

  get done(): boolean {
    return this.trial >= this.trials;
  }

  /** Switches in the episode: trials whose high end differs from the previous trial's. */
  get switches(): number {
    return changes(this.highEnd);
  }

  private place(): number {
    const c = this.settings.corridor;
    return this.step === 0 ? 0 : this.step <= c ? 1 : this.step === c + 1 ? 2 : 3;
  }

  observe(): Observation {
    const place = this.place();
    this.view.fill(0);
    this.view[place] = 1;
    const atEnd = place === 3;
    const reward = atEnd ? (this.reached === this.highEnd[this.trial] ? this.settings.high : this.settings.low) : 0;
    return { channels: this.view, reward, trialStart: this.step === 0 ? 1 : 0, choice: place === 2, targets: null, learning: 1 };
  }

  act(a: number): boolean {
    if (this.done) return false;
    if (!(a === 0 || a === 1)) throw new RangeError(`a T-maze action must be 0 or 1 (got ${a})`);
    const place = this.place();
    if (place === 2) {
      this.reached = a;
      if (a === this.highEnd[this.trial]) this.correct++;
    }
    if (place === 3) {
      this.trial++;
      this.step = 0;
    } else this.step++;
    return !this.done;
  }

  /** Steps per trial: home, the corridor, the turn, the end. */
  get stepsPerTrial(): number {
    return this.settings.corridor + 3;
  }

  /** Correct trials so far. */
  get correctTrials(): number {
    return this.correct;
  }

  score(): number {
    const denominator = this.trials - this.switches - 1;
    return Math.min(1, this.correct / Math.max(1, denominator));
  }

  oracle(): number {
    return this.highEnd[Math.min(this.trial, this.trials - 1)] as number;
  }
}
