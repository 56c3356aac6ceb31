// What each mutation does, beyond validity (operators-fuzz.test.ts): split-edge follows NEAT,
// add-edge and edge-delay never close a delay-0 cycle, deletions spare the role's nodes, op changes
// keep the arity the edges use, caps are respected and may grow, mutate() is deterministic and
// leaves its argument alone, and the engine loads and runs children.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { OP_ARITY, portsInUse } from '../../src/genome/arity.ts';
import { capsForGeneration } from '../../src/genome/caps.ts';
import { findDelayZeroCycle } from '../../src/genome/cycle.ts';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { mutate, MUTATIONS } from '../../src/genome/mutate.ts';
import { addEdge, deleteNode, edgeDelay, splitEdge } from '../../src/genome/mutate-structure.ts';
import { mutateOp } from '../../src/genome/mutate-values.ts';
import { addEffect } from '../../src/genome/mutate-effects.ts';
import { MUTATION_KINDS, mutationOptions, type MutationResult } from '../../src/genome/mutation.ts';
import type { Genome } from '../../src/genome/types.ts';
import { f32 } from '../../src/genome/values.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { createRng } from '../../src/util/rng.ts';
import { childProblem, seedGenomes } from './harness.ts';

const okGenome = (r: MutationResult): Genome => {
  if (r.status !== 'ok') throw new Error(r.reason);
  return r.genome;
};

describe('mutations', () => {
  it('split-edge disables the edge and adds a node with edges of weight 1 and w, keeping port and delay', () => {
    const adam = seedByName('adam').build();
    for (let seed = 0; seed < 20; seed++) {
      const child = okGenome(splitEdge(adam, createRng(seed), new InnovationTracker([adam])));
      const old = adam.edges.find((e) => child.edges.find((f) => f.key === e.key)?.enabled === false) as Genome['edges'][number];
      const node = child.nodes.at(-1) as Genome['nodes'][number];
      expect(node).toMatchObject({ role: 'hidden', op: 'identity', effects: [] });
      const [into, out] = child.edges.slice(-2);
      expect(into).toMatchObject({ source: old.source, target: node.key, port: 0, weight: 1, delay: 0, enabled: true });
      expect(out).toMatchObject({ source: node.key, target: old.target, port: old.port, weight: old.weight, delay: old.delay, enabled: true });
      expect(child.edges.length).toBe(adam.edges.length + 2);
    }
  });

  it('add-edge and edge-delay never close a delay-0 cycle, and stay within maxDelay', () => {
    let g = seedByName('rprop').build();
    const tracker = new InnovationTracker([g]);
    const rng = createRng(3);
    const options = mutationOptions({ maxDelay: 3, caps: { edges: 400 } });
    let zeroDelayAdded = 0;
    for (let i = 0; i < 300; i++) {
      const r = (i % 2 === 0 ? addEdge : edgeDelay)(g, rng, tracker, options);
      if (r.status !== 'ok') continue;
      expect(findDelayZeroCycle(r.genome.nodes, r.genome.edges)).toBeNull();
      expect(r.genome.edges.reduce((a, e) => Math.max(a, e.delay), 0)).toBeLessThanOrEqual(r.genome.maxDelay);
      expect(r.genome.maxDelay).toBeLessThanOrEqual(3);
      if (i % 2 === 0 && r.genome.edges.at(-1)?.delay === 0) zeroDelayAdded++;
      g = r.genome;
    }
    expect(zeroDelayAdded).toBeGreaterThan(10);
    expect(g.edges.length).toBeGreaterThan(100);
  });

  it('add-edge reaches only ports its target reads', () => {
    const g = seedByName('lamb').build();
    const tracker = new InnovationTracker([g]);
    for (let seed = 0; seed < 50; seed++) {
      const child = okGenome(addEdge(g, createRng(seed), tracker));
      const e = child.edges.at(-1) as Genome['edges'][number];
      const target = child.nodes.find((n) => n.key === e.target) as Genome['nodes'][number];
      expect(e.port).toBeLessThan(OP_ARITY[target.op]);
      expect(target.role).not.toBe('input');
    }
  });

  it('delete-node never deletes input or output nodes, and takes the node\'s edges with it', () => {
    let g = seedByName('adam').build();
    const rng = createRng(5);
    const tracker = new InnovationTracker([g]);
    for (;;) {
      const r = deleteNode(g, rng, tracker);
      if (r.status === 'rejected') {
        expect(r.reason).toBe('delete-node: no hidden node (input and output nodes are never deleted)');
        break;
      }
      const keys = new Set(r.genome.nodes.map((n) => n.key));
      expect(r.genome.edges.every((e) => keys.has(e.source) && keys.has(e.target))).toBe(true);
      g = r.genome;
    }
    expect(g.nodes.map((n) => n.role).sort()).toEqual(['input', 'input', 'input', 'input', 'input', 'input', 'output']);
    expect(childProblem(g)).toBeNull();
  });

  it('op changes keep the arity the node\'s edges use', () => {
    const g = seedByName('adabelief').build();
    const tracker = new InnovationTracker([g]);
    for (let seed = 0; seed < 100; seed++) {
      const child = okGenome(mutateOp(g, createRng(seed), tracker));
      const changed = child.nodes.find((n, i) => n.op !== g.nodes[i]?.op) as Genome['nodes'][number];
      expect(OP_ARITY[changed.op]).toBe(portsInUse(changed, child.edges));
      if (changed.op === 'every') expect(Number.isInteger(changed.attrs[0]) && changed.attrs[0] >= 1).toBe(true);
    }
  });

  it('respects the caps, rejecting with the limit named, and lets them grow', () => {
    const sgd = seedByName('sgd').build();
    const tracker = new InnovationTracker([sgd]);
    const full = mutationOptions({ caps: { nodes: sgd.nodes.length, edges: sgd.edges.length, effectsPerNode: 0 } });
    expect(addEdge(sgd, createRng(1), tracker, full)).toEqual({ status: 'rejected', reason: `add-edge: the genome has 2 edges, the limit (caps.edges) is 2` });
    expect(splitEdge(sgd, createRng(1), tracker, full)).toEqual({ status: 'rejected', reason: 'split-edge: the genome has 7 nodes, the limit (caps.nodes) is 7' });
    expect(addEffect(sgd, createRng(1), tracker, full)).toEqual({ status: 'rejected', reason: 'add-effect: every node has 0 effects, the limit (caps.effectsPerNode)' });
    const start = { nodes: 7, edges: 2, effectsPerNode: 0, applicationsPerTick: 16 };
    const growth = { nodes: 0.5, edges: 1.5, effectsPerNode: 0.25 };
    expect(capsForGeneration(start, growth, 0)).toEqual(start);
    expect(capsForGeneration(start, growth, 4)).toEqual({ nodes: 9, edges: 8, effectsPerNode: 1, applicationsPerTick: 16 });
    expect(capsForGeneration(start, { nodes: 1e6 }, 10).nodes).toBe(1024);
    const grown = mutationOptions({ caps: capsForGeneration(start, growth, 4) });
    const child = okGenome(splitEdge(sgd, createRng(1), tracker, grown));
    expect(child.caps.nodes).toBe(sgd.caps.nodes); // declared caps are never lowered
    expect(childProblem(child)).toBeNull();
  });

  it('writes float32 values and never -0', () => {
    expect(Object.is(f32(-0), 0)).toBe(true);
    expect(Object.is(f32(-1e-50), 0)).toBe(true);
    expect(f32(0.1)).toBe(Math.fround(0.1));
    expect(f32(1e9)).toBe(1e4);
    expect(f32(Number.NaN)).toBe(0);
  });

  it('every kind leaves its argument unchanged', () => {
    const rng = createRng(11);
    for (const g of seedGenomes().slice(8, 12)) {
      const before = JSON.stringify(g);
      const tracker = new InnovationTracker([g]);
      for (const kind of MUTATION_KINDS) MUTATIONS[kind](g, rng, tracker);
      mutate(g, rng, tracker);
      expect(JSON.stringify(g)).toBe(before);
    }
  });

  it('is deterministic: the same seed gives the same child, another seed another', () => {
    const adam = seedByName('adam').build();
    const run = (seed: number): string[] => {
      const tracker = new InnovationTracker([adam]);
      const rng = createRng(seed);
      let g = adam;
      const out: string[] = [];
      for (let i = 0; i < 30; i++) {
        const r = mutate(g, rng, tracker);
        if (r.status === 'ok') g = r.genome;
        out.push(JSON.stringify(r));
      }
      return out;
    };
    expect(run(42)).toEqual(run(42));
    expect(run(43)).not.toEqual(run(42));
  });

  describe('in the engine', () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await Engine.create();
    });

    it('loads and runs mutated children', () => {
      const rng = createRng(17);
      const pool = seedGenomes();
      const tracker = new InnovationTracker(pool);
      // Many mutations per child, effects and policies often, so the engine sees self-modifying graphs.
      const options = mutationOptions({ extraRate: 0.8, rates: { 'add-effect': 4, policy: 2, 'modify-effect': 2 } });
      let withEffects = 0;
      for (let i = 0; i < 40; i++) {
        const r = mutate(pool[i % pool.length] as Genome, rng, tracker, options);
        if (r.status !== 'ok') continue;
        engine.load(r.genome, [{ rows: 2, cols: 3 }, { rows: 1, cols: 4 }], { seed: i });
        engine.input(0).fill(0.5);
        engine.input(1).fill(1);
        const run = engine.run(5);
        expect(['ok', 'non-finite']).toContain(run.status);
        if (r.genome.nodes.some((n) => n.effects.length > 0)) withEffects++;
        pool.push(r.genome);
      }
      expect(withEffects).toBeGreaterThan(5);
    });
  });
});
