// The WebAssembly engine on small hand-checked graphs (docs/engine.md), each run in tiled mode (with
// a tile of 4 lanes, so that tiles and group boundaries are crossed, and the default tile) and in
// event mode: the expected values are worked out here from the spec, not taken from the engine.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import type { RunOptions } from '../../src/engine/types.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome, LaneGroup } from '../../src/genome/types.ts';

const f32 = Math.fround;
const MODES: RunOptions[] = [{ mode: 'tiled', tile: 4 }, { mode: 'tiled' }, { mode: 'event' }];
let engines: Engine[] = [];

beforeAll(async () => {
  engines = await Promise.all(MODES.map(() => Engine.create()));
});

function genome(json: Record<string, unknown>): Genome {
  return parseGenome({ format: 'l2l-genome', version: 1, ...json });
}

/** Loads g in every mode and calls check(engine, mode name) on each. */
function inEveryMode(g: Genome, groups: LaneGroup[], check: (e: Engine, mode: string) => void, seed = 1): void {
  MODES.forEach((options, i) => {
    const e = engines[i] as Engine;
    e.load(g, groups, { ...options, seed });
    check(e, `${options.mode}/${options.tile ?? 0}`);
  });
}

/** Runs one tick at a time, returning output slot 0 after each. */
function trace(e: Engine, ticks: number, feed?: (t: number) => void): number[][] {
  const out: number[][] = [];
  for (let t = 1; t <= ticks; t++) {
    feed?.(t);
    expect(e.run(1)).toEqual({ status: 'ok' });
    out.push(Array.from(e.output(0)));
  }
  return out;
}

describe('values', () => {
  it('an exponential moving average: the f32 sum of its two f32 products', () => {
    const g = genome({
      inputs: [{ name: 'x', width: 'lane' }], outputs: [{ name: 'm' }],
      nodes: [{ key: 0, role: 'input', slot: 0 }, { key: 1, role: 'output', slot: 0 }],
      edges: [{ key: 2, source: 0, target: 1, weight: 0.1 }, { key: 3, source: 1, target: 1, weight: 0.9, delay: 1 }],
    });
    const x = [1, -2, 3.5, 0, 1e-3, 7];
    const expected: number[][] = [];
    let m = x.map(() => 0);
    for (let t = 1; t <= 4; t++) {
      m = x.map((v, l) => f32(f32(f32(0.1) * v) + (t > 1 ? f32(f32(0.9) * (m[l] as number)) : 0)));
      expected.push(m);
    }
    inEveryMode(g, [{ rows: 2, cols: 3 }], (e) => {
      e.input(0).set(x);
      expect(trace(e, 4)).toEqual(expected);
      // Edge 2 is used every tick (6 lanes); edge 3 from tick 2 on.
      expect(e.costs().edgeLaneTraversals).toBe(4 * 6 + 3 * 6);
      expect(e.costs().nodeLaneEvaluations).toBe(4 * 6);
    });
  });

  it('a port sum is f32 in ascending edge key order, not node, push or f64 order', () => {
    // Three unit inputs a, b, c (keys 0, 1, 2). Into port 0 of output 3: b (weight 1e8, key 10),
    // c (1, key 11), a (-1e8, key 12). Key order: f32(f32(1e8 + 1) - 1e8) = f32(1e8 - 1e8) = 0
    // (1 is below half an ulp of 1e8, which is 8); source order a, b, c or pushes in sweep order
    // give -1e8 + 1e8 + 1 = 1, and so does the f64 sum rounded once.
    // Output 4 has the same terms, but the -1e8 edge (key 16) has delay 1, so event mode delivers
    // it first in every tick, and a port-1 edge (key 15, weight 7) sits between them in key order:
    // tick 1: 1e8 + 1 = 1e8 (the delayed edge is not readable yet); then 0, as for output 3.
    const g = genome({
      inputs: [{ name: 'a', width: 'lane' }, { name: 'b', width: 'lane' }, { name: 'c', width: 'lane' }],
      outputs: [{ name: 'o' }, { name: 'p' }],
      nodes: [
        { key: 0, role: 'input', slot: 0 }, { key: 1, role: 'input', slot: 1 }, { key: 2, role: 'input', slot: 2 },
        { key: 3, role: 'output', slot: 0 }, { key: 4, role: 'output', slot: 1 },
      ],
      edges: [
        { key: 12, source: 0, target: 3, weight: -1e8 },
        { key: 10, source: 1, target: 3, weight: 1e8 },
        { key: 11, source: 2, target: 3, weight: 1 },
        { key: 16, source: 0, target: 4, weight: -1e8, delay: 1 },
        { key: 14, source: 2, target: 4, weight: 1 },
        { key: 15, source: 2, target: 4, port: 1, weight: 7 },
        { key: 13, source: 1, target: 4, weight: 1e8 },
      ],
    });
    expect(f32(f32(1e8 + 1) - 1e8)).toBe(0);
    expect(f32(f32(-1e8 + 1e8) + 1)).toBe(1);
    expect(f32(-1e8 + 1e8 + 1)).toBe(1);
    for (const lanes of [1, 5]) {
      inEveryMode(g, [{ rows: 1, cols: lanes }], (e, mode) => {
        for (let s = 0; s < 3; s++) e.input(s).fill(1);
        for (let t = 1; t <= 3; t++) {
          expect(e.run(1), mode).toEqual({ status: 'ok' });
          expect(Array.from(e.output(0)), `${mode} o, tick ${t}`).toEqual(new Array(lanes).fill(0));
          expect(Array.from(e.output(1)), `${mode} p, tick ${t}`).toEqual(new Array(lanes).fill(t === 1 ? 1e8 : 0));
        }
      });
    }
  });

  it('a leaky integrate-and-fire neuron with a refractory count and a weight effect', () => {
    const g = genome({
      inputs: [{ name: 'current', width: 'scalar' }], outputs: [{ name: 'spikes' }],
      caps: { nodes: 8, edges: 8, effectsPerNode: 2, applicationsPerTick: 4 },
      nodes: [{ key: 0, role: 'input', slot: 0 }, {
        key: 1, role: 'output', slot: 0, emit: 'spike', refractory: 1,
        policy: { kind: 'integrate', threshold: 1, decay: 0.5, reset: 0 },
        effects: [{ kind: 'weight', change: 'mul', amount: { source: 'const', scale: 0.5 }, target: 'edges', select: { direction: 'in' } }],
      }],
      edges: [{ key: 2, source: 0, target: 1, weight: 0.6 }],
    });
    // v: 0.6, 0.9, 1.05 -> spike (v = 0, r = 1, weight 0.3); touched: r = 0; 0.3, 0.45, 0.525, ...
    inEveryMode(g, [{ rows: 1, cols: 3 }], (e) => {
      e.input(0)[0] = 1;
      expect(trace(e, 8).map((o) => o[0])).toEqual([0, 0, 1, 0, 0, 0, 0, 0]);
      expect(e.graph().genome.edges[0]?.weight).toBe(f32(0.3));
      expect(e.costs().effectApplications).toBe(1);
      expect(e.costs().firedNodeLanes).toBe(3);
      expect(e.costs().stateBytesPerLane).toBe(8);
    });
  });

  it('a refractory lane counts down only in ticks where a port is nonzero', () => {
    const g = genome({
      inputs: [{ name: 'x', width: 'lane' }], outputs: [{ name: 'y' }],
      nodes: [{ key: 0, role: 'input', slot: 0 }, { key: 1, role: 'output', slot: 0, refractory: 2, emit: 'spike' }],
      edges: [{ key: 2, source: 0, target: 1 }],
    });
    // Lane 0 is touched every tick, lane 1 only at ticks 3 and 6.
    const feed = (e: Engine) => (t: number) => e.input(0).set([1, t === 3 || t === 6 ? 1 : 0]);
    inEveryMode(g, [{ rows: 1, cols: 2 }], (e) => {
      expect(trace(e, 7, feed(e))).toEqual([[1, 1], [0, 0], [0, 0], [1, 0], [0, 0], [0, 0], [1, 1]]);
    });
  });

  it('reductions over each group, and row and column means of a 2 x 3 group', () => {
    const ops = ['rsum', 'rmean', 'rnorm', 'rmaxabs', 'rrms', 'rowmean', 'colmean'];
    const g = genome({
      inputs: [{ name: 'x', width: 'lane' }], outputs: ops.map((name) => ({ name })),
      nodes: [{ key: 0, role: 'input', slot: 0 }, ...ops.map((op, i) => ({ key: 1 + i, role: 'output', slot: i, op }))],
      edges: ops.map((_, i) => ({ key: 100 + i, source: 0, target: 1 + i })),
    });
    const x = [1, -2, 3, 4, 5, -6, 0.5, 0.25];
    const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
    const a = x.slice(0, 6);
    const b = x.slice(6);
    const per = (fa: number, fb: number) => [...a.map(() => f32(fa)), ...b.map(() => f32(fb))];
    const expected = [
      per(sum(a), sum(b)),
      per(sum(a) / 6, sum(b) / 2),
      per(Math.sqrt(sum(a.map((v) => v * v))), Math.sqrt(sum(b.map((v) => v * v)))),
      per(6, 0.5),
      per(Math.sqrt(sum(a.map((v) => v * v)) / 6), Math.sqrt(sum(b.map((v) => v * v)) / 2)),
      // rows of the 2 x 3 group: (1, -2, 3) and (4, 5, -6); the 1 x 2 group is one row.
      [2 / 3, 2 / 3, 2 / 3, 1, 1, 1, 0.375, 0.375].map(f32),
      // columns: (1, 4), (-2, 5), (3, -6); in the 1 x 2 group each lane is its own column.
      [2.5, 1.5, -1.5, 2.5, 1.5, -1.5, 0.5, 0.25].map(f32),
    ];
    inEveryMode(g, [{ rows: 2, cols: 3 }, { rows: 1, cols: 2 }], (e) => {
      e.input(0).set(x);
      expect(e.run(1)).toEqual({ status: 'ok' });
      ops.forEach((_, i) => expect(Array.from(e.output(i))).toEqual(expected[i]));
      // Reductions count one evaluation per group; rowmean and colmean one per lane.
      expect(e.costs().nodeLaneEvaluations).toBe(5 * 2 + 2 * 8);
    });
  });

  it('random firing follows hash01(t, key, lane) and is the same in every mode', () => {
    const g = genome({
      inputs: [], outputs: [{ name: 'y' }],
      nodes: [{ key: 7, role: 'output', slot: 0, op: 'const', attrs: [2], emit: 'value', policy: { kind: 'random', probability: 0.5 } }],
      edges: [],
    });
    const runs: number[][][] = [];
    inEveryMode(g, [{ rows: 3, cols: 5 }], (e) => {
      runs.push(trace(e, 5));
    }, 12345);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
    const fired = (runs[0] as number[][]).flat().filter((v) => v === 2).length;
    expect(fired).toBeGreaterThan(15);
    expect(fired).toBeLessThan(60);
  });

  it('every and const are scalar: one evaluation a tick whatever the lanes', () => {
    const g = genome({
      inputs: [], outputs: [{ name: 'y' }],
      nodes: [{ key: 1, role: 'output', slot: 0, op: 'every', attrs: [2.5] }], // k = floor(3.0) = 3
      edges: [],
    });
    inEveryMode(g, [{ rows: 4, cols: 4 }], (e) => {
      expect(trace(e, 6).map((o) => o[5])).toEqual([0, 0, 1, 0, 0, 1]);
      expect(e.costs().nodeLaneEvaluations).toBe(6);
      expect(e.costs().firedNodeLanes).toBe(6 * 16);
    });
  });

  it('stops with non-finite at the first such node in sweep order and skips that tick\'s effects', () => {
    const g = genome({
      inputs: [{ name: 'x', width: 'lane' }], outputs: [{ name: 'y' }],
      nodes: [
        { key: 0, role: 'input', slot: 0 },
        { key: 5, op: 'div', effects: [{ kind: 'attr', a: 0, change: 'add', amount: { scale: 1 } }] },
        { key: 3, role: 'output', slot: 0, op: 'exp' },
      ],
      edges: [
        { key: 10, source: 0, target: 5, weight: 1e30 }, { key: 11, source: 0, target: 5, port: 1, weight: 1e-30 },
        { key: 12, source: 5, target: 3 },
      ],
    });
    inEveryMode(g, [{ rows: 1, cols: 3 }], (e) => {
      e.input(0).set([0, 0, 0]);
      expect(e.run(1)).toEqual({ status: 'ok' }); // 0 / 0 is 0 by the div rule
      e.input(0).set([0, 1, 2]); // 1e30 / 1e-30 overflows
      expect(e.run(3)).toEqual({ status: 'non-finite', nodeKey: 5, tick: 2 });
      expect(e.tick).toBe(2);
      expect(e.graph().genome.nodes.find((n) => n.key === 5)?.attrs[0]).toBe(1); // only tick 1's effect
    });
  });
  it('a node that holds its value through a weight-1 delayed self edge, and one read by another', () => {
    const g = genome({
      inputs: [{ name: 'x', width: 'lane' }], outputs: [{ name: 'y' }, { name: 'z' }],
      nodes: [
        { key: 0, role: 'input', slot: 0 },
        { key: 1, op: 'identity' }, // only its own reader: kept in place in tiled mode
        { key: 2, op: 'identity' }, // also read by node 4 at delay 2
        { key: 3, role: 'output', slot: 0, op: 'add' },
        { key: 4, role: 'output', slot: 1 },
      ],
      edges: [
        { key: 10, source: 1, target: 1, delay: 1 }, { key: 11, source: 1, target: 3 }, { key: 12, source: 0, target: 3, port: 1 },
        { key: 13, source: 0, target: 2, weight: 0.5 }, { key: 14, source: 2, target: 2, delay: 1, weight: -1 },
        { key: 15, source: 2, target: 4, delay: 2 },
      ],
    });
    inEveryMode(g, [{ rows: 2, cols: 3 }], (e) => {
      e.input(0).fill(2);
      // Node 1 stays 0; node 2 alternates 1, 0, 1, 0; node 4 shows node 2 two ticks late.
      const y: number[] = [];
      const z: number[] = [];
      for (let t = 0; t < 5; t++) {
        expect(e.run(1)).toEqual({ status: 'ok' });
        y.push(e.output(0)[4] as number);
        z.push(e.output(1)[4] as number);
      }
      expect(y).toEqual([2, 2, 2, 2, 2]);
      expect(z).toEqual([0, 0, 1, 0, 1]);
    });
  });
});

describe('effects and structure', () => {
  it('edge-split: keys from nextKey, the log order of the spec, and the new node computes', () => {
    const g = genome({
      inputs: [{ name: 'x', width: 'lane' }], outputs: [{ name: 'y' }],
      nodes: [
        { key: 0, role: 'input', slot: 0 },
        { key: 1, role: 'output', slot: 0, effects: [{ kind: 'edge-split', target: 'edges', select: { direction: 'in', k: 1 } }] },
      ],
      edges: [{ key: 2, source: 0, target: 1, weight: 0.5 }],
    });
    inEveryMode(g, [{ rows: 1, cols: 2 }], (e) => {
      e.input(0).set([2, 4]);
      expect(trace(e, 1)).toEqual([[1, 2]]);
      expect(e.history()).toEqual([
        { tick: 1, event: 'node-create', a: 3, b: 0, c: 0 },
        { tick: 1, event: 'edge-create', a: 4, b: 0, c: 3 },
        { tick: 1, event: 'edge-create', a: 5, b: 3, c: 1 },
        { tick: 1, event: 'edge-delete', a: 2, b: 0, c: 0 },
      ]);
      // Tick 2: 0 -> 3 (weight 1, delay 0) -> 1 (weight 0.5); the split repeats on edge 5.
      expect(trace(e, 1)).toEqual([[1, 2]]);
      const { genome: after } = e.graph();
      expect(after.nodes.map((n) => n.key)).toEqual([0, 1, 3, 6]);
      expect(after.edges.map((x) => [x.key, x.source, x.target, x.weight])).toEqual([[4, 0, 3, 1], [7, 3, 6, 1], [8, 6, 1, 0.5]]);
      expect(e.costs().graphBytes).toBe(4 * (16 + 1 + 4 * 20 + 3 * 8 + 1 * 16));
    });
  });

  it('caps: a created edge at the edge cap and applications past the tick\'s cap are no-ops', () => {
    const g = genome({
      inputs: [], outputs: [{ name: 'y' }],
      caps: { nodes: 4, edges: 1, effectsPerNode: 4, applicationsPerTick: 2 },
      nodes: [{
        key: 1, role: 'output', slot: 0, op: 'const', attrs: [1],
        effects: [
          { kind: 'edge-create', a: 0, b: 1, amount: { scale: 0.5 } }, // self, delay 1: succeeds at tick 1
          { kind: 'edge-create', a: 1, b: 1, amount: { scale: 0.5 } }, // at the cap
          { kind: 'attr', a: 1, change: 'add', amount: { scale: 1 } }, // the third application
        ],
      }],
      edges: [],
    });
    inEveryMode(g, [{ rows: 1, cols: 1 }], (e) => {
      expect(e.run(2)).toEqual({ status: 'ok' });
      const c = e.costs();
      // Tick 1: create (ok), create (cap-edges), attr (cap-applications). Tick 2: both creates are
      // at the cap (checked before duplicates), attr (cap-applications).
      expect(c.effectApplications).toBe(4);
      expect(c.noops).toMatchObject({ 'cap-edges': 3, 'cap-applications': 2, duplicate: 0 });
      expect(e.history()).toEqual([{ tick: 1, event: 'edge-create', a: 2, b: 1, c: 1 }]);
    });
  });

  it('node-delete removes the node\'s edges in key order, then the node; the acting node stops', () => {
    const g = genome({
      inputs: [{ name: 'x', width: 'lane' }], outputs: [{ name: 'y' }],
      nodes: [
        { key: 0, role: 'input', slot: 0 },
        { key: 9, effects: [{ kind: 'node-delete' }, { kind: 'attr', a: 0, change: 'set', amount: { scale: 3 } }] },
        { key: 1, role: 'output', slot: 0 },
      ],
      edges: [{ key: 30, source: 9, target: 1 }, { key: 20, source: 0, target: 9 }, { key: 25, source: 9, target: 9, delay: 1 }],
    });
    inEveryMode(g, [{ rows: 1, cols: 2 }], (e) => {
      e.input(0).set([1, 1]);
      expect(e.run(1)).toEqual({ status: 'ok' });
      expect(e.history().map((h) => [h.event, h.a])).toEqual([['edge-delete', 20], ['edge-delete', 25], ['edge-delete', 30], ['node-delete', 9]]);
      expect(e.costs().effectApplications).toBe(1);
      expect(trace(e, 1)).toEqual([[0, 0]]);
    });
  });

  it('remap-output swaps the slots of two output nodes', () => {
    const g = genome({
      inputs: [], outputs: [{ name: 'a' }, { name: 'b' }],
      nodes: [
        { key: 1, role: 'output', slot: 0, op: 'const', attrs: [1], effects: [{ kind: 'remap-output', a: 1 }] },
        { key: 2, role: 'output', slot: 1, op: 'const', attrs: [2] },
      ],
      edges: [],
    });
    inEveryMode(g, [{ rows: 1, cols: 5 }], (e) => {
      expect(e.run(2)).toEqual({ status: 'ok' });
      expect(Array.from(e.output(0))).toEqual([2, 2, 2, 2, 2]);
      expect(Array.from(e.output(1))).toEqual([1, 1, 1, 1, 1]);
      // At tick 2 node 1 already holds slot 1: the swap is with itself, and still logged.
      expect(e.history().map((h) => [h.tick, h.event, h.a, h.b])).toEqual([[1, 'remap-output', 1, 1], [2, 'remap-output', 1, 1]]);
    });
  });
});
