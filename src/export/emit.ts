// What the source exporters (pytorch.ts, tfjs.ts) share: how a program splits into the part that is
// computed once per step (the scalar-width nodes: step, losses, constants, bias corrections) and the
// part computed per parameter tensor (group- and lane-width nodes), and how numbers are written.
//
// The split is sound because a scalar-width node reads only scalar-width nodes (docs/engine.md,
// Lanes and groups: a node is as wide as its widest source, and const/every ignore their ports),
// so the scalar nodes, in sweep order, can all run before any tensor node.

import { shortNumber } from '../genome/export.ts';
import type { History, InputStep, OpStep, UpdateProgram } from './program-types.ts';

export interface Phases {
  /** Scalar-width nodes, sweep order: once per step. */
  scalar: (InputStep | OpStep)[];
  /** Group- and lane-width nodes, sweep order: once per parameter tensor. */
  tensor: (InputStep | OpStep)[];
  /** History of scalar-width nodes: shared by all tensors. */
  sharedHistory: History[];
  /** History of the other nodes: one set per parameter tensor. */
  tensorHistory: History[];
  /** Keys of the scalar-width nodes. */
  scalarKeys: Set<number>;
}

export function phases(program: UpdateProgram): Phases {
  const scalar = program.nodes.filter((n) => n.width === 'scalar');
  const tensor = program.nodes.filter((n) => n.width !== 'scalar');
  return {
    scalar,
    tensor,
    sharedHistory: program.history.filter((h) => h.width === 'scalar'),
    tensorHistory: program.history.filter((h) => h.width !== 'scalar'),
    scalarKeys: new Set(scalar.map((n) => n.key)),
  };
}

/**
 * A float32 value as the shortest literal that reads back as the same float32; `inf` and `nan`
 * name the language's non-finite literals. Parsing it as a float64 and rounding to float32 (what
 * a float32 tensor of it does) gives the value back exactly.
 */
export function literal(x: number, inf: string, nan: string): string {
  if (Number.isNaN(x)) return nan;
  if (!Number.isFinite(x)) return x > 0 ? inf : `-${inf}`;
  const text = shortNumber(Math.fround(x));
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/** A JSON string literal: also a valid Python and JavaScript string literal for any text. */
export function quoted(text: string): string {
  // U+2028/2029 are line breaks in older JavaScript parsers; escaping them keeps one line.
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The text of a comment line: control characters and line breaks made visible. */
export function commentText(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** How many nodes and how much state per parameter element, for the generated headers. */
export function summary(program: UpdateProgram): string {
  const ops = program.nodes.filter((n) => n.kind === 'op').length;
  const lane = program.history.filter((h) => h.width === 'lane').reduce((s, h) => s + h.depth, 0);
  const kept = program.history.map((h) => `node ${h.key}: ${h.depth} step${h.depth > 1 ? 's' : ''}`).join(', ');
  return `${ops} op nodes; ${lane} float32 state value${lane === 1 ? '' : 's'} per parameter element${kept === '' ? '' : ` (history of ${kept})`}`;
}
