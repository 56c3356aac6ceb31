// What the surrogate sees of a node and what its decoder chooses (docs/surrogate.md, Model): the
// categorical fields of a genome's nodes and effects as classes, the numbers on the canonical
// signed-log scale of the proposal, and the node feature vector both the encoder and the decoder's
// state read. One function builds a node's features from its chosen classes and numbers, so that
// the features of a node taken from a genome (training) and of a node the decoder has just chosen
// (generation) are made by the same code.

import {
  AMOUNT_NAMES, CHANGE_NAMES, DECODER_NAMES, DIRECTION_NAMES, EFFECT_KIND_NAMES, EMIT_NAMES, ENCODER_NAMES,
  MAX_TICKS_PER_STEP, OP_NAMES, POLICY_NAMES, SELECT_NAMES, TARGET_NAMES,
} from '../genome/types.ts';
import { expm1, log1p } from '../util/math.ts';

/** Input and output slots a genome may have (the engine's limits, assembly/layout.ts). */
export const MAX_INPUT_SLOTS = 16;
export const MAX_OUTPUT_SLOTS = 16;

/** `sign(x) log1p(|x|)`: the proposal's canonical scale for numbers of any size and sign. */
export function signLog(x: number): number {
  return Math.sign(x) * log1p(Math.abs(x));
}

/** The inverse of signLog. */
export function signExp(y: number): number {
  return Math.sign(y) * expm1(Math.abs(y));
}

/**
 * A node's kind class: 0 hidden, 1 + s input slot s, 1 + MAX_INPUT_SLOTS + s output slot s. The
 * decoder never chooses input nodes (they come first, one per slot, fixed by the role); it chooses
 * among `DECODED_KINDS`: 0 hidden, 1 + s output slot s.
 */
export const KIND_CLASSES = 1 + MAX_INPUT_SLOTS + MAX_OUTPUT_SLOTS;
export const DECODED_KINDS = 1 + MAX_OUTPUT_SLOTS;

export function kindClass(role: number, slot: number): number {
  if (role === 1) return 1 + slot;
  if (role === 2) return 1 + MAX_INPUT_SLOTS + slot;
  return 0;
}

/** The integer fields of an effect the decoder chooses as classes, and the number of classes of each. */
export const EFFECT_FIELDS = [
  ['kind', EFFECT_KIND_NAMES.length],
  ['enabled', 2],
  ['change', CHANGE_NAMES.length],
  ['source', AMOUNT_NAMES.length],
  ['target', TARGET_NAMES.length],
  ['select', SELECT_NAMES.length],
  ['direction', DIRECTION_NAMES.length],
  // select.k 0..8 (0: all candidates), radius 1..8 as class radius - 1, a 0..33 (set-op's op
  // index is the widest), b 0..15: the ranges mutation draws from (src/genome/effects-random.ts)
  // and more; a genome outside them is not representable (batch.ts).
  ['k', 9],
  ['radius', 8],
  ['a', OP_NAMES.length],
  ['b', 16],
] as const;
export type EffectField = (typeof EFFECT_FIELDS)[number][0];

/** Classes of all effect fields of one effect slot, concatenated. */
export const EFFECT_CLASSES = EFFECT_FIELDS.reduce((sum, [, n]) => sum + n, 0);

/** Numbers per node the decoder regresses (on the signed-log scale): attrs 0-3, threshold, decay, reset, probability, refractory. */
export const NODE_NUMBERS = 9;

/** Coding classes of the learner role (docs/learner.md, IO coding). */
export const TICK_CLASSES = MAX_TICKS_PER_STEP;
export const ENCODER_CLASSES = ENCODER_NAMES.length;
export const DECODER_CLASSES = DECODER_NAMES.length;

/** Everything the decoder chooses for one node (and what a genome's node is, in these terms). */
export interface NodeChoice {
  kind: number;
  op: number;
  policy: number;
  emit: number;
  /** NODE_NUMBERS raw values: attrs 0-3, threshold, decay, reset, probability, refractory. */
  numbers: ArrayLike<number>;
  /** Effects in order; each an EFFECT_FIELDS.length list of classes plus its amount scale. */
  effects: { classes: ArrayLike<number>; scale: number }[];
}

/** Effect slots per node the surrogate models (more: not representable). */
export const EFFECT_SLOTS = 4;

/** Offsets of the node feature vector's parts. */
const F_KIND = 0;
const F_OP = F_KIND + KIND_CLASSES;
const F_POLICY = F_OP + OP_NAMES.length;
const F_EMIT = F_POLICY + POLICY_NAMES.length;
const F_NUMBERS = F_EMIT + EMIT_NAMES.length;
const F_EFFECTS = F_NUMBERS + NODE_NUMBERS;
/** Per effect slot: a present flag, its classes one-hot, its scale. */
const EFFECT_FEATURES = 1 + EFFECT_CLASSES + 1;

/** Length of a node's feature vector. */
export const NODE_FEATURES = F_EFFECTS + EFFECT_SLOTS * EFFECT_FEATURES;

/** Writes a node's features into `out` at `offset` (NODE_FEATURES numbers; `out` zeroed there beforehand). */
export function writeNodeFeatures(node: NodeChoice, out: Float32Array, offset: number): void {
  out[offset + F_KIND + node.kind] = 1;
  out[offset + F_OP + node.op] = 1;
  out[offset + F_POLICY + node.policy] = 1;
  out[offset + F_EMIT + node.emit] = 1;
  for (let k = 0; k < NODE_NUMBERS; k++) out[offset + F_NUMBERS + k] = signLog(node.numbers[k] as number);
  node.effects.forEach((effect, slot) => {
    const base = offset + F_EFFECTS + slot * EFFECT_FEATURES;
    out[base] = 1;
    let at = base + 1;
    EFFECT_FIELDS.forEach(([, n], f) => {
      out[at + (effect.classes[f] as number)] = 1;
      at += n;
    });
    out[at] = signLog(effect.scale);
  });
}
