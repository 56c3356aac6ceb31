// The surrogate as plain data for the run's checkpoint (docs/surrogate.md, Checkpoints): parameters,
// Adam's moments, the step count, the training data (genomes with their objectives, and invalid
// decodes in their compact form, compact.ts). Float32 values travel as their bytes (Uint8Array):
// msgpackr's default packer would write a Float32Array as something else, and a checkpoint must
// restore bit for bit.

import type { Genome } from '../genome/types.ts';
import { createRng } from '../util/rng.ts';
import { Adam } from './adam.ts';
import type { GraphShape } from './generate.ts';
import type { CompactGraph } from './compact.ts';
import { tf } from './tf.ts';
import { ADAM_CLIP_NORM, Surrogate, type SurrogateSettings } from './surrogate.ts';

export interface TensorBytes {
  name: string;
  shape: number[];
  bytes: Uint8Array;
}

export interface SurrogateState {
  steps: number;
  params: TensorBytes[];
  adam: { steps: number; slots: { name: string; shape: number[]; t: number; m: Uint8Array; v: Uint8Array }[] };
  examples: { genome: Genome; objectives: number[]; generation: number }[];
  invalid: CompactGraph[];
}

const bytesOf = (f: Float32Array): Uint8Array => new Uint8Array(f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength));
const floatsOf = (b: Uint8Array): Float32Array => new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));

export function snapshotSurrogate(s: Surrogate): SurrogateState {
  const adam = s.adam.snapshot();
  return {
    steps: s.steps,
    params: s.model.store.snapshot().map((p) => ({ name: p.name, shape: p.shape, bytes: bytesOf(p.data) })),
    adam: { steps: adam.steps, slots: adam.slots.map((x) => ({ name: x.name, shape: x.shape, t: x.t, m: bytesOf(x.m), v: bytesOf(x.v) })) },
    examples: [...s.examples.values()].map((e) => ({ genome: e.genome, objectives: e.objectives, generation: e.generation })),
    invalid: [...s.invalid],
  };
}

/** The surrogate a state describes, for these settings and this role's shape. */
export function restoreSurrogate(state: SurrogateState, settings: SurrogateSettings, shape: GraphShape): Surrogate {
  const s = new Surrogate(settings, shape, createRng(0));
  for (const p of state.params) {
    const v = s.model.store.get(p.name);
    const data = floatsOf(p.bytes);
    if (data.length !== v.size) throw new Error(`surrogate state: parameter "${p.name}" has ${data.length} values, the model ${v.size}`);
    tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
  }
  s.adam.dispose();
  s.adam = Adam.restore({
    steps: state.adam.steps,
    slots: state.adam.slots.map((x) => ({ name: x.name, shape: x.shape, t: x.t, m: floatsOf(x.m), v: floatsOf(x.v) })),
  }, { learningRate: settings.learningRate, clipNorm: ADAM_CLIP_NORM });
  s.steps = state.steps;
  for (const e of state.examples) s.observe(e.genome, e.objectives, e.generation);
  for (const c of state.invalid) s.invalid.push(c);
  return s;
}
