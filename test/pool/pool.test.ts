// The evaluation pool with real worker threads: the same metric vectors with 1 and 2 workers in any
// order and batching, a worker that exits (crashed) or hangs (timeout) costing only its genome, and
// a clean shutdown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EvaluationPool, type Candidate } from '../../src/pool/pool.ts';
import { SEEDS } from '../../src/seeds/index.ts';
import { makePlan } from '../../src/tasks/evaluate.ts';
import { objectiveVector, PENALTY, type GenomeEvaluation } from '../../src/tasks/metrics.ts';
import { createRng } from '../../src/util/rng.ts';

const NAMES = ['adam', 'sgd', 'momentum', 'rmsprop', 'lion', 'adagrad', 'adahessian', 'signsgd'];
const candidates: Candidate[] = NAMES.map((name, i) => {
  const seed = SEEDS.find((s) => s.name === name);
  if (seed === undefined) throw new Error(`no seed ${name}`);
  return { id: 100 + i, genome: seed.build() };
});
const plan = makePlan(2024, 3, ['linreg-8', 'quadratic-noisy', { task: 'regression', steps: 20 }, { task: 'iris:mlp', steps: 30 }]);

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = createRng(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Everything but the wall times, by genome id. */
function byId(results: GenomeEvaluation[]): Map<number, unknown> {
  return new Map(results.map((r) => [r.genomeId, JSON.parse(JSON.stringify(r, (k, v: unknown) => (k === 'wallTimeMs' ? undefined : v)))]));
}

describe('evaluation pool', () => {
  let one: EvaluationPool;
  let two: EvaluationPool;
  beforeAll(() => {
    one = new EvaluationPool({ workers: 1 });
    two = new EvaluationPool({ workers: 2, timeLimitMs: 3000, workerFile: new URL('./faulty-worker.ts', import.meta.url) });
  });
  afterAll(async () => {
    await one.destroy();
    await two.destroy();
  });

  it('gives identical metric vectors with 1 and 2 workers, in any order', async () => {
    const single = await one.evaluate(candidates, plan);
    expect(single.map((r) => r.genomeId)).toEqual(candidates.map((c) => c.id));
    expect(single.filter((r) => r.status === 'ok').length).toBeGreaterThan(4);
    const order = shuffled(candidates, 7);
    const double = await two.evaluate(order, plan);
    expect(double.map((r) => r.genomeId)).toEqual(order.map((c) => c.id));
    expect(byId(double)).toEqual(byId(single));
    const vectors = (rs: GenomeEvaluation[]) => new Map(rs.map((r) => [r.genomeId, objectiveVector(r)]));
    expect(vectors(double)).toEqual(vectors(single));
    // Another generation draws other data and episodes.
    const next = await two.evaluate(candidates.slice(0, 2), { ...plan, generation: 4 });
    expect(byId(next).get(100)).not.toEqual(byId(single).get(100));
  });

  it('marks a genome whose worker exits `crashed`, and evaluates the rest, the ones that worker had finished included', async () => {
    const victim = candidates[7] as Candidate;
    const results = await two.evaluate(candidates, plan, { fault: { genomeId: victim.id, kind: 'exit' } });
    const failed = results.find((r) => r.genomeId === victim.id);
    expect(failed).toMatchObject({ status: 'invalid', reason: 'crashed', penalty: PENALTY.crashed, task: 'linreg-8' });
    expect(failed?.status === 'invalid' && failed.message).toMatch(/exited with code: 70/);
    const clean = byId(await one.evaluate(candidates, plan));
    for (const r of results) if (r.genomeId !== victim.id) expect(byId([r]).get(r.genomeId)).toEqual(clean.get(r.genomeId));
  });

  it('marks a genome that runs past the time limit `timeout`, and the pool goes on', async () => {
    const victim = candidates[1] as Candidate;
    const started = performance.now();
    const results = await two.evaluate(candidates.slice(0, 4), plan, { fault: { genomeId: victim.id, kind: 'hang' } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(3000);
    // The wall clock, and the message says so: reports keep it apart from over_budget.
    expect(results.find((r) => r.genomeId === victim.id)).toMatchObject({
      status: 'invalid', reason: 'timeout', penalty: PENALTY.timeout, message: expect.stringMatching(/^wall clock: .* time limit of 3000 ms/),
    });
    const reasons = (rs: GenomeEvaluation[]) => rs.map((r) => (r.status === 'ok' ? 'ok' : r.reason));
    expect(reasons(results.filter((r) => r.genomeId !== victim.id))).not.toContain('timeout');
    expect(reasons(results)).not.toContain('crashed');
    const again = await two.evaluate([victim], plan);
    expect(reasons(again)).not.toContain('timeout');
  });

  it('marks every genome `crashed` when the workers fail before they start any, instead of retrying forever', async () => {
    const results = await two.evaluate(candidates.slice(0, 5), plan, { fault: { genomeId: -1, kind: 'refuse' } });
    expect(results.map((r) => r.genomeId)).toEqual(candidates.slice(0, 5).map((c) => c.id));
    for (const r of results) expect(r).toMatchObject({ status: 'invalid', reason: 'crashed', message: 'refused on purpose' });
    const after = await two.evaluate(candidates.slice(0, 2), plan);
    expect(after.every((r) => r.status === 'ok')).toBe(true);
  });

  it('checks its options and candidates, naming the field and the rule', async () => {
    expect(() => new EvaluationPool({ workers: 0 })).toThrow('pool.workers must be an integer from 1 to 256 (got 0)');
    expect(() => new EvaluationPool({ timeLimitMs: 1.5 })).toThrow('pool.timeLimitMs must be an integer from 1 to 2147483647 (got 1.5)');
    const twice = [candidates[0] as Candidate, { ...(candidates[1] as Candidate), id: (candidates[0] as Candidate).id }];
    await expect(one.evaluate(twice, plan)).rejects.toThrow('candidates[1].id must be unique (got 100)');
    const notOptimizer = { id: 1, genome: { ...(candidates[0] as Candidate).genome, outputs: [] } };
    await expect(one.evaluate([notOptimizer], plan)).rejects.toThrow(/^outputs must be the optimizer role's one slot/);
    const genome = (candidates[0] as Candidate).genome;
    const renamed = { id: 1, genome: { ...genome, inputs: genome.inputs.map((s, i) => (i === 0 ? { ...s, name: 'grad' } : s)) } };
    await expect(one.evaluate([renamed], plan)).rejects.toThrow(/^inputs must be the optimizer role's slots/);
  });
});
