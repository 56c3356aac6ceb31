// A two-armed bandit with reversals (issue 12; docs/learner.md). One step per trial: the learner
// sees a constant cue and the previous reward, chooses an arm, and gets a reward of 1 with the arm's
// probability (else 0). One arm pays with probability `high`, the other with `low`; which one is
// better reverses after blocks of trials whose lengths are drawn from the seed (uniform in
// [minBlock, maxBlock]), so a learner must keep learning, not learn once (Behrens et al. 2007,
// "Learning the value of information in an uncertain world", use volatile blocks the same way).
//
// Success measure: the share of trials on which the better arm was chosen (a standard measure of
// reversal-learning performance). Chance: 0.5 (either arm at random). Upper bound: the oracle that
// knows which arm is better scores 1; a hand-written learner (src/learner/agents.ts, a delta-rule
// value learner with its learning rate tuned) shows what learning from rewards alone reaches.

import { createRng } from '../util/rng.ts';
import { changes, drawBlocks, type Observation, type LearnerEnv } from './env.ts';

export interface BanditSettings {
  trials: number;
  high: number;
  low: number;
  minBlock: number;
  maxBlock: number;
}

export const BANDIT_DEFAULTS: BanditSettings = { trials: 200, high: 0.8, low: 0.2, minBlock: 20, maxBlock: 40 };

export class ReversalBandit implements LearnerEnv {
  readonly name = 'bandit';
  readonly kind = 'reward';
  readonly channels = 1;
  readonly actions = 2;
  readonly trials: number;
  /** Per trial, the better arm. */
  readonly better: Uint8Array;
  /** Per trial and arm (trial * 2 + arm), whether that arm would pay on that trial. */
  private readonly pays: Uint8Array;
  private trial = 0;
  private lastReward = 0;
  private correct = 0;
  private readonly cue = Float32Array.of(1);

  constructor(seed: number, readonly settings: BanditSettings = BANDIT_DEFAULTS) {
    const { trials, high, low, minBlock, maxBlock } = settings;
    if (!(Number.isInteger(trials) && trials >= 1)) throw new RangeError(`trials must be an integer of at least 1 (got ${trials})`);
    if (!(high >= 0 && high <= 1 && low >= 0 && low <= 1 && high > low)) throw new RangeError(`high and low must be probabilities with high > low (got ${high}, ${low})`);
    this.trials = trials;
    const rng = createRng(seed);
    this.better = drawBlocks(rng, trials, minBlock, maxBlock);
    // Both arms' outcomes are drawn for every trial whatever is chosen, so two learners meet the same luck.
    this.pays = new Uint8Array(2 * trials);
    for (let t = 0; t < trials; t++) {
      for (let a = 0; a < 2; a++) this.pays[2 * t + a] = rng.next() < (a === this.better[t] ? high : low) ? 1 : 0;
    }
  }

  get done(): boolean {
    return this.trial >= this.trials;
  }

  /** Reversals in the episode: trials whose better arm differs from the previous trial's. */
  get reversals(): number {
    return changes(this.better);
  }

  observe(): Observation {
    return { channels: this.cue, reward: this.lastReward, trialStart: 1, choice: true, targets: null, learning: 1 };
  }

  act(a: number): boolean {
    if (this.done) return false;
    if (!(a === 0 || a === 1)) throw new RangeError(`a bandit action must be 0 or 1 (got ${a})`);
    if (a === this.better[this.trial]) this.correct++;
    this.lastReward = this.pays[2 * this.trial + a] as number;
    this.trial++;
    return !this.done;
  }

  /** The reward of the last action. */
  get reward(): number {
    return this.lastReward;
  }

  score(): number {
    return this.trial === 0 ? 0 : this.correct / this.trial;
  }

  oracle(): number {
    return this.better[Math.min(this.trial, this.trials - 1)] as number;
  }
}
