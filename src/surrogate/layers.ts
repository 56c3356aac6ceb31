// The surrogate's building blocks as small factories over a ParamStore (the style of tfjs-layers'
// factories, without its layer objects, so that every parameter is ours to seed, save and restore):
// a dense layer, a multi-layer perceptron and a gated recurrent unit (Cho et al. 2014, "Learning
// phrase representations using RNN encoder-decoder for statistical machine translation", eq. 5-8),
// the cell D-VAE uses to update a node's state from its predecessors' (Zhang et al. 2019).

import type { Rng } from '../util/rng.ts';
import type { ParamStore } from './params.ts';
import { tf } from './tf.ts';

export type Activation = 'linear' | 'relu' | 'tanh' | 'sigmoid';

function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  if (activation === 'relu') return tf.relu(x);
  if (activation === 'tanh') return tf.tanh(x);
  if (activation === 'sigmoid') return tf.sigmoid(x);
  return x;
}

/** x W over the last axis of a tensor of any rank >= 2. */
export function matmulLast(x: tf.Tensor, w: tf.Tensor): tf.Tensor {
  if (x.rank === 2) return tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D);
  const shape = x.shape;
  const last = shape[shape.length - 1] as number;
  const flat = tf.reshape(x, [-1, last]) as tf.Tensor2D;
  return tf.reshape(tf.matMul(flat, w as tf.Tensor2D), [...shape.slice(0, -1), w.shape[1] as number]);
}

export type Layer = (x: tf.Tensor) => tf.Tensor;

/** A dense layer `name.w` [inDim, outDim] (Glorot) and `name.b` (zeros). */
export function dense(store: ParamStore, rng: Rng, name: string, inDim: number, outDim: number, activation: Activation = 'linear'): Layer {
  const w = store.add(`${name}.w`, [inDim, outDim], 'glorot', rng);
  const b = store.add(`${name}.b`, [outDim], 'zeros', rng);
  return (x) => activate(tf.add(matmulLast(x, w), b), activation);
}

/** Dense layers of the given widths, `activation` between them, the last one linear. */
export function mlp(store: ParamStore, rng: Rng, name: string, widths: readonly number[], activation: Activation = 'relu'): Layer {
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < widths.length; i++) {
    layers.push(dense(store, rng, `${name}.${i}`, widths[i] as number, widths[i + 1] as number, i + 2 < widths.length ? activation : 'linear'));
  }
  return (x) => layers.reduce((h, layer) => layer(h), x);
}

/** h' = GRU(x, h) over the last axis: update and reset gates and a candidate state, one matmul each side. */
export function gru(store: ParamStore, rng: Rng, name: string, inDim: number, hidden: number): (x: tf.Tensor, h: tf.Tensor) => tf.Tensor {
  const wx = store.add(`${name}.wx`, [inDim, 3 * hidden], 'glorot', rng);
  const wh = store.add(`${name}.wh`, [hidden, 3 * hidden], 'glorot', rng);
  const b = store.add(`${name}.b`, [3 * hidden], 'zeros', rng);
  return (x, h) => {
    const gx = tf.add(matmulLast(x, wx), b);
    const gh = matmulLast(h, wh);
    const axis = gx.rank - 1;
    const [zx, rx, nx] = tf.split(gx, 3, axis) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const [zh, rh, nh] = tf.split(gh, 3, axis) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const z = tf.sigmoid(tf.add(zx, zh));
    const r = tf.sigmoid(tf.add(rx, rh));
    const n = tf.tanh(tf.add(nx, tf.mul(r, nh)));
    return tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
  };
}
