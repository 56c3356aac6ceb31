// Adam (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization", arXiv:1412.6980,
// Algorithm 1) as a genome: one lane per parameter element, the moments kept in the graph.
//
//   m_t = b1 m_{t-1} + (1 - b1) g          an identity node: g on port 0, its own delay-1 edge
//   v_t = b2 v_{t-1} + (1 - b2) g^2        the same over a `square` node
//   c1 = 1 - b1^t,  c2 = 1 - b2^t           `pow` of a `const` node and the step (scalar width:
//                                           computed once per tick, not per lane)
//   p_t = p_{t-1} - lr * (m_t / c1) / (sqrt(v_t / c2) + eps)
//
// Inputs: slot 0 the gradient (lane), slot 1 the parameter (lane), slot 2 the step t (scalar,
// counting from 1). Output slot 0 is the new parameter; the host writes it back into slot 1.
// Weights and constants are float32: (1 - b1) is taken from b1 rounded to float32, so the
// decay weights add up to exactly 1, as in a float32 implementation of the algorithm.

import { parseGenome } from '../genome/parse.ts';
import type { Genome } from '../genome/types.ts';

export interface AdamOptions {
  lr?: number;
  b1?: number;
  b2?: number;
  eps?: number;
}

export const ADAM_DEFAULTS = { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8 } as const;

/** Node keys of the Adam genome, for tests and for seeds that build on it. */
export const ADAM_KEYS = {
  gradient: 0, parameter: 1, step: 2, one: 3, beta1: 4, beta2: 5, m: 6, gradSquared: 7, v: 8,
  beta1Power: 9, beta2Power: 10, correction1: 11, correction2: 12, mHat: 13, vHat: 14, rms: 15,
  denominator: 16, update: 17, newParameter: 18,
} as const;

export function adamGenome(options: AdamOptions = {}): Genome {
  const { lr, b1, b2, eps } = { ...ADAM_DEFAULTS, ...options };
  const f32 = Math.fround;
  const beta1 = f32(b1);
  const beta2 = f32(b2);
  const K = ADAM_KEYS;
  const nodes = [
    { key: K.gradient, role: 'input', slot: 0 },
    { key: K.parameter, role: 'input', slot: 1 },
    { key: K.step, role: 'input', slot: 2 },
    { key: K.one, op: 'const', attrs: [1] },
    { key: K.beta1, op: 'const', attrs: [beta1] },
    { key: K.beta2, op: 'const', attrs: [beta2] },
    { key: K.m, op: 'identity' },
    { key: K.gradSquared, op: 'square' },
    { key: K.v, op: 'identity' },
    { key: K.beta1Power, op: 'pow' }, // |b1| ^ t
    { key: K.beta2Power, op: 'pow' },
    { key: K.correction1, op: 'identity' }, // 1 - b1^t
    { key: K.correction2, op: 'identity' },
    { key: K.mHat, op: 'div' },
    { key: K.vHat, op: 'div' },
    { key: K.rms, op: 'sqrt' },
    { key: K.denominator, op: 'identity' }, // sqrt(v_hat) + eps
    { key: K.update, op: 'div' },
    { key: K.newParameter, role: 'output', slot: 0, op: 'identity' }, // p - lr * update
  ];
  // [source, target, port, weight, delay]
  const links: [number, number, number, number, number][] = [
    [K.gradient, K.m, 0, f32(1 - beta1), 0],
    [K.m, K.m, 0, beta1, 1],
    [K.gradient, K.gradSquared, 0, 1, 0],
    [K.gradSquared, K.v, 0, f32(1 - beta2), 0],
    [K.v, K.v, 0, beta2, 1],
    [K.beta1, K.beta1Power, 0, 1, 0],
    [K.step, K.beta1Power, 1, 1, 0],
    [K.beta2, K.beta2Power, 0, 1, 0],
    [K.step, K.beta2Power, 1, 1, 0],
    [K.one, K.correction1, 0, 1, 0],
    [K.beta1Power, K.correction1, 0, -1, 0],
    [K.one, K.correction2, 0, 1, 0],
    [K.beta2Power, K.correction2, 0, -1, 0],
    [K.m, K.mHat, 0, 1, 0],
    [K.correction1, K.mHat, 1, 1, 0],
    [K.v, K.vHat, 0, 1, 0],
    [K.correction2, K.vHat, 1, 1, 0],
    [K.vHat, K.rms, 0, 1, 0],
    [K.rms, K.denominator, 0, 1, 0],
    [K.one, K.denominator, 0, eps, 0],
    [K.mHat, K.update, 0, 1, 0],
    [K.denominator, K.update, 1, 1, 0],
    [K.parameter, K.newParameter, 0, 1, 0],
    [K.update, K.newParameter, 0, -lr, 0],
  ];
  const edges = links.map(([source, target, port, weight, delay], i) => ({
    key: nodes.length + i, source, target, port, weight, delay,
  }));
  return parseGenome({
    format: 'l2l-genome',
    version: 1,
    name: 'adam',
    inputs: [
      { name: 'gradient', width: 'lane' },
      { name: 'parameter', width: 'lane' },
      { name: 'step', width: 'scalar' },
    ],
    outputs: [{ name: 'parameter' }],
    caps: { nodes: 32, edges: 64, effectsPerNode: 0, applicationsPerTick: 0 },
    maxDelay: 1,
    nodes,
    edges,
  });
}
