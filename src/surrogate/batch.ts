// A batch of genomes as the surrogate's dense tensors (docs/surrogate.md, Model). Everything is
// dense and masked, because the wasm backend of TensorFlow.js has no gradients for gather or
// segment ops: adjacency as matrices, classes as one-hot features, and a mask beside every target.
//
// Per graph, in the canonical order of graph.ts (inputs by slot, then a topological order of the
// delay-0 edges, as D-VAE orders nodes: Zhang et al. 2019):
//   x           node features (vocab.ts), [B, N, NODE_FEATURES]
//   levels      the topological levels of the delay-0 edges: a node's level is the longest delay-0
//               path reaching it, so every node of level l has its delay-0 predecessors on lower
//               levels, and computing level by level is computing each node after its
//               predecessors (D-VAE's order) in as many steps as the graph is deep. Per level, R
//               rows (the most nodes any graph has on it): a one-hot selection [B, R, N] of those
//               nodes, its transpose to put their new states back, and their rows of the delay-0
//               adjacency [B, C*R, N], so a level costs what its nodes cost, not the whole graph
//   adjacency   [B, C*N, N] for the delay-0 edges and for the delayed ones: channel c's N x N block
//               holds, per (target, source), the edges of one port (present and enabled), their
//               weights on the signed-log scale, and the disabled edges (any port); delayed edges
//               add their delay / 8
//   targets     what the decoder must reproduce, each with its mask (see Targets)

import { OP_ARITY } from '../genome/arity.ts';
import { OP_NAMES } from '../genome/types.ts';
import { edgeIndex, SURROGATE_PORTS, type GraphArrays } from './graph.ts';
import { tf } from './tf.ts';
import {
  EFFECT_FIELDS, EFFECT_SLOTS, kindClass, MAX_INPUT_SLOTS, MAX_OUTPUT_SLOTS, NODE_FEATURES, NODE_NUMBERS,
  signLog, writeNodeFeatures, type NodeChoice,
} from './vocab.ts';

const P = SURROGATE_PORTS;
/** Adjacency channels: per port presence and weight, then disabled edges; delayed edges add their delay. */
export const CHANNELS_0 = 2 * P + 1;
export const CHANNELS_D = 2 * P + 2;

/** The effect field classes of node `i`'s effect `slot`, or the name of the field out of range. */
function effectClasses(a: GraphArrays, i: number, slot: number): number[] | string {
  const at = i * EFFECT_SLOTS + slot;
  const raw: Record<string, number> = {
    kind: a.effectKind[at] as number, enabled: a.effectEnabled[at] as number, change: a.effectChange[at] as number,
    source: a.effectSource[at] as number, target: a.effectTarget[at] as number, select: a.effectSelect[at] as number,
    direction: a.effectDirection[at] as number, k: a.effectK[at] as number, radius: (a.effectRadius[at] as number) - 1,
    a: a.effectA[at] as number, b: a.effectB[at] as number,
  };
  const classes: number[] = [];
  for (const [name, n] of EFFECT_FIELDS) {
    const c = raw[name] as number;
    if (!(c >= 0 && c < n)) return name;
    classes.push(c);
  }
  return classes;
}

/** Node `i` of a graph as the decoder's choice, or a reason it is not representable. */
export function nodeChoice(a: GraphArrays, i: number): NodeChoice | string {
  const numbers = new Float32Array(NODE_NUMBERS);
  for (let k = 0; k < 8; k++) numbers[k] = a.real[i * 8 + k] as number;
  numbers[8] = a.refractory[i] as number;
  const effects: NodeChoice['effects'] = [];
  for (let s = 0; s < (a.effectCount[i] as number); s++) {
    const classes = effectClasses(a, i, s);
    if (typeof classes === 'string') return `node ${i}: effect ${s}'s ${classes} is outside the surrogate's range`;
    effects.push({ classes, scale: a.effectScale[i * EFFECT_SLOTS + s] as number });
  }
  return {
    kind: kindClass(a.role[i] as number, a.slot[i] as number), op: a.op[i] as number,
    policy: a.policy[i] as number, emit: a.emit[i] as number, numbers, effects,
  };
}

/** Why the surrogate cannot model these arrays (beyond graph.ts's rules), or null. */
export function unmodelled(a: GraphArrays): string | null {
  if (a.inputs > MAX_INPUT_SLOTS || a.outputs > MAX_OUTPUT_SLOTS) return 'too many slots';
  for (let i = 0; i < a.count; i++) {
    const c = nodeChoice(a, i);
    if (typeof c === 'string') return c;
  }
  return null;
}

/** Topological levels of the delay-0 edges in canonical order (sources come first). */
export function levelsOf(a: GraphArrays): Int32Array {
  const N = a.maxNodes;
  const level = new Int32Array(N);
  for (let i = 0; i < a.count; i++) {
    let l = 0;
    for (let p = 0; p < P; p++) {
      for (let j = 0; j < i; j++) if (a.edge[edgeIndex(N, i, p, j, 0)] === 1) l = Math.max(l, (level[j] as number) + 1);
    }
    level[i] = l;
  }
  return level;
}

export interface Targets {
  stop: tf.Tensor2D; stopMask: tf.Tensor2D;
  /** Each graph's node count [B] (the count head's class). */
  count: tf.Tensor1D;
  kind: tf.Tensor2D; kindMask: tf.Tensor2D; op: tf.Tensor2D; policy: tf.Tensor2D; emit: tf.Tensor2D; nodeMask: tf.Tensor2D;
  numbers: tf.Tensor3D;
  effectCount: tf.Tensor2D;
  /** [B, N, EFFECT_SLOTS, fields] classes, and where an effect is present. */
  effect: tf.Tensor4D; effectMask: tf.Tensor3D; effectScale: tf.Tensor3D;
  /** [B, N target, N source, P]: presence, enabled, weight (signed-log), where the decoder may place one. */
  edge0: tf.Tensor4D; enabled0: tf.Tensor4D; weight0: tf.Tensor4D; mask0: tf.Tensor4D;
  edgeD: tf.Tensor4D; enabledD: tf.Tensor4D; weightD: tf.Tensor4D; delayD: tf.Tensor4D; maskD: tf.Tensor4D;
  /** The learner role's IO coding: ticks class [B], encoders and decoders per slot [B, 16], masks. */
  ticks: tf.Tensor1D; codingMask: tf.Tensor1D;
  encoders: tf.Tensor2D; encoderMask: tf.Tensor2D; decoders: tf.Tensor2D; decoderMask: tf.Tensor2D;
}

/** One topological level of a batch (see the header). */
export interface Level {
  rows: number;
  select: tf.Tensor3D;
  scatter: tf.Tensor3D;
  adjacency0: tf.Tensor3D;
}

/** A level's selection, scatter and adjacency rows from the positions on it per graph. */
function makeLevel(positions: readonly number[][], adj0: Float32Array, N: number): Level {
  const B = positions.length;
  let R = 1;
  for (const p of positions) R = Math.max(R, p.length);
  const select = new Float32Array(B * R * N);
  const scatter = new Float32Array(B * N * R);
  const rows = new Float32Array(B * CHANNELS_0 * R * N);
  positions.forEach((list, b) => list.forEach((i, r) => {
    select[(b * R + r) * N + i] = 1;
    scatter[(b * N + i) * R + r] = 1;
    for (let c = 0; c < CHANNELS_0; c++) {
      const from = ((b * CHANNELS_0 + c) * N + i) * N;
      rows.set(adj0.subarray(from, from + N), ((b * CHANNELS_0 + c) * R + r) * N);
    }
  }));
  return {
    rows: R, select: tf.tensor3d(select, [B, R, N]), scatter: tf.tensor3d(scatter, [B, N, R]),
    adjacency0: tf.tensor3d(rows, [B, CHANNELS_0 * R, N]),
  };
}

export interface Batch {
  size: number;
  /** Positions in this batch: the largest graph's node count plus its stop token, at most the arrays' maxNodes. */
  maxNodes: number;
  x: tf.Tensor3D;
  /** 1 for the nodes a graph has. */
  present: tf.Tensor2D;
  levels: Level[];
  adjacencyD: tf.Tensor3D;
  targets: Targets;
}

/** A graph's node features, [N * NODE_FEATURES]. */
export function nodeFeatures(a: GraphArrays): Float32Array {
  const x = new Float32Array(a.maxNodes * NODE_FEATURES);
  for (let i = 0; i < a.count; i++) {
    const c = nodeChoice(a, i);
    if (typeof c === 'string') throw new Error(c);
    writeNodeFeatures(c, x, i * NODE_FEATURES);
  }
  return x;
}

/** Where node `i` may have an edge into port `p` (the decoder's mask): a non-input node whose op reads port p. */
function portOpen(a: GraphArrays, i: number, p: number): boolean {
  return i >= a.inputs && i < a.count && p < OP_ARITY[OP_NAMES[a.op[i] as number] as (typeof OP_NAMES)[number]];
}

/** The dense batch of graphs of one size; every graph must be modelled (unmodelled() null). */
export function makeBatch(graphs: readonly GraphArrays[]): Batch {
  const B = graphs.length;
  const maxNodes = graphs[0]?.maxNodes ?? 0;
  if (B === 0 || graphs.some((g) => g.maxNodes !== maxNodes)) throw new Error('makeBatch: graphs of one maxNodes, at least one');
  // Positions past the largest graph's stop token hold nothing: the batch is only that long.
  let N = 1;
  for (const g of graphs) N = Math.max(N, Math.min(maxNodes, g.count + 1));
  const F = NODE_FEATURES;
  const E = EFFECT_SLOTS;
  const x = new Float32Array(B * N * F);
  const present = new Float32Array(B * N);
  const levels = graphs.map(levelsOf);
  let depth = 0;
  graphs.forEach((g, b) => { for (let i = 0; i < g.count; i++) depth = Math.max(depth, (levels[b] as Int32Array)[i] as number); });
  const onLevel = Array.from({ length: depth + 1 }, () => graphs.map((): number[] => []));
  const adj0 = new Float32Array(B * CHANNELS_0 * N * N);
  const adjD = new Float32Array(B * CHANNELS_D * N * N);
  const t = {
    stop: new Float32Array(B * N), stopMask: new Float32Array(B * N), kind: new Float32Array(B * N), kindMask: new Float32Array(B * N), op: new Float32Array(B * N),
    policy: new Float32Array(B * N), emit: new Float32Array(B * N), nodeMask: new Float32Array(B * N),
    numbers: new Float32Array(B * N * NODE_NUMBERS), effectCount: new Float32Array(B * N),
    effect: new Float32Array(B * N * E * EFFECT_FIELDS.length), effectMask: new Float32Array(B * N * E), effectScale: new Float32Array(B * N * E),
    edge0: new Float32Array(B * N * N * P), enabled0: new Float32Array(B * N * N * P), weight0: new Float32Array(B * N * N * P), mask0: new Float32Array(B * N * N * P),
    edgeD: new Float32Array(B * N * N * P), enabledD: new Float32Array(B * N * N * P), weightD: new Float32Array(B * N * N * P),
    delayD: new Float32Array(B * N * N * P), maskD: new Float32Array(B * N * N * P),
    ticks: new Float32Array(B), codingMask: new Float32Array(B), count: new Float32Array(B),
    encoders: new Float32Array(B * MAX_INPUT_SLOTS), encoderMask: new Float32Array(B * MAX_INPUT_SLOTS),
    decoders: new Float32Array(B * MAX_OUTPUT_SLOTS), decoderMask: new Float32Array(B * MAX_OUTPUT_SLOTS),
  };
  graphs.forEach((g, b) => {
    x.set(nodeFeatures(g).subarray(0, N * F), b * N * F);
    t.count[b] = g.count;
    if (g.coding !== undefined) {
      t.codingMask[b] = 1;
      t.ticks[b] = g.coding.ticks - 1;
      for (let s = 0; s < g.inputs; s++) {
        t.encoders[b * MAX_INPUT_SLOTS + s] = g.coding.encoders[s] as number;
        t.encoderMask[b * MAX_INPUT_SLOTS + s] = 1;
      }
      for (let s = 0; s < g.outputs; s++) {
        t.decoders[b * MAX_OUTPUT_SLOTS + s] = g.coding.decoders[s] as number;
        t.decoderMask[b * MAX_OUTPUT_SLOTS + s] = 1;
      }
    }
    const level = levels[b] as Int32Array;
    for (let i = 0; i < g.count; i++) {
      present[b * N + i] = 1;
      (onLevel[level[i] as number] as number[][])[b]?.push(i);
    }
    // The decoder's node targets: every node's fields (an input node's kind is fixed by its
    // position), the kind from nIn on, and the stop token after the last node.
    for (let i = 0; i < g.count; i++) {
      const at = b * N + i;
      const c = nodeChoice(g, i) as NodeChoice;
      t.nodeMask[at] = 1;
      if (i >= g.inputs) {
        t.kindMask[at] = 1;
        t.kind[at] = c.kind === 0 ? 0 : c.kind - MAX_INPUT_SLOTS;
      }
      t.op[at] = c.op;
      t.policy[at] = c.policy;
      t.emit[at] = c.emit;
      for (let k = 0; k < NODE_NUMBERS; k++) t.numbers[at * NODE_NUMBERS + k] = signLog(c.numbers[k] as number);
      t.effectCount[at] = c.effects.length;
      c.effects.forEach((e, s) => {
        t.effectMask[at * E + s] = 1;
        t.effectScale[at * E + s] = signLog(e.scale);
        for (let f = 0; f < EFFECT_FIELDS.length; f++) t.effect[(at * E + s) * EFFECT_FIELDS.length + f] = e.classes[f] as number;
      });
    }
    for (let i = g.inputs; i <= Math.min(g.count, N - 1); i++) {
      t.stopMask[b * N + i] = 1;
      t.stop[b * N + i] = i === g.count ? 1 : 0;
    }
    for (let i = 0; i < g.count; i++) {
      for (let p = 0; p < P; p++) {
        const open = portOpen(g, i, p);
        for (let j = 0; j < g.count; j++) {
          const pair = ((b * N + i) * N + j) * P + p;
          if (open && j < i) t.mask0[pair] = 1;
          if (open) t.maskD[pair] = 1;
          for (const kind of [0, 1] as const) {
            const e = edgeIndex(maxNodes, i, p, j, kind);
            if (g.edge[e] !== 1) continue;
            const enabled = g.edgeEnabled[e] === 1;
            const w = signLog(g.edgeWeight[e] as number);
            if (kind === 0) {
              t.edge0[pair] = 1; t.enabled0[pair] = enabled ? 1 : 0; t.weight0[pair] = w;
            } else {
              t.edgeD[pair] = 1; t.enabledD[pair] = enabled ? 1 : 0; t.weightD[pair] = w;
              t.delayD[pair] = (g.edgeDelay[e] as number) - 1;
            }
            const [adj, channels] = kind === 0 ? [adj0, CHANNELS_0] : [adjD, CHANNELS_D];
            const cell = (c: number): number => ((b * channels + c) * N + i) * N + j;
            if (enabled) {
              adj[cell(p)] = 1;
              adj[cell(P + p)] = w;
            } else {
              adj[cell(2 * P)] = 1;
            }
            if (kind === 1) adj[cell(2 * P + 1)] = (g.edgeDelay[e] as number) / 8;
          }
        }
      }
    }
  });
  const t2 = (d: Float32Array): tf.Tensor2D => tf.tensor2d(d, [B, N]);
  const t4 = (d: Float32Array, last: number): tf.Tensor4D => tf.tensor4d(d, [B, N, N, last]);
  return {
    size: B, maxNodes: N,
    x: tf.tensor3d(x, [B, N, F]),
    present: t2(present),
    levels: onLevel.map((positions) => makeLevel(positions, adj0, N)),
    adjacencyD: tf.tensor3d(adjD, [B, CHANNELS_D * N, N]),
    targets: {
      stop: t2(t.stop), stopMask: t2(t.stopMask), count: tf.tensor1d(t.count), kind: t2(t.kind), kindMask: t2(t.kindMask), op: t2(t.op), policy: t2(t.policy), emit: t2(t.emit),
      nodeMask: t2(t.nodeMask), numbers: tf.tensor3d(t.numbers, [B, N, NODE_NUMBERS]), effectCount: t2(t.effectCount),
      effect: tf.tensor4d(t.effect, [B, N, E, EFFECT_FIELDS.length]), effectMask: tf.tensor3d(t.effectMask, [B, N, E]),
      effectScale: tf.tensor3d(t.effectScale, [B, N, E]),
      edge0: t4(t.edge0, P), enabled0: t4(t.enabled0, P), weight0: t4(t.weight0, P), mask0: t4(t.mask0, P),
      edgeD: t4(t.edgeD, P), enabledD: t4(t.enabledD, P), weightD: t4(t.weightD, P), delayD: t4(t.delayD, P), maskD: t4(t.maskD, P),
      ticks: tf.tensor1d(t.ticks), codingMask: tf.tensor1d(t.codingMask),
      encoders: tf.tensor2d(t.encoders, [B, MAX_INPUT_SLOTS]), encoderMask: tf.tensor2d(t.encoderMask, [B, MAX_INPUT_SLOTS]),
      decoders: tf.tensor2d(t.decoders, [B, MAX_OUTPUT_SLOTS]), decoderMask: tf.tensor2d(t.decoderMask, [B, MAX_OUTPUT_SLOTS]),
    },
  };
}

/** Frees a batch's tensors. */
export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.x, batch.present, ...batch.levels.flatMap((l) => [l.select, l.scatter, l.adjacency0]), batch.adjacencyD, ...Object.values(batch.targets)]);
}
