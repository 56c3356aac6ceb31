// Hand-built update programs for the ONNX export tests: one per op and way of feeding it (lane
// inputs, scalar inputs, equal operands), each followed by a node that reads it and itself through
// delayed edges, and a few whole rules (momentum, deep histories, a constant output).

import type { OpName } from '../../src/genome/types.ts';
import type { Width } from '../../src/genome/state.ts';
import { SLOT_NAMES, type History, type OpStep, type ProgramStep, type Term, type UpdateProgram } from '../../src/export/program-types.ts';

/** Input node keys: the slot's index (gradient 0, parameter 1, loss 2, previousLoss 3, step 4, curvature 5). */
export const IN = { gradient: 0, parameter: 1, loss: 2, previousLoss: 3, step: 4, curvature: 5 } as const;

const SLOT_WIDTH: Record<string, Width> = { gradient: 'lane', parameter: 'lane', loss: 'scalar', previousLoss: 'scalar', step: 'scalar', curvature: 'lane' };
const RANK: Record<Width, number> = { scalar: 0, group: 1, lane: 2 };
const REDUCTIONS = new Set<OpName>(['rsum', 'rmean', 'rnorm', 'rrms', 'rmaxabs']);

// Weights are float32, as the engine holds them (buildProgram rounds them too).
export const t = (source: number, weight = 1, delay = 0): Term => ({ source, weight: Math.fround(weight), delay });

type Spec = { key: number; op: OpName; ports: [Term[], Term[], Term[]]; attrs?: [number, number, number, number] };

/** A program from op nodes in sweep order: widths by the engine's rules, histories from the delays. */
export function program(name: string, specs: Spec[], output: number): UpdateProgram {
  const nodes: ProgramStep[] = SLOT_NAMES.map((slot, key) => ({ kind: 'input', key, slot, width: SLOT_WIDTH[slot] as Width }));
  const widths = new Map<number, Width>(nodes.map((n) => [n.key, n.width]));
  const ops: OpStep[] = specs.map((s) => ({ kind: 'op', key: s.key, op: s.op, attrs: (s.attrs ?? [0, 0, 0, 0]).map((a) => Math.fround(a)) as [number, number, number, number], ports: s.ports, width: 'scalar' }));
  // Widths are a least fixed point over all edges, delayed ones included: iterate to it.
  for (let changed = true; changed;) {
    changed = false;
    for (const n of ops) {
      let w: Width = 'scalar';
      if (REDUCTIONS.has(n.op)) w = 'group';
      else if (n.op === 'rowmean' || n.op === 'colmean') w = 'lane';
      else if (n.op !== 'const' && n.op !== 'every') {
        for (const term of n.ports.flat()) {
          const s = widths.get(term.source) ?? 'scalar';
          if (RANK[s] > RANK[w]) w = s;
        }
      }
      if (widths.get(n.key) !== w) {
        widths.set(n.key, w);
        n.width = w;
        changed = true;
      }
    }
  }
  const depth = new Map<number, number>();
  for (const term of ops.flatMap((n) => n.ports.flat())) {
    if (term.delay > 0) depth.set(term.source, Math.max(term.delay, depth.get(term.source) ?? 0));
  }
  const all = [...nodes, ...ops];
  const history: History[] = all.filter((n) => depth.has(n.key)).map((n) => ({ key: n.key, depth: depth.get(n.key) as number, width: n.width }));
  const readsCurvature = ops.some((n) => n.ports.flat().some((term) => term.source === IN.curvature));
  return { name, nodes: all, history, output, readsCurvature };
}

/** How an op's ports are fed in the per-op programs. */
export const FEEDS: Record<'lane' | 'scalar' | 'pair', [Term[], Term[], Term[]]> = {
  lane: [[t(IN.gradient, 1.5), t(IN.parameter, -0.5)], [t(IN.curvature), t(IN.loss, 0.25)], [t(IN.parameter, 2)]],
  scalar: [[t(IN.loss, 0.5), t(IN.step, 0.1)], [t(IN.previousLoss)], [t(IN.step, -1)]],
  // Gradient and parameter are equal in some lanes (see the test's inputs): eq, ge, select, div by 0.
  pair: [[t(IN.gradient)], [t(IN.parameter)], [t(IN.curvature)]],
};

const ATTRS: Partial<Record<OpName, [number, number, number, number]>> = {
  clamp: [-0.3, 0.4, 0, 0],
  every: [2, 0, 0, 0],
  const: [0.7, 0, 0, 0],
};

/** Node 10 = op fed by `feed`; node 11 = node 10 + 0.5 * (node 10 a step ago) - 0.25 * (node 11 two steps ago). */
export function opProgram(op: OpName, feed: keyof typeof FEEDS, attrs = ATTRS[op]): UpdateProgram {
  const ports = FEEDS[feed].map((p) => [...p]) as [Term[], Term[], Term[]];
  return program(`${op}-${feed}`, [
    { key: 10, op, ports, attrs },
    { key: 11, op: 'add', ports: [[t(10)], [t(10, 0.5, 1), t(11, -0.25, 2)], []] },
  ], 11);
}

/** Whole rules that exercise the plumbing rather than one op. */
export const RULES: UpdateProgram[] = [
  program('sgd', [{ key: 10, op: 'sub', ports: [[t(IN.parameter)], [t(IN.gradient, 0.1)], []] }], 10),
  program('momentum', [
    { key: 10, op: 'add', ports: [[t(IN.gradient)], [t(10, 0.9, 1)], []] },
    { key: 11, op: 'sub', ports: [[t(IN.parameter)], [t(10, 0.05)], []] },
  ], 11),
  // Node 12 is a bare read of node 10 three steps back; node 13 reads 10 two and three steps back.
  program('deep-history', [
    { key: 10, op: 'identity', ports: [[t(IN.gradient)], [], []] },
    { key: 12, op: 'identity', ports: [[t(10, 1, 3)], [], []] },
    { key: 13, op: 'add', ports: [[t(12)], [t(10, 1, 3), t(10, 0.5, 2)], []] },
    { key: 14, op: 'sub', ports: [[t(IN.parameter)], [t(13, 0.1)], []] },
  ], 14),
  program('constant-output', [{ key: 10, op: 'const', ports: [[], [], []], attrs: [0.5, 0, 0, 0] }], 10),
  program('scalar-output', [{ key: 10, op: 'mul', ports: [[t(IN.loss)], [t(IN.step)], []] }], 10),
  // Adafactor-like: second moments factored into row and column means, a step normalised per tensor.
  program('factored', [
    { key: 10, op: 'square', ports: [[t(IN.gradient)], [], []] },
    { key: 11, op: 'rowmean', ports: [[t(10, 0.1), t(11, 0.9, 1)], [], []] },
    { key: 12, op: 'colmean', ports: [[t(10, 0.1), t(12, 0.9, 1)], [], []] },
    { key: 13, op: 'rmean', ports: [[t(11)], [], []] },
    { key: 14, op: 'div', ports: [[t(11)], [t(13)], []] },
    { key: 15, op: 'mul', ports: [[t(14)], [t(12)], []] },
    { key: 16, op: 'rsqrt', ports: [[t(15)], [], []] },
    { key: 17, op: 'mul', ports: [[t(IN.gradient)], [t(16)], []] },
    { key: 18, op: 'rnorm', ports: [[t(17)], [], []] },
    { key: 19, op: 'div', ports: [[t(17)], [t(18), t(18, 0.5, 1)], []] },
    { key: 20, op: 'sub', ports: [[t(IN.parameter)], [t(19, 0.05)], []] },
  ], 20),
];
