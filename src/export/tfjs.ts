// toTfjs: an update program (program-types.ts) as the source of a JavaScript module for
// TensorFlow.js. The module exports `createOptimizerClass(tf)`, which defines, registers
// (tf.serialization.registerClass) and returns a subclass of tf.Optimizer; taking `tf` as an
// argument keeps the file free of imports, so it runs with whichever tfjs build the caller has.
//
// The loss: the genome reads the loss and the previous loss, which tf.Optimizer.applyGradients does
// not receive. minimize() is overridden to read the cost it computes (so model.fit and the usual
// `optimizer.minimize(() => loss)` work unchanged); a caller of applyGradients sets it first with
// setLoss(loss). The curvature slot (docs/optimizer.md) has no counterpart in tfjs, which cannot
// take Hessian-vector products of variables: a genome that reads it needs setCurvature(map) with
// z * (H z) per variable before each step.
//
// Numbers follow docs/engine.md exactly on the cpu backend: each tfjs op rounds to float32 once;
// transcendentals are computed in float64 by the backend and rounded once; the sums over lanes of
// reductions and rowmean/colmean are done in float64 here, in lane order, as the engine does (tfjs
// sums in float64 too, but its mean divides before summing). Port sums add their terms in edge key
// order. Other backends approximate exp, log, tanh and pow in float32.

import { className, everyPeriod } from './program.ts';
import { commentText, literal, phases, quoted, summary } from './emit.ts';
import type { InputStep, OpStep, Term, UpdateProgram } from './program-types.ts';

const num = (x: number): string => literal(x, 'Infinity', 'NaN');

/** An op over its port expressions as a tfjs expression (docs/engine.md, Ops). */
function opExpression(node: OpStep, x: string, y: string, z: string): string {
  const [a0, a1] = node.attrs;
  const f = (e: string): string => `tf.cast(${e}, 'float32')`;
  switch (node.op) {
    case 'identity': case 'modulate': return x;
    case 'add': return `tf.add(${x}, ${y})`;
    case 'sub': return `tf.sub(${x}, ${y})`;
    case 'mul': return `tf.mul(${x}, ${y})`;
    case 'div': return `divide(${x}, ${y})`;
    case 'neg': return `tf.neg(${x})`;
    case 'abs': return `tf.abs(${x})`;
    case 'sign': return `tf.sub(${f(`tf.greater(${x}, 0)`)}, ${f(`tf.less(${x}, 0)`)})`;
    case 'square': return `square(${x})`;
    case 'sqrt': return `tf.sqrt(tf.maximum(${x}, 0))`;
    case 'rsqrt': return `rsqrt(${x})`;
    case 'pow': return `power(${x}, ${y})`;
    case 'exp': return `tf.exp(tf.minimum(tf.maximum(${x}, -80), 80))`;
    case 'log': return `tf.log(tf.maximum(tf.abs(${x}), 1e-30))`;
    case 'tanh': return `tf.tanh(${x})`;
    case 'sigmoid': return `tf.sigmoid(${x})`;
    case 'relu': return `tf.maximum(${x}, 0)`;
    case 'min': return `tf.minimum(${x}, ${y})`;
    case 'max': return `tf.maximum(${x}, ${y})`;
    case 'clamp': return `tf.minimum(tf.maximum(${x}, ${num(a0)}), ${num(a1)})`;
    case 'gt': return f(`tf.greater(${x}, ${y})`);
    case 'ge': return f(`tf.greaterEqual(${x}, ${y})`);
    case 'eq': return f(`tf.equal(${x}, ${y})`);
    case 'select': return `tf.where(tf.notEqual(${x}, 0), ${y}, ${z})`;
    case 'every': return `tf.scalar(t % ${everyPeriod(a0)} === 0 ? 1 : 0)`;
    case 'const': return `tf.scalar(${num(a0)})`;
    case 'rsum': case 'rmean': case 'rnorm': case 'rmaxabs': case 'rrms': case 'rowmean': case 'colmean':
      return `reduce('${node.op}', ${x}, shape)`;
  }
}

const SLOT_EXPRESSIONS: Record<InputStep['slot'], string> = {
  gradient: 'g', parameter: 'p', curvature: 'c', loss: 'tf.scalar(loss)', previousLoss: 'tf.scalar(previousLoss)', step: 'tf.scalar(t)',
};

/** The body lines of one phase: a const per node, in sweep order. */
function phaseLines(nodes: readonly (InputStep | OpStep)[], scalarKeys: ReadonlySet<number>, inTensorPhase: boolean): string[] {
  const value = (key: number): string => (inTensorPhase && scalarKeys.has(key) ? `S.v${key}` : `v${key}`);
  const past = (key: number, delay: number): string => `${scalarKeys.has(key) ? 'SH' : 'H'}[${key}][${delay - 1}]`;
  const term = (t: Term): string => {
    const x = t.delay === 0 ? value(t.source) : past(t.source, t.delay);
    return t.weight === 1 ? x : `tf.mul(${x}, ${num(t.weight)})`;
  };
  const sum = (terms: readonly Term[]): string => {
    if (terms.length === 0) return 'ZERO';
    return terms.slice(1).reduce((acc, t) => `tf.add(${acc}, ${term(t)})`, term(terms[0] as Term));
  };
  return nodes.map((n) => {
    const expression = n.kind === 'input' ? SLOT_EXPRESSIONS[n.slot] : opExpression(n, sum(n.ports[0]), sum(n.ports[1]), sum(n.ports[2]));
    return `    const v${n.key} = ${expression};`;
  });
}

/** The JavaScript module's source (see the file's opening comment). */
export function toTfjs(program: UpdateProgram): string {
  const name = className(program.name);
  const ph = phases(program);
  const scalarOut = [...ph.scalarKeys].map((k) => `v${k}`).join(', ');
  const tensorOut = [...new Set([program.output, ...ph.tensorHistory.map((h) => h.key)])]
    .map((k) => (ph.scalarKeys.has(k) ? `v${k}: S.v${k}` : `v${k}`)).join(', ');
  const history = (list: typeof ph.sharedHistory): string => `[${list.map((h) => `[${h.key}, ${h.depth}, '${h.width}']`).join(', ')}]`;
  return `${[
    `// ${name}: the l2l optimizer genome ${commentText(quoted(program.name))} as a TensorFlow.js optimizer.`,
    `// Generated by \`l2l export --format tfjs\` from its update program:`,
    `// ${summary(program)}.`,
    '//',
    '//   import * as tf from \'@tensorflow/tfjs\';',
    `//   import { createOptimizerClass } from './this-file.mjs';`,
    `//   const ${name} = createOptimizerClass(tf);   // defines and registers the class`,
    `//   const optimizer = new ${name}();`,
    '//   optimizer.minimize(() => lossOf(model));     // or model.compile({ optimizer, ... })',
    '//   // or, with gradients of your own: optimizer.setLoss(loss); optimizer.applyGradients(grads);',
    '//',
    '// The genome reads the loss and the previous loss: minimize() reads the cost it computes;',
    '// applyGradients() needs setLoss(loss) first. At the first step the previous loss is the loss.',
    ...(program.readsCurvature
      ? ['// It reads the curvature z * (H z) (Hutchinson, a Rademacher z), which tfjs cannot compute for',
        '// variables: call setCurvature({ [variable.name]: tensor }) before each step.']
      : []),
    '// State: per variable, the last outputs of the nodes read through delayed edges (tf.Variables,',
    '// named `<variable>/h<node>/<i>` by getWeights, i = 0 the last step); shared by all variables, the',
    '// step count (`iter`), the previous loss and the history of the scalar nodes (`shared/h<node>/<i>`).',
    '// A tensor of shape [n0, n1, ...] is a matrix n0 x (n1 * ...) for rowmean and colmean (1-D: 1 x n).',
    '// Arithmetic is float32 as the l2l engine does it (docs/engine.md): on the cpu backend the updates',
    '// agree with the engine; sums over a tensor are taken in float64, read back from the backend.',
    '// Unlike the engine, a step with a non-finite value does not stop: the value goes on.',
    '',
    'export function createOptimizerClass(tf) {',
    `  const NAME = ${quoted(name)};`,
    `  const SHARED_HISTORY = ${history(ph.sharedHistory)};`,
    `  const TENSOR_HISTORY = ${history(ph.tensorHistory)};`,
    `  const READS_CURVATURE = ${program.readsCurvature};`,
    ...HELPERS,
    '',
    '  function scalarPhase(t, loss, previousLoss, SH) {',
    '    const ZERO = tf.scalar(0);',
    ...phaseLines(ph.scalar, ph.scalarKeys, false),
    `    return { ${scalarOut} };`,
    '  }',
    '',
    '  function tensorPhase(t, S, SH, H, g, p, c) {',
    '    const shape = p.shape;',
    '    const ZERO = tf.scalar(0);',
    ...phaseLines(ph.tensor, ph.scalarKeys, true),
    `    return { ${tensorOut} };`,
    '  }',
    '',
    `  const OUTPUT = 'v${program.output}';`,
    ...classLines(name),
    '}',
  ].join('\n')}\n`;
}

/** Helpers of the generated module: ops that need more than one tfjs op. */
const HELPERS = `
  const divide = (x, y) => tf.where(tf.equal(y, 0), 0, tf.div(x, y));
  const square = (x) => tf.mul(x, x);
  const rsqrt = (x) => tf.where(tf.greater(x, 0), tf.div(1, tf.sqrt(x)), 0);
  // C's pow: pow(1, y) and pow(x, 0) are 1 even for NaN, unlike Math.pow.
  const power = (x, y) => tf.where(tf.logicalOr(tf.equal(tf.abs(x), 1), tf.equal(y, 0)), 1, tf.pow(tf.abs(x), y));

  /** A tensor of shape [n0, n1, ...] as a matrix: rows n0, cols n1 * ... (1-D: 1 x n, 0-D: 1 x 1). */
  function matrix(shape) {
    const size = shape.reduce((a, b) => a * b, 1);
    return shape.length <= 1 ? [1, size] : [shape[0], size / shape[0]];
  }

  /** A reduction over the tensor, or its row or column means, summed in float64 in element order. */
  function reduce(op, x, shape) {
    const data = tf.broadcastTo(x, shape).dataSync();
    const n = data.length;
    if (op === 'rowmean' || op === 'colmean') {
      const [rows, cols] = matrix(shape);
      const byRow = op === 'rowmean';
      const sums = new Float64Array(byRow ? rows : cols);
      for (let i = 0; i < n; i++) sums[byRow ? Math.floor(i / cols) : i % cols] += data[i];
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = sums[byRow ? Math.floor(i / cols) : i % cols] / (byRow ? cols : rows);
      return tf.tensor(out, shape, 'float32');
    }
    let sum = 0, squares = 0, maxAbs = 0;
    for (let i = 0; i < n; i++) {
      sum += data[i];
      squares += data[i] * data[i];
      maxAbs = Math.max(maxAbs, Math.abs(data[i]));
    }
    const value = op === 'rsum' ? sum : op === 'rmean' ? sum / n : op === 'rnorm' ? Math.sqrt(squares)
      : op === 'rrms' ? Math.sqrt(squares / n) : maxAbs;
    return tf.scalar(value);
  }

  /** Zeroed history variables: [key, depth, width] -> { key: [Variable x depth] }. */
  function zeroHistory(list, shape) {
    const out = {};
    for (const [key, depth, width] of list) {
      out[key] = Array.from({ length: depth }, () => tf.tidy(() => tf.zeros(width === 'lane' ? shape : []).variable(false)));
    }
    return out;
  }

  /** Shifts each history by one step: index 0 takes this step's value. */
  function shift(list, history, values) {
    for (const [key, depth] of list) {
      const h = history[key];
      for (let i = depth - 1; i > 0; i--) h[i].assign(h[i - 1]);
      h[0].assign(tf.broadcastTo(values['v' + key], h[0].shape));
    }
  }`.split('\n');

/** The tf.Optimizer subclass. */
function classLines(name: string): string[] {
  return `
  class ${name} extends tf.Optimizer {
    static get className() {
      return NAME;
    }

    constructor() {
      super();
      this.pendingLoss = null;
      this.pendingCurvature = null;
      this.previousLoss = null;
      this.shared = zeroHistory(SHARED_HISTORY, []);
      this.perVariable = new Map();
    }

    /** The loss at the current parameters, for the next applyGradients (a number or a scalar tensor). */
    setLoss(loss) {
      this.pendingLoss = typeof loss === 'number' ? loss : loss.dataSync()[0];
    }

    /** z * (H z) per variable name, for the next applyGradients (only genomes that read the curvature). */
    setCurvature(curvature) {
      this.pendingCurvature = Array.isArray(curvature) ? Object.fromEntries(curvature.map((c) => [c.name, c.tensor])) : curvature;
    }

    minimize(f, returnCost = false, varList) {
      const { value, grads } = this.computeGradients(f, varList);
      this.setLoss(value);
      this.applyGradients(varList == null ? grads : varList.map((v) => ({ name: v.name, tensor: grads[v.name] })));
      tf.dispose(grads);
      if (returnCost) return value;
      value.dispose();
      return null;
    }

    applyGradients(variableGradients) {
      if (this.pendingLoss === null) throw new Error(NAME + ': the update reads the loss: call setLoss(loss) before applyGradients(), or use minimize()');
      if (READS_CURVATURE && this.pendingCurvature === null) throw new Error(NAME + ': the update reads the curvature: call setCurvature() before applyGradients()');
      const list = Array.isArray(variableGradients) ? variableGradients : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
      const t = this.iterations + 1;
      const loss = Math.fround(this.pendingLoss);
      const previousLoss = this.previousLoss === null ? loss : this.previousLoss;
      tf.tidy(() => {
        const S = scalarPhase(t, loss, previousLoss, this.shared);
        for (const { name, tensor: g } of list) {
          if (g == null) continue;
          const variable = tf.engine().registeredVariables[name];
          if (!this.perVariable.has(name)) this.perVariable.set(name, zeroHistory(TENSOR_HISTORY, variable.shape));
          const H = this.perVariable.get(name);
          const c = READS_CURVATURE ? this.pendingCurvature[name] : null;
          if (READS_CURVATURE && c == null) throw new Error(NAME + ': setCurvature() gave no curvature for variable ' + name);
          const values = tensorPhase(t, S, this.shared, H, g, variable, c);
          shift(TENSOR_HISTORY, H, values);
          variable.assign(tf.broadcastTo(values[OUTPUT], variable.shape));
        }
        shift(SHARED_HISTORY, this.shared, S);
      });
      this.previousLoss = loss;
      this.pendingLoss = null;
      this.pendingCurvature = null;
      this.incrementIterations();
    }

    async getWeights() {
      const weights = [await this.saveIterations(), { name: 'previousLoss', tensor: tf.scalar(this.previousLoss === null ? NaN : this.previousLoss) }];
      for (const [key] of SHARED_HISTORY) this.shared[key].forEach((v, i) => weights.push({ name: 'shared/h' + key + '/' + i, tensor: v }));
      for (const [name, H] of this.perVariable) {
        for (const [key] of TENSOR_HISTORY) H[key].forEach((v, i) => weights.push({ name: name + '/h' + key + '/' + i, tensor: v }));
      }
      return weights;
    }

    async setWeights(weightValues) {
      const rest = await this.extractIterations(weightValues);
      for (const { name, tensor } of rest) {
        if (name === 'previousLoss') {
          const value = (await tensor.data())[0];
          this.previousLoss = Number.isNaN(value) ? null : value;
          continue;
        }
        const match = /^(.*)\\/h(\\d+)\\/(\\d+)$/.exec(name);
        if (match === null) throw new Error(NAME + '.setWeights: unknown weight ' + name);
        const [, owner, key, i] = match;
        let H = owner === 'shared' ? this.shared : this.perVariable.get(owner);
        if (H === undefined) {
          const variable = tf.engine().registeredVariables[owner];
          H = zeroHistory(TENSOR_HISTORY, variable === undefined ? tensor.shape : variable.shape);
          this.perVariable.set(owner, H);
        }
        const slot = H[key] && H[key][Number(i)];
        if (slot === undefined) throw new Error(NAME + '.setWeights: no history ' + name);
        slot.assign(tensor);
      }
    }

    getConfig() {
      return {};
    }

    dispose() {
      super.dispose();
      const all = [this.shared, ...this.perVariable.values()];
      for (const H of all) for (const list of Object.values(H)) tf.dispose(list);
      this.perVariable.clear();
    }
  }
  tf.serialization.registerClass(${name});
  return ${name};`.split('\n');
}
