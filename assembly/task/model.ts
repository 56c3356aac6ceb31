// Dense MLPs inside the engine: forward pass, loss, backward pass (backpropagation, Rumelhart,
// Hinton & Williams 1986) and the exact Hessian-vector product by the R-operator (Pearlmutter 1994,
// "Fast exact multiplication by the Hessian", Neural Computation 6(1)). docs/task-models.md.
//
// Layer l maps h_l (n_l wide) to a_l = W_l h_l + b_l, h_{l+1} = act_l(a_l). The parameters are the
// engine's lanes, f32, in layer order: W_0 (n_1 rows x n_0 cols, row-major), b_0 (1 x n_1), W_1, ...
// Everything else is f64, so the loss and gradient are those of the f32 parameters to f64 accuracy.
//
// With V the probe direction laid out like the parameters (Pearlmutter's R{.} = d/dr (.)(w + r V)):
//   forward   R{a_l} = V_l h_l + W_l R{h_l} + Vb_l,   R{h_{l+1}} = act'(a_l) R{a_l},   R{h_0} = 0
//   backward  d_l = act'(a_l) e_{l+1},  R{d_l} = act''(a_l) R{a_l} e_{l+1} + act'(a_l) R{e_{l+1}}
//             dW_l = d_l h_l^T,         R{dW_l} = R{d_l} h_l^T + d_l R{h_l}^T,   db_l = d_l
//             e_l = W_l^T d_l,          R{e_l} = V_l^T d_l + W_l^T R{d_l}
// where e_N = dLoss/dh_N and R{e_N} = (d^2 Loss / dh_N^2) R{h_N}. Then R{grad} = H V.
//
// Buffers (rows = the largest batch or chunk), each rows x width f64 row-major:
//   h[0..N], a[0..N-1], rh[1..N], ra[0..N-1]; e, re ping-pong pairs of rows x maxWidth.

import { alloc } from '../memory';
import { ACT_COUNT, LOSS_MSE, MAX_LAYERS } from '../layout';
import { f64At, setF64, dot, dot64, axpy, axpyW, activateRows, deriveRows } from './kernels';

// Per layer: inputs, outputs, activation, weight offset (lane), bias offset (lane).
const spec = memory.data(MAX_LAYERS * 5 * 4);
// Per layer buffer pointers: h (MAX_LAYERS + 1 entries), a, rh, ra.
const hTab = memory.data((MAX_LAYERS + 1) * 4);
const aTab = memory.data(MAX_LAYERS * 4);
const rhTab = memory.data((MAX_LAYERS + 1) * 4);
const raTab = memory.data(MAX_LAYERS * 4);

export let layers: i32 = 0;
export let lossKind: i32 = LOSS_MSE;
export let rows: i32 = 0;
export let params: i32 = 0;
let maxWidth: i32 = 0;
let e0: usize = 0;
let e1: usize = 0;
let re0: usize = 0;
let re1: usize = 0;

/** Parameters (f32, lane order), gradient, H V and the direction V (f64, lane order). */
export let theta: usize = 0;
export let grad: usize = 0;
export let hv: usize = 0;
export let dir: usize = 0;

@inline function sp(l: i32, f: i32): i32 {
  return load<i32>(spec + (<usize>(l * 5 + f) << 2));
}
@inline export function inputsOf(l: i32): i32 {
  return sp(l, 0);
}
@inline export function outputsOf(l: i32): i32 {
  return sp(l, 1);
}
@inline function actOf(l: i32): i32 {
  return sp(l, 2);
}
@inline export function weightsAt(l: i32): i32 {
  return sp(l, 3);
}
@inline export function biasAt(l: i32): i32 {
  return sp(l, 4);
}
@inline function tab(t: usize, l: i32): usize {
  return load<usize>(t + (<usize>l << 2));
}
@inline function wAt(i: i32): f64 {
  return <f64>load<f32>(theta + (<usize>i << 2));
}

/** Records layer l; false if a field is out of range. */
export function setLayer(l: i32, inputs: i32, outputs: i32, activation: i32): bool {
  if (l < 0 || l >= MAX_LAYERS || inputs < 1 || outputs < 1 || inputs > (1 << 20) || outputs > (1 << 20) ||
    activation < 0 || activation >= ACT_COUNT) return false;
  const at = spec + (<usize>(l * 5) << 2);
  store<i32>(at, inputs);
  store<i32>(at + 4, outputs);
  store<i32>(at + 8, activation);
  return true;
}

/** The lane count the first `count` layers need, or -1 if they do not chain or exceed the engine. */
export function laneCount(count: i32): i64 {
  let lanes: i64 = 0;
  for (let l = 0; l < count; l++) {
    if (l > 0 && inputsOf(l) != outputsOf(l - 1)) return -1;
    lanes += <i64>inputsOf(l) * <i64>outputsOf(l) + <i64>outputsOf(l);
  }
  return lanes;
}

/** Takes the model's buffers from the arena for batches or chunks of up to `rowCount` rows. */
export function allocModel(count: i32, loss: i32, rowCount: i32): bool {
  layers = count;
  lossKind = loss;
  rows = rowCount;
  let lane = 0;
  maxWidth = inputsOf(0);
  for (let l = 0; l < count; l++) {
    const at = spec + (<usize>(l * 5) << 2);
    store<i32>(at + 12, lane);
    lane += inputsOf(l) * outputsOf(l);
    store<i32>(at + 16, lane);
    lane += outputsOf(l);
    maxWidth = max(maxWidth, outputsOf(l));
  }
  params = lane;
  const r = <u64>rowCount;
  store<usize>(hTab, alloc(r * <u64>inputsOf(0) * 8));
  store<usize>(rhTab, 0);
  let ok = tab(hTab, 0) != 0;
  for (let l = 0; l < count; l++) {
    const bytes = r * <u64>outputsOf(l) * 8;
    const h = alloc(bytes);
    const a = alloc(bytes);
    const rh = alloc(bytes);
    const ra = alloc(bytes);
    ok = ok && h != 0 && a != 0 && rh != 0 && ra != 0;
    store<usize>(hTab + (<usize>(l + 1) << 2), h);
    store<usize>(aTab + (<usize>l << 2), a);
    store<usize>(rhTab + (<usize>(l + 1) << 2), rh);
    store<usize>(raTab + (<usize>l << 2), ra);
  }
  const wide = r * <u64>maxWidth * 8;
  e0 = alloc(wide);
  e1 = alloc(wide);
  re0 = alloc(wide);
  re1 = alloc(wide);
  theta = alloc(<u64>lane * 4);
  grad = alloc(<u64>lane * 8);
  hv = alloc(<u64>lane * 8);
  dir = alloc(<u64>lane * 8);
  return ok && e0 != 0 && e1 != 0 && re0 != 0 && re1 != 0 && theta != 0 && grad != 0 && hv != 0 && dir != 0;
}

/** The model's input rows: `n` rows of the f32 matrix `x` (features wide) picked by `index`. */
export function gather(x: usize, index: usize, n: i32): void {
  const w = inputsOf(0);
  const h = tab(hTab, 0);
  for (let r = 0; r < n; r++) {
    const src = x + (<usize>load<i32>(index + (<usize>r << 2)) * <usize>w << 2);
    const dst = h + (<usize>(r * w) << 3);
    for (let i = 0; i < w; i++) store<f64>(dst + (<usize>i << 3), <f64>load<f32>(src + (<usize>i << 2)));
  }
}

/** Forward pass over the first n rows of h[0]; with `probe`, also R{a} and R{h} along `dir`. */
export function forward(n: i32, probe: bool): void {
  for (let l = 0; l < layers; l++) {
    const nin = inputsOf(l);
    const nout = outputsOf(l);
    const kind = actOf(l);
    const w = weightsAt(l);
    const b = biasAt(l);
    const hin = tab(hTab, l);
    const rhin = tab(rhTab, l);
    const a = tab(aTab, l);
    const hout = tab(hTab, l + 1);
    const ra = tab(raTab, l);
    const rhout = tab(rhTab, l + 1);
    for (let r = 0; r < n; r++) {
      const x = hin + (<usize>(r * nin) << 3);
      const rx = rhin + (<usize>(r * nin) << 3);
      for (let o = 0; o < nout; o++) {
        const row = w + o * nin;
        const k = r * nout + o;
        setF64(a, k, wAt(b + o) + dot(theta + (<usize>row << 2), x, nin));
        if (!probe) continue;
        let rs = f64At(dir, b + o) + dot64(dir + (<usize>row << 3), x, nin);
        if (l > 0) rs += dot(theta + (<usize>row << 2), rx, nin);
        setF64(ra, k, rs);
      }
    }
    activateRows(kind, a, hout, ra, rhout, n * nout, probe);
  }
}

/**
 * The loss summed over the n rows (targets y, f32, rows picked by `index`) and, with `delta`, the
 * derivative of the loss's mean over the rows into e (and its R-image into re with `probe`).
 * MSE: per row the mean over the targets of (h - y)^2. Softmax cross-entropy: per row
 * -sum_k y_k log softmax(h)_k, computed as sum_k y_k (lse - h_k) with lse = log sum exp h.
 */
export function lossRows(y: usize, index: usize, n: i32, delta: bool, probe: bool): f64 {
  const k = outputsOf(layers - 1);
  const out = tab(hTab, layers);
  const rout = tab(rhTab, layers);
  const scale: f64 = 1.0 / <f64>n;
  let total: f64 = 0;
  for (let r = 0; r < n; r++) {
    const t = y + (<usize>load<i32>(index + (<usize>r << 2)) * <usize>k << 2);
    const base = r * k;
    if (lossKind == LOSS_MSE) {
      let sum: f64 = 0;
      const c = 2 * scale / <f64>k;
      for (let j = 0; j < k; j++) {
        const diff = f64At(out, base + j) - <f64>load<f32>(t + (<usize>j << 2));
        sum += diff * diff;
        if (delta) setF64(e0, base + j, c * diff);
        if (probe) setF64(re0, base + j, c * f64At(rout, base + j));
      }
      total += sum / <f64>k;
    } else {
      let m = f64At(out, base);
      for (let j = 1; j < k; j++) m = max(m, f64At(out, base + j));
      let z: f64 = 0;
      for (let j = 0; j < k; j++) z += Math.exp(f64At(out, base + j) - m);
      const lse = m + Math.log(z);
      let mass: f64 = 0;
      let pr: f64 = 0;
      for (let j = 0; j < k; j++) {
        const yj = <f64>load<f32>(t + (<usize>j << 2));
        mass += yj;
        total += yj * (lse - f64At(out, base + j));
        if (probe) pr += Math.exp(f64At(out, base + j) - lse) * f64At(rout, base + j);
      }
      // d/dh_j = mass p_j - y_j; its R-image is mass (p_j R{h_j} - p_j sum_i p_i R{h_i}).
      for (let j = 0; j < k; j++) {
        const p = Math.exp(f64At(out, base + j) - lse);
        if (delta) setF64(e0, base + j, scale * (mass * p - <f64>load<f32>(t + (<usize>j << 2))));
        if (probe) setF64(re0, base + j, scale * mass * p * (f64At(rout, base + j) - pr));
      }
    }
  }
  return total;
}

/** Backward pass from e (set by lossRows) over n rows: grad, and with `probe` hv = H dir. */
export function backward(n: i32, probe: bool): void {
  memory.fill(grad, 0, <usize>params << 3);
  if (probe) memory.fill(hv, 0, <usize>params << 3);
  let e = e0;
  let en = e1;
  let re = re0;
  let ren = re1;
  for (let l = layers - 1; l >= 0; l--) {
    const nin = inputsOf(l);
    const nout = outputsOf(l);
    const kind = actOf(l);
    const w = weightsAt(l);
    const b = biasAt(l);
    const hin = tab(hTab, l);
    const rhin = tab(rhTab, l);
    const a = tab(aTab, l);
    const hout = tab(hTab, l + 1);
    const ra = tab(raTab, l);
    deriveRows(kind, a, hout, e, ra, re, n * nout, probe);
    for (let r = 0; r < n; r++) {
      const x = hin + (<usize>(r * nin) << 3);
      const rx = rhin + (<usize>(r * nin) << 3);
      for (let o = 0; o < nout; o++) {
        const k = r * nout + o;
        const d = f64At(e, k);
        const row = w + o * nin;
        setF64(grad, b + o, f64At(grad, b + o) + d);
        axpy(grad + (<usize>row << 3), d, x, nin);
        if (!probe) continue;
        const rd = f64At(re, k);
        setF64(hv, b + o, f64At(hv, b + o) + rd);
        axpy(hv + (<usize>row << 3), rd, x, nin);
        if (l > 0) axpy(hv + (<usize>row << 3), d, rx, nin);
      }
    }
    if (l == 0) break;
    // e_l = W_l^T d_l, R{e_l} = V_l^T d_l + W_l^T R{d_l}.
    for (let r = 0; r < n; r++) {
      const dst = en + (<usize>(r * nin) << 3);
      const rdst = ren + (<usize>(r * nin) << 3);
      memory.fill(dst, 0, <usize>nin << 3);
      if (probe) memory.fill(rdst, 0, <usize>nin << 3);
      for (let o = 0; o < nout; o++) {
        const k = r * nout + o;
        const d = f64At(e, k);
        const row = w + o * nin;
        axpyW(dst, d, theta + (<usize>row << 2), nin);
        if (!probe) continue;
        axpy(rdst, d, dir + (<usize>row << 3), nin);
        axpyW(rdst, f64At(re, k), theta + (<usize>row << 2), nin);
      }
    }
    let swap = e;
    e = en;
    en = swap;
    swap = re;
    re = ren;
    ren = swap;
  }
}
