// 3,000 random operations over learner genomes with IO codings (src/genome/mutate-coding.ts and
// every other mutation kind on the learner role's slots) and their descendants: every result is a
// valid learner (harness.ts: parse, codecs, pack/unpack with the coding sent beside) or a rejection
// with a reason, and the coding mutation succeeds many times.

import { describe, expect, it } from 'vitest';
import { crossover } from '../../src/genome/crossover.ts';
import { InnovationTracker } from '../../src/genome/innovation.ts';
import { mutate, MUTATIONS } from '../../src/genome/mutate.ts';
import { MUTATION_KINDS, mutationOptions } from '../../src/genome/mutation.ts';
import { MAX_TICKS_PER_STEP, type Genome } from '../../src/genome/types.ts';
import { deltaLearner, staticLearner } from '../../src/learner/seeds.ts';
import { createRng } from '../../src/util/rng.ts';
import { childProblem } from './harness.ts';

const OPERATIONS = 3_000;
const POOL = 40;

const coded = (g: Genome, ticks: number): Genome => ({
  ...g, coding: { ticks, encoders: g.inputs.map(() => 'rate' as const), decoders: g.outputs.map(() => 'count' as const) },
});

describe('random mutations and crossovers of learners', () => {
  it(`give ${OPERATIONS} valid learners or rejections with a reason`, () => {
    const rng = createRng(7);
    const pool: Genome[] = [coded(deltaLearner(), 1), coded(deltaLearner(0.3), MAX_TICKS_PER_STEP), coded(staticLearner(), 4)];
    const tracker = new InnovationTracker(pool);
    const options = mutationOptions({ rates: { coding: 1 } });
    const succeeded = new Map<string, number>();
    const problems: string[] = [];
    for (let i = 0; i < OPERATIONS; i++) {
      if (i % 250 === 0) tracker.beginGeneration();
      const parent = pool[rng.int(pool.length)] as Genome;
      const roll = rng.next();
      let label: string;
      let result;
      if (roll < 0.35) {
        label = 'coding';
        result = MUTATIONS.coding(parent, rng, tracker, options);
      } else if (roll < 0.8) {
        label = MUTATION_KINDS[rng.int(MUTATION_KINDS.length)] as string;
        result = MUTATIONS[label as keyof typeof MUTATIONS](parent, rng, tracker, options);
      } else if (roll < 0.9) {
        label = 'mutate';
        result = mutate(parent, rng, tracker, options);
      } else {
        label = 'crossover';
        result = crossover({ genome: parent, fitness: rng.int(3) }, { genome: pool[rng.int(pool.length)] as Genome, fitness: rng.int(3) }, rng);
      }
      if (result.status === 'rejected') {
        if (!/^[a-z-]+: \S/.test(result.reason)) problems.push(`${label} #${i}: reason "${result.reason}"`);
        continue;
      }
      succeeded.set(label, (succeeded.get(label) ?? 0) + 1);
      const problem = childProblem(result.genome, i % 4 === 0);
      if (problem !== null) problems.push(`${label} #${i}: ${problem}`);
      if (result.genome.coding === undefined) problems.push(`${label} #${i}: the child lost its coding`);
      if (pool.length < POOL) pool.push(result.genome);
      else pool[rng.int(pool.length)] = result.genome;
    }
    expect(problems).toEqual([]);
    for (const kind of ['coding', 'mutate', 'crossover', 'add-edge', 'weights']) expect(succeeded.get(kind) ?? 0, kind).toBeGreaterThan(50);
    // The pool's codings spread over the settings.
    const ticks = new Set(pool.map((g) => g.coding?.ticks));
    expect(ticks.size).toBeGreaterThan(3);
  });
});
