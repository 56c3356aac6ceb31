// How good the surrogate is (docs/surrogate.md, Measures; the measures of issue 13 and of the
// graph-VAE literature, e.g. Zhang et al. 2019, Table 1):
//   reconstruction  share of graphs whose decode of their latent mean is the same graph, in
//                   structure exactly (graph.ts sameGraph) and with numbers within a tolerance;
//   prior samples   share of decodes of z ~ N(0, I) that parse as genomes (valid), that differ from
//                   each other (unique, by signature among the valid), and that are not in the
//                   training data (novel, among the unique);
//   predictor       Kendall's tau-b per objective between predicted and true values.

import { kendallTau } from '../util/kendall.ts';
import type { Rng } from '../util/rng.ts';
import { disposeBatch, makeBatch } from './batch.ts';
import { generate, type GraphShape } from './generate.ts';
import { fromArrays, sameGraph, signature, type GenomeTemplate, type GraphArrays } from './graph.ts';
import type { GraphVae } from './model.ts';
import type { Predictor } from './predictor.ts';
import { tf } from './tf.ts';
import { normals } from './train.ts';

/** Latent means of graphs, in chunks of `chunk`: [graphs.length][latent]. */
export function latentMeans(model: GraphVae, graphs: readonly GraphArrays[], chunk = 32): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < graphs.length; i += chunk) {
    const batch = makeBatch(graphs.slice(i, i + chunk));
    const mean = tf.tidy(() => model.encode(batch).mean);
    const values = mean.dataSync() as Float32Array;
    const Z = model.size.latent;
    for (let b = 0; b < batch.size; b++) out.push(values.slice(b * Z, (b + 1) * Z));
    mean.dispose();
    disposeBatch(batch);
  }
  return out;
}

/** Decodes latent points in chunks. */
export function decodeAll(model: GraphVae, points: readonly Float32Array[], shape: GraphShape, chunk = 32): GraphArrays[] {
  const out: GraphArrays[] = [];
  const Z = model.size.latent;
  for (let i = 0; i < points.length; i += chunk) {
    const part = points.slice(i, i + chunk);
    const flat = new Float32Array(part.length * Z);
    part.forEach((p, b) => flat.set(p, b * Z));
    const z = tf.tensor2d(flat, [part.length, Z]);
    for (const g of generate(model, z, shape)) out.push(g);
    z.dispose();
  }
  return out;
}

export interface Reconstruction {
  graphs: number;
  structure: number;
  attributes: number;
  /** A few mismatches of the first graphs that failed, for reports. */
  examples: string[];
}

/** Reconstruction shares of `graphs` (see the header). */
export function reconstruction(model: GraphVae, graphs: readonly GraphArrays[], shape: GraphShape, tolerance: number): Reconstruction {
  const decoded = decodeAll(model, latentMeans(model, graphs), shape);
  let structure = 0;
  let attributes = 0;
  const examples: string[] = [];
  graphs.forEach((g, i) => {
    const same = sameGraph(g, decoded[i] as GraphArrays, tolerance);
    if (same.structure) structure++;
    if (same.attributes) attributes++;
    if (!same.structure && examples.length < 5) examples.push(same.mismatches.slice(0, 3).join('; '));
  });
  const n = Math.max(1, graphs.length);
  return { graphs: graphs.length, structure: structure / n, attributes: attributes / n, examples };
}

export interface PriorSamples {
  samples: number;
  valid: number;
  unique: number;
  novel: number;
  /** Parser reasons of invalid samples, counted. */
  reasons: Record<string, number>;
}

/** Validity, uniqueness and novelty of `n` decodes of prior samples (see the header). */
export function priorSamples(model: GraphVae, n: number, rng: Rng, shape: GraphShape, template: GenomeTemplate, known: ReadonlySet<string>): PriorSamples {
  const Z = model.size.latent;
  const points = Array.from({ length: n }, () => normals(rng, Z));
  const seen = new Set<string>();
  let valid = 0;
  let novel = 0;
  const reasons: Record<string, number> = {};
  for (const g of decodeAll(model, points, shape)) {
    try {
      fromArrays(g, template);
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).replace(/\d+/g, '#');
      reasons[reason] = (reasons[reason] ?? 0) + 1;
      continue;
    }
    valid++;
    const s = signature(g);
    if (seen.has(s)) continue;
    seen.add(s);
    if (!known.has(s)) novel++;
  }
  return { samples: n, valid: valid / n, unique: seen.size / Math.max(1, valid), novel: novel / Math.max(1, seen.size), reasons };
}

/** Kendall's tau-b per objective between the predictor's means and `targets` [graphs][K]. */
export function predictorTau(model: GraphVae, predictor: Predictor, graphs: readonly GraphArrays[], targets: readonly (readonly number[])[]): number[] {
  const means = latentMeans(model, graphs);
  const Z = model.size.latent;
  const flat = new Float32Array(means.length * Z);
  means.forEach((m, i) => flat.set(m, i * Z));
  const predicted = tf.tidy(() => predictor.predict(tf.tensor2d(flat, [means.length, Z])).mean);
  const values = predicted.dataSync() as Float32Array;
  predicted.dispose();
  const K = predictor.objectives;
  return Array.from({ length: K }, (_, k) => kendallTau(
    Array.from({ length: graphs.length }, (_, i) => values[i * K + k] as number),
    targets.map((t) => t[k] as number),
  ));
}
