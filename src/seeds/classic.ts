// The classic seeds: gradient descent, the momentum family, Adagrad, RMSprop and their per-tensor
// ("-norm") variants; the sign-based seeds (sign.ts) and FTRL (ftrl.ts) join them in CLASSIC_SEEDS.
//
// Shared parts (builder.ts hashes a part's name into its key, so equal names mean equal keys):
//   velocity           the heavy-ball buffer v = mu v + g of momentum, nesterov and sgdw
//   g2, v, dir         g^2, RMSprop's EMA of it and g / (sqrt(v) + eps): Adam's second moment and
//                      direction use the same names (motifs.ts), as does Lookahead-RMSprop
//   accum              Adagrad's running sum of g^2
//   first              the first-step indicator that injects a starting value (accumulate.ts)
// A hyperparameter only ever changes weights and attributes, never the graph's structure.

import { GenomeBuilder } from './builder.ts';
import type { Ref } from './builder.ts';
import { runningSum } from './accumulate.ts';
import { defineSeed } from './define.ts';
import { ftrl } from './ftrl.ts';
import { applyUpdate, divide, ema, rmsNormalise, square } from './motifs.ts';
import { irpropPlus, lion, rprop, signsgd } from './sign.ts';
import type { Seed } from './types.ts';

const f32 = Math.fround;

// Gradient descent: Cauchy 1847; the stochastic form Robbins & Monro 1951. Default lr 0.01 is
// Keras's SGD default (PyTorch's SGD has no default learning rate).
export const sgd = defineSeed({
  name: 'sgd',
  title: 'Gradient descent (SGD)',
  paper: 'Robbins & Monro 1951, "A Stochastic Approximation Method", Annals of Mathematical Statistics 22(3); Cauchy 1847',
  rule: 'p -= lr g',
  defaults: { lr: 0.01 },
}, (h) => {
  const b = new GenomeBuilder('sgd');
  applyUpdate(b, b.gradient, h.lr);
  return b.build();
});

/** The heavy-ball buffer v_t = mu v_{t-1} + g_t, v_0 = 0 (PyTorch's SGD buffer, no dampening). */
function velocity(b: GenomeBuilder, mu: number): Ref {
  const v = b.node('velocity', 'identity');
  b.edge(b.gradient, v);
  b.edge(v, v, 0, mu, 1);
  return v;
}

// Heavy-ball momentum: Polyak 1964, in the form of torch.optim.SGD (the learning rate outside the
// buffer, as in Sutskever et al. 2013). Defaults lr 0.01 (Keras) and mu 0.9 (the usual setting;
// PyTorch's default momentum is 0, which would make this seed plain SGD).
export const momentum = defineSeed({
  name: 'momentum',
  title: 'SGD with momentum (heavy ball)',
  paper: 'Polyak 1964, "Some methods of speeding up the convergence of iteration methods", USSR Computational Mathematics and Mathematical Physics 4(5)',
  rule: 'v = mu v + g; p -= lr v',
  defaults: { lr: 0.01, momentum: 0.9 },
}, (h) => {
  const b = new GenomeBuilder('momentum');
  applyUpdate(b, velocity(b, h.momentum), h.lr);
  return b.build();
});

// Nesterov momentum: Nesterov 1983; for deep learning Sutskever, Martens, Dahl & Hinton 2013. The
// role hands the graph the gradient at the current parameters, not at the look-ahead point
// p + mu v, so the seed uses the reparametrised form of Bengio, Boulanger-Lewandowski & Pascanu
// 2013 (arXiv:1212.0901), which torch.optim.SGD(nesterov=True) also uses: the stored parameter is
// the look-ahead point. Defaults as momentum's.
export const nesterov = defineSeed({
  name: 'nesterov',
  title: 'SGD with Nesterov momentum',
  paper: 'Sutskever, Martens, Dahl & Hinton 2013, "On the importance of initialization and momentum in deep learning", ICML 2013; Nesterov 1983, Soviet Mathematics Doklady 27',
  rule: 'v = mu v + g; p -= lr (g + mu v)',
  defaults: { lr: 0.01, momentum: 0.9 },
  deviations: 'the parameter is Sutskever et al.\'s look-ahead point theta + mu v (Bengio et al. 2013\'s reparametrisation, as in PyTorch), since the role gives the gradient at the parameter; the iterates are otherwise the same',
}, (h) => {
  const b = new GenomeBuilder('nesterov');
  const v = velocity(b, h.momentum);
  const ahead = b.node('nesterov.ahead', 'identity');
  b.edge(b.gradient, ahead);
  b.edge(v, ahead, 0, h.momentum);
  applyUpdate(b, ahead, h.lr);
  return b.build();
});

// SGDW: Loshchilov & Hutter 2019, Algorithm 1 (SGD with momentum and decoupled weight decay) with
// the schedule multiplier eta_t = 1: m = mu m + lr g, p = p - m - lambda p. The seed keeps the
// learning rate outside the buffer (m = lr v, exact for a constant lr) so that it shares momentum's
// velocity, and takes lambda = lr wd, the convention of the adamw seed and torch.optim.AdamW. By
// the paper's Proposition 1 this wd equals the L2 coefficient plain SGD would need at that lr, so
// the default wd 5e-4 is the usual SGD weight decay for CIFAR-10 networks (Zagoruyko & Komodakis
// 2016). lr 0.01 and mu 0.9 as momentum's.
export const sgdw = defineSeed({
  name: 'sgdw',
  title: 'SGDW (momentum SGD with decoupled weight decay)',
  paper: 'Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", ICLR 2019, arXiv:1711.05101',
  rule: 'v = mu v + g; p = (1 - lr wd) p - lr v',
  defaults: { lr: 0.01, momentum: 0.9, wd: 5e-4 },
}, (h) => {
  const b = new GenomeBuilder('sgdw');
  applyUpdate(b, velocity(b, h.momentum), h.lr, h.lr * h.wd);
  return b.build();
});

// Adagrad: Duchi, Hazan & Singer 2011, the diagonal form with delta outside the root. Defaults are
// torch.optim.Adagrad's (lr 0.01, eps 1e-10, initial accumulator 0, no lr decay); TensorFlow.js
// starts the accumulator at 0.1 (and puts its eps under the root).
export const adagrad = defineSeed({
  name: 'adagrad',
  title: 'Adagrad',
  paper: 'Duchi, Hazan & Singer 2011, "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization", JMLR 12',
  rule: 's = s + g^2 (s_0 = initialAccumulator); p -= lr g / (sqrt(s) + eps)',
  defaults: { lr: 0.01, eps: 1e-10, initialAccumulator: 0 },
}, (h) => {
  const b = new GenomeBuilder('adagrad');
  const s = runningSum(b, 'accum', square(b, 'g2', b.gradient), h.initialAccumulator);
  applyUpdate(b, rmsNormalise(b, 'dir', b.gradient, s, h.eps), h.lr);
  return b.build();
});

// AdaGrad-Norm: Ward, Wu & Bottou 2019, Algorithm 1: b_j^2 = b_{j-1}^2 + ||G_{j-1}||^2,
// x_j = x_{j-1} - (eta / b_j) G_{j-1}. The paper has one b for the whole model; here every tensor
// has its own (the deviation below). No library ships it; the paper's guarantees hold for any
// b0 > 0 and eta > 0, so the defaults are chosen: lr 1 makes the first step about a unit-norm step
// per tensor, and b0 0.01 is small enough that the gradients, not b0, set the step size.
export const adagradNorm = defineSeed({
  name: 'adagrad-norm',
  title: 'AdaGrad-Norm',
  paper: 'Ward, Wu & Bottou 2019, "AdaGrad stepsizes: sharp convergence over nonconvex landscapes", ICML 2019, arXiv:1806.01811',
  rule: 'per tensor: bsq = bsq + sum(g^2) (bsq_0 = b0^2); p -= lr g / sqrt(bsq)',
  defaults: { lr: 1, b0: 0.01 },
  deviations: 'one step size b per parameter tensor (a group), not one for the whole model: tensors of different scale get their own; on a single-tensor problem it is the paper\'s rule',
}, (h) => {
  const b = new GenomeBuilder('adagrad-norm');
  const sum = b.node('g2.sum', 'rsum');
  b.edge(square(b, 'g2', b.gradient), sum);
  const b0 = f32(h.b0);
  const bsq = runningSum(b, 'bsq', sum, f32(b0 * b0));
  const norm = b.node('bsq.sqrt', 'sqrt');
  b.edge(bsq, norm);
  applyUpdate(b, divide(b, 'dir', b.gradient, norm), h.lr);
  return b.build();
});

// RMSprop: Tieleman & Hinton 2012, built exactly from the shared motifs (its g2, v and dir are
// Adam's and Lookahead-RMSprop's parts). Defaults are torch.optim.RMSprop's (lr 0.01, alpha 0.99,
// eps 1e-8 outside the root, no momentum, not centered).
export const rmsprop = defineSeed({
  name: 'rmsprop',
  title: 'RMSprop',
  paper: 'Tieleman & Hinton 2012, "Lecture 6.5 - rmsprop: Divide the gradient by a running average of its recent magnitude", COURSERA: Neural Networks for Machine Learning',
  rule: 'v = alpha v + (1-alpha) g^2; p -= lr g / (sqrt(v) + eps)',
  defaults: { lr: 0.01, alpha: 0.99, eps: 1e-8 },
}, (h) => {
  const b = new GenomeBuilder('rmsprop');
  const v = ema(b, 'v', square(b, 'g2', b.gradient), h.alpha);
  const dir = rmsNormalise(b, 'dir', b.gradient, v, h.eps);
  applyUpdate(b, dir, h.lr);
  return b.build();
});

// RMSprop-Norm (this library's per-tensor RMSprop): the second moment is one number per tensor,
// the EMA of the tensor's mean square gradient, mean_i(g_i^2) = rrms(g)^2, so every element of a
// tensor is divided by the same running RMS. Taking the mean (not the sum, as NovoGrad's layer-wise
// norm does: Ginsburg et al. 2019, arXiv:1905.11286) keeps the step of the same size as RMSprop's
// whatever the tensor's size. Its g2, v and dir share RMSprop's names. Defaults: RMSprop's.
export const rmspropNorm = defineSeed({
  name: 'rmsprop-norm',
  title: 'RMSprop-Norm (per-tensor RMSprop)',
  paper: 'Tieleman & Hinton 2012 (RMSprop), with one second moment per tensor as in layer-wise methods such as NovoGrad (Ginsburg et al. 2019, arXiv:1905.11286)',
  rule: 'per tensor: v = alpha v + (1-alpha) mean(g^2); p -= lr g / (sqrt(v) + eps)',
  defaults: { lr: 0.01, alpha: 0.99, eps: 1e-8 },
}, (h) => {
  const b = new GenomeBuilder('rmsprop-norm');
  const meanSquare = b.node('g2.mean', 'rmean');
  b.edge(square(b, 'g2', b.gradient), meanSquare);
  const v = ema(b, 'v', meanSquare, h.alpha);
  applyUpdate(b, rmsNormalise(b, 'dir', b.gradient, v, h.eps), h.lr);
  return b.build();
});

/** The classic and sign-based seeds, in the library's order for this part. */
export const CLASSIC_SEEDS: Seed[] = [
  sgd, momentum, nesterov, sgdw, adagrad, adagradNorm, rmsprop, rmspropNorm, rprop, irpropPlus, ftrl, signsgd, lion,
];
