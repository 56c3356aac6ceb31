// FTRL-Proximal: McMahan et al. 2013, "Ad Click Prediction: a View from the Trenches", KDD 2013,
// Algorithm 1 (per coordinate, with L1 and L2 regularisation):
//
//   sigma = (sqrt(n + g^2) - sqrt(n)) / alpha
//   z     = z + g - sigma w                 w: the weight the gradient was taken at
//   n     = n + g^2
//   w'    = 0 if |z| <= l1, else -(z - sign(z) l1) / ((beta + sqrt(n)) / alpha + l2)
//
// The weight is a function of (z, n) alone, so the graph outputs w' directly rather than
// subtracting an update. Algorithm 1 starts at w = 0; here w is the parameter input, which after
// the first step is always the previous output and at the first step is the problem's starting
// point (as TensorFlow's Ftrl reads the variable). That is the deviation below.
//
// Defaults are TensorFlow/Keras's Ftrl (lr 0.001, initial accumulator 0.1, beta 0, l1 0, l2 0;
// lr_power fixed at -0.5, the paper's square root). Keras multiplies its l2 by 2 in the
// denominator; l2 here is the paper's lambda_2, half Keras's. The regulariser sqrt(n_0) / alpha
// is centred at 0, so from a far starting point the first step lands near the origin.

import { GenomeBuilder } from './builder.ts';
import { previous } from './accumulate.ts';
import { defineSeed } from './define.ts';
import { square } from './motifs.ts';

export const ftrl = defineSeed({
  name: 'ftrl',
  title: 'FTRL-Proximal',
  paper: 'McMahan et al. 2013, "Ad Click Prediction: a View from the Trenches", KDD 2013',
  rule: 'sigma = (sqrt(n+g^2) - sqrt(n))/lr; z += g - sigma p; n += g^2; p = |z| <= l1 ? 0 : -(z - sign(z) l1) / ((beta + sqrt(n))/lr + l2)',
  defaults: { lr: 0.001, initialAccumulator: 0.1, beta: 0, l1: 0, l2: 0 },
  deviations: 'the first z update uses the problem\'s starting point as w_1 (Algorithm 1 starts at w = 0); from a start at 0 the graph is Algorithm 1',
}, (h) => {
  const b = new GenomeBuilder('ftrl');
  // alpha enters as the weight of an edge from the constant 1 (a port value of exactly f32(alpha)),
  // not as a constant node of its own, whose key would change with the value.
  const one = b.constant(1);

  // n_{t-1} (n_0 = the initial accumulator) and n_t, and their roots.
  const before = b.node('ftrl.nprev', 'identity');
  const n = b.node('ftrl.n', 'identity');
  previous(b, before, 0, n, h.initialAccumulator);
  b.edge(before, n);
  b.edge(square(b, 'g2', b.gradient), n);
  const root = b.node('ftrl.root', 'sqrt');
  b.edge(n, root);
  const rootBefore = b.node('ftrl.root.prev', 'sqrt');
  b.edge(before, rootBefore);

  // sigma = (sqrt(n_t) - sqrt(n_{t-1})) / alpha; z_t = z_{t-1} + (g - sigma w).
  const rise = b.node('ftrl.rise', 'identity');
  b.edge(root, rise, 0, 1);
  b.edge(rootBefore, rise, 0, -1);
  const sigma = b.node('ftrl.sigma', 'div');
  b.edge(rise, sigma, 0);
  b.edge(one, sigma, 1, h.lr);
  const pull = b.node('ftrl.pull', 'mul');
  b.edge(sigma, pull, 0);
  b.edge(b.parameter, pull, 1);
  const dz = b.node('ftrl.dz', 'identity');
  b.edge(b.gradient, dz, 0, 1);
  b.edge(pull, dz, 0, -1);
  const z = b.node('ftrl.z', 'identity');
  b.edge(z, z, 0, 1, 1);
  b.edge(dz, z);

  // The closed-form weight.
  const zSign = b.node('ftrl.zsign', 'sign');
  b.edge(z, zSign);
  const shrunk = b.node('ftrl.shrunk', 'identity'); // z - sign(z) l1
  b.edge(z, shrunk, 0, 1);
  b.edge(zSign, shrunk, 0, 0 - h.l1); // not -l1: a weight of -0 would not survive JSON
  const zAbs = b.node('ftrl.zabs', 'abs');
  b.edge(z, zAbs);
  const active = b.node('ftrl.active', 'gt'); // |z| > l1
  b.edge(zAbs, active, 0);
  b.edge(one, active, 1, h.l1);
  const rootBeta = b.node('ftrl.den.sum', 'identity'); // beta + sqrt(n)
  b.edge(root, rootBeta, 0, 1);
  b.edge(one, rootBeta, 0, h.beta);
  const perAlpha = b.node('ftrl.den.scaled', 'div');
  b.edge(rootBeta, perAlpha, 0);
  b.edge(one, perAlpha, 1, h.lr);
  const den = b.node('ftrl.den', 'identity'); // + l2
  b.edge(perAlpha, den, 0, 1);
  b.edge(one, den, 0, h.l2);
  const w = b.node('ftrl.w', 'div');
  b.edge(shrunk, w, 0);
  b.edge(den, w, 1);
  const out = b.output('select');
  b.edge(active, out, 0);
  b.edge(w, out, 1, -1);
  return b.build();
});
