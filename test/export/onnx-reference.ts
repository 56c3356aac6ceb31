// A plain TypeScript evaluation of one update step of an UpdateProgram (src/export/program-types.ts)
// for one parameter tensor, written from docs/engine.md (Numbers, Ops) and the program's header: the
// value the ONNX export must reproduce. Every value is held per lane (a scalar or group value repeated
// in every lane), every float32 operation rounds with Math.fround, transcendentals are computed in
// float64 and rounded once, and sums over lanes are accumulated in float64.

import type { History, OpStep, Term, UpdateProgram } from '../../src/export/program-types.ts';

const f32 = Math.fround;
const TINY = f32(1e-30);

/** One tensor's slots at one step; loss, previousLoss and step are float32 values. */
export interface TensorInputs {
  shape: readonly number[];
  gradient: Float32Array;
  parameter: Float32Array;
  curvature: Float32Array;
  loss: number;
  previousLoss: number;
  step: number;
}

/** A history as the ONNX model holds it: depth * n values (lane) or depth values (group, scalar). */
export type StateTensors = Map<number, Float32Array>;

/** The zeros every history starts from. */
export function initialState(program: UpdateProgram, size: number): StateTensors {
  return new Map(program.history.map((h) => [h.key, new Float32Array(h.width === 'lane' ? h.depth * size : h.depth)]));
}

function pow64(x: number, y: number): number {
  // C's pow: pow(1, y) = 1 and pow(x, 0) = 1 even for NaN, unlike Math.pow.
  if (x === 1 || y === 0) return 1;
  return Math.pow(x, y);
}

function everyK(a0: number): number {
  const k = Math.floor(f32(a0 + 0.5));
  return Math.min(Math.max(1, Number.isNaN(k) ? 1 : k), 2 ** 30);
}

function elementwise(op: OpStep['op'], x: number, y: number, z: number, a0: number, a1: number, t: number): number {
  switch (op) {
    case 'identity': case 'modulate': return x;
    case 'add': return f32(x + y);
    case 'sub': return f32(x - y);
    case 'mul': return f32(x * y);
    case 'div': return y === 0 ? 0 : f32(x / y);
    case 'neg': return -x;
    case 'abs': return Math.abs(x);
    case 'sign': return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'square': return f32(x * x);
    case 'sqrt': return f32(Math.sqrt(Math.max(x, 0)));
    case 'rsqrt': return x > 0 ? f32(1 / f32(Math.sqrt(x))) : 0;
    case 'pow': return f32(pow64(Math.abs(x), y));
    case 'exp': return f32(Math.exp(Math.min(Math.max(x, -80), 80)));
    case 'log': return f32(Math.log(Math.max(Math.abs(x), TINY)));
    case 'tanh': return f32(Math.tanh(x));
    case 'sigmoid': return f32(1 / (1 + Math.exp(-x)));
    case 'relu': return Math.max(x, 0);
    case 'min': return Math.min(x, y);
    case 'max': return Math.max(x, y);
    case 'clamp': return Math.min(Math.max(x, a0), a1);
    case 'gt': return x > y ? 1 : 0;
    case 'ge': return x >= y ? 1 : 0;
    case 'eq': return x === y ? 1 : 0;
    case 'select': return x !== 0 ? y : z;
    case 'every': return t % everyK(a0) === 0 ? 1 : 0;
    case 'const': return a0;
    default: throw new Error(`reference: ${op} is not elementwise`);
  }
}

/** Reductions over a set of lanes (float64 sums, one rounding). */
function reduce(op: OpStep['op'], x: Float32Array, lanes: readonly number[]): number {
  let sum = 0;
  let squares = 0;
  let maxAbs = 0;
  for (const l of lanes) {
    const v = x[l] as number;
    sum += v;
    squares += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const n = lanes.length;
  switch (op) {
    case 'rsum': return f32(sum);
    case 'rmean': case 'rowmean': case 'colmean': return f32(sum / n);
    case 'rnorm': return f32(Math.sqrt(squares));
    case 'rrms': return f32(Math.sqrt(squares / n));
    case 'rmaxabs': return maxAbs;
    default: throw new Error(`reference: ${op} is not a reduction`);
  }
}

/** The matrix a tensor is viewed as: [n0, n1, ...] -> [n0, n1 * ...]; 1-D and 0-D -> [1, n]. */
export function matrixView(shape: readonly number[]): [number, number] {
  const n = shape.reduce((a, b) => a * b, 1);
  const rows = shape.length >= 2 ? (shape[0] as number) : 1;
  return [rows, rows === 0 ? 0 : n / rows];
}

const indices = (start: number, count: number, stride = 1): number[] => Array.from({ length: count }, (_, i) => start + i * stride);

function evaluate(step: OpStep, P: Float32Array[], shape: readonly number[], t: number): Float32Array {
  const [x, y, z] = P as [Float32Array, Float32Array, Float32Array];
  const n = x.length;
  const out = new Float32Array(n);
  const op = step.op;
  if (op === 'rsum' || op === 'rmean' || op === 'rnorm' || op === 'rrms' || op === 'rmaxabs') {
    out.fill(reduce(op, x, indices(0, n)));
  } else if (op === 'rowmean' || op === 'colmean') {
    const [rows, cols] = matrixView(shape);
    for (let l = 0; l < n; l++) {
      const r = Math.floor(l / cols);
      const c = l % cols;
      out[l] = reduce(op, x, op === 'rowmean' ? indices(r * cols, cols) : indices(c, rows, cols));
    }
  } else {
    const [a0, a1] = step.attrs;
    for (let l = 0; l < n; l++) out[l] = elementwise(op, x[l] as number, y[l] as number, z[l] as number, a0, a1, t);
  }
  return out;
}

/** One step: the new parameter and the new state tensors. */
export function referenceStep(program: UpdateProgram, input: TensorInputs, state: StateTensors): { parameter: Float32Array; state: StateTensors } {
  const n = input.parameter.length;
  const histories = new Map<number, History>(program.history.map((h) => [h.key, h]));
  const values = new Map<number, Float32Array>();
  const filled = (v: number): Float32Array => new Float32Array(n).fill(v);
  const slotValue = (slot: string): Float32Array => {
    switch (slot) {
      case 'gradient': return input.gradient;
      case 'parameter': return input.parameter;
      case 'curvature': return program.readsCurvature ? input.curvature : filled(0);
      case 'loss': return filled(input.loss);
      case 'previousLoss': return filled(input.previousLoss);
      case 'step': return filled(input.step);
      default: throw new Error(`reference: no slot ${slot}`);
    }
  };
  const past = (term: Term): Float32Array => {
    const h = histories.get(term.source);
    const s = state.get(term.source);
    if (h === undefined || s === undefined || h.depth < term.delay) throw new Error(`reference: node ${term.source} keeps no output ${term.delay} steps back`);
    if (h.width === 'lane') return s.slice((term.delay - 1) * n, term.delay * n);
    return filled(s[term.delay - 1] as number);
  };
  for (const step of program.nodes) {
    if (step.kind === 'input') {
      values.set(step.key, slotValue(step.slot));
      continue;
    }
    const ports = step.ports.map((terms) => {
      const P = new Float32Array(n);
      for (const term of terms) {
        const x = term.delay === 0 ? values.get(term.source) : past(term);
        if (x === undefined) throw new Error(`reference: node ${term.source} is read before it is computed`);
        for (let l = 0; l < n; l++) P[l] = f32((P[l] as number) + f32(term.weight * (x[l] as number)));
      }
      return P;
    });
    values.set(step.key, evaluate(step, ports, input.shape, input.step));
  }
  const next: StateTensors = new Map();
  for (const h of program.history) {
    const v = values.get(h.key) as Float32Array;
    const old = state.get(h.key) as Float32Array;
    const size = h.width === 'lane' ? n : 1;
    const s = new Float32Array(h.depth * size);
    s.set(v.subarray(0, size));
    s.set(old.subarray(0, (h.depth - 1) * size), size);
    next.set(h.key, s);
  }
  return { parameter: Float32Array.from(values.get(program.output) as Float32Array), state: next };
}
