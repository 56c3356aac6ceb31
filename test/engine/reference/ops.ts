// The ops of docs/engine.md (Ops) and its float rules (Numbers): float32 arithmetic rounds after
// every operation (Math.fround), transcendentals are computed in float64 from the float32 argument
// and rounded once, and sums over lanes are accumulated in float64 and rounded once.

import type { OpName } from '../../../src/genome/types.ts';
import type { Lanes } from './state.ts';

const f32 = Math.fround;
const TINY = f32(1e-30);

/** min and max that return NaN when either operand is NaN (Math.min/max already do). */
export const fmin = (x: number, y: number): number => Math.min(x, y);
export const fmax = (x: number, y: number): number => Math.max(x, y);

/** IEEE 754 pow (C's pow): unlike JavaScript's Math.pow, pow(1, y) is 1 for every y, NaN included. */
export function pow64(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  return Math.pow(x, y);
}

/** One lane's value of an elementwise op. */
function elementwise(op: OpName, x: number, y: number, z: number, a0: number, a1: number, t: number): number {
  switch (op) {
    case 'identity': return x;
    case 'add': return f32(x + y);
    case 'sub': return f32(x - y);
    case 'mul': return f32(x * y);
    case 'div': return y === 0 ? 0 : f32(x / y);
    case 'neg': return -x;
    case 'abs': return Math.abs(x);
    case 'sign': return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'square': return f32(x * x);
    case 'sqrt': return f32(Math.sqrt(fmax(x, 0)));
    case 'rsqrt': return x > 0 ? f32(1 / f32(Math.sqrt(x))) : 0;
    case 'pow': return f32(pow64(Math.abs(x), y));
    case 'exp': return f32(Math.exp(fmin(fmax(x, -80), 80)));
    case 'log': return f32(Math.log(fmax(Math.abs(x), TINY)));
    case 'tanh': return f32(Math.tanh(x));
    case 'sigmoid': return f32(1 / (1 + Math.exp(-x)));
    case 'relu': return fmax(x, 0);
    case 'min': return fmin(x, y);
    case 'max': return fmax(x, y);
    case 'clamp': return fmin(fmax(x, a0), a1);
    case 'gt': return x > y ? 1 : 0;
    case 'ge': return x >= y ? 1 : 0;
    case 'eq': return x === y ? 1 : 0;
    case 'select': return x !== 0 ? y : z;
    case 'every': {
      const k = Math.min(Math.max(1, Math.floor(f32(a0 + 0.5))), 2 ** 30);
      return t % k === 0 ? 1 : 0;
    }
    case 'const': return a0;
    case 'modulate': return x;
    default: throw new Error(`reference: ${op} is not elementwise`);
  }
}

/** A reduction of x over the lanes `lanes` (indices), per docs/engine.md. */
function reduce(op: OpName, x: Float32Array, lanes: number[]): number {
  let sum = 0; // float64
  let squares = 0; // float64
  let maxAbs = 0;
  for (const l of lanes) {
    const v = x[l] as number;
    sum += v;
    squares += v * v; // exact: a product of two float32 values fits in float64
    maxAbs = fmax(maxAbs, Math.abs(v));
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

const GROUP_REDUCTIONS: readonly OpName[] = ['rsum', 'rmean', 'rnorm', 'rmaxabs', 'rrms'];

export function isReduction(op: OpName): boolean {
  return GROUP_REDUCTIONS.includes(op);
}

/** The activation A = op(P0, P1, P2) in every lane at tick t. */
export function evaluateOp(
  op: OpName, attrs: readonly number[], P: readonly Float32Array[], t: number, lanes: Lanes,
): Float32Array {
  const [x, y, z] = P as [Float32Array, Float32Array, Float32Array];
  const L = lanes.count;
  const A = new Float32Array(L);
  if (isReduction(op)) {
    lanes.groups.forEach((g) => {
      const members = range(g.start, g.rows * g.cols);
      const value = reduce(op, x, members);
      for (const l of members) A[l] = value;
    });
  } else if (op === 'rowmean' || op === 'colmean') {
    for (let l = 0; l < L; l++) {
      const g = lanes.groups[lanes.group[l] as number] as Lanes['groups'][number];
      const r = lanes.row[l] as number;
      const c = lanes.col[l] as number;
      const members = op === 'rowmean'
        ? range(g.start + r * g.cols, g.cols)
        : range(0, g.rows).map((i) => g.start + i * g.cols + c);
      A[l] = reduce(op, x, members);
    }
  } else {
    const a0 = attrs[0] as number;
    const a1 = attrs[1] as number;
    for (let l = 0; l < L; l++) A[l] = elementwise(op, x[l] as number, y[l] as number, z[l] as number, a0, a1, t);
  }
  return A;
}

function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => start + i);
}
