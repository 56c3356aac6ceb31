// The compatibility distance: 0 from a genome to itself, symmetric, growing with structural change,
// and smaller between related seeds (Adam and AdamW share their moments) than unrelated ones.

import { describe, expect, it } from 'vitest';
import { compatibilityDistance, DEFAULT_DISTANCE, distanceTerms } from '../../src/genome/distance.ts';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { mutate } from '../../src/genome/mutate.ts';
import { addEdge } from '../../src/genome/mutate-structure.ts';
import { mutateOp, mutatePolicy } from '../../src/genome/mutate-values.ts';
import type { Genome } from '../../src/genome/types.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { createRng } from '../../src/util/rng.ts';
import { seedGenomes } from './harness.ts';

const ok = (r: { status: string; genome?: Genome; reason?: string }): Genome => {
  if (r.genome === undefined) throw new Error(r.reason);
  return r.genome;
};

describe('compatibility distance', () => {
  const seeds = seedGenomes();

  it('is 0 from a genome to itself and symmetric', () => {
    const rng = createRng(2);
    const tracker = new InnovationTracker(seeds);
    const descendants = seeds.map((g) => {
      let d = g;
      for (let i = 0; i < 5; i++) {
        const r = mutate(d, rng, tracker);
        if (r.status === 'ok') d = r.genome;
      }
      return d;
    });
    const all = [...seeds, ...descendants];
    for (const a of all) {
      expect(compatibilityDistance(a, a)).toBe(0);
      expect(compatibilityDistance(a, structuredClone(a))).toBe(0);
    }
    for (let i = 0; i < 200; i++) {
      const a = all[rng.int(all.length)] as Genome;
      const b = all[rng.int(all.length)] as Genome;
      expect(compatibilityDistance(a, b)).toBe(compatibilityDistance(b, a));
    }
  });

  it('grows with each added edge', () => {
    let g = seedByName('adam').build();
    const start = g;
    const tracker = new InnovationTracker([g]);
    const rng = createRng(3);
    let last = 0;
    for (let i = 0; i < 10; i++) {
      g = ok(addEdge(g, rng, tracker));
      const d = compatibilityDistance(start, g);
      expect(d).toBeGreaterThan(last);
      last = d;
    }
  });

  it('counts op and policy changes of matching nodes', () => {
    const adam = seedByName('adam').build();
    const tracker = new InnovationTracker([adam]);
    const op = ok(mutateOp(adam, createRng(1), tracker));
    const policy = ok(mutatePolicy(adam, createRng(1), tracker));
    expect(distanceTerms(adam, op).op).toBeCloseTo(1 / adam.nodes.length, 12);
    expect(distanceTerms(adam, policy).policy).toBeGreaterThanOrEqual(1 / adam.nodes.length);
    expect(distanceTerms(adam, op)).toMatchObject({ excess: 0, disjoint: 0, weight: 0 });
  });

  it('is smaller for Adam and AdamW than for Adam and Rprop', () => {
    const [adam, adamw, rprop] = ['adam', 'adamw', 'rprop'].map((n) => seedByName(n).build()) as [Genome, Genome, Genome];
    expect(compatibilityDistance(adam, adamw)).toBeLessThan(compatibilityDistance(adam, rprop));
    expect(compatibilityDistance(adam, adamw)).toBeGreaterThan(0);
  });

  it('normalises by the larger genome\'s gene count, except for small genomes', () => {
    const sgd = seedByName('sgd').build(); // 7 nodes, 2 edges
    const adam = seedByName('adam').build();
    const t = distanceTerms(sgd, adam);
    expect(t.genes).toBe(adam.nodes.length + adam.edges.length);
    const tracker = new InnovationTracker([sgd]);
    const grown = ok(addEdge(sgd, createRng(1), tracker));
    expect(distanceTerms(sgd, grown).genes).toBe(1);
    expect(compatibilityDistance(sgd, grown)).toBe(DEFAULT_DISTANCE.excess); // one excess gene, N = 1
    expect(distanceTerms(sgd, grown, 0).genes).toBe(10);
  });
});
