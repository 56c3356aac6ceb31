// Reference update rules for the sign-based seeds, written from the papers' equations in float32
// (Math.fround after every operation; constants rounded to float32 first).

import { f, tensorRanges, type ReferenceRule } from '../harness.ts';
import { laneState } from './state.ts';

export interface RpropHyper {
  lr: number;
  etaPlus: number;
  etaMinus: number;
  stepMin: number;
  stepMax: number;
}

/** How often each branch ran, so tests can check that a trajectory exercised them. */
export interface RpropCounts {
  flips: number;
  reverts: number;
}

/**
 * Rprop (Riedmiller & Braun 1993), per weight, with Delta_0 = lr and the remembered gradient
 * e_0 = 0:
 *   e g > 0:  Delta = min(Delta eta+, Delta_max);  dw = -sign(g) Delta;  w += dw;  e = g
 *   e g < 0:  Delta = max(Delta eta-, Delta_min);  w -= dw_prev (revert);   e = 0
 *   e g = 0:  dw = -sign(g) Delta;  w += dw;  e = g
 * irpropPlus (Igel & Husken 2000, iRprop+): in the e g < 0 branch the revert happens only if
 * E_t > E_{t-1} (the loss went up); otherwise w stays.
 */
export function rpropRule(h: RpropHyper, irpropPlus = false, counts: RpropCounts = { flips: 0, reverts: 0 }): ReferenceRule {
  const etaPlus = f(h.etaPlus);
  const etaMinus = f(h.etaMinus);
  const min = f(h.stepMin);
  const max = f(h.stepMax);
  const state = laneState({ e: 0, delta: f(h.lr), dw: 0 });
  return {
    step(s) {
      const { e, delta, dw } = state(s);
      const out = new Float32Array(s.parameter.length);
      for (let i = 0; i < out.length; i++) {
        const g = s.gradient[i]!;
        const w = s.parameter[i]!;
        const agree = f(g * e[i]!);
        if (agree < 0) {
          counts.flips++;
          delta[i] = Math.max(f(delta[i]! * etaMinus), min);
          const revert = !irpropPlus || s.loss > s.previousLoss;
          if (revert) counts.reverts++;
          dw[i] = revert ? -dw[i]! : 0;
          out[i] = f(w + dw[i]!);
          e[i] = 0;
        } else {
          if (agree > 0) delta[i] = Math.min(f(delta[i]! * etaPlus), max);
          dw[i] = -Math.sign(g) * delta[i]!;
          out[i] = f(w + dw[i]!);
          e[i] = g;
        }
      }
      return out;
    },
  };
}

/**
 * Scaled signSGD (Bernstein et al. 2018, arXiv:1802.04434, with the scaled sign of Karimireddy et
 * al. 2019, arXiv:1901.09847), per tensor of d elements: p' = p - lr (||g||_1 / d) sign(g).
 */
export function signsgdRule(h: { lr: number }): ReferenceRule {
  const lr = f(h.lr);
  return {
    step(s) {
      const out = new Float32Array(s.parameter.length);
      for (const [start, end] of tensorRanges(s.groups)) {
        let sum = 0;
        for (let i = start; i < end; i++) sum += Math.abs(s.gradient[i]!);
        const scale = f(sum / (end - start));
        for (let i = start; i < end; i++) out[i] = f(s.parameter[i]! - f(lr * f(Math.sign(s.gradient[i]!) * scale)));
      }
      return out;
    },
  };
}

/**
 * Lion (Chen et al. 2023, arXiv:2302.06675, Algorithm 2), m_0 = 0:
 *   c = b1 m + (1 - b1) g;  p' = p - lr (sign(c) + wd p);  m = b2 m + (1 - b2) g
 */
export function lionRule(h: { lr: number; b1: number; b2: number; wd: number }): ReferenceRule {
  const lr = f(h.lr);
  const b1 = f(h.b1);
  const b2 = f(h.b2);
  const wd = f(h.wd);
  const state = laneState({ m: 0 });
  return {
    step(s) {
      const { m } = state(s);
      const out = new Float32Array(s.parameter.length);
      for (let i = 0; i < out.length; i++) {
        const g = s.gradient[i]!;
        const p = s.parameter[i]!;
        const c = f(f(b1 * m[i]!) + f(f(1 - b1) * g));
        out[i] = f(p - f(lr * f(Math.sign(c) + f(wd * p))));
        m[i] = f(f(b2 * m[i]!) + f(f(1 - b2) * g));
      }
      return out;
    },
  };
}
