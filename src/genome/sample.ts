// Random draws for the genome operators, all from a seeded Rng (src/util/rng.ts) passed in by the
// caller. The normal draw is the Box-Muller transform (Box and Muller, "A note on the generation of
// random normal deviates", Ann. Math. Statist. 29, 1958), one value of the pair.

import type { Rng } from '../util/rng.ts';
import { cos, exp, log } from '../util/math.ts';

/** A standard normal value. */
export function gaussian(rng: Rng): number {
  const u1 = rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * log(1 - u1)) * cos(2 * Math.PI * u2);
}

/** One element of a non-empty list, uniformly; undefined for an empty one. */
export function pick<T>(rng: Rng, items: readonly T[]): T | undefined {
  return items.length === 0 ? undefined : items[rng.int(items.length)];
}

/** An index drawn with probability proportional to its weight; -1 when no weight is positive. */
export function pickWeighted(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((sum, w) => sum + (w > 0 ? w : 0), 0);
  if (!(total > 0)) return -1;
  let u = rng.next() * total;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i] as number;
    if (!(w > 0)) continue;
    last = i;
    if (u < w) return i;
    u -= w;
  }
  return last;
}

/** A value whose logarithm is uniform in [log lo, log hi) (lo, hi > 0). */
export function logUniform(rng: Rng, lo: number, hi: number): number {
  return exp(rng.uniform(log(lo), log(hi)));
}

/** True with probability p. */
export function chance(rng: Rng, p: number): boolean {
  return rng.next() < p;
}
