// Metrics of one evaluation and of a genome across tasks (docs/tasks.md): the types, the reference
// losses that make tasks comparable, the invalid reasons with their penalties, and the objective
// vector evolution minimises. Pure functions over numbers; nothing here runs the engine.
//
// Normalisation: a loss is divided by the task's reference loss and capped at LOSS_CAP:
//   model tasks      the loss of the best constant predictor fitted on the training split (the
//                    targets' training mean for MSE, the training class frequencies for cross-
//                    entropy), measured on the validation split: 1 means "learned nothing usable"
//   analytic tasks   the loss at the starting point (problem.initial())
// Across tasks: the macro mean (each task weighs the same, whatever its size).

import type { Problem } from '../optimizer/problems.ts';
import { hurdleStep } from './hurdle.ts';
import type { Dataset, ModelSpec, TrainResult } from './types.ts';
import { log } from '../util/math.ts';

/** Normalised losses are capped here: worse than 10 times the reference is simply bad. */
export const LOSS_CAP = 10;

/** Scales a penalty for the cost objectives, past any real cost (docs/tasks.md, Validity). */
export const PENALTY_COST_SCALE = 1e6;

export const INVALID_REASONS = ['hurdle', 'non_finite', 'inactive', 'non_learner', 'over_budget', 'timeout', 'engine_error', 'crashed'] as const;
export type InvalidReason = (typeof INVALID_REASONS)[number];

/**
 * Each reason's penalty, in normalised-loss units: above LOSS_CAP, so every valid result beats
 * every invalid one, and graded: a run that went non-finite late beats one that went non-finite
 * early (non_finite spans (LOSS_CAP + 1, LOSS_CAP + 2]), which beats one that never moved.
 * non_learner (an update that ignores the gradient or the parameter, src/tasks/learning.ts) is as
 * useless as inactive and sits just past it, its own value so that reports tell the two apart.
 * hurdle (a run stopped early because its loss after a fraction of its steps was far above the
 * seeds', docs/evolution.md) is the mildest: the genome learned something, only much worse.
 * over_budget (the deterministic work budget) sits next to timeout (the wall clock, its safety net)
 * but apart from it, so that the two stay distinguishable in objective vectors and reports.
 */
export const PENALTY: Record<InvalidReason, number> = {
  hurdle: LOSS_CAP + 0.5,
  non_finite: LOSS_CAP + 2,
  inactive: LOSS_CAP + 3,
  non_learner: LOSS_CAP + 3.25,
  over_budget: LOSS_CAP + 3.5,
  timeout: LOSS_CAP + 4,
  engine_error: LOSS_CAP + 5,
  crashed: LOSS_CAP + 6,
};

/** The non_finite penalty of a run that failed in `step` (from 1) of `steps`. */
export function nonFinitePenalty(step: number, steps: number): number {
  return PENALTY.non_finite - Math.min(1, Math.max(0, (step - 1) / steps));
}

export interface TaskMetrics {
  /** The validation loss after the last step (training loss at the end on analytic tasks). */
  validationLoss: number;
  /** Area under the training-loss curve: the mean training loss measured before each update. */
  trainLossArea: number;
  normalisedValidationLoss: number;
  normalisedTrainLossArea: number;
  /** The engine's work units per step per parameter. */
  timeCost: number;
  /** Optimizer state bytes per parameter (the engine's count). */
  memoryCost: number;
  initialLoss: number;
  finalTrainLoss: number;
  /**
   * The training loss after hurdleStep(steps) updates over the reference loss (src/tasks/hurdle.ts):
   * on model tasks run with a hurdle the whole training split's, as the hurdle checks it (else the
   * minibatch loss there); on analytic problems the loss.
   */
  hurdleLoss: number;
  referenceLoss: number;
  steps: number;
  parameters: number;
  /** Diagnostic only: never part of an objective, differs between runs. */
  wallTimeMs: number;
}

export interface InvalidDetail {
  reason: InvalidReason;
  penalty: number;
  /**
   * non_finite: the step (from 1) whose loss, gradient, tick or update was not finite; steps + 1:
   * the final losses. over_budget: the step whose tick took the work past the budget.
   */
  step?: number;
  /** engine_error: the engine's status (a name like `out_of_memory`, or `trapped`). */
  code?: string;
  message?: string;
}

export type TaskResult =
  | { status: 'ok'; task: string; metrics: TaskMetrics }
  | ({ status: 'invalid'; task: string; wallTimeMs: number } & InvalidDetail);

/** A genome's metrics across tasks: macro means of the per-task metrics. */
export interface GenomeMetrics {
  validationLoss: number;
  trainLossArea: number;
  timeCost: number;
  memoryCost: number;
  wallTimeMs: number;
}

/** What an evaluation cost and chose, beside its metrics (src/tasks/scale.ts, src/tasks/hurdle.ts). */
export interface EvaluationExtras {
  /** The step-size scale it is scored at (a grid index of src/tasks/scale.ts); absent: 0, none. */
  scale?: number;
  /** Updates trained in all its runs (every scale tried), and updates its hurdles saved. */
  steps?: { trained: number; saved: number };
  /** Every scale's task results, when asked for (GenomeEvaluationOptions.allScales), in the order tried. */
  byScale?: { scale: number; tasks: TaskResult[] }[];
}

export type GenomeEvaluation =
  | ({ status: 'ok'; genomeId: number; metrics: GenomeMetrics; tasks: TaskResult[] } & EvaluationExtras)
  | ({ status: 'invalid'; genomeId: number; task: string; tasks: TaskResult[] } & InvalidDetail & EvaluationExtras);

/** The loss of the best constant prediction fitted on `train`, measured on `validation`. */
export function constantPredictorLoss(loss: ModelSpec['loss'], train: Dataset, validation: Dataset): number {
  const t = train.targets;
  const mean = new Float64Array(t);
  for (let s = 0; s < train.count; s++) for (let j = 0; j < t; j++) mean[j] = (mean[j] as number) + (train.y[s * t + j] as number) / train.count;
  let total = 0;
  if (loss === 'mse') {
    for (let s = 0; s < validation.count; s++) {
      for (let j = 0; j < t; j++) total += ((validation.y[s * t + j] as number) - (mean[j] as number)) ** 2 / t;
    }
  } else {
    // Class frequencies with one pseudo-count per class (Laplace), so an unseen class is not log 0.
    const p = Array.from(mean, (m) => (m * train.count + 1) / (train.count + t));
    for (let s = 0; s < validation.count; s++) {
      for (let j = 0; j < t; j++) total -= (validation.y[s * t + j] as number) * log(p[j] as number);
    }
  }
  return total / validation.count;
}

/** An analytic problem's loss at its starting point. */
export function problemReferenceLoss(problem: Problem): number {
  const theta = problem.initial();
  const probe = { next: () => 0.5, int: () => 0, uniform: (lo: number) => lo };
  return problem.evaluate(theta, new Float32Array(theta.length), probe);
}

/** `loss` relative to `reference`, capped at LOSS_CAP. */
export function normalise(loss: number, reference: number): number {
  if (!(reference > 0)) return Math.min(loss, LOSS_CAP);
  return Math.min(loss / reference, LOSS_CAP);
}

/** The mean training loss before each update: trainLoss[0 .. steps - 1]. */
export function lossArea(trainLoss: ArrayLike<number>, steps: number): number {
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += trainLoss[i] as number;
  return steps > 0 ? sum / steps : Number.NaN;
}

/** The metrics of a finished, valid run. */
export function taskMetrics(run: TrainResult, referenceLoss: number, parameters: number, wallTimeMs: number): TaskMetrics {
  const area = lossArea(run.trainLoss, run.stepsRun);
  return {
    validationLoss: run.validationLoss,
    trainLossArea: area,
    normalisedValidationLoss: normalise(run.validationLoss, referenceLoss),
    normalisedTrainLossArea: normalise(area, referenceLoss),
    timeCost: run.workPerStepPerParameter,
    memoryCost: run.stateBytesPerParameter,
    initialLoss: run.trainLoss[0] ?? Number.NaN,
    finalTrainLoss: run.trainLoss[run.stepsRun] ?? Number.NaN,
    hurdleLoss: normalise(run.hurdleLoss ?? run.trainLoss[hurdleStep(run.stepsRun)] ?? Number.NaN, referenceLoss),
    referenceLoss,
    steps: run.stepsRun,
    parameters,
    wallTimeMs,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((a, v) => a + v, 0) / values.length;
}

/**
 * Combines the per-task results of one genome: invalid if any task is (the one with the largest
 * penalty gives the reason), otherwise the macro means of the normalised losses and the costs.
 */
export function combineTasks(genomeId: number, tasks: TaskResult[]): GenomeEvaluation {
  let worst: Extract<TaskResult, { status: 'invalid' }> | undefined;
  const ok: TaskMetrics[] = [];
  for (const t of tasks) {
    if (t.status === 'ok') ok.push(t.metrics);
    else if (worst === undefined || t.penalty > worst.penalty) worst = t;
  }
  if (worst !== undefined) {
    const { reason, penalty, step, code, message } = worst;
    return {
      status: 'invalid', genomeId, task: worst.task, reason, penalty, tasks,
      ...(step === undefined ? {} : { step }), ...(code === undefined ? {} : { code }), ...(message === undefined ? {} : { message }),
    };
  }
  if (ok.length === 0) throw new RangeError('combineTasks needs at least one task');
  return {
    status: 'ok',
    genomeId,
    metrics: {
      validationLoss: mean(ok.map((m) => m.normalisedValidationLoss)),
      trainLossArea: mean(ok.map((m) => m.normalisedTrainLossArea)),
      timeCost: mean(ok.map((m) => m.timeCost)),
      memoryCost: mean(ok.map((m) => m.memoryCost)),
      wallTimeMs: ok.reduce((a, m) => a + m.wallTimeMs, 0),
    },
    tasks,
  };
}

/**
 * The vector evolution minimises, in OBJECTIVES order (validationLoss, trainLossArea, timeCost,
 * memoryCost). An invalid genome gets (p, p, p C, p C) with p its penalty and C =
 * PENALTY_COST_SCALE: dominated by every valid genome, and graded among the invalid.
 */
export function objectiveVector(e: GenomeEvaluation): number[] {
  if (e.status === 'ok') return [e.metrics.validationLoss, e.metrics.trainLossArea, e.metrics.timeCost, e.metrics.memoryCost];
  return [e.penalty, e.penalty, e.penalty * PENALTY_COST_SCALE, e.penalty * PENALTY_COST_SCALE];
}
