// Tiled mode runs some chains of lane nodes in one pass over a tile (an identity sum with its
// division by a narrow value and that quotient's square root; a division with the sum that reads
// it). Random graphs rarely take that shape, so this graph is built to: the fused passes must give
// what the reference interpreter gives, bit for bit within the differential tolerance, including
// special values (+-0, NaN, +-Inf, huge), tails of tiles, several groups and a delayed self edge
// that makes a fusion fall back to the ordinary path.
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { LaneGroup } from '../../src/genome/types.ts';
import { createRng } from '../../src/util/rng.ts';
import { diffCosts, diffHistory, diffLanes, diffResult } from './reference/compare.ts';
import { ReferenceEngine } from './reference/interpreter.ts';

const MODES = [{ mode: 'tiled' as const }, { mode: 'tiled' as const, tile: 8 }, { mode: 'tiled' as const, tile: 12 }, { mode: 'event' as const }];
const SPECIAL = [0, -0, Number.NaN, Infinity, -Infinity, 1e-30, -1e30, 3e38];

function fusable(w1: number, w2: number, divisor: number, selfEdge: boolean) {
  const nodes = [
    { key: 0, role: 'input', slot: 0 }, { key: 1, role: 'input', slot: 1 },
    { key: 2, op: 'identity' }, // x = g w1 + p w2
    { key: 3, op: 'const', attrs: [divisor] },
    { key: 4, op: 'div' }, // c = x / divisor
    { key: 5, op: 'sqrt' }, // s = sqrt(c)
    { key: 6, op: 'div' }, // d = s / p
    { key: 7, role: 'output', slot: 0, op: 'identity' }, // o = d w1 + g
    { key: 8, role: 'output', slot: 1, op: 'identity' }, // q = -c
  ];
  const links: [number, number, number, number, number][] = [
    [0, 2, 0, w1, 0], [1, 2, 0, w2, 0], [3, 4, 1, 1, 0], [2, 4, 0, 1, 0], [4, 5, 0, 1, 0], [5, 6, 0, 1, 0],
    [1, 6, 1, 1, 0], [6, 7, 0, w1, 0], [0, 7, 0, 1, 0], [4, 8, 0, -1, 0],
  ];
  if (selfEdge) links.push([7, 7, 0, 0.5, 1]);
  return parseGenome({
    format: 'l2l-genome', version: 1, name: 'fusable',
    inputs: [{ name: 'g', width: 'lane' }, { name: 'p', width: 'lane' }], outputs: [{ name: 'o' }, { name: 'q' }],
    caps: { nodes: 32, edges: 64, effectsPerNode: 0, applicationsPerTick: 0 }, maxDelay: 1,
    nodes, edges: links.map(([source, target, port, weight, delay], i) => ({ key: 100 + i, source, target, port, weight, delay })),
  });
}

const CASES: [number, number, number, boolean][] = [[1, 1, 2, false], [0.5, -2, -3, false], [1, 0.25, 0, false], [-1, 1, 1, true], [2, 1, -0, true]];
const GROUPS: LaneGroup[][] = [[{ rows: 3, cols: 7 }], [{ rows: 1, cols: 13 }, { rows: 2, cols: 5 }], [{ rows: 1, cols: 1 }], [{ rows: 10, cols: 31 }]];

describe('fused tiled passes', () => {
  it('agree with the reference interpreter', async () => {
    const engines = await Promise.all(MODES.map(() => Engine.create()));
    const rng = createRng(999);
    const draw = () => (rng.next() < 0.2 ? (SPECIAL[rng.int(SPECIAL.length)] as number) : rng.next() - 0.5);
    for (const [w1, w2, divisor, selfEdge] of CASES) {
      for (const groups of GROUPS) {
        const genome = fusable(w1, w2, divisor, selfEdge);
        const lanes = groups.reduce((n, g) => n + g.rows * g.cols, 0);
        const reference = new ReferenceEngine(genome, groups, { seed: 7 });
        engines.forEach((e, i) => e.load(genome, groups, { ...MODES[i], seed: 7 }));
        const where = `case ${JSON.stringify([w1, w2, divisor, selfEdge, groups])}`;
        for (let t = 0; t < 8; t++) {
          const g = Float32Array.from({ length: lanes }, draw);
          const p = Float32Array.from({ length: lanes }, draw);
          reference.input(0).set(g);
          reference.input(1).set(p);
          const expected = reference.run(1);
          engines.forEach((e, i) => {
            e.input(0).set(g);
            e.input(1).set(p);
            const got = e.run(1);
            const difference = diffResult(expected, got) ?? diffLanes('o', reference.output(0), e.output(0)) ?? diffLanes('q', reference.output(1), e.output(1));
            expect(difference, `${where}, mode ${JSON.stringify(MODES[i])}, tick ${t + 1}`).toBeNull();
          });
        }
        engines.forEach((e, i) => {
          const difference = diffCosts(reference.costs(), e.costs()) ?? diffHistory(reference.history(), e.history());
          expect(difference, `${where}, mode ${JSON.stringify(MODES[i])}`).toBeNull();
        });
      }
    }
  });
});
