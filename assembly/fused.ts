// A hand-written, fused Adam step (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization",
// arXiv:1412.6980, Algorithm 1) over n lanes: f32x4 SIMD with a scalar tail. It is the yardstick for
// the interpreted engine (bench/engine.bench.ts): the same math as the Adam genome
// (src/examples/adam.ts), written as one loop by hand, so the practical limit on this machine.
//
// adamStep does the genome's operations one for one (three divisions and a square root per lane), so
// it rounds like the graph does; adamStepReciprocal multiplies by the reciprocals of the bias
// corrections instead (one division and a square root per lane; rounding differs by an ulp or so),
// as a tuned library would, to show what the division-bound version leaves on the table.
//
// The host calls reserve(n), writes g, p, m, v through the pointers gPtr() .. vPtr() (each n f32,
// 16-byte aligned), then adamStep(n, step, ...) once per update; p, m and v are updated in place.
//
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
//   c1 = 1 - b1^t;  c2 = 1 - b2^t           (once per call, as the genome's scalar nodes)
//   p = p - lr * (m / c1) / (sqrt(v / c2) + eps)

let gBase: usize = 0;
let pBase: usize = 0;
let mBase: usize = 0;
let vBase: usize = 0;
let reserved: i32 = 0;

/** Makes room for n lanes of g, p, m and v (zeroed); returns 1, or 0 if memory cannot grow. */
export function reserve(n: i32): i32 {
  if (n < 0) return 0;
  const stride = (<usize>((n + 3) & ~3)) << 2; // bytes per array, a multiple of 16
  const start = (__heap_base + 15) & ~(<usize>15);
  const end = start + 4 * stride;
  const have = (<usize>memory.size()) << 16;
  if (end > have) {
    const pages = <i32>((end - have + 0xffff) >> 16);
    if (memory.grow(pages) < 0) return 0;
  }
  gBase = start;
  pBase = start + stride;
  mBase = start + 2 * stride;
  vBase = start + 3 * stride;
  memory.fill(start, 0, 4 * stride);
  reserved = n;
  return 1;
}

export function lanes(): i32 {
  return reserved;
}

export function gPtr(): usize {
  return gBase;
}

export function pPtr(): usize {
  return pBase;
}

export function mPtr(): usize {
  return mBase;
}

export function vPtr(): usize {
  return vBase;
}

/** One Adam update of n lanes (n <= the reserved count) at step t (counting from 1). */
export function adamStep(n: i32, step: f64, lr: f32, b1: f32, b2: f32, eps: f32): void {
  update(n, step, lr, b1, b2, eps, false);
}

/** adamStep with the bias corrections applied as reciprocals: p -= lr m (1/c1) / (sqrt(v (1/c2)) + eps). */
export function adamStepReciprocal(n: i32, step: f64, lr: f32, b1: f32, b2: f32, eps: f32): void {
  update(n, step, lr, b1, b2, eps, true);
}

// `reciprocal` is a constant at both call sites, so each export gets its own branch-free loop.
@inline function update(n: i32, step: f64, lr: f32, b1: f32, b2: f32, eps: f32, reciprocal: bool): void {
  if (n > reserved) n = reserved;
  // Bias corrections, as the genome computes them: pow in float64 rounded once, then 1 - x rounded.
  const c1 = <f32>(1.0 - <f64><f32>Math.pow(<f64>b1, step));
  const c2 = <f32>(1.0 - <f64><f32>Math.pow(<f64>b2, step));
  const r1: f32 = c1 != 0 ? <f32>1.0 / c1 : 0;
  const r2: f32 = c2 != 0 ? <f32>1.0 / c2 : 0;
  const a1: f32 = 1.0 - b1;
  const a2: f32 = 1.0 - b2;
  const vb1 = f32x4.splat(b1);
  const vb2 = f32x4.splat(b2);
  const va1 = f32x4.splat(a1);
  const va2 = f32x4.splat(a2);
  const vc1 = f32x4.splat(c1);
  const vc2 = f32x4.splat(c2);
  const vr1 = f32x4.splat(r1);
  const vr2 = f32x4.splat(r2);
  const vlr = f32x4.splat(lr);
  const veps = f32x4.splat(eps);
  const g = gBase;
  const p = pBase;
  const m = mBase;
  const v = vBase;
  const body = (<usize>(n & ~3)) << 2;
  for (let o: usize = 0; o < body; o += 16) {
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(va1, gi));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(va2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const vhat = reciprocal ? f32x4.mul(vi, vr2) : f32x4.div(vi, vc2);
    const mhat = reciprocal ? f32x4.mul(mi, vr1) : f32x4.div(mi, vc1);
    const u = f32x4.div(mhat, f32x4.add(f32x4.sqrt(vhat), veps));
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(vlr, u)));
  }
  const total = (<usize>n) << 2;
  for (let o = body; o < total; o += 4) {
    const gi = load<f32>(g + o);
    const mi = b1 * load<f32>(m + o) + a1 * gi;
    const vi = b2 * load<f32>(v + o) + a2 * (gi * gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const vhat = reciprocal ? vi * r2 : vi / c2;
    const mhat = reciprocal ? mi * r1 : mi / c1;
    store<f32>(p + o, load<f32>(p + o) - lr * (mhat / (Mathf.sqrt(vhat) + eps)));
  }
}
