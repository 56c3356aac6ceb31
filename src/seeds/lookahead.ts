// Lookahead around Adam and around RMSprop (Zhang, Lucas, Hinton & Ba 2019, "Lookahead Optimizer:
// k steps forward, 1 step back", NeurIPS 2019, arXiv:1907.08610, Algorithm 1; the motif is
// lookahead() in motifs.ts). The inner optimizer writes its fast weights to a hidden node "fast";
// its state (moments) carries on across syncs, as in the paper's experiments. Defaults: k 5 and
// alpha 0.5 (the paper's), the inner optimizer's own defaults.

import { GenomeBuilder } from './builder.ts';
import { defineSeed } from './define.ts';
import { adamDirection, adamMoments, ema, lookahead, rmsNormalise, square, updateNode } from './motifs.ts';

export const lookaheadAdam = defineSeed({
  name: 'lookahead-adam',
  title: 'Lookahead (Adam)',
  paper: 'Zhang, Lucas, Hinton & Ba 2019, "Lookahead Optimizer: k steps forward, 1 step back", NeurIPS 2019, arXiv:1907.08610; inner Adam (Kingma & Ba 2015, arXiv:1412.6980)',
  rule: 'fast = Adam step from p; every k steps phi += alpha (fast - phi) and p = phi, else p = fast (phi starts at p_1)',
  defaults: { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8, k: 5, alpha: 0.5 },
}, (h) => {
  const b = new GenomeBuilder('lookahead-adam');
  const fast = updateNode(b, 'fast', adamDirection(b, adamMoments(b, h.b1, h.b2), h.eps), h.lr);
  lookahead(b, fast, h.k, h.alpha);
  return b.build();
});

// The inner RMSprop is the classic seed's (Tieleman & Hinton 2012, Lecture 6.5 of "Neural Networks
// for Machine Learning"): v = rho v + (1-rho) g^2, fast = p - lr g / (sqrt(v) + eps), with
// PyTorch's defaults lr 1e-2, rho 0.99 (torch.optim.RMSprop calls it alpha; renamed here because
// alpha is Lookahead's), eps 1e-8.
export const lookaheadRmsprop = defineSeed({
  name: 'lookahead-rmsprop',
  title: 'Lookahead (RMSprop)',
  paper: 'Zhang, Lucas, Hinton & Ba 2019, "Lookahead Optimizer: k steps forward, 1 step back", NeurIPS 2019, arXiv:1907.08610; inner RMSprop (Tieleman & Hinton 2012)',
  rule: 'v = rho v + (1-rho) g^2; fast = p - lr g/(sqrt(v)+eps); every k steps phi += alpha (fast - phi) and p = phi, else p = fast',
  defaults: { lr: 1e-2, rho: 0.99, eps: 1e-8, k: 5, alpha: 0.5 },
}, (h) => {
  const b = new GenomeBuilder('lookahead-rmsprop');
  const v = ema(b, 'v', square(b, 'g2', b.gradient), h.rho);
  const dir = rmsNormalise(b, 'dir', b.gradient, v, h.eps);
  lookahead(b, updateNode(b, 'fast', dir, h.lr), h.k, h.alpha);
  return b.build();
});
