// Tile kernels: A = op(x, y, z) over n lanes. An operand is a lane array (LANE), a lane array read
// as x + 0 (CANON: a weight-1 port whose source may hold -0, which the port sum would make +0), or
// one value splat in a 16-byte cell (CELL). Each op is a class whose inline `apply` is the SIMD
// body, each operand kind a class whose inline `get` loads it; loop<Op, X, Y, Z> instantiates one
// tight loop per combination for the common ops (the rare ones take the kind at run time), and the
// last n % 4 lanes go through the same body on padded copies. Every kernel also returns the flags
// of A (some lane nonzero, some lane not finite), gathered in the same loop.

import {
  OP_IDENTITY, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_NEG, OP_ABS, OP_SIGN, OP_SQUARE, OP_SQRT, OP_RSQRT,
  OP_POW, OP_EXP, OP_LOG, OP_TANH, OP_SIGMOID, OP_RELU, OP_MIN, OP_MAX, OP_CLAMP, OP_GT, OP_GE, OP_EQ,
  OP_SELECT, OP_EVERY, OP_MODULATE,
} from './layout';
import { powOp, expOp, logOp, sigmoidOp, everyValue } from './ops';
import { FLAG_NONZERO, FLAG_NONFINITE } from './firing';

export const KIND_LANE: i32 = 0;
export const KIND_CANON: i32 = 1;
export const KIND_CELL: i32 = 2;

const tx = memory.data(16, 16);
const ty = memory.data(16, 16);
const tz = memory.data(16, 16);
const ta = memory.data(16, 16);
const masks = memory.data<u32>([
  0, 0, 0, 0, 0xffffffff, 0, 0, 0, 0xffffffff, 0xffffffff, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0,
], 16);

/** The first `lanes` lanes of v, the others zeroed. */
@inline export function firstLanes(v: v128, lanes: usize): v128 {
  return v128.and(v, v128.load(masks + (lanes << 4)));
}

@inline function zero(): v128 {
  return f32x4.splat(0);
}
@inline function one(): v128 {
  return f32x4.splat(1);
}

// Flags without a second pass: kernels keep the running unsigned max of A's bit patterns shifted
// left by one (the sign bit gone) in a local `mx`: one shift and one max per vector, no long
// dependency chain and no constant to load. Some lane is nonzero if a bit is set, and not finite
// if its exponent is all ones (NaN patterns exceed infinity's).

@inline export function track(mx: v128, r: v128): v128 {
  return i32x4.max_u(mx, i32x4.shl(r, 1));
}

@inline export function flagsFrom(mx: v128): i32 {
  return (v128.any_true(mx) ? FLAG_NONZERO : 0) |
    (v128.any_true(i32x4.ge_u(mx, i32x4.splat(0xff000000))) ? FLAG_NONFINITE : 0);
}

/** The flags of one value (standing for n >= 1 lanes). */
@inline export function valueFlags(v: f32): i32 {
  return (v != 0 ? FLAG_NONZERO : 0) | (v - v == 0 ? 0 : FLAG_NONFINITE);
}

// Operand kinds: get(p, i, cell, kind) is the operand's 4 lanes at byte offset i.
@unmanaged class Lane { @inline get(p: usize, i: usize, c: v128, k: i32): v128 { return v128.load(p + i); } }
@unmanaged class Canon { @inline get(p: usize, i: usize, c: v128, k: i32): v128 { return f32x4.add(v128.load(p + i), zero()); } }
@unmanaged class Cell { @inline get(p: usize, i: usize, c: v128, k: i32): v128 { return c; } }
@unmanaged class Unused { @inline get(p: usize, i: usize, c: v128, k: i32): v128 { return zero(); } }
@unmanaged class Any {
  @inline get(p: usize, i: usize, c: v128, k: i32): v128 {
    if (k == KIND_CELL) return c;
    const v = v128.load(p + i);
    return k == KIND_CANON ? f32x4.add(v, zero()) : v;
  }
}

@unmanaged class Identity { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return x; } }
@unmanaged class Add { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return f32x4.add(x, y); } }
@unmanaged class Sub { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return f32x4.sub(x, y); } }
@unmanaged class Mul { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return f32x4.mul(x, y); } }
// bitselect(0, x / y, y == 0), written as (x / y) & ~(y == 0): one instruction, not three.
@unmanaged class Div {
  @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 {
    return v128.andnot(f32x4.div(x, y), f32x4.eq(y, zero()));
  }
}
/** Division by a divisor known to be nonzero. */
@unmanaged class DivBy { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return f32x4.div(x, y); } }
@unmanaged class Neg { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return f32x4.neg(x); } }
@unmanaged class Abs { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return f32x4.abs(x); } }
@unmanaged class Sign {
  @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 {
    return f32x4.sub(v128.and(f32x4.gt(x, zero()), one()), v128.and(f32x4.lt(x, zero()), one()));
  }
}
@unmanaged class Square { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return f32x4.mul(x, x); } }
// max(x, 0) as pmax(x, 0) + 0: pmax keeps NaN (x < 0 is false) and + 0 makes max(-0, 0) +0.
@unmanaged class Sqrt {
  @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 {
    return f32x4.sqrt(f32x4.add(f32x4.pmax(x, zero()), zero()));
  }
}
@unmanaged class Relu {
  @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return f32x4.add(f32x4.pmax(x, zero()), zero()); }
}
@unmanaged class Rsqrt {
  @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 {
    return v128.and(f32x4.div(one(), f32x4.sqrt(x)), f32x4.gt(x, zero()));
  }
}
@unmanaged class Min { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return f32x4.min(x, y); } }
@unmanaged class Max { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return f32x4.max(x, y); } }
@unmanaged class Clamp { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return f32x4.min(f32x4.max(x, a), b); } }
@unmanaged class Gt { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return v128.and(f32x4.gt(x, y), one()); } }
@unmanaged class Ge { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return v128.and(f32x4.ge(x, y), one()); } }
@unmanaged class Eq { @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return v128.and(f32x4.eq(x, y), one()); } }
@unmanaged class Select {
  @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 { return v128.bitselect(y, z, f32x4.ne(x, zero())); }
}
// Transcendentals: lane by lane in f64.
@unmanaged class Pow {
  @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 {
    let r = f32x4.splat(powOp(f32x4.extract_lane(x, 0), f32x4.extract_lane(y, 0)));
    r = f32x4.replace_lane(r, 1, powOp(f32x4.extract_lane(x, 1), f32x4.extract_lane(y, 1)));
    r = f32x4.replace_lane(r, 2, powOp(f32x4.extract_lane(x, 2), f32x4.extract_lane(y, 2)));
    return f32x4.replace_lane(r, 3, powOp(f32x4.extract_lane(x, 3), f32x4.extract_lane(y, 3)));
  }
}
@unmanaged class Exp {
  @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 {
    let r = f32x4.splat(expOp(f32x4.extract_lane(x, 0)));
    r = f32x4.replace_lane(r, 1, expOp(f32x4.extract_lane(x, 1)));
    r = f32x4.replace_lane(r, 2, expOp(f32x4.extract_lane(x, 2)));
    return f32x4.replace_lane(r, 3, expOp(f32x4.extract_lane(x, 3)));
  }
}
@unmanaged class Log {
  @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 {
    let r = f32x4.splat(logOp(f32x4.extract_lane(x, 0)));
    r = f32x4.replace_lane(r, 1, logOp(f32x4.extract_lane(x, 1)));
    r = f32x4.replace_lane(r, 2, logOp(f32x4.extract_lane(x, 2)));
    return f32x4.replace_lane(r, 3, logOp(f32x4.extract_lane(x, 3)));
  }
}
@unmanaged class Tanh {
  @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 {
    let r = f32x4.splat(<f32>Math.tanh(<f64>f32x4.extract_lane(x, 0)));
    r = f32x4.replace_lane(r, 1, <f32>Math.tanh(<f64>f32x4.extract_lane(x, 1)));
    r = f32x4.replace_lane(r, 2, <f32>Math.tanh(<f64>f32x4.extract_lane(x, 2)));
    return f32x4.replace_lane(r, 3, <f32>Math.tanh(<f64>f32x4.extract_lane(x, 3)));
  }
}
@unmanaged class Sigmoid {
  @inline apply(x: v128, y: v128, z: v128, a: v128, b: v128): v128 {
    let r = f32x4.splat(sigmoidOp(f32x4.extract_lane(x, 0)));
    r = f32x4.replace_lane(r, 1, sigmoidOp(f32x4.extract_lane(x, 1)));
    r = f32x4.replace_lane(r, 2, sigmoidOp(f32x4.extract_lane(x, 2)));
    return f32x4.replace_lane(r, 3, sigmoidOp(f32x4.extract_lane(x, 3)));
  }
}

// The operands of the current kernel call.
let kx: i32 = 0;
let ky: i32 = 0;
let kz: i32 = 0;

@inline function cellOf(p: usize, k: i32): v128 {
  return k == KIND_CELL ? v128.load(p) : zero();
}

/** Copies the last `bytes` (< 16) of a lane operand at offset `at` to a padded cell. */
@inline function pad(to: usize, p: usize, k: i32, at: usize, bytes: usize): usize {
  if (k == KIND_CELL) return p;
  memory.copy(to, p + at, bytes);
  return to;
}

// The loop over whole vectors is its own function, called twice (for the body and for the padded
// tail): a function with one caller is inlined into it, and a dispatcher that holds every kernel's
// loop makes the compiler spill the loops' registers.
// Splat values come in as v128 parameters: computed in the loop's function, the JIT would
// recompute them in every iteration.
function span<T, X, Y, Z>(A: usize, x: usize, y: usize, z: usize, bytes: usize, a: v128, b: v128,
  cx: v128, cy: v128, cz: v128): v128 {
  const op = changetype<T>(0);
  const gx = changetype<X>(0);
  const gy = changetype<Y>(0);
  const gz = changetype<Z>(0);
  const jx = kx;
  const jy = ky;
  const jz = kz;
  const pairs = bytes & ~31;
  let mx = i32x4.splat(0);
  let i: usize = 0;
  for (; i < pairs; i += 32) {
    const r0 = op.apply(gx.get(x, i, cx, jx), gy.get(y, i, cy, jy), gz.get(z, i, cz, jz), a, b);
    const r1 = op.apply(gx.get(x, i + 16, cx, jx), gy.get(y, i + 16, cy, jy), gz.get(z, i + 16, cz, jz), a, b);
    v128.store(A + i, r0);
    v128.store(A + i, r1, 16);
    mx = track(track(mx, r0), r1);
  }
  if (i < bytes) {
    const r = op.apply(gx.get(x, i, cx, jx), gy.get(y, i, cy, jy), gz.get(z, i, cz, jz), a, b);
    v128.store(A + i, r);
    mx = track(mx, r);
  }
  return mx;
}

function loop<T, X, Y, Z>(A: usize, x: usize, y: usize, z: usize, n: i32, a0: f32, a1: f32): i32 {
  const full = <usize>(n & ~3) << 2;
  const a = f32x4.splat(a0);
  const b = f32x4.splat(a1);
  const cx = cellOf(x, kx);
  const cy = cellOf(y, ky);
  const cz = cellOf(z, kz);
  let mx = span<T, X, Y, Z>(A, x, y, z, full, a, b, cx, cy, cz);
  const rem = <usize>(n & 3);
  if (rem != 0) {
    const bytes = rem << 2;
    const px = pad(tx, x, kx, full, bytes);
    const py = pad(ty, y, ky, full, bytes);
    const pz = pad(tz, z, kz, full, bytes);
    span<T, X, Y, Z>(ta, px, py, pz, 16, a, b, cx, cy, cz);
    memory.copy(A + full, ta, bytes);
    mx = track(mx, firstLanes(v128.load(ta), rem));
  }
  return flagsFrom(mx);
}

/** A binary op over operand kinds (x, y) in {lane, canon, cell}. */
function binary<T>(A: usize, x: usize, y: usize, n: i32): i32 {
  switch (kx * 3 + ky) {
    case 0: return loop<T, Lane, Lane, Unused>(A, x, y, 0, n, 0, 0);
    case 1: return loop<T, Lane, Canon, Unused>(A, x, y, 0, n, 0, 0);
    case 2: return loop<T, Lane, Cell, Unused>(A, x, y, 0, n, 0, 0);
    case 3: return loop<T, Canon, Lane, Unused>(A, x, y, 0, n, 0, 0);
    case 4: return loop<T, Canon, Canon, Unused>(A, x, y, 0, n, 0, 0);
    case 5: return loop<T, Canon, Cell, Unused>(A, x, y, 0, n, 0, 0);
    case 6: return loop<T, Cell, Lane, Unused>(A, x, y, 0, n, 0, 0);
    case 7: return loop<T, Cell, Canon, Unused>(A, x, y, 0, n, 0, 0);
  }
  return loop<T, Cell, Cell, Unused>(A, x, y, 0, n, 0, 0);
}

/** A unary op over operand kind x. */
function unary<T>(A: usize, x: usize, n: i32, a0: f32, a1: f32): i32 {
  if (kx == KIND_LANE) return loop<T, Lane, Unused, Unused>(A, x, 0, 0, n, a0, a1);
  if (kx == KIND_CANON) return loop<T, Canon, Unused, Unused>(A, x, 0, 0, n, a0, a1);
  return loop<T, Cell, Unused, Unused>(A, x, 0, 0, n, a0, a1);
}

/** The rare ops: operand kinds decided per vector. */
@inline function rare<T>(A: usize, x: usize, y: usize, z: usize, n: i32, a0: f32, a1: f32): i32 {
  return loop<T, Any, Any, Any>(A, x, y, z, n, a0, a1);
}

/** Fills n lanes with v; returns their flags. */
export function fillScan(A: usize, v: f32, n: i32): i32 {
  const s = f32x4.splat(v);
  const end = <usize>n << 2;
  let i: usize = 0;
  for (; i + 16 <= end; i += 16) v128.store(A + i, s);
  for (; i < end; i += 4) store<f32>(A + i, v);
  return n > 0 ? valueFlags(v) : 0;
}

/** A = op(x, y, z) for an elementwise op, operands of kinds x_, y_, z_ (KIND_*); returns A's flags. */
export function opRun(
  op: i32, A: usize, x: usize, x_: i32, y: usize, y_: i32, z: usize, z_: i32, n: i32, a0: f32, a1: f32, t: i32,
): i32 {
  kx = x_;
  ky = y_;
  kz = z_;
  switch (op) {
    case OP_IDENTITY:
    case OP_MODULATE: return unary<Identity>(A, x, n, a0, a1);
    case OP_ADD: return binary<Add>(A, x, y, n);
    case OP_SUB: return binary<Sub>(A, x, y, n);
    case OP_MUL: return binary<Mul>(A, x, y, n);
    case OP_DIV: {
      if (ky != KIND_CELL) return binary<Div>(A, x, y, n);
      if (load<f32>(y) == 0) return fillScan(A, 0, n);
      return binary<DivBy>(A, x, y, n);
    }
    case OP_NEG: return unary<Neg>(A, x, n, a0, a1);
    case OP_ABS: return unary<Abs>(A, x, n, a0, a1);
    case OP_SIGN: return unary<Sign>(A, x, n, a0, a1);
    case OP_SQUARE: return unary<Square>(A, x, n, a0, a1);
    case OP_SQRT: return unary<Sqrt>(A, x, n, a0, a1);
    case OP_RSQRT: return unary<Rsqrt>(A, x, n, a0, a1);
    case OP_RELU: return unary<Relu>(A, x, n, a0, a1);
    case OP_MIN: return binary<Min>(A, x, y, n);
    case OP_MAX: return binary<Max>(A, x, y, n);
    case OP_GT: return binary<Gt>(A, x, y, n);
    case OP_GE: return binary<Ge>(A, x, y, n);
    case OP_EQ: return binary<Eq>(A, x, y, n);
    case OP_CLAMP: return rare<Clamp>(A, x, y, z, n, a0, a1);
    case OP_SELECT: return rare<Select>(A, x, y, z, n, a0, a1);
    case OP_POW: return rare<Pow>(A, x, y, z, n, a0, a1);
    case OP_EXP: return rare<Exp>(A, x, y, z, n, a0, a1);
    case OP_LOG: return rare<Log>(A, x, y, z, n, a0, a1);
    case OP_TANH: return rare<Tanh>(A, x, y, z, n, a0, a1);
    case OP_SIGMOID: return rare<Sigmoid>(A, x, y, z, n, a0, a1);
    case OP_EVERY: return fillScan(A, everyValue(a0, t), n);
  }
  return fillScan(A, a0, n); // const
}
