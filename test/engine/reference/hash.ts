// The run's random numbers (docs/engine.md, Random numbers): one 32-bit hash H of the run seed and four
// integers, five lowbias32 mixes (Chris Wellons' `mix`): h = mix(seed); h = mix(h ^ a); then b, c
// and d, each multiplied by its constant, xored in and mixed. hash01 turns H into u in [0, 1).

export function mix(h: number): number {
  h = h >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Hash {
  readonly seedLo: number;
  readonly seedHi: number;

  /** seed: an integer in [0, 2^53), split into its low and high 32 bits. */
  constructor(seed: number) {
    this.seedLo = seed >>> 0;
    this.seedHi = Math.floor(seed / 2 ** 32) >>> 0;
  }

  H(a: number, b: number, c: number, d: number): number {
    let h = mix(this.seedLo ^ Math.imul(this.seedHi, 0x9e3779b1));
    h = mix(h ^ a);
    h = mix(h ^ Math.imul(b, 0x85ebca77));
    h = mix(h ^ Math.imul(c, 0xc2b2ae3d));
    h = mix(h ^ Math.imul(d, 0x27d4eb2f));
    return h >>> 0;
  }

  /** hash01(t, key, lane) = (H(t, key, lane, 0) >>> 8) / 2^24. */
  hash01(t: number, key: number, lane: number): number {
    return (this.H(t, key, lane, 0) >>> 8) / 2 ** 24;
  }
}
