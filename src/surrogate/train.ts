// Training the surrogate (docs/surrogate.md, Training): the graph VAE and its predictor together, on
// minibatches drawn from everything seen so far, by Adam. The loss per graph is the negative ELBO
// (reconstruction plus beta times KL; Kingma and Welling 2014) plus the predictor's Gaussian
// negative log-likelihood where the graph's objectives are known, and once per batch the relevance
// vector's L1 penalty. Beta follows a linear warm-up from 0 (Bowman et al. 2016, "Generating
// sentences from a continuous space"), counted in training steps so that it resumes exactly.
// Every random draw (which graphs, the reparameterisation noise) comes from the Rng passed in.

import type { Rng } from '../util/rng.ts';
import type { Adam } from './adam.ts';
import { trainStep } from './adam.ts';
import { disposeBatch, makeBatch } from './batch.ts';
import type { GraphArrays } from './graph.ts';
import { klPerDimension, reconstructionTerms } from './loss.ts';
import type { GraphVae } from './model.ts';
import type { Predictor } from './predictor.ts';
import { tf } from './tf.ts';
import { cos, log, sin } from '../util/math.ts';

export interface TrainSettings {
  batchSize: number;
  /** The KL weight after warm-up, and the steps the warm-up takes. */
  beta: number;
  betaWarmup: number;
  /** Weight of the predictor's loss against the VAE's. */
  predictorWeight: number;
  /** Weight of the relevance vector's L1 penalty. */
  relevanceL1: number;
}

/** One training example: its graph (made when a batch draws it) and, when known, its objectives on the predictor's scale. */
export interface Example {
  load: () => GraphArrays;
  target: number[] | null;
}

/** Standard normal deviates (Box and Muller 1958) from the Rng. */
export function normals(rng: Rng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * log(1 - rng.next()));
    const a = 2 * Math.PI * rng.next();
    out[i] = r * cos(a);
    if (i + 1 < n) out[i + 1] = r * sin(a);
  }
  return out;
}

/** The KL weight at a training step. */
export function betaAt(settings: TrainSettings, step: number): number {
  return settings.betaWarmup <= 0 ? settings.beta : settings.beta * Math.min(1, step / settings.betaWarmup);
}

export interface StepResult {
  loss: number;
}

/** One Adam step on a minibatch of `examples` drawn with replacement; `step` is the count of steps before it. */
export function trainOn(model: GraphVae, predictor: Predictor, adam: Adam, examples: readonly Example[], settings: TrainSettings, step: number, rng: Rng): StepResult {
  const picks = Array.from({ length: Math.min(settings.batchSize, examples.length) }, () => examples[rng.int(examples.length)] as Example);
  const B = picks.length;
  const K = predictor.objectives;
  const batch = makeBatch(picks.map((e) => e.load()));
  const targets = new Float32Array(B * K);
  const known = new Float32Array(B * K);
  picks.forEach((e, b) => {
    if (e.target === null) return;
    for (let k = 0; k < K; k++) {
      targets[b * K + k] = e.target[k] as number;
      known[b * K + k] = 1;
    }
  });
  const Z = model.size.latent;
  const noise = tf.tensor2d(normals(rng, B * Z), [B, Z]);
  const target = tf.tensor2d(targets, [B, K]);
  const knownT = tf.tensor2d(known, [B, K]);
  const beta = betaAt(settings, step);
  try {
    const loss = trainStep(model.store, adam, () => {
      const { mean, logVar } = model.encode(batch);
      const z = tf.add(mean, tf.mul(tf.exp(tf.mul(0.5, logVar)), noise)) as tf.Tensor2D;
      const reconstruction = tf.addN(Object.values(reconstructionTerms(batch, model.decode(batch, z))));
      const kl = tf.sum(klPerDimension(mean, logVar), 1);
      const fitness = predictor.loss(mean, target, knownT);
      const perGraph = tf.addN([reconstruction, tf.mul(beta, kl), tf.mul(settings.predictorWeight, fitness)]);
      return tf.add(tf.mean(perGraph), tf.mul(settings.relevanceL1, predictor.penalty())) as tf.Scalar;
    });
    return { loss };
  } finally {
    tf.dispose([noise, target, knownT]);
    disposeBatch(batch);
  }
}
