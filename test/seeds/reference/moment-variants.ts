// References for Yogi, AdaBelief, AdaNorm, Adan and AdaHessian, written from the papers' equations
// in float32 (citations in src/seeds/moment-variants.ts).

import type { ReferenceRule } from '../harness.ts';
import { f } from '../harness.ts';
import { correction, descend, emaStep, get, LaneState, norm, rmsDirection, tensors, type Hyper } from './lanes.ts';

function hyper(h: Hyper, names: string[]): number[] {
  return names.map((k) => get(h, k));
}

/**
 * Yogi (Zaheer et al. 2018, Algorithm 2), m_0 = v_0 = 0, no bias correction:
 *   m = b1 m + (1-b1) g;  v = v - (1-b2) sign(v - g^2) g^2;  p -= lr m / (sqrt(v) + eps)
 */
export function yogiReference(h: Hyper): ReferenceRule {
  const [lr, b1, b2, eps] = hyper(h, ['lr', 'b1', 'b2', 'eps']) as [number, number, number, number];
  const state = new LaneState();
  return {
    step(s) {
      if (s.step === 1) state.reset(s.gradient.length);
      const m = state.get('m');
      const v = state.get('v');
      const out = new Float32Array(s.parameter.length);
      for (let i = 0; i < out.length; i++) {
        const g = s.gradient[i] as number;
        const g2 = f(g * g);
        m[i] = emaStep(m[i] as number, g, b1);
        const old = v[i] as number;
        v[i] = f(old - f(f(1 - f(b2)) * f(Math.sign(f(old - g2)) * g2)));
        out[i] = descend(s.parameter[i] as number, rmsDirection(m[i] as number, v[i] as number, eps), lr);
      }
      return out;
    },
  };
}

/**
 * AdaBelief (Zhuang et al. 2020, Algorithm 2):
 *   m = b1 m + (1-b1) g;  s = b2 s + (1-b2) (g - m)^2 + eps
 *   p -= lr (m/(1-b1^t)) / (sqrt(s/(1-b2^t)) + eps)
 */
export function adabeliefReference(h: Hyper): ReferenceRule {
  const [lr, b1, b2, eps] = hyper(h, ['lr', 'b1', 'b2', 'eps']) as [number, number, number, number];
  const state = new LaneState();
  return {
    step(st) {
      if (st.step === 1) state.reset(st.gradient.length);
      const m = state.get('m');
      const s = state.get('s');
      const out = new Float32Array(st.parameter.length);
      for (let i = 0; i < out.length; i++) {
        const g = st.gradient[i] as number;
        m[i] = emaStep(m[i] as number, g, b1);
        const d = f(g - (m[i] as number));
        s[i] = f(emaStep(s[i] as number, f(d * d), b2) + f(eps));
        const mhat = f((m[i] as number) / correction(b1, st.step));
        const shat = f((s[i] as number) / correction(b2, st.step));
        out[i] = descend(st.parameter[i] as number, rmsDirection(mhat, shat, eps), lr);
      }
      return out;
    },
  };
}

/**
 * AdaNorm on Adam (Dubey et al. 2023), per tensor, e_0 = 0:
 *   e = gamma e + (1-gamma) ||g||;  s = e > ||g|| ? (e/||g||) g : g
 *   m = b1 m + (1-b1) s;  v = b2 v + (1-b2) g^2;  p -= lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)
 */
export function adanormReference(h: Hyper): ReferenceRule {
  const [lr, b1, b2, eps, gamma] = hyper(h, ['lr', 'b1', 'b2', 'eps', 'gamma']) as [number, number, number, number, number];
  const state = new LaneState();
  return {
    step(st) {
      if (st.step === 1) state.reset(st.gradient.length);
      const e = state.get('e'); // one value per tensor, at the tensor's index
      const m = state.get('m');
      const v = state.get('v');
      const out = new Float32Array(st.parameter.length);
      tensors(st.groups).forEach(({ start, rows, cols }, k) => {
        const end = start + rows * cols;
        const gn = norm(st.gradient, start, end);
        e[k] = emaStep(e[k] as number, gn, gamma);
        const ek = e[k] as number;
        for (let i = start; i < end; i++) {
          const g = st.gradient[i] as number;
          const s = ek > gn ? f(f(ek / gn) * g) : g;
          m[i] = emaStep(m[i] as number, s, b1);
          v[i] = emaStep(v[i] as number, f(g * g), b2);
          const mhat = f((m[i] as number) / correction(b1, st.step));
          const vhat = f((v[i] as number) / correction(b2, st.step));
          out[i] = descend(st.parameter[i] as number, rmsDirection(mhat, vhat, eps), lr);
        }
      });
      return out;
    },
  };
}

/**
 * Adan (Xie et al. 2022, Algorithm 1 in the usual beta convention, with bias corrections):
 *   dg = g - g_prev (0 at t = 1)
 *   m = b1 m + (1-b1) g;  d = b2 d + (1-b2) dg;  n = b3 n + (1-b3) (g + b2 dg)^2
 *   u = (m/(1-b1^t) + b2 d/(1-b2^t)) / (sqrt(n/(1-b3^t)) + eps);  p = (p - lr u) / (1 + lr wd)
 */
export interface AdanVariant {
  /** Leave out the bias corrections (Algorithm 1 as printed; the seed has them). */
  readonly noBiasCorrection?: boolean;
  /** Take g_0 = 0, so dg = g at t = 1 (the seed takes dg = 0). */
  readonly zeroPreviousGradient?: boolean;
}

export function adanReference(h: Hyper, variant: AdanVariant = {}): ReferenceRule {
  const [lr, b1, b2, b3, eps, wd] = hyper(h, ['lr', 'b1', 'b2', 'b3', 'eps', 'wd']) as [number, number, number, number, number, number];
  const state = new LaneState();
  return {
    step(st) {
      if (st.step === 1) state.reset(st.gradient.length);
      const [prev, m, d, n] = ['prev', 'm', 'd', 'n'].map((k) => state.get(k)) as [Float32Array, Float32Array, Float32Array, Float32Array];
      const out = new Float32Array(st.parameter.length);
      for (let i = 0; i < out.length; i++) {
        const g = st.gradient[i] as number;
        const dg = st.step > 1 || variant.zeroPreviousGradient === true ? f(g - (prev[i] as number)) : 0;
        prev[i] = g;
        m[i] = emaStep(m[i] as number, g, b1);
        d[i] = emaStep(d[i] as number, dg, b2);
        const ahead = f(g + f(f(b2) * dg));
        n[i] = emaStep(n[i] as number, f(ahead * ahead), b3);
        const c = (beta: number): number => (variant.noBiasCorrection === true ? 1 : correction(beta, st.step));
        const mhat = f((m[i] as number) / c(b1));
        const dhat = f((d[i] as number) / c(b2));
        const nhat = f((n[i] as number) / c(b3));
        const u = rmsDirection(f(mhat + f(f(b2) * dhat)), nhat, eps);
        const p = st.parameter[i] as number;
        out[i] = f(descend(p, u, lr) / f(1 + lr * wd));
      }
      return out;
    },
  };
}

/**
 * AdaHessian (Yao et al. 2021), k = 1, no spatial averaging, D = z * (H z):
 *   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) D^2;  p -= lr (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps)
 */
export function adahessianReference(h: Hyper): ReferenceRule {
  const [lr, b1, b2, eps] = hyper(h, ['lr', 'b1', 'b2', 'eps']) as [number, number, number, number];
  const state = new LaneState();
  return {
    usesCurvature: true,
    step(st) {
      if (st.step === 1) state.reset(st.gradient.length);
      const m = state.get('m');
      const v = state.get('v');
      const out = new Float32Array(st.parameter.length);
      for (let i = 0; i < out.length; i++) {
        const D = st.curvature[i] as number;
        m[i] = emaStep(m[i] as number, st.gradient[i] as number, b1);
        v[i] = emaStep(v[i] as number, f(D * D), b2);
        const mhat = f((m[i] as number) / correction(b1, st.step));
        const vhat = f((v[i] as number) / correction(b2, st.step));
        out[i] = descend(st.parameter[i] as number, rmsDirection(mhat, vhat, eps), lr);
      }
      return out;
    },
  };
}
