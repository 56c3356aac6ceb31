// Adafactor: Shazeer & Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
// ICML 2018, arXiv:1804.04235, Algorithm 4 (factored second moments) with beta1 = 0, the relative
// step size of Section 8 and update clipping, per tensor (one lane group, rows x cols):
//
//   G     = g^2 + eps1
//   b2_t  = 1 - t^-c
//   R     = b2_t R + (1 - b2_t) rowmean(G)       (the paper's row sums, divided by cols)
//   C     = b2_t C + (1 - b2_t) colmean(G)       (the paper's column sums, divided by rows)
//   V     = R C / mean(R)                        (= R_sum C_sum / sum(R_sum): the means cancel)
//   U     = g / sqrt(V);  U' = U / max(1, RMS(U) / d)
//   alpha = max(eps2, RMS(p_{t-1})) min(maxStep, 1/sqrt(t))
//   p    -= alpha U'
//
// The step size is the paper's relative one (not a fixed lr). A 1 x n or n x 1 tensor needs no
// special case: there rowmean or colmean is the element itself and mean(R) cancels the other factor,
// so V is the unfactored moment of Algorithm 5 (up to rounding; the tests hold the graph to an
// Algorithm 5 reference on such tensors). Defaults: the paper's (Section 8: eps1 1e-30, eps2 1e-3,
// d 1, c 0.8, relative step bound 1e-2).

import type { Ref } from './builder.ts';
import { GenomeBuilder } from './builder.ts';
import { defineSeed } from './define.ts';
import { applyUpdate, square } from './motifs.ts';

export const adafactor = defineSeed({
  name: 'adafactor',
  title: 'Adafactor',
  paper: 'Shazeer & Stern 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost", ICML 2018, arXiv:1804.04235',
  rule: 'R, C = ema(rowmean, colmean of g^2 + eps1; 1 - t^-c); U = g/sqrt(R C/mean R); p -= max(eps2, RMS(p)) min(maxStep, t^-1/2) U/max(1, RMS(U)/d)',
  defaults: { maxStep: 1e-2, eps1: 1e-30, eps2: 1e-3, d: 1, c: 0.8 },
}, (h) => {
  const b = new GenomeBuilder('adafactor');
  const G = b.node('af.G', 'identity');
  b.edge(square(b, 'g2', b.gradient), G, 0, 1);
  b.edge(b.constant(1), G, 0, h.eps1);
  const rate = b.node('af.rate', 'pow'); // t^-c = 1 - b2_t
  b.edge(b.step, rate, 0);
  b.edge(b.constant(-h.c), rate, 1);
  const keep = b.node('af.keep', 'identity'); // b2_t
  b.edge(b.constant(1), keep, 0, 1);
  b.edge(rate, keep, 0, -1);
  const rowG = b.node('af.rowG', 'rowmean');
  b.edge(G, rowG);
  const colG = b.node('af.colG', 'colmean');
  b.edge(G, colG);
  const R = decayingAverage(b, 'af.R', rowG, keep, rate);
  const C = decayingAverage(b, 'af.C', colG, keep, rate);
  const meanR = b.node('af.meanR', 'rmean');
  b.edge(R, meanR);
  const rc = b.node('af.RC', 'mul');
  b.edge(R, rc, 0);
  b.edge(C, rc, 1);
  const V = b.node('af.V', 'div');
  b.edge(rc, V, 0);
  b.edge(meanR, V, 1);
  const rootV = b.node('af.rootV', 'sqrt');
  b.edge(V, rootV);
  const U = b.node('af.U', 'div');
  b.edge(b.gradient, U, 0);
  b.edge(rootV, U, 1);
  const rmsU = b.node('af.rmsU', 'rrms');
  b.edge(U, rmsU);
  const clip = b.node('af.clip', 'max'); // max(1, RMS(U) / d)
  b.edge(b.constant(1), clip, 0);
  b.edge(rmsU, clip, 1, 1 / h.d);
  const clipped = b.node('af.clipped', 'div');
  b.edge(U, clipped, 0);
  b.edge(clip, clipped, 1);
  const rmsP = b.node('af.rmsP', 'rrms');
  b.edge(b.parameter, rmsP);
  const scale = b.node('af.scale', 'max');
  b.edge(b.constant(h.eps2), scale, 0);
  b.edge(rmsP, scale, 1);
  const invRoot = b.node('af.invRoot', 'rsqrt');
  b.edge(b.step, invRoot);
  const relative = b.node('af.relative', 'min');
  b.edge(b.constant(h.maxStep), relative, 0);
  b.edge(invRoot, relative, 1);
  const alpha = b.node('af.alpha', 'mul');
  b.edge(scale, alpha, 0);
  b.edge(relative, alpha, 1);
  const step = b.node('af.step', 'mul');
  b.edge(alpha, step, 0);
  b.edge(clipped, step, 1);
  applyUpdate(b, step, 1);
  return b.build();
});

/** s_t = keep_t s_{t-1} + rate_t x_t with time-varying scalar weights (keep = 1 - rate). */
function decayingAverage(b: GenomeBuilder, id: string, x: Ref, keep: Ref, rate: Ref): Ref {
  const s = b.node(id, 'identity');
  const old = b.node(`${id}.old`, 'mul');
  b.edge(keep, old, 0);
  b.edge(s, old, 1, 1, 1);
  const fresh = b.node(`${id}.new`, 'mul');
  b.edge(rate, fresh, 0);
  b.edge(x, fresh, 1);
  b.edge(old, s, 0);
  b.edge(fresh, s, 0);
  return s;
}
