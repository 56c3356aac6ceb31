// The run's only source of randomness (docs/engine.md, Random numbers): H(a, b, c, d), a chain of
// Chris Wellons' lowbias32 `mix` over the seed and four integers, and hash01 for the random policy.
// The spec's formula has one closing parenthesis too many; it is read as five mixes, one after
// the seed and one after each of a, b, c and d is xored in (as the reference interpreter does).

@inline export function mix(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x7feb352d;
  h ^= h >>> 15;
  h *= 0x846ca68b;
  h ^= h >>> 16;
  return h;
}

/** mix(seedLo ^ imul(seedHi, 0x9e3779b1)): the part of H that depends on the seed alone. */
export function seedHash(seedLo: u32, seedHi: u32): u32 {
  return mix(seedLo ^ (seedHi * 0x9e3779b1));
}

export function hash(seed: u32, a: u32, b: u32, c: u32, d: u32): u32 {
  let h = mix(seed ^ a);
  h = mix(h ^ (b * 0x85ebca77));
  h = mix(h ^ (c * 0xc2b2ae3d));
  return mix(h ^ (d * 0x27d4eb2f));
}

/** The lane-independent prefix of H(t, key, lane, 0): mix(mix(seed ^ t) ^ imul(key, ...)). */
@inline export function hashPrefix(seed: u32, t: u32, key: u32): u32 {
  return mix(mix(seed ^ t) ^ (key * 0x85ebca77));
}

/** H(t, key, lane, 0) from its prefix. */
@inline export function hashLane(prefix: u32, lane: u32): u32 {
  return mix(mix(prefix ^ (lane * 0xc2b2ae3d)));
}

// SIMD: four lanes' H(t, key, lane, 0) at once; i32x4.mul is the low 32 bits like imul.
@inline function mix4(h: v128): v128 {
  h = v128.xor(h, i32x4.shr_u(h, 16));
  h = i32x4.mul(h, i32x4.splat(0x7feb352d));
  h = v128.xor(h, i32x4.shr_u(h, 15));
  h = i32x4.mul(h, i32x4.splat(<i32>0x846ca68b));
  return v128.xor(h, i32x4.shr_u(h, 16));
}

/** hash01 of four consecutive lanes starting at `lane` as f32x4 (exact: 24-bit integers / 2^24). */
@inline export function hash01x4(prefix: u32, lane: u32): v128 {
  const lanes = i32x4.add(i32x4.splat(<i32>lane), i32x4(0, 1, 2, 3));
  let h = v128.xor(i32x4.splat(<i32>prefix), i32x4.mul(lanes, i32x4.splat(<i32>0xc2b2ae3d)));
  h = mix4(mix4(h));
  return f32x4.mul(f32x4.convert_i32x4_u(i32x4.shr_u(h, 8)), f32x4.splat(5.9604644775390625e-8));
}
