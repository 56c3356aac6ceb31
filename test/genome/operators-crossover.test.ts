// Crossover aligned by innovation keys: a genome crossed with itself is itself; matching genes come
// from either parent, disjoint and excess genes from the fitter one (from both at equal fitness);
// a child that would close a delay-0 cycle is repaired; parents with other slots are rejected.

import { describe, expect, it } from 'vitest';
import { crossover, type CrossoverResult } from '../../src/genome/crossover.ts';
import { findDelayZeroCycle } from '../../src/genome/cycle.ts';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { addEdge, closesCycle, splitEdge } from '../../src/genome/mutate-structure.ts';
import { mutateWeights } from '../../src/genome/mutate-values.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import type { Genome } from '../../src/genome/types.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { createRng } from '../../src/util/rng.ts';
import { childProblem, seedGenomes } from './harness.ts';

const child = (r: CrossoverResult): Genome => {
  if (r.status !== 'ok') throw new Error(r.reason);
  return r.genome;
};
const keys = (g: Genome): number[] => [...g.nodes.map((n) => n.key), ...g.edges.map((e) => -1 - e.key)].sort((a, b) => a - b);

describe('crossover', () => {
  it('of a genome with itself gives itself', () => {
    const rng = createRng(1);
    for (const g of seedGenomes()) {
      expect(child(crossover({ genome: g, fitness: 1 }, { genome: g, fitness: 1 }, rng))).toEqual(g);
      expect(child(crossover({ genome: g, fitness: 2 }, { genome: g, fitness: 1 }, rng))).toEqual(g);
    }
  });

  it('takes disjoint and excess genes from the fitter parent, matching ones from either', () => {
    const adam = seedByName('adam').build();
    const tracker = new InnovationTracker([adam]);
    const a = (mutateWeights(adam, createRng(1), tracker, undefined) as { genome: Genome }).genome;
    const grown = (splitEdge(a, createRng(2), tracker) as { genome: Genome }).genome;
    const b = (mutateWeights(grown, createRng(3), tracker) as { genome: Genome }).genome;
    const fromA = new Set<number>();
    const fromB = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      const c = child(crossover({ genome: a, fitness: 2 }, { genome: b, fitness: 1 }, createRng(seed)));
      expect(keys(c)).toEqual(keys(a));
      const d = child(crossover({ genome: a, fitness: 1 }, { genome: b, fitness: 2 }, createRng(seed)));
      expect(keys(d)).toEqual(keys(b));
      for (const e of c.edges) {
        const wa = a.edges.find((x) => x.key === e.key)?.weight;
        const wb = b.edges.find((x) => x.key === e.key)?.weight;
        if (wa !== wb) (e.weight === wa ? fromA : fromB).add(e.key);
      }
    }
    expect(fromA.size).toBeGreaterThan(0);
    expect(fromB.size).toBeGreaterThan(0);
  });

  it('takes the genes of both parents at equal fitness', () => {
    const adam = seedByName('adam').build();
    const adamw = seedByName('adamw').build();
    const c = child(crossover({ genome: adam, fitness: 1 }, { genome: adamw, fitness: 1 }, createRng(4)));
    expect(keys(c)).toEqual([...new Set([...keys(adam), ...keys(adamw)])].sort((x, y) => x - y));
    expect(childProblem(c)).toBeNull();
  });

  it('repairs an inherited combination that would close a delay-0 cycle', () => {
    // Two parents of the same seed, each with one new delay-0 edge; together they close a cycle.
    const seed = seedByName('adam').build();
    const tracker = new InnovationTracker([seed]);
    const probe = (source: number, target: number) => ({ key: -1, source, target, port: 0, weight: 1, delay: 0, enabled: true });
    const candidates = seed.nodes.filter((n) => n.role !== 'input');
    const pair = candidates.flatMap((n) => candidates.map((m) => [n.key, m.key] as const))
      .find(([p, q]) => p !== q && !closesCycle(seed, probe(p, q)) && !closesCycle(seed, probe(q, p)));
    const [x, y] = pair as readonly [number, number];
    const withEdge = (g: Genome, source: number, target: number): Genome => parseGenome({
      ...g, edges: [...g.edges, { key: tracker.edgeKey(source, target, 0, 0), source, target, port: 0, weight: 1, delay: 0, enabled: true }],
    });
    const a = withEdge(seed, x, y);
    const b = withEdge(seed, y, x);
    expect(findDelayZeroCycle(a.nodes, a.edges)).toBeNull();
    const r = crossover({ genome: a, fitness: 1 }, { genome: b, fitness: 1 }, createRng(5));
    const c = child(r);
    expect(findDelayZeroCycle(c.nodes, c.edges)).toBeNull();
    expect(r.status === 'ok' && r.description).toMatch(/1 edges repaired$/);
    expect(c.edges.at(-1)).toMatchObject({ source: y, target: x, delay: 1 });
  });

  it('rejects parents with other slots, and children over the caps, with the reason', () => {
    const adam = seedByName('adam').build();
    const other = { ...adam, outputs: [{ name: 'update' }] };
    expect(crossover({ genome: adam, fitness: 1 }, { genome: other, fitness: 1 }, createRng(1)))
      .toEqual({ status: 'rejected', reason: 'crossover: the parents have different input or output slots' });
    // sgd has 2 edges and momentum 4; together, at equal fitness, 5.
    const sgd = seedByName('sgd').build();
    const small = { ...sgd, caps: { ...sgd.caps, edges: 4 } };
    const momentum = { ...seedByName('momentum').build(), caps: { ...sgd.caps, edges: 4 } };
    const r = crossover({ genome: small, fitness: 1 }, { genome: momentum, fitness: 1 }, createRng(1));
    expect(r).toEqual({ status: 'rejected', reason: 'crossover: the child would have 5 edges, over caps.edges 4' });
  });

  it('is deterministic', () => {
    const tracker = new InnovationTracker(seedGenomes());
    const a = (addEdge(seedByName('yogi').build(), createRng(1), tracker) as { genome: Genome }).genome;
    const b = seedByName('adabelief').build();
    const run = (seed: number): CrossoverResult => crossover({ genome: a, fitness: 0.5 }, { genome: b, fitness: 0.5 }, createRng(seed));
    expect(run(8)).toEqual(run(8));
  });
});
