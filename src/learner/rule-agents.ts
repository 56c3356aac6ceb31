// Hand-written reference agents for the rule family (rules.ts), pattern association
// (association.ts) and familiarity detection (familiarity.ts): with their free constants tuned on
// training seeds they are the "tuned hand-written agent" upper bounds evolved learners are compared
// with (docs/learner.md). Each sees only what a learner genome sees (run.ts): the channels, the
// reward, the trial-start and learning flags, and on supervised tasks the error of its outputs one
// step late (the previous step's targets minus its own outputs then, computed here as the runner
// computes it); none uses the choice flag, and none uses a step's targets before answering it (the
// association agent keeps them only to form the error the runner shows at the next step).
//
//   tabularRuleAgent     a delta rule over (s1, s2) (Rescorla & Wagner 1972; Sutton & Barto 2018,
//                        section 2.4): one value per stimulus pair and answer, starting at
//                        `initial`, the chosen one moved towards its reward at rate alpha, the best
//                        value answered (ties at random). It knows nothing of the rule family.
//   idealRuleAgent       the ideal observer of the rule family: it keeps the rules (RULES) that
//                        agree with every reward so far and answers as most of them do (ties at
//                        random). A reward reveals the right answer whatever was answered, so this
//                        greedy answer is also the best policy: the ceiling of learning from rewards.
//   associationAgent     an outer-product associative memory (Kohonen 1972; Willshaw et al. 1969)
//                        learning from the error slots: outputs y = W x, and W += eta e x_prev^T
//                        with e the error shown one step after the cue x_prev. W starts at 0, so the
//                        first error of a cue is its target: for small eta this is the Hebbian
//                        outer-product memory W = eta sum_k t_k x_k^T; eta = 1 / |x|^2 makes it one
//                        pass of the Widrow-Hoff delta rule (Widrow & Hoff 1960).
//   familiarityAgent     the Hebbian familiarity detector after Tyulmankov, Yang & Abbott 2022
//                        (Neuron 110): a memory matrix of decayed outer products, W <- decay W + x
//                        x^T after each item, and familiarity f = x^T W x / |x|^4 of the item before it
//                        is stored, answered familiar when f > threshold. In their HebbFF network
//                        the learned plasticity is anti-Hebbian (a stored item's drive is
//                        suppressed); here the sign is folded into the readout. It ignores feedback.
//
// The free constants are tuned over small grids (RULE_AGENT_GRID, ASSOCIATION_ETAS,
// FAMILIARITY_GRID) on training seeds 1-30 (tuneRuleAgent on the training family only); the levels
// on held-out seeds are in the task files' headers.

import { createRng, type Rng } from '../util/rng.ts';
import { agentSeed, meanScore, tune, type Agent } from './agents.ts';
import { ASSOCIATION_DEFAULTS, associationTask, type AssociationSettings } from './association.ts';
import { argmax, type Observation } from './env.ts';
import { FAMILIARITY_DEFAULTS, familiarityTask, type FamiliaritySettings } from './familiarity.ts';
import { RULE_DEFAULTS, RULES, ruleTask, TRAINING_RULES, type RuleSettings } from './rules.ts';

/** A random pick among the indices of the largest values (ties at random). */
function pickBest(values: ArrayLike<number>, from: number, count: number, rng: Rng): number {
  let best = -Infinity;
  let ties = 0;
  let pick = 0;
  for (let k = 0; k < count; k++) {
    const v = values[from + k] as number;
    if (v > best) {
      best = v;
      ties = 1;
      pick = k;
    } else if (v === best && rng.int(++ties) === 0) pick = k; // reservoir sampling over the ties
  }
  return pick;
}

/** Reads a rule-task step (channels [A, B, go]): what the learner can tell from it. */
function readRuleStep(o: Observation): 'first' | 'second' | 'go' | 'blank' {
  if (o.trialStart === 1) return 'first';
  if ((o.channels[2] as number) > 0) return 'go';
  return (o.channels[0] as number) > 0 || (o.channels[1] as number) > 0 ? 'second' : 'blank';
}

/**
 * The trial walk the rule agents share: `feedback` sees every observation first (the reward of the
 * last answer arrives at the step after it); the stimuli s1 and s2 (1: B, 0: A) are read from the
 * trial's first and second stimulus steps, and at the go step `answer` gives the answer for the pair
 * 2 s1 + s2. Every other step is answered 0.
 */
function pairAgent(feedback: (o: Observation) => void, answer: (pair: number) => number): Agent {
  let s1 = 0;
  let s2 = 0;
  return {
    act(o) {
      feedback(o);
      const step = readRuleStep(o);
      const b = (o.channels[1] as number) > (o.channels[0] as number) ? 1 : 0;
      if (step === 'first') s1 = b;
      else if (step === 'second') s2 = b;
      else if (step === 'go') return answer(2 * s1 + s2);
      return 0;
    },
  };
}

/** The tabular delta rule over (s1, s2) and the answer (see the header). */
export function tabularRuleAgent(alpha: number, initial: number, seed: number): Agent {
  const rng = createRng(seed);
  const q = new Float64Array(8).fill(initial); // (2 s1 + s2) * 2 + answer
  let pending = -1;
  return pairAgent(
    (o) => {
      if (pending >= 0) {
        q[pending] = (q[pending] as number) + alpha * (o.reward - (q[pending] as number));
        pending = -1;
      }
    },
    (pair) => {
      const a = pickBest(q, 2 * pair, 2, rng);
      pending = 2 * pair + a;
      return a;
    },
  );
}

/** The ideal observer of the rule family (see the header). */
export function idealRuleAgent(seed: number): Agent {
  const rng = createRng(seed);
  let alive = Object.values(RULES);
  let asked = -1; // the pair of the last answer, until its reward is seen
  let answered = 0;
  return pairAgent(
    (o) => {
      if (asked >= 0) {
        const truth = o.reward === 1 ? answered : 1 - answered;
        const pair = asked;
        alive = alive.filter((rule) => rule[pair] === truth);
        asked = -1;
      }
    },
    (pair) => {
      const votes = Float64Array.of(0, 0);
      for (const rule of alive) votes[rule[pair] as number] = (votes[rule[pair] as number] as number) + 1;
      answered = pickBest(votes, 0, 2, rng);
      asked = pair;
      return answered;
    },
  );
}

/** The outer-product associative memory learning from the error slots (see the header). */
export function associationAgent(channels: number, classes: number, eta: number): Agent {
  const w = new Float64Array(classes * channels);
  const x = new Float64Array(channels);
  const y = new Float64Array(classes);
  let targets: Float64Array | null = null; // the previous step's targets: the runner shows targets - y now
  return {
    act(o) {
      if (targets !== null) {
        for (let k = 0; k < classes; k++) {
          const e = (targets[k] as number) - (y[k] as number);
          for (let i = 0; i < channels; i++) w[k * channels + i] = (w[k * channels + i] as number) + eta * e * (x[i] as number);
        }
      }
      for (let i = 0; i < channels; i++) x[i] = o.channels[i] as number;
      for (let k = 0; k < classes; k++) {
        let s = 0;
        for (let i = 0; i < channels; i++) s += (w[k * channels + i] as number) * (x[i] as number);
        y[k] = s;
      }
      targets = o.targets === null ? null : Float64Array.from(o.targets);
      return argmax(y);
    },
  };
}

/** The Hebbian familiarity detector (see the header). */
export function familiarityAgent(width: number, decay: number, threshold: number): Agent {
  const w = new Float64Array(width * width);
  const x = new Float64Array(width);
  return {
    act(o) {
      let norm = 0;
      for (let i = 0; i < width; i++) {
        x[i] = o.channels[i] as number;
        norm += (x[i] as number) ** 2;
      }
      let f = 0;
      for (let i = 0; i < width; i++) {
        let row = 0;
        for (let j = 0; j < width; j++) row += (w[i * width + j] as number) * (x[j] as number);
        f += (x[i] as number) * row;
      }
      f = norm > 0 ? f / (norm * norm) : 0;
      for (let i = 0; i < width; i++) {
        for (let j = 0; j < width; j++) w[i * width + j] = decay * (w[i * width + j] as number) + (x[i] as number) * (x[j] as number);
      }
      return f > threshold ? 1 : 0;
    },
  };
}

/** The tuning grids of the free constants (searched on training seeds 1-30). */
export const RULE_AGENT_GRID = [0.1, 0.5, 1].flatMap((alpha) => [0, 0.5, 1].map((initial) => ({ alpha, initial })));
export const ASSOCIATION_ETAS = [0.005, 0.02, 0.05, 0.125, 0.3];
export const FAMILIARITY_GRID = [0.7, 0.8, 0.85, 0.9].flatMap((decay) => [0.8, 0.9, 1, 1.1, 1.2, 1.3].map((threshold) => ({ decay, threshold })));

/** The mean score of the tabular rule agent at `p` over `rules` and `seeds`. */
export function ruleFamilyScore(p: { alpha: number; initial: number }, rules: readonly string[], seeds: readonly number[], settings: RuleSettings = RULE_DEFAULTS): number {
  let sum = 0;
  for (const rule of rules) sum += meanScore((s) => ruleTask(rule, s, settings), (_e, s) => tabularRuleAgent(p.alpha, p.initial, agentSeed(s)), seeds);
  return sum / rules.length;
}

/** The tabular rule agent tuned over RULE_AGENT_GRID on the training family and `seeds`. */
export function tuneRuleAgent(seeds: readonly number[], settings: RuleSettings = RULE_DEFAULTS): ReturnType<typeof tune<{ alpha: number; initial: number }>> {
  return tune(RULE_AGENT_GRID, (p) => ruleFamilyScore(p, TRAINING_RULES, seeds, settings));
}

/** The association agent tuned over ASSOCIATION_ETAS on `seeds`. */
export function tuneAssociationAgent(seeds: readonly number[], settings: AssociationSettings = ASSOCIATION_DEFAULTS): ReturnType<typeof tune<number>> {
  return tune(ASSOCIATION_ETAS, (eta) => meanScore((s) => associationTask(s, settings), (e) => associationAgent(e.channels, e.actions, eta), seeds));
}

/** The familiarity detector tuned over FAMILIARITY_GRID on `seeds` (of the stream `settings`, by default lags 1-8). */
export function tuneFamiliarityAgent(seeds: readonly number[], settings: FamiliaritySettings = FAMILIARITY_DEFAULTS): ReturnType<typeof tune<{ decay: number; threshold: number }>> {
  return tune(FAMILIARITY_GRID, (p) => meanScore((s) => familiarityTask(s, settings), (e) => familiarityAgent(e.channels, p.decay, p.threshold), seeds));
}
