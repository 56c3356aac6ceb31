// The sign-based seeds: Rprop, iRprop+, scaled signSGD and Lion. Rprop and iRprop+ build the same
// step-size machinery under the same names ("rprop.*"), so their keys line up; they differ only in
// what the step is after a sign change.

import { GenomeBuilder } from './builder.ts';
import type { Ref } from './builder.ts';
import { previous } from './accumulate.ts';
import { defineSeed } from './define.ts';
import { applyUpdate, ema } from './motifs.ts';

interface RpropHyper {
  readonly lr: number;
  readonly etaPlus: number;
  readonly etaMinus: number;
  readonly stepMin: number;
  readonly stepMax: number;
}

/**
 * Rprop's adaptation (Riedmiller & Braun 1993):
 *   agree_t = g_t e_{t-1}       e is the remembered gradient: 0 after a sign change, else g
 *   Delta_t = clamp(Delta_{t-1} * (eta+ if agree > 0, eta- if agree < 0, else 1), min, max),
 *             Delta_0 = lr
 *   step_t  = flipped ? (the caller's, on port 1) : sign(g_t) Delta_t;  p -= step
 * where flipped = (agree < 0). Returns the step node "rprop.step". Delta_{t-1} stays within the
 * bounds, so clamping both ways is the paper's one-sided min or max.
 */
function rpropStep(b: GenomeBuilder, h: RpropHyper): Ref {
  const one = b.constant(1);
  const memory = b.node('rprop.memory', 'select');
  const agree = b.node('rprop.agree', 'mul');
  b.edge(b.gradient, agree, 0);
  b.edge(memory, agree, 1, 1, 1);
  const grown = b.node('rprop.grow', 'gt'); // agree > 0
  b.edge(agree, grown, 0);
  const flipped = b.node('rprop.flip', 'gt'); // 0 > agree (port 0 has no edge: 0)
  b.edge(agree, flipped, 1);
  b.edge(flipped, memory, 0);
  b.edge(b.gradient, memory, 2);

  // The factor picks a constant by select, so it is eta+ or eta- exactly (float32).
  const kept = b.node('rprop.factor.keep', 'select');
  b.edge(flipped, kept, 0);
  b.edge(one, kept, 1, h.etaMinus);
  b.edge(one, kept, 2, 1);
  const factor = b.node('rprop.factor', 'select');
  b.edge(grown, factor, 0);
  b.edge(one, factor, 1, h.etaPlus);
  b.edge(kept, factor, 2);
  const scaled = b.node('rprop.size.raw', 'mul');
  const size = b.node('rprop.size', 'clamp', { attrs: [h.stepMin, h.stepMax] });
  b.edge(factor, scaled, 0);
  previous(b, scaled, 1, size, h.lr);
  b.edge(scaled, size);

  const direction = b.node('gsign', 'sign');
  b.edge(b.gradient, direction);
  const fresh = b.node('rprop.fresh', 'mul');
  b.edge(direction, fresh, 0);
  b.edge(size, fresh, 1);
  const step = b.node('rprop.step', 'select');
  b.edge(flipped, step, 0);
  b.edge(fresh, step, 2);
  return step;
}

// Defaults: Riedmiller & Braun 1993's recommended values (Delta_0 0.1, Delta_max 50, Delta_min
// 1e-6, eta+ 1.2, eta- 0.5); torch.optim.Rprop has the same bounds and etas with Delta_0 0.01.
const RPROP_DEFAULTS = { lr: 0.1, etaPlus: 1.2, etaMinus: 0.5, stepMin: 1e-6, stepMax: 50 } as const;

// Rprop: Riedmiller & Braun 1993, the original algorithm with weight-backtracking: where the
// gradient changes sign the previous weight step is reverted (Delta w_t = -Delta w_{t-1}) and the
// remembered gradient is set to 0, so the next step uses the shrunk Delta without adapting it.
// (torch.optim.Rprop is the variant without the revert, Igel & Husken's Rprop-.)
export const rprop = defineSeed({
  name: 'rprop',
  title: 'Rprop',
  paper: 'Riedmiller & Braun 1993, "A direct adaptive method for faster backpropagation learning: the RPROP algorithm", IEEE International Conference on Neural Networks 1993',
  rule: 'per element: Delta *= eta+ if g g_prev > 0, eta- if < 0, clamped to [stepMin, stepMax] (Delta_0 = lr); p -= sign(g) Delta, but on a sign change undo the previous step and set g_prev = 0',
  defaults: RPROP_DEFAULTS,
}, (h) => {
  const b = new GenomeBuilder('rprop');
  const step = rpropStep(b, h);
  b.edge(step, step, 1, -1, 1); // the revert: minus the previous step
  applyUpdate(b, step, 1);
  return b.build();
});

// iRprop+: Igel & Husken 2000: as Rprop, but after a sign change the previous step is reverted only
// if the loss went up (E_t > E_{t-1}, the loss and previousLoss slots); otherwise the weight stays.
// Defaults: Rprop's (the same etas and bounds).
export const irpropPlus = defineSeed({
  name: 'irprop-plus',
  title: 'iRprop+',
  paper: 'Igel & Husken 2000, "Improving the Rprop Learning Algorithm", Proceedings of the Second International ICSC Symposium on Neural Computation (NC 2000)',
  rule: 'Rprop\'s Delta; p -= sign(g) Delta, but on a sign change undo the previous step only if loss > previousLoss (else keep p), and set g_prev = 0',
  defaults: RPROP_DEFAULTS,
}, (h) => {
  const b = new GenomeBuilder('irprop-plus');
  const step = rpropStep(b, h);
  const worse = b.node('irprop.worse', 'gt');
  b.edge(b.loss, worse, 0);
  b.edge(b.previousLoss, worse, 1);
  const undo = b.node('irprop.undo', 'mul');
  b.edge(step, undo, 0, -1, 1);
  b.edge(worse, undo, 1);
  b.edge(undo, step, 1);
  applyUpdate(b, step, 1);
  return b.build();
});

// Scaled signSGD: signSGD is Bernstein, Wang, Azizzadenesheli & Anandkumar 2018; its step is
// rescaled here by the tensor's mean |g| = ||g||_1 / d, the scaled sign compressor of Karimireddy,
// Rebjock, Stich & Jaggi 2019 ("Error Feedback Fixes SignSGD and other Gradient Compression
// Schemes", ICML 2019, arXiv:1901.09847), taken per tensor (d the tensor's size). The scale gives
// the step the gradient's magnitude, so the default lr is SGD's (0.01); no library ships a default.
export const signsgd = defineSeed({
  name: 'signsgd',
  title: 'Scaled signSGD',
  paper: 'Bernstein, Wang, Azizzadenesheli & Anandkumar 2018, "signSGD: Compressed Optimisation for Non-Convex Problems", ICML 2018, arXiv:1802.04434; scaling from Karimireddy et al. 2019, arXiv:1901.09847',
  rule: 'per tensor: p -= lr (||g||_1 / d) sign(g)',
  defaults: { lr: 0.01 },
}, (h) => {
  const b = new GenomeBuilder('signsgd');
  const direction = b.node('gsign', 'sign');
  b.edge(b.gradient, direction);
  const magnitude = b.node('gabs', 'abs');
  b.edge(b.gradient, magnitude);
  const scale = b.node('gabs.mean', 'rmean');
  b.edge(magnitude, scale);
  const scaled = b.node('signsgd.dir', 'mul');
  b.edge(direction, scaled, 0);
  b.edge(scale, scaled, 1);
  applyUpdate(b, scaled, h.lr);
  return b.build();
});

// Lion: Chen et al. 2023, Algorithm 2:
//   c = b1 m + (1 - b1) g;  p -= lr (sign(c) + wd p);  m = b2 m + (1 - b2) g
// The momentum m is an EMA of g named "m", as Adam's first moment (with b2 as its rate). The decay
// enters as the paper writes it, inside the update (sign(c) + wd p), not as the official code's
// p (1 - lr wd): the two differ in float32 rounding. Defaults: the paper's b1 0.9, b2 0.99, and the
// official PyTorch implementation's (google/automl) lr 1e-4 and wd 0.
export const lion = defineSeed({
  name: 'lion',
  title: 'Lion',
  paper: 'Chen, Liang, Huang, Real, Wang, Liu, Pham, Dong, Luong, Hsieh, Lu & Le 2023, "Symbolic Discovery of Optimization Algorithms", NeurIPS 2023, arXiv:2302.06675',
  rule: 'c = b1 m + (1-b1) g; p -= lr (sign(c) + wd p); m = b2 m + (1-b2) g',
  defaults: { lr: 1e-4, b1: 0.9, b2: 0.99, wd: 0 },
}, (h) => {
  const b = new GenomeBuilder('lion');
  const m = ema(b, 'm', b.gradient, h.b2);
  const mixed = b.node('lion.c', 'identity');
  b.edge(b.gradient, mixed, 0, Math.fround(1 - Math.fround(h.b1)));
  b.edge(m, mixed, 0, h.b1, 1);
  const direction = b.node('lion.sign', 'sign');
  b.edge(mixed, direction);
  const update = b.node('lion.update', 'identity');
  b.edge(direction, update, 0, 1);
  b.edge(b.parameter, update, 0, h.wd);
  applyUpdate(b, update, h.lr);
  return b.build();
});
