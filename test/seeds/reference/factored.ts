// Adafactor reference (Shazeer & Stern 2018, arXiv:1804.04235): Algorithm 4 (factored) for a tensor
// with more than one row and column, Algorithm 5 (unfactored) for a 1 x n or n x 1 tensor, beta1 = 0,
// relative step size and update clipping, in float32:
//   G = g^2 + eps1;  b2_t = 1 - t^-c
//   factored:   R = b2_t R + (1-b2_t) rowmean(G);  C = b2_t C + (1-b2_t) colmean(G);  V = R C / mean(R)
//   unfactored: V = b2_t V + (1-b2_t) G
//   U = g / sqrt(V);  U' = U / max(1, RMS(U)/d)
//   p -= max(eps2, RMS(p)) min(maxStep, 1/sqrt(t)) U'

import type { ReferenceRule } from '../harness.ts';
import { f } from '../harness.ts';
import { get, LaneState, rms, tensors, type Hyper } from './lanes.ts';

/** With factored false every tensor takes Algorithm 5's unfactored moment. */
export function adafactorReference(h: Hyper, factored = true): ReferenceRule {
  const [maxStep, eps1, eps2, d, c] = ['maxStep', 'eps1', 'eps2', 'd', 'c'].map((k) => get(h, k)) as [number, number, number, number, number];
  const state = new LaneState();
  return {
    step(s) {
      if (s.step === 1) state.reset(s.gradient.length);
      const t = s.step;
      const rate = f(Math.pow(t, f(-c)));
      const keep = f(1 - rate);
      const relative = Math.min(f(maxStep), f(1 / f(Math.sqrt(t))));
      const R = state.get('R'); // factored: per row, at start + row; unfactored: V per element
      const C = state.get('C'); // per column, at start + column
      const out = new Float32Array(s.parameter.length);
      for (const { start, rows, cols } of tensors(s.groups)) {
        const n = rows * cols;
        const G = new Float32Array(n);
        for (let j = 0; j < n; j++) {
          const g = s.gradient[start + j] as number;
          G[j] = f(f(g * g) + f(eps1));
        }
        const V = new Float32Array(n);
        if (factored && rows > 1 && cols > 1) {
          let sumR = 0;
          for (let r = 0; r < rows; r++) {
            let sum = 0;
            for (let k = 0; k < cols; k++) sum += G[r * cols + k] as number;
            R[start + r] = f(f(keep * (R[start + r] as number)) + f(rate * f(sum / cols)));
            sumR += R[start + r] as number;
          }
          for (let k = 0; k < cols; k++) {
            let sum = 0;
            for (let r = 0; r < rows; r++) sum += G[r * cols + k] as number;
            C[start + k] = f(f(keep * (C[start + k] as number)) + f(rate * f(sum / rows)));
          }
          const meanR = f(sumR / rows);
          for (let j = 0; j < n; j++) {
            V[j] = f(f((R[start + Math.floor(j / cols)] as number) * (C[start + (j % cols)] as number)) / meanR);
          }
        } else {
          for (let j = 0; j < n; j++) {
            R[start + j] = f(f(keep * (R[start + j] as number)) + f(rate * (G[j] as number)));
            V[j] = R[start + j] as number;
          }
        }
        const U = new Float32Array(n);
        for (let j = 0; j < n; j++) {
          const root = f(Math.sqrt(V[j] as number));
          U[j] = root === 0 ? 0 : f((s.gradient[start + j] as number) / root);
        }
        const clip = Math.max(1, f(f(1 / d) * rms(U, 0, n)));
        const alpha = f(Math.max(f(eps2), rms(s.parameter, start, start + n)) * relative);
        for (let j = 0; j < n; j++) {
          out[start + j] = f((s.parameter[start + j] as number) - f(alpha * f((U[j] as number) / clip)));
        }
      }
      return out;
    },
  };
}
