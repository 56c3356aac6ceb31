// Motifs shared by the seeds: small subgraphs that every seed using them builds with the same part
// names, hence the same innovation keys (builder.ts). A motif takes the refs it reads and returns the
// ref of its result. `id` names the instance (for example "m" for Adam's first moment): two seeds
// share keys for a motif exactly when they use the same id.

import type { GenomeBuilder, Ref } from './builder.ts';

const f32 = Math.fround;

/**
 * Exponential moving average s_t = beta s_{t-1} + (1 - beta) x_t, s_0 = 0 (lane or scalar, as x):
 * an identity node over x (weight 1 - beta, from beta rounded to float32, so the two weights add
 * up to one) and its own value one tick back (weight beta). At t = 1 the delayed edge is not live
 * yet, so s_1 = (1 - beta) x_1.
 */
export function ema(b: GenomeBuilder, id: string, x: Ref, beta: number): Ref {
  const s = b.node(id, 'identity');
  const bf = f32(beta);
  b.edge(x, s, 0, f32(1 - bf));
  b.edge(s, s, 0, bf, 1);
  return s;
}

/** x^2, elementwise. */
export function square(b: GenomeBuilder, id: string, x: Ref): Ref {
  const s = b.node(id, 'square');
  b.edge(x, s);
  return s;
}

/** Adam's bias correction c_t = 1 - beta^t, a scalar node (beta^t as pow(beta, step)). */
export function biasCorrection(b: GenomeBuilder, id: string, beta: number): Ref {
  const power = b.node(`${id}.power`, 'pow');
  b.edge(b.constant(beta), power, 0);
  b.edge(b.step, power, 1);
  const c = b.node(id, 'identity');
  b.edge(b.constant(1), c, 0, 1);
  b.edge(power, c, 0, -1);
  return c;
}

/** x / c, elementwise (c usually a scalar such as a bias correction). */
export function divide(b: GenomeBuilder, id: string, x: Ref, c: Ref): Ref {
  const q = b.node(id, 'div');
  b.edge(x, q, 0);
  b.edge(c, q, 1);
  return q;
}

/** RMS normalisation x / (sqrt(v) + eps): returns the quotient; its parts are id.rms and id.den. */
export function rmsNormalise(b: GenomeBuilder, id: string, x: Ref, v: Ref, eps: number): Ref {
  const rms = b.node(`${id}.rms`, 'sqrt');
  b.edge(v, rms);
  const den = b.node(`${id}.den`, 'identity');
  b.edge(rms, den);
  b.edge(b.constant(1), den, 0, eps);
  return divide(b, id, x, den);
}

/**
 * The output: new parameter = parameter - lr * update (+ the parameter times -decay when decay is
 * nonzero: decoupled weight decay, Loshchilov & Hutter 2019, arXiv:1711.05101, with decay = lr * wd).
 */
export function applyUpdate(b: GenomeBuilder, update: Ref, lr: number, decay = 0): Ref {
  const out = b.output('identity');
  b.edge(b.parameter, out, 0, decay === 0 ? 1 : f32(1 - decay));
  b.edge(update, out, 0, -lr);
  return out;
}
