// The deterministic work budget (docs/tasks.md, Work budget): the plan's workLimit, genomes that
// would run for minutes ending as `over_budget` at once and at the same step every time (on an
// analytic problem, whose loop is on the host, and on a model task, trained in one engine call),
// and the seeds far inside the default budget on every registry task.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import type { Genome } from '../../src/genome/types.ts';
import { SEEDS } from '../../src/seeds/index.ts';
import { readsSlot, SLOT } from '../../src/optimizer/role.ts';
import { CURVATURE_WORK, DEFAULT_WORK_LIMIT } from '../../src/tasks/limits.ts';
import { evaluateGenome, makePlan, parameterCount, runTask, workBudget } from '../../src/tasks/evaluate.ts';
import { PENALTY } from '../../src/tasks/metrics.ts';
import { buildTask, OPTIMIZER_TASKS, parseTaskRef, type TaskInstance } from '../../src/tasks/registry.ts';
import { modelGroups } from '../../src/tasks/train.ts';
import { selectionHeavyGenome, sweepHeavyGenome } from './slow-genomes.ts';

let engine: Engine;
let selectionHeavy: Genome;
let sweepHeavy: Genome;
beforeAll(async () => {
  engine = await Engine.create();
  selectionHeavy = selectionHeavyGenome();
  sweepHeavy = sweepHeavyGenome();
});

function run(genome: Genome, task: string, workLimit = DEFAULT_WORK_LIMIT) {
  const planned = makePlan(0, 0, [task], { workLimit }).tasks[0];
  if (planned === undefined) throw new Error('no task');
  const instance = buildTask(parseTaskRef(planned.task), 7);
  const started = performance.now();
  const answer = runTask(engine, genome, instance, planned, 3, { workLimit });
  return { ...answer, instance, planned, ms: performance.now() - started };
}

/** The work of one tick of `genome` on `instance`'s lanes with no budget (every tick of these costs the same). */
function workPerTick(genome: Genome, instance: TaskInstance): number {
  if (instance.kind === 'learner') throw new Error('an optimizer task is needed here');
  const groups = instance.kind === 'problem' ? instance.problem.groups : modelGroups(instance.model);
  engine.load(genome, groups, { seed: 1 });
  engine.input(0).fill(0.5);
  engine.input(4)[0] = 1;
  expect(engine.run(1)).toEqual({ status: 'ok' });
  return engine.costs().work;
}

describe('the plan\'s work limit', () => {
  it('defaults to DEFAULT_WORK_LIMIT and is checked against its range', () => {
    expect(makePlan(0, 0, ['quadratic']).workLimit).toBe(DEFAULT_WORK_LIMIT);
    expect(makePlan(0, 0, ['quadratic'], { workLimit: 50.5 }).workLimit).toBe(50.5);
    expect(() => makePlan(0, 0, ['quadratic'], { workLimit: 0 })).toThrow('workLimit must be a number from 1 to 1000000 (got 0)');
    expect(() => makePlan(0, 0, ['quadratic'], { workLimit: Number.NaN })).toThrow('workLimit must be a number from 1 to 1000000 (got NaN)');
    expect(() => makePlan(0, 0, ['quadratic'], { workLimit: 2e6 })).toThrow('workLimit must be a number from 1 to 1000000 (got 2000000)');
  });

  it('gives each task workLimit x steps x parameters', () => {
    const plan = makePlan(0, 0, [{ task: 'linreg-8', steps: 30 }], { workLimit: 100 });
    const instance = buildTask('linreg-8', 1);
    expect(workBudget(instance, plan.tasks[0]!, plan.workLimit)).toBe(100 * 30 * parameterCount(instance));
  });
});

describe('over_budget', () => {
  it('ends a genome that would take minutes a step at once, inside the first tick\'s effects step', () => {
    const first = run(selectionHeavy, 'quadratic');
    expect(first.ms).toBeLessThan(10_000);
    expect(first.result).toMatchObject({ status: 'invalid', reason: 'over_budget', step: 1, penalty: PENALTY.over_budget });
    expect(first.run?.stepsRun).toBe(0);
    const budget = workBudget(first.instance, first.planned, DEFAULT_WORK_LIMIT);
    const work = first.run?.outcome.status === 'over_budget' ? first.run.outcome.work : Number.NaN;
    expect(work).toBeGreaterThan(budget);
    // Stopped within one selection of the budget: each examines and orders at most ~131,000 edges.
    expect(work - budget).toBeLessThan(131_072 * 19);
    const again = run(selectionHeavy, 'quadratic');
    expect(again.result).toEqual({ ...first.result, wallTimeMs: again.result.status === 'invalid' ? again.result.wallTimeMs : 0 });
    if (first.result.status === 'invalid') {
      expect(first.result.message).toBe(`work budget: the engine's work passed ${budget} units (workLimit x steps x parameters) in update 1 of 200, at ${work}`);
    }
  });

  it('stops an analytic problem at the step whose tick passes the budget, the same every time', () => {
    const { result, instance, planned } = run(sweepHeavy, 'quadratic');
    const perTick = workPerTick(sweepHeavy, instance);
    const expected = Math.floor(workBudget(instance, planned, DEFAULT_WORK_LIMIT) / perTick) + 1;
    expect(expected).toBeGreaterThan(1);
    expect(result).toMatchObject({ status: 'invalid', reason: 'over_budget', step: expected });
    expect(run(sweepHeavy, 'quadratic').result).toMatchObject({ reason: 'over_budget', step: expected });
  });

  it('stops a model task inside its one engine call at the step whose tick passes the budget', () => {
    const { result, run: trained, instance, planned } = run(sweepHeavy, 'linreg-8');
    const perTick = workPerTick(sweepHeavy, instance);
    const expected = Math.floor(workBudget(instance, planned, DEFAULT_WORK_LIMIT) / perTick) + 1;
    expect(expected).toBeGreaterThan(1);
    expect(result).toMatchObject({ status: 'invalid', reason: 'over_budget', step: expected });
    expect(trained?.stepsRun).toBe(expected - 1);
    expect(trained?.trainLoss).toHaveLength(expected);
    expect(run(sweepHeavy, 'linreg-8').result).toMatchObject({ reason: 'over_budget', step: expected });
  });

  it('is decided by the plan: a larger work limit lets the same genome run further', () => {
    const small = run(sweepHeavy, 'linreg-8', 1000);
    const large = run(sweepHeavy, 'linreg-8', 4000);
    const step = (r: typeof small): number => (r.result.status === 'invalid' ? r.result.step ?? 0 : Number.POSITIVE_INFINITY);
    expect(step(large)).toBeGreaterThan(step(small));
    const e = evaluateGenome(engine, sweepHeavy, 0, makePlan(0, 0, ['linreg-8', 'quadratic'], { workLimit: 1000 }));
    expect(e).toMatchObject({ status: 'invalid', reason: 'over_budget' });
  });
});

describe('the seeds', () => {
  it('use a small share of the default budget on every registry task', () => {
    const tasks = OPTIMIZER_TASKS.flatMap((t) => [t.name, ...t.variants.map((v) => `${t.name}:${v}`)]);
    let costliest = 0;
    for (const seed of SEEDS) {
      const e = evaluateGenome(engine, seed.build(), 0, makePlan(1, 0, tasks));
      for (const t of e.tasks) {
        expect(t.status === 'invalid' ? t.reason : 'ok', `${seed.name} on ${t.task}`).not.toBe('over_budget');
        // The engine's own work: the time objective adds CURVATURE_WORK for the host's curvature probe.
        if (t.status === 'ok') costliest = Math.max(costliest, t.metrics.timeCost - (readsSlot(seed.build(), SLOT.curvature) ? CURVATURE_WORK : 0));
      }
    }
    // src/tasks/limits.ts: the default is over 30 times the costliest seed.
    expect(costliest).toBeGreaterThan(40);
    expect(costliest * 30).toBeLessThan(DEFAULT_WORK_LIMIT);
  });
});
