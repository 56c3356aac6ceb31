// Decoding latent points into graphs (docs/surrogate.md, Decoding): the decoder of model.ts run node
// by node on its own choices, for a batch of latent points in lockstep. Each choice is the most
// likely one under masks that make the result valid by construction where that can be done:
//   - input nodes come first, one per slot of the role (their kind is not chosen);
//   - the graph has the count head's most likely length among those that hold the role's slots;
//   - a node's kind is hidden or an output slot not yet placed, and hidden only while enough
//     positions remain within that length for the missing outputs;
//   - delay-0 edges run from an earlier node to a later one (no delay-0 cycle), edges enter only
//     ports the target's op reads, never an input node, delays stay within the role's maxDelay;
//   - decay and probability are clipped to [0, 1], refractory rounded into 0..255.
// Everything else (caps, effect arguments) is left to the genome parser (graph.ts fromArrays): a
// decode it rejects is an invalid offspring with the parser's reason.

import { OP_ARITY } from '../genome/arity.ts';
import { OP_NAMES } from '../genome/types.ts';
import { CHANNELS_0 } from './batch.ts';
import { edgeIndex, effectIndex, emptyArrays, SURROGATE_PORTS, type GraphArrays } from './graph.ts';
import { CODING_HEAD, DELAY_CLASSES, EDGE_HEAD_0, EDGE_HEAD_D, NODE_HEAD, type GraphVae } from './model.ts';
import { tf } from './tf.ts';
import {
  DECODED_KINDS, DECODER_CLASSES, EFFECT_CLASSES, EFFECT_FIELDS, EFFECT_SLOTS, ENCODER_CLASSES, MAX_INPUT_SLOTS,
  NODE_FEATURES, NODE_NUMBERS, signExp, signLog, TICK_CLASSES, writeNodeFeatures, type NodeChoice,
} from './vocab.ts';
import { exp } from '../util/math.ts';

const P = SURROGATE_PORTS;

/** The role's shape of a graph: its slots, its largest delay, whether it has an IO coding. */
export interface GraphShape {
  inputs: number;
  outputs: number;
  maxDelay: number;
  coding: boolean;
}

const sigmoid = (x: number): number => 1 / (1 + exp(-x));

/** The values of a tensor made in tf.tidy, which is then freed. */
function read(make: () => tf.Tensor): Float32Array {
  const t = tf.tidy(make);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

/** The index of the largest of `n` values from `offset`, among those `allowed` says yes to. */
function argmax(values: ArrayLike<number>, offset: number, n: number, allowed: (c: number) => boolean = () => true): number {
  let best = -1;
  for (let c = 0; c < n; c++) {
    if (!allowed(c)) continue;
    if (best < 0 || (values[offset + c] as number) > (values[offset + best] as number)) best = c;
  }
  return best;
}

/** Offsets of the node head's parts. */
const HEAD: Record<(typeof NODE_HEAD)[number][0], number> = (() => {
  const at: Record<string, number> = {};
  let o = 0;
  for (const [name, w] of NODE_HEAD) {
    at[name] = o;
    o += w;
  }
  return at as Record<(typeof NODE_HEAD)[number][0], number>;
})();
const HEAD_WIDTH = NODE_HEAD.reduce((s, [, w]) => s + w, 0);

/** Node `i`'s choice from its head's outputs `h` (at `o`), and whether the graph stops here instead: at its predicted node count N. */
function chooseNode(h: Float32Array, o: number, i: number, shape: GraphShape, N: number, placed: Set<number>): NodeChoice | 'stop' {
  const missing = shape.outputs - placed.size;
  let kind: number;
  if (i < shape.inputs) {
    kind = 1 + i;
  } else {
    if (missing === 0 && i >= N) return 'stop';
    const hiddenAllowed = N - i > missing;
    const k = argmax(h, o + HEAD.kind, DECODED_KINDS, (c) => (c === 0 ? hiddenAllowed : c - 1 < shape.outputs && !placed.has(c - 1)));
    if (k < 0) return 'stop';
    kind = k === 0 ? 0 : 1 + MAX_INPUT_SLOTS + (k - 1);
    if (k > 0) placed.add(k - 1);
  }
  const numbers = new Float32Array(NODE_NUMBERS);
  for (let k = 0; k < NODE_NUMBERS; k++) numbers[k] = signExp(h[o + HEAD.numbers + k] as number);
  numbers[5] = Math.min(1, Math.max(0, numbers[5] as number)); // decay
  numbers[7] = Math.min(1, Math.max(0, numbers[7] as number)); // probability
  numbers[8] = Math.min(255, Math.max(0, Math.round(numbers[8] as number))); // refractory
  const effects: NodeChoice['effects'] = [];
  const count = argmax(h, o + HEAD.effectCount, EFFECT_SLOTS + 1);
  for (let s = 0; s < count; s++) {
    let at = o + HEAD.effects + s * EFFECT_CLASSES;
    const classes = EFFECT_FIELDS.map(([, n]) => {
      const c = argmax(h, at, n);
      at += n;
      return c;
    });
    effects.push({ classes, scale: signExp(h[o + HEAD.effectScale + s] as number) });
  }
  return {
    kind, op: argmax(h, o + HEAD.op, OP_NAMES.length), policy: argmax(h, o + HEAD.policy, 4), emit: argmax(h, o + HEAD.emit, 2),
    numbers, effects,
  };
}

/** Writes a chosen node into the arrays at position i. */
function writeNode(a: GraphArrays, i: number, c: NodeChoice): void {
  const role = c.kind === 0 ? 0 : c.kind <= MAX_INPUT_SLOTS ? 1 : 2;
  a.role[i] = role;
  a.slot[i] = role === 0 ? -1 : role === 1 ? c.kind - 1 : c.kind - 1 - MAX_INPUT_SLOTS;
  a.op[i] = c.op;
  a.policy[i] = c.policy;
  a.emit[i] = c.emit;
  for (let k = 0; k < 8; k++) a.real[i * 8 + k] = c.numbers[k] as number;
  a.refractory[i] = c.numbers[8] as number;
  a.effectCount[i] = c.effects.length;
  c.effects.forEach((e, s) => {
    const j = effectIndex(i, s);
    const [kind, enabled, change, source, target, select, direction, k, radius, argA, argB] = e.classes as number[];
    a.effectKind[j] = kind as number; a.effectEnabled[j] = enabled as number; a.effectChange[j] = change as number;
    a.effectSource[j] = source as number; a.effectTarget[j] = target as number; a.effectSelect[j] = select as number;
    a.effectDirection[j] = direction as number; a.effectK[j] = k as number; a.effectRadius[j] = (radius as number) + 1;
    a.effectA[j] = argA as number; a.effectB[j] = argB as number;
    a.effectScale[j] = e.scale;
  });
}

/** Decodes each row of `z` [B, latent] into arrays of the role's shape (see the header for the masks). */
export function generate(model: GraphVae, z: tf.Tensor2D, shape: GraphShape): GraphArrays[] {
  const N = model.size.maxNodes;
  const d = model.size.hidden;
  const B = z.shape[0];
  const graphs = Array.from({ length: B }, () => emptyArrays(N, shape.inputs, shape.outputs));
  const placed = graphs.map(() => new Set<number>());
  const alive = graphs.map(() => true);
  const latent = tf.keep(tf.tidy(() => model.fromLatent(z) as tf.Tensor2D));
  // Each graph's length: the count head's most likely count that holds the role's inputs and outputs.
  const countLogits = read(() => model.countHead(latent));
  const lengths = graphs.map((_, b) => argmax(countLogits, b * (N + 1), N + 1, (c) => c >= shape.inputs + shape.outputs));
  let states = tf.zeros([B, N, d]) as tf.Tensor3D;
  let prefix = tf.zeros([B, 1, d]) as tf.Tensor3D;
  let previous = tf.tidy(() => tf.tile(tf.reshape(model.start, [1, 1, d]), [B, 1, 1])) as tf.Tensor3D;
  try {
    for (let i = 0; i < N && alive.some((x) => x); i++) {
      const position = tf.slice(model.position, [i, 0], [1, d]) as tf.Tensor2D;
      const context = tf.tidy(() => model.context(prefix, previous, latent, position));
      const head = read(() => model.nodeHead(context));
      const x = new Float32Array(B * NODE_FEATURES);
      const here = new Float32Array(B);
      for (let b = 0; b < B; b++) {
        if (!alive[b]) continue;
        const choice = chooseNode(head, b * HEAD_WIDTH, i, shape, lengths[b] as number, placed[b] as Set<number>);
        if (choice === 'stop') {
          alive[b] = false;
          continue;
        }
        const g = graphs[b] as GraphArrays;
        writeNode(g, i, choice);
        g.count = i + 1;
        writeNodeFeatures(choice, x, b * NODE_FEATURES);
        here[b] = 1;
      }
      const input = tf.tidy(() => model.decoderInput(tf.tensor3d(x, [B, 1, NODE_FEATURES]), latent));
      // Delay-0 edges into node i from earlier nodes.
      const row = new Float32Array(B * CHANNELS_0 * N);
      if (i >= shape.inputs) {
        const edges = read(() => model.edges0(tf.concat([context, input], 2) as tf.Tensor3D, states));
        for (let b = 0; b < B; b++) {
          if (here[b] !== 1) continue;
          const g = graphs[b] as GraphArrays;
          const arity = OP_ARITY[OP_NAMES[g.op[i] as number] as (typeof OP_NAMES)[number]];
          for (let j = 0; j < i; j++) {
            const o = (b * N + j) * EDGE_HEAD_0;
            for (let p = 0; p < arity; p++) {
              if (sigmoid(edges[o + p] as number) <= 0.5) continue;
              const e = edgeIndex(N, i, p, j, 0);
              const enabled = sigmoid(edges[o + P + p] as number) > 0.5;
              const w = edges[o + 2 * P + p] as number;
              g.edge[e] = 1;
              g.edgeEnabled[e] = enabled ? 1 : 0;
              g.edgeWeight[e] = signExp(w);
              const cell = (c: number): number => (b * CHANNELS_0 + c) * N + j;
              if (enabled) {
                row[cell(p)] = 1;
                row[cell(P + p)] = signLog(g.edgeWeight[e] as number);
              } else {
                row[cell(2 * P)] = 1;
              }
            }
          }
        }
      }
      const [nextStates, nextPrefix, state] = tf.tidy(() => {
        const adjacency = tf.tensor3d(row, [B, CHANNELS_0, N]);
        const m = tf.matMul(adjacency, states); // [B, C0, d]
        const message = model.decMessage0(tf.reshape(m, [B, 1, CHANNELS_0 * d]));
        const state = tf.mul(model.decCell(input, message), tf.tensor3d(here, [B, 1, 1]));
        const at = tf.reshape(tf.oneHot(tf.tensor1d([i], 'int32'), N), [1, N, 1]);
        return [tf.add(states, tf.mul(at, state)) as tf.Tensor3D, tf.add(prefix, model.summand(state)) as tf.Tensor3D, state as tf.Tensor3D];
      });
      tf.dispose([position, context, input, states, prefix, previous]);
      states = nextStates;
      prefix = nextPrefix;
      previous = state;
    }
    if (shape.maxDelay > 0) decodeDelayed(model, graphs, states, latent, shape);
    if (shape.coding) decodeCoding(model, graphs, latent, shape);
  } finally {
    tf.dispose([latent, states, prefix, previous]);
  }
  return graphs;
}

/** Delayed edges between every pair of nodes, from the final decoder states. */
function decodeDelayed(model: GraphVae, graphs: GraphArrays[], states: tf.Tensor3D, latent: tf.Tensor2D, shape: GraphShape): void {
  const N = model.size.maxNodes;
  const v = read(() => {
    const final = tf.concat([states, tf.tile(tf.expandDims(latent, 1), [1, N, 1])], 2) as tf.Tensor3D;
    return model.edgesD(final, final);
  });
  graphs.forEach((g, b) => {
    for (let i = shape.inputs; i < g.count; i++) {
      const arity = OP_ARITY[OP_NAMES[g.op[i] as number] as (typeof OP_NAMES)[number]];
      for (let j = 0; j < g.count; j++) {
        const o = ((b * N + i) * N + j) * EDGE_HEAD_D;
        for (let p = 0; p < arity; p++) {
          if (sigmoid(v[o + p] as number) <= 0.5) continue;
          const e = edgeIndex(N, i, p, j, 1);
          g.edge[e] = 1;
          g.edgeEnabled[e] = sigmoid(v[o + P + p] as number) > 0.5 ? 1 : 0;
          g.edgeWeight[e] = signExp(v[o + 2 * P + p] as number);
          g.edgeDelay[e] = 1 + argmax(v, o + 3 * P + p * DELAY_CLASSES, DELAY_CLASSES, (c) => c < shape.maxDelay);
        }
      }
    }
  });
}

/** The learner role's IO coding from z. */
function decodeCoding(model: GraphVae, graphs: GraphArrays[], latent: tf.Tensor2D, shape: GraphShape): void {
  const v = read(() => model.codingHead(latent));
  const width = CODING_HEAD.reduce((s, [, w]) => s + w, 0);
  graphs.forEach((g, b) => {
    const o = b * width;
    const encoders = new Int32Array(shape.inputs);
    const decoders = new Int32Array(shape.outputs);
    for (let s = 0; s < shape.inputs; s++) encoders[s] = argmax(v, o + TICK_CLASSES + s * ENCODER_CLASSES, ENCODER_CLASSES);
    for (let s = 0; s < shape.outputs; s++) decoders[s] = argmax(v, o + TICK_CLASSES + MAX_INPUT_SLOTS * ENCODER_CLASSES + s * DECODER_CLASSES, DECODER_CLASSES);
    g.coding = { ticks: 1 + argmax(v, o, TICK_CLASSES), encoders, decoders };
  });
}
