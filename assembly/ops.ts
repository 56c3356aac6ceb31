// The elementwise ops of docs/engine.md (Ops) on one value, and the helpers the SIMD kernels
// (kern.ts) share with it. wasm's f32 ops round like Math.fround and its min/max propagate NaN
// like Math.min/max; transcendentals are computed in f64 from the f32 argument and rounded once.
// Reductions are not here: their values come from a pass over the group (reduce.ts).

import {
  OP_IDENTITY, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_NEG, OP_ABS, OP_SIGN, OP_SQUARE, OP_SQRT, OP_RSQRT,
  OP_POW, OP_EXP, OP_LOG, OP_TANH, OP_SIGMOID, OP_RELU, OP_MIN, OP_MAX, OP_CLAMP, OP_GT, OP_GE, OP_EQ,
  OP_SELECT, OP_EVERY, OP_CONST, OP_MODULATE,
} from './layout';

const TINY: f32 = 1e-30;

@inline export function powOp(x: f32, y: f32): f32 {
  const ax = <f64>abs(x);
  // C's pow (IEEE 754), unlike Math.pow: pow(1, y) and pow(x, 0) are 1 even for NaN.
  if (ax == 1 || y == 0) return 1;
  return <f32>Math.pow(ax, <f64>y);
}
@inline export function expOp(x: f32): f32 {
  return <f32>Math.exp(<f64>min(max(x, <f32>-80), <f32>80));
}
@inline export function logOp(x: f32): f32 {
  return <f32>Math.log(<f64>max(abs(x), TINY));
}
@inline export function sigmoidOp(x: f32): f32 {
  return <f32>(1.0 / (1.0 + Math.exp(-<f64>x)));
}

/** every's value at tick t: 1 if t mod k == 0, k = clamp(floor(f32(a0 + 0.5)), 1, 2^30). */
export function everyValue(a0: f32, t: i32): f32 {
  const f = Mathf.floor(a0 + <f32>0.5);
  let k: i32 = 1;
  if (f >= <f32>1073741824) k = 1073741824;
  else if (f > 1) k = <i32>f;
  return (<u32>t % <u32>k) == 0 ? 1 : 0;
}

/** One value of an elementwise op (the same results as the SIMD kernels above). */
export function opUnit(op: i32, x: f32, y: f32, z: f32, a0: f32, a1: f32, t: i32): f32 {
  switch (op) {
    case OP_IDENTITY: return x;
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    case OP_DIV: return y == 0 ? 0 : x / y;
    case OP_NEG: return -x;
    case OP_ABS: return abs(x);
    case OP_SIGN: return x > 0 ? 1 : x < 0 ? -1 : 0;
    case OP_SQUARE: return x * x;
    case OP_SQRT: return Mathf.sqrt(max(x, <f32>0));
    case OP_RSQRT: return x > 0 ? <f32>1 / Mathf.sqrt(x) : 0;
    case OP_POW: return powOp(x, y);
    case OP_EXP: return expOp(x);
    case OP_LOG: return logOp(x);
    case OP_TANH: return <f32>Math.tanh(<f64>x);
    case OP_SIGMOID: return sigmoidOp(x);
    case OP_RELU: return max(x, <f32>0);
    case OP_MIN: return min(x, y);
    case OP_MAX: return max(x, y);
    case OP_CLAMP: return min(max(x, a0), a1);
    case OP_GT: return x > y ? 1 : 0;
    case OP_GE: return x >= y ? 1 : 0;
    case OP_EQ: return x == y ? 1 : 0;
    case OP_SELECT: return x != 0 ? y : z;
    case OP_EVERY: return everyValue(a0, t);
    case OP_CONST: return a0;
    case OP_MODULATE: return x;
  }
  return 0;
}
