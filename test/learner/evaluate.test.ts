// Learner genomes in the evaluation machinery (src/tasks/learner.ts, src/learner/check.ts): the
// learning check's verdicts, a task's metrics against a direct run of its episodes, the refusals
// of genomes and tasks of the other role, and the real worker pool against this thread, with an
// IO coding that only the pool's side channel carries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { withDefaultCoding } from '../../src/evolve/role.ts';
import { parseGenome } from '../../src/genome/parse.ts';
import { checkFeedback } from '../../src/learner/check.ts';
import { LEARNER_SEEDS } from '../../src/learner/index.ts';
import { runLearner } from '../../src/learner/run.ts';
import { deltaLearner, staticLearner } from '../../src/learner/seeds.ts';
import { learnerTask, shortfall } from '../../src/learner/tasks.ts';
import { EvaluationPool } from '../../src/pool/pool.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { evaluateGenome, InstanceCache, makePlan } from '../../src/tasks/evaluate.ts';
import { learnerEpisodeSeed } from '../../src/tasks/learner.ts';
import { buildTask } from '../../src/tasks/registry.ts';
import { dataSeed, episodeSeed, hashWords } from '../../src/tasks/seeds.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

describe('the learner learning check', () => {
  it('finds the floor a non-learner and the seeds that use their feedback learners, with stable fingerprints', () => {
    expect(checkFeedback(engine, staticLearner())).toMatchObject({ verdict: 'non_learner' });
    const delta = checkFeedback(engine, deltaLearner());
    expect(delta.verdict).toBe('learner');
    expect(checkFeedback(engine, deltaLearner())).toEqual(delta);
    const other = checkFeedback(engine, deltaLearner(0.3));
    expect(other.verdict === 'learner' && delta.verdict === 'learner' && other.fingerprint !== delta.fingerprint).toBe(true);
    // Oja's and BCM's rules learn from their observations alone: by the definition they ignore their feedback.
    for (const s of LEARNER_SEEDS) {
      const verdict = checkFeedback(engine, s.build()).verdict;
      expect(verdict, s.name).toBe(['static', 'oja', 'bcm', 'stdp'].includes(s.name) ? 'non_learner' : 'learner');
    }
  });

  it('is undecided when a probe runs out of work', () => {
    expect(checkFeedback(engine, deltaLearner(), { workLimit: 50 })).toMatchObject({ verdict: 'undecided', why: 'a probe stopped: work_limit' });
  });
});

describe('evaluating a learner', () => {
  it('scores each task by its episodes: the mean score, its shortfall, work per step, memory', () => {
    const plan = makePlan(5, 2, [{ task: 'bandit', steps: 3 }, { task: 'tmaze', steps: 2 }]);
    const genome = deltaLearner();
    const e = evaluateGenome(engine, genome, 17, plan);
    expect(e.status).toBe('ok');
    if (e.status !== 'ok') return;
    expect(e.scale).toBe(0);
    plan.tasks.forEach((t, i) => {
      const path = { runSeed: 5, generation: 2, task: t.task };
      const instance = buildTask(t.task, dataSeed(path));
      if (instance.kind !== 'learner') throw new Error('a learner task');
      const seed = episodeSeed({ ...path, genomeId: 17 });
      const scores = Array.from({ length: t.steps }, (_, k) => runLearner(engine, genome, instance.learner.make(learnerEpisodeSeed(instance.seed, k), undefined), { seed: hashWords([seed, k]) }).score);
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      const r = e.tasks[i];
      expect(r?.status).toBe('ok');
      if (r?.status !== 'ok') return;
      expect(r.metrics.validationLoss).toBeCloseTo(mean, 12);
      expect(r.metrics.normalisedValidationLoss).toBeCloseTo(shortfall(learnerTask(t.task) as NonNullable<ReturnType<typeof learnerTask>>, mean), 12);
      expect(r.metrics.timeCost).toBeGreaterThan(0);
      expect(r.metrics.memoryCost).toBeGreaterThan(0);
    });
    // The delta rule learns the bandit: well under chance's shortfall of 1.
    expect(e.tasks[0]?.status === 'ok' && e.tasks[0].metrics.normalisedValidationLoss).toBeLessThan(0.7);
  });

  it('marks a genome that ignores its feedback non_learner on every task, and refuses the other role', () => {
    const e = evaluateGenome(engine, staticLearner(), 1, makePlan(1, 0, ['bandit', 'rules']));
    expect(e).toMatchObject({ status: 'invalid', reason: 'non_learner' });
    expect(e.tasks.every((t) => t.status === 'invalid' && t.reason === 'non_learner')).toBe(true);
    expect(() => evaluateGenome(engine, deltaLearner(), 1, makePlan(1, 0, ['quadratic']))).toThrow('tasks[0] must be a learner task: the genome is a learner (got "quadratic")');
    expect(() => evaluateGenome(engine, seedByName('adam').build(), 1, makePlan(1, 0, ['bandit']))).toThrow('tasks[0] must be an optimizer task: the genome is an optimizer (got "bandit")');
  });

  it('charges the work budget per trial: over it, over_budget', () => {
    const e = evaluateGenome(engine, deltaLearner(), 1, makePlan(1, 0, ['bandit'], { workLimit: 10 }), { learning: { verdict: 'learner', ticks: 0, fingerprint: 'x' } });
    expect(e).toMatchObject({ status: 'invalid', reason: 'over_budget' });
  });
});

describe('learners in the worker pool', () => {
  let pool: EvaluationPool;
  beforeAll(() => {
    pool = new EvaluationPool({ workers: 2 });
  });
  afterAll(async () => {
    await pool.destroy();
  });

  it('gives the same evaluations as this thread, the IO coding included', async () => {
    const spiking = parseGenome({ ...withDefaultCoding(deltaLearner(0.2)), coding: { ticks: 3, encoders: Array(16).fill('rate'), decoders: Array(4).fill('count') } });
    const genomes = [deltaLearner(), spiking, staticLearner(), ...LEARNER_SEEDS.slice(3).map((s) => s.build())];
    const plan = makePlan(9, 1, ['bandit', 'association', { task: 'rule:dms', steps: 1 }]);
    const candidates = genomes.map((genome, i) => ({ id: 40 + i, genome }));
    const strip = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (k, v: unknown) => (k === 'wallTimeMs' ? undefined : v)));
    const cache = new InstanceCache();
    const here = candidates.map((c) => strip(evaluateGenome(engine, c.genome, c.id, plan, { cache })));
    const there = (await pool.evaluate(candidates, plan)).map(strip);
    expect(there).toEqual(here);
    // The coding changed what the genome did: its evaluation differs from the uncoded one's.
    const uncoded = strip(evaluateGenome(engine, deltaLearner(0.2), 41, plan, { cache }));
    expect(uncoded).not.toEqual(here[1]);
  });
});
