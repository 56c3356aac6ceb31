// Reference update rules for the classic seeds, written from the papers' equations in float32
// (Math.fround after every operation; constants rounded to float32 first, as a genome's weights
// are). Sums over a tensor are taken in float64 and rounded once, as the engine's reductions are.

import { f, tensorRanges, type ReferenceRule, type StepInput } from '../harness.ts';
import { laneState } from './state.ts';

/** A rule that maps each element independently: next(i) is the new value of element i. */
function perElement(next: (input: StepInput, i: number) => number): ReferenceRule {
  return {
    step(input) {
      const out = new Float32Array(input.parameter.length);
      for (let i = 0; i < out.length; i++) out[i] = next(input, i);
      return out;
    },
  };
}

/** Gradient descent (Cauchy 1847; Robbins & Monro 1951): p' = p - lr g. */
export function sgdRule(h: { lr: number }): ReferenceRule {
  const lr = f(h.lr);
  return perElement((s, i) => f(s.parameter[i]! - f(lr * s.gradient[i]!)));
}

/** Heavy ball in PyTorch's form (Polyak 1964): v = mu v + g, v_0 = 0; p' = p - lr v. */
export function momentumRule(h: { lr: number; momentum: number }): ReferenceRule {
  const lr = f(h.lr);
  const mu = f(h.momentum);
  const state = laneState({ v: 0 });
  return perElement((s, i) => {
    const { v } = state(s);
    v[i] = f(f(mu * v[i]!) + s.gradient[i]!);
    return f(s.parameter[i]! - f(lr * v[i]!));
  });
}

/**
 * Nesterov momentum, reparametrised to take the gradient at the stored point (Bengio et al. 2013,
 * arXiv:1212.0901; torch.optim.SGD with nesterov): v = mu v + g; p' = p - lr (g + mu v).
 */
export function nesterovRule(h: { lr: number; momentum: number }): ReferenceRule {
  const lr = f(h.lr);
  const mu = f(h.momentum);
  const state = laneState({ v: 0 });
  return perElement((s, i) => {
    const { v } = state(s);
    const g = s.gradient[i]!;
    v[i] = f(f(mu * v[i]!) + g);
    return f(s.parameter[i]! - f(lr * f(g + f(mu * v[i]!))));
  });
}

/**
 * SGDW, Loshchilov & Hutter 2019 (arXiv:1711.05101) Algorithm 1 as written, with eta_t = 1 and
 * the decoupled decay lambda = lr wd: m = mu m + lr g (m_0 = 0); p' = p - m - lambda p.
 */
export function sgdwRule(h: { lr: number; momentum: number; wd: number }): ReferenceRule {
  const lr = f(h.lr);
  const mu = f(h.momentum);
  const lambda = f(h.lr * h.wd);
  const state = laneState({ m: 0 });
  return perElement((s, i) => {
    const { m } = state(s);
    const p = s.parameter[i]!;
    m[i] = f(f(mu * m[i]!) + f(lr * s.gradient[i]!));
    return f(f(p - m[i]!) - f(lambda * p));
  });
}

/** Adagrad (Duchi, Hazan & Singer 2011): s = s + g^2 (s_0 = initialAccumulator); p' = p - lr g / (sqrt(s) + eps). */
export function adagradRule(h: { lr: number; eps: number; initialAccumulator: number }): ReferenceRule {
  const lr = f(h.lr);
  const eps = f(h.eps);
  const state = laneState({ s: f(h.initialAccumulator) });
  return perElement((s, i) => {
    const acc = state(s).s;
    const g = s.gradient[i]!;
    acc[i] = f(acc[i]! + f(g * g));
    return f(s.parameter[i]! - f(lr * f(g / f(f(Math.sqrt(acc[i]!)) + eps))));
  });
}

/**
 * AdaGrad-Norm (Ward, Wu & Bottou 2019, arXiv:1806.01811, Algorithm 1):
 * b^2 = b^2 + ||g||^2 (b_0^2 = b0^2); p' = p - (lr / b) g, one b per tensor; with wholeModel, one
 * b for all the parameters, as the paper has it (to show the seed's per-tensor deviation).
 */
export function adagradNormRule(h: { lr: number; b0: number }, wholeModel = false): ReferenceRule {
  const lr = f(h.lr);
  const b0 = f(h.b0);
  let bsq: Float32Array = new Float32Array(0);
  return {
    step(s) {
      const ranges = wholeModel ? [[0, s.parameter.length] as [number, number]] : tensorRanges(s.groups);
      if (s.step === 1) bsq = new Float32Array(ranges.length).fill(f(b0 * b0));
      const out = new Float32Array(s.parameter.length);
      ranges.forEach(([start, end], k) => {
        let sum = 0;
        for (let i = start; i < end; i++) sum += f(s.gradient[i]! * s.gradient[i]!);
        bsq[k] = f(bsq[k]! + f(sum));
        const norm = f(Math.sqrt(bsq[k]!));
        for (let i = start; i < end; i++) out[i] = f(s.parameter[i]! - f(lr * f(s.gradient[i]! / norm)));
      });
      return out;
    },
  };
}

/** RMSprop (Tieleman & Hinton 2012): v = alpha v + (1 - alpha) g^2 (v_0 = 0); p' = p - lr g / (sqrt(v) + eps). */
export function rmspropRule(h: { lr: number; alpha: number; eps: number }): ReferenceRule {
  const lr = f(h.lr);
  const alpha = f(h.alpha);
  const eps = f(h.eps);
  const state = laneState({ v: 0 });
  return perElement((s, i) => {
    const { v } = state(s);
    const g = s.gradient[i]!;
    v[i] = f(f(alpha * v[i]!) + f(f(1 - alpha) * f(g * g)));
    return f(s.parameter[i]! - f(lr * f(g / f(f(Math.sqrt(v[i]!)) + eps))));
  });
}

/**
 * RMSprop-Norm (this library's per-tensor RMSprop): per tensor of d elements,
 * v = alpha v + (1 - alpha) (1/d) sum_i g_i^2 (v_0 = 0); p' = p - lr g / (sqrt(v) + eps).
 */
export function rmspropNormRule(h: { lr: number; alpha: number; eps: number }): ReferenceRule {
  const lr = f(h.lr);
  const alpha = f(h.alpha);
  const eps = f(h.eps);
  let v: Float32Array = new Float32Array(0);
  return {
    step(s) {
      const ranges = tensorRanges(s.groups);
      if (s.step === 1) v = new Float32Array(ranges.length);
      const out = new Float32Array(s.parameter.length);
      ranges.forEach(([start, end], k) => {
        let sum = 0;
        for (let i = start; i < end; i++) sum += f(s.gradient[i]! * s.gradient[i]!);
        v[k] = f(f(alpha * v[k]!) + f(f(1 - alpha) * f(sum / (end - start))));
        const den = f(f(Math.sqrt(v[k]!)) + eps);
        for (let i = start; i < end; i++) out[i] = f(s.parameter[i]! - f(lr * f(s.gradient[i]! / den)));
      });
      return out;
    },
  };
}
