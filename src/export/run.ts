// A plain reference runner of an update program (program-types.ts): every node over every lane in
// float32 with Math.fround after each operation, transcendentals in float64 rounded once, sums over
// lanes in float64 rounded once, exactly as docs/engine.md (Numbers, Ops) specifies. It is the
// yardstick the exporters are measured against besides the engine itself: a program that runs here
// as the engine runs its genome was built right, and an exported optimizer that runs as this one
// computes the program right.

import type { LaneGroup, OpName } from '../genome/types.ts';
import { everyPeriod } from './program.ts';
import type { OpStep, SlotName, UpdateProgram } from './program-types.ts';

export interface ProgramSlots {
  gradient: Float32Array;
  parameter: Float32Array;
  /** Rounded to float32 here, as the engine's scalar slots hold them. */
  loss: number;
  previousLoss: number;
  /** From 1. */
  step: number;
  curvature: Float32Array;
}

const f = Math.fround;
const TINY = f(1e-30);

/** One lane of an elementwise op (docs/engine.md, Ops; assembly/ops.ts). */
export function elementwise(op: OpName, x: number, y: number, z: number, a0: number, a1: number): number {
  switch (op) {
    case 'identity': case 'modulate': return x;
    case 'add': return f(x + y);
    case 'sub': return f(x - y);
    case 'mul': return f(x * y);
    case 'div': return y === 0 ? 0 : f(x / y);
    case 'neg': return -x;
    case 'abs': return Math.abs(x);
    case 'sign': return x > 0 ? 1 : x < 0 ? -1 : 0;
    case 'square': return f(x * x);
    case 'sqrt': return f(Math.sqrt(Math.max(x, 0)));
    case 'rsqrt': return x > 0 ? f(1 / f(Math.sqrt(x))) : 0;
    // C's pow: pow(1, y) and pow(x, 0) are 1 even for NaN, unlike Math.pow.
    case 'pow': return Math.abs(x) === 1 || y === 0 ? 1 : f(Math.pow(Math.abs(x), y));
    case 'exp': return f(Math.exp(Math.min(Math.max(x, -80), 80)));
    case 'log': return f(Math.log(Math.max(Math.abs(x), TINY)));
    case 'tanh': return f(Math.tanh(x));
    case 'sigmoid': return f(1 / (1 + Math.exp(-x)));
    case 'relu': return Math.max(x, 0);
    case 'min': return Math.min(x, y);
    case 'max': return Math.max(x, y);
    case 'clamp': return Math.min(Math.max(x, a0), a1);
    case 'gt': return x > y ? 1 : 0;
    case 'ge': return x >= y ? 1 : 0;
    case 'eq': return x === y ? 1 : 0;
    case 'select': return x !== 0 ? y : z;
    case 'const': return a0;
    default: throw new Error(`elementwise: ${op} is not an elementwise op`);
  }
}

/** op over each group of x (L lanes) into out: reductions, rowmean, colmean. */
export function reduceGroups(op: OpName, x: Float32Array, out: Float32Array, groups: readonly LaneGroup[]): void {
  let start = 0;
  for (const { rows, cols } of groups) {
    const n = rows * cols;
    if (op === 'rowmean' || op === 'colmean') {
      const byRow = op === 'rowmean';
      const line = (i: number): number => (byRow ? Math.floor(i / cols) : i % cols);
      const sums = new Float64Array(byRow ? rows : cols);
      for (let i = 0; i < n; i++) sums[line(i)] = (sums[line(i)] as number) + (x[start + i] as number);
      for (let i = 0; i < n; i++) out[start + i] = f((sums[line(i)] as number) / (byRow ? cols : rows));
    } else {
      let sum = 0;
      let squares = 0;
      let maxAbs = 0;
      for (let i = start; i < start + n; i++) {
        const v = x[i] as number;
        sum += v;
        squares += v * v;
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
      const value =
        op === 'rsum' ? f(sum) : op === 'rmean' ? f(sum / n) : op === 'rnorm' ? f(Math.sqrt(squares))
          : op === 'rrms' ? f(Math.sqrt(squares / n)) : maxAbs;
      out.fill(value, start, start + n);
    }
    start += n;
  }
}

/** The ops reduceGroups computes: over a group, or a row or column of it. */
export const REDUCING: ReadonlySet<OpName> = new Set(['rsum', 'rmean', 'rnorm', 'rmaxabs', 'rrms', 'rowmean', 'colmean']);

/** Runs a program step by step over the lanes of `groups`, keeping its history between steps. */
export class ProgramRunner {
  readonly lanes: number;
  private readonly history = new Map<number, Float32Array[]>();

  constructor(readonly program: UpdateProgram, readonly groups: readonly LaneGroup[]) {
    this.lanes = groups.reduce((s, g) => s + g.rows * g.cols, 0);
    for (const h of program.history) this.history.set(h.key, Array.from({ length: h.depth }, () => new Float32Array(this.lanes)));
  }

  /** One step: the new parameters (a new array). */
  step(slots: ProgramSlots): Float32Array {
    const L = this.lanes;
    const values = new Map<number, Float32Array>();
    const slotValue: Record<SlotName, () => Float32Array> = {
      gradient: () => Float32Array.from(slots.gradient),
      parameter: () => Float32Array.from(slots.parameter),
      loss: () => new Float32Array(L).fill(slots.loss),
      previousLoss: () => new Float32Array(L).fill(slots.previousLoss),
      step: () => new Float32Array(L).fill(slots.step),
      curvature: () => Float32Array.from(slots.curvature),
    };
    for (const node of this.program.nodes) {
      values.set(node.key, node.kind === 'input' ? slotValue[node.slot]() : this.evaluate(node, values, slots.step));
    }
    for (const h of this.program.history) {
      const buffers = this.history.get(h.key) as Float32Array[];
      buffers.pop();
      buffers.unshift(Float32Array.from(values.get(h.key) as Float32Array));
    }
    return Float32Array.from(values.get(this.program.output) as Float32Array);
  }

  private portSum(terms: OpStep['ports'][number], values: Map<number, Float32Array>): Float32Array {
    const P = new Float32Array(this.lanes);
    for (const t of terms) {
      const x = t.delay === 0 ? values.get(t.source) : this.history.get(t.source)?.[t.delay - 1];
      if (x === undefined) throw new Error(`ProgramRunner: node ${t.source} has no value ${t.delay} steps back`);
      for (let i = 0; i < this.lanes; i++) P[i] = f((P[i] as number) + f(t.weight * (x[i] as number)));
    }
    return P;
  }

  private evaluate(node: OpStep, values: Map<number, Float32Array>, step: number): Float32Array {
    const [x, y, z] = node.ports.map((p) => this.portSum(p, values)) as [Float32Array, Float32Array, Float32Array];
    const out = new Float32Array(this.lanes);
    const [a0, a1] = node.attrs;
    if (REDUCING.has(node.op)) reduceGroups(node.op, x, out, this.groups);
    else if (node.op === 'every') out.fill(step % everyPeriod(a0) === 0 ? 1 : 0);
    else for (let i = 0; i < this.lanes; i++) out[i] = elementwise(node.op, x[i] as number, y[i] as number, z[i] as number, a0, a1);
    return out;
  }
}
