// Lookahead reference (Zhang et al. 2019, arXiv:1907.08610, Algorithm 1) around any inner rule, and
// the RMSprop inner rule (Tieleman & Hinton 2012), in float32:
//   fast = inner step from p;  phi starts at p_1
//   t mod k == 0: phi = phi + alpha (fast - phi), p = phi;  otherwise p = fast
//   RMSprop: v = rho v + (1-rho) g^2;  p -= lr g / (sqrt(v) + eps)

import type { ReferenceRule } from '../harness.ts';
import { f } from '../harness.ts';
import { descend, emaStep, get, LaneState, rmsDirection, type Hyper } from './lanes.ts';

export function lookaheadReference(inner: ReferenceRule, k: number, alpha: number): ReferenceRule {
  let slow = new Float32Array(0);
  return {
    step(s) {
      if (s.step === 1) slow = Float32Array.from(s.parameter);
      const fast = inner.step(s);
      if (s.step % k !== 0) return fast;
      for (let i = 0; i < slow.length; i++) {
        const phi = slow[i] as number;
        slow[i] = f(phi + f(f(alpha) * f((fast[i] as number) - phi)));
      }
      return Float32Array.from(slow);
    },
  };
}

export function rmspropReference(h: Hyper): ReferenceRule {
  const [lr, rho, eps] = [get(h, 'lr'), get(h, 'rho'), get(h, 'eps')];
  const state = new LaneState();
  return {
    step(s) {
      if (s.step === 1) state.reset(s.gradient.length);
      const v = state.get('v');
      const out = new Float32Array(s.parameter.length);
      for (let i = 0; i < out.length; i++) {
        const g = s.gradient[i] as number;
        v[i] = emaStep(v[i] as number, f(g * g), rho);
        out[i] = descend(s.parameter[i] as number, rmsDirection(g, v[i] as number, eps), lr);
      }
      return out;
    },
  };
}
