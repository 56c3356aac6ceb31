// Evaluation on the real engine: each invalid reason from a genome (or engine) that produces it, Adam
// against plain gradient descent on `regression`, and results that depend only on what is evaluated.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { EngineError } from '../../src/engine/errors.ts';
import * as S from '../../src/engine/status.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { evaluateGenome, evaluateTask, InstanceCache, makePlan, scoreRun, trainingRows } from '../../src/tasks/evaluate.ts';
import { LOSS_CAP, nonFinitePenalty, PENALTY, type GenomeEvaluation } from '../../src/tasks/metrics.ts';
import { buildTask, parseTaskRef, taskSettings } from '../../src/tasks/registry.ts';
import type { TrainResult } from '../../src/tasks/types.ts';

let engine: Engine;
beforeAll(async () => {
  engine = await Engine.create();
});

const sgd = (lr?: number) => seedByName('sgd').build(lr === undefined ? {} : { lr });
const adam = () => seedByName('adam').build();

function withoutWallTime(e: GenomeEvaluation): unknown {
  return JSON.parse(JSON.stringify(e, (key, value: unknown) => (key === 'wallTimeMs' ? undefined : value)));
}

function evaluateOn(task: string, genome = adam(), steps?: number) {
  const ref = parseTaskRef(task);
  return evaluateTask(engine, genome, buildTask(ref, 5), taskSettings(ref, steps === undefined ? {} : { steps }), 9);
}

describe('validity', () => {
  it('non_finite: plain gradient descent at lr 0.01 blows up on rosenbrock:fixed in update 6', () => {
    const result = evaluateOn('rosenbrock:fixed', sgd());
    expect(result).toMatchObject({ status: 'invalid', reason: 'non_finite', step: 6, penalty: nonFinitePenalty(6, 200) });
  });

  it('non_finite on a model task: a learning rate of 1e6 on linreg-8', () => {
    const result = evaluateOn('linreg-8', sgd(1e6));
    expect(result).toMatchObject({ status: 'invalid', reason: 'non_finite' });
    expect(result.status === 'invalid' && result.step).toBeGreaterThan(0);
  });

  // A learning rate of 0 was `inactive` until the learning check (test/tasks/learning.test.ts): an
  // update that ignores the gradient is a non-learner first.
  it.each(['linreg-8', 'quadratic', 'iris:mlp'])('non_learner: a learning rate of 0 ignores the gradient on %s', (task) => {
    expect(evaluateOn(task, sgd(0))).toMatchObject({
      status: 'invalid', reason: 'non_learner', penalty: PENALTY.non_learner, message: 'the update ignores the gradient',
    });
  });

  it('inactive: a learner whose steps (learning rate 1e-9) are below float32\'s spacing at quadratic\'s parameters', () => {
    expect(evaluateOn('quadratic', sgd(1e-9))).toMatchObject({ status: 'invalid', reason: 'inactive', penalty: PENALTY.inactive });
  });

  it('engine_error: a refused load and a trap carry the engine status', () => {
    const refusing = { load: () => { throw new EngineError(S.OUT_OF_MEMORY, 0, 0); } } as unknown as Engine;
    for (const task of ['quadratic', 'linreg-8']) {
      const ref = parseTaskRef(task);
      expect(evaluateTask(refusing, adam(), buildTask(ref, 1), taskSettings(ref), 1))
        .toMatchObject({ status: 'invalid', reason: 'engine_error', code: 'out_of_memory', penalty: PENALTY.engine_error });
    }
    const lanes = new Float32Array(16);
    const trapping = {
      load: () => undefined, input: () => lanes, costs: () => ({ work: 0, ticks: 1, stateBytesPerLane: 0 }),
      run: () => ({ status: 'trapped', message: 'unreachable' }),
    } as unknown as Engine;
    expect(evaluateTask(trapping, adam(), buildTask('quadratic', 1), taskSettings(parseTaskRef('quadratic')), 1))
      .toMatchObject({ status: 'invalid', reason: 'engine_error', code: 'trapped' });
  });

  it('crashed: an exception that is not the engine\'s marks the task and the other tasks still run', () => {
    const broken = { load: () => { throw new TypeError('bug'); } } as unknown as Engine;
    const result = evaluateGenome(broken, adam(), 1, makePlan(0, 0, ['quadratic']));
    expect(result).toMatchObject({ status: 'invalid', reason: 'crashed', message: 'bug', penalty: PENALTY.crashed });
  });

  it('checks in order: engine error, then the work budget, then non-finite, then inactive', () => {
    const instance = buildTask('quadratic', 0);
    const settings = { steps: 10, batchSize: 1 };
    const run = (over: Partial<TrainResult>): TrainResult => ({
      trainLoss: new Float64Array(11).fill(1), validationLoss: 1, parametersChanged: false, stepsRun: 10,
      outcome: { status: 'ok' }, workPerStepPerParameter: 1, stateBytesPerParameter: 0, ...over,
    });
    expect(scoreRun(instance, settings, run({ outcome: { status: 'engine_error', code: 'bad_argument' } }), 0)).toMatchObject({ reason: 'engine_error', code: 'bad_argument' });
    const over = run({ outcome: { status: 'over_budget', step: 4, work: 1601, budget: 1600 }, validationLoss: Number.NaN, stepsRun: 3 });
    expect(scoreRun(instance, settings, over, 0)).toMatchObject({ reason: 'over_budget', step: 4, penalty: PENALTY.over_budget });
    expect(scoreRun(instance, settings, run({ outcome: { status: 'non_finite', step: 3 } }), 0)).toMatchObject({ reason: 'non_finite', step: 3 });
    expect(scoreRun(instance, settings, run({ validationLoss: Number.NaN, parametersChanged: true }), 0)).toMatchObject({ reason: 'non_finite', step: 11 });
    expect(scoreRun(instance, settings, run({}), 0)).toMatchObject({ reason: 'inactive' });
    expect(scoreRun(instance, settings, run({ parametersChanged: true }), 0)).toMatchObject({ status: 'ok' });
  });
});

describe('evaluation', () => {
  it('Adam reaches a lower validation loss than plain gradient descent on regression (default steps, 8 runs)', () => {
    const mean = (genome: ReturnType<typeof adam>) => {
      let total = 0;
      for (let runSeed = 0; runSeed < 8; runSeed++) {
        const e = evaluateGenome(engine, genome, 0, makePlan(runSeed, 0, ['regression']));
        if (e.status !== 'ok') throw new Error(`run ${runSeed}: ${e.reason}`);
        total += e.metrics.validationLoss / 8;
      }
      return total;
    };
    const [a, g] = [mean(adam()), mean(sgd())];
    expect(a).toBeLessThan(g);
    expect(a).toBeLessThan(1); // and both learn something: below the constant predictor
    expect(g).toBeLessThan(1);
  });

  it('reports every metric, finite, for each task', () => {
    const plan = makePlan(3, 1, ['regression', 'classification', 'iris', 'iris:mlp', 'linreg-8', 'quadratic-noisy', 'rosenbrock']);
    const e = evaluateGenome(engine, adam(), 2, plan);
    if (e.status !== 'ok') throw new Error(`invalid: ${e.reason}`);
    for (const t of e.tasks) {
      if (t.status !== 'ok') throw new Error(`${t.task}: ${t.reason}`);
      expect(Object.values(t.metrics).every(Number.isFinite)).toBe(true);
      expect(t.metrics.memoryCost).toBe(8); // Adam's m and v
      expect(t.metrics.timeCost).toBeGreaterThan(0);
      expect(t.metrics.normalisedValidationLoss, t.task).toBeLessThan(LOSS_CAP);
      expect(t.metrics.finalTrainLoss, t.task).toBeLessThan(t.metrics.initialLoss);
    }
    expect(Object.values(e.metrics).every(Number.isFinite)).toBe(true);
  });

  it('trains on the share of the training rows the plan asks for: evenly spaced, at least one minibatch', () => {
    const instance = buildTask('iris', 2);
    if (instance.kind !== 'model') throw new Error('not a model task');
    const settings = taskSettings(parseTaskRef('iris'));
    expect(trainingRows(instance.train, settings)).toBe(instance.train);
    const half = trainingRows(instance.train, { ...settings, dataShare: 0.5 });
    expect(half.count).toBe(60);
    // Every class keeps its share (the split is stored class by class).
    const classes = [0, 1, 2].map((c) => Array.from({ length: half.count }, (_, i) => half.y[i * 3 + c]).filter((v) => v === 1).length);
    expect(classes).toEqual([20, 20, 20]);
    expect(trainingRows(instance.train, { ...settings, dataShare: 0.01 }).count).toBe(settings.batchSize);
    expect(trainingRows(instance.train, { ...settings, dataShare: 0.5 })).toBe(half);
    const plan = (dataShare: number) => makePlan(4, 0, [{ task: 'linreg-8', dataShare }]);
    const [small, full] = [plan(0.25), plan(1)].map((p) => evaluateGenome(engine, adam(), 3, p));
    expect(small?.status === 'ok' && full?.status === 'ok').toBe(true);
    expect(withoutWallTime(small as GenomeEvaluation)).not.toEqual(withoutWallTime(full as GenomeEvaluation));
    expect(() => makePlan(0, 0, [{ task: 'iris', dataShare: 0 }])).toThrow('tasks[0].dataShare must be a number in (0, 1] (got 0)');
  });

  it('depends only on the plan, the genome and its id: not on order, cache or engine', async () => {
    const plan = makePlan(11, 2, ['linreg-8', 'quadratic-noisy', { task: 'regression', steps: 20 }]);
    const forward = [adam(), sgd()].map((g, id) => evaluateGenome(engine, g, id, plan));
    const other = await Engine.create();
    const cache = new InstanceCache(1);
    const backward = [sgd(), adam()].map((g, i) => evaluateGenome(other, g, 1 - i, plan, { cache })).reverse();
    expect(backward.map(withoutWallTime)).toEqual(forward.map(withoutWallTime));
    const moved = evaluateGenome(engine, adam(), 5, plan);
    expect(withoutWallTime(moved)).not.toEqual(withoutWallTime({ ...forward[0]!, genomeId: 5 }));
  });
});
