// Firing (docs/engine.md, One tick, step 1) over a span of a node's storage units, and the per-tick
// statistics a node's output feeds: fired lanes, the activation sum of the firing lanes, the output
// sum for mean(n), and whether the activation was non-finite or the output nonzero in some lane.
//
// A unit is a lane, or the one value a narrow node stores for a group (or for all lanes); `mult`
// is how many lanes it stands for. Sums over lanes are taken lane by lane in lane order in float64
// as the spec's reference does; a narrow unit adds its value `mult` times (repeatedAdd does that in
// one step when no partial sum can round).

import {
  POLICY_ALWAYS, POLICY_THRESHOLD, POLICY_INTEGRATE, POLICY_RANDOM, EMIT_VALUE,
} from './layout';
import { NodeRec } from './tables';
import { hashLane, hash01x4 } from './rng';
import { flagsFrom, track, valueFlags } from './kern';

/** The exponent of the lowest set bit of x (x != 0). */
function lowBit(x: f64): i32 {
  const bits = reinterpret<u64>(x);
  const e = <i32>((bits >> 52) & 0x7ff);
  let m = bits & 0xfffffffffffff;
  if (e == 0) return -1074 + <i32>ctz(m);
  m |= <u64>1 << 52;
  return e - 1075 + <i32>ctz(m);
}

@inline function topBit(x: f64): i32 {
  return <i32>((reinterpret<u64>(x) >> 52) & 0x7ff) - 1022;
}

/** s + v + v + ... (n times), each sum rounded in f64, as a lane-by-lane loop would compute it. */
export function repeatedAdd(s: f64, v: f64, n: i32): f64 {
  if (v == 0 || n <= 0) return n > 0 ? s + v : s;
  if (!isFinite(s) || !isFinite(v)) {
    for (let i = 0; i < n; i++) s += v;
    return s;
  }
  // Every partial sum is a multiple of 2^low below 2^(low + 53): all exact, so the loop equals
  // the exactly rounded s + n v.
  const low = s == 0 ? lowBit(v) : min(lowBit(s), lowBit(v));
  const bound = abs(s) + <f64>n * abs(v);
  if (topBit(bound) + 1 <= low + 53) return s + <f64>n * v;
  for (let i = 0; i < n; i++) s += v;
  return s;
}

export const FLAG_NONZERO: i32 = 1;
export const FLAG_NONFINITE: i32 = 2;

/** Whether some value of p[0..n) is nonzero, and whether some is not finite. */
export function scan(p: usize, n: i32): i32 {
  const end = <usize>(n & ~3) << 2;
  let mx = i32x4.splat(0);
  for (let i: usize = 0; i < end; i += 16) {
    const v = v128.load(p + i);
    mx = track(mx, v);
  }
  let flags = flagsFrom(mx);
  for (let i = end; i < <usize>n << 2; i += 4) flags |= valueFlags(load<f32>(p + i));
  return flags;
}

/** Whether some value of p[0..n) is nonzero (-0 is zero), stopping at the first. */
export function anyNonzero(p: usize, n: i32): bool {
  const end = <usize>(n & ~3) << 2;
  for (let i: usize = 0; i < end; i += 16) if (v128.any_true(i32x4.shl(v128.load(p + i), 1))) return true;
  for (let i = end; i < <usize>n << 2; i += 4) if (load<f32>(p + i) != 0) return true;
  return false;
}

/** Lane-order f64 sum of p[0..n), each unit counted mult times, added to s. */
export function sumInto(s: f64, p: usize, n: i32, mult: i32): f64 {
  const end = <usize>n << 2;
  if (mult == 1) {
    for (let i: usize = 0; i < end; i += 4) s += <f64>load<f32>(p + i);
    return s;
  }
  for (let i: usize = 0; i < end; i += 4) s = repeatedAdd(s, <f64>load<f32>(p + i), mult);
  return s;
}

/**
 * Fires units [0, n) of node nd: A at `a`, ports at p0..p2 (for the refractory "touched" test),
 * potentials and counters at v and r (0 when the node has none), output to `out` (may equal a).
 * `lane0` is the first unit's lane (random policy), `mult` the lanes per unit, `prefix` the
 * lane-independent part of the hash at this tick. Adds to nd.fired and, if needAct, nd.actSum.
 */
export function fireSpan(
  nd: NodeRec, a: usize, out: usize, p0: usize, p1: usize, p2: usize, v: usize, r: usize,
  n: i32, lane0: i32, mult: i32, prefix: u32, needAct: bool,
): void {
  const policy = nd.policy;
  const spike = nd.emit != EMIT_VALUE;
  if (r == 0 && policy == POLICY_ALWAYS) {
    if (spike) {
      const one = f32x4.splat(1);
      const end = <usize>n << 2;
      let i: usize = 0;
      for (; i + 16 <= end; i += 16) v128.store(out + i, one);
      for (; i < end; i += 4) store<f32>(out + i, 1);
    } else if (out != a) {
      memory.copy(out, a, <usize>n << 2);
    }
    nd.fired += <f64>n * <f64>mult;
    if (needAct) nd.actSum = sumInto(nd.actSum, a, n, mult);
    return;
  }
  let done = 0;
  if (r == 0 && !needAct && mult == 1) done = fireVector(nd, a, out, v, n, lane0, prefix);
  fireLanes(nd, a, out, p0, p1, p2, v, r, done, n, lane0, mult, prefix, needAct);
}

/** SIMD firing without refractory state over the first n & ~3 units; returns how many it did. */
function fireVector(nd: NodeRec, a: usize, out: usize, v: usize, n: i32, lane0: i32, prefix: u32): i32 {
  const end = <usize>(n & ~3) << 2;
  if (end == 0) return 0;
  const th = f32x4.splat(nd.threshold);
  const spike = nd.emit != EMIT_VALUE;
  const one = f32x4.splat(1);
  let count = i32x4.splat(0);
  switch (nd.policy) {
    case POLICY_THRESHOLD: {
      for (let i: usize = 0; i < end; i += 16) {
        const A = v128.load(a + i);
        const f = f32x4.ge(A, th);
        v128.store(out + i, v128.and(f, spike ? one : A));
        count = i32x4.sub(count, f);
      }
      break;
    }
    case POLICY_INTEGRATE: {
      const decay = f32x4.splat(nd.decay);
      const reset = f32x4.splat(nd.reset);
      for (let i: usize = 0; i < end; i += 16) {
        const A = v128.load(a + i);
        const pot = f32x4.add(f32x4.mul(decay, v128.load(v + i)), A);
        const f = f32x4.ge(pot, th);
        v128.store(v + i, v128.bitselect(reset, pot, f));
        v128.store(out + i, v128.and(f, spike ? one : A));
        count = i32x4.sub(count, f);
      }
      break;
    }
    case POLICY_RANDOM: {
      const prob = f32x4.splat(nd.prob);
      for (let i: usize = 0; i < end; i += 16) {
        const A = v128.load(a + i);
        const f = f32x4.lt(hash01x4(prefix, <u32>lane0 + <u32>(i >> 2)), prob);
        v128.store(out + i, v128.and(f, spike ? one : A));
        count = i32x4.sub(count, f);
      }
      break;
    }
  }
  const c = i32x4.extract_lane(count, 0) + i32x4.extract_lane(count, 1) +
    i32x4.extract_lane(count, 2) + i32x4.extract_lane(count, 3);
  nd.fired += <f64>c;
  return <i32>(end >> 2);
}

/**
 * The spec's firing of one unit with activation A: the refractory counter at r (0: none), the
 * potential at v, `touched` whether a port is nonzero in it, `lane` its lane (random policy).
 * Returns whether it fired.
 */
@inline export function fireUnit(nd: NodeRec, A: f32, touched: bool, v: usize, r: usize, lane: i32, prefix: u32): bool {
  const count = r != 0 ? load<i32>(r) : 0;
  if (count > 0) {
    if (touched) store<i32>(r, count - 1);
    return false;
  }
  let fires = true;
  const policy = nd.policy;
  if (policy == POLICY_THRESHOLD) {
    fires = A >= nd.threshold;
  } else if (policy == POLICY_INTEGRATE) {
    const pot = nd.decay * load<f32>(v) + A;
    fires = pot >= nd.threshold;
    store<f32>(v, fires ? nd.reset : pot);
  } else if (policy == POLICY_RANDOM) {
    fires = <f32>(hashLane(prefix, <u32>lane) >>> 8) * <f32>5.9604644775390625e-8 < nd.prob;
  }
  if (fires && r != 0) store<i32>(r, nd.refr);
  return fires;
}

/** Per-unit firing for units [from, n). */
function fireLanes(
  nd: NodeRec, a: usize, out: usize, p0: usize, p1: usize, p2: usize, v: usize, r: usize,
  from: i32, n: i32, lane0: i32, mult: i32, prefix: u32, needAct: bool,
): void {
  const spike = nd.emit != EMIT_VALUE;
  let fired: i32 = 0;
  let act = nd.actSum;
  for (let i = from; i < n; i++) {
    const o = <usize>i << 2;
    const A = load<f32>(a + o);
    const touched = r != 0 && (load<f32>(p0 + o) != 0 || load<f32>(p1 + o) != 0 || load<f32>(p2 + o) != 0);
    if (fireUnit(nd, A, touched, v + o, r != 0 ? r + o : 0, lane0 + i, prefix)) {
      fired += mult;
      if (needAct) act = repeatedAdd(act, <f64>A, mult);
      store<f32>(out + o, spike ? 1 : A);
    } else {
      store<f32>(out + o, 0);
    }
  }
  nd.fired += <f64>fired;
  nd.actSum = act;
}
