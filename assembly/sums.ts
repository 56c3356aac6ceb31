// The port sums of tiled mode (ports.ts decides which applies): one weighted term, two terms that
// are exact float32 values (summed in f32), two terms in f64, and any number of terms accumulated
// in an f64 tile. Each writes its port's values and returns their flags (kern.ts flagsFrom).
//
//   accBuf: tile f64, the running sums of the many-term path

import { alloc } from './memory';
import { flagsFrom, track, firstLanes, valueFlags } from './kern';

let accBuf: usize = 0;

export function allocSums(tile: i32): bool {
  accBuf = alloc(<u64>tile * 8 + 32);
  return accBuf != 0;
}

// Each kernel's loop over whole vectors is a function of its own, called for the tile's body and
// again for its last n % 4 lanes on padded copies: with two callers it is not inlined into the
// dispatcher, whose size would make the compiler spill the loop's registers.
const pa = memory.data(16, 16);
const pb = memory.data(16, 16);
const po = memory.data(16, 16);

/** Pads the last `bytes` (< 16) of a lane operand at `at` (none when p is 0 or a splat cell). */
@inline function padded(to: usize, p: usize, at: usize, bytes: usize, cell: bool): usize {
  if (p == 0 || cell) return p;
  memory.copy(to, p + at, bytes);
  return to;
}

/** Flags after the tail: its padded result in po, masked to its `rem` lanes. */
@inline function tailFlags(mx: v128, out: usize, full: usize, rem: usize): i32 {
  memory.copy(out + full, po, rem << 2);
  return flagsFrom(track(mx, firstLanes(v128.load(po), rem)));
}

function scaledSpan(out: usize, x: usize, w: f32, bytes: usize): v128 {
  const z = f32x4.splat(0);
  const ws = f32x4.splat(w);
  // x * 1 + 0 and x * 0 + 0 make zero products +0 (and x * 0 is NaN for inf and NaN); other
  // weights keep the product's sign unless x itself is zero.
  const plain = w == 1 || w == 0;
  let mx = i32x4.splat(0);
  for (let i: usize = 0; i < bytes; i += 16) {
    const a = v128.load(x + i);
    const p = f32x4.mul(a, ws);
    const r = plain ? f32x4.add(p, z) : v128.bitselect(z, p, f32x4.eq(a, z));
    v128.store(out + i, r);
    mx = track(mx, r);
  }
  return mx;
}

/** out = f32(0 + w x) over n lanes; returns out's flags. */
export function scaled(out: usize, x: usize, w: f32, n: i32): i32 {
  const full = <usize>(n & ~3) << 2;
  const mx = scaledSpan(out, x, w, full);
  const rem = <usize>(n & 3);
  if (rem == 0) return flagsFrom(mx);
  scaledSpan(po, padded(pa, x, full, rem << 2, false), w, 16);
  return tailFlags(mx, out, full, rem);
}

function sumF32Span(out: usize, a: usize, b: usize, sb: usize, bytes: usize): v128 {
  const z = f32x4.splat(0);
  let mx = i32x4.splat(0);
  let bp = b;
  for (let i: usize = 0; i < bytes; i += 16) {
    const r = f32x4.add(f32x4.add(v128.load(a + i), v128.load(bp)), z);
    v128.store(out + i, r);
    mx = track(mx, r);
    bp += sb;
  }
  return mx;
}

/** out = f32(0 + a + b) for two exactly-f32 terms (a lane, b lane or a splat cell when sb is 0). */
export function sumF32(out: usize, a: usize, b: usize, sb: usize, n: i32): i32 {
  const full = <usize>(n & ~3) << 2;
  const mx = sumF32Span(out, a, b, sb, full);
  const rem = <usize>(n & 3);
  if (rem == 0) return flagsFrom(mx);
  sumF32Span(po, padded(pa, a, full, rem << 2, false), padded(pb, b, full, rem << 2, sb == 0), sb, 16);
  return tailFlags(mx, out, full, rem);
}

// Weights of the f64 kernels: a weight of 1 skips the multiply.
@unmanaged class One { @inline mul(v: v128, w: v128): v128 { return v; } }
@unmanaged class Times { @inline mul(v: v128, w: v128): v128 { return f64x2.mul(v, w); } }

@inline function promoted(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

// The second term of a two-term f64 sum: a lane array or a narrow product.
@unmanaged class LaneTerm { @inline at(p: usize, c: v128): v128 { return promoted(p); } }
@unmanaged class ConstTerm { @inline at(p: usize, c: v128): v128 { return c; } }

/**
 * f32(0 + wa a + (b ? wb b : c)) in f64 for a lane term and a lane or narrow term: the f64 sum
 * rounded to f32, then + 0, which turns the -0 of two -0 products into the +0 the sum from 0
 * gives (and leaves other values alone). Splats come in as v128 parameters (see kern.ts span).
 */
function sum2Span<WA, WB, B>(out: usize, a: usize, b: usize, bytes: usize, wa: v128, wb: v128, c: v128): v128 {
  let mx = i32x4.splat(0);
  let i: usize = 0;
  // Two vectors an iteration: half the loop overhead (and the JIT's interrupt check).
  for (; i + 32 <= bytes; i += 32) {
    const r0 = sum2Vector<WA, WB, B>(a + i, b + i, wa, wb, c);
    const r1 = sum2Vector<WA, WB, B>(a + i + 16, b + i + 16, wa, wb, c);
    v128.store(out + i, r0);
    v128.store(out + i, r1, 16);
    mx = track(track(mx, r0), r1);
  }
  if (i < bytes) {
    const r = sum2Vector<WA, WB, B>(a + i, b + i, wa, wb, c);
    v128.store(out + i, r);
    mx = track(mx, r);
  }
  return mx;
}

@inline function sum2Vector<WA, WB, B>(a: usize, b: usize, wa: v128, wb: v128, c: v128): v128 {
  const ka = changetype<WA>(0);
  const kb = changetype<WB>(0);
  const tb = changetype<B>(0);
  const lo = f64x2.add(ka.mul(promoted(a), wa), kb.mul(tb.at(b, c), wb));
  const hi = f64x2.add(ka.mul(promoted(a + 8), wa), kb.mul(tb.at(b + 8, c), wb));
  return f32x4.add(i64x2.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2), f32x4.splat(0));
}

function sum2<WA, WB, B>(out: usize, a: usize, wa: f32, b: usize, wb: f32, c: f64, n: i32): i32 {
  const full = <usize>(n & ~3) << 2;
  const wa2 = f64x2.splat(<f64>wa);
  const wb2 = f64x2.splat(<f64>wb);
  const c2 = f64x2.splat(c);
  const mx = sum2Span<WA, WB, B>(out, a, b, full, wa2, wb2, c2);
  const rem = <usize>(n & 3);
  if (rem == 0) return flagsFrom(mx);
  sum2Span<WA, WB, B>(po, padded(pa, a, full, rem << 2, false), padded(pb, b, full, rem << 2, b == 0), 16, wa2, wb2, c2);
  return tailFlags(mx, out, full, rem);
}

/** A lane term and a lane (b != 0) or narrow (b == 0: the product c) term, in f64. */
export function sumF64(out: usize, a: usize, wa: f32, b: usize, wb: f32, c: f64, n: i32): i32 {
  if (b == 0) {
    return wa == 1 ? sum2<One, One, ConstTerm>(out, a, 1, 0, 1, c, n) : sum2<Times, One, ConstTerm>(out, a, wa, 0, 1, c, n);
  }
  if (wa == 1) return wb == 1 ? sum2<One, One, LaneTerm>(out, a, wa, b, wb, c, n) : sum2<One, Times, LaneTerm>(out, a, wa, b, wb, c, n);
  return wb == 1 ? sum2<Times, One, LaneTerm>(out, a, wa, b, wb, c, n) : sum2<Times, Times, LaneTerm>(out, a, wa, b, wb, c, n);
}

/** acc = (first ? 0 : acc) + w x (x a lane pointer, or the narrow product c when x is 0). */
export function accumulate(x: usize, w: f32, c: f64, n: i32, first: bool): void {
  const w2 = f64x2.splat(<f64>w);
  const z = f64x2.splat(0);
  const end = <usize>n << 2;
  let i: usize = 0;
  for (; i + 16 <= end; i += 16) {
    const a = accBuf + (i << 1);
    const lo = x != 0 ? f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(x + i)), w2) : f64x2.splat(c);
    const hi = x != 0 ? f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(x + i + 8)), w2) : f64x2.splat(c);
    v128.store(a, f64x2.add(first ? z : v128.load(a), lo));
    v128.store(a + 16, f64x2.add(first ? z : v128.load(a + 16), hi));
  }
  for (; i < end; i += 4) {
    const a = accBuf + (i << 1);
    store<f64>(a, (first ? 0 : load<f64>(a)) + (x != 0 ? <f64>w * <f64>load<f32>(x + i) : c));
  }
}

export function demote(out: usize, n: i32): i32 {
  const end = <usize>(n & ~3) << 2;
  let mx = i32x4.splat(0);
  for (let i: usize = 0; i < end; i += 16) {
    const a = accBuf + (i << 1);
    const r = i64x2.shuffle(f32x4.demote_f64x2_zero(v128.load(a)), f32x4.demote_f64x2_zero(v128.load(a + 16)), 0, 2);
    v128.store(out + i, r);
    mx = track(mx, r);
  }
  let flags = flagsFrom(mx);
  for (let i = end; i < <usize>n << 2; i += 4) {
    const r = <f32>load<f64>(accBuf + (i << 1));
    store<f32>(out + i, r);
    flags |= valueFlags(r);
  }
  return flags;
}
