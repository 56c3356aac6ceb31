// Structural novelty (src/genome/structure.ts): a seed with other numbers, or with its keys
// renumbered, is still that seed; a changed op, a new or removed edge on the live path, a swapped
// port or a new effect is new; dead code, disabled edges and edges of weight 0 do not count.

import { describe, expect, it } from 'vitest';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { mutateAttributes, mutateWeights } from '../../src/genome/mutate-values.ts';
import { cloneGenome } from '../../src/genome/mutation.ts';
import { isStructurallyNew, readEdges, structureKey } from '../../src/genome/structure.ts';
import type { EdgeGene, Genome, NodeGene } from '../../src/genome/types.ts';
import { SEEDS, seedByName } from '../../src/seeds/index.ts';
import { createRng, type Rng } from '../../src/util/rng.ts';
import { seedGenomes } from './harness.ts';

const seeds = seedGenomes();
const build = (name: string, hyper: Record<string, number> = {}): Genome => seedByName(name).build(hyper);

const node = (key: number, op: NodeGene['op'], attrs: NodeGene['attrs'] = [0, 0, 0, 0]): NodeGene => ({
  key, role: 'hidden', slot: -1, op, attrs, policy: { kind: 'always', threshold: 0, decay: 0, reset: 0, probability: 1 },
  refractory: 0, emit: 'value', effects: [],
});

let nextKey = 1 << 25;
/** A copy of `g` with an extra edge. */
function withEdge(g: Genome, source: number, target: number, port = 0, delay = 0, weight = 0.5, enabled = true): Genome {
  const child = cloneGenome(g);
  child.edges.push({ key: nextKey++, source, target, port, weight, delay, enabled });
  return child;
}

const outputKey = (g: Genome): number => (g.nodes.find((n) => n.role === 'output') as NodeGene).key;
const inputKey = (g: Genome, slot: number): number => (g.nodes.find((n) => n.role === 'input' && n.slot === slot) as NodeGene).key;

/** The genome with every node and edge key replaced (a random permutation of new keys) and the lists shuffled. */
function renumbered(g: Genome, rng: Rng): Genome {
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [xs[i], xs[j]] = [xs[j] as T, xs[i] as T];
    }
    return xs;
  };
  const newKeys = shuffle(g.nodes.map((_, i) => 7000 + 3 * i));
  const map = new Map(g.nodes.map((n, i) => [n.key, newKeys[i] as number]));
  const at = (k: number): number => map.get(k) as number;
  const child = cloneGenome(g);
  child.nodes = shuffle(child.nodes.map((n) => ({ ...n, key: at(n.key) })));
  const edgeKeys = shuffle(g.edges.map((_, i) => 90000 + i));
  child.edges = shuffle(child.edges.map((e, i) => ({ ...e, key: edgeKeys[i] as number, source: at(e.source), target: at(e.target) })));
  return child;
}

describe('structureKey and isStructurallyNew', () => {
  it('finds every seed among the seeds', () => {
    for (const g of seeds) {
      const result = isStructurallyNew(g, seeds);
      expect(result.novel, g.name).toBe(false);
      const match = seeds.find((s) => s.name === result.nearest) as Genome;
      expect(structureKey(match), g.name).toBe(structureKey(g));
    }
  });

  it('tells the seeds apart except where one is another with other constants', () => {
    const groups = new Map<string, string[]>();
    for (const g of seeds) groups.set(structureKey(g), [...(groups.get(structureKey(g)) ?? []), g.name]);
    // SGDW is momentum with a decay weight on p, AdamW is Adam with one, and Adagrad (initial
    // accumulator 0) is RMSprop with alpha = 1 and the running sum's coefficient 1.
    const shared = [...groups.values()].filter((names) => names.length > 1).map((names) => names.join(' '));
    expect(shared.sort()).toEqual(['adagrad rmsprop', 'adam adamw', 'momentum sgdw']);
  });

  it('does not change with other hyperparameters, including zero ones made nonzero', () => {
    const cases: [string, Record<string, number>][] = [
      ['sgd', { lr: 0.3 }], ['adam', { lr: 0.05, b1: 0.5, b2: 0.9, eps: 1e-3 }], ['lion', { wd: 0.1 }],
      ['ftrl', { l1: 0.01, beta: 1 }], ['ftrl', { l2: 0.2 }], ['adagrad', { initialAccumulator: 0.1 }],
      ['qhadam', { nu2: 0.5 }], ['lookahead-adam', { k: 10, alpha: 0.8 }], ['rprop', { stepMax: 2 }],
      // b1 = b2 makes the builder share one constant node between both bias corrections.
      ['adam', { b1: 0.99, b2: 0.99 }],
    ];
    for (const [name, hyper] of cases) {
      const result = isStructurallyNew(build(name, hyper), [build(name)]);
      expect(result, `${name} ${JSON.stringify(hyper)}`).toEqual({ novel: false, nearest: name });
    }
  });

  it('does not change when weights, constants and attributes are mutated (seeded 1-400)', () => {
    const tracker = new InnovationTracker(seeds);
    for (let seed = 1; seed <= 400; seed++) {
      const rng = createRng(seed);
      const parent = seeds[seed % seeds.length] as Genome;
      let g = parent;
      for (let i = 0; i < 4; i++) {
        const op = rng.int(2) === 0 ? mutateWeights : mutateAttributes;
        const r = op(g, rng, tracker);
        if (r.status === 'ok') g = r.genome;
      }
      expect(isStructurallyNew(g, [parent]).novel, `seed ${seed} (${parent.name})`).toBe(false);
    }
  });

  it('does not change with a policy\'s threshold, decay, reset or probability, or the refractory count', () => {
    const withPolicy = (threshold: number, decay: number, refractory: number): Genome => {
      const g = build('rmsprop');
      const n = g.nodes.find((x) => x.op === 'sqrt') as NodeGene;
      n.policy = { kind: 'integrate', threshold, decay, reset: threshold / 2, probability: 1 };
      n.refractory = refractory;
      return g;
    };
    const base = withPolicy(0.5, 0.9, 0);
    expect(isStructurallyNew(withPolicy(2, 0.1, 3), [base]).novel).toBe(false);
    expect(isStructurallyNew(base, [build('rmsprop')]).novel).toBe(true);
  });

  it('does not change when keys are renumbered and the lists reordered', () => {
    const rng = createRng(7);
    for (const g of seeds) {
      const moved = renumbered(g, rng);
      expect(structureKey(moved), g.name).toBe(structureKey(g));
      expect(isStructurallyNew(moved, seeds).novel, g.name).toBe(false);
    }
  });

  it('ignores dead nodes, disabled edges, edges of weight 0 and edges into ports the op does not read', () => {
    const adam = build('adam');
    const out = outputKey(adam);
    const g = inputKey(adam, 0);
    const dead = cloneGenome(adam);
    dead.nodes.push(node(1 << 26, 'exp'), node((1 << 26) + 1, 'tanh'));
    const cases: [string, Genome][] = [
      ['a node fed by g that reaches nothing', withEdge(dead, g, 1 << 26)],
      ['a node reaching the output that nothing reaches', withEdge(withEdge(dead, 1 << 26, (1 << 26) + 1), (1 << 26) + 1, out, 0, 0, 0.5, false)],
      ['a node no input reaches, feeding the output', withEdge(dead, (1 << 26) + 1, out)],
      ['a disabled edge', withEdge(adam, g, out, 0, 1, 0.5, false)],
      ['an edge of weight 0', withEdge(adam, g, out, 0, 1, 0)],
      ['an edge into port y of an identity', withEdge(adam, g, out, 1)],
    ];
    for (const [what, genome] of cases) expect(isStructurallyNew(genome, [adam]).novel, what).toBe(false);
  });

  it('finds a new structure when an edge is added on the live path or an op changes', () => {
    const sgd = build('sgd');
    const adam = build('adam');
    expect(isStructurallyNew(withEdge(sgd, inputKey(sgd, 0), outputKey(sgd), 0, 1), seeds).novel).toBe(true);
    expect(isStructurallyNew(withEdge(adam, inputKey(adam, 5), outputKey(adam)), seeds).novel).toBe(true);
    for (const g of seeds) {
      const changed = cloneGenome(g);
      const sqrt = changed.nodes.find((n) => n.op === 'sqrt' || n.op === 'sign');
      if (sqrt === undefined) continue;
      sqrt.op = sqrt.op === 'sqrt' ? 'abs' : 'tanh';
      expect(isStructurallyNew(changed, seeds).novel, g.name).toBe(true);
    }
  });

  it('finds a new structure when any live edge between nodes is disabled', () => {
    for (const g of seeds) {
      const consts = new Set(g.nodes.filter((n) => n.op === 'const').map((n) => n.key));
      // Edges on a path to the output along edges of nonzero weight (a naive backward search).
      const terms = readEdges(g).filter((e) => e.weight !== 0);
      const reaching = new Set([outputKey(g)]);
      for (let grew = true; grew;) {
        grew = false;
        for (const e of terms) if (reaching.has(e.target) && !reaching.has(e.source)) grew = reaching.add(e.source).size > 0;
      }
      const live = terms.filter((e) => reaching.has(e.target) && !consts.has(e.source));
      for (const e of live) {
        const child = cloneGenome(g);
        (child.edges.find((x) => x.key === e.key) as EdgeGene).enabled = false;
        expect(isStructurallyNew(child, [g]).novel, `${g.name}: edge ${e.key}`).toBe(true);
      }
    }
  });

  it('finds a new structure when two ports are swapped, a delay changes, or a live node gets an effect', () => {
    const adam = build('adam');
    const swapped = cloneGenome(adam);
    const div = swapped.nodes.find((n) => n.op === 'div') as NodeGene;
    for (const e of swapped.edges) if (e.target === div.key) e.port = 1 - e.port;
    expect(isStructurallyNew(swapped, [adam]).novel).toBe(true);

    const momentum = build('momentum');
    const delayed = cloneGenome(momentum);
    (delayed.edges.find((e) => e.delay === 1) as EdgeGene).delay = 2;
    expect(isStructurallyNew(delayed, [momentum]).novel).toBe(true);

    const effect = cloneGenome(momentum);
    const velocity = effect.nodes.find((n) => n.role === 'hidden') as NodeGene;
    velocity.effects.push({
      kind: 'weight', enabled: true, change: 'mul', amount: { source: 'const', scale: 0.5 }, target: 'edges',
      select: { policy: 'all', k: 0, direction: 'out', radius: 1 }, a: 0, b: 0,
    });
    expect(isStructurallyNew(effect, [momentum]).novel).toBe(true);
    const scaled = cloneGenome(effect);
    (scaled.nodes.find((n) => n.key === velocity.key) as NodeGene).effects[0]!.amount.scale = 2;
    expect(structureKey(scaled)).toBe(structureKey(effect));
  });

  it('names the first matching seed, and none for a new structure', () => {
    expect(isStructurallyNew(build('adamw', { wd: 0.1 }), seeds)).toEqual({ novel: false, nearest: 'adam' });
    expect(isStructurallyNew(build('sgd'), SEEDS.slice(1).map((s) => s.build()))).toEqual({ novel: true });
  });
});
