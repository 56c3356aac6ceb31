// Reward-driven Hebbian seed learners (issue 12, item 3; docs/learner.md): the generalised Hebbian
// "ABCD" rule made reward-dependent, as learner genomes built with LearnerBuilder; every weight is
// graph state (a bounded accumulator, hebbian-motifs.ts), so each matches a plain float32
// implementation of its equations step by step (test/learner/reference/hebbian.ts). The rewards
// come one step after the decision that earned them (the bandit's next trial, the T-maze's maze
// end), so the Hebbian term reads the pre- and postsynaptic activities of the previous step (pre',
// post'), and the weight changes before the current step's outputs, so the next decision sees it.
//
//   abcd            Najarro & Risi 2020, "Meta-learning through Hebbian plasticity in random
//                   networks" (NeurIPS): random initial weights (uniform in [-0.1, 0.1) from a
//                   seed), every synapse changed at every step by its own rule
//                   eta (A o_pre o_post + B o_pre + C o_post + D). In the paper the coefficients are
//                   evolved for a task and the reward only drives that evolution; here nothing
//                   evolves within an episode, so the rule is made reward-gated (the three-factor
//                   form of Fremaux & Gerstner 2016):
//                     dw_aj = eta m (A x_j' c_a' + B x_j' + C c_a' + D),  |w_aj - w0_aj| <= bound,
//                   for the synapse from channel j (0 .. 3) to output a (0, 1). The network is one
//                   layer, y_a = tanh(sum_j w_aj x_j) (output a), read through a winner-take-all:
//                   the postsynaptic activity c_a is 1 for the output that wins (the action taken:
//                   c_0 = [y_0 >= y_1], ties to 0 as the runner's argmax), else 0. The modulation is
//                   a linear unit m = r + sum_c gate_c x_c: the reward minus a baseline on the
//                   channels that mark a step where a reward is due. Hand-set values (not evolved):
//                   A = 1, B = -0.5, C = D = 0 on every synapse (a rewarded winner's synapse from an
//                   active input grows by eta m / 2 and the loser's shrinks as much, so the sum of
//                   the two outputs' weights from an input is kept); gate = -0.5 on channel 0 (the
//                   bandit's constant cue: m = r - 0.5 at every trial; the T-maze's home, where the
//                   only active pre' is the maze-end channel, so the turn synapses are untouched),
//                   -0.6 on channel 3 (the T-maze's maze end: m = r - 0.6, +0.4 at the high end,
//                   -0.4 at the low end); eta = 1, bound = 0.5. The factory also takes one rule per
//                   synapse.
//   neuromodulated  Soltoggio, Bullinaria, Mattiussi, Durr & Floreano 2008, "Evolutionary
//                   advantages of neuromodulated plasticity in dynamic, reward-based scenarios"
//                   (Artificial Life XI): standard neurons o = tanh(a / 2); a modulatory neuron
//                   o_m = tanh(a_m / 2) whose output, weighted by modOut, gates the plasticity of
//                   the output neuron's synapses:
//                     dw_j = tanh(modOut o_m / 2) eta (A x_j' o' + B x_j' + C o' + D),  |w_j - w0_j| <= bound,
//                   for the synapses from the 4 channels and the reward (their inputs: the T-maze's
//                   home, corridor, turn, maze end, and the reward) into the output neuron o, whose
//                   sign is the turn (outputs -o and o: right when o > 0). The modulatory neuron
//                   reads the reward (weight 5) and the maze-end channel (weight -3), so a_m is +2
//                   at the high end, -2 at the low end and 0 everywhere else (no plasticity off the
//                   maze end). Hand-set: A = 1, B = C = D = 0, eta = 4, modOut = 4, bound = 1, initial
//                   weights uniform in [-0.1, 0.1) from a seed; a low reward then flips the turn
//                   weight's sign in one trial and a high one keeps it (win-stay, lose-shift), which
//                   is optimal on the deterministic T-maze. The engine's `modulate` op (a broadcast
//                   neuromodulator for effects) is not used: the gate is an ordinary node here, so
//                   every weight stays graph state.
//
// Defaults were picked on training seeds 1-100 over a small grid: eta in {0.4, 1, 2} and bound in
// {0.25, 0.5, 1} for abcd (by its bandit score; its T-maze score is then 0.96), eta in {2, 4, 8} and
// bound in {0.5, 1, 2} for neuromodulated (with two settings of the modulatory weights); both beat
// chance on held-out seeds (docs/learner.md; the tests check it).

import type { Genome } from '../genome/types.ts';
import { LearnerBuilder, type Ref } from './build.ts';
import { abcdTerm, boundedSynapse, chainSum, drawWeights, type Abcd } from './hebbian-motifs.ts';
import { product, sum } from './motifs.ts';

/** Channels both networks read: the bandit's cue, the T-maze's home, corridor, turn and maze end. */
export const HEBBIAN_INPUTS = 4;

export interface AbcdParams {
  eta: number;
  /** The bound of each weight's change from its initial value. */
  bound: number;
  /** The rule of every synapse, or the rule of the synapse from channel j to output a. */
  rule: Abcd | ((j: number, a: number) => Abcd);
  /** Per channel (HEBBIAN_INPUTS), its weight in the modulation m = r + sum_c gate_c x_c. */
  gate: readonly number[];
  /** The seed of the initial weights. */
  init: number;
}

export const ABCD_DEFAULTS: AbcdParams = { eta: 1, bound: 0.5, rule: { A: 1, B: -0.5, C: 0, D: 0 }, gate: [-0.5, 0, 0, -0.6], init: 1 };

/** The ABCD network's initial weights, w0[a * HEBBIAN_INPUTS + j], uniform in [-0.1, 0.1) from `init`. */
export function abcdWeights(init = ABCD_DEFAULTS.init): number[] {
  return drawWeights(init, 2 * HEBBIAN_INPUTS, -0.1, 0.1);
}

/** The reward-gated ABCD network (see the header); parameters default to ABCD_DEFAULTS. */
export function abcdLearner(params: Partial<AbcdParams> = {}): Genome {
  const p = { ...ABCD_DEFAULTS, ...params };
  const rule = typeof p.rule === 'function' ? p.rule : (): Abcd => p.rule as Abcd;
  const b = new LearnerBuilder(`abcd-${p.eta}-${p.bound}`);
  const w0 = abcdWeights(p.init);
  const x = b.observations.slice(0, HEBBIAN_INPUTS);
  const m = chainSum(b, 'abcd.m', [[b.reward, 1], ...p.gate.map((g, c) => [x[c] as Ref, g] as const)]);
  const y = [b.outputNode(0, 'tanh'), b.outputNode(1, 'tanh')];
  // The winner-take-all postsynaptic activities.
  const c0 = b.node('abcd.c0', 'ge');
  b.edge(y[0] as Ref, c0, 0);
  b.edge(y[1] as Ref, c0, 1);
  const c = [c0, sum(b, 'abcd.c1', [[b.one, 1], [c0, -1]])];
  for (let a = 0; a < 2; a++) {
    const outs = x.map((xj, j) => {
      const id = `abcd.${a}.${j}`;
      const s = boundedSynapse(b, id, xj, w0[a * HEBBIAN_INPUTS + j] as number, p.bound);
      b.edge(product(b, `${id}.u`, m, abcdTerm(b, `${id}.h`, xj, c[a] as Ref, rule(j, a))), s.delta, 0, p.eta);
      return [s.out, 1] as const;
    });
    b.edge(chainSum(b, `abcd.${a}.h`, outs), y[a] as Ref);
  }
  return b.build();
}

export interface NeuromodParams {
  eta: number;
  /** The bound of each weight's change from its initial value. */
  bound: number;
  /** The rule of every synapse into the output neuron. */
  rule: Abcd;
  /** The modulatory neuron's input weights: the HEBBIAN_INPUTS channels, then the reward. */
  modIn: readonly number[];
  /** The weight of the modulatory neuron's output in the gate tanh(modOut o_m / 2). */
  modOut: number;
  /** The seed of the initial weights. */
  init: number;
}

export const NEUROMOD_DEFAULTS: NeuromodParams = { eta: 4, bound: 1, rule: { A: 1, B: 0, C: 0, D: 0 }, modIn: [0, 0, 0, -3, 5], modOut: 4, init: 1 };

/** The neuromodulated network's initial weights (the channels, then the reward), uniform in [-0.1, 0.1) from `init`. */
export function neuromodWeights(init = NEUROMOD_DEFAULTS.init): number[] {
  return drawWeights(init, HEBBIAN_INPUTS + 1, -0.1, 0.1);
}

/** The neuromodulated Hebbian network (see the header); parameters default to NEUROMOD_DEFAULTS. */
export function neuromodulatedLearner(params: Partial<NeuromodParams> = {}): Genome {
  const p = { ...NEUROMOD_DEFAULTS, ...params };
  const b = new LearnerBuilder(`neuromodulated-${p.eta}-${p.bound}`);
  const w0 = neuromodWeights(p.init);
  const x = [...b.observations.slice(0, HEBBIAN_INPUTS), b.reward];
  // The modulatory neuron and the gate it sets.
  const mod = b.node('nm.mod', 'tanh');
  b.edge(chainSum(b, 'nm.am', p.modIn.map((w, j) => [x[j] as Ref, w] as const)), mod, 0, 0.5);
  const gate = b.node('nm.gate', 'tanh');
  b.edge(mod, gate, 0, p.modOut / 2);
  // The output neuron; output0 = -o, output1 = o.
  const o = b.node('nm.o', 'tanh');
  b.edge(o, b.outputNode(0, 'identity'), 0, -1);
  b.edge(o, b.outputNode(1, 'identity'));
  const outs = x.map((xj, j) => {
    const id = `nm.${j}`;
    const s = boundedSynapse(b, id, xj, w0[j] as number, p.bound);
    b.edge(product(b, `${id}.u`, gate, abcdTerm(b, `${id}.h`, xj, o, p.rule)), s.delta, 0, p.eta);
    return [s.out, 1] as const;
  });
  b.edge(chainSum(b, 'nm.a', outs), o, 0, 0.5);
  return b.build();
}
