// Reference agents for the cognitive-map tasks (cogmap.ts; docs/learner.md), beyond chance and the
// oracle of agents.ts. Two tabular delta rules (Rescorla & Wagner 1972; Sutton & Barto 2018,
// sections 2.4-2.6: one value per state and action, optimistic start, epsilon-greedy, ties at random)
// that differ only in their state, the two state spaces Wilson, Takahashi, Schoenbaum & Niv 2014
// contrast:
//
//   stimulus  the observation at the choice (their OFC-lesioned model: states bound to the stimulus);
//   history   that observation plus the last trial's: the observation at its choice, the action taken
//             there and its outcome (the observation and the sign of the reward at its last step)
//             (their intact model, whose state "depends on both the action and outcome on the last
//             trial", their Figure 1C).
//
// And one model-based agent per task that knows the task's structure and infers its hidden state:
// which cue is positive (reversal), the phase (extinction: a Bayesian filter over acquisition and
// extinction with a constant hazard, after Adams & MacKay 2007's change-point model), and the cue ->
// outcome map with each outcome's current value (devaluation: the model-based evaluation of Daw,
// Niv & Dayan 2005). Delayed alternation needs none: the history delta rule learns it.

import { createRng } from '../util/rng.ts';
import { argmax, type Observation } from './env.ts';
import type { Agent } from './agents.ts';

/** The state a tabular delta rule keys its values by (see the header). */
export type StateKind = 'stimulus' | 'history';

const keyOf = (o: Observation): string => `${o.channels.join(',')}:${Math.sign(o.reward)}`;

/**
 * A tabular delta rule: at a choice, the state's values (all `initial` at first) pick the action
 * (the best, ties at random; a random one with probability epsilon); at the next observation, if
 * learning is on, the chosen value moves towards its reward at rate alpha.
 */
export function tabularDeltaAgent(actions: number, alpha: number, epsilon: number, seed: number, state: StateKind, initial = 1): Agent {
  const rng = createRng(seed);
  const values = new Map<string, Float64Array>();
  let pending: Float64Array | null = null;
  let pendingAction = 0;
  let last = ''; // the previous observation's key
  let trialKey = ''; // this trial's choice and action
  let history = '-'; // the last trial's choice, action and outcome
  return {
    act(o) {
      if (pending !== null) {
        if (o.learning === 1) pending[pendingAction] = (pending[pendingAction] as number) + alpha * (o.reward - (pending[pendingAction] as number));
        pending = null;
      }
      if (o.trialStart === 1 && trialKey !== '') {
        history = `${trialKey}>${last}`;
        trialKey = '';
      }
      last = keyOf(o);
      if (!o.choice) return 0;
      const stimulus = o.channels.join(',');
      const key = state === 'stimulus' ? stimulus : `${stimulus}|${history}`;
      let q = values.get(key);
      if (q === undefined) values.set(key, (q = new Float64Array(actions).fill(initial)));
      let a: number;
      if (rng.next() < epsilon) a = rng.int(actions);
      else {
        const best = q[argmax(q)] as number;
        const ties: number[] = [];
        for (let i = 0; i < actions; i++) if (q[i] === best) ties.push(i);
        a = ties[rng.int(ties.length)] as number;
      }
      pending = q;
      pendingAction = a;
      trialKey = `${stimulus}/${a}`;
      return a;
    },
  };
}

/**
 * Reversal (cogmap-reversal.ts): it knows that exactly one cue is positive and outcomes are certain,
 * so each go tells it which one is: +1 after cue c means c, a punishment means the other. It goes
 * while it does not know, and after the cue it believes positive.
 */
export function reversalInferenceAgent(): Agent {
  let positive = -1;
  let cue = -1;
  let went = false;
  return {
    act(o) {
      if (went) {
        positive = o.reward > 0 ? cue : 1 - cue;
        went = false;
      }
      if (!o.choice) return 0;
      cue = (o.channels[0] as number) === 1 ? 0 : 1;
      went = positive < 0 || cue === positive;
      return went ? 1 : 0;
    },
  };
}

/**
 * Extinction (cogmap-extinction.ts): a Bayesian filter over the phase. It knows the reinforcement
 * rate and the cost, assumes a constant chance `hazard` of a phase change between trials, and
 * starts sure of acquisition. At a choice it responds when the expected reward of a response,
 * P(acquisition) x reinforcement - cost, is above 0; at the outcome step food means acquisition and
 * no food weighs the odds by 1 - reinforcement.
 */
export function extinctionBayesAgent(reinforcement: number, cost: number, hazard: number): Agent {
  let acquisition = 1;
  return {
    act(o) {
      if (o.choice) return acquisition * reinforcement > cost ? 1 : 0;
      if ((o.channels[1] as number) === 1) {
        const miss = acquisition * (1 - reinforcement);
        acquisition = (o.channels[2] as number) === 1 ? 1 : miss / (miss + 1 - acquisition);
        acquisition = acquisition * (1 - hazard) + (1 - acquisition) * hazard;
      }
      return 0;
    },
  };
}

/**
 * Extinction (cogmap-extinction.ts), the Rescorla & Wagner (1972) account: one value for the cue,
 * its prediction of food, moved towards each outcome step's food (seen whether or not it responded)
 * at rate alpha; it responds when the value is above the cost. Its state is the cue alone, as in
 * Wilson et al.'s lesioned model, but it learns from what it sees, not only from what it is paid.
 */
export function rescorlaWagnerAgent(alpha: number, cost: number): Agent {
  let value = 1;
  return {
    act(o) {
      if (o.choice) return value > cost ? 1 : 0;
      if ((o.channels[1] as number) === 1) value += alpha * ((o.channels[2] as number) - value);
      return 0;
    },
  };
}

/**
 * Devaluation (cogmap-devaluation.ts): it learns which outcome follows each cue (counts over
 * training) and each outcome's current value (the last reward it brought when consumed: after a
 * response in training, or in the home cage), and responds to a cue when its expected outcome's
 * value is above 0 (or not yet known).
 */
export function devaluationModelAgent(): Agent {
  const follows = new Float64Array(4); // 2 cue + outcome: how often the outcome followed the cue
  const value = [NaN, NaN];
  let cue = -1;
  let responded = false;
  return {
    act(o) {
      const ch = (c: number): boolean => (o.channels[c] as number) === 1;
      const outcome = ch(2) ? 0 : ch(3) ? 1 : -1;
      if (outcome >= 0) {
        if (cue >= 0) follows[2 * cue + outcome] = (follows[2 * cue + outcome] as number) + 1;
        if (responded || ch(4)) value[outcome] = o.reward;
      }
      cue = -1;
      responded = false;
      if (!o.choice) return 0;
      cue = ch(0) ? 0 : 1;
      const counts = follows.subarray(2 * cue, 2 * cue + 2);
      const expected = counts[0] === counts[1] ? NaN : (value[argmax(counts)] as number);
      responded = !(expected <= 0);
      return responded ? 1 : 0;
    },
  };
}
