// The learner role's task table (docs/learner.md, Tasks): every environment a learner genome can be
// evaluated on, by name (`bandit`, `rule:and`), with what it learns from, how an episode is made
// from a seed, and its reference levels. A learner's score on a task is turned into a shortfall,
// (best - score) / (best - chance): 0 at the oracle's level, 1 at chance, above 1 below chance, so
// that it reads like the optimizer role's normalised loss (1 = learned nothing usable). The chance
// levels are measured means over held-out episode seeds (test/learner/tasks.test.ts checks them).

import { ReversalBandit } from './bandit.ts';
import type { LearnerEnv, LearnerTaskKind } from './env.ts';
import { SwitchingTMaze } from './tmaze.ts';
import { associationTask } from './association.ts';
import { PcaTask, SelectivityTask } from './features.ts';
import { correlationTask, DelayedCue } from './correlation.ts';
import { COGMAP_TASKS } from './cogmap.ts';
import { familiarityTask } from './familiarity.ts';
import { HELDOUT_RULES, ruleTask, RULES, TRAINING_RULES } from './rules.ts';
import { createRng } from '../util/rng.ts';

/** The rule names without their `rule:` prefix: `and`, `dms`, ... */
const RULE_VARIANTS = Object.keys(RULES).map((r) => r.slice('rule:'.length));

export interface LearnerTask {
  name: string;
  kind: LearnerTaskKind;
  description: string;
  /** The variants `name:variant` may name; without one, `make` draws or uses its default. */
  variants: readonly string[];
  /** Episodes per evaluation by default. */
  episodes: number;
  /** One episode from its seed. */
  make(seed: number, variant: string | undefined): LearnerEnv;
  /** The mean score of a uniformly random agent. */
  chance: number;
  /** The best score: the oracle's (it knows the hidden state). */
  best: number;
}

export const LEARNER_TASKS: LearnerTask[] = [
  {
    name: 'bandit', kind: 'reward', variants: [], episodes: 2, chance: 0.5, best: 1,
    description: 'a two-armed bandit (0.8 / 0.2) whose better arm reverses after blocks of 20-40 trials; 200 trials; share of trials on the better arm',
    make: (seed) => new ReversalBandit(seed),
  },
  {
    name: 'tmaze', kind: 'reward', variants: [], episodes: 2, chance: 0.51, best: 1,
    description: 'the T-maze with reward switches (Soltoggio et al. 2008): 200 trials of home, corridor, turn, end; correct / (trials - switches - 1)',
    make: (seed) => new SwitchingTMaze(seed),
  },
  {
    name: 'rules', kind: 'reward', variants: [], episodes: 2, chance: 0.5, best: 1,
    description: `two-stimulus rules learned from reward (Miconi 2023): each episode draws one of the ${TRAINING_RULES.length} training rules (every non-constant boolean function of two stimuli but match and non-match); 40 trials; accuracy`,
    make: (seed) => ruleTask(TRAINING_RULES[createRng(seed).int(TRAINING_RULES.length)] as string, seed),
  },
  {
    name: 'rule', kind: 'reward', variants: RULE_VARIANTS, episodes: 2, chance: 0.5, best: 1,
    description: `one two-stimulus rule learned from reward (Miconi 2023), named: ${RULE_VARIANTS.map((v) => `rule:${v}`).join(', ')}; ${HELDOUT_RULES.join(' and ')} (delayed match and non-match to sample) are held out of \`rules\`; 40 trials; accuracy`,
    make: (seed, variant) => ruleTask(`rule:${variant ?? RULE_VARIANTS[0]}`, seed),
  },
  {
    name: 'association', kind: 'supervised', variants: [], episodes: 2, chance: 0.25, best: 1,
    description: 'one-shot pattern association: 8 +-1 cues on 8 channels, each shown once with its class (4 classes), then tested without feedback in a new order; test accuracy',
    make: (seed) => associationTask(seed),
  },
  {
    name: 'familiarity', kind: 'unsupervised', variants: [], episodes: 2, chance: 0.5, best: 1,
    description: 'continual familiarity detection (Tyulmankov et al. 2022): a stream of 8-channel items, half of them repeats of the item R = 1-8 steps back; novel or familiar, no feedback; accuracy',
    make: (seed) => familiarityTask(seed),
  },
  // Unsupervised feature learning (the claims of Oja 1982 and Bienenstock, Cooper & Munro 1982):
  // chance is what a fixed random projection (a non-plastic network) gets.
  {
    name: 'pca', kind: 'unsupervised', variants: [], episodes: 1, chance: 0.31, best: 1,
    description: 'principal component: 8-channel Gaussian observations with one dominant direction; squared correlation of output0 with the projection on it over the second half of 400 steps',
    make: (seed) => new PcaTask(seed),
  },
  {
    name: 'selectivity', kind: 'unsupervised', variants: [], episodes: 1, chance: 0.19, best: 0.75,
    description: 'selectivity (BCM 1982): one of 4 noisy prototypes per step; 1 - mean/max of output0\'s response per prototype over the second half of 600 steps (at most 0.75)',
    make: (seed) => new SelectivityTask(seed),
  },
  {
    name: 'correlation', kind: 'unsupervised', variants: [], episodes: 1, chance: 0.5, best: 1,
    description: 'correlated inputs (Song, Miller & Abbott 2000): 4 of 8 channels spike with shared timing, 4 independently at the same rate; probes at the end score whether output0 responds more to the correlated group; 600 steps',
    make: (seed) => correlationTask(seed),
  },
  {
    name: 'delayed-cue', kind: 'reward', variants: [], episodes: 2, chance: 0.5, best: 1,
    description: 'a cue (A or B), a delay of 10-30 blank steps, then a go signal: the response that matches the cue pays; 100 trials; accuracy (a memory task)',
    make: (seed) => new DelayedCue(seed),
  },
  // The cognitive-map tasks (Wilson et al. 2014, "Orbitofrontal cortex as a cognitive map of task space").
  {
    name: 'reversal', kind: 'reward', variants: [], episodes: 2, chance: 0.5, best: 1,
    description: 'serial reversal of a go/no-go odour discrimination (Schoenbaum et al.; Wilson et al. 2014): the rewarded cue reverses after blocks of 20-40 trials; 200 trials; share of correct decisions',
    make: (seed) => cogmap('reversal', seed),
  },
  {
    name: 'alternation', kind: 'reward', variants: [], episodes: 2, chance: 0.5, best: 1,
    description: 'delayed alternation (Wilson et al. 2014): a delay of 1-3 steps, then left or right; the episode\'s rule (alternate or repeat) is learned from reward; 80 trials; share correct after the first',
    make: (seed) => cogmap('alternation', seed),
  },
  {
    name: 'extinction', kind: 'reward', variants: [], episodes: 2, chance: 0.5, best: 1,
    description: 'acquisition and extinction (Wilson et al. 2014): a cue pays food on 75% of trials, then nothing, in blocks of 20-40; responding costs 0.2; 160 trials; share of correct decisions',
    make: (seed) => cogmap('extinction', seed),
  },
  {
    name: 'devaluation', kind: 'reward', variants: [], episodes: 2, chance: 0.5, best: 1,
    description: 'outcome devaluation (Wilson et al. 2014): two cues, each with its own outcome; one outcome is devalued away from the cues; then a probe without reward; share of correct probe decisions (a model-free learner scores 0.5)',
    make: (seed) => cogmap('devaluation', seed),
  },
];

function cogmap(name: keyof typeof COGMAP_TASKS, seed: number): LearnerEnv {
  return COGMAP_TASKS[name](seed);
}

/** The task of a name, or undefined. */
export function learnerTask(name: string): LearnerTask | undefined {
  return LEARNER_TASKS.find((t) => t.name === name);
}

/** The shortfall of `score` on `task`: (best - score) / (best - chance). */
export function shortfall(task: Pick<LearnerTask, 'chance' | 'best'>, score: number): number {
  return (task.best - score) / (task.best - task.chance);
}
