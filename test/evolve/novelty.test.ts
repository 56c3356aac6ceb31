// The structural descriptor and the novelty archive: identical genomes are not novel to each
// other, a different structure is, the archive stays bounded and everything is deterministic.

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOVELTY, DESCRIPTOR_NAMES, describeGenome, descriptorDistance, emptyArchive, noveltyObjective,
  noveltyScores, updateArchive, type Descriptor, type NoveltyArchive,
} from '../../src/evolve/novelty.ts';
import type { Genome } from '../../src/genome/types.ts';
import { EFFECT_KIND_NAMES, OP_NAMES } from '../../src/genome/types.ts';
import { SEEDS, seedByName } from '../../src/seeds/index.ts';
import { createRng } from '../../src/util/rng.ts';

const descriptor = (name: string): Descriptor => describeGenome(seedByName(name).build());

function withAllOps(base: Genome): Genome {
  const template = base.nodes.find((n) => n.role === 'hidden') ?? (base.nodes[0] as Genome['nodes'][number]);
  const extra: Genome['nodes'] = OP_NAMES.map((op, i) => ({ ...template, key: (1 << 25) | i, role: 'hidden', slot: -1, op, effects: [] }));
  const effects = EFFECT_KIND_NAMES.map((kind) => ({ ...(template.effects[0] ?? anyEffect()), kind }));
  extra.push({ ...template, key: 1 << 26, role: 'hidden', slot: -1, effects });
  return { ...base, nodes: [...base.nodes, ...extra] };
}

function anyEffect(): Genome['nodes'][number]['effects'][number] {
  return {
    kind: 'weight', enabled: true, change: 'add', amount: { source: 'const', scale: 1 }, target: 'edges',
    select: { policy: 'all', k: 0, direction: 'out', radius: 1 }, a: 0, b: 0,
  };
}

describe('describeGenome', () => {
  it('gives every seed a finite vector of the documented length', () => {
    for (const seed of SEEDS) {
      const d = describeGenome(seed.build());
      expect(d.length, seed.name).toBe(DESCRIPTOR_NAMES.length);
      expect(d.every(Number.isFinite), seed.name).toBe(true);
    }
  });

  it('counts every op and effect kind in some family', () => {
    const d = describeGenome(withAllOps(seedByName('sgd').build()));
    expect(d.every(Number.isFinite)).toBe(true);
    const base = describeGenome(seedByName('sgd').build());
    for (const name of DESCRIPTOR_NAMES.filter((n) => n.startsWith('ops.') || n.startsWith('effects.'))) {
      const j = DESCRIPTOR_NAMES.indexOf(name);
      expect(d[j] as number, name).toBeGreaterThan(base[j] as number);
    }
  });

  it('reads what the graph is made of: hidden nodes, edges by delay, depth', () => {
    const g = seedByName('momentum').build();
    const d = describeGenome(g);
    const get = (name: string): number => Math.expm1(d[DESCRIPTOR_NAMES.indexOf(name)] as number);
    expect(get('hiddenNodes')).toBeCloseTo(g.nodes.filter((n) => n.role === 'hidden').length, 9);
    expect(get('enabledEdges')).toBeCloseTo(g.edges.filter((e) => e.enabled).length, 9);
    expect(get('edgesDelay1')).toBeCloseTo(g.edges.filter((e) => e.enabled && e.delay === 1).length, 9);
    expect(Math.round(get('edgesDelay1'))).toBeGreaterThanOrEqual(1);
    // Depth by recursion from each node over the enabled delay-0 edges (a DAG by validation).
    const from = (key: number): number => Math.max(0, ...g.edges
      .filter((e) => e.enabled && e.delay === 0 && e.source === key)
      .map((e) => 1 + from(e.target)));
    const want = Math.max(...g.nodes.map((n) => from(n.key)));
    expect(want).toBeGreaterThanOrEqual(2);
    expect(get('depth')).toBeCloseTo(want, 9);
  });

  it('does not depend on the order of nodes and edges in the genome', () => {
    for (const name of ['adam', 'lion', 'ftrl']) {
      const g = seedByName(name).build();
      const shuffled = { ...g, nodes: [...g.nodes].reverse(), edges: [...g.edges].reverse() };
      expect(describeGenome(shuffled), name).toEqual(describeGenome(g));
    }
  });

  it('tells structurally different seeds apart', () => {
    expect(descriptorDistance(descriptor('sgd'), descriptor('adam'))).toBeGreaterThan(0.5);
    expect(descriptorDistance(descriptor('adam'), descriptor('adam'))).toBe(0);
  });
});

describe('noveltyScores', () => {
  it('scores identical genomes 0 against each other, and a different seed higher', () => {
    const adam = descriptor('adam');
    const population = [adam, adam, adam, adam, descriptor('sgd')];
    const scores = noveltyScores(population, emptyArchive(), 3);
    expect(Array.from(scores.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(scores[4] as number).toBeGreaterThan(0.5);
    expect(scores[4]).toBeCloseTo(descriptorDistance(adam, descriptor('sgd')), 12);
  });

  it('averages the k nearest among the archive and the rest of the population', () => {
    const v = (x: number): Descriptor => DESCRIPTOR_NAMES.map((_, j) => (j === 0 ? x : 0));
    const archive: NoveltyArchive = { descriptors: [v(10), v(1)] };
    const scores = noveltyScores([v(0), v(3), v(4)], archive, 2);
    // v(0): neighbours at 1 (archive) and 3 -> 2; v(3): 1 (v4) and 2 (v1) -> 1.5; v(4): 1 and 3 -> 2.
    expect(Array.from(scores)).toEqual([2, 1.5, 2]);
    expect(Array.from(noveltyScores([v(0)], emptyArchive(), 5))).toEqual([0]);
    expect(Array.from(noveltyScores([v(0)], archive, 5))).toEqual([5.5]);
  });

  it('is reproducible and feeds the minimising sorts negated', () => {
    const population = SEEDS.map((s) => describeGenome(s.build()));
    const a = noveltyScores(population, emptyArchive(), 5);
    expect(noveltyScores(population, emptyArchive(), 5)).toEqual(a);
    expect(noveltyObjective(a)).toEqual(Array.from(a, (s) => -s));
  });

  it('rejects a bad k and a descriptor of the wrong length', () => {
    expect(() => noveltyScores([], emptyArchive(), 0)).toThrow('k must be a positive integer (got 0)');
    expect(() => noveltyScores([[1, 2]], emptyArchive(), 1))
      .toThrow(`population[0] must have ${DESCRIPTOR_NAMES.length} values, as the other descriptors do (got 2)`);
  });
});

describe('updateArchive', () => {
  it('adds the most novel first, skips duplicates and non-novel ones, and drops the oldest past capacity', () => {
    const v = (x: number): Descriptor => DESCRIPTOR_NAMES.map((_, j) => (j === 1 ? x : 0));
    const settings = { k: 1, capacity: 3, addPerGeneration: 2, minNovelty: 0.5 };
    let archive = updateArchive(emptyArchive(), [v(1), v(5), v(5), v(2)], [0.4, 3, 3, 1], settings);
    expect(archive.descriptors).toEqual([v(5), v(2)]);
    archive = updateArchive(archive, [v(7), v(8)], [2, 1], settings);
    expect(archive.descriptors).toEqual([v(2), v(7), v(8)]);
    expect(updateArchive(archive, [v(9)], [1], { ...settings, capacity: 0 }).descriptors).toEqual([]);
  });

  it('stays bounded and deterministic over many generations of random genomes', () => {
    const run = (): NoveltyArchive => {
      const rng = createRng(42);
      let archive = emptyArchive();
      const settings = { ...DEFAULT_NOVELTY, capacity: 12, addPerGeneration: 4 };
      for (let gen = 0; gen < 40; gen++) {
        const population = Array.from({ length: 10 }, () => describeGenome((SEEDS[rng.int(SEEDS.length)] as (typeof SEEDS)[number]).build({})))
          .map((d) => d.map((x) => x + rng.int(3)));
        const scores = noveltyScores(population, archive, settings.k);
        archive = updateArchive(archive, population, scores, settings);
        expect(archive.descriptors.length).toBeLessThanOrEqual(12);
      }
      return archive;
    };
    const a = run();
    expect(a.descriptors.length).toBe(12);
    expect(run()).toEqual(a);
  });

  it('rejects bad settings and scores, naming the field', () => {
    const d = [DESCRIPTOR_NAMES.map(() => 0)];
    expect(() => updateArchive(emptyArchive(), d, [1], { ...DEFAULT_NOVELTY, capacity: -1 }))
      .toThrow('novelty.capacity must be a non-negative integer (got -1)');
    expect(() => updateArchive(emptyArchive(), d, [1], { ...DEFAULT_NOVELTY, minNovelty: NaN }))
      .toThrow('novelty.minNovelty must be a non-negative finite number (got NaN)');
    expect(() => updateArchive(emptyArchive(), d, [], DEFAULT_NOVELTY)).toThrow('scores must have one entry per candidate (1) (got 0)');
  });
});
