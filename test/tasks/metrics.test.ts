// Metrics, normalisation, combination across tasks and the objective vector: pure functions checked
// against values worked out by hand in the comments.
import { describe, expect, it } from 'vitest';
import { PROBLEMS } from '../../src/optimizer/problems.ts';
import {
  combineTasks, constantPredictorLoss, INVALID_REASONS, LOSS_CAP, lossArea, nonFinitePenalty, normalise,
  objectiveVector, PENALTY, problemReferenceLoss, taskMetrics, type TaskResult,
} from '../../src/tasks/metrics.ts';
import type { Dataset, TrainResult } from '../../src/tasks/types.ts';

const data = (y: number[], targets: number): Dataset => ({
  count: y.length / targets, features: 1, targets, x: new Float32Array(y.length / targets), y: Float32Array.from(y),
});

function okResult(task: string, validation: number, area: number, time: number, memory: number): TaskResult {
  return {
    status: 'ok', task, metrics: {
      validationLoss: validation, trainLossArea: area, normalisedValidationLoss: validation, normalisedTrainLossArea: area,
      timeCost: time, memoryCost: memory, initialLoss: 1, finalTrainLoss: validation, hurdleLoss: validation, referenceLoss: 1, steps: 10, parameters: 4, wallTimeMs: 1,
    },
  };
}

describe('reference losses', () => {
  it('MSE: the validation targets around the training mean', () => {
    // Training mean 2; validation (1, 5): ((1 - 2)^2 + (5 - 2)^2) / 2 = 5.
    expect(constantPredictorLoss('mse', data([1, 3], 1), data([1, 5], 1))).toBeCloseTo(5, 12);
    // Two targets: per row the mean over targets. Means (0, 10); row (1, 12): (1 + 4) / 2 = 2.5.
    expect(constantPredictorLoss('mse', data([0, 10], 2), data([1, 12], 2))).toBeCloseTo(2.5, 12);
  });

  it('cross-entropy: training class frequencies with one pseudo-count', () => {
    // Classes seen 3 : 1 in 4 rows -> p = (4/6, 2/6); validation one row of each: -(ln 4/6 + ln 2/6) / 2.
    const train = data([1, 0, 1, 0, 1, 0, 0, 1], 2);
    expect(constantPredictorLoss('softmax-cross-entropy', train, data([1, 0, 0, 1], 2))).toBeCloseTo(-(Math.log(4 / 6) + Math.log(2 / 6)) / 2, 12);
  });

  it('analytic problems: the loss at the start', () => {
    expect(problemReferenceLoss(PROBLEMS.quadratic!)).toBeCloseTo(1.8775, 3);
    expect(problemReferenceLoss(PROBLEMS.rosenbrock!)).toBeCloseTo(24.2, 4); // from float32 (-1.2, 1)
  });
});

describe('metrics of a run', () => {
  it('loss area is the mean loss before each update; normalised losses are capped', () => {
    expect(lossArea([4, 2, 0, 100], 3)).toBe(2);
    expect(normalise(3, 2)).toBe(1.5);
    expect(normalise(1e30, 2)).toBe(LOSS_CAP);
    const run: TrainResult = {
      trainLoss: Float64Array.of(4, 2, 0, 1), validationLoss: 1.5, parametersChanged: true, stepsRun: 3,
      outcome: { status: 'ok' }, workPerStepPerParameter: 20, stateBytesPerParameter: 8,
    };
    expect(taskMetrics(run, 2, 9, 5)).toEqual({
      validationLoss: 1.5, trainLossArea: 2, normalisedValidationLoss: 0.75, normalisedTrainLossArea: 1,
      timeCost: 20, memoryCost: 8, initialLoss: 4, finalTrainLoss: 1, hurdleLoss: 1, referenceLoss: 2, steps: 3, parameters: 9, wallTimeMs: 5,
    });
  });
});

describe('penalties and combination', () => {
  it('grade the reasons: every penalty above the cap, non_finite by progress, each reason its own', () => {
    const values = INVALID_REASONS.map((r) => PENALTY[r]);
    expect(values.reduce((a, v) => Math.min(a, v))).toBeGreaterThan(LOSS_CAP);
    // A run stopped at its hurdle learned something: the mildest, below every non-finite run.
    expect(PENALTY.hurdle).toBeLessThan(nonFinitePenalty(101, 100));
    expect(new Set(values).size).toBe(values.length);
    expect(nonFinitePenalty(1, 100)).toBe(PENALTY.non_finite);
    expect(nonFinitePenalty(101, 100)).toBe(PENALTY.non_finite - 1);
    expect(nonFinitePenalty(90, 100)).toBeLessThan(nonFinitePenalty(10, 100));
    expect(nonFinitePenalty(1, 100)).toBeLessThan(PENALTY.inactive);
    // A non-learner is as useless as an inactive genome: just past it, before the engine's limits.
    expect(PENALTY.non_learner).toBeGreaterThan(PENALTY.inactive);
    expect(PENALTY.non_learner).toBeLessThan(PENALTY.over_budget);
  });

  it('macro-means valid tasks and reports the worst invalid one', () => {
    const ok = combineTasks(3, [okResult('a', 0.2, 0.5, 10, 8), okResult('b', 0.4, 0.7, 20, 8)]);
    expect(ok).toMatchObject({ status: 'ok', genomeId: 3 });
    if (ok.status !== 'ok') throw new Error('expected ok');
    expect(ok.metrics.validationLoss).toBeCloseTo(0.3, 12);
    expect(ok.metrics.trainLossArea).toBeCloseTo(0.6, 12);
    expect(ok.metrics.timeCost).toBe(15);
    expect(objectiveVector(ok)).toEqual([ok.metrics.validationLoss, ok.metrics.trainLossArea, 15, 8]);

    const inactive: TaskResult = { status: 'invalid', task: 'b', reason: 'inactive', penalty: PENALTY.inactive, wallTimeMs: 1 };
    const nonFinite: TaskResult = { status: 'invalid', task: 'c', reason: 'non_finite', step: 4, penalty: nonFinitePenalty(4, 10), wallTimeMs: 1 };
    const bad = combineTasks(4, [okResult('a', 0.2, 0.5, 10, 8), nonFinite, inactive]);
    expect(bad).toMatchObject({ status: 'invalid', genomeId: 4, task: 'b', reason: 'inactive', penalty: PENALTY.inactive });
    expect(bad.tasks).toHaveLength(3);
  });

  it('puts every invalid genome behind every valid one, in penalty order', () => {
    const valid = objectiveVector(combineTasks(0, [okResult('a', LOSS_CAP, LOSS_CAP, 5000, 400)]));
    const invalid = INVALID_REASONS.map((reason) => objectiveVector(combineTasks(1, [{ status: 'invalid', task: 'a', reason, penalty: PENALTY[reason], wallTimeMs: 0 }])));
    const dominates = (a: number[], b: number[]) => a.every((v, i) => v <= (b[i] as number)) && a.some((v, i) => v < (b[i] as number));
    for (const v of invalid) expect(dominates(valid, v)).toBe(true);
    for (let i = 1; i < invalid.length; i++) expect(dominates(invalid[i - 1] as number[], invalid[i] as number[])).toBe(true);
  });
});
