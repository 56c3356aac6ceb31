// The port sums of tiled mode (ports.ts decides which applies), in float32 in ascending edge-key
// order (docs/engine.md, Numbers): P = 0, then P = f32(P + f32(w x)) per term. One weighted term,
// then a pass over the tile per further term: the first pass adds the first two terms, each later
// pass adds one term to the running sum in `out`. A term is a lane array read as is (weight 1), a
// lane array times its weight, or a narrow product splat in a register. Each pass ends with + 0,
// which only turns -0 into +0: the sum from +0 is never -0, whatever the sign of its first term
// (x + 0 == x for every other x, so adding it after a middle pass changes nothing later either).
// Each writes its port's values and returns their flags (kern.ts flagsFrom).

import { alloc } from './memory';
import { flagsFrom, track, firstLanes } from './kern';

// The running sum of a port with three or more terms (the port's own buffer may be the node's
// output plane, which a delayed self-edge term still reads).
export let sumBuf: usize = 0;

export function allocSums(tile: i32): bool {
  sumBuf = alloc(<u64>tile * 4 + 16);
  return sumBuf != 0;
}

// Each kernel's loop over whole vectors is a function of its own, called for the tile's body and
// again for its last n % 4 lanes on padded copies: with two callers it is not inlined into the
// dispatcher, whose size would make the compiler spill the loop's registers.
const pa = memory.data(16, 16);
const pb = memory.data(16, 16);
const po = memory.data(16, 16);

/** Pads the last `bytes` (< 16) of a lane operand at `at` (none when p is 0: a narrow term). */
@inline function padded(to: usize, p: usize, at: usize, bytes: usize): usize {
  if (p == 0) return p;
  memory.copy(to, p + at, bytes);
  return to;
}

/** Flags after the tail: its padded result in po, masked to its `rem` lanes. */
@inline function tailFlags(mx: v128, out: usize, full: usize, rem: usize): i32 {
  memory.copy(out + full, po, rem << 2);
  return flagsFrom(track(mx, firstLanes(v128.load(po), rem)));
}

// Term kinds: get(p, w, c) is the term's 4 lanes at p (w the weight splat, c the product splat).
@unmanaged class One { @inline get(p: usize, w: v128, c: v128): v128 { return v128.load(p); } }
@unmanaged class Times { @inline get(p: usize, w: v128, c: v128): v128 { return f32x4.mul(v128.load(p), w); } }
@unmanaged class Narrow { @inline get(p: usize, w: v128, c: v128): v128 { return c; } }

function scaledSpan(out: usize, x: usize, w: f32, bytes: usize): v128 {
  const z = f32x4.splat(0);
  const ws = f32x4.splat(w);
  let mx = i32x4.splat(0);
  for (let i: usize = 0; i < bytes; i += 16) {
    const r = f32x4.add(f32x4.mul(v128.load(x + i), ws), z);
    v128.store(out + i, r);
    mx = track(mx, r);
  }
  return mx;
}

/** out = f32(0 + f32(w x)) over n lanes; returns out's flags. */
export function scaled(out: usize, x: usize, w: f32, n: i32): i32 {
  const full = <usize>(n & ~3) << 2;
  const mx = scaledSpan(out, x, w, full);
  const rem = <usize>(n & 3);
  if (rem == 0) return flagsFrom(mx);
  scaledSpan(po, padded(pa, x, full, rem << 2), w, 16);
  return tailFlags(mx, out, full, rem);
}

// Splats come in as v128 parameters (see kern.ts span).
function pairSpan<A, B>(out: usize, a: usize, b: usize, bytes: usize, wa: v128, ca: v128, wb: v128, cb: v128): v128 {
  const ta = changetype<A>(0);
  const tb = changetype<B>(0);
  const z = f32x4.splat(0);
  let mx = i32x4.splat(0);
  let i: usize = 0;
  // Two vectors an iteration: half the loop overhead (and the JIT's interrupt check).
  for (; i + 32 <= bytes; i += 32) {
    const r0 = f32x4.add(f32x4.add(ta.get(a + i, wa, ca), tb.get(b + i, wb, cb)), z);
    const r1 = f32x4.add(f32x4.add(ta.get(a + i + 16, wa, ca), tb.get(b + i + 16, wb, cb)), z);
    v128.store(out + i, r0);
    v128.store(out + i, r1, 16);
    mx = track(track(mx, r0), r1);
  }
  if (i < bytes) {
    const r = f32x4.add(f32x4.add(ta.get(a + i, wa, ca), tb.get(b + i, wb, cb)), z);
    v128.store(out + i, r);
    mx = track(mx, r);
  }
  return mx;
}

function pair<A, B>(out: usize, a: usize, wa: f32, ca: f32, b: usize, wb: f32, cb: f32, n: i32): i32 {
  const full = <usize>(n & ~3) << 2;
  const wa4 = f32x4.splat(wa);
  const ca4 = f32x4.splat(ca);
  const wb4 = f32x4.splat(wb);
  const cb4 = f32x4.splat(cb);
  const mx = pairSpan<A, B>(out, a, b, full, wa4, ca4, wb4, cb4);
  const rem = <usize>(n & 3);
  if (rem == 0) return flagsFrom(mx);
  pairSpan<A, B>(po, padded(pa, a, full, rem << 2), padded(pb, b, full, rem << 2), 16, wa4, ca4, wb4, cb4);
  return tailFlags(mx, out, full, rem);
}

@inline function kindOf(p: usize, w: f32): i32 {
  return p == 0 ? 2 : w == 1 ? 0 : 1;
}

/**
 * out = f32(f32(0 + ta) + tb) for two terms in key order: a term is the lane array at p times w
 * (p != 0; weight 1 skips the multiply) or the narrow product c (p == 0).
 */
export function sumPair(out: usize, a: usize, wa: f32, ca: f32, b: usize, wb: f32, cb: f32, n: i32): i32 {
  switch (kindOf(a, wa) * 3 + kindOf(b, wb)) {
    case 0: return pair<One, One>(out, a, wa, ca, b, wb, cb, n);
    case 1: return pair<One, Times>(out, a, wa, ca, b, wb, cb, n);
    case 2: return pair<One, Narrow>(out, a, wa, ca, b, wb, cb, n);
    case 3: return pair<Times, One>(out, a, wa, ca, b, wb, cb, n);
    case 4: return pair<Times, Times>(out, a, wa, ca, b, wb, cb, n);
    case 5: return pair<Times, Narrow>(out, a, wa, ca, b, wb, cb, n);
    case 6: return pair<Narrow, One>(out, a, wa, ca, b, wb, cb, n);
    case 7: return pair<Narrow, Times>(out, a, wa, ca, b, wb, cb, n);
  }
  return pair<Narrow, Narrow>(out, a, wa, ca, b, wb, cb, n);
}

/** out = f32(acc + term) for a further term (acc the running sum); returns out's flags. */
export function sumMore(out: usize, acc: usize, b: usize, wb: f32, cb: f32, n: i32): i32 {
  const k = kindOf(b, wb);
  if (k == 0) return pair<One, One>(out, acc, 1, 0, b, wb, cb, n);
  if (k == 1) return pair<One, Times>(out, acc, 1, 0, b, wb, cb, n);
  return pair<One, Narrow>(out, acc, 1, 0, b, wb, cb, n);
}
