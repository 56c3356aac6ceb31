// The surrogate as plain data for the run's checkpoint (docs/surrogate.md, Checkpoints): parameters,
// Adam's moments, the step count, the training data (genomes with their objectives, and invalid
// decodes in a compact form). Float32 values travel as their bytes (Uint8Array): msgpackr's default
// packer would write a Float32Array as something else, and a checkpoint must restore bit for bit.

import type { Genome } from '../genome/types.ts';
import { createRng } from '../util/rng.ts';
import { Adam } from './adam.ts';
import type { GraphShape } from './generate.ts';
import { edgeIndex, emptyArrays, SURROGATE_EFFECTS, type GraphArrays } from './graph.ts';
import { tf } from './tf.ts';
import { ADAM_CLIP_NORM, Surrogate, type SurrogateSettings } from './surrogate.ts';

export interface TensorBytes {
  name: string;
  shape: number[];
  bytes: Uint8Array;
}

/**
 * An invalid decode, compactly, as plain numbers (float32 values are exact as doubles): its used
 * positions' fields and its edges as [target, port, source, kind, enabled, delay] plus weights.
 */
export interface CompactGraph {
  maxNodes: number; count: number; inputs: number; outputs: number;
  ints: number[]; reals: number[]; effectScale: number[];
  edges: number[]; weights: number[];
  coding?: { ticks: number; encoders: number[]; decoders: number[] };
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

const NODE_INTS = ['op', 'role', 'slot', 'policy', 'emit', 'refractory', 'effectCount'] as const;
const EFFECT_INTS = ['effectKind', 'effectEnabled', 'effectChange', 'effectSource', 'effectTarget', 'effectSelect', 'effectDirection', 'effectK', 'effectRadius', 'effectA', 'effectB'] as const;

export function compactGraph(a: GraphArrays): CompactGraph {
  const n = a.count;
  const E = SURROGATE_EFFECTS;
  const ints: number[] = [];
  for (const k of NODE_INTS) for (let i = 0; i < n; i++) ints.push(a[k][i] as number);
  for (const k of EFFECT_INTS) for (let i = 0; i < n * E; i++) ints.push(a[k][i] as number);
  const edges: number[] = [];
  const weights: number[] = [];
  for (let t = 0; t < n; t++) for (let p = 0; p < 3; p++) for (let s = 0; s < n; s++) for (const kind of [0, 1]) {
    const e = edgeIndex(a.maxNodes, t, p, s, kind);
    if (a.edge[e] !== 1) continue;
    edges.push(t, p, s, kind, a.edgeEnabled[e] as number, a.edgeDelay[e] as number);
    weights.push(a.edgeWeight[e] as number);
  }
  return {
    maxNodes: a.maxNodes, count: n, inputs: a.inputs, outputs: a.outputs, ints,
    reals: Array.from(a.real.subarray(0, n * 8)), effectScale: Array.from(a.effectScale.subarray(0, n * E)), edges, weights,
    ...(a.coding === undefined ? {} : { coding: { ticks: a.coding.ticks, encoders: Array.from(a.coding.encoders), decoders: Array.from(a.coding.decoders) } }),
  };
}

export function expandGraph(c: CompactGraph): GraphArrays {
  const a = emptyArrays(c.maxNodes, c.inputs, c.outputs);
  const n = c.count;
  const E = SURROGATE_EFFECTS;
  a.count = n;
  let at = 0;
  for (const k of NODE_INTS) for (let i = 0; i < n; i++) a[k][i] = c.ints[at++] as number;
  for (const k of EFFECT_INTS) for (let i = 0; i < n * E; i++) a[k][i] = c.ints[at++] as number;
  a.real.set(c.reals);
  a.effectScale.set(c.effectScale);
  for (let k = 0; k < c.weights.length; k++) {
    const [t, p, s, kind, enabled, delay] = c.edges.slice(6 * k, 6 * k + 6);
    const e = edgeIndex(c.maxNodes, t as number, p as number, s as number, kind as number);
    a.edge[e] = 1;
    a.edgeEnabled[e] = enabled as number;
    a.edgeDelay[e] = delay as number;
    a.edgeWeight[e] = c.weights[k] as number;
  }
  if (c.coding !== undefined) a.coding = { ticks: c.coding.ticks, encoders: Int32Array.from(c.coding.encoders), decoders: Int32Array.from(c.coding.decoders) };
  return a;
}

export function snapshotSurrogate(s: Surrogate): SurrogateState {
  const adam = s.adam.snapshot();
  return {
    steps: s.steps,
    params: s.model.store.snapshot().map((p) => ({ name: p.name, shape: p.shape, bytes: bytesOf(p.data) })),
    adam: { steps: adam.steps, slots: adam.slots.map((x) => ({ name: x.name, shape: x.shape, t: x.t, m: bytesOf(x.m), v: bytesOf(x.v) })) },
    examples: [...s.examples.values()].map((e) => ({ genome: e.genome, objectives: e.objectives, generation: e.generation })),
    invalid: s.invalid.map(compactGraph),
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
  for (const c of state.invalid) s.invalid.push(expandGraph(c));
  return s;
}
