// The two-stimulus rule family learned from reward alone (issue 12; docs/learner.md), after Miconi
// 2023, "Learning to acquire novel cognitive tasks with evolution, plasticity and
// meta-meta-learning" (ICML): a trial shows stimulus 1 (A or B), `delay` blank steps, stimulus 2 (A
// or B) in the same channels, then a response step where the learner answers with one of two
// actions. The episode's rule is a boolean function of (s1, s2), fixed for the episode and never
// shown: the learner must find it from the rewards of its answers. The family is every non-constant
// boolean function of two binary inputs (14; A counts as false, B as true, action 1 answers true):
// the single-input rules, AND, OR, NAND, NOR and the four mixed ones (s1 AND NOT s2, ...) are the
// training family (TRAINING_RULES); delayed match-to-sample (dms, XNOR: answer 1 when s1 = s2) and
// delayed non-match-to-sample (dnms, XOR) are held out (HELDOUT_RULES), as Miconi holds out a task
// never seen during evolution. They are also the only two that are not linearly separable: no value
// of one stimulus alone ever fixes the answer.
//
// Channels: [A, B, go]. Stimulus 1 comes with trialStart = 1; stimulus 2 has no flag, so a learner
// tells the two apart by timing; the go channel marks the response step (the only choice). The
// reward of the answer is shown at the next step (the next trial's first, as the bandit shows it):
// +1 for a correct answer and `penalty` for a wrong one, -1 by default: the reward slot is 0 at every
// step that follows no answer, so with a 0 penalty a wrong answer would look like no feedback at
// all, and the signed reward also gives a learner a baseline-free signal (a random agent earns 0
// on average). penalty 0 is a setting for the harder variant.
//
// Each trial's stimulus pair (AA, AB, BA or BB) is drawn uniformly and independently from the seed,
// so every rule meets the same stimulus statistics and nothing but the rewards tells the rules
// apart. (An earlier version drew blocks of 4 trials holding each pair once; that made the answer
// sequence predictable from the rewards alone: on match and non-match exactly two answers of every
// block are "true", and an evolved learner blind to the stimuli scored 0.59 on both by counting.) Success measure: accuracy over the episode's answered trials, all of them: no
// warm-up is excluded, because how fast a rule is picked up is part of what is measured (the first
// answer to each pair can only be guessed, so a learner from rewards alone stays below 1; the
// ideal observer of src/learner/rule-agents.ts measures that ceiling). Chance: 0.5 (a random answer
// is right half the time on every rule). A constant answer scores 0.75 on AND, OR, NAND, NOR and the
// mixed rules (3 pairs of 4 share an answer) and 0.5 on the others. Upper bound: the oracle (it
// knows the rule) scores 1; rule-agents.ts measures a tuned tabular delta rule over (s1, s2).
//
// Measured (defaults: 40 trials, delay 1; means over episode seeds 1000-1199, each rule weighted
// alike): chance 0.500 on both families; the tabular delta rule (tuned on the training family and
// seeds 1-30; every learning rate of the grid ties, as the first reward of a pair fixes the sign of
// its values) 0.950 on both; the ideal observer 0.955 (training) and 0.959 (held out); the oracle
// 1. With penalty 0 the same, once the tabular values start at 0.5 (at 0: 0.900).

import { createRng } from '../util/rng.ts';
import type { LearnerEnv, Observation } from './env.ts';

/** A rule's answer (0 false, 1 true) to each stimulus pair, indexed 2 s1 + s2 with A = 0, B = 1: [AA, AB, BA, BB]. */
export type TruthTable = readonly [number, number, number, number];

/** Every non-constant boolean function of (s1, s2), by task name. */
export const RULES: Readonly<Record<string, TruthTable>> = {
  'rule:s1': [0, 0, 1, 1],
  'rule:not-s1': [1, 1, 0, 0],
  'rule:s2': [0, 1, 0, 1],
  'rule:not-s2': [1, 0, 1, 0],
  'rule:and': [0, 0, 0, 1],
  'rule:or': [0, 1, 1, 1],
  'rule:nand': [1, 1, 1, 0],
  'rule:nor': [1, 0, 0, 0],
  'rule:s1-and-not-s2': [0, 0, 1, 0],
  'rule:s2-and-not-s1': [0, 1, 0, 0],
  'rule:s1-or-not-s2': [1, 0, 1, 1],
  'rule:s2-or-not-s1': [1, 1, 0, 1],
  'rule:dms': [1, 0, 0, 1],
  'rule:dnms': [0, 1, 1, 0],
};

/** The held-out family: delayed match-to-sample (XNOR) and non-match-to-sample (XOR). */
export const HELDOUT_RULES: readonly string[] = ['rule:dms', 'rule:dnms'];
/** The training family: the other 12 rules. */
export const TRAINING_RULES: readonly string[] = Object.keys(RULES).filter((r) => !HELDOUT_RULES.includes(r));

export interface RuleSettings {
  /** Trials in an episode (at least 1). */
  trials: number;
  /** Blank steps between stimulus 1 and stimulus 2 (0 or more). */
  delay: number;
  /** The reward of a wrong answer, in [-1, 0] (a right one earns 1). */
  penalty: number;
}

export const RULE_DEFAULTS: RuleSettings = { trials: 40, delay: 1, penalty: -1 };

/** The channels: stimulus A, stimulus B, the go cue. */
export const RULE_CHANNELS = ['A', 'B', 'go'] as const;

export class RuleTask implements LearnerEnv {
  readonly name: string;
  readonly kind = 'reward';
  readonly channels = RULE_CHANNELS.length;
  readonly actions = 2;
  readonly trials: number;
  readonly truth: TruthTable;
  /** Per trial, stimulus 1 and stimulus 2 (0 A, 1 B). */
  readonly s1: Uint8Array;
  readonly s2: Uint8Array;
  /** Per trial, 1 if the answer was right (filled as the episode runs). */
  readonly correct: Uint8Array;
  private readonly views: Float32Array[];
  private trial = 0;
  private step = 0;
  private lastReward = 0;
  private right = 0;

  constructor(rule: string, seed: number, readonly settings: RuleSettings = RULE_DEFAULTS) {
    const truth = RULES[rule];
    if (truth === undefined) throw new RangeError(`unknown rule '${rule}' (known: ${Object.keys(RULES).join(', ')})`);
    const { trials, delay, penalty } = settings;
    if (!(Number.isInteger(trials) && trials >= 1)) throw new RangeError(`trials must be an integer of at least 1 (got ${trials})`);
    if (!(Number.isInteger(delay) && delay >= 0)) throw new RangeError(`delay must be an integer of at least 0 (got ${delay})`);
    if (!(penalty >= -1 && penalty <= 0)) throw new RangeError(`penalty must be in [-1, 0] (got ${penalty})`);
    this.name = rule;
    this.truth = truth;
    this.trials = trials;
    this.s1 = new Uint8Array(trials);
    this.s2 = new Uint8Array(trials);
    this.correct = new Uint8Array(trials);
    const rng = createRng(seed);
    for (let t = 0; t < trials; t++) {
      const pair = rng.int(4);
      this.s1[t] = pair >> 1;
      this.s2[t] = pair & 1;
    }
    // One view per channel pattern: A, B, go, blank.
    this.views = [Float32Array.of(1, 0, 0), Float32Array.of(0, 1, 0), Float32Array.of(0, 0, 1), new Float32Array(3)];
  }

  /** Steps per trial: stimulus 1, the delay, stimulus 2, the response. */
  get stepsPerTrial(): number {
    return this.settings.delay + 3;
  }

  get done(): boolean {
    return this.trial >= this.trials;
  }

  /** The right answer of trial t. */
  answer(t: number): number {
    return this.truth[2 * (this.s1[t] as number) + (this.s2[t] as number)] as number;
  }

  private get responding(): boolean {
    return this.step === this.stepsPerTrial - 1;
  }

  observe(): Observation {
    const last = this.stepsPerTrial - 1;
    const t = Math.min(this.trial, this.trials - 1);
    const view = this.step === 0 ? this.views[this.s1[t] as number]
      : this.step === last - 1 ? this.views[this.s2[t] as number]
        : this.step === last ? this.views[2] : this.views[3];
    return {
      channels: view as Float32Array, reward: this.step === 0 ? this.lastReward : 0, trialStart: this.step === 0 ? 1 : 0,
      choice: this.step === last, targets: null, learning: 1,
    };
  }

  act(a: number): boolean {
    if (this.done) return false;
    if (!(a === 0 || a === 1)) throw new RangeError(`a rule-task action must be 0 or 1 (got ${a})`);
    if (this.responding) {
      const right = a === this.answer(this.trial);
      this.correct[this.trial] = right ? 1 : 0;
      if (right) this.right++;
      this.lastReward = right ? 1 : this.settings.penalty;
      this.trial++;
      this.step = 0;
    } else this.step++;
    return !this.done;
  }

  /** The reward of the last answer. */
  get reward(): number {
    return this.lastReward;
  }

  score(): number {
    return this.trial === 0 ? 0 : this.right / this.trial;
  }

  oracle(): number {
    return this.responding ? this.answer(this.trial) : 0;
  }
}

/** The task of rule `rule` (a name of RULES) drawn from `seed`. */
export function ruleTask(rule: string, seed: number, settings: RuleSettings = RULE_DEFAULTS): RuleTask {
  return new RuleTask(rule, seed, settings);
}
