// Drives one genome two ways on the same multi-tensor problem: in the engine (as src/optimizer/
// driver.ts does, one lane group per tensor) and through its exported ONNX step in onnxruntime-web
// (one run per tensor per step, the tensor as its matrix view, with its own state fed back), and measures how far apart
// the two parameter trajectories are.

import type { Engine } from '../../src/engine/engine.ts';
import { toOnnx } from '../../src/export/onnx.ts';
import type { UpdateProgram } from '../../src/export/program-types.ts';
import type { Genome, LaneGroup } from '../../src/genome/types.ts';
import { writeOptimizerInputs } from '../../src/optimizer/driver.ts';
import { initialState, type StateTensors } from './onnx-reference.ts';
import { maxRelativeError, onnxStep, openSession } from './onnx-session.ts';

/** Tensors of rank 2, 1, 0 and 3, laid out one after another. */
const SHAPES: readonly (readonly number[])[] = [[3, 4], [5], [], [2, 3, 2]];

const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const SIZES = SHAPES.map(size);
const OFFSETS = SIZES.map((_, i) => SIZES.slice(0, i).reduce((a, b) => a + b, 0));
const LANES = SIZES.reduce((a, b) => a + b, 0);

/** The engine's groups: a tensor [n0, n1, ...] is n0 x (n1 * ...), 1-D and 0-D ones 1 x n. */
const GROUPS: readonly LaneGroup[] = SHAPES.map((s, i) => {
  const rows = s.length >= 2 ? (s[0] as number) : 1;
  return { rows, cols: (SIZES[i] as number) / rows };
});

// f = 1/2 sum_i h_i (theta_i - c_i)^2 with curvatures from 0.05 to 1 and a coupling term
// 0.1 * theta_i * theta_{i+1} across tensor boundaries, so that every tensor's gradient moves.
const H = Array.from({ length: LANES }, (_, i) => 0.05 * 20 ** (i / (LANES - 1)));
const C = Array.from({ length: LANES }, (_, i) => Math.sin(1.7 * i));
const COUPLING = 0.1;

function evaluate(theta: Float32Array, gradient: Float32Array): number {
  let loss = 0;
  for (let i = 0; i < LANES; i++) {
    const d = (theta[i] as number) - (C[i] as number);
    loss += 0.5 * (H[i] as number) * d * d;
    let g = (H[i] as number) * d;
    if (i + 1 < LANES) {
      loss += COUPLING * (theta[i] as number) * (theta[i + 1] as number);
      g += COUPLING * (theta[i + 1] as number);
    }
    if (i > 0) g += COUPLING * (theta[i - 1] as number);
    gradient[i] = g;
  }
  return loss;
}

const initial = (): Float32Array => Float32Array.from({ length: LANES }, (_, i) => (C[i] as number) + 1.5 * Math.cos(3.1 * i));
// The Hessian's diagonal is h_i exactly: z_i (H z)_i = h_i + 0.1 z_i (z_{i-1} + z_{i+1}); a fixed
// Rademacher-like pattern keeps both runs on the same probe.
const curvature = (): Float32Array => Float32Array.from({ length: LANES }, (_, i) => {
  const z = (j: number): number => (j < 0 || j >= LANES ? 0 : ((j * 7) % 3 === 0 ? -1 : 1));
  return (H[i] as number) + COUPLING * z(i) * (z(i - 1) + z(i + 1));
});

export interface Agreement {
  /** Steps both runs completed (fewer than asked when the engine stopped on a non-finite value). */
  steps: number;
  /** The largest relative difference of a parameter over those steps (maxRelativeError; 0: identical). */
  error: number;
}

/** Runs `genome` (whose program is `program`) `steps` steps in both and compares after every step. */
export async function agreement(engine: Engine, genome: Genome, program: UpdateProgram, steps: number): Promise<Agreement> {
  const session = await openSession(toOnnx(program));
  engine.load(genome, GROUPS, { seed: 0 });
  const probe = curvature();
  const gradient = new Float32Array(LANES);
  const runs = [initial(), initial()] as [Float32Array, Float32Array];
  const previous = [Number.NaN, Number.NaN];
  let state: StateTensors[] = SIZES.map((n) => initialState(program, n));
  let error = 0;
  let done = 0;
  for (let step = 1; step <= steps; step++) {
    // The engine, as optimize() drives it.
    const lossE = evaluate(runs[0], gradient);
    writeOptimizerInputs(engine, step, lossE, previous[0] as number, gradient, runs[0], probe);
    if (engine.run(1).status !== 'ok') break;
    runs[0] = Float32Array.from(engine.output(0));
    previous[0] = lossE;
    // The ONNX step, tensor by tensor.
    const lossO = evaluate(runs[1], gradient);
    const next = new Float32Array(LANES);
    const nextState: StateTensors[] = [];
    for (const [i, group] of GROUPS.entries()) {
      const at = OFFSETS[i] as number;
      const part = (a: Float32Array): Float32Array => a.slice(at, at + (SIZES[i] as number));
      const out = await onnxStep(session, program, {
        shape: [group.rows, group.cols], gradient: part(gradient), parameter: part(runs[1]), curvature: part(probe),
        loss: Math.fround(lossO), previousLoss: Math.fround(step === 1 ? lossO : previous[1] as number), step,
      }, state[i] as StateTensors);
      next.set(out.parameter, at);
      nextState.push(out.state);
    }
    runs[1] = next;
    state = nextState;
    previous[1] = lossO;
    error = Math.max(error, maxRelativeError(runs[1], runs[0]));
    done = step;
  }
  await session.release();
  return { steps: done, error };
}
