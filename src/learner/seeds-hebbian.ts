// Hebbian seed learners (issue 12, item 3; docs/learner.md), written as learner genomes with
// LearnerBuilder; every weight is graph state (a value kept by a delay-1 edge), so each matches a
// plain float32 implementation of its equations step by step (test/learner/reference/hebbian.ts,
// test/learner/hebbian.test.ts). Two unsupervised rules here, two reward-driven ones in
// seeds-neuromod.ts; HEBBIAN_SEEDS lists all four.
//
//   oja  Oja 1982, "A simplified neuron model as a principal component analyzer" (J. Math. Biol.
//        15): a linear neuron over the 8 observation channels, y_t = w_t . x_t (output0), and
//        w_{t+1} = w_t + eta y_t (x_t - y_t w_t), w_1 = w0 drawn from a seed (uniform in [-0.5,
//        0.5)). Its claim: w converges to the unit first principal component of the input, so y
//        tracks the projection on it (the `pca` task, features.ts).
//   bcm  Bienenstock, Cooper & Munro 1982, "Theory for the development of neuron selectivity" (J.
//        Neurosci. 2), with the sliding threshold as a running average of y^2 (Intrator & Cooper
//        1992, "Objective function formulation of the BCM theory of visual cortical plasticity",
//        Neural Networks 5): y_t = w_t . x_t (output0), theta_t = (1 - 1/tau) theta_{t-1} + y_t^2 /
//        tau (theta_0 = 0), w_{t+1} = w_t + eta x_t y_t (y_t - theta_t), w_1 = w0 drawn from a seed
//        (uniform in [0, 0.3): small and positive, as BCM's initial states). Its claim: selectivity,
//        the neuron comes to respond to one of several input patterns (the `selectivity` task).
//
// The sums over the 8 synapses are chains of two-term sums (hebbian-motifs.ts, chainSum), so the
// float32 rounding is the same as a plain left-to-right sum. Defaults were picked on training
// seeds 1-60 over a small grid (eta for Oja; eta and tau for BCM) and beat chance on held-out seeds
// (docs/learner.md; the tests check it).

import type { Genome } from '../genome/types.ts';
import { LearnerBuilder, type Ref } from './build.ts';
import { chainSum, drawWeights } from './hebbian-motifs.ts';
import { plasticSynapse, product, sum, trace } from './motifs.ts';
import { LEARNER_CHANNELS } from './role.ts';
import { abcdLearner, neuromodulatedLearner } from './seeds-neuromod.ts';

/** The seed of the initial weights of every Hebbian seed, unless told otherwise. */
export const INIT_SEED = 1;

/** Oja's initial weights: one per channel, uniform in [-0.5, 0.5) from `init`. */
export function ojaWeights(init = INIT_SEED): number[] {
  return drawWeights(init, LEARNER_CHANNELS, -0.5, 0.5);
}

/** BCM's initial weights: one per channel, uniform in [0, 0.3) from `init`. */
export function bcmWeights(init = INIT_SEED): number[] {
  return drawWeights(init, LEARNER_CHANNELS, 0, 0.3);
}

/** A linear neuron y = sum_i w_i x_i over plastic synapses from every channel (`id.i.w`), output0 = y. */
function linearNeuron(b: LearnerBuilder, id: string, w0: readonly number[]): { y: Ref; synapses: ReturnType<typeof plasticSynapse>[] } {
  const synapses = b.observations.map((x, i) => plasticSynapse(b, `${id}.${i}`, x, w0[i] as number));
  const y = chainSum(b, `${id}.y`, synapses.map((s) => [s.out, 1] as const));
  b.edge(y, b.outputNode(0, 'identity'));
  return { y, synapses };
}

/** Oja's rule at learning rate `eta`, initial weights from `init` (see the header). */
export function ojaLearner(eta = 0.02, init = INIT_SEED): Genome {
  const b = new LearnerBuilder(`oja-${eta}`);
  const { y, synapses } = linearNeuron(b, 'oja', ojaWeights(init));
  synapses.forEach((s, i) => {
    const x = b.observations[i] as Ref;
    // u_i = y (x_i - y w_i), added to the weight at the next step.
    const residual = sum(b, `oja.${i}.r`, [[x, 1], [product(b, `oja.${i}.yw`, y, s.weight), -1]]);
    b.edge(product(b, `oja.${i}.u`, y, residual), s.delta, 0, eta, 1);
  });
  return b.build();
}

/** BCM at learning rate `eta` with a threshold averaging y^2 over about `tau` steps, initial weights from `init` (see the header). */
export function bcmLearner(eta = 0.05, tau = 10, init = INIT_SEED): Genome {
  if (!(tau >= 1)) throw new RangeError(`tau must be at least 1 (got ${tau})`);
  const b = new LearnerBuilder(`bcm-${eta}-${tau}`);
  const { y, synapses } = linearNeuron(b, 'bcm', bcmWeights(init));
  const y2 = b.node('bcm.y2', 'square');
  b.edge(y, y2);
  const theta = trace(b, 'bcm.theta', y2, 1 - 1 / tau, 1 / tau);
  // g = y (y - theta), the postsynaptic factor every synapse shares.
  const g = product(b, 'bcm.g', y, sum(b, 'bcm.dy', [[y, 1], [theta, -1]]));
  synapses.forEach((s, i) => b.edge(product(b, `bcm.${i}.u`, b.observations[i] as Ref, g), s.delta, 0, eta, 1));
  return b.build();
}

/** The Hebbian seeds at their defaults, by name. */
export const HEBBIAN_SEEDS: Readonly<Record<string, () => Genome>> = {
  oja: () => ojaLearner(),
  bcm: () => bcmLearner(),
  abcd: () => abcdLearner(),
  neuromodulated: () => neuromodulatedLearner(),
};
