// The innovation tracker (NEAT's historical markings): the same structural mutation within one
// generation gets the same keys, a new generation gets new ones, keys start at EVOLVED_KEY_BASE or
// above every key seen, and a tracker restored from its JSON continues exactly as the original.

import { describe, expect, it } from 'vitest';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { mutate } from '../../src/genome/mutate.ts';
import { splitEdge } from '../../src/genome/mutate-structure.ts';
import type { Genome } from '../../src/genome/types.ts';
import { EVOLVED_KEY_BASE } from '../../src/genome/keys.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { createRng } from '../../src/util/rng.ts';

describe('InnovationTracker', () => {
  it('gives the same edge the same key within a generation, a new key in the next', () => {
    const t = new InnovationTracker();
    const k = t.edgeKey(0, 6, 0, 1);
    expect(k).toBe(EVOLVED_KEY_BASE);
    expect(t.edgeKey(1, 6, 0, 1)).toBe(k + 1);
    expect(t.edgeKey(0, 6, 0, 1)).toBe(k);
    expect(t.edgeKey(0, 6, 1, 1)).toBe(k + 2); // another port
    expect(t.edgeKey(0, 6, 0, 2)).toBe(k + 3); // another delay
    t.beginGeneration();
    expect(t.generation).toBe(1);
    expect(t.edgeKey(0, 6, 0, 1)).toBe(k + 4);
  });

  it('gives a split of the same edge the same node and edge keys within a generation', () => {
    const t = new InnovationTracker();
    const s = t.splitKeys(5000);
    expect(s).toEqual({ node: EVOLVED_KEY_BASE, into: EVOLVED_KEY_BASE + 1, out: EVOLVED_KEY_BASE + 2 });
    expect(t.splitKeys(5000)).toEqual(s);
    expect(t.splitKeys(5001).node).toBe(EVOLVED_KEY_BASE + 3);
    t.beginGeneration();
    expect(t.splitKeys(5000).node).toBe(EVOLVED_KEY_BASE + 6);
  });

  it('numbers new keys above every key it has seen', () => {
    const adam = seedByName('adam').build();
    const big: Genome = { ...adam, edges: adam.edges.map((e, i) => (i === 0 ? { ...e, key: EVOLVED_KEY_BASE + 99 } : e)) };
    expect(new InnovationTracker([adam]).nextKey).toBe(EVOLVED_KEY_BASE);
    expect(new InnovationTracker([adam, big]).nextKey).toBe(EVOLVED_KEY_BASE + 100);
  });

  it('gives two genomes that split the same edge the same parts, so they align in crossover', () => {
    const adam = seedByName('adam').build();
    const adamw = seedByName('adamw').build();
    const t = new InnovationTracker([adam, adamw]);
    // Find seeds for which both genomes split the same (shared) edge.
    for (let seed = 0; seed < 200; seed++) {
      const a = splitEdge(adam, createRng(seed), t);
      const b = splitEdge(adamw, createRng(seed), t);
      if (a.status !== 'ok' || b.status !== 'ok') throw new Error('split-edge was rejected');
      const splitA = adam.edges.find((e) => a.genome.edges.some((f) => f.key === e.key && !f.enabled) && e.enabled);
      const splitB = adamw.edges.find((e) => b.genome.edges.some((f) => f.key === e.key && !f.enabled) && e.enabled);
      if (splitA?.key !== splitB?.key) continue;
      const added = (g: Genome, from: Genome): number[] => g.edges.filter((e) => !from.edges.some((f) => f.key === e.key)).map((e) => e.key);
      expect(added(a.genome, adam)).toEqual(added(b.genome, adamw));
      expect(a.genome.nodes.at(-1)?.key).toBe(b.genome.nodes.at(-1)?.key);
      return;
    }
    throw new Error('no seed split the same edge in both genomes');
  });

  it('restored from JSON, continues exactly as the original', () => {
    const pool = [seedByName('adam').build(), seedByName('rprop').build()];
    const original = new InnovationTracker(pool);
    const rng = createRng(7);
    const run = (t: InnovationTracker, r: ReturnType<typeof createRng>, start: Genome[], steps: number): string[] => {
      const genomes = [...start];
      const out: string[] = [];
      for (let i = 0; i < steps; i++) {
        if (i % 10 === 9) t.beginGeneration();
        const j = i % genomes.length;
        const m = mutate(genomes[j] as Genome, r, t);
        if (m.status === 'ok') genomes[j] = m.genome;
        out.push(m.status === 'ok' ? JSON.stringify(m.genome) : m.reason);
      }
      return out;
    };
    run(original, rng, pool, 25);
    const restored = InnovationTracker.fromJSON(JSON.parse(JSON.stringify(original.toJSON())));
    expect(restored.toJSON()).toEqual(original.toJSON());
    expect(original.toJSON().edges.length + original.toJSON().splits.length).toBeGreaterThan(0);
    const a = run(original, createRng(99), pool, 40);
    const b = run(restored, createRng(99), pool, 40);
    expect(b).toEqual(a);
    expect(restored.toJSON()).toEqual(original.toJSON());
  });

  it('rejects a malformed state, naming the field', () => {
    const good = new InnovationTracker().toJSON();
    expect(() => InnovationTracker.fromJSON({ ...good, nextKey: -1 })).toThrow('innovations.nextKey must be an integer from 0 to 2147483647 (got -1)');
    expect(() => InnovationTracker.fromJSON({ ...good, edges: [[1, 2, 3]] })).toThrow('innovations.edges[0] must be an array of 5 integers');
    expect(() => InnovationTracker.fromJSON({ ...good, splits: [[1, EVOLVED_KEY_BASE, 2, 3]] })).toThrow(`innovations.splits[0] must be at most ${EVOLVED_KEY_BASE - 1}`);
    expect(() => InnovationTracker.fromJSON({ ...good, extra: 1 })).toThrow('innovations.extra is not a known key');
  });
});
