// References for Adam, AdamW, RAdam, QHAdam and LAMB, written from the papers' equations in
// float32 (each equation set is stated above its rule; citations are in src/seeds/adam-family.ts).

import type { ReferenceRule, StepInput } from '../harness.ts';
import { f } from '../harness.ts';
import { correction, descend, emaStep, get, LaneState, norm, rmsDirection, tensors, type Hyper } from './lanes.ts';

/**
 * Adam's moments for lane i (Kingma & Ba 2015, Algorithm 1), shared by the rules built on them:
 *   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2;  mhat = m/(1-b1^t);  vhat = v/(1-b2^t)
 */
export function adamMomentsStep(state: LaneState, s: StepInput, i: number, b1: number, b2: number): { mhat: number; vhat: number } {
  const m = state.get('m');
  const v = state.get('v');
  const g = s.gradient[i] as number;
  m[i] = emaStep(m[i] as number, g, b1);
  v[i] = emaStep(v[i] as number, f(g * g), b2);
  return { mhat: f((m[i] as number) / correction(b1, s.step)), vhat: f((v[i] as number) / correction(b2, s.step)) };
}

/**
 * Adam, with AdamW's decoupled decay (Loshchilov & Hutter 2019) when h.wd is set:
 *   p = (1 - lr wd) p - lr mhat / (sqrt(vhat) + eps)
 */
export function adamReference(h: Hyper): ReferenceRule {
  const [lr, b1, b2, eps] = [get(h, 'lr'), get(h, 'b1'), get(h, 'b2'), get(h, 'eps')];
  const wd = h.wd ?? 0;
  const state = new LaneState();
  return {
    step(s) {
      if (s.step === 1) state.reset(s.gradient.length);
      const out = new Float32Array(s.parameter.length);
      for (let i = 0; i < out.length; i++) {
        const { mhat, vhat } = adamMomentsStep(state, s, i, b1, b2);
        const p = s.parameter[i] as number;
        const kept = wd === 0 ? p : f(f(1 - lr * wd) * p);
        out[i] = descend(kept, rmsDirection(mhat, vhat, eps), lr);
      }
      return out;
    },
  };
}

/**
 * RAdam (Liu et al. 2020, Algorithm 2; threshold 5 as the authors' code):
 *   rho_inf = 2/(1-b2) - 1;  rho_t = rho_inf - 2 t b2^t/(1-b2^t)
 *   rho_t > 5: r_t = sqrt((rho_t-4)(rho_t-2) rho_inf / ((rho_inf-4)(rho_inf-2) rho_t)),
 *              p -= lr r_t mhat/(sqrt(vhat)+eps);   else p -= lr mhat
 */
export interface RadamVariant {
  /** The rectified step is taken while rho_t > threshold (the seed: 5; Algorithm 2 writes 4). */
  readonly threshold?: number;
  /** The paper's adaptive term mhat sqrt((1-b2^t)/v), without eps (the seed uses Adam's direction). */
  readonly paperAdaptiveTerm?: boolean;
}

export function radamReference(h: Hyper, variant: RadamVariant = {}): ReferenceRule {
  const threshold = variant.threshold ?? 5;
  const [lr, b1, b2, eps] = [get(h, 'lr'), get(h, 'b1'), get(h, 'b2'), get(h, 'eps')];
  const beta2 = f(b2);
  const rhoInf = f(2 / (1 - beta2) - 1);
  const scale = f(rhoInf / f(f(rhoInf - 4) * f(rhoInf - 2)));
  const state = new LaneState();
  return {
    step(s) {
      if (s.step === 1) state.reset(s.gradient.length);
      const t = s.step;
      const power = f(Math.pow(beta2, t));
      const rho = f(rhoInf - f(2 * f(f(t * power) / correction(b2, t))));
      const r = f(Math.sqrt(f(scale * f(f(f(rho - 4) * f(rho - 2)) / rho))));
      const out = new Float32Array(s.parameter.length);
      for (let i = 0; i < out.length; i++) {
        const { mhat, vhat } = adamMomentsStep(state, s, i, b1, b2);
        const adaptive = variant.paperAdaptiveTerm === true
          ? f(mhat * f(Math.sqrt(f(correction(b2, t) / (state.get('v')[i] as number)))))
          : rmsDirection(mhat, vhat, eps);
        const u = rho > threshold ? f(r * adaptive) : mhat;
        out[i] = descend(s.parameter[i] as number, u, lr);
      }
      return out;
    },
  };
}

/**
 * QHAdam (Ma & Yarats 2019, Algorithm 2):
 *   p -= lr ((1-nu1) g + nu1 mhat) / (sqrt((1-nu2) g^2 + nu2 vhat) + eps)
 */
export function qhadamReference(h: Hyper): ReferenceRule {
  const [lr, b1, b2, eps, nu1, nu2] = ['lr', 'b1', 'b2', 'eps', 'nu1', 'nu2'].map((k) => get(h, k)) as [number, number, number, number, number, number];
  const state = new LaneState();
  return {
    step(s) {
      if (s.step === 1) state.reset(s.gradient.length);
      const out = new Float32Array(s.parameter.length);
      for (let i = 0; i < out.length; i++) {
        const g = s.gradient[i] as number;
        const { mhat, vhat } = adamMomentsStep(state, s, i, b1, b2);
        const num = f(f(f(1 - nu1) * g) + f(f(nu1) * mhat));
        const mix = f(f(f(1 - nu2) * f(g * g)) + f(f(nu2) * vhat));
        out[i] = descend(s.parameter[i] as number, rmsDirection(num, mix, eps), lr);
      }
      return out;
    },
  };
}

/**
 * LAMB (You et al. 2020, Algorithm 2, phi(z) = z), per tensor:
 *   u = mhat/(sqrt(vhat)+eps) + wd p;  ratio = ||p||/||u|| (1 if either norm is 0);  p -= lr ratio u
 */
export function lambReference(h: Hyper): ReferenceRule {
  const [lr, b1, b2, eps, wd] = ['lr', 'b1', 'b2', 'eps', 'wd'].map((k) => get(h, k)) as [number, number, number, number, number];
  const state = new LaneState();
  return {
    step(s) {
      if (s.step === 1) state.reset(s.gradient.length);
      const u = new Float32Array(s.parameter.length);
      for (let i = 0; i < u.length; i++) {
        const { mhat, vhat } = adamMomentsStep(state, s, i, b1, b2);
        u[i] = f(rmsDirection(mhat, vhat, eps) + f(f(wd) * (s.parameter[i] as number)));
      }
      const out = new Float32Array(s.parameter.length);
      for (const { start, rows, cols } of tensors(s.groups)) {
        const end = start + rows * cols;
        const pn = norm(s.parameter, start, end);
        const un = norm(u, start, end);
        const ratio = pn > 0 && un > 0 ? f(pn / un) : 1;
        for (let i = start; i < end; i++) out[i] = descend(s.parameter[i] as number, f(ratio * (u[i] as number)), lr);
      }
      return out;
    },
  };
}
