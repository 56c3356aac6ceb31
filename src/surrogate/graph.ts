// A genome as fixed-size dense arrays, and back: the data the surrogate (a D-VAE-style graph
// variational autoencoder; Zhang et al. 2019, "D-VAE: A Variational Autoencoder for Directed
// Acyclic Graphs", NeurIPS) learns from and decodes into. Pure TypeScript, no TensorFlow.
//
// Canonical order. Every genome is laid out in one node order, so that the same graph always gives
// the same arrays whatever its keys or the order of its JSON lists:
//   1. positions 0 .. nIn-1: the input nodes, by slot (parseGenome gives each slot one node);
//   2. then every other node in a topological order of the delay-0 edges, enabled or not, ties
//      going to the smallest node key (Kahn's algorithm, "Topological sorting of large networks",
//      CACM 5(11), 1962, always taking the ready node of smallest key). If the delay-0 edges with the
//      disabled ones have a cycle, the enabled ones alone decide (they never have one in a parsed
//      genome) and a disabled edge may then point backwards.
// Output nodes land where that order puts them. Why this order: D-VAE computes a node's state after
// the states of its predecessors, as the graph itself computes, and decodes node by node in the
// same order; here the delay-0 edges are what a tick computes in order (docs/engine.md, Graph), so
// every enabled delay-0 edge goes from a lower to a higher position. Delayed edges read an earlier
// tick and may point anywhere: they are an edge type of their own (graph-edges.ts).
//
// Array layout, for N = maxNodes, E = SURROGATE_EFFECTS, P = SURROGATE_PORTS (positions >= count
// are 0, slot -1):
//   per node [N]:        op, role, slot, policy, emit, refractory, effectCount (Int32Array; the
//                        categorical ones hold indices into the name lists of genome/types.ts);
//   per node [N x 8]:    real: attrs[0..3], policy threshold, decay, reset, probability
//                        (NODE_REAL_NAMES; raw float32 values, the model scales them itself);
//   per effect [N x E]:  row-major [node][slot]: effectKind, effectEnabled (0/1), effectChange,
//                        effectSource, effectTarget, effectSelect, effectDirection, effectK,
//                        effectRadius, effectA, effectB (Int32Array) and effectScale (Float32Array);
//   per edge [N x P x N x 2]: edge, edgeEnabled, edgeWeight, edgeDelay (graph-edges.ts);
//   coding (learners only): ticks, encoders [nIn], decoders [nOut] as name indices.
// Genome reals are float32 already (parseGenome rounds them), so the arrays hold them exactly.

import { InputError, rules } from '../util/errors.ts';
import { parseGenome } from '../genome/parse.ts';
import {
  AMOUNT_NAMES, CHANGE_NAMES, DECODER_NAMES, DIRECTION_NAMES, EFFECT_KIND_NAMES, EMIT_NAMES, ENCODER_NAMES,
  OP_NAMES, POLICY_NAMES, ROLE_NAMES, SELECT_NAMES, TARGET_NAMES, type Genome,
} from '../genome/types.ts';
import {
  compareEdges, edgeProblem, edgeSignature, emptyEdgeArrays, floatText, plain, readEdges, within, writeEdges,
  type EdgeArrays, type Report,
} from './graph-edges.ts';

export { edgeIndex, SURROGATE_MAX_DELAY, SURROGATE_PORTS } from './graph-edges.ts';

/** Effect slots per node in the arrays. */
export const SURROGATE_EFFECTS = 4;
/** The real columns of a node, in `real` order. */
export const NODE_REAL_NAMES = ['attr0', 'attr1', 'attr2', 'attr3', 'threshold', 'decay', 'reset', 'probability'] as const;
export const NODE_REALS = NODE_REAL_NAMES.length;

/** The number of values of each categorical field (the length of its name list in genome/types.ts). */
export const CATEGORY_SIZES = {
  op: OP_NAMES.length, role: ROLE_NAMES.length, policy: POLICY_NAMES.length, emit: EMIT_NAMES.length,
  effectKind: EFFECT_KIND_NAMES.length, effectChange: CHANGE_NAMES.length, effectSource: AMOUNT_NAMES.length,
  effectTarget: TARGET_NAMES.length, effectSelect: SELECT_NAMES.length, effectDirection: DIRECTION_NAMES.length,
  encoder: ENCODER_NAMES.length, decoder: DECODER_NAMES.length,
} as const;

const NODE_INTS = ['op', 'role', 'slot', 'policy', 'emit', 'refractory', 'effectCount'] as const;
const EFFECT_INTS = [
  'effectKind', 'effectEnabled', 'effectChange', 'effectSource', 'effectTarget', 'effectSelect',
  'effectDirection', 'effectK', 'effectRadius', 'effectA', 'effectB',
] as const;
type NodeInt = (typeof NODE_INTS)[number];
type EffectInt = (typeof EFFECT_INTS)[number];

/** A genome as dense arrays (see the opening comment for the layout). */
export interface GraphArrays extends EdgeArrays, Record<NodeInt | EffectInt, Int32Array> {
  /** N: the capacity of every per-node dimension. */
  maxNodes: number;
  /** Nodes used (positions 0 .. count-1). */
  count: number;
  /** Input and output slots (nIn, nOut). */
  inputs: number;
  outputs: number;
  real: Float32Array;
  effectScale: Float32Array;
  coding?: { ticks: number; encoders: Int32Array; decoders: Int32Array };
}

/** toArrays' result: the arrays and the node key at each position (length count), to map back. */
export interface KeyedGraphArrays extends GraphArrays {
  keys: Int32Array;
}

/** Where effect `slot` of the node at `position` lies in the per-effect arrays. */
export const effectIndex = (position: number, slot: number): number => position * SURROGATE_EFFECTS + slot;

/** Zeroed arrays for `maxNodes` nodes (slot -1 everywhere): what a decoder fills in. */
export function emptyArrays(maxNodes: number, inputs: number, outputs: number): GraphArrays {
  const ints = <K extends string>(names: readonly K[], length: number): Record<K, Int32Array> =>
    Object.fromEntries(names.map((k) => [k, new Int32Array(length)])) as Record<K, Int32Array>;
  const arrays: GraphArrays = {
    maxNodes, count: 0, inputs, outputs,
    ...ints(NODE_INTS, maxNodes), ...ints(EFFECT_INTS, maxNodes * SURROGATE_EFFECTS),
    real: new Float32Array(maxNodes * NODE_REALS), effectScale: new Float32Array(maxNodes * SURROGATE_EFFECTS),
    ...emptyEdgeArrays(maxNodes),
  };
  arrays.slot.fill(-1);
  return arrays;
}

/** The rules of representable(): why a genome may not fit the arrays. */
export const REPRESENTABLE_RULES = ['nodes', 'effects', 'ports', 'parallel-edges'] as const;
export type RepresentableRule = (typeof REPRESENTABLE_RULES)[number];

function problem(genome: Genome, maxNodes: number): { rule: RepresentableRule; error: InputError } | null {
  if (genome.nodes.length > maxNodes) {
    return { rule: 'nodes', error: new InputError('nodes', rules.atMost(maxNodes, "the surrogate's maxNodes"), genome.nodes.length) };
  }
  const crowded = genome.nodes.findIndex((n) => n.effects.length > SURROGATE_EFFECTS);
  if (crowded >= 0) {
    const count = genome.nodes[crowded]?.effects.length;
    return { rule: 'effects', error: new InputError(`nodes[${crowded}].effects`, rules.atMost(SURROGATE_EFFECTS, 'SURROGATE_EFFECTS'), count) };
  }
  const error = edgeProblem(genome);
  if (error === null) return null;
  return { rule: error.field.endsWith('.port') ? 'ports' : 'parallel-edges', error };
}

/** Whether the genome fits arrays of `maxNodes` nodes; if not, the rule it breaks and a message naming it. */
export function representable(genome: Genome, maxNodes: number): { ok: true } | { ok: false; rule: RepresentableRule; reason: string } {
  const p = problem(genome, maxNodes);
  return p === null ? { ok: true } : { ok: false, rule: p.rule, reason: `${p.rule}: ${p.error.message}` };
}

/** Inserts `key` into `ready`, kept in descending order so that pop() takes the smallest. */
function insertDescending(ready: number[], key: number): void {
  let lo = 0;
  let hi = ready.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((ready[mid] as number) > key) lo = mid + 1;
    else hi = mid;
  }
  ready.splice(lo, 0, key);
}

/** Kahn's algorithm over `keys` and the delay-0 edges among them (enabled only, or all), smallest ready key first; null on a cycle. */
function kahn(keys: readonly number[], genome: Genome, enabledOnly: boolean): number[] | null {
  const indegree = new Map(keys.map((k) => [k, 0]));
  const next = new Map<number, number[]>(keys.map((k) => [k, []]));
  for (const e of genome.edges) {
    if (e.delay !== 0 || (enabledOnly && !e.enabled) || !indegree.has(e.source) || !indegree.has(e.target)) continue;
    next.get(e.source)?.push(e.target);
    indegree.set(e.target, (indegree.get(e.target) as number) + 1);
  }
  const ready: number[] = [];
  for (const [k, d] of indegree) if (d === 0) insertDescending(ready, k);
  const order: number[] = [];
  for (let key = ready.pop(); key !== undefined; key = ready.pop()) {
    order.push(key);
    for (const t of next.get(key) ?? []) {
      const d = (indegree.get(t) as number) - 1;
      indegree.set(t, d);
      if (d === 0) insertDescending(ready, t);
    }
  }
  return order.length === keys.length ? order : null;
}

/** The node keys in canonical order (see the opening comment). */
export function canonicalOrder(genome: Genome): number[] {
  const inputs = genome.nodes.filter((n) => n.role === 'input').sort((a, b) => a.slot - b.slot).map((n) => n.key);
  const rest = genome.nodes.filter((n) => n.role !== 'input').map((n) => n.key);
  const sorted = kahn(rest, genome, false) ?? kahn(rest, genome, true);
  if (sorted === null) throw new InputError('edges', 'must not close a cycle of enabled delay-0 edges (parse the genome first)');
  return [...inputs, ...sorted];
}

/** The genome as arrays of `maxNodes` nodes in canonical order; an InputError naming the rule when it does not fit. */
export function toArrays(genome: Genome, maxNodes: number): KeyedGraphArrays {
  const p = problem(genome, maxNodes);
  if (p !== null) throw p.error;
  const order = canonicalOrder(genome);
  const byKey = new Map(genome.nodes.map((n) => [n.key, n]));
  const a: KeyedGraphArrays = { ...emptyArrays(maxNodes, genome.inputs.length, genome.outputs.length), count: order.length, keys: Int32Array.from(order) };
  order.forEach((key, i) => {
    const n = byKey.get(key) as Genome['nodes'][number];
    a.op[i] = OP_NAMES.indexOf(n.op);
    a.role[i] = ROLE_NAMES.indexOf(n.role);
    a.slot[i] = n.slot;
    a.policy[i] = POLICY_NAMES.indexOf(n.policy.kind);
    a.emit[i] = EMIT_NAMES.indexOf(n.emit);
    a.refractory[i] = n.refractory;
    a.real.set([...n.attrs, n.policy.threshold, n.policy.decay, n.policy.reset, n.policy.probability], i * NODE_REALS);
    a.effectCount[i] = n.effects.length;
    n.effects.forEach((f, slot) => {
      const j = effectIndex(i, slot);
      a.effectKind[j] = EFFECT_KIND_NAMES.indexOf(f.kind);
      a.effectEnabled[j] = f.enabled ? 1 : 0;
      a.effectChange[j] = CHANGE_NAMES.indexOf(f.change);
      a.effectSource[j] = AMOUNT_NAMES.indexOf(f.amount.source);
      a.effectScale[j] = f.amount.scale;
      a.effectTarget[j] = TARGET_NAMES.indexOf(f.target);
      a.effectSelect[j] = SELECT_NAMES.indexOf(f.select.policy);
      a.effectDirection[j] = DIRECTION_NAMES.indexOf(f.select.direction);
      a.effectK[j] = f.select.k;
      a.effectRadius[j] = f.select.radius;
      a.effectA[j] = f.a;
      a.effectB[j] = f.b;
    });
  });
  writeEdges(a, genome, new Map(order.map((k, i) => [k, i])));
  if (genome.coding !== undefined) {
    const c = genome.coding;
    a.coding = {
      ticks: c.ticks,
      encoders: Int32Array.from(c.encoders, (x) => ENCODER_NAMES.indexOf(x)),
      decoders: Int32Array.from(c.decoders, (x) => DECODER_NAMES.indexOf(x)),
    };
  }
  return a;
}

/** What fromArrays needs besides the arrays: the genome's frame, and optionally its keys. */
export interface GenomeTemplate extends Pick<Genome, 'name' | 'inputs' | 'outputs' | 'caps' | 'maxDelay'> {
  /** The node key at each position (default: position + 1). */
  nodeKeys?: ArrayLike<number>;
  /** Edge keys count up from here in array order (default: count + 1). */
  edgeKeyBase?: number;
}

/** The name at `index`, or the index itself when out of range, so that parseGenome rejects it with the field's name. */
const nameAt = (names: readonly string[], index: number): string | number => names[index] ?? index;
const flag = (x: number): boolean | number => (x === 1 ? true : x === 0 ? false : x);

/**
 * The genome the arrays describe, checked by parseGenome (an invalid decode throws its InputError,
 * naming the field and the rule). Nodes come in position order, edges in array order. Nothing is
 * clamped: an out-of-range index or value is written as it is, for the parser to reject; -0 is
 * written as 0, as JSON would.
 */
export function fromArrays(arrays: GraphArrays, template: GenomeTemplate): Genome {
  const { count } = arrays;
  if (!Number.isInteger(count) || count < 0 || count > arrays.maxNodes) throw new InputError('count', rules.range(0, arrays.maxNodes), count);
  const keys = template.nodeKeys;
  if (keys !== undefined && keys.length < count) throw new InputError('nodeKeys', `must give a key for each of the ${count} nodes`, keys.length);
  const keyAt = (i: number): number => (keys === undefined ? i + 1 : keys[i] as number);
  const nodes: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const used = arrays.effectCount[i] as number;
    if (used < 0 || used > SURROGATE_EFFECTS) throw new InputError(`nodes[${i}].effects`, rules.range(0, SURROGATE_EFFECTS), used);
    const real = (c: number): number => plain(arrays.real[i * NODE_REALS + c] as number);
    const effects = Array.from({ length: used }, (_, slot) => {
      const j = effectIndex(i, slot);
      const int = (k: EffectInt): number => arrays[k][j] as number;
      return {
        kind: nameAt(EFFECT_KIND_NAMES, int('effectKind')), enabled: flag(int('effectEnabled')),
        change: nameAt(CHANGE_NAMES, int('effectChange')),
        amount: { source: nameAt(AMOUNT_NAMES, int('effectSource')), scale: plain(arrays.effectScale[j] as number) },
        target: nameAt(TARGET_NAMES, int('effectTarget')),
        select: { policy: nameAt(SELECT_NAMES, int('effectSelect')), k: int('effectK'), direction: nameAt(DIRECTION_NAMES, int('effectDirection')), radius: int('effectRadius') },
        a: int('effectA'), b: int('effectB'),
      };
    });
    nodes.push({
      key: keyAt(i), role: nameAt(ROLE_NAMES, arrays.role[i] as number), slot: arrays.slot[i], op: nameAt(OP_NAMES, arrays.op[i] as number),
      attrs: [real(0), real(1), real(2), real(3)],
      policy: { kind: nameAt(POLICY_NAMES, arrays.policy[i] as number), threshold: real(4), decay: real(5), reset: real(6), probability: real(7) },
      refractory: arrays.refractory[i], emit: nameAt(EMIT_NAMES, arrays.emit[i] as number), effects,
    });
  }
  const c = arrays.coding;
  return parseGenome({
    format: 'l2l-genome', version: 1, name: template.name, inputs: template.inputs, outputs: template.outputs,
    caps: template.caps, maxDelay: template.maxDelay, nodes,
    edges: readEdges(arrays, keyAt, template.edgeKeyBase ?? count + 1),
    ...(c === undefined ? {} : {
      coding: { ticks: c.ticks, encoders: Array.from(c.encoders, (x) => nameAt(ENCODER_NAMES, x)), decoders: Array.from(c.decoders, (x) => nameAt(DECODER_NAMES, x)) },
    }),
  });
}

const MAX_MISMATCHES = 8;

/** The coding's fields as text, for comparison ('none' without one). */
function codingText(a: GraphArrays): string {
  const c = a.coding;
  return c === undefined ? 'none' : `ticks ${c.ticks}, encoders ${c.encoders.join(' ')}, decoders ${c.decoders.join(' ')}`;
}

/**
 * Whether two arrays describe the same graph: `structure` compares every integer field and the
 * edges' existence, enabled flags and delays; `attributes` also needs every real (node reals,
 * effect scales, edge weights) within `tolerance` (graph-edges.ts, within). Only used positions,
 * used effect slots and existing edges are compared, so arrays of different maxNodes compare.
 * `mismatches` describes the first few differences.
 */
export function sameGraph(a: GraphArrays, b: GraphArrays, tolerance: number): { structure: boolean; attributes: boolean; mismatches: string[] } {
  const result = { structure: true, attributes: true, mismatches: [] as string[] };
  const report: Report = (structural, text) => {
    if (structural) result.structure = false;
    result.attributes = false;
    if (result.mismatches.length < MAX_MISMATCHES) result.mismatches.push(text);
  };
  for (const k of ['count', 'inputs', 'outputs'] as const) if (a[k] !== b[k]) report(true, `${k}: ${a[k]} vs ${b[k]}`);
  if (codingText(a) !== codingText(b)) report(true, `coding: ${codingText(a)} vs ${codingText(b)}`);
  if (a.count !== b.count) return result;
  for (let i = 0; i < a.count; i++) {
    for (const k of NODE_INTS) if (a[k][i] !== b[k][i]) report(true, `node ${i} ${k}: ${a[k][i]} vs ${b[k][i]}`);
    for (let c = 0; c < NODE_REALS; c++) {
      const [x, y] = [a.real[i * NODE_REALS + c] as number, b.real[i * NODE_REALS + c] as number];
      if (!within(x, y, tolerance)) report(false, `node ${i} ${NODE_REAL_NAMES[c]}: ${x} vs ${y}`);
    }
    const used = Math.min(a.effectCount[i] as number, b.effectCount[i] as number, SURROGATE_EFFECTS);
    for (let slot = 0; slot < used; slot++) {
      const j = effectIndex(i, slot);
      for (const k of EFFECT_INTS) if (a[k][j] !== b[k][j]) report(true, `node ${i} effect ${slot} ${k}: ${a[k][j]} vs ${b[k][j]}`);
      const [x, y] = [a.effectScale[j] as number, b.effectScale[j] as number];
      if (!within(x, y, tolerance)) report(false, `node ${i} effect ${slot} scale: ${x} vs ${y}`);
    }
  }
  compareEdges(a, b, tolerance, report);
  return result;
}

/**
 * The whole content as a compact deterministic string (structure, and reals as float32 bit
 * patterns, 0 and -0 alike): equal strings mean equal graphs, so it deduplicates training data
 * exactly. maxNodes and the node keys are left out.
 */
export function signature(a: GraphArrays): string {
  const nodes: string[] = [];
  for (let i = 0; i < a.count; i++) {
    const fields = NODE_INTS.map((k) => (a[k][i] as number).toString(36));
    for (let c = 0; c < NODE_REALS; c++) fields.push(floatText(a.real[i * NODE_REALS + c] as number));
    const used = Math.min(a.effectCount[i] as number, SURROGATE_EFFECTS);
    for (let slot = 0; slot < used; slot++) {
      const j = effectIndex(i, slot);
      fields.push(`[${EFFECT_INTS.map((k) => (a[k][j] as number).toString(36)).join('.')}.${floatText(a.effectScale[j] as number)}]`);
    }
    nodes.push(fields.join('.'));
  }
  return `${a.count}/${a.inputs}/${a.outputs}|${codingText(a)}|${nodes.join(';')}|${edgeSignature(a)}`;
}
