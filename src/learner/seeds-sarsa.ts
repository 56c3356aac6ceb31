// The SARSA seed learner (issue 12; docs/learner.md, Seed learners): linear SARSA(0), one weight
// vector per action over the observation channels plus a bias (G. A. Rummery & M. Niranjan 1994,
// "On-line Q-learning using connectionist systems", CUED/F-INFENG/TR 166; R. S. Sutton & A. G.
// Barto 2018, "Reinforcement Learning: An Introduction", 2nd ed., section 10.1, episodic
// semi-gradient SARSA), written as a learner genome with LearnerBuilder, one tick per task step
// (every slot by value). All learning is graph state (values on delay-1 edges).
//
// Features phi = [x_0 .. x_7, 1] (the role's 8 observation channels, unused ones 0, and a bias);
// for actions a = 0, 1: Q_a(x; W) = sum_c W_ac phi_c. Weights start at 0 but the bias W_a8 = init
// (optimistic values, Sutton & Barto 2018, section 2.6: the only exploration of this greedy
// learner). At step t the runner shows x_t and r_t (the reward of the previous action, env.ts);
// W_{t-1} are the weights after the previous step's update. Then
//
//   pre_a    = Q_a(x_t; W_{t-1})                        the values before this step's update
//   delta_t  = r_t + gamma max_a pre_a - Q_{a'}(x'; W_{t-1})
//   W_ac(t)  = W_ac(t-1) + alpha delta_t c'_a phi_c(t-1)
//   output_a = Q_a(x_t; W_t)                            the values after the update
//
// with x' = x_{t-1}, a' the action taken at t-1 (one-hot c'_a: c'_0 = [Q_0 >= Q_1] of step t-1's
// outputs, ties to action 0, as the runner breaks them; c' = 0 at the first step, so nothing is
// learnt there). Q_{a'}(x'; W_{t-1}) is exactly the larger of step t-1's outputs (they were
// computed with W_{t-1}), so it is read back over a delay-1 edge.
//
// Before / after. In the textbook loop the next action A' is chosen from q(S', ., w) before w is
// updated, and that same A' is both the action taken and the one in the target. Here the outputs
// (and so the action taken) are the values after the update, as in the delta seed (seeds.ts), so
// that the reward shown now already steers the choice made now. The target's action cannot then
// be the action taken (it would depend on delta_t through the update: a delay-0 cycle, and no
// well-defined value); it is the greedy action under the values before the update, which is A' of
// the textbook loop (the policy is greedy, so q(S', A', w) = max_a pre_a). The two differ only
// when this step's update reorders Q(x_t); the next step's correction term always uses the action
// actually taken. The graph has no delay-0 cycle: pre reads W over delay-1 edges, delta reads pre,
// the reward and the last outputs, W reads delta, and the outputs read W.
//
// Sums of more than two terms are chains of two-term sums (hebbian-motifs.ts chainSum), so a plain
// float32 implementation (test/learner/reference/sarsa.ts) matches the genome bit for bit.
//
// Defaults: init 1 (as the delta seed); alpha and gamma tuned on training episode seeds 1-30 by
// the mean score over the bandit, the T-maze and `rules` (alpha 0.02 .. 0.8, gamma 0 .. 0.9):
// alpha 0.5, gamma 0.6 (0.715, 0.981, 0.646; mean 0.780). With gamma 0 the T-maze stays near
// chance (0.57): the bias is shared by every place of the maze, and the steps off the turning
// point pull the taken action's bias towards their reward of 0; a discount lets the turn's value
// carry the end's reward home. Held out (seeds 1000-1199): bandit 0.717, T-maze 0.982, rules
// 0.606; reversal 0.554, alternation 0.550, extinction 0.540, devaluation 0.504, rule:dms 0.417,
// rule:dnms 0.445 (chance 0.5; no memory, so the rule and cognitive-map tasks stay near it).
// 134 nodes (114 hidden), 230 edges.

import type { Genome } from '../genome/types.ts';
import { LearnerBuilder, type Ref } from './build.ts';
import { chainSum, type Term } from './hebbian-motifs.ts';
import { greedyChoice, product } from './motifs.ts';
import { LEARNER_CHANNELS } from './role.ts';
import { firstTick } from './seeds-spiking.ts';

export interface SarsaParams {
  /** The step size. */
  alpha: number;
  /** The discount of the next value. */
  gamma: number;
  /** Every action's initial bias weight (optimistic start). */
  init: number;
}

export const SARSA_DEFAULTS: SarsaParams = { alpha: 0.5, gamma: 0.6, init: 1 };

/** The number of weights per action: the channels and the bias. */
export const SARSA_FEATURES = LEARNER_CHANNELS + 1;

/** Linear SARSA(0) over the observation channels and a bias, two actions (see the header). */
export function sarsaLearner(params: Partial<SarsaParams> = {}): Genome {
  const p = { ...SARSA_DEFAULTS, ...params };
  for (const [name, v] of Object.entries(p)) if (!Number.isFinite(v)) throw new RangeError(`${name} must be finite (got ${v})`);
  const b = new LearnerBuilder(`sarsa-${p.alpha}-${p.gamma}`);
  const phi: Ref[] = [...b.observations, b.constant(1)];
  const q = [0, 1].map((a) => b.outputNode(a, 'identity'));
  // The action taken: c_0 = [Q_0 >= Q_1] of the outputs, c_1 = 1 - c_0 (read one step later).
  const [choice0, choice1] = greedyChoice(b, 'choice', q[0] as Ref, q[1] as Ref);
  // Q_{a'}(x'; W_{t-1}): the larger of the last outputs.
  const last = b.node('sarsa.last', 'max');
  b.edge(q[0] as Ref, last, 0);
  b.edge(q[1] as Ref, last, 1);
  // The weights W_ac: accumulators, the bias starting at init.
  const weights = [0, 1].map((a) => phi.map((_, c) => {
    const w = b.node(`sarsa${a}.${c}.w`, 'identity');
    b.edge(w, w, 0, 1, 1);
    if (c === LEARNER_CHANNELS && p.init !== 0) b.edge(firstTick(b), w, 0, p.init);
    return w;
  }));
  // The values before the update, Q_a(x_t; W_{t-1}), and the greedy one.
  const pre = [0, 1].map((a) => chainSum(b, `sarsa${a}.pre`, phi.map((x, c): Term => [product(b, `sarsa${a}.${c}.pre`, weights[a]?.[c] as Ref, x, [1, 0]), 1])));
  const boot = b.node('sarsa.boot', 'max');
  b.edge(pre[0] as Ref, boot, 0);
  b.edge(pre[1] as Ref, boot, 1);
  // delta_t = r_t + gamma boot - last(t-1).
  const delta = chainSum(b, 'sarsa.delta', [[b.reward, 1], [boot, p.gamma], [last, -1, 1]]);
  [choice0, choice1].forEach((choice, a) => {
    const err = product(b, `sarsa${a}.err`, choice, delta, [1, 0]);
    phi.forEach((x, c) => {
      const u = product(b, `sarsa${a}.${c}.u`, err, x, [0, 1]);
      b.edge(u, weights[a]?.[c] as Ref, 0, p.alpha);
    });
    // The outputs: Q_a(x_t; W_t).
    const post = chainSum(b, `sarsa${a}.q`, phi.map((x, c): Term => [product(b, `sarsa${a}.${c}.out`, weights[a]?.[c] as Ref, x), 1]));
    b.edge(post, q[a] as Ref, 0);
  });
  return b.build();
}
