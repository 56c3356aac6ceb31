// A genome's update rule as text formulas, one line per named quantity, for people reading what
// evolution found. The semantics rendered are docs/engine.md's (Ops, One tick):
//
//   - a port is the sum of weight * source over the enabled edges into it (weight 1 left out, a
//     constant times its weight folded into one number, an empty port is 0); only the ports an op
//     reads are shown, and edges of weight 0 are left out;
//   - ops in their usual notation: + - · /, |x|, x², sqrt(x), [x > y] for the 0/1 comparisons,
//     c ? a : b for select; pow is |x|^y as in the engine (no bars on a constant base), log is
//     log|x|, and reductions over a tensor read sum, mean, norm, rms, maxabs, rowmean, colmean;
//   - a node read through a delayed edge holds state: it is named (m, v, u, ...) and gets its own
//     line, and a read d ticks back is written m[t-d] (0 until t > d, as the engine's);
//   - a node read by more than one edge (other than an input or a constant) is a named intermediate
//     h1, h2, ...; so is a node whose policy is not `always` or that has effects, with a note such
//     as [fires: threshold 0.5; 2 effects];
//   - inputs go by their slot names, shortened for the optimizer role (gradient g, parameter p,
//     previousLoss prevLoss, step t); an output is its slot's name primed: p' = p - 0.01·g.
//
// Only nodes that reach an output are shown. Lines come in dependency order, outputs last; names
// are given in the order a depth-first walk from the outputs (ports in order) meets the nodes, so
// the text is the same on every call.

import { OP_ARITY } from './arity.ts';
import { shortNumber } from './export.ts';
import { append, reach, readEdges } from './structure.ts';
import type { EdgeGene, Genome, NodeGene, OpName } from './types.ts';

// Binding strength of an expression's outermost operator; a weaker operand is parenthesised.
const COND = 0;
const ADD = 1;
const MUL = 2;
const POW = 3;
const ATOM = 4;

interface Expr {
  text: string;
  prec: number;
  /** A quotient, parenthesised as another quotient's numerator for readability. */
  div?: boolean;
}

const atom = (text: string): Expr => ({ text, prec: ATOM });
/** An operand that must bind at least as strongly as `min`; a leading minus is parenthesised too. */
const operand = (e: Expr, min: number): string => (e.prec >= min && !e.text.startsWith('-') ? e.text : `(${e.text})`);
/** The leftmost operand: a leading minus may stay. */
const leading = (e: Expr, min: number): string => (e.prec >= min ? e.text : `(${e.text})`);

const SHORT_NAMES: Readonly<Record<string, string>> = { gradient: 'g', parameter: 'p', previousLoss: 'prevLoss', step: 't' };
const STATE_NAMES = ['m', 'v', 'u', 'w', 's', 'r', 'q', 'z'];
const FUNCTIONS: Partial<Record<OpName, string>> = {
  sign: 'sign', sqrt: 'sqrt', rsqrt: 'rsqrt', exp: 'exp', tanh: 'tanh', sigmoid: 'sigmoid', relu: 'relu', min: 'min',
  max: 'max', rsum: 'sum', rmean: 'mean', rnorm: 'norm', rrms: 'rms', rmaxabs: 'maxabs', rowmean: 'rowmean', colmean: 'colmean',
  modulate: 'modulate',
};
const COMPARISONS: Partial<Record<OpName, string>> = { gt: '>', ge: '>=', eq: '==' };

/** The note on a node's line: its firing policy when not `always`, spikes, refractory count, effects. */
function noteOf(n: NodeGene): string {
  const parts: string[] = [];
  const p = n.policy;
  if (n.role !== 'input') {
    if (p.kind === 'threshold') parts.push(`fires: threshold ${shortNumber(p.threshold)}`);
    if (p.kind === 'integrate') parts.push(`fires: integrate to ${shortNumber(p.threshold)}, decay ${shortNumber(p.decay)}, reset ${shortNumber(p.reset)}`);
    if (p.kind === 'random') parts.push(`fires: random ${shortNumber(p.probability)}`);
    if (n.emit === 'spike') parts.push('emits spikes');
    if (n.refractory > 0) parts.push(`refractory ${n.refractory}`);
  }
  if (n.effects.length > 0) parts.push(`${n.effects.length} effect${n.effects.length > 1 ? 's' : ''}`);
  return parts.length === 0 ? '' : `  [${parts.join('; ')}]`;
}

/** A constant shown as a number where it is read: a hidden const node without a note. */
const isConstant = (n: NodeGene): boolean => n.role === 'hidden' && n.op === 'const' && noteOf(n) === '';

/** The update rule of `genome` as text (see the opening comment). */
export function formula(genome: Genome): string {
  const nodes = new Map(genome.nodes.map((n) => [n.key, n]));
  const nodeOf = (key: number): NodeGene => nodes.get(key) as NodeGene;
  const edges = readEdges(genome).filter((e) => e.weight !== 0 && !(isConstant(nodeOf(e.source)) && nodeOf(e.source).attrs[0] === 0));
  const live = liveNodes(genome, edges);
  const into = new Map<number, EdgeGene[]>();
  const readers = new Map<number, number>();
  const states = new Set<number>();
  for (const e of edges) {
    if (!live.has(e.target)) continue;
    const list = into.get(e.target);
    if (list === undefined) into.set(e.target, [e]);
    else list.push(e);
    if (e.delay === 0) readers.set(e.source, (readers.get(e.source) ?? 0) + 1);
    else states.add(e.source);
  }
  // Positive terms first (so a sum reads p - lr·g), delayed before current, constants last, then
  // in key order.
  const rank = (e: EdgeGene): number => 4 * Number(e.weight < 0) + 2 * Number(e.delay === 0) + Number(isConstant(nodeOf(e.source)));
  for (const list of into.values()) list.sort((a, b) => rank(a) - rank(b) || a.key - b.key);

  const trivial = (n: NodeGene): boolean => n.role === 'input' || isConstant(n) || (n.op === 'every' && noteOf(n) === '');
  const isNamed = (n: NodeGene): boolean =>
    n.role === 'output' || noteOf(n) !== '' || (!trivial(n) && (states.has(n.key) || (readers.get(n.key) ?? 0) > 1));

  const slotName = (name: string | undefined, fallback: string): string => (name === undefined || name === '' ? fallback : SHORT_NAMES[name] ?? name);
  const taken = new Set(genome.inputs.map((s, i) => slotName(s.name, `in${i}`)));
  const names = new Map<number, string>();
  const fresh = (prefix: string): string => {
    let i = 1;
    while (taken.has(`${prefix}${i}`)) i++;
    return `${prefix}${i}`;
  };
  const nameOf = (n: NodeGene): string => {
    const known = names.get(n.key);
    if (known !== undefined) return known;
    let name: string;
    if (n.role === 'input') name = slotName(genome.inputs[n.slot]?.name, `in${n.slot}`);
    else if (n.role === 'output') name = `${slotName(genome.outputs[n.slot]?.name, `out${n.slot}`)}'`;
    else if (states.has(n.key)) name = STATE_NAMES.find((s) => !taken.has(s)) ?? fresh('s');
    else name = fresh('h');
    taken.add(name);
    names.set(n.key, name);
    return name;
  };

  const lines: string[] = [];
  const outputLines: string[] = [];
  const defined = new Set<number>();
  const pending: NodeGene[] = [];

  const define = (n: NodeGene): void => {
    if (defined.has(n.key)) return;
    defined.add(n.key);
    // Named after its body, so that intermediates are numbered in the order their lines appear.
    const text = body(n).text;
    const line = `${nameOf(n)} = ${text}${noteOf(n)}`;
    (n.role === 'output' ? outputLines : lines).push(line);
  };

  /** The value of `n` read `delay` ticks back, as an operand. */
  const reference = (n: NodeGene, delay: number): Expr => {
    if (isConstant(n)) return delay === 0 ? atom(shortNumber(n.attrs[0])) : { text: `${shortNumber(n.attrs[0])}·[t > ${delay}]`, prec: MUL };
    const back = delay === 0 ? '' : `[t-${delay}]`;
    if (n.role === 'input') return atom(`${nameOf(n)}${back}`);
    if (delay > 0) {
      pending.push(n);
      return atom(`${nameOf(n)}${back}`);
    }
    if (!isNamed(n)) return body(n);
    define(n);
    return atom(nameOf(n));
  };

  const port = (n: NodeGene, p: number): Expr => {
    const terms: { negative: boolean; size: Expr }[] = [];
    for (const e of into.get(n.key) ?? []) {
      if (e.port !== p) continue;
      const source = nodeOf(e.source);
      if (isConstant(source)) {
        const value = Math.fround(e.weight * source.attrs[0]);
        const size = atom(shortNumber(Math.abs(value)));
        terms.push({ negative: value < 0, size: e.delay === 0 ? size : { text: `${size.text}·[t > ${e.delay}]`, prec: MUL } });
        continue;
      }
      const x = reference(source, e.delay);
      const w = Math.abs(e.weight);
      terms.push({ negative: e.weight < 0, size: w === 1 ? x : { text: `${shortNumber(w)}·${operand(x, MUL)}`, prec: MUL } });
    }
    const [first, ...rest] = terms;
    if (first === undefined) return atom('0');
    if (rest.length === 0 && !first.negative) return first.size;
    const head = first.negative ? `-${operand(first.size, MUL)}` : leading(first.size, ADD);
    const tail = rest.map((t) => (t.negative ? ` - ${operand(t.size, MUL)}` : ` + ${operand(t.size, ADD)}`));
    return { text: head + tail.join(''), prec: rest.length === 0 ? MUL : ADD };
  };

  const body = (n: NodeGene): Expr => {
    const ports = Array.from({ length: OP_ARITY[n.op] }, (_, p) => port(n, p));
    const [x = atom('0'), y = atom('0'), z = atom('0')] = ports;
    const fn = FUNCTIONS[n.op];
    if (fn !== undefined) return atom(`${fn}(${ports.map((e) => e.text).join(', ')})`);
    const comparison = COMPARISONS[n.op];
    if (comparison !== undefined) return atom(`[${x.text} ${comparison} ${y.text}]`);
    const [a0, a1] = n.attrs;
    switch (n.op) {
      case 'identity': return x;
      case 'add': return { text: `${leading(x, ADD)} + ${operand(y, ADD)}`, prec: ADD };
      case 'sub': return { text: `${leading(x, ADD)} - ${operand(y, MUL)}`, prec: ADD };
      case 'mul': return { text: `${leading(x, MUL)}·${operand(y, MUL)}`, prec: MUL };
      case 'div': return { text: `${x.div === true ? `(${x.text})` : leading(x, MUL)} / ${operand(y, POW)}`, prec: MUL, div: true };
      case 'neg': return { text: `-${operand(x, MUL)}`, prec: MUL };
      case 'abs': return atom(`|${x.text}|`);
      case 'log': return atom(`log|${x.text}|`);
      case 'square': return { text: `${operand(x, ATOM)}²`, prec: POW };
      case 'pow': return { text: `${/^[0-9.e+-]+$/.test(x.text) && !x.text.startsWith('-') ? x.text : `|${x.text}|`}^${operand(y, ATOM)}`, prec: POW };
      case 'clamp': return atom(`clamp(${x.text}, ${shortNumber(a0)}, ${shortNumber(a1)})`);
      case 'select': return { text: `${operand(x, ADD)} ? ${operand(y, ADD)} : ${operand(z, ADD)}`, prec: COND };
      case 'every': return atom(`[t mod ${Math.min(Math.max(1, Math.floor(Math.fround(a0 + 0.5))), 2 ** 30)} == 0]`);
      case 'const': return atom(shortNumber(a0));
      default: throw new Error(`formula: op ${n.op} has no notation`);
    }
  };

  const outputs = genome.nodes.filter((n) => n.role === 'output').sort((a, b) => a.slot - b.slot);
  for (const out of outputs) define(out);
  for (let n = pending.shift(); n !== undefined; n = pending.shift()) define(n);
  return [...lines, ...outputLines, ...effectsNote(genome, live)].join('\n');
}

/** The nodes from which an output is reached along `edges` (delays included), outputs too. */
function liveNodes(genome: Genome, edges: readonly EdgeGene[]): Set<number> {
  const sources = new Map<number, number[]>();
  for (const e of edges) append(sources, e.target, e.source);
  return reach(genome.nodes.filter((n) => n.role === 'output').map((n) => n.key), sources);
}

/** Effects the lines do not show: on live inputs (shown as bare names) and on nodes off the output path. */
function effectsNote(genome: Genome, live: ReadonlySet<number>): string[] {
  const onInputs = genome.nodes.filter((n) => n.role === 'input' && live.has(n.key) && n.effects.length > 0);
  const off = genome.nodes.filter((n) => !live.has(n.key) && n.effects.length > 0).length;
  const parts = onInputs.map((n) => `${n.effects.length} on input ${genome.inputs[n.slot]?.name ?? n.slot}`);
  if (off > 0) parts.push(`${off} node${off > 1 ? 's' : ''} with effects off the output path`);
  return parts.length === 0 ? [] : [`[effects: ${parts.join('; ')}]`];
}
