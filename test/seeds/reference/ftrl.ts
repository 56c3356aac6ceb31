// Reference FTRL-Proximal (McMahan et al. 2013, "Ad Click Prediction: a View from the Trenches",
// KDD 2013, Algorithm 1), per coordinate, in float32 (Math.fround after every operation):
//
//   w     = 0 if |z| <= l1, else -(z - sign(z) l1) / ((beta + sqrt(n)) / alpha + l2)
//   (the gradient g is taken at w)
//   sigma = (sqrt(n + g^2) - sqrt(n)) / alpha
//   z     = z + g - sigma w
//   n     = n + g^2                       z_0 = 0, n_0 = the initial accumulator

import { f, type ReferenceRule } from '../harness.ts';
import { laneState } from './state.ts';

export interface FtrlHyper {
  lr: number;
  initialAccumulator: number;
  beta: number;
  l1: number;
  l2: number;
}

/**
 * The rule. With fromZero, the weight the gradient was taken at is Algorithm 1's own w (0 at the
 * first step, then the closed form), not the parameter the driver passes: the paper's algorithm
 * exactly, for problems that start at 0.
 */
export function ftrlRule(h: FtrlHyper, fromZero = false): ReferenceRule {
  const alpha = f(h.lr);
  const beta = f(h.beta);
  const l1 = f(h.l1);
  const l2 = f(h.l2);
  const state = laneState({ z: 0, n: f(h.initialAccumulator), w: 0 });
  return {
    step(s) {
      const { z, n, w } = state(s);
      const out = new Float32Array(s.parameter.length);
      for (let i = 0; i < out.length; i++) {
        const g = s.gradient[i]!;
        const at = fromZero ? w[i]! : s.parameter[i]!;
        const grown = f(n[i]! + f(g * g));
        const sigma = f(f(f(Math.sqrt(grown)) - f(Math.sqrt(n[i]!))) / alpha);
        z[i] = f(z[i]! + f(g - f(sigma * at)));
        n[i] = grown;
        const zi = z[i]!;
        if (Math.abs(zi) <= l1) {
          w[i] = 0;
        } else {
          const den = f(f(f(beta + f(Math.sqrt(n[i]!))) / alpha) + l2);
          w[i] = -f(f(zi - f(Math.sign(zi) * l1)) / den);
        }
        out[i] = w[i]!;
      }
      return out;
    },
  };
}
