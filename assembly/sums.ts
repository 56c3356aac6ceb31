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

// A two-term sum fused with its one reader q = f32(sum / c) (a weight-1 read and a nonzero splat
// divisor c): both written in one pass, each with its flags (the quotient's in `pairDivFlags`).
// Optionally the quotient's own reader s = sqrt(q) as well (to `sq`, its flags in `sqrtFlags`).
export let pairDivFlags: i32 = 0;
export let sqrtFlags: i32 = 0;

@unmanaged class NoRoot { @inline put(p: usize, d: v128, m: v128): v128 { return m; } }
@unmanaged class Root {
  @inline put(p: usize, d: v128, m: v128): v128 {
    const z = f32x4.splat(0);
    const s = f32x4.sqrt(f32x4.add(f32x4.pmax(d, z), z)); // kern.ts Sqrt
    v128.store(p, s);
    return track(m, s);
  }
}

function pairDivSpan<A, B, R>(out: usize, q: usize, sq: usize, a: usize, b: usize, bytes: usize, wa: v128, ca: v128,
  wb: v128, cb: v128, c: v128): v128 {
  const ta = changetype<A>(0);
  const tb = changetype<B>(0);
  const tr = changetype<R>(0);
  const z = f32x4.splat(0);
  let mx = i32x4.splat(0);
  let mq = i32x4.splat(0);
  let ms = i32x4.splat(0);
  for (let i: usize = 0; i < bytes; i += 16) {
    const r = f32x4.add(f32x4.add(ta.get(a + i, wa, ca), tb.get(b + i, wb, cb)), z);
    const d = f32x4.div(r, c);
    v128.store(out + i, r);
    v128.store(q + i, d);
    mx = track(mx, r);
    mq = track(mq, d);
    ms = tr.put(sq + i, d, ms);
  }
  v128.store(pq, mq);
  v128.store(ps, ms);
  return mx;
}

const ps = memory.data(16, 16);
const po3 = memory.data(16, 16);

const pq = memory.data(16, 16);
const po2 = memory.data(16, 16);

function pairDiv<A, B, R>(out: usize, q: usize, sq: usize, a: usize, wa: f32, ca: f32, b: usize, wb: f32, cb: f32, c: f32,
  n: i32): i32 {
  const full = <usize>(n & ~3) << 2;
  const wa4 = f32x4.splat(wa);
  const ca4 = f32x4.splat(ca);
  const wb4 = f32x4.splat(wb);
  const cb4 = f32x4.splat(cb);
  const c4 = f32x4.splat(c);
  const mx = pairDivSpan<A, B, R>(out, q, sq, a, b, full, wa4, ca4, wb4, cb4, c4);
  const mq = v128.load(pq);
  const ms = v128.load(ps);
  const rem = <usize>(n & 3);
  if (rem == 0) {
    pairDivFlags = flagsFrom(mq);
    sqrtFlags = flagsFrom(ms);
    return flagsFrom(mx);
  }
  pairDivSpan<A, B, R>(po, po2, po3, padded(pa, a, full, rem << 2), padded(pb, b, full, rem << 2), 16, wa4, ca4, wb4, cb4, c4);
  // In this order: sq may be out's tile (free once q is computed) but never q's.
  const flags = tailFlags(mx, out, full, rem);
  memory.copy(q + full, po2, rem << 2);
  pairDivFlags = flagsFrom(track(mq, firstLanes(v128.load(po2), rem)));
  if (sq != 0) memory.copy(sq + full, po3, rem << 2);
  sqrtFlags = flagsFrom(track(ms, firstLanes(v128.load(po3), rem)));
  return flags;
}

/**
 * sumPair into out, and q = out / c (c != 0) in the same pass, and sq = sqrt(q) if sq != 0; q's
 * flags in pairDivFlags, sq's in sqrtFlags.
 */
export function sumPairDiv(out: usize, q: usize, sq: usize, a: usize, wa: f32, ca: f32, b: usize, wb: f32, cb: f32, c: f32,
  n: i32): i32 {
  if (sq != 0) return pairDivR<Root>(out, q, sq, a, wa, ca, b, wb, cb, c, n);
  return pairDivR<NoRoot>(out, q, sq, a, wa, ca, b, wb, cb, c, n);
}

function pairDivR<R>(out: usize, q: usize, sq: usize, a: usize, wa: f32, ca: f32, b: usize, wb: f32, cb: f32, c: f32,
  n: i32): i32 {
  switch (kindOf(a, wa) * 3 + kindOf(b, wb)) {
    case 0: return pairDiv<One, One, R>(out, q, sq, a, wa, ca, b, wb, cb, c, n);
    case 1: return pairDiv<One, Times, R>(out, q, sq, a, wa, ca, b, wb, cb, c, n);
    case 2: return pairDiv<One, Narrow, R>(out, q, sq, a, wa, ca, b, wb, cb, c, n);
    case 3: return pairDiv<Times, One, R>(out, q, sq, a, wa, ca, b, wb, cb, c, n);
    case 4: return pairDiv<Times, Times, R>(out, q, sq, a, wa, ca, b, wb, cb, c, n);
    case 5: return pairDiv<Times, Narrow, R>(out, q, sq, a, wa, ca, b, wb, cb, c, n);
    case 6: return pairDiv<Narrow, One, R>(out, q, sq, a, wa, ca, b, wb, cb, c, n);
    case 7: return pairDiv<Narrow, Times, R>(out, q, sq, a, wa, ca, b, wb, cb, c, n);
  }
  return pairDiv<Narrow, Narrow, R>(out, q, sq, a, wa, ca, b, wb, cb, c, n);
}

// A division d = x / y (0 where y is 0; x read as x + 0 with Canon) fused with its reader's
// two-term sum, one of whose terms reads d back from `dOut` (stored just before): both written in
// one pass, each with its flags (the quotient's in `divPairFlags`).
export let divPairFlags: i32 = 0;

@unmanaged class XLane { @inline get(p: usize): v128 { return v128.load(p); } }
@unmanaged class XCanon { @inline get(p: usize): v128 { return f32x4.add(v128.load(p), f32x4.splat(0)); } }

function divPairSpan<X, A, B>(dOut: usize, out: usize, x: usize, y: usize, a: usize, b: usize, bytes: usize,
  wa: v128, ca: v128, wb: v128, cb: v128): v128 {
  const tx = changetype<X>(0);
  const ta = changetype<A>(0);
  const tb = changetype<B>(0);
  const z = f32x4.splat(0);
  let mx = i32x4.splat(0);
  let md = i32x4.splat(0);
  for (let i: usize = 0; i < bytes; i += 16) {
    const yv = v128.load(y + i);
    const d = v128.bitselect(z, f32x4.div(tx.get(x + i), yv), f32x4.eq(yv, z));
    v128.store(dOut + i, d);
    md = track(md, d);
    const r = f32x4.add(f32x4.add(ta.get(a + i, wa, ca), tb.get(b + i, wb, cb)), z);
    v128.store(out + i, r);
    mx = track(mx, r);
  }
  v128.store(pq, md);
  return mx;
}

const pd = memory.data(16, 16);
const px = memory.data(16, 16);
const py = memory.data(16, 16);

function divPair<X, A, B>(dOut: usize, out: usize, x: usize, y: usize, a: usize, wa: f32, ca: f32, b: usize, wb: f32,
  cb: f32, n: i32): i32 {
  const full = <usize>(n & ~3) << 2;
  const wa4 = f32x4.splat(wa);
  const ca4 = f32x4.splat(ca);
  const wb4 = f32x4.splat(wb);
  const cb4 = f32x4.splat(cb);
  const mx = divPairSpan<X, A, B>(dOut, out, x, y, a, b, full, wa4, ca4, wb4, cb4);
  const md = v128.load(pq);
  const rem = <usize>(n & 3);
  if (rem == 0) {
    divPairFlags = flagsFrom(md);
    return flagsFrom(mx);
  }
  const bytes = rem << 2;
  const ap = a == dOut ? pd : padded(pa, a, full, bytes);
  const bp = b == dOut ? pd : padded(pb, b, full, bytes);
  divPairSpan<X, A, B>(pd, po, padded(px, x, full, bytes), padded(py, y, full, bytes), ap, bp, 16, wa4, ca4, wb4, cb4);
  memory.copy(dOut + full, pd, bytes);
  divPairFlags = flagsFrom(track(md, firstLanes(v128.load(pd), rem)));
  return tailFlags(mx, out, full, rem);
}

function divPairX<X>(dOut: usize, out: usize, x: usize, y: usize, a: usize, wa: f32, ca: f32, b: usize, wb: f32,
  cb: f32, n: i32): i32 {
  switch (kindOf(a, wa) * 3 + kindOf(b, wb)) {
    case 0: return divPair<X, One, One>(dOut, out, x, y, a, wa, ca, b, wb, cb, n);
    case 1: return divPair<X, One, Times>(dOut, out, x, y, a, wa, ca, b, wb, cb, n);
    case 2: return divPair<X, One, Narrow>(dOut, out, x, y, a, wa, ca, b, wb, cb, n);
    case 3: return divPair<X, Times, One>(dOut, out, x, y, a, wa, ca, b, wb, cb, n);
    case 4: return divPair<X, Times, Times>(dOut, out, x, y, a, wa, ca, b, wb, cb, n);
    case 5: return divPair<X, Times, Narrow>(dOut, out, x, y, a, wa, ca, b, wb, cb, n);
    case 6: return divPair<X, Narrow, One>(dOut, out, x, y, a, wa, ca, b, wb, cb, n);
    case 7: return divPair<X, Narrow, Times>(dOut, out, x, y, a, wa, ca, b, wb, cb, n);
  }
  return divPair<X, Narrow, Narrow>(dOut, out, x, y, a, wa, ca, b, wb, cb, n);
}

/**
 * dOut = x / y (y lane, 0 where y is 0; x + 0 when canon), and out = sumPair of the two terms
 * (a, b), one of which reads dOut at the same lanes, in one pass; the quotient's flags in
 * divPairFlags.
 */
export function sumDivPair(dOut: usize, out: usize, x: usize, canon: bool, y: usize, a: usize, wa: f32, ca: f32,
  b: usize, wb: f32, cb: f32, n: i32): i32 {
  if (canon) return divPairX<XCanon>(dOut, out, x, y, a, wa, ca, b, wb, cb, n);
  return divPairX<XLane>(dOut, out, x, y, a, wa, ca, b, wb, cb, n);
}
