// Hurdles (src/tasks/hurdle.ts): where a run meets its hurdle and the limit the seeds give; then on
// the real engine, that a run whose training loss is above the limit after hurdleStep(steps) updates
// stops there as `hurdle` with the rest counted as saved, and that a hurdle it passes changes nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { evaluateGenome, makePlan, runTask } from '../../src/tasks/evaluate.ts';
import { HURDLE_FLOOR, HURDLE_FRACTION, HURDLE_MARGIN, hurdleLimit, hurdleStep } from '../../src/tasks/hurdle.ts';
import { PENALTY } from '../../src/tasks/metrics.ts';
import { buildTask, parseTaskRef, taskSettings } from '../../src/tasks/registry.ts';
import { InputError } from '../../src/util/errors.ts';

describe('hurdleStep and hurdleLimit', () => {
  it('checks after a quarter of the updates, never before the first', () => {
    expect(HURDLE_FRACTION).toBe(0.25);
    expect([0, 1, 2, 3, 4, 7, 8, 9, 40, 41, 200].map(hurdleStep)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 10, 10, 50]);
  });

  it('is the margin times the worst finite seed loss, never below the floor', () => {
    expect([HURDLE_MARGIN, HURDLE_FLOOR]).toEqual([3, 1.5]);
    expect(hurdleLimit([0.2, 0.9, 0.4])).toBeCloseTo(2.7, 12);
    expect(hurdleLimit([0.1, 0.2])).toBe(1.5);
    expect(hurdleLimit([0.5])).toBe(1.5);
    expect(hurdleLimit([4])).toBe(12);
    expect(hurdleLimit([Number.NaN, 0.9, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toBeCloseTo(2.7, 12);
  });

  it('is undefined without a finite seed loss', () => {
    expect(hurdleLimit([])).toBeUndefined();
    expect(hurdleLimit([Number.NaN, Number.POSITIVE_INFINITY])).toBeUndefined();
  });

  it('is kept by makePlan, which refuses a limit that is not above 0', () => {
    expect(makePlan(1, 0, [{ task: 'regression', steps: 40, hurdle: 2 }, 'quadratic']).tasks.map((t) => t.hurdle)).toEqual([2, undefined]);
    for (const hurdle of [0, -1, Number.NaN]) expect(() => makePlan(1, 0, [{ task: 'regression', hurdle }])).toThrow(InputError);
  });
});

/**
 * The JSON of a result without wallTimeMs, and without hurdleLoss: with a hurdle, a model task's hurdleLoss is the whole training
 * split's loss (what the hurdle checks), without one a minibatch's; everything else must agree.
 */
function stripMeasures(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'wallTimeMs' || key === 'hurdleLoss' ? undefined : v)));
}

describe('hurdles on the engine', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.create();
  });
  const sgd = () => seedByName('sgd').build();

  it.each(['regression', 'quadratic-noisy'])('stops a run above a tiny hurdle on %s after hurdleStep(40) updates, the rest saved', (task) => {
    const plan = makePlan(1, 0, [{ task, steps: 40, hurdle: 1e-6 }]);
    const e = evaluateGenome(engine, sgd(), 3, plan);
    expect(e).toMatchObject({ status: 'invalid', reason: 'hurdle', task, penalty: PENALTY.hurdle, step: hurdleStep(40) });
    expect(e.tasks).toHaveLength(1);
    expect(e.steps).toEqual({ trained: hurdleStep(40), saved: 40 - hurdleStep(40) });
    // Over three scales every run stops at its hurdle: three times the updates trained and saved.
    const scaled = evaluateGenome(engine, sgd(), 3, plan, { scales: [0, -1, 1] });
    expect(scaled.steps).toEqual({ trained: 3 * hurdleStep(40), saved: 3 * (40 - hurdleStep(40)) });
    expect(scaled.scale).toBe(0);
  });

  it.each(['regression', 'quadratic-noisy'])('reports on %s the loss after the hurdle update, and passes a limit just above it', (task) => {
    const ref = parseTaskRef(task);
    const instance = buildTask(ref, 8);
    const settings = taskSettings(ref, { steps: 40 });
    const stopped = runTask(engine, sgd(), instance, settings, 13, { hurdle: 1e-6 });
    const run = stopped.run;
    expect(run?.stepsRun).toBe(10);
    expect(run?.trainLoss).toHaveLength(11);
    expect(run?.outcome.status).toBe('hurdle');
    const loss = run?.outcome.status === 'hurdle' ? run.outcome.loss : Number.NaN;
    expect(loss).toBe(run?.trainLoss[10]);
    expect(loss).toBeGreaterThan(1e-6 * instance.referenceLoss);
    expect(Number.isNaN(run?.validationLoss)).toBe(true);
    expect(stopped.result).toMatchObject({ status: 'invalid', reason: 'hurdle', step: 10 });
    const level = loss / instance.referenceLoss;
    const below = runTask(engine, sgd(), instance, settings, 13, { hurdle: level * (1 - 1e-6) });
    expect(below.run?.outcome).toEqual(run?.outcome);
    const above = runTask(engine, sgd(), instance, settings, 13, { hurdle: level * (1 + 1e-6) });
    const none = runTask(engine, sgd(), instance, settings, 13);
    expect(above.result.status).toBe('ok');
    expect(Array.from(above.run?.trainLoss ?? [])).toEqual(Array.from(none.run?.trainLoss ?? [0]));
    expect(stripMeasures(above.result)).toEqual(stripMeasures(none.result));
    // The hurdle's own measure: the loss it checked, on the whole training split for a model task.
    expect(above.result.status === 'ok' ? above.result.metrics.hurdleLoss : Number.NaN).toBe(level);
    // The first ten updates are the same with or without the hurdle.
    expect(Array.from(run?.trainLoss.subarray(0, 10) ?? [])).toEqual(Array.from(none.run?.trainLoss.subarray(0, 10) ?? [0]));
  });

  it('gives the same metrics with a hurdle it passes as with none, the noisy task\'s noise stream included', () => {
    const tasks = [{ task: 'regression', steps: 40 }, { task: 'quadratic-noisy', steps: 40 }, { task: 'linreg-8', steps: 24 }];
    const hurdled = makePlan(2, 1, tasks.map((t) => ({ ...t, hurdle: 1e6 })));
    const plain = makePlan(2, 1, tasks);
    for (const genome of [sgd(), seedByName('adam').build()]) {
      const a = evaluateGenome(engine, genome, 5, hurdled, { scales: [0, 1], allScales: true });
      const b = evaluateGenome(engine, genome, 5, plain, { scales: [0, 1], allScales: true });
      expect(a.status).toBe('ok');
      expect(stripMeasures(a)).toEqual(stripMeasures(b));
      expect(a.steps).toEqual({ trained: 2 * (40 + 40 + 24), saved: 0 });
    }
  });

  it('has no hurdle on a run of one update, and does not hide a non-learner', () => {
    const one = evaluateGenome(engine, sgd(), 1, makePlan(1, 0, [{ task: 'quadratic', steps: 1, hurdle: 1e-6 }]));
    expect(one.status).toBe('ok');
    expect(one.steps).toEqual({ trained: 1, saved: 0 });
    const frozen = evaluateGenome(engine, seedByName('sgd').build({ lr: 0 }), 2, makePlan(1, 0, [{ task: 'regression', steps: 40, hurdle: 1e-6 }]));
    expect(frozen).toMatchObject({ status: 'invalid', reason: 'non_learner' });
    expect(frozen.steps).toEqual({ trained: 0, saved: 0 });
  });
});
