// Motifs of the classic seeds (classic.ts, sign.ts, ftrl.ts): a first-step indicator and a running
// sum with a starting value. Like motifs.ts, a part named the same way in two seeds gets the same
// innovation key in both (builder.ts).

import type { GenomeBuilder, Ref } from './builder.ts';

const FIRST = new WeakMap<GenomeBuilder, Ref>();

/**
 * 1 at step 1 and 0 after (`eq(step, 1)`, a scalar): injects a state's starting value once. Made
 * once per genome; every part that needs it reads the same node.
 */
export function firstStep(b: GenomeBuilder): Ref {
  const known = FIRST.get(b);
  if (known !== undefined) return known;
  const first = b.node('first', 'eq');
  b.edge(b.step, first, 0);
  b.edge(b.constant(1), first, 1);
  FIRST.set(b, first);
  return first;
}

/**
 * The value a state held one tick back, starting from `init`: s_{t-1} for t >= 2 and `init` at
 * t = 1, as one port sum of the state's delayed edge and the first-step indicator (weight init).
 * At most one of the two terms is nonzero in any tick, so the sum is exact in any edge order.
 * The edge from the indicator is there even when init is 0, so that the graph's structure (and
 * its keys) does not depend on the hyperparameters.
 */
export function previous(b: GenomeBuilder, target: Ref, port: number, state: Ref, init: number): void {
  b.edge(state, target, port, 1, 1);
  b.edge(firstStep(b), target, port, init);
}

/** A running sum s_t = s_{t-1} + x_t with s_0 = init (lane or group width, as x). */
export function runningSum(b: GenomeBuilder, id: string, x: Ref, init: number): Ref {
  const s = b.node(id, 'identity');
  b.edge(x, s);
  previous(b, s, 0, s, init);
  return s;
}
