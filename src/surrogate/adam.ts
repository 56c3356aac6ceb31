// Adam for the surrogate's ParamStore, written with tf ops so that its state is ours to save and
// restore exactly (tf.train.adam keeps its moments in private variables). D. P. Kingma and J. Ba,
// "Adam: A method for stochastic optimization", ICLR 2015, Algorithm 1, with bias correction:
//   m <- b1 m + (1 - b1) g          v <- b2 v + (1 - b2) g^2
//   p <- p - lr (m / c1) / (sqrt(v / c2) + eps),   c1 = 1 - b1^t, c2 = 1 - b2^t
// c1 and c2 are computed in float64 from t and enter as float32 scalars, so a resumed run takes the
// same steps as an uninterrupted one.
//
// Each parameter keeps its own step count t, as in PyTorch: a parameter that receives no gradient
// on a step (not connected to the loss) is left alone and its moments do not decay, and when it
// first gets one its bias correction starts from t = 1.
//
// Optional global-norm clipping (R. Pascanu, T. Mikolov and Y. Bengio, "On the difficulty of
// training recurrent neural networks", ICML 2013, Algorithm 1): with N the Euclidean norm of all
// gradients of the step together, every gradient is scaled by clipNorm / max(N, clipNorm), i.e. by 1
// unless N exceeds clipNorm. The scale stays a tensor (no read back from the backend).

import type { ParamStore } from './params.ts';
import { tf } from './tf.ts';
import { powInt } from '../util/math.ts';

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Scale all gradients of a step down so that their global norm is at most this (> 0). */
  clipNorm?: number;
}

/** One parameter's optimiser state, as plain data. */
export interface AdamSlotSnapshot {
  name: string;
  shape: number[];
  /** Steps this parameter has taken. */
  t: number;
  m: Float32Array;
  v: Float32Array;
}

/** Adam's whole state as plain data (msgpackr-able); the options are not part of it. */
export interface AdamSnapshot {
  /** Calls of step(). */
  steps: number;
  slots: AdamSlotSnapshot[];
}

interface Slot {
  t: number;
  m: tf.Variable;
  v: tf.Variable;
}

function checkOptions(options: AdamOptions): Required<Omit<AdamOptions, 'clipNorm'>> & { clipNorm: number | undefined } {
  const { learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, clipNorm } = options;
  const fail = (field: string, rule: string, got: unknown): never => {
    throw new RangeError(`Adam: ${field} ${rule} (got ${String(got)})`);
  };
  if (!(Number.isFinite(learningRate) && learningRate > 0)) fail('learningRate', 'must be a finite number > 0', learningRate);
  if (!(beta1 >= 0 && beta1 < 1)) fail('beta1', 'must be in [0, 1)', beta1);
  if (!(beta2 >= 0 && beta2 < 1)) fail('beta2', 'must be in [0, 1)', beta2);
  if (!(Number.isFinite(epsilon) && epsilon >= 0)) fail('epsilon', 'must be a finite number >= 0', epsilon);
  if (clipNorm !== undefined && !(Number.isFinite(clipNorm) && clipNorm > 0)) fail('clipNorm', 'must be a finite number > 0', clipNorm);
  return { learningRate, beta1, beta2, epsilon, clipNorm };
}

function zeroVariable(shape: readonly number[], data?: Float32Array): tf.Variable {
  const initial = data === undefined ? tf.zeros(shape.slice(), 'float32') : tf.tensor(data, shape.slice(), 'float32');
  try {
    return tf.variable(initial, false);
  } finally {
    initial.dispose();
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class Adam {
  readonly options: Readonly<ReturnType<typeof checkOptions>>;
  private readonly slots = new Map<string, Slot>();
  private steps = 0;
  private disposed = false;

  constructor(options: AdamOptions) {
    this.options = checkOptions(options);
  }

  /** Calls of step() so far. */
  get stepCount(): number {
    return this.steps;
  }

  /**
   * One Adam step on the parameters of `store` named in `grads` (store names, not tf names); the
   * variables are updated in place. Parameters without a gradient are left alone. The gradients
   * are not disposed (they are the caller's).
   */
  step(store: ParamStore, grads: Record<string, tf.Tensor>): void {
    if (this.disposed) throw new Error('Adam: the optimiser has been disposed');
    // Store order, not the object's key order, so the global norm sums in a fixed order.
    const names: string[] = [];
    for (const name of Object.keys(grads)) store.get(name); // throws naming an unknown parameter
    for (const name of store.names()) {
      const grad = grads[name];
      if (grad === undefined || grad === null) continue;
      const variable = store.get(name);
      if (!sameShape(grad.shape, variable.shape)) {
        throw new Error(`Adam: the gradient of "${name}" has shape [${grad.shape.join(', ')}], the parameter [${variable.shape.join(', ')}]`);
      }
      names.push(name);
    }
    this.steps++;
    if (names.length === 0) return;
    const { learningRate, beta1, beta2, epsilon, clipNorm } = this.options;
    for (const name of names) {
      if (!this.slots.has(name)) {
        const shape = store.get(name).shape;
        this.slots.set(name, { t: 0, m: zeroVariable(shape), v: zeroVariable(shape) });
      }
    }
    tf.tidy(() => {
      let scale: tf.Tensor | undefined;
      if (clipNorm !== undefined) {
        let sumSquares: tf.Tensor = tf.scalar(0);
        for (const name of names) sumSquares = sumSquares.add(tf.sum(tf.square(grads[name] as tf.Tensor)));
        const clip = tf.scalar(clipNorm);
        scale = clip.div(tf.maximum(tf.sqrt(sumSquares), clip));
      }
      const b1 = tf.scalar(beta1);
      const b2 = tf.scalar(beta2);
      const oneMinusB1 = tf.scalar(1 - beta1);
      const oneMinusB2 = tf.scalar(1 - beta2);
      const eps = tf.scalar(epsilon);
      for (const name of names) {
        const slot = this.slots.get(name) as Slot;
        slot.t++;
        const c1 = 1 - powInt(beta1, slot.t);
        const c2 = 1 - powInt(beta2, slot.t);
        let g = grads[name] as tf.Tensor;
        if (scale !== undefined) g = g.mul(scale);
        const m = slot.m.mul(b1).add(g.mul(oneMinusB1));
        const v = slot.v.mul(b2).add(g.square().mul(oneMinusB2));
        const update = m.mul(tf.scalar(learningRate / c1)).div(v.div(tf.scalar(c2)).sqrt().add(eps));
        const variable = store.get(name);
        slot.m.assign(m);
        slot.v.assign(v);
        variable.assign(variable.sub(update));
      }
    });
  }

  /** A copy of the optimiser state as plain data. */
  snapshot(): AdamSnapshot {
    if (this.disposed) throw new Error('Adam: the optimiser has been disposed');
    const slots: AdamSlotSnapshot[] = [];
    for (const [name, slot] of this.slots) {
      slots.push({
        name,
        shape: slot.m.shape.slice(),
        t: slot.t,
        m: Float32Array.from(slot.m.dataSync() as Float32Array),
        v: Float32Array.from(slot.v.dataSync() as Float32Array),
      });
    }
    return { steps: this.steps, slots };
  }

  /** An optimiser with the snapshot's state and the given options. */
  static restore(snapshot: AdamSnapshot, options: AdamOptions): Adam {
    const adam = new Adam(options);
    if (snapshot === null || typeof snapshot !== 'object' || !Array.isArray(snapshot.slots) || !Number.isInteger(snapshot.steps) || snapshot.steps < 0) {
      throw new Error('Adam.restore: the snapshot must be { steps: integer >= 0, slots: [...] }');
    }
    try {
      adam.steps = snapshot.steps;
      for (let i = 0; i < snapshot.slots.length; i++) {
        const s = snapshot.slots[i];
        if (s === undefined || typeof s.name !== 'string' || !Array.isArray(s.shape) || !(s.m instanceof Float32Array) || !(s.v instanceof Float32Array)) {
          throw new Error(`Adam.restore: slots[${i}] must be { name, shape, t, m: Float32Array, v: Float32Array }`);
        }
        if (!Number.isInteger(s.t) || s.t < 0) throw new Error(`Adam.restore: slot "${s.name}" t must be an integer >= 0 (got ${String(s.t)})`);
        let size = 1;
        for (const d of s.shape) size *= d;
        if (s.m.length !== size || s.v.length !== size) {
          throw new Error(`Adam.restore: slot "${s.name}" m and v must hold ${size} values (shape [${s.shape.join(', ')}])`);
        }
        if (adam.slots.has(s.name)) throw new Error(`Adam.restore: slot "${s.name}" appears twice`);
        adam.slots.set(s.name, { t: s.t, m: zeroVariable(s.shape, Float32Array.from(s.m)), v: zeroVariable(s.shape, Float32Array.from(s.v)) });
      }
    } catch (error) {
      adam.dispose();
      throw error;
    }
    return adam;
  }

  /** Frees the moment variables; the optimiser cannot be used afterwards. */
  dispose(): void {
    for (const slot of this.slots.values()) {
      slot.m.dispose();
      slot.v.dispose();
    }
    this.slots.clear();
    this.disposed = true;
  }
}

/**
 * One training step: the loss and its gradients with respect to every variable of the store
 * (tf.variableGrads), an Adam step, everything made here disposed. Returns the loss (read back).
 */
export function trainStep(store: ParamStore, adam: Adam, loss: () => tf.Scalar): number {
  const variables = store.variables();
  const names = store.names();
  const { value, grads } = tf.variableGrads(loss, variables);
  try {
    const byName: Record<string, tf.Tensor> = {};
    for (let i = 0; i < names.length; i++) {
      const grad = grads[(variables[i] as tf.Variable).name];
      if (grad !== undefined && grad !== null) byName[names[i] as string] = grad;
    }
    adam.step(store, byName);
    return (value.dataSync() as Float32Array)[0] as number;
  } finally {
    value.dispose();
    for (const key of Object.keys(grads)) grads[key]?.dispose();
  }
}
