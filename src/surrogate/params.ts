// The surrogate's parameters: named tf.Variables in a fixed order (the order of add()), created from
// numbers drawn with our seeded Rng, never with tf's random ops, so that a seed fixes the initial
// model on every backend, and saved and restored as plain data (checkpoints are msgpack).
//
// Initialisers:
// - 'glorot': uniform on [-b, b] with b = sqrt(6 / (fanIn + fanOut)) (X. Glorot and Y. Bengio,
//   "Understanding the difficulty of training deep feedforward neural networks", AISTATS 2010,
//   eq. 16). Fans follow the convention that a weight is shaped [in, out] and used as x W: for
//   shape [a, b] fanIn = a, fanOut = b; for a vector [a] both are a; for a scalar both are 1; for
//   [..., a, b] each is multiplied by the product of the leading dimensions (a stack of matrices).
// - 'zeros', 'ones': constants.
// - { normal: std }: N(0, std^2) by the Box-Muller transform (G. E. P. Box and M. E. Muller, "A note
//   on the generation of random normal deviates", Ann. Math. Statist. 29(2), 1958), both deviates
//   of each pair used.
//
// Snapshots hold Float32Arrays: pack them with a msgpackr Packr({ moreTypes: true }), which writes
// typed arrays as typed extensions and reads them back as such. msgpackr's default pack() (2.1.3)
// writes a Float32Array as bytes element by element (1.5 becomes the byte 1), losing the values.
//
// Values are float32. A variable's tf name is tf's own (tf names are global to the process, so two
// stores may hold the same parameter names); the store maps its names to them.

import type { Rng } from '../util/rng.ts';
import { tf } from './tf.ts';
import { cos, log, sin } from '../util/math.ts';

export type ParamInit = 'glorot' | 'zeros' | 'ones' | { normal: number };

/** Plain data (msgpackr-able): one entry per parameter, in the store's order, data copied. */
export type ParamSnapshot = { name: string; shape: number[]; data: Float32Array }[];

/** The number of values a shape holds; throws unless every dimension is a non-negative integer. */
export function shapeSize(shape: readonly number[], what: string): number {
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i] as number;
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`${what}: shape[${i}] must be a non-negative integer (got ${String(d)})`);
    size *= d;
  }
  return size;
}

/** Glorot's fans for a weight shaped [..., in, out] (see the header). */
export function glorotFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  const rank = shape.length;
  if (rank === 0) return { fanIn: 1, fanOut: 1 };
  if (rank === 1) return { fanIn: shape[0] as number, fanOut: shape[0] as number };
  let receptive = 1;
  for (let i = 0; i < rank - 2; i++) receptive *= shape[i] as number;
  return { fanIn: (shape[rank - 2] as number) * receptive, fanOut: (shape[rank - 1] as number) * receptive };
}

/** The Glorot uniform bound sqrt(6 / (fanIn + fanOut)) of a shape. */
export function glorotBound(shape: readonly number[]): number {
  const { fanIn, fanOut } = glorotFans(shape);
  return Math.sqrt(6 / (fanIn + fanOut));
}

function describeInit(init: unknown): string {
  return JSON.stringify(init) ?? typeof init;
}

/** The initial values of one parameter, drawn from rng in index order. */
export function initialValues(name: string, shape: readonly number[], init: ParamInit, rng?: Rng): Float32Array {
  const data = new Float32Array(shapeSize(shape, `parameter "${name}"`));
  if (init === 'zeros') return data;
  if (init === 'ones') return data.fill(1);
  const needRng = (): Rng => {
    if (rng === undefined) throw new Error(`parameter "${name}": init ${describeInit(init)} needs an rng`);
    return rng;
  };
  if (init === 'glorot') {
    const random = needRng();
    const bound = glorotBound(shape);
    for (let i = 0; i < data.length; i++) data[i] = random.uniform(-bound, bound);
    return data;
  }
  if (typeof init === 'object' && init !== null && typeof init.normal === 'number') {
    const std = init.normal;
    if (!Number.isFinite(std) || std < 0) throw new RangeError(`parameter "${name}": normal std must be a finite number >= 0 (got ${std})`);
    const random = needRng();
    for (let i = 0; i < data.length; i += 2) {
      const radius = Math.sqrt(-2 * log(1 - random.next())); // 1 - next() is in (0, 1]
      const angle = 2 * Math.PI * random.next();
      data[i] = std * radius * cos(angle);
      if (i + 1 < data.length) data[i + 1] = std * radius * sin(angle);
    }
    return data;
  }
  throw new RangeError(`parameter "${name}": init must be "glorot", "zeros", "ones" or { normal: std } (got ${describeInit(init)})`);
}

function makeVariable(data: Float32Array, shape: readonly number[]): tf.Variable {
  const initial = tf.tensor(data, shape.slice(), 'float32');
  try {
    return tf.variable(initial, true);
  } finally {
    initial.dispose();
  }
}

export class ParamStore {
  private readonly byName = new Map<string, tf.Variable>();
  private disposed = false;

  /** Creates a parameter and returns its variable; names are unique within a store. */
  add(name: string, shape: readonly number[], init: ParamInit, rng?: Rng): tf.Variable {
    this.live();
    if (typeof name !== 'string' || name === '') throw new Error('ParamStore.add: a parameter name must be a non-empty string');
    if (this.byName.has(name)) throw new Error(`ParamStore.add: parameter "${name}" already exists`);
    const variable = makeVariable(initialValues(name, shape, init, rng), shape);
    this.byName.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    this.live();
    const variable = this.byName.get(name);
    if (variable === undefined) throw new Error(`ParamStore: no parameter named "${name}"`);
    return variable;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Parameter names in the order they were added. */
  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The variables in the order of names(). */
  variables(): tf.Variable[] {
    return [...this.byName.values()];
  }

  /** How many numbers the parameters hold in total. */
  count(): number {
    let total = 0;
    for (const variable of this.byName.values()) total += variable.size;
    return total;
  }

  /** A copy of every parameter as plain data. */
  snapshot(): ParamSnapshot {
    this.live();
    const out: ParamSnapshot = [];
    for (const [name, variable] of this.byName) {
      out.push({ name, shape: variable.shape.slice(), data: Float32Array.from(variable.dataSync() as Float32Array) });
    }
    return out;
  }

  /** A new store holding exactly the snapshot's parameters, in its order. */
  static restore(snapshot: ParamSnapshot): ParamStore {
    if (!Array.isArray(snapshot)) throw new Error('ParamStore.restore: the snapshot must be an array');
    const store = new ParamStore();
    try {
      for (let i = 0; i < snapshot.length; i++) {
        const entry = snapshot[i];
        if (entry === undefined || typeof entry.name !== 'string' || !Array.isArray(entry.shape) || !(entry.data instanceof Float32Array)) {
          throw new Error(`ParamStore.restore: snapshot[${i}] must be { name: string, shape: number[], data: Float32Array }`);
        }
        const size = shapeSize(entry.shape, `ParamStore.restore: parameter "${entry.name}"`);
        if (entry.data.length !== size) {
          throw new Error(`ParamStore.restore: parameter "${entry.name}" has ${entry.data.length} values for shape [${entry.shape.join(', ')}] (${size})`);
        }
        if (store.byName.has(entry.name)) throw new Error(`ParamStore.restore: parameter "${entry.name}" appears twice`);
        store.byName.set(entry.name, makeVariable(Float32Array.from(entry.data), entry.shape));
      }
    } catch (error) {
      store.dispose();
      throw error;
    }
    return store;
  }

  /** Frees every variable; the store cannot be used afterwards. */
  dispose(): void {
    for (const variable of this.byName.values()) variable.dispose();
    this.byName.clear();
    this.disposed = true;
  }

  private live(): void {
    if (this.disposed) throw new Error('ParamStore: the store has been disposed');
  }
}
