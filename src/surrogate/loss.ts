// The graph VAE's training loss (docs/surrogate.md, Training): the negative evidence lower bound of
// Kingma and Welling 2014, a reconstruction term per graph plus beta times the KL divergence of the
// latent from N(0, I), with beta on a schedule (train.ts). Reconstruction is summed over a graph's
// masked targets (batch.ts): cross-entropy for every class the decoder chooses (stop token, kind,
// op, policy, emit, effect fields, edge presence and enabled, delays, coding), squared error on the
// signed-log scale for its numbers (node numbers, effect scales, edge weights). Every term is a pure
// function of tensors, run inside tf.tidy by the caller.

import type { Batch } from './batch.ts';
import { SURROGATE_PORTS } from './graph.ts';
import { CODING_HEAD, DELAY_CLASSES, NODE_HEAD, splitParts, type DecoderOutput } from './model.ts';
import { tf } from './tf.ts';
import { DECODER_CLASSES, EFFECT_FIELDS, EFFECT_SLOTS, ENCODER_CLASSES, MAX_INPUT_SLOTS, MAX_OUTPUT_SLOTS } from './vocab.ts';

const P = SURROGATE_PORTS;

/** Masked cross-entropy of logits [..., n] against class indices [...]: summed per graph (axis 0 kept), [B]. */
export function crossEntropy(logits: tf.Tensor, classes: tf.Tensor, mask: tf.Tensor): tf.Tensor1D {
  const n = logits.shape[logits.rank - 1] as number;
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.cast(tf.reshape(classes, [-1]), 'int32'), n).reshape(logits.shape)), -1);
  return perGraph(tf.mul(tf.neg(picked), mask));
}

/** Masked binary cross-entropy of logits against 0/1 targets, per graph [B]. */
export function binaryCrossEntropy(logits: tf.Tensor, targets: tf.Tensor, mask: tf.Tensor): tf.Tensor1D {
  // max(x, 0) - x t + log(1 + exp(-|x|)): stable for any logit.
  const loss = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  return perGraph(tf.mul(loss, mask));
}

/** Masked squared error per graph [B]. */
export function squaredError(values: tf.Tensor, targets: tf.Tensor, mask: tf.Tensor): tf.Tensor1D {
  return perGraph(tf.mul(tf.square(tf.sub(values, targets)), mask));
}

function perGraph(t: tf.Tensor): tf.Tensor1D {
  return (t.rank === 1 ? t : tf.sum(tf.reshape(t, [t.shape[0] as number, -1]), 1)) as tf.Tensor1D;
}

/** The reconstruction terms of a batch, each [B], by name (for reports and tests). */
export function reconstructionTerms(batch: Batch, out: DecoderOutput): Record<string, tf.Tensor1D> {
  const t = batch.targets;
  const B = batch.size;
  const N = batch.maxNodes;
  const node = splitParts(out.node, NODE_HEAD);
  const terms: Record<string, tf.Tensor1D> = {
    stop: binaryCrossEntropy(tf.squeeze(node.stop, [2]), t.stop, t.stopMask),
    count: crossEntropy(out.count, t.count, tf.onesLike(t.count)),
    kind: crossEntropy(node.kind, t.kind, t.kindMask),
    op: crossEntropy(node.op, t.op, t.nodeMask),
    policy: crossEntropy(node.policy, t.policy, t.nodeMask),
    emit: crossEntropy(node.emit, t.emit, t.nodeMask),
    numbers: squaredError(node.numbers, t.numbers, tf.expandDims(t.nodeMask, 2)),
    effectCount: crossEntropy(node.effectCount, t.effectCount, t.nodeMask),
    effectScale: squaredError(node.effectScale, t.effectScale, t.effectMask),
  };
  // Effect fields: per slot, per field, a cross-entropy over that field's classes.
  const effects = tf.reshape(node.effects, [B, N, EFFECT_SLOTS, -1]);
  let offset = 0;
  let fields = tf.zeros([B]) as tf.Tensor1D;
  EFFECT_FIELDS.forEach(([, n], f) => {
    const logits = tf.slice(effects, [0, 0, 0, offset], [B, N, EFFECT_SLOTS, n]);
    const classes = tf.squeeze(tf.slice(t.effect, [0, 0, 0, f], [B, N, EFFECT_SLOTS, 1]), [3]);
    fields = tf.add(fields, crossEntropy(logits, classes, t.effectMask));
    offset += n;
  });
  terms.effects = fields;
  // Edges: presence where the decoder may place one, enabled flag and weight where one is.
  const [present0, enabled0, weight0] = tf.split(out.edge0, [P, P, P], 3);
  terms.edge0 = binaryCrossEntropy(present0 as tf.Tensor, t.edge0, t.mask0);
  terms.enabled0 = binaryCrossEntropy(enabled0 as tf.Tensor, t.enabled0, t.edge0);
  terms.weight0 = squaredError(weight0 as tf.Tensor, t.weight0, t.edge0);
  const [presentD, enabledD, weightD, delayD] = tf.split(out.edgeD, [P, P, P, P * DELAY_CLASSES], 3);
  terms.edgeD = binaryCrossEntropy(presentD as tf.Tensor, t.edgeD, t.maskD);
  terms.enabledD = binaryCrossEntropy(enabledD as tf.Tensor, t.enabledD, t.edgeD);
  terms.weightD = squaredError(weightD as tf.Tensor, t.weightD, t.edgeD);
  terms.delayD = crossEntropy(tf.reshape(delayD as tf.Tensor, [B, N, N, P, DELAY_CLASSES]), t.delayD, t.edgeD);
  // The learner role's coding.
  const coding = splitParts(out.coding, CODING_HEAD);
  terms.coding = tf.addN([
    crossEntropy(coding.ticks, t.ticks, t.codingMask),
    crossEntropy(tf.reshape(coding.encoders, [B, MAX_INPUT_SLOTS, ENCODER_CLASSES]), t.encoders, t.encoderMask),
    crossEntropy(tf.reshape(coding.decoders, [B, MAX_OUTPUT_SLOTS, DECODER_CLASSES]), t.decoders, t.decoderMask),
  ]) as tf.Tensor1D;
  return terms;
}

/** KL(N(mean, exp(logVar)) || N(0, I)) per graph and per dimension: [B, Z]. */
export function klPerDimension(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(-0.5, tf.sub(tf.add(1, logVar), tf.add(tf.square(mean), tf.exp(logVar)))) as tf.Tensor2D;
}
