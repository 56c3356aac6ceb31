// The fitness predictor on the latent (docs/surrogate.md, Predictor): one head per objective, each a
// mean and a log-variance (heteroscedastic regression, Nix and Weigend 1994; Kendall and Gal 2017),
// on the canonical scale of the proposal: sign(d) log1p(|d|) of each metric's distance d to its best
// value (every objective is minimised and best at 0, so d is the metric itself). Its input is the
// latent mean times a relevance vector with an L1 penalty, a form of automatic relevance
// determination (MacKay 1994; Neal 1996): a latent dimension whose relevance shrinks to zero and
// whose KL stays near zero explains neither fitness nor structure, and is pruned (activeDimensions).
// Trained jointly with the VAE, its gradient reaches the encoder, so the latent space is shaped by
// fitness (Gomez-Bombarelli et al. 2018, "Automatic chemical design using a data-driven continuous
// representation of molecules").

import type { Rng } from '../util/rng.ts';
import { mlp, type Layer } from './layers.ts';
import type { ParamStore } from './params.ts';
import { tf } from './tf.ts';
import { signLog } from './vocab.ts';

/** A latent dimension counts as used for structure above this mean KL (nats), for fitness above this relevance. */
export const KL_ACTIVE = 0.01;
export const RELEVANCE_ACTIVE = 0.05;

/** Objective values on the predictor's scale. */
export function predictorTarget(objectives: readonly number[]): number[] {
  return objectives.map((x) => signLog(x));
}

export class Predictor {
  readonly objectives: number;
  readonly relevance: tf.Variable;
  private readonly net: Layer;

  constructor(store: ParamStore, rng: Rng, latent: number, hidden: number, objectives: number) {
    this.objectives = objectives;
    this.relevance = store.add('pred.relevance', [latent], 'ones', rng);
    this.net = mlp(store, rng, 'pred.net', [latent, hidden, hidden, 2 * objectives], 'tanh');
  }

  /** Predicted means and log-variances [B, K] each, from latent points [B, Z] (pruned dimensions zeroed by `mask`). */
  predict(latent: tf.Tensor2D, mask?: tf.Tensor1D): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    let input = tf.mul(latent, this.relevance);
    if (mask !== undefined) input = tf.mul(input, mask);
    const out = this.net(input);
    const [mean, logVar] = tf.split(out, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, logVar: tf.clipByValue(logVar, -8, 8) as tf.Tensor2D };
  }

  /**
   * Gaussian negative log-likelihood per graph [B] of targets [B, K] where `known` [B, K] is 1,
   * plus `l1` times the relevance vector's L1 norm (added once, to the batch mean, by the caller).
   */
  loss(latent: tf.Tensor2D, targets: tf.Tensor2D, known: tf.Tensor2D): tf.Tensor1D {
    const { mean, logVar } = this.predict(latent);
    const nll = tf.mul(0.5, tf.add(tf.mul(tf.exp(tf.neg(logVar)), tf.square(tf.sub(targets, mean))), logVar));
    return tf.sum(tf.mul(nll, known), 1) as tf.Tensor1D;
  }

  /** The relevance vector's L1 norm. */
  penalty(): tf.Scalar {
    return tf.sum(tf.abs(this.relevance)) as tf.Scalar;
  }
}

/** Which latent dimensions are active: used by the decoder (mean KL) or by the predictor (relevance). */
export function activeDimensions(meanKl: ArrayLike<number>, relevance: ArrayLike<number>): boolean[] {
  return Array.from({ length: meanKl.length }, (_, d) => (meanKl[d] as number) > KL_ACTIVE || Math.abs(relevance[d] as number) > RELEVANCE_ACTIVE);
}
