// `l2l eval`'s work in a worker thread under a wall-clock limit (src/pool/timed.ts): the same
// reports as in this thread, the work budget deciding a slow genome there too, and a task past a
// tiny wall-clock limit rejected with a TimeLimitError at once, its thread stopped.

import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import type { Genome } from '../../src/genome/types.ts';
import { liveEvalWorkers, runEvalReports, TimeLimitError } from '../../src/pool/timed.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { makePlan } from '../../src/tasks/evaluate.ts';
import { reportTasks, type EvalReport } from '../../src/tasks/report.ts';
import { selectionHeavyGenome, sweepHeavyGenome } from '../tasks/slow-genomes.ts';

/** A report without its wall times, the one thing that differs between two runs. */
function withoutWallTime(reports: EvalReport[]): unknown {
  return JSON.parse(JSON.stringify(reports, (key, value: unknown) => (key === 'wallTimeMs' ? undefined : value)));
}

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

describe('runEvalReports', () => {
  it('gives the reports of the in-process path', async () => {
    const genome = seedByName('adam').build();
    const plan = makePlan(3, 0, ['quadratic', 'linreg-8', { task: 'iris:mlp', steps: 30 }, 'rosenbrock:fixed']);
    const reports = await runEvalReports({ genome, name: 'adam', seed: 3, plan, timeLimitMs: 60_000 });
    expect(reports.map((r) => r.task)).toEqual(['quadratic', 'linreg-8', 'iris:mlp', 'rosenbrock:fixed']);
    expect(reports.every((r) => r.status === 'ok' && r.result.status === 'ok')).toBe(true);
    expect(withoutWallTime(reports)).toEqual(withoutWallTime(reportTasks(engine, genome, 'adam', plan)));
    expect(liveEvalWorkers()).toBe(0);
  });

  it('reports a slow genome over a small work budget as over-budget, as in this thread', async () => {
    const genome = sweepHeavyGenome();
    const plan = makePlan(0, 0, [{ task: 'linreg-8', steps: 50 }], { workLimit: 200 });
    const [report] = await runEvalReports({ genome, name: 'sweep-heavy', seed: 0, plan, timeLimitMs: 60_000 });
    expect(report).toMatchObject({ status: 'over-budget', result: { status: 'invalid', reason: 'over_budget' } });
    expect(report?.steps).toBe((report?.trainLoss.length ?? 0) - 1);
    expect(withoutWallTime([report as EvalReport])).toEqual(withoutWallTime(reportTasks(engine, genome, 'sweep-heavy', plan)));
  });

  it('rejects with a TimeLimitError when a task runs past the wall-clock limit, and stops its thread', async () => {
    // Effect search worth hours under this work limit (10^6 units per step and parameter).
    const genome: Genome = selectionHeavyGenome();
    const plan = makePlan(0, 0, ['linreg-8', { task: 'quadratic', steps: 100_000 }], { workLimit: 1_000_000 });
    const started = performance.now();
    const error = await runEvalReports({ genome, name: 'slow', seed: 0, plan, timeLimitMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeLimitError);
    expect(error).toMatchObject({ task: 'linreg-8', limitMs: 50, message: 'task linreg-8 ran past the time limit of 50 ms (--time-limit)' });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(liveEvalWorkers()).toBe(0);
  });

  it('refuses a genome outside the optimizer role and a bad limit before starting a thread', async () => {
    const genome = seedByName('sgd').build();
    const plan = makePlan(0, 0, ['quadratic']);
    await expect(runEvalReports({ genome: { ...genome, outputs: [] }, name: 'x', seed: 0, plan, timeLimitMs: 1000 }))
      .rejects.toThrow('outputs must be the optimizer role\'s one slot "parameter" (got "")');
    await expect(runEvalReports({ genome, name: 'x', seed: 0, plan, timeLimitMs: 0 }))
      .rejects.toThrow('timeLimitMs must be an integer from 1 to 2147483647 (got 0)');
    await expect(runEvalReports({ genome, name: 'x', seed: 4, plan, timeLimitMs: 1000 }))
      .rejects.toThrow('seed must be the plan\'s run seed (0) (got 4)');
    expect(liveEvalWorkers()).toBe(0);
  });
});
