// Adaptive methods that change what Adam's moments track: Yogi (an additive second moment),
// AdaBelief (the variance of g around m), AdaNorm (a gradient-norm history correction), Adan (a third
// moment of gradient differences) and AdaHessian (a Hessian diagonal in place of g^2). Where a part
// plays the role of Adam's m or v it has Adam's id, so it lines up with Adam in crossover.

import { GenomeBuilder } from './builder.ts';
import { defineSeed } from './define.ts';
import { adamDirection, adamMoments, applyUpdate, biasCorrection, divide, ema, rmsNormalise, square } from './motifs.ts';

// Yogi: Zaheer, Reddi, Sachan, Kale & Kumar 2018, "Adaptive Methods for Nonconvex Optimization",
// NeurIPS 2018, Algorithm 2:
//   m = b1 m + (1-b1) g;  v = v - (1-b2) sign(v - g^2) g^2;  p -= lr m / (sqrt(v) + eps)
// with m_0 = v_0 = 0 and no bias correction, as in the paper. Defaults: the paper's (lr 1e-2,
// b1 0.9, b2 0.999, eps 1e-3).
export const yogi = defineSeed({
  name: 'yogi',
  title: 'Yogi',
  paper: 'Zaheer, Reddi, Sachan, Kale & Kumar 2018, "Adaptive Methods for Nonconvex Optimization", NeurIPS 2018',
  rule: 'm = b1 m + (1-b1) g; v = v - (1-b2) sign(v - g^2) g^2; p -= lr m / (sqrt(v) + eps)',
  defaults: { lr: 1e-2, b1: 0.9, b2: 0.999, eps: 1e-3 },
}, (h) => {
  const b = new GenomeBuilder('yogi');
  const m = ema(b, 'm', b.gradient, h.b1);
  const g2 = square(b, 'g2', b.gradient);
  const v = b.node('v', 'identity');
  const gap = b.node('yogi.gap', 'identity'); // v_{t-1} - g^2
  b.edge(v, gap, 0, 1, 1);
  b.edge(g2, gap, 0, -1);
  const sign = b.node('yogi.sign', 'sign');
  b.edge(gap, sign);
  const push = b.node('yogi.push', 'mul');
  b.edge(sign, push, 0);
  b.edge(g2, push, 1);
  b.edge(v, v, 0, 1, 1);
  b.edge(push, v, 0, -Math.fround(1 - Math.fround(h.b2)));
  applyUpdate(b, rmsNormalise(b, 'dir', m, v, h.eps), h.lr);
  return b.build();
});

// AdaBelief: Zhuang, Tang, Ding, Tatikonda, Dvornek, Papademetris & Duncan 2020, "AdaBelief
// Optimizer: Adapting Stepsizes by the Belief in Observed Gradients", NeurIPS 2020,
// arXiv:2010.07468, Algorithm 2:
//   m = b1 m + (1-b1) g;  s = b2 s + (1-b2) (g - m)^2 + eps
//   p -= lr (m / (1-b1^t)) / (sqrt(s / (1-b2^t)) + eps)
// Defaults: lr 1e-3, betas (0.9, 0.999) and eps 1e-16, those of the authors' adabelief-pytorch
// package (v0.2); the paper's experiments vary eps.
export const adabelief = defineSeed({
  name: 'adabelief',
  title: 'AdaBelief',
  paper: 'Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients", NeurIPS 2020, arXiv:2010.07468',
  rule: 'm = b1 m + (1-b1) g; s = b2 s + (1-b2) (g-m)^2 + eps; p -= lr (m/(1-b1^t)) / (sqrt(s/(1-b2^t)) + eps)',
  defaults: { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-16 },
}, (h) => {
  const b = new GenomeBuilder('adabelief');
  const m = ema(b, 'm', b.gradient, h.b1);
  const surprise = b.node('ab.surprise', 'identity'); // g - m
  b.edge(b.gradient, surprise, 0, 1);
  b.edge(m, surprise, 0, -1);
  // The paper's s plays Adam's v, and has its id.
  const s = ema(b, 'v', square(b, 'ab.surprise2', surprise), h.b2);
  b.edge(b.constant(1), s, 0, h.eps);
  const mhat = divide(b, 'mhat', m, biasCorrection(b, 'c1', h.b1));
  const shat = divide(b, 'vhat', s, biasCorrection(b, 'c2', h.b2));
  applyUpdate(b, rmsNormalise(b, 'dir', mhat, shat, h.eps), h.lr);
  return b.build();
});

// AdaNorm: Dubey, Basha, Singh & Chaudhuri 2023, "AdaNorm: Adaptive Gradient Norm Correction based
// Optimization for Deep Neural Networks", WACV 2023, arXiv:2210.06364, AdaNorm applied to Adam
// (AdamNorm), per tensor:
//   e = gamma e + (1-gamma) ||g||;  s = e > ||g|| ? (e / ||g||) g : g
//   m = b1 m + (1-b1) s;  v = b2 v + (1-b2) g^2;  p -= lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)
// Defaults: the paper's (gamma 0.95, Adam's lr, betas and eps).
export const adanorm = defineSeed({
  name: 'adanorm',
  title: 'AdaNorm (AdamNorm)',
  paper: 'Dubey, Basha, Singh & Chaudhuri 2023, "AdaNorm: Adaptive Gradient Norm Correction based Optimization for Deep Neural Networks", WACV 2023, arXiv:2210.06364',
  rule: 'per tensor e = gamma e + (1-gamma)||g||; s = e > ||g|| ? (e/||g||) g : g; Adam with m built from s, v from g^2',
  defaults: { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, gamma: 0.95 },
}, (h) => {
  const b = new GenomeBuilder('adanorm');
  const norm = b.node('an.norm', 'rnorm');
  b.edge(b.gradient, norm);
  const e = ema(b, 'an.e', norm, h.gamma);
  const above = b.node('an.above', 'gt');
  b.edge(e, above, 0);
  b.edge(norm, above, 1);
  const ratio = divide(b, 'an.ratio', e, norm);
  const scaled = b.node('an.scaled', 'mul');
  b.edge(ratio, scaled, 0);
  b.edge(b.gradient, scaled, 1);
  const s = b.node('an.s', 'select');
  b.edge(above, s, 0);
  b.edge(scaled, s, 1);
  b.edge(b.gradient, s, 2);
  applyUpdate(b, adamDirection(b, adamMoments(b, h.b1, h.b2, s), h.eps), h.lr);
  return b.build();
});

// Adan: Xie, Zhou, Li, Lin & Yan 2022, "Adan: Adaptive Nesterov Momentum Algorithm for Faster
// Optimizing Deep Models", arXiv:2208.06677, Algorithm 1 written with the usual betas (b = 1 - the
// paper's beta) and the bias corrections of the authors' implementation:
//   d_g = g - g_prev (0 at t = 1: the previous gradient is taken to be the first one)
//   m = b1 m + (1-b1) g;  d = b2 d + (1-b2) d_g;  n = b3 n + (1-b3) (g + b2 d_g)^2
//   u = (m/(1-b1^t) + b2 d/(1-b2^t)) / (sqrt(n/(1-b3^t)) + eps)
//   p = (p - lr u) / (1 + lr wd)
// Defaults: the authors' implementation (lr 1e-3, betas 0.98, 0.92, 0.99, eps 1e-8, wd 0).
export const adan = defineSeed({
  name: 'adan',
  title: 'Adan',
  paper: 'Xie, Zhou, Li, Lin & Yan 2022, "Adan: Adaptive Nesterov Momentum Algorithm for Faster Optimizing Deep Models", arXiv:2208.06677',
  rule: 'm = ema(g, b1); d = ema(g - g_prev, b2); n = ema((g + b2 (g - g_prev))^2, b3); p = (p - lr (mhat + b2 dhat)/(sqrt(nhat)+eps)) / (1 + lr wd)',
  defaults: { lr: 1e-3, b1: 0.98, b2: 0.92, b3: 0.99, eps: 1e-8, wd: 0 },
  deviations: 'bias corrections 1 - b^t on m, d and n, and a gradient difference of 0 at the first step, '
    + 'both as in the authors\' implementation; Algorithm 1 as printed has neither',
}, (h) => {
  const b = new GenomeBuilder('adan');
  const m = ema(b, 'm', b.gradient, h.b1);
  const raw = b.node('adan.rawdiff', 'identity'); // g_t - g_{t-1} (g_0 reads as 0)
  b.edge(b.gradient, raw, 0, 1);
  b.edge(b.gradient, raw, 0, -1, 1);
  const later = b.node('adan.later', 'gt'); // t > 1
  b.edge(b.step, later, 0);
  b.edge(b.constant(1), later, 1);
  const diff = b.node('adan.diff', 'mul');
  b.edge(raw, diff, 0);
  b.edge(later, diff, 1);
  const d = ema(b, 'adan.d', diff, h.b2);
  const ahead = b.node('adan.ahead', 'identity'); // g + b2 d_g
  b.edge(b.gradient, ahead, 0, 1);
  b.edge(diff, ahead, 0, h.b2);
  const n = ema(b, 'v', square(b, 'adan.ahead2', ahead), h.b3); // the second moment: Adam's v's id
  const mhat = divide(b, 'mhat', m, biasCorrection(b, 'c1', h.b1));
  const dhat = divide(b, 'adan.dhat', d, biasCorrection(b, 'c2', h.b2));
  const nhat = divide(b, 'vhat', n, biasCorrection(b, 'adan.c3', h.b3));
  const num = b.node('adan.num', 'identity');
  b.edge(mhat, num, 0, 1);
  b.edge(dhat, num, 0, h.b2);
  // The proximal decay as a division, (p - lr u) / (1 + lr wd), not as p times a rounded
  // reciprocal: the rounding of 1 / (1 + lr wd) would bias every step the same way.
  const out = b.output('div');
  b.edge(b.parameter, out, 0, 1);
  b.edge(rmsNormalise(b, 'dir', num, nhat, h.eps), out, 0, -h.lr);
  b.edge(b.constant(1 + h.lr * h.wd), out, 1);
  return b.build();
});

// AdaHessian: Yao, Gholami, Shen, Mustafa, Keutzer & Mahoney 2021, "ADAHESSIAN: An Adaptive Second
// Order Optimizer for Machine Learning", AAAI 2021, arXiv:2006.00719, with Hessian power k = 1 and
// no spatial averaging (the problems here have no convolution kernels). The Hessian diagonal is
// Hutchinson's one-probe estimate D = z * (H z), the role's curvature slot:
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) D^2;  p -= lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)
// Defaults: the authors' implementation (lr 0.15, betas 0.9, 0.999, eps 1e-4).
export const adahessian = defineSeed({
  name: 'adahessian',
  title: 'AdaHessian',
  paper: 'Yao et al. 2021, "ADAHESSIAN: An Adaptive Second Order Optimizer for Machine Learning", AAAI 2021, arXiv:2006.00719',
  rule: 'D = z*(Hz); m = ema(g, b1); v = ema(D^2, b2); p -= lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)',
  defaults: { lr: 0.15, b1: 0.9, b2: 0.999, eps: 1e-4 },
}, (h) => {
  const b = new GenomeBuilder('adahessian');
  const d2 = square(b, 'ah.d2', b.curvature);
  applyUpdate(b, adamDirection(b, adamMoments(b, h.b1, h.b2, b.gradient, d2), h.eps), h.lr);
  return b.build();
});
