// One update step of an UpdateProgram (src/export/program-types.ts) for one parameter tensor, with
// its history held as the ONNX model holds it (state tensors in, state tensors out): the value the
// ONNX export must reproduce. The ops are src/export/run.ts's plain float32 reference (elementwise,
// reduceGroups over the tensor's matrix view); this file adds the ONNX state layout around them.

import { everyPeriod } from '../../src/export/program.ts';
import type { History, OpStep, Term, UpdateProgram } from '../../src/export/program-types.ts';
import { elementwise, reduceGroups, REDUCING } from '../../src/export/run.ts';

const f32 = Math.fround;

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

/** The matrix a tensor is viewed as: [n0, n1, ...] -> [n0, n1 * ...]; 1-D and 0-D -> [1, n]. */
export function matrixView(shape: readonly number[]): [number, number] {
  const n = shape.reduce((a, b) => a * b, 1);
  const rows = shape.length >= 2 ? (shape[0] as number) : 1;
  return [rows, rows === 0 ? 0 : n / rows];
}

function evaluate(step: OpStep, P: Float32Array[], shape: readonly number[], t: number): Float32Array {
  const [x, y, z] = P as [Float32Array, Float32Array, Float32Array];
  const out = new Float32Array(x.length);
  const [a0, a1] = step.attrs;
  if (REDUCING.has(step.op)) {
    const [rows, cols] = matrixView(shape);
    reduceGroups(step.op, x, out, [{ rows, cols }]);
  } else if (step.op === 'every') {
    out.fill(t % everyPeriod(a0) === 0 ? 1 : 0);
  } else {
    for (let l = 0; l < x.length; l++) out[l] = elementwise(step.op, x[l] as number, y[l] as number, z[l] as number, a0, a1);
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
