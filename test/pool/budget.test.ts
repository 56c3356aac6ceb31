// The work budget through the pool: genomes that would run for minutes a step end as
// `over_budget` at the same step with 1 and 2 workers, in any order, long before the wall-clock
// limit, and the genomes around them are evaluated as usual.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationPool, type Candidate } from '../../src/pool/pool.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { makePlan } from '../../src/tasks/evaluate.ts';
import { PENALTY, type GenomeEvaluation } from '../../src/tasks/metrics.ts';
import { selectionHeavyGenome, sweepHeavyGenome } from '../tasks/slow-genomes.ts';

/** Everything but the wall times, by genome id. */
function byId(results: GenomeEvaluation[]): Map<number, unknown> {
  return new Map(results.map((r) => [r.genomeId, JSON.parse(JSON.stringify(r, (k, v: unknown) => (k === 'wallTimeMs' ? undefined : v)))]));
}

describe('the work budget in the pool', () => {
  let one: EvaluationPool;
  let two: EvaluationPool;
  let candidates: Candidate[];
  beforeAll(() => {
    one = new EvaluationPool({ workers: 1, timeLimitMs: 60_000 });
    two = new EvaluationPool({ workers: 2, timeLimitMs: 60_000 });
    candidates = [
      { id: 1, genome: seedByName('adam').build() },
      { id: 2, genome: selectionHeavyGenome() },
      { id: 3, genome: sweepHeavyGenome() },
      { id: 4, genome: seedByName('sgd').build() },
    ];
  });
  afterAll(async () => {
    await one.destroy();
    await two.destroy();
  });

  it('ends the slow genomes as over_budget at the same step with 1 and 2 workers, in any order', async () => {
    const plan = makePlan(5, 1, ['quadratic', { task: 'linreg-8', steps: 50 }]);
    const started = performance.now();
    const single = await one.evaluate(candidates, plan);
    const double = await two.evaluate([...candidates].reverse(), plan);
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(byId(double)).toEqual(byId(single));
    const result = (id: number) => single.find((r) => r.genomeId === id);
    expect(result(2)).toMatchObject({ status: 'invalid', reason: 'over_budget', task: 'quadratic', step: 1, penalty: PENALTY.over_budget });
    expect(result(3)).toMatchObject({ status: 'invalid', reason: 'over_budget', penalty: PENALTY.over_budget });
    const slow = result(3);
    if (slow?.status !== 'invalid') throw new Error('not invalid');
    expect(slow.tasks.map((t) => (t.status === 'invalid' ? [t.reason, t.step] : ['ok']))).toEqual([['over_budget', 4], ['over_budget', expect.any(Number)]]);
    expect(result(1)?.status).toBe('ok');
    expect(result(4)?.status).toBe('ok');
  });
});
