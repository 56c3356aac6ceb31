// Hand-written agents that give the reward environments (env.ts) their reference levels
// (docs/learner.md): chance (a random agent), the oracle (it knows the hidden state), and a learner
// from rewards alone, the delta rule (Rescorla & Wagner 1972; Sutton & Barto 2018, section 2.4):
// one value per action, starting optimistic at `initial` (Sutton & Barto 2018, section 2.6: every
// action is tried before its value falls), moved towards each reward by a learning rate, the best
// value chosen (with exploration at rate epsilon, ties at random). Its learning rate tuned over a grid on training
// seeds is the "tuned hand-written agent" upper bound evolved learners are compared with.
// meanScore and tune are the scoring and grid-tuning helpers every reference agent uses
// (rule-agents.ts, cogmap-agents.ts).

import { createRng, type Rng } from '../util/rng.ts';
import { argmax, type Observation, type LearnerEnv } from './env.ts';

export interface Agent {
  /** The action at this observation (only choice points count). */
  act(observation: Observation): number;
}

/** Runs `agent` through `env` to the end of its episode; answers with the environment's score. */
export function runAgent(env: LearnerEnv, agent: Agent): number {
  while (!env.done) env.act(agent.act(env.observe()));
  return env.score();
}

/** Uniformly random actions: the chance level. */
export function randomAgent(actions: number, seed: number): Agent {
  const rng = createRng(seed);
  return { act: () => rng.int(actions) };
}

/** The environment's own best action: the upper bound. */
export function oracleAgent(env: LearnerEnv): Agent {
  return { act: () => env.oracle() };
}

/**
 * The delta rule: Q[a] += alpha (r - Q[a]) (Q starting at `initial`) for the action a of the last choice, with the reward r
 * shown at the first observation after it; at a choice, argmax Q (ties at random), or a random
 * action with probability epsilon.
 */
export function deltaAgent(actions: number, alpha: number, epsilon: number, seed: number, initial = 1): Agent {
  const rng: Rng = createRng(seed);
  const q = new Float64Array(actions).fill(initial);
  let pending = -1;
  return {
    act(observation) {
      if (pending >= 0) {
        q[pending] = (q[pending] as number) + alpha * (observation.reward - (q[pending] as number));
        pending = -1;
      }
      if (!observation.choice) return 0;
      let a: number;
      if (rng.next() < epsilon) a = rng.int(actions);
      else {
        const best = argmax(q);
        const ties: number[] = [];
        for (let i = 0; i < actions; i++) if (q[i] === q[best]) ties.push(i);
        a = ties[rng.int(ties.length)] as number;
      }
      pending = a;
      return a;
    },
  };
}

/** An agent's rng seed for an episode seed (a stream apart from the episode's own). */
export const agentSeed = (seed: number): number => seed ^ 0x5bd1e995;

/** The mean score of `agent` (made for each episode and its seed) over the episodes of `seeds`. */
export function meanScore(make: (seed: number) => LearnerEnv, agent: (env: LearnerEnv, seed: number) => Agent, seeds: readonly number[]): number {
  let sum = 0;
  for (const seed of seeds) {
    const env = make(seed);
    sum += runAgent(env, agent(env, seed));
  }
  return sum / seeds.length;
}

/** The score of every setting in `grid` (`score(setting)`, a mean over training seeds), and the best (the first of equals). */
export function tune<P>(grid: readonly P[], score: (setting: P) => number): { best: P; score: number; scores: number[] } {
  if (grid.length === 0) throw new RangeError('tune needs a non-empty grid');
  const scores = grid.map(score);
  const i = argmax(scores);
  return { best: grid[i] as P, score: scores[i] as number, scores };
}

/** The mean score of the delta rule over `seeds` for each learning rate, and the best rate. */
export function tuneDelta(
  make: (seed: number) => LearnerEnv, seeds: readonly number[], alphas: readonly number[], epsilon: number,
): { alpha: number; score: number; scores: number[] } {
  const { best, score, scores } = tune(alphas, (alpha) => meanScore(make, (env, seed) => deltaAgent(env.actions, alpha, epsilon, agentSeed(seed)), seeds));
  return { alpha: best, score, scores };
}
