// Unit tests of the reference interpreter (test/engine/reference/) on tiny graphs whose expected
// values are worked out by hand in the comments, so that the reference itself is trusted before it
// judges the real engine in differential.test.ts.

import { describe, expect, it } from 'vitest';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome, LaneGroup } from '../../src/genome/types.ts';
import { emaJSON, lifJSON } from '../fixtures/genomes.ts';
import { Hash, mix } from './reference/hash.ts';
import { ReferenceEngine } from './reference/interpreter.ts';
import { selectEdges } from './reference/select.ts';
import { GraphState, type EffectState } from './reference/state.ts';

const f32 = Math.fround;

/** A genome from a few nodes and edges (JSON with defaults left out), one lane input, one output. */
function graph(nodes: unknown[], edges: unknown[], extra: Record<string, unknown> = {}): Genome {
  return parseGenome({
    format: 'l2l-genome', version: 1, name: 't', inputs: [{ name: 'x', width: 'lane' }], outputs: [{ name: 'y' }],
    maxDelay: 2, nodes, edges, ...extra,
  });
}

/** input 0 -> node 1 (the output, with the given op/fields) on port 0, weight 1. */
function unary(fields: Record<string, unknown>, groups: LaneGroup[], x: number[]): Float32Array {
  const g = graph([{ key: 0, role: 'input', slot: 0 }, { key: 1, role: 'output', slot: 0, ...fields }], [{ key: 2, source: 0, target: 1 }]);
  const r = new ReferenceEngine(g, groups);
  r.input(0).set(x);
  expect(r.run(1)).toEqual({ status: 'ok' });
  return r.output(0);
}

describe('reference: values', () => {
  it('EMA over 3 ticks: m_t = 0.1 x + 0.9 m_{t-1} as a float32 sum in edge key order', () => {
    const r = new ReferenceEngine(parseGenome(emaJSON()), [{ rows: 1, cols: 2 }]);
    r.input(0).set([1, 2]);
    const w1 = f32(0.1);
    const w9 = f32(0.9);
    // t=1: the delay-1 edge reads nothing yet: m = f32(w1 * x).
    const m1 = [f32(w1 * 1), f32(w1 * 2)];
    // t=2 and t=3: P = 0, then edge 2 (the input) and edge 3 (the delayed self edge):
    // m = f32(f32(w1 * x) + f32(w9 * m_prev)).
    const m2 = m1.map((m, l) => f32(f32(w1 * (l + 1)) + f32(w9 * m)));
    const m3 = m2.map((m, l) => f32(f32(w1 * (l + 1)) + f32(w9 * m)));
    for (const expected of [m1, m2, m3]) {
      r.run(1);
      expect([...r.output(0)]).toEqual(expected);
    }
    expect(m3[0]).toBeCloseTo(0.271, 6); // 0.1 + 0.09 + 0.081
  });

  it('a port sums its edges in ascending key order, rounding to float32 after each term', () => {
    // x = 1 through three edges: key 3 (w = 1e8), key 4 (w = 1), key 5 (w = -1e8), listed out of order.
    // Key order: f32(1e8 + 1) = 1e8 (float32 spacing is 8 there), then 1e8 - 1e8 = 0. (A float64 sum,
    // or the listed order -1e8, 1e8, 1, would give 1.)
    const g = graph(
      [{ key: 0, role: 'input', slot: 0 }, { key: 1, role: 'output', slot: 0 }],
      [{ key: 5, source: 0, target: 1, weight: -1e8 }, { key: 3, source: 0, target: 1, weight: 1e8 }, { key: 4, source: 0, target: 1, weight: 1 }],
    );
    const r = new ReferenceEngine(g, [{ rows: 1, cols: 1 }]);
    r.input(0)[0] = 1;
    r.run(1);
    expect(r.output(0)[0]).toBe(0);
  });

  it('LIF spike timing with decay, reset and a refractory count that counts touches', () => {
    // Input 1 -> LIF (weight 0.6, decay 0.5, threshold 1, reset 0, R = 1, emit spike):
    // t1 v = 0.6; t2 v = 0.3 + 0.6 = 0.9; t3 v = 0.45 + 0.6 = 1.05 >= 1: spike, v = 0, r = 1;
    // t4 refractory: P0 = 0.6 touches, r = 0, no spike, v stays 0; t5 0.6; t6 0.9; t7 spike.
    // t7's spike sets r = 1; input 0 at t8 does not touch the lane, so r stays 1; t9 (input 1)
    // touches: r = 0, no spike; t10 0.6, t11 0.9, t12 1.05: spike.
    const g = graph(
      [{ key: 0, role: 'input', slot: 0 },
        { key: 1, role: 'output', slot: 0, emit: 'spike', refractory: 1, policy: { kind: 'integrate', threshold: 1, decay: 0.5, reset: 0 } }],
      [{ key: 2, source: 0, target: 1, weight: 0.6 }],
    );
    const r = new ReferenceEngine(g, [{ rows: 1, cols: 1 }]);
    const spikes: number[] = [];
    for (let t = 1; t <= 12; t++) {
      r.input(0)[0] = t === 8 ? 0 : 1;
      r.run(1);
      spikes.push(r.output(0)[0] as number);
    }
    expect(spikes).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    // fired node-lanes: 3; state: integrate + refractory = 2 words.
    expect(r.costs().firedNodeLanes).toBe(3);
    expect(r.costs().stateBytesPerLane).toBe(8);
  });

  it('the LIF fixture halves its input weight on each spike', () => {
    // current 1, w = 0.6: spikes at t3 (v = 1.05); then w = 0.3. t4: refractory, touched, r = 0.
    // t5 v = 0.3, t6 0.45, t7 0.525, ... v -> 0.6 never reaches 1: no more spikes.
    const r = new ReferenceEngine(parseGenome(lifJSON()), [{ rows: 1, cols: 1 }]);
    r.input(0)[0] = 1;
    const out: number[] = [];
    for (let t = 0; t < 10; t++) {
      r.run(1);
      out.push(r.output(0)[0] as number);
    }
    expect(out).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(r.graph().genome.edges[0]?.weight).toBe(f32(0.3));
    expect(r.costs().effectApplications).toBe(1);
  });

  it('threshold fires where A >= threshold, emitting A', () => {
    const out = unary({ policy: { kind: 'threshold', threshold: 0.5 } }, [{ rows: 1, cols: 3 }], [0.2, 0.5, 0.9]);
    expect([...out]).toEqual([0, 0.5, f32(0.9)]);
  });

  it('random fires at about the probability, reproducibly per seed', () => {
    const g = graph(
      [{ key: 0, role: 'input', slot: 0 }, { key: 1, role: 'output', slot: 0, emit: 'spike', policy: { kind: 'random', probability: 0.3 } }],
      [],
    );
    const fired = (seed: number): Float32Array => {
      const r = new ReferenceEngine(g, [{ rows: 100, cols: 100 }], { seed });
      r.run(1);
      return Float32Array.from(r.output(0));
    };
    const a = fired(7);
    const rate = a.reduce((s, v) => s + v, 0) / a.length;
    expect(rate).toBeGreaterThan(0.28); // 10,000 lanes: standard deviation 0.0046
    expect(rate).toBeLessThan(0.32);
    expect(fired(7)).toEqual(a);
    expect(fired(8)).not.toEqual(a);
  });

  it('reductions over each group', () => {
    // groups [3, 4] and [1, -2, 2]
    const groups = [{ rows: 1, cols: 2 }, { rows: 1, cols: 3 }];
    const x = [3, 4, 1, -2, 2];
    const per = (a: number, b: number): number[] => [a, a, b, b, b];
    expect([...unary({ op: 'rsum' }, groups, x)]).toEqual(per(7, 1));
    expect([...unary({ op: 'rmean' }, groups, x)]).toEqual(per(3.5, f32(1 / 3)));
    expect([...unary({ op: 'rnorm' }, groups, x)]).toEqual(per(5, 3)); // sqrt(25), sqrt(9)
    expect([...unary({ op: 'rmaxabs' }, groups, x)]).toEqual(per(4, 2));
    expect([...unary({ op: 'rrms' }, groups, x)]).toEqual(per(f32(Math.sqrt(12.5)), f32(Math.sqrt(3))));
  });

  it('rowmean and colmean on a 2x3 group (row-major), next to a 1x1 group', () => {
    // [[1, 2, 3], [4, 5, 6]]: row means 2 and 5; column means 2.5, 3.5, 4.5. The 1x1 group is itself.
    const groups = [{ rows: 2, cols: 3 }, { rows: 1, cols: 1 }];
    const x = [1, 2, 3, 4, 5, 6, 9];
    expect([...unary({ op: 'rowmean' }, groups, x)]).toEqual([2, 2, 2, 5, 5, 5, 9]);
    expect([...unary({ op: 'colmean' }, groups, x)]).toEqual([2.5, 3.5, 4.5, 2.5, 3.5, 4.5, 9]);
  });

  it('elementwise ops at their edges', () => {
    const one = (op: string, x: number[], attrs?: number[]): number[] => [...unary({ op, attrs }, [{ rows: 1, cols: x.length }], x)];
    expect(one('sign', [-3, 0, 2])).toEqual([-1, 0, 1]);
    expect(one('sqrt', [-4, 4])).toEqual([0, 2]);
    expect(one('rsqrt', [0, 4, -1])).toEqual([0, 0.5, 0]);
    expect(one('exp', [100])).toEqual([f32(Math.exp(80))]);
    expect(one('log', [0, -Math.E])).toEqual([f32(Math.log(f32(1e-30))), f32(Math.log(f32(Math.E)))]);
    expect(one('clamp', [-5, 0.5, 5], [0, 1])).toEqual([0, 0.5, 1]);
    expect(one('every', [0], [2.6])).toEqual([0]); // k = floor(2.6 + 0.5) = 3; t = 1
    expect(one('const', [0], [1.5])).toEqual([1.5]);
  });

  it('a non-finite activation stops the run before effects, naming the first node in sweep order', () => {
    // x = 1e30: node 3 = x * x overflows (key 3 sweeps before key 4, which also overflows).
    const g = graph(
      [{ key: 0, role: 'input', slot: 0 }, { key: 3, op: 'square', effects: [{ kind: 'weight', target: 'edges', change: 'set', amount: { scale: 5 } }] },
        { key: 4, role: 'output', slot: 0, op: 'square' }],
      [{ key: 1, source: 0, target: 3 }, { key: 2, source: 0, target: 4 }, { key: 5, source: 3, target: 4, port: 1 }],
    );
    const r = new ReferenceEngine(g, [{ rows: 1, cols: 1 }]);
    r.input(0)[0] = 1e30;
    expect(r.run(5)).toEqual({ status: 'non-finite', nodeKey: 3, tick: 1 });
    expect(r.graph().genome.edges.map((e) => e.weight)).toEqual([1, 1, 1]);
  });
});

describe('reference: selection, effects, history', () => {
  it('orders candidates by each policy, ties by key', () => {
    // Node 1 has out edges 10..13 to 2, 3, 4 and 2 -> 5 (radius 2 reaches edge 14).
    const g = graph(
      [{ key: 0, role: 'input', slot: 0 }, { key: 1 }, { key: 2 }, { key: 3 }, { key: 4 }, { key: 5, role: 'output', slot: 0 }],
      [{ key: 10, source: 1, target: 2 }, { key: 11, source: 1, target: 3 }, { key: 12, source: 1, target: 4 },
        { key: 13, source: 1, target: 2, port: 1 }, { key: 14, source: 2, target: 5 }],
    );
    const s = new GraphState(g, 1);
    const set = (key: number, born: number, usage: number, chosen: number): void => {
      Object.assign(s.edges.get(key) as object, { born, usage, chosen });
    };
    set(10, 0, 5, 3);
    set(11, 2, 1, 0);
    set(12, 2, 5, 1);
    set(13, 1, 0, 3);
    const fx = (select: EffectState['select'], k = 0, radius = 1): EffectState => ({
      kind: 'weight', enabled: true, change: 'add', source: 'const', scale: 0, target: 'edges',
      direction: 'out', radius, select, k, a: 0, b: 0,
    });
    const keys = (f: EffectState): number[] => selectEdges(s, 1, f, 0, 9, new Hash(0)).map((e) => e.key);
    expect(keys(fx('all'))).toEqual([10, 11, 12, 13]);
    expect(keys(fx('all', 0, 2))).toEqual([10, 11, 12, 13, 14]);
    expect(keys(fx('newest'))).toEqual([12, 11, 13, 10]); // born 2, 2 (key desc), 1, 0
    expect(keys(fx('oldest'))).toEqual([10, 13, 11, 12]);
    // Selecting sets chosen = 9 on the selected: reset before each recency check.
    set(10, 0, 5, 3); set(11, 2, 1, 0); set(12, 2, 5, 1); set(13, 1, 0, 3);
    expect(keys(fx('most-used', 2))).toEqual([10, 12]); // usage 5, 5 by key
    expect(s.edges.get(10)?.chosen).toBe(9);
    expect(s.edges.get(11)?.chosen).toBe(0);
    set(10, 0, 5, 3); set(12, 2, 5, 1);
    expect(keys(fx('least-used'))).toEqual([13, 11, 10, 12]);
    set(10, 0, 5, 3); set(11, 2, 1, 0); set(12, 2, 5, 1); set(13, 1, 0, 3);
    expect(keys(fx('most-recent'))).toEqual([10, 13, 12, 11]);
    set(10, 0, 5, 3); set(11, 2, 1, 0); set(12, 2, 5, 1); set(13, 1, 0, 3);
    expect(keys(fx('least-recent'))).toEqual([11, 12, 10, 13]);
    // random: a permutation, fixed by (seed, t, node, position).
    const shuffled = keys(fx('random'));
    expect([...shuffled].sort()).toEqual([10, 11, 12, 13]);
    expect(keys(fx('random'))).toEqual(shuffled);
    // Against the direction: the edges into 5, then into 2.
    expect(selectEdges(s, 5, { ...fx('all', 0, 2), direction: 'in' }, 0, 9, new Hash(0)).map((e) => e.key)).toEqual([10, 13, 14]);
  });

  it('random selection is the documented partial Fisher-Yates draw', () => {
    // m = 3 candidates [a, b, c]: j = 0 swaps with H(t, key, 65536 + i, 0) mod 3, then j = 1 with
    // 1 + H(..., 1) mod 2; k = 1 keeps the first.
    const h = new Hash(123);
    const s = [20, 21, 22];
    for (let j = 0; j < 3; j++) {
      const r = j + (h.H(4, 1, 65536 + 2, j) % (3 - j));
      [s[j], s[r]] = [s[r] as number, s[j] as number];
    }
    const g = graph(
      [{ key: 0, role: 'input', slot: 0 }, { key: 1 }, { key: 2, role: 'output', slot: 0 }],
      [20, 21, 22].map((key, p) => ({ key, source: 1, target: 2, port: p })),
    );
    const st = new GraphState(g, 1);
    const fx: EffectState = {
      kind: 'weight', enabled: true, change: 'add', source: 'const', scale: 0, target: 'edges',
      direction: 'out', radius: 1, select: 'random', k: 1, a: 0, b: 0,
    };
    expect(selectEdges(st, 1, fx, 2, 4, h).map((e) => e.key)).toEqual([s[0]]);
  });

  it('the hash: mix is lowbias32 and H chains five mixes', () => {
    expect(mix(0)).toBe(0);
    const h = new Hash(2 ** 32 + 5); // seedLo 5, seedHi 1
    expect([h.seedLo, h.seedHi]).toEqual([5, 1]);
    let x = mix(5 ^ Math.imul(1, 0x9e3779b1));
    x = mix(x ^ 1);
    x = mix(x ^ Math.imul(2, 0x85ebca77));
    x = mix(x ^ Math.imul(3, 0xc2b2ae3d));
    x = mix(x ^ 0);
    expect(h.H(1, 2, 3, 0)).toBe(x);
    expect(h.hash01(1, 2, 3)).toBe((x >>> 8) / 2 ** 24);
  });

  it("a split's keys and log, then cap-nodes", () => {
    // Output node 1 splits its input edge 5 each tick. nextKey = 6: node 6, edges 7 (0 -> 6, port 0,
    // weight 1, delay 0) and 8 (6 -> 1, the old port 0, weight 0.5). At t = 2 the candidate is edge 8 but
    // caps.nodes = 3 is reached: a cap-nodes no-op (an application).
    const g = graph(
      [{ key: 0, role: 'input', slot: 0 },
        { key: 1, role: 'output', slot: 0, op: 'mul', effects: [{ kind: 'edge-split', target: 'edges', select: { direction: 'in' } }] }],
      [{ key: 5, source: 0, target: 1, port: 0, weight: 0.5 }, { key: 4, source: 0, target: 1, port: 1, weight: 2, enabled: false }],
      { caps: { nodes: 3, edges: 8, effectsPerNode: 2, applicationsPerTick: 8 } },
    );
    const r = new ReferenceEngine(g, [{ rows: 1, cols: 2 }]);
    r.input(0).set([2, 3]);
    r.run(2);
    expect(r.history()).toEqual([
      { tick: 1, event: 'node-create', a: 6, b: 0, c: 0 },
      { tick: 1, event: 'edge-create', a: 7, b: 0, c: 6 },
      { tick: 1, event: 'edge-create', a: 8, b: 6, c: 1 },
      { tick: 1, event: 'edge-delete', a: 5, b: 0, c: 0 },
    ]);
    const { genome, usage } = r.graph();
    expect(genome.nodes.map((n) => [n.key, n.role, n.op, n.policy.decay, n.policy.probability])).toEqual([
      [0, 'input', 'identity', 1, 1], [1, 'output', 'mul', 1, 1], [6, 'hidden', 'identity', 1, 1],
    ]);
    expect(genome.edges.map((e) => [e.key, e.source, e.target, e.port, e.weight, e.delay, e.enabled])).toEqual([
      [4, 0, 1, 1, 2, 0, false], [7, 0, 6, 0, 1, 0, true], [8, 6, 1, 0, 0.5, 0, true],
    ]);
    // t=2 reads the new edges (born 1 < 2): output = mul(0.5 x, 0) = 0 (port 1's edge is disabled).
    expect([...r.output(0)]).toEqual([0, 0]);
    expect(usage.get(7)).toBe(1); // edge 7 used at t = 2; edge 8 too (6 outputs x)
    expect(usage.get(8)).toBe(1);
    const c = r.costs();
    expect(c.noops['cap-nodes']).toBe(1);
    expect(c.effectApplications).toBe(2);
  });

  it('no-op reasons: cycle, duplicate, index, role, range, no-target, cap-applications', () => {
    // Sweep order 0, 2, 1, 6. Hidden node 2 (input 0 -> 2 -> output 1) applies, in order:
    // 0 edge-create 2 -> 2 (self), port 0, delay 0: cycle;
    // 1 edge-create to its out-neighbour 1, port 0, delay 0: duplicate of edge 11;
    // 2 attr a = 7: index;
    // 3 set-op on its in-neighbour 0, an input node: role;
    // 4 weight div by 0 on edge 11: range;
    // 5 node-delete on its in-neighbour 0: role;
    // 6 weight += 1 on the out-edges within 3 hops (edge 11 only): the 7th application, succeeds;
    // 7 weight on the in-edges within 2 hops (edge 10): the cap of 7 is reached: cap-applications.
    // Node 6 has no edges: its weight effect has no target: no-target (not an application).
    const fx = (f: Record<string, unknown>): Record<string, unknown> => ({ kind: 'attr', ...f });
    const g = graph(
      [{ key: 0, role: 'input', slot: 0 }, { key: 1, role: 'output', slot: 0 },
        { key: 2, effects: [
          fx({ kind: 'edge-create', a: 0, b: 0, amount: { scale: 1 } }),
          fx({ kind: 'edge-create', target: 'edges', a: 0, b: 0, amount: { scale: 1 } }),
          fx({ a: 7 }),
          fx({ kind: 'set-op', target: 'edges', select: { direction: 'in' }, a: 1 }),
          fx({ kind: 'weight', target: 'edges', change: 'div', amount: { scale: 0 } }),
          fx({ kind: 'node-delete', target: 'edges', select: { direction: 'in' } }),
          fx({ kind: 'weight', target: 'edges', select: { direction: 'out', radius: 3 }, amount: { scale: 1 } }),
          fx({ kind: 'weight', target: 'edges', select: { direction: 'in', radius: 2 }, amount: { scale: 1 } }),
        ] },
        { key: 6, effects: [fx({ kind: 'weight', target: 'edges' })] }],
      [{ key: 10, source: 0, target: 2 }, { key: 11, source: 2, target: 1 }],
      { caps: { nodes: 8, edges: 8, effectsPerNode: 8, applicationsPerTick: 7 } },
    );
    const r = new ReferenceEngine(g, [{ rows: 1, cols: 1 }]);
    r.input(0)[0] = 1;
    r.run(1);
    const c = r.costs();
    expect(c.noops).toEqual({
      'no-target': 1, 'cap-nodes': 0, 'cap-edges': 0, 'cap-applications': 1, cycle: 1, duplicate: 1,
      range: 1, role: 2, index: 1,
    });
    expect(c.effectApplications).toBe(7);
    expect(r.graph().genome.edges.map((e) => e.weight)).toEqual([1, 2]);
    expect(r.history()).toEqual([]);
  });

  it('node-delete logs edge-deletes in key order, then the node; a deleted node does not act', () => {
    // Hidden 3 deletes itself at t=1: its edges 7, 4 and the self-loop 9 go in key order 4, 7, 9, then
    // the node; it stops there, so its set-op effect is never applied (one application in all).
    const g = graph(
      [{ key: 0, role: 'input', slot: 0 }, { key: 1, role: 'output', slot: 0 },
        { key: 3, effects: [{ kind: 'node-delete' }, { kind: 'set-op', a: 5 }] }],
      [{ key: 7, source: 0, target: 3 }, { key: 4, source: 3, target: 1 }, { key: 9, source: 3, target: 3, delay: 1 }],
    );
    const r = new ReferenceEngine(g, [{ rows: 1, cols: 1 }]);
    r.run(1);
    expect(r.history().map((h) => [h.event, h.a])).toEqual([
      ['edge-delete', 4], ['edge-delete', 7], ['edge-delete', 9], ['node-delete', 3],
    ]);
    expect(r.costs().effectApplications).toBe(1);
  });

  it('the effect list is live: a move during the walk skips and repeats', () => {
    // Node 1's list [move 0 -> 2, attr0 += 1, attr1 += 1]. i = 0 moves itself to the end:
    // [attr0, attr1, move]; i = 1 applies attr1 += 1; i = 2 moves attr0 to the end:
    // [attr1, move, attr0]; i = 3 ends the walk. So attr0 stays 0, attr1 = 1; two log entries
    // (node 1, kind effect-move = 7, position 0).
    const g = graph(
      [{ key: 0, role: 'input', slot: 0 }, { key: 1, role: 'output', slot: 0, effects: [
        { kind: 'effect-move', a: 0, b: 2 },
        { kind: 'attr', a: 0, amount: { scale: 1 } },
        { kind: 'attr', a: 1, amount: { scale: 1 } },
      ] }],
      [],
    );
    const r = new ReferenceEngine(g, [{ rows: 1, cols: 1 }]);
    r.run(1);
    const node = r.graph().genome.nodes[1];
    expect(node?.attrs).toEqual([0, 1, 0, 0]);
    expect(node?.effects.map((e) => e.kind)).toEqual(['attr', 'effect-move', 'attr']);
    expect(r.history()).toEqual([
      { tick: 1, event: 'effect-list', a: 1, b: 7, c: 0 }, { tick: 1, event: 'effect-list', a: 1, b: 7, c: 0 },
    ]);
  });

  it('effect-replace copies the acting node\'s effect into its target; a disabled effect is skipped', () => {
    // Sweep order 0, 1, 2, 3 (edge 4 is delayed). Node 2 disables node 3's effect 0, replaces node 3's
    // effect 1 by a copy of its own effect 2 (attr2 set 4, target self), then applies that effect to
    // itself. Node 3 walks [attr0 += 1 (disabled), attr2 set 4]: its attr2 = 4, attr0 stays 0.
    const g = graph(
      [{ key: 0, role: 'input', slot: 0 }, { key: 1, role: 'output', slot: 0 },
        { key: 2, effects: [
          { kind: 'effect-disable', target: 'edges', a: 0 },
          { kind: 'effect-replace', target: 'edges', a: 1, b: 2 },
          { kind: 'attr', a: 2, change: 'set', amount: { scale: 4 } },
        ] },
        { key: 3, effects: [{ kind: 'attr', a: 0, amount: { scale: 1 } }, { kind: 'attr', a: 1, amount: { scale: 1 } }] }],
      [{ key: 4, source: 2, target: 3, delay: 1 }],
    );
    const r = new ReferenceEngine(g, [{ rows: 1, cols: 1 }]);
    r.run(1);
    const [n2, n3] = [2, 3].map((k) => r.graph().genome.nodes.find((n) => n.key === k));
    expect(n2?.attrs).toEqual([0, 0, 4, 0]);
    expect(n3?.attrs).toEqual([0, 0, 4, 0]);
    expect(n3?.effects.map((e) => [e.kind, e.enabled, e.a, e.change])).toEqual([['attr', false, 0, 'add'], ['attr', true, 2, 'set']]);
    expect(r.history()).toEqual([
      { tick: 1, event: 'effect-list', a: 3, b: 6, c: 0 }, { tick: 1, event: 'effect-list', a: 3, b: 8, c: 1 },
    ]);
  });

  it('remap-input swaps slots; the data follows the slot', () => {
    // Inputs 0 (slot 0, lane) and 1 (slot 1, scalar) feed output 2 on ports 0 and 1 (op sub: x - y).
    // Node 0 remaps itself to slot 1 at t = 1, so from t = 2 node 0 reads slot 1 and node 1 slot 0.
    const g = parseGenome({
      format: 'l2l-genome', version: 1, name: 'r', inputs: [{ name: 'a', width: 'lane' }, { name: 'b', width: 'scalar' }],
      outputs: [{ name: 'y' }],
      nodes: [{ key: 0, role: 'input', slot: 0, effects: [{ kind: 'remap-input', a: 1 }] }, { key: 1, role: 'input', slot: 1 },
        { key: 2, role: 'output', slot: 0, op: 'sub' }],
      edges: [{ key: 3, source: 0, target: 2 }, { key: 4, source: 1, target: 2, port: 1 }],
    });
    const r = new ReferenceEngine(g, [{ rows: 1, cols: 2 }]);
    r.input(0).set([5, 7]);
    r.input(1)[0] = 1;
    r.run(1);
    expect([...r.output(0)]).toEqual([4, 6]); // a - b
    r.run(1);
    expect([...r.output(0)]).toEqual([-4, -6]); // b - a
    expect(r.history()[0]).toEqual({ tick: 1, event: 'remap-input', a: 0, b: 1, c: 0 });
    expect(r.graph().genome.nodes.map((n) => n.slot)).toEqual([1, 0, 0]);
  });

  it('costs of the EMA graph over 3 ticks on 4 lanes', () => {
    // Node 1 is lane-wide: 4 evaluations a tick (12). Edge 2 is used every tick (4 x 3 = 12), the
    // delay-1 edge 3 from t = 2 (4 x 2 = 8). State: node 1's delay-1 out edge: 1 word = 4 bytes.
    // Graph: 4 * (16 + 1 + 2 * 20 + 2 * 8) = 292.
    const r = new ReferenceEngine(parseGenome(emaJSON()), [{ rows: 2, cols: 2 }]);
    r.input(0).fill(1);
    r.run(3);
    const c = r.costs();
    expect([c.nodeLaneEvaluations, c.edgeLaneTraversals, c.effectApplications, c.work]).toEqual([12, 20, 0, 32]);
    expect([c.stateBytesPerLane, c.graphBytes, c.ticks, c.firedNodeLanes]).toEqual([4, 292, 3, 12]);
    expect(r.graph().usage).toEqual(new Map([[2, 3], [3, 2]]));
  });

  it('widths decide costs: a scalar input, a group reduction and a const', () => {
    // 2 groups, 5 lanes. Scalar input 0 -> node 1 (identity: scalar, 1) -> node 2 (rsum: group, 2);
    // const node 3 (scalar, 1) -> output 4 (max of its sources: group, 2). Per tick 6 evaluations.
    // Used edges per tick (all sources nonzero): 0->1 (1), 1->2 (1), 2->4 (2), 3->4 (1) = 5.
    const g = parseGenome({
      format: 'l2l-genome', version: 1, name: 'w', inputs: [{ name: 's', width: 'scalar' }], outputs: [{ name: 'y' }],
      nodes: [{ key: 0, role: 'input', slot: 0 }, { key: 1 }, { key: 2, op: 'rsum' }, { key: 3, op: 'const', attrs: [2] },
        { key: 4, role: 'output', slot: 0, op: 'add' }],
      edges: [{ key: 5, source: 0, target: 1 }, { key: 6, source: 1, target: 2 }, { key: 7, source: 2, target: 4 },
        { key: 8, source: 3, target: 4, port: 1 }],
    });
    const r = new ReferenceEngine(g, [{ rows: 1, cols: 2 }, { rows: 1, cols: 3 }]);
    r.input(0)[0] = 1;
    r.run(2);
    expect([...r.output(0)]).toEqual([4, 4, 5, 5, 5]); // rsum of 1s: 2 and 3, plus 2
    const c = r.costs();
    expect([c.nodeLaneEvaluations, c.edgeLaneTraversals]).toEqual([12, 10]);
  });
});
