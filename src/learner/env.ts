// Environments for the learner role (issue 12; docs/learner.md): a learner acts step by step and
// learns within one episode from what it is shown: rewards (reward tasks), targets (supervised
// tasks: the error of its outputs is shown at the next step), or nothing but its observations
// (unsupervised tasks). An environment is plain data and
// arithmetic, drawn whole from its seed when it is made, so the same seed is the same episode on
// every machine; it knows nothing of genomes or the engine (a runner will drive a genome through
// it). Each environment documents its published success measure, its chance level and an upper
// bound (src/learner/agents.ts measures them).

import type { Rng } from '../util/rng.ts';

/** What an environment shows the learner at a step. */
export interface Observation {
  /** The observation channels, one value each (environment-specific meaning). */
  channels: Float32Array;
  /** The reward the previous action earned (0 before the first). */
  reward: number;
  /** 1 at the first step of a trial, else 0. */
  trialStart: number;
  /** Whether the action at this step matters (a choice point); elsewhere it is ignored. */
  choice: boolean;
  /**
   * Supervised tasks: the target of each output at this step (length: the environment's actions).
   * The learner does not see it now: the runner shows target minus output in the error slots at the
   * next step. null: no target at this step (reward and unsupervised tasks, test phases).
   */
  targets: Float32Array | null;
  /** 1 while learning is on (feedback is given), 0 in a test phase. */
  learning: number;
}

export type LearnerTaskKind = 'reward' | 'supervised' | 'unsupervised';

export interface LearnerEnv {
  readonly name: string;
  /** What the learner learns from. */
  readonly kind: LearnerTaskKind;
  /** Observation channels. */
  readonly channels: number;
  /** Actions: the learner answers with one preference per action; the highest is taken. */
  readonly actions: number;
  /** Trials in an episode. */
  readonly trials: number;
  /** The observation of the current step. */
  observe(): Observation;
  /**
   * Takes action `a` (in [0, actions)) at the current step and moves on; false once the episode is
   * over. `outputs` are the learner's decoded outputs at this step (one per action), for tasks
   * scored on them rather than on the action (unsupervised tasks); runners always pass them.
   */
  act(a: number, outputs?: Float32Array): boolean;
  /** Whether the episode is over. */
  readonly done: boolean;
  /** The published success measure of the episode so far, in [0, 1]. */
  score(): number;
  /** The action the oracle takes at the current step (it knows the hidden state); for the upper bound. */
  oracle(): number;
}

/**
 * A hidden binary state per trial that flips after blocks of trials, each block's length drawn
 * uniformly from [minBlock, maxBlock], the first state drawn too (reversals and switches). Throws a
 * RangeError unless 1 <= minBlock <= maxBlock are integers.
 */
export function drawBlocks(rng: Rng, trials: number, minBlock: number, maxBlock: number): Uint8Array {
  if (!(Number.isInteger(minBlock) && minBlock >= 1 && Number.isInteger(maxBlock) && maxBlock >= minBlock)) {
    throw new RangeError(`blocks must be integers with 1 <= minBlock <= maxBlock (got ${minBlock}, ${maxBlock})`);
  }
  const states = new Uint8Array(trials);
  let state = rng.int(2);
  let left = minBlock + rng.int(maxBlock - minBlock + 1);
  for (let t = 0; t < trials; t++) {
    if (left === 0) {
      state = 1 - state;
      left = minBlock + rng.int(maxBlock - minBlock + 1);
    }
    left--;
    states[t] = state;
  }
  return states;
}

/**
 * Shuffles `values` in place, uniformly (Fisher & Yates; Durstenfeld 1964, Algorithm 235): for i
 * from n - 1 down to 1, j = rng.int(i + 1), swap values i and j (n - 1 draws).
 */
export function shuffleInPlace<T>(rng: Rng, values: { length: number; [i: number]: T }): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = values[i] as T;
    values[i] = values[j] as T;
    values[j] = t;
  }
}

/** A uniformly random permutation of 0 .. n - 1 (shuffleInPlace of 0 .. n - 1). */
export function permutation(rng: Rng, n: number): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  shuffleInPlace(rng, p);
  return p;
}

/** How many times a per-trial state changes from one trial to the next. */
export function changes(states: Uint8Array): number {
  let n = 0;
  for (let t = 1; t < states.length; t++) if (states[t] !== states[t - 1]) n++;
  return n;
}

/** The index of the largest preference; ties to the lowest index. */
export function argmax(preferences: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < preferences.length; i++) if ((preferences[i] as number) > (preferences[best] as number)) best = i;
  return best;
}
