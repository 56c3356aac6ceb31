// The graph VAE (docs/surrogate.md, Model): an encoder that follows the computation and a decoder
// that writes a graph node by node, after D-VAE (Zhang, Jiang, Cui, Garnett and Chen 2019, "D-VAE: A
// variational autoencoder for directed acyclic graphs", NeurIPS), extended to the genome's cycles
// by giving delayed edges their own edge type.
//
// Encoder. Each node's state is a GRU of its features and the message of its delay-0 predecessors,
// computed level by level (batch.ts), so a node is computed after everything it reads within a
// tick. A second pass adds, to every node's message, the message of its delayed predecessors' first
// pass states: what a node reads from the previous tick. The graph's state is a gated sum of the
// node states (Li et al. 2016, gated graph readout); the latent's mean and log-variance are linear in
// it (Kingma and Welling 2014).
//
// Decoder. From z: the decoder's own node states follow the graph the same way (a GRU of the node's
// features and z, and its delay-0 predecessors' states). Node i's context is z, its position and the
// gated sum of the states of nodes 0..i-1; from it come the stop token (auxiliary: generation ends
// at the length of the count head, which reads z), the node's kind (hidden or
// an output slot), op, policy, emit, its numbers and effects. Delay-0 edges into node i come from
// pairs (source j < i, node i): so they cannot form a cycle. Delayed edges come from every pair of
// final node states. Training uses teacher forcing: the true nodes and edges feed the states
// (Williams and Zipser 1989); generation (generate.ts) feeds its own choices through the same code.

import type { Rng } from '../util/rng.ts';
import type { Batch } from './batch.ts';
import { CHANNELS_0, CHANNELS_D } from './batch.ts';
import { SURROGATE_PORTS } from './graph.ts';
import { dense, gru, mlp, type Layer } from './layers.ts';
import { ParamStore } from './params.ts';
import { tf } from './tf.ts';
import {
  DECODED_KINDS, DECODER_CLASSES, EFFECT_CLASSES, EFFECT_SLOTS, ENCODER_CLASSES, MAX_INPUT_SLOTS, MAX_OUTPUT_SLOTS,
  NODE_FEATURES, NODE_NUMBERS, TICK_CLASSES,
} from './vocab.ts';
import { OP_NAMES, POLICY_NAMES, EMIT_NAMES } from '../genome/types.ts';

const P = SURROGATE_PORTS;

export interface ModelSize {
  /** Nodes per graph (the canonical arrays' N). */
  maxNodes: number;
  /** Latent dimensions. */
  latent: number;
  /** Width of node and graph states. */
  hidden: number;
  /** Width of an edge pair's hidden layer. */
  edgeHidden: number;
}

/** The parts of a node head's output, in order, and their widths. */
export const NODE_HEAD = [
  ['stop', 1], ['kind', DECODED_KINDS], ['op', OP_NAMES.length], ['policy', POLICY_NAMES.length], ['emit', EMIT_NAMES.length],
  ['numbers', NODE_NUMBERS], ['effectCount', EFFECT_SLOTS + 1], ['effects', EFFECT_SLOTS * EFFECT_CLASSES], ['effectScale', EFFECT_SLOTS],
] as const;
export type NodeHeadPart = (typeof NODE_HEAD)[number][0];
const NODE_HEAD_WIDTH = NODE_HEAD.reduce((s, [, w]) => s + w, 0);

/** The parts of an edge pair's output: per port presence, enabled and weight; delayed edges also a delay class per port. */
export const EDGE_HEAD_0 = 3 * P;
export const DELAY_CLASSES = 8;
export const EDGE_HEAD_D = 3 * P + P * DELAY_CLASSES;
export const CODING_HEAD = [['ticks', TICK_CLASSES], ['encoders', MAX_INPUT_SLOTS * ENCODER_CLASSES], ['decoders', MAX_OUTPUT_SLOTS * DECODER_CLASSES]] as const;
const CODING_HEAD_WIDTH = CODING_HEAD.reduce((s, [, w]) => s + w, 0);

/** Splits the last axis of `t` by named widths. */
export function splitParts<K extends string>(t: tf.Tensor, parts: readonly (readonly [K, number])[]): Record<K, tf.Tensor> {
  const pieces = tf.split(t, parts.map(([, w]) => w), t.rank - 1);
  return Object.fromEntries(parts.map(([name], i) => [name, pieces[i] as tf.Tensor])) as Record<K, tf.Tensor>;
}

/** Messages into `rows` target nodes: adjacency [B, C*rows, N] times states [B, N, d], channels side by side, projected to d. */
function messages(adjacency: tf.Tensor3D, states: tf.Tensor3D, channels: number, project: Layer): tf.Tensor3D {
  const [B, cr] = adjacency.shape;
  const rows = cr / channels;
  const d = states.shape[2];
  const m = tf.matMul(adjacency, states); // [B, C*rows, d]
  const byRow = tf.reshape(tf.transpose(tf.reshape(m, [B, channels, rows, d]), [0, 2, 1, 3]), [B, rows, channels * d]);
  return project(byRow) as tf.Tensor3D;
}

export interface DecoderOutput {
  /** [B, N, NODE_HEAD_WIDTH] node logits and numbers. */
  node: tf.Tensor3D;
  /** [B, N target, N source, EDGE_HEAD_0] and [.., EDGE_HEAD_D]. */
  edge0: tf.Tensor4D;
  edgeD: tf.Tensor4D;
  /** [B, CODING_HEAD_WIDTH]. */
  coding: tf.Tensor2D;
  /** [B, maxNodes + 1] logits of the graph's node count. */
  count: tf.Tensor2D;
}

export class GraphVae {
  readonly store: ParamStore;
  readonly size: ModelSize;
  // Encoder.
  private readonly embed: Layer;
  private readonly encMessage0: Layer;
  private readonly encMessageD: Layer;
  private readonly encCell1: (x: tf.Tensor, h: tf.Tensor) => tf.Tensor;
  private readonly encCell2: (x: tf.Tensor, h: tf.Tensor) => tf.Tensor;
  private readonly readGate: Layer;
  private readonly readValue: Layer;
  private readonly toMean: Layer;
  private readonly toLogVar: Layer;
  // Decoder.
  readonly fromLatent: Layer;
  readonly decEmbed: Layer;
  readonly decMessage0: Layer;
  readonly decCell: (x: tf.Tensor, h: tf.Tensor) => tf.Tensor;
  readonly sumGate: Layer;
  readonly sumValue: Layer;
  readonly contextOfSum: Layer;
  readonly position: tf.Variable;
  /** The start token: what node 0's context reads as its previous node's state. */
  readonly start: tf.Variable;
  readonly nodeHead: Layer;
  readonly edge0Target: Layer;
  readonly edge0Source: Layer;
  readonly edge0Out: Layer;
  readonly edgeDTarget: Layer;
  readonly edgeDSource: Layer;
  readonly edgeDOut: Layer;
  readonly codingHead: Layer;
  /** The graph's node count from z: generation ends there (generate.ts). */
  readonly countHead: Layer;

  constructor(size: ModelSize, rng: Rng, store = new ParamStore()) {
    this.store = store;
    this.size = size;
    const { hidden: d, latent, edgeHidden: k, maxNodes } = size;
    const s = store;
    this.embed = dense(s, rng, 'enc.embed', NODE_FEATURES, d, 'relu');
    this.encMessage0 = dense(s, rng, 'enc.message0', CHANNELS_0 * d, d, 'tanh');
    this.encMessageD = dense(s, rng, 'enc.messageD', CHANNELS_D * d, d, 'tanh');
    this.encCell1 = gru(s, rng, 'enc.cell1', d, d);
    this.encCell2 = gru(s, rng, 'enc.cell2', d, d);
    this.readGate = dense(s, rng, 'enc.readGate', d, d, 'sigmoid');
    this.readValue = dense(s, rng, 'enc.readValue', d, d);
    this.toMean = dense(s, rng, 'enc.mean', d, latent);
    this.toLogVar = dense(s, rng, 'enc.logVar', d, latent);
    this.fromLatent = dense(s, rng, 'dec.latent', latent, d, 'tanh');
    this.decEmbed = dense(s, rng, 'dec.embed', NODE_FEATURES, d, 'relu');
    this.decMessage0 = dense(s, rng, 'dec.message0', CHANNELS_0 * d, d, 'tanh');
    this.decCell = gru(s, rng, 'dec.cell', d, d);
    this.sumGate = dense(s, rng, 'dec.sumGate', d, d, 'sigmoid');
    this.sumValue = dense(s, rng, 'dec.sumValue', d, d);
    this.contextOfSum = dense(s, rng, 'dec.context', 3 * d, d, 'tanh');
    this.position = s.add('dec.position', [maxNodes, d], { normal: 0.1 }, rng);
    this.start = s.add('dec.start', [d], { normal: 0.1 }, rng);
    this.nodeHead = mlp(s, rng, 'dec.nodeHead', [d, d, NODE_HEAD_WIDTH]);
    this.edge0Target = dense(s, rng, 'dec.edge0.target', d + d, k);
    this.edge0Source = dense(s, rng, 'dec.edge0.source', d, k);
    this.edge0Out = dense(s, rng, 'dec.edge0.out', k, EDGE_HEAD_0);
    this.edgeDTarget = dense(s, rng, 'dec.edgeD.target', d + d, k);
    this.edgeDSource = dense(s, rng, 'dec.edgeD.source', d + d, k);
    this.edgeDOut = dense(s, rng, 'dec.edgeD.out', k, EDGE_HEAD_D);
    this.codingHead = mlp(s, rng, 'dec.coding', [d, d, CODING_HEAD_WIDTH]);
    this.countHead = mlp(s, rng, 'dec.count', [d, d, maxNodes + 1]);
  }

  /** The latent's mean and log-variance for each graph of the batch. */
  encode(batch: Batch): { mean: tf.Tensor2D; logVar: tf.Tensor2D } {
    const x = this.embed(batch.x) as tf.Tensor3D;
    const first = this.followLevels(batch, x, this.encCell1, this.encMessage0);
    const delayed = messages(batch.adjacencyD, first, CHANNELS_D, this.encMessageD);
    const second = this.followLevels(batch, x, this.encCell2, this.encMessage0, delayed);
    const present = tf.expandDims(batch.present, 2);
    const graph = tf.sum(tf.mul(tf.mul(this.readGate(second), this.readValue(second)), present), 1);
    return { mean: this.toMean(graph) as tf.Tensor2D, logVar: tf.clipByValue(this.toLogVar(graph), -12, 6) as tf.Tensor2D };
  }

  /**
   * Node states computed level by level: each level's nodes (selected) from their inputs `x` and
   * the messages of lower levels' states, plus `extra` messages [B, N, d] if given.
   */
  private followLevels(batch: Batch, x: tf.Tensor3D, cell: (x: tf.Tensor, h: tf.Tensor) => tf.Tensor, project: Layer, extra?: tf.Tensor3D): tf.Tensor3D {
    let h = tf.zerosLike(x) as tf.Tensor3D;
    for (const level of batch.levels) {
      let message = messages(level.adjacency0, h, CHANNELS_0, project);
      if (extra !== undefined) message = tf.add(message, tf.matMul(level.select, extra)) as tf.Tensor3D;
      const next = cell(tf.matMul(level.select, x), message) as tf.Tensor3D;
      h = tf.add(h, tf.matMul(level.scatter, next)) as tf.Tensor3D;
    }
    return h;
  }

  /** The decoder's input of a node: its features' embedding plus z's. */
  decoderInput(x: tf.Tensor3D, latent: tf.Tensor2D): tf.Tensor3D {
    return tf.add(this.decEmbed(x), tf.expandDims(latent, 1)) as tf.Tensor3D;
  }

  /** What a prefix of node states adds to the context of the next node: gated values, [B, R, d]. */
  summand(states: tf.Tensor): tf.Tensor {
    return tf.mul(this.sumGate(states), this.sumValue(states));
  }

  /**
   * Contexts [B, R, d] from prefix sums [B, R, d], the previous node's state [B, R, d] (the order
   * the sum forgets), z's state [B, d] and positions (a [R, d] slice).
   */
  context(prefix: tf.Tensor3D, previous: tf.Tensor3D, latent: tf.Tensor2D, positions: tf.Tensor2D): tf.Tensor3D {
    const rows = prefix.shape[1];
    const all = tf.concat([prefix, previous, tf.tile(tf.expandDims(latent, 1), [1, rows, 1])], 2);
    return tf.add(this.contextOfSum(all), positions) as tf.Tensor3D;
  }

  /** Delay-0 edge outputs for targets [B, R, 2d] (context and own input) against sources [B, N, d]: [B, R, N, EDGE_HEAD_0]. */
  edges0(targets: tf.Tensor3D, sources: tf.Tensor3D): tf.Tensor4D {
    const t = tf.expandDims(this.edge0Target(targets), 2);
    const s = tf.expandDims(this.edge0Source(sources), 1);
    return this.edge0Out(tf.relu(tf.add(t, s))) as tf.Tensor4D;
  }

  /** Delayed edge outputs between final node states: targets and sources [B, N, 2d] -> [B, N, N, EDGE_HEAD_D]. */
  edgesD(targets: tf.Tensor3D, sources: tf.Tensor3D): tf.Tensor4D {
    const t = tf.expandDims(this.edgeDTarget(targets), 2);
    const s = tf.expandDims(this.edgeDSource(sources), 1);
    return this.edgeDOut(tf.relu(tf.add(t, s))) as tf.Tensor4D;
  }

  /** The decoder with teacher forcing: every output of every position from the batch's true graphs. */
  decode(batch: Batch, z: tf.Tensor2D): DecoderOutput {
    const N = batch.maxNodes;
    const latent = this.fromLatent(z) as tf.Tensor2D;
    const input = this.decoderInput(batch.x, latent);
    const states = this.followLevels(batch, input, this.decCell, this.decMessage0);
    const present = tf.expandDims(batch.present, 2);
    // prefix[i] = sum over j < i of the summands: a strictly lower triangular matrix times them.
    const lower = tf.sub(tf.linalg.bandPart(tf.ones([N, N]), -1, 0), tf.eye(N)) as tf.Tensor2D;
    const prefix = tf.matMul(tf.tile(tf.expandDims(lower, 0), [batch.size, 1, 1]) as tf.Tensor3D, tf.mul(this.summand(states), present) as tf.Tensor3D) as tf.Tensor3D;
    // previous[i] = the state of node i - 1 (a subdiagonal matrix times the states); node 0's is the start token.
    const shift = tf.sub(tf.linalg.bandPart(tf.ones([N, N]), 1, 0), tf.linalg.bandPart(tf.ones([N, N]), 0, 0)) as tf.Tensor2D;
    const first = tf.reshape(tf.oneHot(tf.tensor1d([0], 'int32'), N), [1, N, 1]);
    const previous = tf.add(tf.matMul(tf.tile(tf.expandDims(shift, 0), [batch.size, 1, 1]) as tf.Tensor3D, states), tf.mul(first, this.start)) as tf.Tensor3D;
    const context = this.context(prefix, previous, latent, tf.slice(this.position, [0, 0], [N, this.size.hidden]) as tf.Tensor2D);
    const node = this.nodeHead(context) as tf.Tensor3D;
    const edge0 = this.edges0(tf.concat([context, input], 2) as tf.Tensor3D, states);
    const final = tf.concat([states, tf.tile(tf.expandDims(latent, 1), [1, N, 1])], 2) as tf.Tensor3D;
    const edgeD = this.edgesD(final, final);
    return { node, edge0, edgeD, coding: this.codingHead(latent) as tf.Tensor2D, count: this.countHead(latent) as tf.Tensor2D };
  }
}
