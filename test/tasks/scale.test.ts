// Step-size scoring (src/tasks/scale.ts): the grid, the choice of a scale on training data only, the
// per-task tuning of the held-out table; then on the real engine, that a scale multiplies the update
// (SGD at lr 0.01 and x10 follows SGD at lr 0.1) and that evaluateGenome scores at the best scale.
import { beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.ts';
import { resolveGenome, seedByName } from '../../src/seeds/index.ts';
import { evaluateGenome, makePlan, runTask } from '../../src/tasks/evaluate.ts';
import type { TaskResult } from '../../src/tasks/metrics.ts';
import { buildTask, parseTaskRef, taskSettings } from '../../src/tasks/registry.ts';
import {
  chooseScale, SCALE_GRID, SCALE_MAX, SCALE_MIN, scaleNeighbours, scaleValue, trainingScore, tunedPerTask,
} from '../../src/tasks/scale.ts';

/** A valid result whose final training loss and validation loss are given in units of the reference loss. */
function ok(task: string, train: number, validation: number, reference = 2): TaskResult {
  return {
    status: 'ok', task, metrics: {
      validationLoss: validation * reference, trainLossArea: 1, normalisedValidationLoss: validation, normalisedTrainLossArea: 1,
      timeCost: 3, memoryCost: 0, initialLoss: reference, finalTrainLoss: train * reference, hurdleLoss: 1, referenceLoss: reference,
      steps: 10, parameters: 4, wallTimeMs: 1,
    },
  };
}

function bad(task: string): TaskResult {
  return { status: 'invalid', task, reason: 'non_finite', penalty: 11.5, wallTimeMs: 1, step: 3 };
}

describe('the scale grid', () => {
  it('runs from 10^-2 to 10^2 in half decades, k = 0 being the update as it is', () => {
    expect(SCALE_GRID).toEqual([-4, -3, -2, -1, 0, 1, 2, 3, 4]);
    expect([SCALE_MIN, SCALE_MAX]).toEqual([-4, 4]);
    expect(scaleValue(0)).toBe(1);
    expect(scaleValue(2)).toBe(Math.fround(10));
    expect(scaleValue(-4)).toBe(Math.fround(0.01));
    expect(scaleValue(4)).toBe(100);
    expect(scaleValue(1)).toBe(Math.fround(Math.sqrt(10)));
    for (const k of SCALE_GRID) expect(scaleValue(k)).toBe(Math.fround(scaleValue(k)));
    const values = SCALE_GRID.map(scaleValue);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1] as number);
  });

  it('refuses an index off the grid or not an integer', () => {
    for (const k of [-5, 5, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => scaleValue(k)).toThrow(RangeError);
  });

  it('gives k and its neighbours, k first, clamped at the ends', () => {
    expect(scaleNeighbours(0)).toEqual([0, -1, 1]);
    expect(scaleNeighbours(3)).toEqual([3, 2, 4]);
    expect(scaleNeighbours(SCALE_MIN)).toEqual([-4, -3]);
    expect(scaleNeighbours(SCALE_MAX)).toEqual([4, 3]);
  });
});

describe('trainingScore and chooseScale', () => {
  it('scores the mean normalised final training loss, capped at LOSS_CAP; any invalid or non-finite run is Infinity', () => {
    expect(trainingScore([ok('a', 0.5, 9), ok('b', 0.25, 9)])).toBeCloseTo(0.375, 12);
    expect(trainingScore([ok('a', 50, 0.1)])).toBe(10);
    expect(trainingScore([ok('a', 0.5, 0.5), bad('b')])).toBe(Number.POSITIVE_INFINITY);
    expect(trainingScore([ok('a', Number.NaN, 0.5)])).toBe(Number.POSITIVE_INFINITY);
    expect(trainingScore([])).toBe(Number.POSITIVE_INFINITY);
  });

  it('picks the lowest training loss whatever the validation loss says', () => {
    // Scale -1 has by far the best validation loss but the worst training loss.
    const results = [[ok('a', 0.5, 0.5)], [ok('a', 0.9, 0.01)], [ok('a', 0.3, 5)]];
    expect(chooseScale([0, -1, 1], results)).toBe(2);
    expect(chooseScale([0, -1, 1], [[ok('a', 0.5, 0.5), ok('b', 0.1, 9)], [ok('a', 0.2, 0.1), ok('b', 0.5, 0.1)]])).toBe(0);
  });

  it('treats a scale with one invalid run as Infinity, however good its other runs', () => {
    const results = [[ok('a', 0.8, 0.8), ok('b', 0.8, 0.8)], [ok('a', 0.01, 0.01), bad('b')]];
    expect(chooseScale([0, -1], results)).toBe(0);
    expect(chooseScale([0, -1, 1], [[bad('a')], [bad('a')], [ok('a', 3, 3)]])).toBe(2);
  });

  it('breaks ties towards scales[0], then towards the smaller scale', () => {
    const same = () => [ok('a', 0.5, 0.5)];
    expect(chooseScale([0, -1, 1], [same(), same(), same()])).toBe(0);
    expect(chooseScale([0, 1, -1], [[ok('a', 0.9, 0.9)], same(), same()])).toBe(2);
    expect(chooseScale([0, -1, 1], [[ok('a', 0.9, 0.9)], same(), same()])).toBe(1);
    expect(chooseScale([2, 4, 1], [[ok('a', 0.9, 0.9)], same(), same()])).toBe(2);
    expect(chooseScale([2, 1, 3, 0], [[ok('a', 0.9, 0.9)], [ok('a', 0.6, 0.6)], same(), same()])).toBe(2);
    // Losses past the cap are all LOSS_CAP: a tie, so the genome's own scale.
    expect(chooseScale([0, 1], [[ok('a', 30, 1)], [ok('a', 20, 1)]])).toBe(0);
  });

  it('answers 0 when no scale has all its runs valid, or nothing was run', () => {
    expect(chooseScale([3, 2, 4], [[bad('a')], [bad('a')], [ok('a', 0.1, 0.1), bad('b')]])).toBe(0);
    expect(chooseScale([1, 0], [])).toBe(0);
    expect(chooseScale([1, 0], [[], []])).toBe(0);
  });
});

describe('tunedPerTask', () => {
  it('chooses per task on training loss, reports the validation loss there, and leaves out tasks invalid at every scale', () => {
    const byScale = [
      { scale: 0, tasks: [ok('a', 0.5, 0.4), ok('b', 0.2, 0.7), bad('c')] },
      { scale: -1, tasks: [ok('a', 0.3, 0.9), ok('b', 0.6, 0.05), bad('c')] },
      { scale: 1, tasks: [ok('a', 0.7, 0.01), ok('b', 0.2, 0.3), bad('c')] },
    ];
    expect(tunedPerTask(byScale)).toEqual({ a: { loss: 0.9, scale: -1 }, b: { loss: 0.7, scale: 0 } });
    expect(tunedPerTask([{ scale: 2, tasks: [bad('a'), ok('b', 0.5, 0.5)] }, { scale: 1, tasks: [ok('a', 0.8, 0.6), bad('b')] }]))
      .toEqual({ a: { loss: 0.6, scale: 1 }, b: { loss: 0.5, scale: 2 } });
    expect(tunedPerTask([])).toEqual({});
  });
});

describe('scales on the engine', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await Engine.create();
  });

  const stripWallTime = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'wallTimeMs' ? undefined : v)));

  it.each(['quadratic', 'regression', 'linreg-8'])('SGD at lr 0.01 and scale x10 follows SGD at lr 0.1 on %s', (task) => {
    const ref = parseTaskRef(task);
    const instance = buildTask(ref, 4);
    const settings = taskSettings(ref, { steps: 60 });
    const scaled = runTask(engine, seedByName('sgd').build(), instance, settings, 11, { scale: 2 });
    const tenfold = runTask(engine, resolveGenome('seed:sgd', { lr: 0.1 }), instance, settings, 11);
    expect(scaled.result.status).toBe('ok');
    expect(tenfold.result.status).toBe('ok');
    const a = scaled.run?.trainLoss ?? new Float64Array(0);
    const b = tenfold.run?.trainLoss ?? new Float64Array(0);
    expect(a.length).toBe(61);
    expect(b.length).toBe(61);
    for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThanOrEqual(1e-4 * Math.abs(b[i] as number));
    // And it differs from the unscaled run: the scale did something.
    const plain = runTask(engine, seedByName('sgd').build(), instance, settings, 11);
    expect(Math.abs((plain.run?.validationLoss as number) - (tenfold.run?.validationLoss as number))).toBeGreaterThan(1e-3 * (tenfold.run?.validationLoss as number));
    const v = scaled.run?.validationLoss as number;
    expect(Math.abs(v - (tenfold.run?.validationLoss as number))).toBeLessThanOrEqual(1e-4 * v);
  });

  it.each(['quadratic-noisy', 'linreg-8'])('scale 0 is bit for bit the run without a scale on %s', (task) => {
    const ref = parseTaskRef(task);
    const instance = buildTask(ref, 2);
    const settings = taskSettings(ref, { steps: 40 });
    const genome = seedByName('adam').build();
    const zero = runTask(engine, genome, instance, settings, 5, { scale: 0 });
    const none = runTask(engine, genome, instance, settings, 5);
    expect(Array.from(zero.run?.trainLoss ?? [])).toEqual(Array.from(none.run?.trainLoss ?? [0]));
    expect(Array.from(zero.run?.parameters ?? [])).toEqual(Array.from(none.run?.parameters ?? [0]));
    expect(stripWallTime(zero.result)).toEqual(stripWallTime(none.result));
  });

  it('evaluateGenome scores at the scale with the lowest training loss, and counts every run\'s updates', () => {
    const plan = makePlan(6, 0, [{ task: 'quadratic', steps: 50 }, { task: 'linreg-8', steps: 50 }, { task: 'regression', steps: 30 }]);
    const genome = seedByName('sgd').build();
    const e = evaluateGenome(engine, genome, 9, plan, { scales: [0, -1, 1], allScales: true });
    const byScale = e.byScale ?? [];
    expect(byScale.map((s) => s.scale)).toEqual([0, -1, 1]);
    const scores = byScale.map((s) => {
      let sum = 0;
      for (const t of s.tasks) {
        if (t.status !== 'ok') return Number.POSITIVE_INFINITY;
        sum += Math.min(10, t.metrics.finalTrainLoss / t.metrics.referenceLoss);
      }
      return sum / s.tasks.length;
    });
    const best = scores.indexOf(Math.min(...scores));
    expect(new Set(scores).size).toBe(3);
    expect(best).not.toBe(0); // SGD's default step is too small here: the choice moves off the genome's own scale
    expect(e.scale).toBe(byScale[best]?.scale);
    expect(e.tasks).toEqual(byScale[best]?.tasks);
    let trained = 0;
    for (const s of byScale) for (const t of s.tasks) trained += t.status === 'ok' ? t.metrics.steps : Number.NaN;
    expect(e.steps).toEqual({ trained, saved: 0 });
    expect(trained).toBe(3 * (50 + 50 + 30));
    // Every scale sees the same minibatches: one scale alone gives the same task results.
    for (const s of byScale) {
      const alone = evaluateGenome(engine, genome, 9, plan, { scales: [s.scale] });
      expect(stripWallTime(alone.tasks)).toEqual(stripWallTime(s.tasks));
      expect(alone.scale).toBe(s.scale);
    }
    // Without scales: scale 0, and no byScale unless asked for.
    const plain = evaluateGenome(engine, genome, 9, plan);
    expect(plain.scale).toBe(0);
    expect(plain.byScale).toBeUndefined();
    expect(stripWallTime(plain.tasks)).toEqual(stripWallTime(byScale[0]?.tasks));
  });
});
