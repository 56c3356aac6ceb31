// Small float32 building blocks for the adaptive references: per-lane state that starts at zero on
// the first step (as the graph's delayed edges do), and the float32 forms of the recurring
// equations. Every operation is rounded with Math.fround, as the engine rounds.

import type { LaneGroup } from '../../../src/genome/types.ts';
import { f } from '../harness.ts';

export type Hyper = Readonly<Record<string, number>>;

/** The hyperparameter `name`; throws when a reference is given a set without it. */
export function get(h: Hyper, name: string): number {
  const v = h[name];
  if (v === undefined) throw new Error(`reference: no hyperparameter ${name}`);
  return v;
}

/** Named per-lane state arrays, made (zeroed) on step 1. */
export class LaneState {
  private readonly arrays = new Map<string, Float32Array>();
  private lanes = 0;

  reset(lanes: number): void {
    this.arrays.clear();
    this.lanes = lanes;
  }

  get(name: string): Float32Array {
    let a = this.arrays.get(name);
    if (a === undefined) {
      a = new Float32Array(this.lanes);
      this.arrays.set(name, a);
    }
    return a;
  }
}

/** s_t = beta s + (1 - beta) x in float32 (beta rounded first, 1 - beta from it). */
export function emaStep(s: number, x: number, beta: number): number {
  const b = f(beta);
  return f(f(b * s) + f(f(1 - b) * x));
}

/** 1 - beta^t with beta in float32 (pow in float64, rounded once). */
export function correction(beta: number, t: number): number {
  return f(1 - f(Math.pow(f(beta), t)));
}

/** Adam's step direction mhat / (sqrt(vhat) + eps). */
export function rmsDirection(mhat: number, vhat: number, eps: number): number {
  return f(mhat / f(f(Math.sqrt(vhat)) + f(eps)));
}

/** p - lr u (weight lr in float32). */
export function descend(p: number, u: number, lr: number): number {
  return f(p - f(f(lr) * u));
}

/** The lane ranges [start, end) of each tensor, with its shape. */
export function tensors(groups: readonly LaneGroup[]): { start: number; rows: number; cols: number }[] {
  let at = 0;
  return groups.map((g) => {
    const t = { start: at, rows: g.rows, cols: g.cols };
    at += g.rows * g.cols;
    return t;
  });
}

/** sqrt(sum x^2) over [start, end), summed in float64 and rounded once (as the engine's rnorm). */
export function norm(x: Float32Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s += (x[i] as number) * (x[i] as number);
  return f(Math.sqrt(s));
}

/** sqrt(mean x^2) over [start, end), in float64, rounded once. */
export function rms(x: Float32Array, start: number, end: number): number {
  let s = 0;
  for (let i = start; i < end; i++) s += (x[i] as number) * (x[i] as number);
  return f(Math.sqrt(s / (end - start)));
}
