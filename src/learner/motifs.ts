// Motifs shared by the learner seeds (issue 12; docs/learner.md, Seed learners): the small subgraphs
// that plasticity rules are made of, named the same way in every seed that uses them, so that they
// get the same innovation keys (src/genome/builder.ts) and crossover lines them up. All learning
// state is graph state: a value kept from one tick to the next by a delay-1 edge. A motif takes the
// refs it reads and returns the ref of its result; `id` names the instance.

import type { LearnerBuilder, Ref } from './build.ts';

/** A leaky trace e_t = decay e_{t-1} + gain x_t (e_0 = 0): a synaptic or eligibility trace. */
export function trace(b: LearnerBuilder, id: string, x: Ref, decay: number, gain = 1): Ref {
  const e = b.node(id, 'identity');
  b.edge(x, e, 0, gain);
  b.edge(e, e, 0, decay, 1);
  return e;
}

/**
 * An accumulator s_t = s_{t-1} + (the sum of its other inputs at t), s_0 = 0: a value that learns
 * (a weight, an action value). The caller adds the update edges into it (port 0).
 */
export function accumulator(b: LearnerBuilder, id: string): Ref {
  const s = b.node(id, 'identity');
  b.edge(s, s, 0, 1, 1);
  return s;
}

/** x * y, with each factor optionally read one tick back. */
export function product(b: LearnerBuilder, id: string, x: Ref, y: Ref, delays: [number, number] = [0, 0]): Ref {
  const p = b.node(id, 'mul');
  b.edge(x, p, 0, 1, delays[0]);
  b.edge(y, p, 1, 1, delays[1]);
  return p;
}

/** x * y * z (a three-factor term: pre, post and a modulator), as two products. */
export function triple(b: LearnerBuilder, id: string, x: Ref, y: Ref, z: Ref): Ref {
  return product(b, id, product(b, `${id}.xy`, x, y), z);
}

/**
 * A plastic synapse whose weight is graph state: w_t = w0 + D_t, D an accumulator the caller feeds
 * with the weight's updates (edges into `delta`), and its transmission w_t x_t. Returns the weight,
 * its accumulator and the transmitted value.
 */
export function plasticSynapse(b: LearnerBuilder, id: string, x: Ref, w0: number): { weight: Ref; delta: Ref; out: Ref } {
  const delta = accumulator(b, `${id}.d`);
  const weight = b.node(`${id}.w`, 'identity');
  b.edge(delta, weight);
  if (w0 !== 0) b.edge(b.constant(w0), weight);
  const out = product(b, `${id}.out`, weight, x);
  return { weight, delta, out };
}

/**
 * The action taken between two values, as the runner takes it (the higher, ties to action 0), one-hot:
 * `${id}0` = [q0 >= q1] (a ge node) and `${id}1` = 1 - `${id}0`. Returns the two.
 */
export function greedyChoice(b: LearnerBuilder, id: string, q0: Ref, q1: Ref): [Ref, Ref] {
  const c0 = b.node(`${id}0`, 'ge');
  b.edge(q0, c0, 0);
  b.edge(q1, c0, 1);
  const c1 = b.node(`${id}1`, 'identity');
  b.edge(b.constant(1), c1, 0, 1);
  b.edge(c0, c1, 0, -1);
  return [c0, c1];
}

/** A sum of refs with weights into a fresh identity node. */
export function sum(b: LearnerBuilder, id: string, terms: readonly (readonly [Ref, number])[]): Ref {
  const s = b.node(id, 'identity');
  for (const [ref, weight] of terms) b.edge(ref, s, 0, weight);
  return s;
}
