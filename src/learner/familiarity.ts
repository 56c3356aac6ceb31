// Continual familiarity detection (issue 12; docs/learner.md), after Tyulmankov, Yang & Abbott
// 2022, "Meta-learning synaptic plasticity and memory addressing for continual familiarity
// detection" (Neuron 110), itself the continuous recognition paradigm of Shepard & Teghtsoonian
// 1961 ("Retention of information under conditions approaching a steady state", J. Exp. Psychol.
// 62): a continual stream of random items (+-1 patterns on `width` channels); at each step the
// learner answers novel (action 0) or familiar (action 1): whether the current item is a repeat of
// the item shown R steps back. By default nothing tells it whether it was right (unsupervised:
// targets null), so it must detect familiarity by its own plasticity alone, storing every item as
// it goes and never being told to; with `supervised` the targets (one-hot [novel, familiar]) are
// given at every step and the runner shows the error one step later. Learning stays 1 throughout:
// a continual stream has no test phase.
//
// The stream: a prefix of max(lags) novel items (unscored: no repeat can reach back that far yet),
// then `steps` scored steps, exactly half of them repeats at places drawn from the seed. A repeat
// at step t copies the item at t - R, R drawn uniformly from `lags` for each repeat; the copied item
// may itself be a repeat (then the item has been seen more than once). A novel item is fresh: never
// shown before in the episode (items are distinct patterns, so 2^width bounds an episode's novel
// items). So a novel item is never a repeat of anything, and a repeat is both "the item R steps
// back" and "seen before": the two readings of the task agree. Each step's R is exposed (lagOf),
// and `byLag` gives the accuracy on the repeats of each lag; building the stream with one lag
// (lags: [R]) gives the accuracy as a function of R, including R never trained on.
//
// Success measure: accuracy over the scored steps (repeats and novel items balanced, so every
// constant answer scores exactly 0.5). Chance: 0.5 (a random answer). Upper bound: the oracle (it
// knows which items are repeats) scores 1, and so would an exact memory of every item seen;
// src/learner/rule-agents.ts measures a tuned Hebbian familiarity detector after Tyulmankov et al.
//
// Measured (defaults: 200 scored steps, lags 1-8, 8 channels; means over episode seeds 1000-1199):
// chance 0.499, every constant answer 0.5, the detector (decay 0.85 and threshold 1.2 tuned on seeds
// 1-30) 0.822 (the same supervised: it ignores feedback), the oracle 1. Its accuracy on streams of
// one lag R: 0.905 (R 1), 0.879 (2), 0.815 (4), 0.620 (8), 0.547 (12), 0.522 (16), 0.501 (32), R
// above 8 never trained on; retuned for each R it reaches 0.998, 0.954, 0.832, 0.739, 0.691, 0.660,
// 0.605: with 8 channels a decaying outer-product memory holds few items.

import { createRng } from '../util/rng.ts';
import { freshPatterns, writePattern } from './association.ts';
import { permutation, type LearnerEnv, type LearnerTaskKind, type Observation } from './env.ts';
import { LEARNER_CHANNELS } from './role.ts';

export interface FamiliaritySettings {
  /** Scored steps (an even number of at least 2): half repeats, half novel items. */
  steps: number;
  /** The lags R a repeat reaches back (integers of at least 1); each repeat draws one uniformly. */
  lags: readonly number[];
  /** Channels of an item (1 .. LEARNER_CHANNELS). */
  width: number;
  /** Targets given at every step (the supervised variant); else none (unsupervised). */
  supervised: boolean;
}

export const FAMILIARITY_DEFAULTS: FamiliaritySettings = { steps: 200, lags: [1, 2, 3, 4, 5, 6, 7, 8], width: 8, supervised: false };

/** Actions: 0 answers novel, 1 familiar. */
export const NOVEL = 0;
export const FAMILIAR = 1;

export class FamiliarityStream implements LearnerEnv {
  readonly name: string;
  readonly kind: LearnerTaskKind;
  readonly channels: number;
  readonly actions = 2;
  /** Scored steps. */
  readonly trials: number;
  /** Unscored steps at the start: max(lags). */
  readonly prefix: number;
  /** Per step, the lag R of a repeat (0 for a novel item). */
  readonly lagOf: Int32Array;
  /** Per step, 1 if the answer was right (filled as the episode runs; the prefix stays 0). */
  readonly correct: Uint8Array;
  /** Per step, the item shown (as its bits). */
  readonly items: Int32Array;
  private readonly patterns: Float32Array;
  private readonly oneHot = [Float32Array.of(1, 0), Float32Array.of(0, 1)];
  private step = 0;
  private right = 0;

  constructor(seed: number, readonly settings: FamiliaritySettings = FAMILIARITY_DEFAULTS) {
    const { steps, lags, width, supervised } = settings;
    if (!(Number.isInteger(steps) && steps >= 2 && steps % 2 === 0)) throw new RangeError(`steps must be an even integer of at least 2 (got ${steps})`);
    if (!(lags.length >= 1 && lags.every((r) => Number.isInteger(r) && r >= 1))) throw new RangeError(`lags must be a non-empty list of integers of at least 1 (got [${lags.join(', ')}])`);
    if (!(Number.isInteger(width) && width >= 1 && width <= LEARNER_CHANNELS)) throw new RangeError(`width must be an integer in [1, ${LEARNER_CHANNELS}] (got ${width})`);
    let maxLag = 0;
    for (const r of lags) maxLag = Math.max(maxLag, r);
    const novel = maxLag + steps / 2;
    if (novel > 2 ** width) throw new RangeError(`${novel} novel items (max lag ${maxLag} + steps / 2) do not fit in ${width} channels (at most ${2 ** width} distinct items)`);
    this.name = lags.length === 1 ? `familiarity-${lags[0]}` : 'familiarity';
    this.kind = supervised ? 'supervised' : 'unsupervised';
    this.channels = width;
    this.trials = steps;
    this.prefix = maxLag;
    const total = maxLag + steps;
    const rng = createRng(seed);
    // Which scored steps repeat: the first half of a shuffled order.
    const order = permutation(rng, steps);
    this.lagOf = new Int32Array(total);
    for (let i = 0; i < steps / 2; i++) this.lagOf[maxLag + (order[i] as number)] = 1;
    const fresh = freshPatterns(rng, width, novel, new Set());
    this.items = new Int32Array(total);
    let next = 0;
    for (let t = 0; t < total; t++) {
      if (this.lagOf[t] === 0) this.items[t] = fresh[next++] as number;
      else {
        const r = lags[rng.int(lags.length)] as number;
        this.lagOf[t] = r;
        this.items[t] = this.items[t - r] as number;
      }
    }
    this.patterns = new Float32Array(total * width);
    for (let t = 0; t < total; t++) writePattern(this.items[t] as number, width, false, this.patterns, t * width);
    this.correct = new Uint8Array(total);
  }

  /** Steps in the episode: the prefix and the scored steps. */
  get steps(): number {
    return this.lagOf.length;
  }

  get done(): boolean {
    return this.step >= this.steps;
  }

  /** The right answer at step t: FAMILIAR for a repeat, else NOVEL. */
  answer(t: number): number {
    return this.lagOf[t] === 0 ? NOVEL : FAMILIAR;
  }

  observe(): Observation {
    const t = Math.min(this.step, this.steps - 1);
    return {
      channels: this.patterns.subarray(t * this.channels, (t + 1) * this.channels), reward: 0, trialStart: 1,
      choice: t >= this.prefix, targets: this.settings.supervised ? this.oneHot[this.answer(t)] as Float32Array : null, learning: 1,
    };
  }

  act(a: number): boolean {
    if (this.done) return false;
    if (!(a === NOVEL || a === FAMILIAR)) throw new RangeError(`a familiarity action must be 0 (novel) or 1 (familiar) (got ${a})`);
    if (this.step >= this.prefix && a === this.answer(this.step)) {
      this.correct[this.step] = 1;
      this.right++;
    }
    this.step++;
    return !this.done;
  }

  /** Accuracy over the scored steps answered so far. */
  score(): number {
    const answered = this.step - this.prefix;
    return answered <= 0 ? 0 : this.right / answered;
  }

  oracle(): number {
    return this.answer(Math.min(this.step, this.steps - 1));
  }

  /** Over the scored steps answered so far: the accuracy on the repeats of each lag (by R), and on novel items (key 0). */
  byLag(): Map<number, { right: number; total: number; accuracy: number }> {
    const out = new Map<number, { right: number; total: number; accuracy: number }>();
    for (let t = this.prefix; t < this.step; t++) {
      const r = this.lagOf[t] as number;
      const entry = out.get(r) ?? { right: 0, total: 0, accuracy: 0 };
      entry.total++;
      entry.right += this.correct[t] as number;
      entry.accuracy = entry.right / entry.total;
      out.set(r, entry);
    }
    return out;
  }
}

/** The familiarity stream drawn from `seed`. */
export function familiarityTask(seed: number, settings: FamiliaritySettings = FAMILIARITY_DEFAULTS): FamiliarityStream {
  return new FamiliarityStream(seed, settings);
}
