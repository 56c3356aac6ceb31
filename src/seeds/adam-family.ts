// Adam and the seeds built on Adam's moments: AdamW, RAdam, QHAdam and LAMB. Adam, AdamW, RAdam
// and LAMB build m, v, their bias corrections and (except QHAdam) Adam's direction with the same
// motif calls (motifs.ts, adamMoments / adamDirection), so these parts share innovation keys.

import type { Ref } from './builder.ts';
import { GenomeBuilder } from './builder.ts';
import { defineSeed } from './define.ts';
import { adamDirection, adamMoments, applyUpdate, rmsNormalise, square } from './motifs.ts';

// Adam: Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", ICLR 2015, arXiv:1412.6980,
// Algorithm 1. Defaults are the paper's.
export const adam = defineSeed({
  name: 'adam',
  title: 'Adam',
  paper: 'Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", ICLR 2015, arXiv:1412.6980',
  rule: 'm = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)',
  defaults: { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8 },
}, (h) => {
  const b = new GenomeBuilder('adam');
  applyUpdate(b, adamDirection(b, adamMoments(b, h.b1, h.b2), h.eps), h.lr);
  return b.build();
});

// AdamW: Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", ICLR 2019,
// arXiv:1711.05101, Algorithm 2 with the schedule multiplier eta_t = 1. The decay is PyTorch's
// AdamW convention: p -= lr (wd p + Adam's direction), defaults lr 1e-3, wd 1e-2 (torch.optim.AdamW).
export const adamw = defineSeed({
  name: 'adamw',
  title: 'AdamW',
  paper: 'Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", ICLR 2019, arXiv:1711.05101',
  rule: 'Adam\'s m, v; p = (1 - lr wd) p - lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)',
  defaults: { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, wd: 1e-2 },
}, (h) => {
  const b = new GenomeBuilder('adamw');
  applyUpdate(b, adamDirection(b, adamMoments(b, h.b1, h.b2), h.eps), h.lr, h.lr * h.wd);
  return b.build();
});

// RAdam: Liu, Jiang, He, Chen, Liu, Gao & Han 2020, "On the Variance of the Adaptive Learning Rate
// and Beyond", ICLR 2020, arXiv:1908.03265, Algorithm 2:
//   rho_inf = 2/(1-b2) - 1,  rho_t = rho_inf - 2 t b2^t / (1 - b2^t)
//   rho_t > 5:  r_t = sqrt((rho_t-4)(rho_t-2) rho_inf / ((rho_inf-4)(rho_inf-2) rho_t)),
//               p -= lr r_t mhat / (sqrt(vhat) + eps)
//   otherwise:  p -= lr mhat            (the un-adapted momentum step)
// The threshold is 5, as in the authors' implementation (and torch.optim.RAdam); Algorithm 2 of the
// paper writes 4. The paper's adaptive term sqrt((1-b2^t)/v_t) has no eps; the seed reuses Adam's
// direction mhat / (sqrt(vhat) + eps), so its keys are Adam's. Defaults: the paper's (Adam's).
export const radam = defineSeed({
  name: 'radam',
  title: 'RAdam',
  paper: 'Liu et al. 2020, "On the Variance of the Adaptive Learning Rate and Beyond", ICLR 2020, arXiv:1908.03265',
  rule: 'Adam\'s m, v; rho_t = rho_inf - 2 t b2^t/(1-b2^t); p -= lr (rho_t > 5 ? r_t mhat/(sqrt(vhat)+eps) : mhat)',
  defaults: { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8 },
  deviations: 'the rectified step starts when rho_t > 5 (the authors\' code and torch.optim.RAdam), not 4 as '
    + 'Algorithm 2 prints; the adaptive term is Adam\'s mhat / (sqrt(vhat) + eps) where the paper has '
    + 'mhat sqrt((1-b2^t)/v_t) without eps, so the seed shares Adam\'s keys',
}, (h) => {
  const b = new GenomeBuilder('radam');
  const moments = adamMoments(b, h.b1, h.b2);
  const dir = adamDirection(b, moments, h.eps);
  const rect = rectifier(b, h.b2, moments.c2);
  const adapted = b.node('radam.adapted', 'mul');
  b.edge(rect.r, adapted, 0);
  b.edge(dir, adapted, 1);
  const update = b.node('radam.update', 'select');
  b.edge(rect.on, update, 0);
  b.edge(adapted, update, 1);
  b.edge(moments.mhat, update, 2);
  applyUpdate(b, update, h.lr);
  return b.build();
});

/** RAdam's scalar rectification: r_t and the gate rho_t > 5. */
function rectifier(b: GenomeBuilder, b2: number, c2: Ref): { r: Ref; on: Ref } {
  const f32 = Math.fround;
  const beta = f32(b2);
  const rhoInf = f32(2 / (1 - beta) - 1);
  const power = b.node('radam.power', 'pow'); // b2^t
  b.edge(b.constant(beta), power, 0);
  b.edge(b.step, power, 1);
  const tp = b.node('radam.tpower', 'mul'); // t b2^t
  b.edge(b.step, tp, 0);
  b.edge(power, tp, 1);
  const q = b.node('radam.q', 'div');
  b.edge(tp, q, 0);
  b.edge(c2, q, 1);
  const rho = b.node('radam.rho', 'identity');
  b.edge(b.constant(rhoInf), rho, 0, 1);
  b.edge(q, rho, 0, -2);
  const rho4 = b.node('radam.rho4', 'identity');
  b.edge(rho, rho4, 0, 1);
  b.edge(b.constant(1), rho4, 0, -4);
  const rho2 = b.node('radam.rho2', 'identity');
  b.edge(rho, rho2, 0, 1);
  b.edge(b.constant(1), rho2, 0, -2);
  const num = b.node('radam.num', 'mul');
  b.edge(rho4, num, 0);
  b.edge(rho2, num, 1);
  const ratio = b.node('radam.ratio', 'div');
  b.edge(num, ratio, 0);
  b.edge(rho, ratio, 1);
  const r = b.node('radam.r', 'sqrt'); // sqrt(ratio * rho_inf / ((rho_inf-4)(rho_inf-2)))
  b.edge(ratio, r, 0, f32(rhoInf / f32(f32(rhoInf - 4) * f32(rhoInf - 2))));
  const on = b.node('radam.on', 'gt');
  b.edge(rho, on, 0);
  b.edge(b.constant(5), on, 1);
  return { r, on };
}

// QHAdam: Ma & Yarats 2019, "Quasi-hyperbolic momentum and Adam for deep learning", ICLR 2019,
// arXiv:1810.06801, Algorithm 2 (QHAdam):
//   p -= lr ((1-nu1) g + nu1 mhat) / (sqrt((1-nu2) g^2 + nu2 vhat) + eps)
// Defaults: the paper's recommended nu1 0.7, nu2 1.0, b1 0.995, b2 0.999 (its QHAdam section), lr
// 1e-3 and eps 1e-8 as Adam.
export const qhadam = defineSeed({
  name: 'qhadam',
  title: 'QHAdam',
  paper: 'Ma & Yarats 2019, "Quasi-hyperbolic momentum and Adam for deep learning", ICLR 2019, arXiv:1810.06801',
  rule: 'Adam\'s mhat, vhat; p -= lr ((1-nu1) g + nu1 mhat) / (sqrt((1-nu2) g^2 + nu2 vhat) + eps)',
  defaults: { lr: 1e-3, b1: 0.995, b2: 0.999, nu1: 0.7, nu2: 1.0, eps: 1e-8 },
}, (h) => {
  const b = new GenomeBuilder('qhadam');
  const g2 = square(b, 'g2', b.gradient);
  const moments = adamMoments(b, h.b1, h.b2, b.gradient, g2);
  const num = b.node('qh.num', 'identity');
  b.edge(b.gradient, num, 0, 1 - h.nu1);
  b.edge(moments.mhat, num, 0, h.nu1);
  const mix = b.node('qh.mix', 'identity');
  b.edge(g2, mix, 0, 1 - h.nu2);
  b.edge(moments.vhat, mix, 0, h.nu2);
  applyUpdate(b, rmsNormalise(b, 'dir', num, mix, h.eps), h.lr);
  return b.build();
});

// LAMB: You, Li, Reddi, Hseu, Kumar, Bhojanapalli, Song, Demmel, Keutzer & Hsieh 2020, "Large
// Batch Optimization for Deep Learning: Training BERT in 76 minutes", ICLR 2020, arXiv:1904.00962,
// Algorithm 2 with phi(z) = z, per tensor (one lane group):
//   u = mhat / (sqrt(vhat) + eps) + wd p;  p -= lr (||p|| / ||u||) u
// The trust ratio is 1 when ||p|| or ||u|| is 0 (as common implementations do; the paper leaves it
// undefined). Defaults: lr 1e-3, Adam's betas, eps 1e-6 and wd 0.01 (the paper's BERT settings).
export const lamb = defineSeed({
  name: 'lamb',
  title: 'LAMB',
  paper: 'You et al. 2020, "Large Batch Optimization for Deep Learning: Training BERT in 76 minutes", ICLR 2020, arXiv:1904.00962',
  rule: 'u = mhat/(sqrt(vhat)+eps) + wd p; per tensor p -= lr (||p||/||u||) u (ratio 1 if a norm is 0)',
  defaults: { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-6, wd: 0.01 },
}, (h) => {
  const b = new GenomeBuilder('lamb');
  const dir = adamDirection(b, adamMoments(b, h.b1, h.b2), h.eps);
  const u = b.node('lamb.u', 'identity');
  b.edge(dir, u, 0, 1);
  b.edge(b.parameter, u, 0, h.wd);
  const pn = b.node('lamb.pnorm', 'rnorm');
  b.edge(b.parameter, pn);
  const un = b.node('lamb.unorm', 'rnorm');
  b.edge(u, un);
  const ratio = b.node('lamb.ratio', 'div');
  b.edge(pn, ratio, 0);
  b.edge(un, ratio, 1);
  const pOk = b.node('lamb.pok', 'gt'); // ||p|| > 0 (port 1 has no edge: 0)
  b.edge(pn, pOk, 0);
  const uOk = b.node('lamb.uok', 'gt');
  b.edge(un, uOk, 0);
  const both = b.node('lamb.both', 'mul');
  b.edge(pOk, both, 0);
  b.edge(uOk, both, 1);
  const trust = b.node('lamb.trust', 'select');
  b.edge(both, trust, 0);
  b.edge(ratio, trust, 1);
  b.edge(b.constant(1), trust, 2);
  const step = b.node('lamb.step', 'mul');
  b.edge(trust, step, 0);
  b.edge(u, step, 1);
  applyUpdate(b, step, h.lr);
  return b.build();
});
