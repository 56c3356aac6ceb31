// Motifs of the Hebbian seed learners (seeds-hebbian.ts, seeds-neuromod.ts), beyond the shared ones
// of motifs.ts (candidates to move there): a sum of many terms as a chain of two-term sums, a
// bounded accumulator, a plastic synapse whose weight change is bounded, the generalised Hebbian
// term A pre post + B pre + C post + D (the "ABCD" rule: Niv, Joel, Meilijson & Ruppin 2002,
// "Evolution of reinforcement learning in uncertain environments: a simple explanation for complex
// foraging behaviors", Adaptive Behavior 10; Soltoggio et al. 2008; Najarro & Risi 2020), and
// initial weights drawn from a seed.
//
// Why chains: a port sums its edges in ascending edge-key order (docs/engine.md, Numbers), and the
// keys are hashes of the parts' names, so a sum of three or more float32 terms rounds in an order
// no plain implementation would guess. A two-term sum rounds the same in either order, so a chain
// of them is reproduced exactly by summing left to right (test/learner/reference/hebbian.ts).

import { createRng } from '../util/rng.ts';
import type { LearnerBuilder, Ref } from './build.ts';
import { product } from './motifs.ts';

/** A term of a chained sum: the ref, its weight, and optionally the delay of its edge. */
export type Term = readonly [ref: Ref, weight: number, delay?: number];

/**
 * sum_k w_k x_k (terms with weight 0 left out) as a left-to-right chain of two-term sums: nodes
 * `id.1`, `id.2`, ... and the last one `id` (one node when at most two terms remain; with none,
 * `id` is an identity node without edges, 0).
 */
export function chainSum(b: LearnerBuilder, id: string, terms: readonly Term[]): Ref {
  const live = terms.filter(([, w]) => Math.fround(w) !== 0);
  const steps = Math.max(1, live.length - 1);
  let acc: Ref | null = null;
  let next = 0;
  for (let s = 1; s <= steps; s++) {
    const node = b.node(s === steps ? id : `${id}.${s}`, 'identity');
    if (acc !== null) b.edge(acc, node);
    for (const [ref, w, delay] of live.slice(next, acc === null ? 2 : next + 1)) b.edge(ref, node, 0, w, delay ?? 0);
    next = acc === null ? 2 : next + 1;
    acc = node;
  }
  return acc as Ref;
}

/** An accumulator kept within [-bound, bound]: s_t = clamp(s_{t-1} + its other inputs at t). The caller adds the update edges (port 0). */
export function boundedAccumulator(b: LearnerBuilder, id: string, bound: number): Ref {
  const s = b.node(id, 'clamp', { attrs: [-bound, bound] });
  b.edge(s, s, 0, 1, 1);
  return s;
}

/**
 * A plastic synapse whose weight is graph state, w_t = w0 + D_t with D a bounded accumulator
 * (|D| <= bound) the caller feeds through `delta`, and its transmission w_t x_t; named like
 * motifs.ts plasticSynapse (`id.d`, `id.w`, `id.out`).
 */
export function boundedSynapse(b: LearnerBuilder, id: string, x: Ref, w0: number, bound: number): { weight: Ref; delta: Ref; out: Ref } {
  const delta = boundedAccumulator(b, `${id}.d`, bound);
  const weight = b.node(`${id}.w`, 'identity');
  b.edge(delta, weight);
  if (w0 !== 0) b.edge(b.constant(w0), weight);
  return { weight, delta, out: product(b, `${id}.out`, weight, x) };
}

/** The coefficients of the generalised Hebbian rule A pre post + B pre + C post + D. */
export interface Abcd {
  A: number;
  B: number;
  C: number;
  D: number;
}

/**
 * A pre' post' + B pre' + C post' + D, with pre' and post' the activities one tick back (a
 * one-step eligibility: the reward a decision earns arrives at the next step), chained in that
 * order; `one` is the constant input. The product node `id.pp` is made only when A is not 0.
 */
export function abcdTerm(b: LearnerBuilder, id: string, pre: Ref, post: Ref, k: Abcd): Ref {
  const terms: Term[] = [];
  if (Math.fround(k.A) !== 0) terms.push([product(b, `${id}.pp`, pre, post, [1, 1]), k.A]);
  terms.push([pre, k.B, 1], [post, k.C, 1], [b.one, k.D]);
  return chainSum(b, id, terms);
}

/** `count` float32 weights uniform in [lo, hi), drawn from `seed`. */
export function drawWeights(seed: number, count: number, lo: number, hi: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Math.fround(rng.uniform(lo, hi)));
}
