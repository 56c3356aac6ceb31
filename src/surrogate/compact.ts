// A graph's arrays in a compact form (docs/surrogate.md, Training data): only the used positions'
// fields and the edges that exist, as plain numbers (float32 values are exact as doubles). Dense
// arrays of 48 positions take about 100 KB per graph, mostly edge cells that are empty; the
// surrogate keeps thousands of graphs, so it holds them compactly and expands a batch at a time.
// Plain numbers also travel through msgpack unchanged (the checkpoint).

import { edgeIndex, emptyArrays, SURROGATE_EFFECTS, type GraphArrays } from './graph.ts';

/** A graph compactly: its used positions' fields, and its edges as [target, port, source, kind, enabled, delay] plus weights. */
export interface CompactGraph {
  maxNodes: number; count: number; inputs: number; outputs: number;
  ints: number[]; reals: number[]; effectScale: number[];
  edges: number[]; weights: number[];
  coding?: { ticks: number; encoders: number[]; decoders: number[] };
}

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
