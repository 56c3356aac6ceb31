// The host's seeded random source: SplitMix32 (after Steele, Lea and Flood, "Fast splittable
// pseudorandom number generators", OOPSLA 2014, with Wellons' lowbias32 finaliser). Never global:
// every user gets its own stream from a seed.

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** A float in [lo, hi). */
  uniform(lo: number, hi: number): number;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export function createRng(seed: number): Rng {
  let state = mix(seed >>> 0 ^ Math.imul(Math.floor(seed / 2 ** 32), 0x9e3779b1)) | 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) | 0;
    return mix(state) / 2 ** 32;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    uniform: (lo, hi) => lo + (hi - lo) * next(),
  };
}
