// Offspring from the surrogate (docs/surrogate.md, Offspring):
//   guided         from a parent's latent mean, gradient steps that lower the predicted objectives
//                  (weighted per metric: the guidance weights), each step projected back into a
//                  trust region around the start (a ball of radius `trustRadius`), only along the
//                  active latent dimensions (predictor.ts, activeDimensions); then decoded
//                  (Gomez-Bombarelli et al. 2018 optimise in a VAE's latent space the same way);
//   cross-species  two parents of different species, whose genes NEAT cannot align, mixed in latent
//                  space: per dimension the child takes a point on the segment between the parents'
//                  means at a fraction drawn around one half; then decoded;
//   filtered       of several cheap candidates (mutants of one parent), the one whose predicted
//                  weighted objective, sampled from the predictor's distribution (Thompson
//                  sampling), is lowest: the predictor filter of BANANAS (White, Neiswanger and
//                  Savani 2021), which spends true evaluations only on promising children.

import type { Rng } from '../util/rng.ts';
import { latentMeans } from './assess.ts';
import { disposeBatch, makeBatch } from './batch.ts';
import type { GraphArrays } from './graph.ts';
import { klPerDimension } from './loss.ts';
import { activeDimensions } from './predictor.ts';
import type { Surrogate } from './surrogate.ts';
import { tf } from './tf.ts';
import { normals } from './train.ts';
import { exp } from '../util/math.ts';

export interface GuidanceSettings {
  /** Per objective, how much lowering it counts (the guidance weights). */
  weights: number[];
  steps: number;
  stepSize: number;
  trustRadius: number;
}

/** Which latent dimensions are active, from the KL of `graphs`' posteriors and the predictor's relevance. */
export function activeMask(s: Surrogate, graphs: readonly GraphArrays[]): boolean[] {
  const Z = s.settings.size.latent;
  const klSum = new Float64Array(Z);
  for (let i = 0; i < graphs.length; i += 32) {
    const batch = makeBatch(graphs.slice(i, i + 32));
    const kl = tf.tidy(() => {
      const { mean, logVar } = s.model.encode(batch);
      return tf.sum(klPerDimension(mean, logVar), 0);
    });
    const v = kl.dataSync();
    for (let d = 0; d < Z; d++) klSum[d] = (klSum[d] as number) + (v[d] as number);
    kl.dispose();
    disposeBatch(batch);
  }
  const relevance = s.predictor.relevance.dataSync();
  return activeDimensions(Array.from(klSum, (x) => x / Math.max(1, graphs.length)), relevance);
}

/** Latent points after guided steps from each start (see the header). */
export function guidedPoints(s: Surrogate, starts: readonly Float32Array[], active: readonly boolean[], settings: GuidanceSettings): Float32Array[] {
  const Z = s.settings.size.latent;
  const B = starts.length;
  if (B === 0) return [];
  const flat = new Float32Array(B * Z);
  starts.forEach((p, b) => flat.set(p, b * Z));
  const mask = tf.tensor1d(Float32Array.from(active, (a) => (a ? 1 : 0)));
  const weights = tf.tensor1d(Float32Array.from(settings.weights));
  const start = tf.tensor2d(flat, [B, Z]);
  const objective = (z: tf.Tensor): tf.Scalar => tf.sum(tf.mul(s.predictor.predict(z as tf.Tensor2D, mask).mean, weights)) as tf.Scalar;
  const gradient = tf.grad(objective);
  let z: tf.Tensor = tf.clone(start);
  for (let k = 0; k < settings.steps; k++) {
    const next = tf.tidy(() => {
      const moved = tf.sub(z, tf.mul(settings.stepSize, tf.mul(gradient(z), mask)));
      // Project into the trust region around each start.
      const offset = tf.sub(moved, start);
      const norm = tf.norm(offset, 'euclidean', 1, true);
      const shrink = tf.minimum(1, tf.div(settings.trustRadius, tf.maximum(norm, 1e-12)));
      return tf.add(start, tf.mul(offset, shrink));
    });
    z.dispose();
    z = next;
  }
  const values = z.dataSync() as Float32Array;
  tf.dispose([z, start, mask, weights]);
  return Array.from({ length: B }, (_, b) => values.slice(b * Z, (b + 1) * Z));
}

/** A child's latent point between two parents' means: per dimension a fraction in [0.25, 0.75). */
export function crossPoint(a: Float32Array, b: Float32Array, rng: Rng): Float32Array {
  return a.map((x, d) => {
    const t = rng.uniform(0.25, 0.75);
    return x + t * ((b[d] as number) - x);
  });
}

/** Index of the candidate whose Thompson sample of the weighted predicted objectives is lowest. */
export function thompsonPick(s: Surrogate, candidates: readonly GraphArrays[], weights: readonly number[], rng: Rng): number {
  const means = latentMeans(s.model, candidates);
  const Z = s.settings.size.latent;
  const flat = new Float32Array(means.length * Z);
  means.forEach((m, i) => flat.set(m, i * Z));
  const { mean, logVar } = tf.tidy(() => {
    const p = s.predictor.predict(tf.tensor2d(flat, [means.length, Z]));
    return { mean: p.mean.arraySync(), logVar: p.logVar.arraySync() };
  });
  const K = weights.length;
  const noise = normals(rng, means.length * K);
  let best = 0;
  let bestScore = Number.POSITIVE_INFINITY;
  means.forEach((_, i) => {
    let score = 0;
    for (let k = 0; k < K; k++) {
      const m = mean[i]?.[k] as number;
      const sd = exp(0.5 * (logVar[i]?.[k] as number));
      score += (weights[k] as number) * (m + sd * (noise[i * K + k] as number));
    }
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}
