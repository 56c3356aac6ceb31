// Row kernels of the task models (model.ts): dot products and updates over one row, f64x2 SIMD
// with a scalar tail, and the activation passes with their first and second derivatives.

import { ACT_SIN, ACT_TANH, ACT_RELU } from '../layout';

@inline export function f64At(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
@inline export function setF64(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

// Kernels over one row, f64x2 SIMD with a scalar tail. Two accumulators halve the add chain; the
// summation order is fixed, so results do not depend on anything but the inputs.

/** sum_i w[i] x[i]: w f32 (parameters), x f64. */
export function dot(w: usize, x: usize, n: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const wp = w + (<usize>i << 2);
    const xp = x + (<usize>i << 3);
    a0 = f64x2.add(a0, f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(wp)), v128.load(xp)));
    a1 = f64x2.add(a1, f64x2.mul(f64x2.promote_low_f32x4(v128.load64_zero(wp, 8)), v128.load(xp, 16)));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) s += <f64>load<f32>(w + (<usize>i << 2)) * load<f64>(x + (<usize>i << 3));
  return s;
}

/** sum_i u[i] x[i], both f64. */
export function dot64(u: usize, x: usize, n: i32): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const up = u + (<usize>i << 3);
    const xp = x + (<usize>i << 3);
    a0 = f64x2.add(a0, f64x2.mul(v128.load(up), v128.load(xp)));
    a1 = f64x2.add(a1, f64x2.mul(v128.load(up, 16), v128.load(xp, 16)));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; i < n; i++) s += load<f64>(u + (<usize>i << 3)) * load<f64>(x + (<usize>i << 3));
  return s;
}

/** y[i] += c x[i], f64. */
export function axpy(y: usize, c: f64, x: usize, n: i32): void {
  const cv = f64x2.splat(c);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const yp = y + (<usize>i << 3);
    v128.store(yp, f64x2.add(v128.load(yp), f64x2.mul(cv, v128.load(x + (<usize>i << 3)))));
  }
  if (i < n) store<f64>(y + (<usize>i << 3), load<f64>(y + (<usize>i << 3)) + c * load<f64>(x + (<usize>i << 3)));
}

/** y[i] += c w[i], y f64, w f32 (parameters). */
export function axpyW(y: usize, c: f64, w: usize, n: i32): void {
  const cv = f64x2.splat(c);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const yp = y + (<usize>i << 3);
    const wv = f64x2.promote_low_f32x4(v128.load64_zero(w + (<usize>i << 2)));
    v128.store(yp, f64x2.add(v128.load(yp), f64x2.mul(cv, wv)));
  }
  if (i < n) store<f64>(y + (<usize>i << 3), load<f64>(y + (<usize>i << 3)) + c * <f64>load<f32>(w + (<usize>i << 2)));
}

// The activation passes: one plain loop per kind (and per probe), each its own function. A loop
// that branched on the kind per value would let the optimiser call tanh speculatively on every
// value, whatever the kind.

function sinRows(a: usize, h: usize, m: i32): void {
  for (let k = 0; k < m; k++) setF64(h, k, Math.sin(f64At(a, k)));
}
function tanhRows(a: usize, h: usize, m: i32): void {
  for (let k = 0; k < m; k++) setF64(h, k, Math.tanh(f64At(a, k)));
}
function reluRows(a: usize, h: usize, m: i32): void {
  for (let k = 0; k < m; k++) setF64(h, k, max(f64At(a, k), 0));
}
function sinProbeRows(a: usize, ra: usize, rh: usize, m: i32): void {
  for (let k = 0; k < m; k++) setF64(rh, k, Math.cos(f64At(a, k)) * f64At(ra, k));
}
function tanhProbeRows(h: usize, ra: usize, rh: usize, m: i32): void {
  for (let k = 0; k < m; k++) {
    const v = f64At(h, k);
    setF64(rh, k, (1 - v * v) * f64At(ra, k));
  }
}
function reluProbeRows(a: usize, ra: usize, rh: usize, m: i32): void {
  for (let k = 0; k < m; k++) setF64(rh, k, f64At(a, k) > 0 ? f64At(ra, k) : 0);
}

/** h = act(a) and, with `probe`, R{h} = act'(a) R{a} over m values. */
export function activateRows(kind: i32, a: usize, h: usize, ra: usize, rh: usize, m: i32, probe: bool): void {
  if (kind == ACT_SIN) sinRows(a, h, m);
  else if (kind == ACT_TANH) tanhRows(a, h, m);
  else if (kind == ACT_RELU) reluRows(a, h, m);
  else memory.copy(h, a, <usize>m << 3);
  if (!probe) return;
  if (kind == ACT_SIN) sinProbeRows(a, ra, rh, m);
  else if (kind == ACT_TANH) tanhProbeRows(h, ra, rh, m);
  else if (kind == ACT_RELU) reluProbeRows(a, ra, rh, m);
  else memory.copy(rh, ra, <usize>m << 3);
}

// act'(a) and act''(a): sin: cos a, -sin a; tanh: 1 - h^2, -2 h (1 - h^2); relu: [a > 0], 0;
// identity: 1, 0. The R-image is updated first, as it reads the incoming e.

function sinDerive(a: usize, h: usize, e: usize, m: i32): void {
  for (let k = 0; k < m; k++) setF64(e, k, Math.cos(f64At(a, k)) * f64At(e, k));
}
function tanhDerive(h: usize, e: usize, m: i32): void {
  for (let k = 0; k < m; k++) {
    const v = f64At(h, k);
    setF64(e, k, (1 - v * v) * f64At(e, k));
  }
}
function reluDerive(a: usize, e: usize, m: i32): void {
  for (let k = 0; k < m; k++) setF64(e, k, f64At(a, k) > 0 ? f64At(e, k) : 0);
}
function sinDeriveProbe(a: usize, h: usize, e: usize, ra: usize, re: usize, m: i32): void {
  for (let k = 0; k < m; k++) {
    const g = Math.cos(f64At(a, k));
    const up = f64At(e, k);
    setF64(re, k, -f64At(h, k) * f64At(ra, k) * up + g * f64At(re, k));
    setF64(e, k, g * up);
  }
}
function tanhDeriveProbe(h: usize, e: usize, ra: usize, re: usize, m: i32): void {
  for (let k = 0; k < m; k++) {
    const v = f64At(h, k);
    const g = 1 - v * v;
    const up = f64At(e, k);
    setF64(re, k, -2 * v * g * f64At(ra, k) * up + g * f64At(re, k));
    setF64(e, k, g * up);
  }
}
function reluDeriveProbe(a: usize, e: usize, re: usize, m: i32): void {
  for (let k = 0; k < m; k++) {
    if (f64At(a, k) > 0) continue;
    setF64(e, k, 0);
    setF64(re, k, 0);
  }
}

/** d = act'(a) e and, with `probe`, R{d} = act''(a) R{a} e + act'(a) R{e}, in place over m values. */
export function deriveRows(kind: i32, a: usize, h: usize, e: usize, ra: usize, re: usize, m: i32, probe: bool): void {
  if (probe) {
    if (kind == ACT_SIN) sinDeriveProbe(a, h, e, ra, re, m);
    else if (kind == ACT_TANH) tanhDeriveProbe(h, e, ra, re, m);
    else if (kind == ACT_RELU) reluDeriveProbe(a, e, re, m);
  } else {
    if (kind == ACT_SIN) sinDerive(a, h, e, m);
    else if (kind == ACT_TANH) tanhDerive(h, e, m);
    else if (kind == ACT_RELU) reluDerive(a, e, m);
  }
}
