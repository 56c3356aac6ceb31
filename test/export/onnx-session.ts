// Runs an exported update step in onnxruntime-web (its WebAssembly CPU backend, loaded from
// node_modules: no network), feeding one tensor's slots and state as src/export/onnx.ts names them.

import * as ort from 'onnxruntime-web';
import { stateName } from '../../src/export/onnx.ts';
import type { UpdateProgram } from '../../src/export/program-types.ts';
import type { StateTensors, TensorInputs } from './onnx-reference.ts';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

export function openSession(model: Uint8Array): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(model, { executionProviders: ['wasm'], logSeverityLevel: 3 });
}

const tensor = (data: Float32Array, dims: readonly number[]): ort.Tensor => new ort.Tensor('float32', data, dims);
const scalar = (v: number): ort.Tensor => tensor(Float32Array.of(v), []);

/** One step through the session: the new parameter and state, as onnx-reference.ts holds them. */
export async function onnxStep(
  session: ort.InferenceSession, program: UpdateProgram, input: TensorInputs, state: StateTensors,
): Promise<{ parameter: Float32Array; state: StateTensors }> {
  const feeds: Record<string, ort.Tensor> = {
    gradient: tensor(input.gradient, input.shape),
    parameter: tensor(input.parameter, input.shape),
    loss: scalar(input.loss),
    previousLoss: scalar(input.previousLoss),
    step: scalar(input.step),
  };
  if (program.readsCurvature) feeds.curvature = tensor(input.curvature, input.shape);
  for (const h of program.history) {
    const s = state.get(h.key);
    if (s === undefined) throw new Error(`no state for node ${h.key}`);
    feeds[stateName(h.key)] = tensor(s, h.width === 'lane' ? [h.depth, ...input.shape] : [h.depth]);
  }
  const out = await session.run(feeds);
  const read = (name: string, dims: readonly number[]): Float32Array => {
    const t = out[name];
    if (t === undefined) throw new Error(`the model has no output ${name}`);
    if (t.type !== 'float32' || t.dims.join(',') !== dims.join(',')) throw new Error(`${name}: ${t.type} [${t.dims.join(', ')}], expected float32 [${dims.join(', ')}]`);
    return Float32Array.from(t.data as Float32Array);
  };
  const next: StateTensors = new Map();
  for (const h of program.history) {
    next.set(h.key, read(`${stateName(h.key)}_out`, h.width === 'lane' ? [h.depth, ...input.shape] : [h.depth]));
  }
  return { parameter: read('parameter_out', input.shape), state: next };
}

/**
 * |a - b| / max(|a|, |b|) per element, largest over the arrays; 0 where both are equal (both the
 * same infinity, or both NaN), Infinity where only one is finite.
 */
export function maxRelativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (!Number.isFinite(x) || !Number.isFinite(y)) return Infinity;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y)));
  }
  return worst;
}
