// toOnnx: an update program (program-types.ts) as an ONNX model (opset 17, IR version 8) computing
// ONE optimizer step for ONE parameter tensor, so that any ONNX runtime can run an evolved optimizer.
//
// Interface (also in the model's doc_string and each input's doc_string):
//   inputs   gradient, parameter   float32, the tensor's gradient and value, of rank options.rank
//                                  (default 2) with symbolic dims d0, d1, ...
//            loss, previousLoss, step   float32 scalars (shape []); step counts from 1 and the
//                                  previous loss of step 1 is the loss itself (docs/optimizer.md)
//            curvature             float32, shaped like parameter: z * (H z); only when read
//            state_n<key>          the last `depth` outputs of node <key>, newest first: shape
//                                  [depth, ...parameter shape] for a lane-width node, [depth] for a
//                                  group- or scalar-width one; all zeros at step 1
//   outputs  parameter_out         the new parameter
//            state_n<key>_out      the state to feed back as state_n<key> at the next step
// A host runs the model once per parameter tensor per step, each tensor with its own state tensors
// (a group value is one per tensor; a scalar one is the same for all tensors, kept per tensor here).
// Rank 2 fits every tensor: the update of a tensor [n0, n1, ...] is that of its matrix view
// n0 x (n1 * ...) (1-D: 1 x n, 0-D: 1 x 1), the engine's lane group, since every op is elementwise
// but the whole-tensor reductions and rowmean/colmean, which see that very matrix. ONNX wants the
// rank of a main graph's inputs fixed (onnx.checker), so a model for N-D tensors is another export.
// The metadata entry `l2l.state` lists the state tensors (name, node key, depth, width) as JSON.
//
// Numbers follow docs/engine.md: port sums are float32 in term order (P = w1*x1, then P = P + w*x
// per further term, each a float32 Mul and Add); transcendentals are computed in float64 from the
// float32 argument and rounded once (Cast to DOUBLE, op, Cast to FLOAT); reductions, rowmean and
// colmean sum in float64 and divide by the exact count before one rounding. Where the engine stops
// a run on a non-finite value, the model simply computes it: a host that wants the engine's stop
// checks the new parameter for NaN and infinities.

import { OP_ARITY } from '../genome/arity.ts';
import { DataType, encodeModel, type AttributeProto, type NodeProto, type TensorProto, type ValueInfoProto } from './onnx-proto.ts';
import type { History, OpStep, Term, UpdateProgram } from './program-types.ts';
import { everyPeriod } from './program.ts';

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
export const DEFAULT_RANK = 2;
const MAX_RANK = 8;
const FORMAT_VERSION = 1;

export interface OnnxOptions {
  /** The rank of gradient, parameter and curvature (lane state: one more); default 2. */
  rank?: number;
}

/** A value of the graph: its name and whether it has the parameter's shape (else shape []). */
interface Value {
  name: string;
  lane: boolean;
}

const TINY = Math.fround(1e-30);
const UNREAD: Value = { name: '', lane: false };

/** The graph under construction: nodes in order, constants shared by value. */
class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private readonly constants = new Map<string, string>();
  private temps = 0;
  private lazy = new Map<string, string>();

  /** Appends one node; its output is `output` or a fresh temporary name. */
  add(opType: string, inputs: string[], attributes: AttributeProto[] = [], output?: string): string {
    const out = output ?? `t${this.temps++}`;
    this.nodes.push({ opType, inputs, outputs: [out], attributes });
    return out;
  }

  private constant(key: string, make: (name: string) => TensorProto): string {
    let name = this.constants.get(key);
    if (name === undefined) {
      name = `c${this.constants.size}`;
      this.constants.set(key, name);
      this.initializers.push(make(name));
    }
    return name;
  }

  /** A float32 scalar constant. */
  float(v: number): string {
    const f = Math.fround(v);
    return this.constant(`f${Object.is(f, -0) ? '-0' : f}`, (name) => ({ name, dataType: DataType.FLOAT, dims: [], values: [f] }));
  }

  double(v: number): string {
    return this.constant(`d${v}`, (name) => ({ name, dataType: DataType.DOUBLE, dims: [], values: [v] }));
  }

  /** An int64 constant: a scalar when `scalar`, else a 1-D tensor. */
  ints(values: number[], scalar = false): string {
    return this.constant(`i${scalar ? 's' : 'v'}${values.join(',')}`, (name) => ({
      name, dataType: DataType.INT64, dims: scalar ? [] : [values.length], values,
    }));
  }

  /** A value computed once per graph, on first use (shape tensors). */
  once(key: string, make: () => string): string {
    let name = this.lazy.get(key);
    if (name === undefined) {
      name = make();
      this.lazy.set(key, name);
    }
    return name;
  }
}

/** Compiles the program's nodes into the builder, one value per node key. */
class StepCompiler {
  readonly values = new Map<number, Value>();
  private readonly reads = new Map<string, Value>();

  constructor(
    private readonly g: GraphBuilder,
    private readonly history: Map<number, History>,
    private readonly rank: number,
  ) {}

  /** Whether `name` is a value other nodes may reuse (a cached history read). */
  isShared(name: string): boolean {
    for (const v of this.reads.values()) if (v.name === name) return true;
    return false;
  }

  /** The parameter's shape (int64 1-D). */
  shape(): string {
    return this.g.once('shape', () => this.g.add('Shape', ['parameter']));
  }

  /** The [n0, rest] shape that views the parameter as a matrix (1-D: [1, n], 0-D: [1, 1]). */
  private matrixShape(): string {
    if (this.rank < 2) return this.g.ints([1, -1]);
    return this.g.once('matrix', () => {
      const rows = this.g.add('Slice', [this.shape(), this.g.ints([0]), this.g.ints([1])]);
      return this.g.add('Concat', [rows, this.g.ints([-1])], [{ name: 'axis', type: 'int', value: 0 }]);
    });
  }

  /** A value with the parameter's shape. */
  toLane(v: Value): string {
    return v.lane ? v.name : this.g.add('Expand', [v.name, this.shape()]);
  }

  private bin(op: string, a: Value, b: Value): Value {
    return { name: this.g.add(op, [a.name, b.name]), lane: a.lane || b.lane };
  }

  private un(op: string, a: Value, attributes: AttributeProto[] = []): Value {
    return { name: this.g.add(op, [a.name], attributes), lane: a.lane };
  }

  private scalar(v: number): Value {
    return { name: this.g.float(v), lane: false };
  }

  private cast(a: Value, to: DataType): Value {
    return this.un('Cast', a, [{ name: 'to', type: 'int', value: to }]);
  }

  /** f32(f(f64(a))): one rounding after a float64 computation. */
  private viaDouble(a: Value, f: (d: Value) => Value): Value {
    return this.cast(f(this.cast(a, DataType.DOUBLE)), DataType.FLOAT);
  }

  /** A boolean as float32 1 or 0. */
  private flag(op: string, a: Value, b: Value): Value {
    return this.cast(this.bin(op, a, b), DataType.FLOAT);
  }

  /** The output of `source`, `delay` steps ago: a row of its history input. */
  private past(source: number, delay: number): Value {
    const key = `${source}/${delay}`;
    let v = this.reads.get(key);
    if (v === undefined) {
      const h = this.history.get(source);
      if (h === undefined || h.depth < delay) throw new Error(`onnx: node ${source} is read ${delay} steps back but keeps ${h?.depth ?? 0} past outputs`);
      const name = this.g.add('Gather', [stateName(source), this.g.ints([delay - 1], true)], [{ name: 'axis', type: 'int', value: 0 }]);
      v = { name, lane: h.width === 'lane' };
      this.reads.set(key, v);
    }
    return v;
  }

  /** A port: the float32 sum of its terms in order; an empty port is 0. */
  private port(terms: readonly Term[]): Value {
    let sum: Value | undefined;
    for (const t of terms) {
      const x = t.delay === 0 ? this.values.get(t.source) : this.past(t.source, t.delay);
      if (x === undefined) throw new Error(`onnx: node ${t.source} is read before it is computed`);
      // f32(1 * x) is x, bit for bit.
      const product = t.weight === 1 ? x : this.bin('Mul', x, this.scalar(t.weight));
      sum = sum === undefined ? product : this.bin('Add', sum, product);
    }
    return sum ?? this.scalar(0);
  }

  /** The mean over each row (axis 1) or column (axis 0) of the matrix view, broadcast back. */
  private lineMean(x: Value, axis: 0 | 1): Value {
    // A value that is the same in every lane is its own row and column mean.
    if (!x.lane) return x;
    const wide = this.cast(x, DataType.DOUBLE).name;
    const matrix = this.rank === 2 ? wide : this.g.add('Reshape', [wide, this.matrixShape()]);
    const dims = this.rank === 2 ? this.shape() : this.g.once('matrixDims', () => this.g.add('Shape', [matrix]));
    const sums = this.g.add('ReduceSum', [matrix, this.g.ints([axis])], [{ name: 'keepdims', type: 'int', value: 1 }]);
    const count = this.g.add('Gather', [dims, this.g.ints([axis], true)], [{ name: 'axis', type: 'int', value: 0 }]);
    const mean = this.g.add('Div', [sums, this.g.add('Cast', [count], [{ name: 'to', type: 'int', value: DataType.DOUBLE }])]);
    const single = this.g.add('Cast', [mean], [{ name: 'to', type: 'int', value: DataType.FLOAT }]);
    const spread = this.g.add('Expand', [single, dims]);
    return { name: this.rank === 2 ? spread : this.g.add('Reshape', [spread, this.shape()]), lane: true };
  }

  /** A reduction over the whole tensor, in float64 with one rounding: a value of shape []. */
  private reduce(op: 'sum' | 'mean' | 'norm' | 'rms', x: Value): Value {
    const d = this.cast({ name: this.toLane(x), lane: true }, DataType.DOUBLE);
    const keep: AttributeProto[] = [{ name: 'keepdims', type: 'int', value: 0 }];
    const total = op === 'sum' || op === 'mean'
      ? this.g.add('ReduceSum', [d.name], keep)
      : this.g.add('ReduceSumSquare', [d.name], keep);
    let r = total;
    if (op === 'mean' || op === 'rms') {
      const n = this.g.add('Cast', [this.g.add('Size', [d.name])], [{ name: 'to', type: 'int', value: DataType.DOUBLE }]);
      r = this.g.add('Div', [r, n]);
    }
    if (op === 'norm' || op === 'rms') r = this.g.add('Sqrt', [r]);
    return this.cast({ name: r, lane: false }, DataType.FLOAT);
  }

  /** One op node's value (docs/engine.md, Ops). */
  op(step: OpStep): Value {
    // Only the ports the op reads: an edge into a higher port changes nothing (src/genome/arity.ts).
    const arity = OP_ARITY[step.op];
    const [x, y, z] = step.ports.map((p, i) => (i < arity ? this.port(p) : UNREAD)) as [Value, Value, Value];
    const [a0, a1] = step.attrs;
    const zero = (): Value => this.scalar(0);
    switch (step.op) {
      case 'identity': case 'modulate': return x;
      case 'add': return this.bin('Add', x, y);
      case 'sub': return this.bin('Sub', x, y);
      case 'mul': return this.bin('Mul', x, y);
      case 'div': return this.where(this.bin('Equal', y, zero()), zero(), this.bin('Div', x, y));
      case 'neg': return this.un('Neg', x);
      case 'abs': return this.un('Abs', x);
      // (x > 0) - (x < 0): 0 for 0 and for NaN, where ONNX's Sign would give NaN.
      case 'sign': return this.bin('Sub', this.flag('Greater', x, zero()), this.flag('Less', x, zero()));
      case 'square': return this.bin('Mul', x, x);
      case 'sqrt': return this.un('Sqrt', this.bin('Max', x, zero()));
      case 'rsqrt': return this.where(this.bin('Greater', x, zero()), this.bin('Div', this.scalar(1), this.un('Sqrt', x)), zero());
      case 'pow': return this.cast(this.bin('Pow', this.cast(this.un('Abs', x), DataType.DOUBLE), this.cast(y, DataType.DOUBLE)), DataType.FLOAT);
      case 'exp': return this.viaDouble(this.bin('Min', this.bin('Max', x, this.scalar(-80)), this.scalar(80)), (d) => this.un('Exp', d));
      case 'log': return this.viaDouble(this.bin('Max', this.un('Abs', x), this.scalar(TINY)), (d) => this.un('Log', d));
      case 'tanh': return this.viaDouble(x, (d) => this.un('Tanh', d));
      case 'sigmoid': return this.viaDouble(x, (d) => {
        const one: Value = { name: this.g.double(1), lane: false };
        return this.bin('Div', one, this.bin('Add', one, this.un('Exp', this.un('Neg', d))));
      });
      case 'relu': return this.bin('Max', x, zero());
      case 'min': return this.bin('Min', x, y);
      case 'max': return this.bin('Max', x, y);
      case 'clamp': return this.bin('Min', this.bin('Max', x, this.scalar(a0)), this.scalar(a1));
      case 'gt': return this.flag('Greater', x, y);
      case 'ge': return this.flag('GreaterOrEqual', x, y);
      case 'eq': return this.flag('Equal', x, y);
      case 'select': return this.where(this.bin('Equal', x, zero()), z, y);
      case 'every': {
        const mod = this.g.add('Mod', ['step', this.g.float(everyPeriod(a0))], [{ name: 'fmod', type: 'int', value: 1 }]);
        return this.flag('Equal', { name: mod, lane: false }, zero());
      }
      case 'const': return this.scalar(a0);
      case 'rsum': return this.reduce('sum', x);
      case 'rmean': return this.reduce('mean', x);
      case 'rnorm': return this.reduce('norm', x);
      case 'rrms': return this.reduce('rms', x);
      case 'rmaxabs': return { name: this.g.add('ReduceMax', [this.g.add('Abs', [this.toLane(x)])], [{ name: 'keepdims', type: 'int', value: 0 }]), lane: false };
      case 'rowmean': return this.lineMean(x, 1);
      case 'colmean': return this.lineMean(x, 0);
    }
  }

  private where(condition: Value, then: Value, otherwise: Value): Value {
    return { name: this.g.add('Where', [condition.name, then.name, otherwise.name]), lane: condition.lane || then.lane || otherwise.lane };
  }
}

/** The input name of node `key`'s history; its next value is this name with `_out` appended. */
export function stateName(key: number): string {
  return `state_n${key}`;
}

function laneShape(rank: number, leading: number[] = []): ValueInfoProto['shape'] {
  return [...leading, ...Array.from({ length: rank }, (_, i) => `d${i}`)];
}

function stateDoc(h: History): string {
  const shape = h.width === 'lane' ? `[${h.depth}, ...parameter shape]` : `[${h.depth}]`;
  return `node ${h.key}'s last ${h.depth} output${h.depth > 1 ? 's' : ''}, newest first (${h.width} width): shape ${shape}, zeros at step 1`;
}

function modelDoc(rank: number): string {
  const shape = rank === 2
    ? 'float32 [d0, d1]; a tensor [n0, n1, ...] goes in as its matrix view n0 x (n1 * ...), 1-D as 1 x n, 0-D as 1 x 1'
    : `float32 of rank ${rank}`;
  return `One step of an l2l optimizer genome for one parameter tensor. Inputs: gradient and parameter (${shape}), `
    + 'loss, previousLoss and step (float32 scalars; step counts from 1; the previous loss at step 1 is the loss), '
    + 'curvature (z * (H z), shaped like parameter, only if the genome reads it) and one state_n<key> per node whose '
    + 'past outputs are read (zeros at step 1). Outputs: parameter_out (the new parameter) and state_n<key>_out '
    + '(feed back as state_n<key> next step). Run once per tensor per step, each tensor with its own state. '
    + 'Metadata l2l.state lists the state tensors (name, node key, depth, width).';
}

/** The ONNX model (serialized ModelProto) of one update step of `program`. */
export function toOnnx(program: UpdateProgram, options: OnnxOptions = {}): Uint8Array {
  const rank = options.rank ?? DEFAULT_RANK;
  if (!(Number.isInteger(rank) && rank >= 0 && rank <= MAX_RANK)) throw new Error(`onnx: rank must be an integer from 0 to ${MAX_RANK} (got ${rank})`);
  const g = new GraphBuilder();
  const history = new Map(program.history.map((h) => [h.key, h]));
  const compiler = new StepCompiler(g, history, rank);
  const lane = laneShape(rank);
  const inputs: ValueInfoProto[] = [
    { name: 'gradient', elemType: DataType.FLOAT, shape: lane, docString: 'the gradient of the loss at the parameter' },
    { name: 'parameter', elemType: DataType.FLOAT, shape: lane, docString: 'the current parameter' },
    { name: 'loss', elemType: DataType.FLOAT, shape: [], docString: 'the loss at the parameter' },
    { name: 'previousLoss', elemType: DataType.FLOAT, shape: [], docString: 'the loss of the previous step (at step 1, the loss)' },
    { name: 'step', elemType: DataType.FLOAT, shape: [], docString: 'the step number, from 1' },
  ];
  if (program.readsCurvature) inputs.push({ name: 'curvature', elemType: DataType.FLOAT, shape: lane, docString: 'z * (H z) for a Rademacher z' });
  for (const h of program.history) {
    inputs.push({ name: stateName(h.key), elemType: DataType.FLOAT, shape: h.width === 'lane' ? laneShape(rank, [h.depth]) : [h.depth], docString: stateDoc(h) });
  }

  for (const step of program.nodes) {
    let v: Value;
    if (step.kind === 'input') {
      // An unread curvature slot is no input of the model; no term reads it (readsCurvature).
      if (step.slot === 'curvature' && !program.readsCurvature) continue;
      v = { name: step.slot, lane: step.slot === 'gradient' || step.slot === 'parameter' || step.slot === 'curvature' };
    } else {
      const before = g.nodes.length;
      v = compiler.op(step);
      // Name the node's own result after it, which makes the graph readable in a viewer (Netron).
      const last = g.nodes[g.nodes.length - 1];
      if (g.nodes.length > before && last !== undefined && last.outputs[0] === v.name && !compiler.isShared(v.name)) {
        const named = `n${step.key}`;
        g.nodes[g.nodes.length - 1] = { ...last, outputs: [named] };
        v = { name: named, lane: v.lane };
      }
    }
    compiler.values.set(step.key, v);
  }

  const result = compiler.values.get(program.output);
  if (result === undefined) throw new Error(`onnx: the output node ${program.output} is not in the program`);
  if (result.lane) g.add('Identity', [result.name], [], 'parameter_out');
  else g.add('Expand', [result.name, compiler.shape()], [], 'parameter_out');
  const outputs: ValueInfoProto[] = [{ name: 'parameter_out', elemType: DataType.FLOAT, shape: lane, docString: 'the new parameter' }];

  for (const h of program.history) {
    const v = compiler.values.get(h.key);
    if (v === undefined) throw new Error(`onnx: node ${h.key} keeps a history but is not in the program`);
    if (h.width !== 'lane' && v.lane) throw new Error(`onnx: node ${h.key} has ${h.width} width but a value per lane`);
    const out = `${stateName(h.key)}_out`;
    const value = h.width === 'lane' ? compiler.toLane(v) : v.name;
    const axes = g.ints([0]);
    if (h.depth === 1) g.add('Unsqueeze', [value, axes], [], out);
    else {
      const newest = g.add('Unsqueeze', [value, axes]);
      const older = g.add('Slice', [stateName(h.key), g.ints([0]), g.ints([h.depth - 1]), axes]);
      g.add('Concat', [newest, older], [{ name: 'axis', type: 'int', value: 0 }], out);
    }
    outputs.push({ name: out, elemType: DataType.FLOAT, shape: h.width === 'lane' ? laneShape(rank, [h.depth]) : [h.depth], docString: `the next ${stateName(h.key)}` });
  }

  const state = program.history.map((h) => ({ name: stateName(h.key), key: h.key, depth: h.depth, width: h.width }));
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetImports: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'l2l',
    // The version of this export's interface (input and output names, state layout).
    producerVersion: String(FORMAT_VERSION),
    docString: modelDoc(rank),
    graph: { name: program.name, nodes: g.nodes, initializers: g.initializers, inputs, outputs, docString: `update step of ${program.name}` },
    metadata: [{ key: 'l2l.program', value: program.name }, { key: 'l2l.state', value: JSON.stringify(state) }],
  });
}
