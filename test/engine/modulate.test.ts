// The broadcast neuromodulator (docs/engine.md, Neuromodulator): op `modulate` and amount
// `modulated`, on small graphs whose expected values are worked out here from the spec, not taken
// from either implementation. Each case runs in the WebAssembly engine (tiled with a tile of 4
// lanes, tiled with its default tile, event) and in the reference interpreter, and both must give
// exactly the expected bits. Three-factor plasticity after Fremaux and Gerstner 2016 (Front. Neural
// Circuits 9:85): a weight changes by s * act * src * M, a local product gated by a global signal.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { OP_MODULATE } from '../../src/engine/layout.ts';
import type { RunOptions } from '../../src/engine/types.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome, LaneGroup } from '../../src/genome/types.ts';
import { ReferenceEngine } from './reference/interpreter.ts';

const f32 = Math.fround;
const MODES: RunOptions[] = [{ mode: 'tiled', tile: 4 }, { mode: 'tiled' }, { mode: 'event' }];
let engines: Engine[] = [];

beforeAll(async () => {
  engines = await Promise.all(MODES.map(() => Engine.create(undefined, { compileMinLanes: 0 })));
});

function genome(json: Record<string, unknown>): Genome {
  return parseGenome({ format: 'l2l-genome', version: 1, name: 'modulate', ...json });
}

/** A weight effect on the node's incoming edges: weight = change(weight, amount). */
function weightEffect(change: string, source: string, scale: number): Record<string, unknown> {
  return { kind: 'weight', change, amount: { source, scale }, target: 'edges', select: { direction: 'in' } };
}

/** mean(n) of docs/engine.md: the float64 sum of the lanes' values, divided by L, rounded once. */
function mean(values: readonly number[]): number {
  return f32(values.reduce((s, v) => s + v, 0) / values.length);
}

/** The weight of edge `key` after each of `ticks` ticks, in the reference and in every mode (checked equal). */
function weights(g: Genome, groups: LaneGroup[], key: number, ticks: number, data: number[][]): number[] {
  const ref = new ReferenceEngine(g, groups);
  data.forEach((d, s) => ref.input(s).set(d));
  const expected: number[] = [];
  for (let t = 1; t <= ticks; t++) {
    expect(ref.run(1)).toEqual({ status: 'ok' });
    expected.push(ref.graph().genome.edges.find((e) => e.key === key)?.weight as number);
  }
  MODES.forEach((options, i) => {
    const e = engines[i] as Engine;
    e.load(g, groups, { ...options, seed: 1 });
    data.forEach((d, s) => e.input(s).set(d));
    for (let t = 1; t <= ticks; t++) {
      expect(e.run(1)).toEqual({ status: 'ok' });
      const w = e.graph().genome.edges.find((x) => x.key === key)?.weight as number;
      expect(w, `${options.mode}/${options.tile ?? 0} tick ${t}`).toBe(expected[t - 1]);
    }
  });
  return expected;
}

describe('the neuromodulator M', () => {
  // Input x (lane) -> output 1 (edge 10, weight w0), whose weight effect has amount `modulated`.
  // Modulatory node 2 = modulate(0.5 x) fires only where its value is >= 0 (threshold 0), so its
  // mean counts 0 in the other lanes: M reads outputs, as amount `source` does. Node 3 = rmean(x)
  // per group, and modulatory node 4 = modulate(node 3) is group-wide. Two groups: 2 x 2 and 1 x 3.
  const x = [0.3, -1.7, 2.2, 0.9, 1.25, -0.4, 3.1].map(f32);
  const groups: LaneGroup[] = [{ rows: 2, cols: 2 }, { rows: 1, cols: 3 }];
  const w0 = f32(0.25);
  const s = f32(0.01);
  const twoNodes = (op2: string, op4: string, change: string, inputOp = 'identity'): Genome => genome({
    inputs: [{ name: 'x', width: 'lane' }], outputs: [{ name: 'y' }],
    nodes: [
      { key: 0, role: 'input', slot: 0, op: inputOp },
      { key: 1, role: 'output', slot: 0, effects: [weightEffect(change, 'modulated', s)] },
      { key: 2, op: op2, policy: { kind: 'threshold', threshold: 0 } },
      { key: 3, op: 'rmean' },
      { key: 4, op: op4 },
    ],
    edges: [
      { key: 10, source: 0, target: 1, weight: w0 }, { key: 11, source: 0, target: 2, weight: 0.5 },
      { key: 12, source: 0, target: 3 }, { key: 13, source: 3, target: 4 },
    ],
  });

  it('sums the modulatory nodes\' mean outputs over all lanes of every group, in key order', () => {
    const out2 = x.map((v) => f32(0.5 * v)).map((v) => (v >= 0 ? v : 0));
    const g0 = mean(x.slice(0, 4));
    const g1 = mean(x.slice(4));
    const out4 = [g0, g0, g0, g0, g1, g1, g1];
    const M = f32(mean(out2) + mean(out4));
    const src = mean(x); // mean(source) of edge 10: the input node
    // Node 1 fires in every lane (always): act is the mean of its activation f32(w x).
    let w = w0;
    const expected: number[] = [];
    for (let t = 1; t <= 3; t++) {
      const act = mean(x.map((v) => f32(w * v)));
      const v = f32(f32(f32(s * act) * src) * M);
      w = f32(w + v);
      expected.push(w);
    }
    expect(M).not.toBe(0);
    expect(expected[0]).not.toBe(w0);
    const g = twoNodes('modulate', 'modulate', 'add');
    expect(weights(g, groups, 10, 3, [x])).toEqual(expected);
    const ref = new ReferenceEngine(g, groups);
    ref.input(0).set(x);
    ref.run(1);
    expect(ref.modulator).toBe(M);
  });

  it('is 0 without modulatory nodes, and an input node whose op is modulate is not one', () => {
    // change `set`: the weight becomes the amount itself, f32(f32(f32(s act) src) M) = 0 when M = 0.
    const act = mean(x.map((v) => f32(w0 * v)));
    const zero = f32(f32(f32(s * act) * mean(x)) * 0);
    const w = weights(twoNodes('identity', 'identity', 'set', 'modulate'), groups, 10, 1, [x]);
    expect(w).toEqual([zero]);
    expect(Object.is(w[0], zero)).toBe(true); // the sign of zero too
    // The same graph with its modulatory nodes back sets a nonzero weight.
    expect(weights(twoNodes('modulate', 'modulate', 'set'), groups, 10, 1, [x])[0]).not.toBe(0);
  });

  it('sums in ascending key order, not sweep or load order', () => {
    // Modulatory nodes A (key 10) = 1e20 C, B (key 11) = -1e20 u, C (key 12) = u, with u = 1. A
    // waits for C, so the sweep goes B, C, A: (-1e20 + 1) + 1e20 = 0 in float64 (1 is far below
    // half an ulp of 1e20), while key order gives (1e20 - 1e20) + 1 = 1. The load order C, A, B
    // gives 0 too. Output 1 = 0.5 u, its edge weight w += 1 * act * src * M with src = mean(u) = 1.
    const big = f32(1e20);
    expect((-big + 1) + big).toBe(0);
    expect((big - big) + 1).toBe(1);
    const g = genome({
      inputs: [{ name: 'u', width: 'scalar' }], outputs: [{ name: 'y' }],
      nodes: [
        { key: 12, op: 'modulate' }, { key: 10, op: 'modulate' }, { key: 11, op: 'modulate' },
        { key: 0, role: 'input', slot: 0 }, { key: 1, role: 'output', slot: 0, effects: [weightEffect('add', 'modulated', 1)] },
      ],
      edges: [
        { key: 20, source: 12, target: 10, weight: 1e20 }, { key: 21, source: 0, target: 11, weight: -1e20 },
        { key: 22, source: 0, target: 12 }, { key: 23, source: 0, target: 1, weight: 0.5 },
      ],
    });
    // M = 1: w = 0.5 + 0.5 = 1 after tick 1, then 1 + 1 = 2 (with M = 0 it would stay 0.5).
    for (const lanes of [1, 3]) expect(weights(g, [{ rows: 1, cols: lanes }], 23, 2, [[1]])).toEqual([1, 2]);
  });

  it('is computed once before the effects and stays fixed while they change ops', () => {
    // Node 5 (identity of u = 2) turns itself into a modulatory node at tick 1; node 6, later in the
    // same effects step, still sees M = 0. From tick 2 M = mean(node 5) = 2: w += act * src * M.
    const g = genome({
      inputs: [{ name: 'u', width: 'scalar' }], outputs: [{ name: 'y' }],
      nodes: [
        { key: 0, role: 'input', slot: 0 },
        { key: 5, effects: [{ kind: 'set-op', a: OP_MODULATE }] },
        { key: 6, role: 'output', slot: 0, effects: [weightEffect('add', 'modulated', 0.125)] },
      ],
      edges: [{ key: 7, source: 0, target: 5 }, { key: 8, source: 0, target: 6, weight: 0.5 }],
    });
    // Tick 1: w = 0.5. Tick 2: act = 0.5 * 2 = 1, src = 2, M = 2: w = 0.5 + 0.125 * 1 * 2 * 2 = 1.
    // Tick 3: act = 2: w = 1 + 0.125 * 2 * 2 * 2 = 2.
    expect(weights(g, [{ rows: 2, cols: 3 }], 8, 3, [[2]])).toEqual([0.5, 1, 2]);
  });
});

describe('op modulate', () => {
  // y = f32(f32(m * b) - a) with m = modulate(0.5 * f32(a + b)): node 3 sits where a chain of plain
  // lane nodes would run through it, so the chain is cut in two; with identity there it is one.
  const chainGraph = (op: string, effects: unknown[] = []): Genome => genome({
    inputs: [{ name: 'a', width: 'lane' }, { name: 'b', width: 'lane' }], outputs: [{ name: 'y' }],
    nodes: [
      { key: 0, role: 'input', slot: 0 }, { key: 1, role: 'input', slot: 1 }, { key: 2, op: 'add' }, { key: 3, op },
      { key: 4, op: 'mul' }, { key: 5, role: 'output', slot: 0, op: 'sub', effects },
    ],
    edges: [
      { key: 10, source: 0, target: 2 }, { key: 11, source: 1, target: 2, port: 1 }, { key: 12, source: 2, target: 3, weight: 0.5 },
      { key: 13, source: 3, target: 4 }, { key: 14, source: 1, target: 4, port: 1 }, { key: 15, source: 4, target: 5 },
      { key: 16, source: 0, target: 5, port: 1 },
    ],
  });

  it('is x, cuts a compiled chain, and gives the same bits compiled, through the kernels and in the reference', async () => {
    const lanes = 37;
    const a = Float32Array.from({ length: lanes }, (_, l) => Math.sin(l + 1) * 3);
    const b = Float32Array.from({ length: lanes }, (_, l) => Math.cos(2 * l) - 0.5);
    const y = Array.from(a, (v, l) => f32(f32(f32(0.5 * f32(v + (b[l] as number))) * (b[l] as number)) - v));
    const groups = [{ rows: 1, cols: lanes }];
    const shapes: number[] = [];
    for (const op of ['modulate', 'identity']) {
      const g = chainGraph(op);
      const ref = new ReferenceEngine(g, groups);
      ref.input(0).set(a);
      ref.input(1).set(b);
      expect(ref.run(1)).toEqual({ status: 'ok' });
      expect(Array.from(ref.output(0))).toEqual(y);
      for (const compile of [true, false]) {
        const e = await Engine.create(undefined, { compile, compileMinLanes: 0 });
        for (const tile of [0, 8]) {
          e.load(g, groups, { mode: 'tiled', tile });
          e.input(0).set(a);
          e.input(1).set(b);
          expect(e.run(1)).toEqual({ status: 'ok' });
          expect(Array.from(e.output(0)), `${op}, compile ${compile}, tile ${tile}`).toEqual(y);
        }
        if (compile) shapes.push(e.compiledChains.compiled);
        else expect(e.compiledChains.compiled).toBe(0);
      }
    }
    // Node 3 cuts the chain: [2] and [4, 5] are two shapes; with identity, [2, 3, 4, 5] is one.
    expect(shapes).toEqual([2, 1]);
  });

  it('counts like any node: its evaluations and its out-edges\' traversals, and M adds nothing', () => {
    // The same graph with identity at node 3, and with modulate and a `modulated` weight effect of
    // scale 0 on node 5 (so the weights stay put and both graphs compute the same values).
    const graphs = [chainGraph('identity'), chainGraph('modulate', [weightEffect('add', 'modulated', 0)])];
    const [c0, c1] = graphs.map((g) => {
      const e = engines[0] as Engine;
      e.load(g, [{ rows: 3, cols: 4 }], { mode: 'tiled', tile: 4 });
      e.input(0).fill(1);
      e.input(1).fill(2);
      expect(e.run(2)).toEqual({ status: 'ok' });
      return e.costs();
    }) as [ReturnType<Engine['costs']>, ReturnType<Engine['costs']>];
    // 4 non-input nodes and 7 used edges, 12 lanes, 2 ticks; the effect applies to edges 15 and 16
    // each tick, and its selection examines them (2 edges, ordering 2 * ceil(log2 2)).
    expect(c0.nodeLaneEvaluations).toBe(4 * 12 * 2);
    expect(c0.edgeLaneTraversals).toBe(7 * 12 * 2);
    expect(c1.nodeLaneEvaluations).toBe(c0.nodeLaneEvaluations);
    expect(c1.edgeLaneTraversals).toBe(c0.edgeLaneTraversals);
    expect(c1.effectApplications).toBe(2 * 2);
    expect(c1.effectSearch).toBe(2 * (2 + 2));
    expect(c1.work).toBe(c0.work + c1.effectApplications + c1.effectSearch);
  });
});
