// 10,000 random operations over the 26 seeds and their descendants: mutations of every kind (each
// called directly, and through the weighted chooser) and crossovers of random pairs with random
// fitnesses, from seeded RNGs. Every result is a valid child (harness.ts; every eighth also through
// JSON, msgpack and pack/unpack) or a rejection with a reason; every mutation kind succeeds many times. Accepted children join the pool, so later
// operations act on chains of descendants that grow until they meet their caps.

import { describe, expect, it } from 'vitest';
import { crossover } from '../../src/genome/crossover.ts';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { mutate, MUTATIONS } from '../../src/genome/mutate.ts';
import { MUTATION_KINDS, mutationOptions } from '../../src/genome/mutation.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import { EFFECT_KIND_NAMES, type Genome } from '../../src/genome/types.ts';
import { createRng } from '../../src/util/rng.ts';
import { childProblem, seedGenomes } from './harness.ts';

const OPERATIONS = 10_000;
const POOL = 60;

describe('random mutations and crossovers', () => {
  it(`give ${OPERATIONS} valid children or rejections with a reason`, () => {
    const rng = createRng(20240605);
    // The seeds have no effects; one genome whose node carries three keeps effect-list mutations
    // (move-effect, modify-effect) supplied with material, whichever way the pool drifts. It stays
    // at position 0: children replace only the others.
    const effectful = seedGenomes()[0] as Genome;
    const hidden = effectful.nodes.find((n) => n.role === 'hidden') as Genome['nodes'][number];
    const effect = (kind: string, scale: number): Record<string, unknown> => ({ kind, change: 'add', amount: { source: 'const', scale }, target: 'self', a: 0 });
    const withEffects = parseGenome({ ...effectful, nodes: effectful.nodes.map((n) => (n === hidden ? { ...n, effects: [effect('attr', 0.1), effect('param', 0.2), effect('attr', 0.3)] } : n)) });
    const pool: Genome[] = [withEffects, ...seedGenomes()];
    const tracker = new InnovationTracker(pool);
    // Small generation limits on half the operations, so the cap rules are met and respected too.
    const tight = mutationOptions({ caps: { nodes: 30, edges: 45, effectsPerNode: 2 }, maxDelay: 3 });
    // All effect kinds, the slot remaps too, on the other half.
    const loose = mutationOptions({ effectKinds: EFFECT_KIND_NAMES });
    const succeeded = new Map<string, number>();
    const rejected = new Map<string, number>();
    const problems: string[] = [];
    const count = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);
    for (let i = 0; i < OPERATIONS; i++) {
      if (i % 250 === 0) tracker.beginGeneration();
      const parent = pool[rng.int(pool.length)] as Genome;
      const options = i % 2 === 0 ? tight : loose;
      const roll = rng.next();
      let label: string;
      let result: { status: 'ok'; genome: Genome; description: string } | { status: 'rejected'; reason: string };
      if (roll < 0.7) {
        label = MUTATION_KINDS[rng.int(MUTATION_KINDS.length)] as (typeof MUTATION_KINDS)[number];
        result = MUTATIONS[label as keyof typeof MUTATIONS](parent, rng, tracker, options);
      } else if (roll < 0.85) {
        label = 'mutate';
        result = mutate(parent, rng, tracker, options);
      } else {
        label = 'crossover';
        const other = pool[rng.int(pool.length)] as Genome;
        result = crossover({ genome: parent, fitness: rng.int(3) }, { genome: other, fitness: rng.int(3) }, rng);
      }
      if (result.status === 'rejected') {
        if (!/^[a-z-]+: \S/.test(result.reason)) problems.push(`${label} #${i}: reason "${result.reason}"`);
        count(rejected, label);
        continue;
      }
      count(succeeded, label);
      const problem = childProblem(result.genome, i % 8 === 0);
      if (problem !== null) problems.push(`${label} #${i} (${result.description}): ${problem}`);
      if (pool.length < POOL) pool.push(result.genome);
      else pool[1 + rng.int(pool.length - 1)] = result.genome;
    }
    expect(problems).toEqual([]);
    // Optimizer genomes have no IO coding to mutate (test/genome/learner-fuzz.test.ts mutates learners').
    expect(succeeded.get('coding') ?? 0).toBe(0);
    expect(rejected.get('coding') ?? 0).toBeGreaterThan(50);
    for (const kind of [...MUTATION_KINDS.filter((k) => k !== 'coding'), 'mutate', 'crossover']) {
      expect(succeeded.get(kind) ?? 0, kind).toBeGreaterThan(50);
    }
    expect([...succeeded.values(), ...rejected.values()].reduce((a, b) => a + b, 0)).toBe(OPERATIONS);
  });
});
