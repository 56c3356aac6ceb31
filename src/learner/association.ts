// One-shot pattern association, a supervised task for the learner role (issue 12; docs/learner.md):
// hetero-association of random cue patterns with classes, the setting of correlation-matrix and
// outer-product memories (Steinbuch 1961, "Die Lernmatrix"; Willshaw, Buneman & Longuet-Higgins
// 1969, "Non-holographic associative memory", Nature 222; Kohonen 1972, "Correlation matrix
// memories"), stored from a single presentation of each pair, as in one-shot learning (Santoro,
// Bartunov, Botvinick, Wierstra & Lillicrap 2016, "Meta-learning with memory-augmented neural
// networks", ICML, where the label of an item also arrives one step after the item; Miconi, Clune &
// Stanley 2018, "Differentiable plasticity", ICML).
//
// An episode: a study phase shows `items` cue patterns (random, distinct, +-1 on `channels`
// channels, or 0/1 without the all-zero one with `binary`), each once with its target class (one of `classes` actions, the
// targets one-hot; learning 1); then one blank step (learning 1, no target) at which the runner
// shows the last study item's error (the error of a step is shown at the next one); then a test
// phase (learning 0, targets null) shows every cue once more in a new order, and the learner
// answers with the class (the highest of its outputs). Classes are balanced: each is the target of
// floor(items / classes) or that plus one cues. Only test answers count (choice); study answers
// are ignored.
//
// Success measure: test accuracy (right answers / items). Chance: 1 / classes (a random answer).
// Upper bound: the oracle (it knows every cue's class) scores 1, and so would any exact one-shot
// memory (the cues are distinct); src/learner/rule-agents.ts measures a tuned outer-product
// (Hebbian) associative memory learning from the error slots.
//
// Measured (defaults: 8 items, 4 classes, 8 +-1 channels; means over episode seeds 1000-1199):
// chance 0.262 (a random agent; 0.25 expected), a constant answer 0.250, the outer-product memory
// (eta tuned on seeds 1-30: 0.02) 0.885, the oracle 1. The memory's level falls with the load: 1.000
// at 4 items, 0.941 at 6, 0.782 at 12, 0.694 at 16; 0/1 cues are harder for it (0.710 at 8 items).

import { createRng, type Rng } from '../util/rng.ts';
import { permutation, type LearnerEnv, type Observation } from './env.ts';
import { LEARNER_CHANNELS, LEARNER_OUTPUTS } from './role.ts';

/**
 * `count` random patterns of `width` bits, distinct from each other and from those in `seen` (a
 * pattern is its bits as an integer), added to `seen`. Throws a RangeError if fewer than `count`
 * unseen patterns are left.
 */
export function freshPatterns(rng: Rng, width: number, count: number, seen: Set<number>): number[] {
  const space = 2 ** width;
  if (count > space - seen.size) throw new RangeError(`${count} distinct patterns of ${width} bits are needed; only ${space - seen.size} are left`);
  const out: number[] = [];
  while (out.length < count) {
    const code = rng.int(space);
    if (seen.has(code)) continue;
    seen.add(code);
    out.push(code);
  }
  return out;
}

/** Writes pattern `code` into `into` from `at`: bit i as +1 / -1 (or 1 / 0 when `binary`). */
export function writePattern(code: number, width: number, binary: boolean, into: Float32Array, at: number): void {
  for (let i = 0; i < width; i++) into[at + i] = (code >> i) & 1 ? 1 : binary ? 0 : -1;
}

export interface AssociationSettings {
  /** Cue-class pairs to store (at least 1). */
  items: number;
  /** Classes, the actions (2 .. LEARNER_OUTPUTS). */
  classes: number;
  /** Channels of a cue (1 .. LEARNER_CHANNELS); needs 2^channels >= items. */
  channels: number;
  /** Cues as 0/1 instead of +-1. */
  binary: boolean;
}

export const ASSOCIATION_DEFAULTS: AssociationSettings = { items: 8, classes: 4, channels: 8, binary: false };

export class PatternAssociation implements LearnerEnv {
  readonly name = 'association';
  readonly kind = 'supervised';
  readonly channels: number;
  readonly actions: number;
  /** Presentations: each item once in the study phase and once in the test phase. */
  readonly trials: number;
  /** Per item, its class. */
  readonly classOf: Uint8Array;
  /** Per step, the item shown (-1 at the blank step). */
  readonly itemAt: Int32Array;
  /** Per test presentation, 1 if the answer was right (filled as the episode runs). */
  readonly correct: Uint8Array;
  private readonly cues: Float32Array;
  private readonly targets: Float32Array;
  private readonly blank: Float32Array;
  private step = 0;
  private right = 0;

  constructor(seed: number, readonly settings: AssociationSettings = ASSOCIATION_DEFAULTS) {
    const { items, classes, channels, binary } = settings;
    if (!(Number.isInteger(items) && items >= 1)) throw new RangeError(`items must be an integer of at least 1 (got ${items})`);
    if (!(Number.isInteger(classes) && classes >= 2 && classes <= LEARNER_OUTPUTS)) throw new RangeError(`classes must be an integer in [2, ${LEARNER_OUTPUTS}] (got ${classes})`);
    if (!(Number.isInteger(channels) && channels >= 1 && channels <= LEARNER_CHANNELS)) throw new RangeError(`channels must be an integer in [1, ${LEARNER_CHANNELS}] (got ${channels})`);
    // With 0/1 cues the all-zero pattern is left out: it would look like the blank step and store nothing.
    const room = 2 ** channels - (binary ? 1 : 0);
    if (items > room) throw new RangeError(`${items} distinct cues do not fit in ${channels} channels (at most ${room})`);
    this.channels = channels;
    this.actions = classes;
    this.trials = 2 * items;
    const rng = createRng(seed);
    const codes = freshPatterns(rng, channels, items, new Set(binary ? [0] : []));
    this.cues = new Float32Array(items * channels);
    codes.forEach((code, i) => writePattern(code, channels, binary, this.cues, i * channels));
    // Balanced classes: item i of a shuffled order gets class i mod classes.
    const deal = permutation(rng, items);
    this.classOf = new Uint8Array(items);
    for (let i = 0; i < items; i++) this.classOf[deal[i] as number] = i % classes;
    this.targets = new Float32Array(items * classes);
    for (let i = 0; i < items; i++) this.targets[i * classes + (this.classOf[i] as number)] = 1;
    // The study order, the blank step, the test order (a new order whenever there are two items or more).
    const study = permutation(rng, items);
    let test = permutation(rng, items);
    while (items > 1 && test.every((v, i) => v === study[i])) test = permutation(rng, items);
    this.itemAt = new Int32Array(2 * items + 1);
    this.itemAt.set(study, 0);
    this.itemAt[items] = -1;
    this.itemAt.set(test, items + 1);
    this.correct = new Uint8Array(items);
    this.blank = new Float32Array(channels);
  }

  /** Steps in the episode: the study phase, the blank step, the test phase. */
  get steps(): number {
    return this.itemAt.length;
  }

  get done(): boolean {
    return this.step >= this.steps;
  }

  /** Whether step s is in the test phase. */
  private testing(s: number): boolean {
    return s > this.settings.items;
  }

  /** The cue of item i (a view; do not write to it). */
  cue(i: number): Float32Array {
    return this.cues.subarray(i * this.channels, (i + 1) * this.channels);
  }

  observe(): Observation {
    const s = Math.min(this.step, this.steps - 1);
    const item = this.itemAt[s] as number;
    if (item < 0) return { channels: this.blank, reward: 0, trialStart: 0, choice: false, targets: null, learning: 1 };
    const test = this.testing(s);
    return {
      channels: this.cue(item), reward: 0, trialStart: 1, choice: test,
      targets: test ? null : this.targets.subarray(item * this.actions, (item + 1) * this.actions), learning: test ? 0 : 1,
    };
  }

  act(a: number): boolean {
    if (this.done) return false;
    if (!(Number.isInteger(a) && a >= 0 && a < this.actions)) throw new RangeError(`an association action must be an integer in [0, ${this.actions}) (got ${a})`);
    if (this.testing(this.step)) {
      const item = this.itemAt[this.step] as number;
      const right = a === this.classOf[item];
      this.correct[this.step - this.settings.items - 1] = right ? 1 : 0;
      if (right) this.right++;
    }
    this.step++;
    return !this.done;
  }

  /** Test accuracy so far (over the test answers given). */
  score(): number {
    const answered = this.step - this.settings.items - 1;
    return answered <= 0 ? 0 : this.right / answered;
  }

  oracle(): number {
    const item = this.itemAt[Math.min(this.step, this.steps - 1)] as number;
    return item < 0 ? 0 : this.classOf[item] as number;
  }
}

/** The association task drawn from `seed`. */
export function associationTask(seed: number, settings: AssociationSettings = ASSOCIATION_DEFAULTS): PatternAssociation {
  return new PatternAssociation(seed, settings);
}
