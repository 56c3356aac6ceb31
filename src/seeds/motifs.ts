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
  return descentSum(b, b.output('identity'), update, lr, decay);
}

/** The edges of applyUpdate's sum into `next`: parameter (times 1 - decay) and -lr * update. */
function descentSum(b: GenomeBuilder, next: Ref, update: Ref, lr: number, decay: number): Ref {
  b.edge(b.parameter, next, 0, decay === 0 ? 1 : f32(1 - decay));
  b.edge(update, next, 0, -lr);
  return next;
}

/**
 * The new parameter as a hidden node `id` rather than the output: the same sum as applyUpdate, for
 * seeds whose output comes from an outer motif (lookahead reads this as its fast weights).
 */
export function updateNode(b: GenomeBuilder, id: string, update: Ref, lr: number, decay = 0): Ref {
  return descentSum(b, b.node(id, 'identity'), update, lr, decay);
}

/** Adam's moments and their bias-corrected forms (Kingma & Ba 2015, arXiv:1412.6980, Algorithm 1). */
export interface AdamMoments {
  readonly m: Ref;
  readonly v: Ref;
  /** The bias corrections 1 - b1^t and 1 - b2^t (scalars). */
  readonly c1: Ref;
  readonly c2: Ref;
  readonly mhat: Ref;
  readonly vhat: Ref;
}

/**
 * m = ema(first, b1), v = ema(second, b2), mhat = m / (1 - b1^t), vhat = v / (1 - b2^t). The
 * defaults (first = g, second = g^2) are Adam's, built with the same ids in every seed that uses
 * them, so Adam, AdamW, RAdam, LAMB and Lookahead-Adam share these keys; a seed that feeds other
 * inputs (AdaNorm's corrected gradient, AdaHessian's curvature) keeps the moments' node keys.
 */
export function adamMoments(b: GenomeBuilder, b1: number, b2: number, first: Ref = b.gradient, second?: Ref): AdamMoments {
  const m = ema(b, 'm', first, b1);
  const v = ema(b, 'v', second ?? square(b, 'g2', b.gradient), b2);
  const c1 = biasCorrection(b, 'c1', b1);
  const c2 = biasCorrection(b, 'c2', b2);
  return { m, v, c1, c2, mhat: divide(b, 'mhat', m, c1), vhat: divide(b, 'vhat', v, c2) };
}

/** Adam's direction mhat / (sqrt(vhat) + eps), named "dir". */
export function adamDirection(b: GenomeBuilder, moments: AdamMoments, eps: number): Ref {
  return rmsNormalise(b, 'dir', moments.mhat, moments.vhat, eps);
}

/**
 * Lookahead (Zhang, Lucas, Hinton & Ba 2019, "Lookahead Optimizer: k steps forward, 1 step back",
 * NeurIPS 2019, arXiv:1907.08610, Algorithm 1) around fast weights `fast` (the inner optimizer's
 * new parameter, a hidden node), producing the output:
 *
 *   phi_prev = p_1 at t = 1 (the slow weights start at the first parameters), else phi_{t-1}
 *   sync     = 1 when t mod k == 0 (`every`), else 0
 *   phi_t    = sync ? phi_prev + alpha (fast - phi_prev) : phi_prev
 *   output   = sync ? phi_t : fast          (after a sync the fast weights restart from phi)
 *
 * The slow weights live in the graph: "la.slow" reads itself one tick back through "la.prev".
 */
export function lookahead(b: GenomeBuilder, fast: Ref, k: number, alpha: number): Ref {
  const first = b.node('la.first', 'eq');
  b.edge(b.step, first, 0);
  b.edge(b.constant(1), first, 1);
  const prev = b.node('la.prev', 'select');
  const slow = b.node('la.slow', 'select');
  b.edge(first, prev, 0);
  b.edge(b.parameter, prev, 1);
  b.edge(slow, prev, 2, 1, 1);
  const sync = b.node('la.sync', 'every', { attrs: [k] });
  // phi + alpha (fast - phi), rounded as written (not (1 - alpha) phi + alpha fast).
  const gap = b.node('la.gap', 'identity');
  b.edge(fast, gap, 0, 1);
  b.edge(prev, gap, 0, -1);
  const pulled = b.node('la.pulled', 'identity');
  b.edge(prev, pulled, 0, 1);
  b.edge(gap, pulled, 0, alpha);
  b.edge(sync, slow, 0);
  b.edge(pulled, slow, 1);
  b.edge(prev, slow, 2);
  const out = b.output('select');
  b.edge(sync, out, 0);
  b.edge(pulled, out, 1);
  b.edge(fast, out, 2);
  return out;
}
