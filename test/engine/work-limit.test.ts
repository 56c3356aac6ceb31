// Effect search and the work limit (docs/engine.md, Costs and Work limit). The effect search of a
// small graph is worked out by hand from the spec and checked in every mode and in the reference;
// the limit must stop a run in the tick whose work passes it, after its sweep or inside its effects
// step, the same way every time.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import type { RunOptions } from '../../src/engine/types.ts';
import { adamGenome } from '../../src/examples/adam.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome } from '../../src/genome/types.ts';
import { ReferenceEngine } from './reference/interpreter.ts';

const MODES: RunOptions[] = [{ mode: 'tiled', tile: 4 }, { mode: 'tiled' }, { mode: 'event' }];
let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const weights = { kind: 'weight', change: 'add', amount: { source: 'const', scale: 0 }, target: 'edges' };

/**
 * Node 1 (a constant, so it fires every tick) acts on this graph:
 *   1 -> 2 (edge 10), 1 -> 3 (edge 11, disabled), 2 -> 4 (12), 2 -> 5 (13), 3 -> 5 (14), x -> 2 (15)
 * with three effects: weights of every edge within 2 hops; an edge 1 -> 1 on port y with delay 0
 * (a cycle); deleting the far end of the newest edge within 1 hop (node 2).
 */
function searchGenome(): Genome {
  return parseGenome({
    format: 'l2l-genome', version: 1, name: 'search', inputs: [{ name: 'x', width: 'lane' }], outputs: [{ name: 'y' }],
    caps: { nodes: 8, edges: 8, effectsPerNode: 3, applicationsPerTick: 8 },
    nodes: [
      { key: 0, role: 'input', slot: 0 },
      {
        key: 1, op: 'const', attrs: [1], effects: [
          { ...weights, select: { policy: 'all', k: 0, direction: 'out', radius: 2 } },
          { kind: 'edge-create', amount: { source: 'const', scale: 0.5 }, target: 'self', a: 1, b: 0 },
          { kind: 'node-delete', target: 'edges', select: { policy: 'newest', k: 1, direction: 'out', radius: 1 } },
        ],
      },
      { key: 2 }, { key: 3 }, { key: 4 }, { key: 5, role: 'output', slot: 0 },
    ],
    edges: [
      { key: 10, source: 1, target: 2 }, { key: 11, source: 1, target: 3, enabled: false }, { key: 12, source: 2, target: 4 },
      { key: 13, source: 2, target: 5 }, { key: 14, source: 3, target: 5 }, { key: 15, source: 0, target: 2 },
    ],
  });
}

describe('effect search', () => {
  it('counts the edges selections examine and m ceil(log2 m) to order them, edge-create\'s checks and a deleted node\'s edges', () => {
    // Tick 1. Weights: hop 1 examines 1's two out-edges (11 is disabled), hop 2 node 2's two:
    // 4 examined, 3 candidates ordered (3 x 2): 10. Edge-create: the duplicate check examines 1's
    // two out-edges, the cycle check the out-edges of 1, 2, 4, 5 (reached through delay-0 edges): 2
    // + 4 = 6, a cycle. Node-delete: 2 examined, 1 candidate (1 x 0), node 2's four edges: 6.
    // Tick 2, node 2 gone: weights examine edge 11 (no candidate); edge-create 1 + 1 (only node 1
    // is reached); node-delete 1: 4.
    const expected = [22, 26];
    const applications = [5, 6];
    const check = (costs: () => { effectSearch: number; effectApplications: number; work: number; nodeLaneEvaluations: number; edgeLaneTraversals: number }, run: () => unknown, what: string): void => {
      for (let t = 0; t < 2; t++) {
        expect(run(), what).toEqual({ status: 'ok' });
        const c = costs();
        expect(c.effectSearch, `${what} tick ${t + 1}`).toBe(expected[t]);
        expect(c.effectApplications, `${what} tick ${t + 1}`).toBe(applications[t]);
        expect(c.work).toBe(c.nodeLaneEvaluations + c.edgeLaneTraversals + c.effectApplications + c.effectSearch);
      }
    };
    for (const options of MODES) {
      engine.load(searchGenome(), [{ rows: 1, cols: 6 }], options);
      engine.input(0).fill(1);
      check(() => engine.costs(), () => engine.run(1), `${options.mode}/${options.tile ?? 0}`);
    }
    const ref = new ReferenceEngine(searchGenome(), [{ rows: 1, cols: 6 }]);
    ref.input(0).fill(1);
    check(() => ref.costs(), () => ref.run(1), 'reference');
  });
});

/** n constant nodes, each with four selections of the newest edge within 8 hops, over every pair i < j. */
function selecting(n: number): Genome {
  const effect = { ...weights, select: { policy: 'newest', k: 1, direction: 'out', radius: 8 } };
  const edges: Record<string, unknown>[] = [{ key: 1, source: 0, target: 1 }];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) edges.push({ key: 100 + i * n + j, source: 10 + i, target: 10 + j });
  return parseGenome({
    format: 'l2l-genome', version: 1, name: 'selecting', inputs: [{ name: 'x', width: 'lane' }], outputs: [{ name: 'y' }],
    caps: { nodes: 64, edges: 2048, effectsPerNode: 4, applicationsPerTick: 4096 },
    nodes: [
      { key: 0, role: 'input', slot: 0 }, { key: 1, role: 'output', slot: 0 },
      ...Array.from({ length: n }, (_, i) => ({ key: 10 + i, op: 'const', attrs: [0], effects: [effect, effect, effect, effect] })),
    ],
    edges,
  });
}

describe('the work limit', () => {
  it('stops a run in the tick whose sweep takes the work past it, with that tick complete', () => {
    const genome = adamGenome();
    const groups = [{ rows: 10, cols: 100 }];
    const cumulative: number[] = [];
    engine.load(genome, groups, { seed: 2 });
    for (let t = 1; t <= 5; t++) {
      engine.input(0).fill(0.25);
      engine.input(1).fill(1);
      engine.run(1);
      cumulative.push(engine.costs().work);
    }
    const [, , third = 0, fourth = 0] = cumulative;
    for (const [budget, stop, work] of [[third, 4, fourth], [third - 1, 3, third]] as const) {
      for (const options of MODES.slice(1)) {
        engine.load(genome, groups, { ...options, seed: 2, workBudget: budget });
        engine.input(0).fill(0.25);
        engine.input(1).fill(1);
        expect(engine.run(10)).toEqual({ status: 'work-limit', tick: stop });
        expect(engine.costs().work).toBe(work);
        expect(engine.tick).toBe(stop);
        // Once over the limit, no further tick runs.
        expect(engine.run(1)).toEqual({ status: 'work-limit', tick: stop });
        expect(engine.tick).toBe(stop);
      }
    }
    engine.load(genome, groups, { seed: 2, workBudget: Number.POSITIVE_INFINITY });
    expect(engine.run(5)).toEqual({ status: 'ok' });
    expect(() => engine.load(genome, groups, { workBudget: -1 })).toThrow('workBudget must be a non-negative number (got -1)');
  });

  it('stops inside the effects step, at the first selection after which the work passes it', () => {
    const genome = selecting(40); // 780 edges; node 10 reaches all of them
    const groups = [{ rows: 1, cols: 16 }];
    engine.load(genome, groups);
    expect(engine.run(1)).toEqual({ status: 'ok' });
    const full = engine.costs();
    const sweep = full.nodeLaneEvaluations + full.edgeLaneTraversals;
    const budget = sweep + Math.floor(full.effectSearch / 3);
    const stopped = MODES.map((options) => {
      engine.load(genome, groups, { ...options, workBudget: budget });
      expect(engine.run(3)).toEqual({ status: 'work-limit', tick: 1 });
      return engine.costs();
    });
    const [first] = stopped;
    if (first === undefined) throw new Error('no run');
    for (const c of stopped) expect(c).toEqual(first); // the same stop in every mode
    expect(first.work).toBeGreaterThan(budget);
    // Past the budget by at most one selection (780 edges examined, ordered 780 x 10) and its application.
    expect(first.work - budget).toBeLessThanOrEqual(780 * 11 + 1);
    expect(first.effectApplications).toBeLessThan(full.effectApplications);
    expect(first.effectApplications).toBeGreaterThan(0);
  });
});
