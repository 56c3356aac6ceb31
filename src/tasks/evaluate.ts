// One genome on its tasks (docs/tasks.md): build (or reuse) each task instance from its data seed,
// train with the episode seed under the plan's work budget, score the run. Validity is checked in
// a fixed order. First what belongs to the genome, once: the optimizer role (refused as bad input),
// then the learning probe (src/tasks/learning.ts: an update that ignores the gradient or the
// parameter is `non_learner` on every task, whatever its runs would have shown). Then per run: an
// engine error, the work budget, a non-finite value, inactivity (parameters that never moved in the
// first INACTIVE_STEPS updates); only a run that passes all of them gets metrics. The probe comes
// first because it needs no task: evaluateGenome skips training a non-learner, and `l2l eval`
// (runTask) trains it to show the losses but scores it the same. So `p' = p`, which never moves,
// is a non_learner (it ignores the gradient), not inactive; inactive is left to learners whose
// steps are too small to move a task's parameters or that wait past INACTIVE_STEPS.

import type { Engine } from '../engine/engine.ts';
import { EngineError } from '../engine/errors.ts';
import type { Genome } from '../genome/types.ts';
import { checkOptimizerRole } from '../optimizer/role.ts';
import {
  combineTasks, nonFinitePenalty, PENALTY, taskMetrics,
  type GenomeEvaluation, type InvalidReason, type TaskResult,
} from './metrics.ts';
import { checkLearning, type LearningCheck } from './learning.ts';
import { runProblem } from './problem.ts';
import { evaluateLearnerGenome } from './learner.ts';
import { isLearnerGenome } from '../learner/role.ts';
import { buildTask, isLearnerTask, parseTaskRef, taskSettings, type TaskInstance, type TaskSettings } from './registry.ts';
import { DEFAULT_WORK_LIMIT, WORK_LIMIT_RANGE } from './limits.ts';
import { hurdleStep } from './hurdle.ts';
import { chooseScale, scaleValue } from './scale.ts';
import { dataSeed, episodeSeed } from './seeds.ts';
import { engineStatusCode, trainModel } from './train.ts';
import type { Dataset, TrainResult } from './types.ts';
import { InputError, rules } from '../util/errors.ts';

/** One task of an evaluation plan: its reference and settings, and its hurdle when it has one. */
export interface PlannedTask extends TaskSettings {
  task: string;
  /**
   * The hurdle's limit in normalised loss (src/tasks/hurdle.ts): a run whose training loss after
   * hurdleStep(steps) updates is above limit x the reference loss stops there. Absent: no hurdle.
   */
  hurdle?: number;
}

/** What to evaluate genomes on: the seeds' path, the tasks in order, and the work budget. */
export interface EvaluationPlan {
  runSeed: number;
  generation: number;
  tasks: PlannedTask[];
  /**
   * The engine's work units per update and parameter that one task evaluation may use on average
   * (src/tasks/limits.ts): its budget is workLimit x steps x parameters.
   */
  workLimit: number;
}

export interface PlanOptions {
  /** Default DEFAULT_WORK_LIMIT; within WORK_LIMIT_RANGE. */
  workLimit?: number;
}

/** A plan for `tasks` (references, each optionally with overrides), defaults filled in and checked. */
export function makePlan(
  runSeed: number, generation: number, tasks: readonly (string | ({ task: string; hurdle?: number } & Partial<TaskSettings>))[], options: PlanOptions = {},
): EvaluationPlan {
  const workLimit = options.workLimit ?? DEFAULT_WORK_LIMIT;
  const [lo, hi] = WORK_LIMIT_RANGE;
  if (typeof workLimit !== 'number' || !(workLimit >= lo && workLimit <= hi)) throw new InputError('workLimit', rules.between(lo, hi), workLimit);
  return {
    runSeed,
    generation,
    tasks: tasks.map((t, i) => {
      const { task, hurdle, ...overrides } = typeof t === 'string' ? { task: t, hurdle: undefined } : t;
      const ref = parseTaskRef(task, `tasks[${i}]`);
      if (hurdle !== undefined && !(typeof hurdle === 'number' && hurdle > 0)) throw new InputError(`tasks[${i}].hurdle`, 'must be a number above 0', hurdle);
      return { task: ref.text, ...taskSettings(ref, overrides, `tasks[${i}]`), ...(hurdle === undefined ? {} : { hurdle }) };
    }),
    workLimit,
  };
}

/** The work units one evaluation of `instance` with `settings` may use: workLimit x steps x parameters. */
export function workBudget(instance: TaskInstance, settings: TaskSettings, workLimit: number): number {
  return workLimit * settings.steps * parameterCount(instance);
}

/** The number of trained parameters (lanes) of an instance. */
export function parameterCount(instance: TaskInstance): number {
  if (instance.kind === 'problem') return instance.problem.initial().length;
  if (instance.kind === 'learner') return 1;
  return instance.model.layers.reduce((n, l) => n + l.inputs * l.outputs + l.outputs, 0);
}

function invalid(task: string, reason: InvalidReason, wallTimeMs: number, extra: Partial<Pick<Extract<TaskResult, { status: 'invalid' }>, 'step' | 'code' | 'message' | 'penalty'>> = {}): TaskResult {
  return { status: 'invalid', task, reason, penalty: PENALTY[reason], wallTimeMs, ...extra };
}

/** Turns a finished run into a task result: invalid with a reason and penalty, or its metrics. */
export function scoreRun(instance: TaskInstance, settings: TaskSettings, run: TrainResult, wallTimeMs: number): TaskResult {
  const outcome = run.outcome;
  if (outcome.status === 'engine_error') return invalid(instance.task, 'engine_error', wallTimeMs, { code: outcome.code });
  if (outcome.status === 'over_budget') {
    const message = `work budget: the engine's work passed ${outcome.budget} units (workLimit x steps x parameters) in update ${outcome.step} of ${settings.steps}, at ${outcome.work}`;
    return invalid(instance.task, 'over_budget', wallTimeMs, { step: outcome.step, message });
  }
  if (outcome.status === 'hurdle') {
    const message = `hurdle: the training loss after update ${outcome.step} of ${settings.steps} was ${outcome.loss}, above the hurdle's limit`;
    return invalid(instance.task, 'hurdle', wallTimeMs, { step: outcome.step, message });
  }
  if (outcome.status === 'non_finite' || !Number.isFinite(run.validationLoss)) {
    const step = outcome.status === 'non_finite' ? outcome.step : settings.steps + 1;
    return invalid(instance.task, 'non_finite', wallTimeMs, { step, penalty: nonFinitePenalty(step, settings.steps) });
  }
  if (!run.parametersChanged) return invalid(instance.task, 'inactive', wallTimeMs);
  return { status: 'ok', task: instance.task, metrics: taskMetrics(run, instance.referenceLoss, parameterCount(instance), wallTimeMs) };
}

/** A run and its score; `run` is undefined when the engine refused the genome before training. */
export interface TaskRun {
  run: TrainResult | undefined;
  result: TaskResult;
}

export interface RunTaskOptions {
  /** pack(genome), when the caller has it. */
  packed?: Int32Array;
  /** Work units per update and parameter (EvaluationPlan.workLimit); default DEFAULT_WORK_LIMIT. */
  workLimit?: number;
  /** The genome's learning check, when the caller has run it (evaluateGenome); else runTask runs it. */
  learning?: LearningCheck;
  /** The step-size scale's grid index (src/tasks/scale.ts); default 0, the update as it is. */
  scale?: number;
  /** The hurdle's limit in normalised loss (PlannedTask.hurdle); default none. */
  hurdle?: number;
}

/** The verdict of a learning check as a task result; undefined unless it found a non-learner. */
function nonLearner(task: string, learning: LearningCheck, wallTimeMs: number): TaskResult | undefined {
  return learning.verdict === 'non_learner' ? invalid(task, 'non_learner', wallTimeMs, { message: learning.message }) : undefined;
}

/**
 * Trains on one task instance with `seed` as the episode seed, within its work budget (workBudget);
 * answers with the run and its score. A genome the learning check finds to be a non-learner is
 * trained all the same (its losses are reported) but scored `non_learner`. Throws an InputError if
 * the genome is not in the optimizer role.
 */
export function runTask(
  engine: Engine, genome: Genome, instance: TaskInstance, settings: TaskSettings, seed: number, options: RunTaskOptions = {},
): TaskRun {
  const started = performance.now();
  checkOptimizerRole(genome);
  if (instance.kind === 'learner') throw new InputError('task', 'must be an optimizer task for an optimizer genome', instance.task);
  const workLimit = options.workLimit ?? DEFAULT_WORK_LIMIT;
  const learning = options.learning ?? checkLearning(engine, genome, { workLimit, ...(options.packed === undefined ? {} : { packed: options.packed }) });
  let run: TrainResult;
  try {
    const hurdle = options.hurdle === undefined || settings.steps < 2 ? undefined
      : { step: hurdleStep(settings.steps), limit: options.hurdle * instance.referenceLoss };
    const train = {
      steps: settings.steps, batchSize: settings.batchSize, seed, workBudget: workBudget(instance, settings, workLimit),
      scale: scaleValue(options.scale ?? 0),
      ...(options.packed === undefined ? {} : { packed: options.packed }),
      ...(hurdle === undefined || !(hurdle.limit > 0) || hurdle.step >= settings.steps ? {} : { hurdle }),
    };
    run = instance.kind === 'model'
      ? trainModel(engine, genome, instance.model, trainingRows(instance.train, settings), instance.validation, train)
      : runProblem(engine, genome, instance.problem, train);
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    const code = engineStatusCode(error.status);
    const wallTimeMs = performance.now() - started;
    return { run: undefined, result: nonLearner(instance.task, learning, wallTimeMs) ?? invalid(instance.task, 'engine_error', wallTimeMs, { code, message: error.message }) };
  }
  const wallTimeMs = performance.now() - started;
  return { run, result: nonLearner(instance.task, learning, wallTimeMs) ?? scoreRun(instance, settings, run, wallTimeMs) };
}

/** Throws an InputError unless every task of the plan belongs to the genome's role. */
export function checkPlanRole(genome: Genome, plan: EvaluationPlan): void {
  const learner = isLearnerGenome(genome);
  plan.tasks.forEach((t, i) => {
    if (isLearnerTask(t.task) !== learner) {
      throw new InputError(`tasks[${i}]`, `must be ${learner ? 'a learner' : 'an optimizer'} task: the genome is ${learner ? 'a learner' : 'an optimizer'}`, t.task);
    }
  });
}

const subsets = new WeakMap<Dataset, Map<number, Dataset>>();

/**
 * The rows of `train` that settings.dataShare asks for: `k` = max(batch size, ceil(share * count))
 * rows at evenly spaced positions (so a split stored class by class keeps its proportions); the
 * whole split for a share of 1. Cached per split and k.
 */
export function trainingRows(train: Dataset, settings: TaskSettings): Dataset {
  const share = settings.dataShare ?? 1;
  const k = Math.min(train.count, Math.max(settings.batchSize, Math.ceil(share * train.count)));
  if (k >= train.count) return train;
  let byK = subsets.get(train);
  if (byK === undefined) subsets.set(train, (byK = new Map()));
  let subset = byK.get(k);
  if (subset === undefined) {
    const x = new Float32Array(k * train.features);
    const y = new Float32Array(k * train.targets);
    for (let i = 0; i < k; i++) {
      const row = Math.floor((i * train.count) / k);
      x.set(train.x.subarray(row * train.features, (row + 1) * train.features), i * train.features);
      y.set(train.y.subarray(row * train.targets, (row + 1) * train.targets), i * train.targets);
    }
    subset = { count: k, features: train.features, targets: train.targets, x, y };
    byK.set(k, subset);
  }
  return subset;
}

/** runTask's score alone. */
export function evaluateTask(
  engine: Engine, genome: Genome, instance: TaskInstance, settings: TaskSettings, seed: number, options: RunTaskOptions = {},
): TaskResult {
  return runTask(engine, genome, instance, settings, seed, options).result;
}

/** Task instances by task and data seed, the most recent `capacity` kept. */
export class InstanceCache {
  private readonly entries = new Map<string, TaskInstance>();
  constructor(private readonly capacity = 32) {}

  get(task: string, seed: number): TaskInstance {
    const key = `${task}@${seed}`;
    let instance = this.entries.get(key);
    if (instance === undefined) {
      instance = buildTask(task, seed);
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(key, instance);
    }
    return instance;
  }
}

export interface GenomeEvaluationOptions {
  /** Task instances to reuse (default: a new cache). */
  cache?: InstanceCache;
  /** Called with each task's index before it starts (the index counts on over the scales tried). */
  onTask?: (task: number) => void;
  /** pack(genome), when the caller has it. */
  packed?: Int32Array;
  /** The genome's learning check, when the caller has run it; else it runs here, once. */
  learning?: LearningCheck;
  /**
   * The step-size scales to try (grid indices of src/tasks/scale.ts), the genome's own first;
   * default [0]. The genome is scored at the best of them on training data (chooseScale).
   */
  scales?: readonly number[];
  /** Answer with every scale's task results too (GenomeEvaluation.byScale): the held-out table tunes per task. */
  allScales?: boolean;
}

/**
 * Evaluates genome `genomeId` on every task of the plan at each scale of options.scales, and
 * answers with the evaluation at the scale chosen on training data (src/tasks/scale.ts), which it
 * names, and the updates trained and saved by hurdles over all of them. A genome that is not in the
 * optimizer role is refused at once (InputError). The learning check runs once, inside the first
 * task (so the pool's clock and onTask see it as that task's work) unless the caller ran it: a
 * non-learner is `non_learner` on every task without training. An exception inside a task that is
 * not an engine error (a bug, never bad input) marks that task `crashed` with its message, and the
 * other tasks still run. Each run's episode seed depends on the plan, the task and the genome id,
 * not on the scale: every scale sees the same minibatches.
 */
export function evaluateGenome(
  engine: Engine, genome: Genome, genomeId: number, plan: EvaluationPlan, options: GenomeEvaluationOptions = {},
): GenomeEvaluation {
  const cache = options.cache ?? new InstanceCache();
  // Checked here, outside the per-task catch, so that bad input is refused rather than scored.
  checkPlanRole(genome, plan);
  if (isLearnerGenome(genome)) return evaluateLearnerGenome(engine, genome, genomeId, plan, { ...options, instance: (task, seed) => cache.get(task, seed) });
  checkOptimizerRole(genome);
  const packed = options.packed === undefined ? {} : { packed: options.packed };
  const scales = options.scales === undefined || options.scales.length === 0 ? [0] : options.scales;
  let learning = options.learning;
  let trained = 0;
  let saved = 0;
  const runs = scales.map((scale, s) => plan.tasks.map((t, index): TaskResult => {
    options.onTask?.(s * plan.tasks.length + index);
    const path = { runSeed: plan.runSeed, generation: plan.generation, task: t.task };
    const started = performance.now();
    try {
      learning ??= checkLearning(engine, genome, { workLimit: plan.workLimit, ...packed });
      const skipped = nonLearner(t.task, learning, performance.now() - started);
      if (skipped !== undefined) return skipped;
      const instance = cache.get(t.task, dataSeed(path));
      const { run, result } = runTask(engine, genome, instance, t, episodeSeed({ ...path, genomeId }), {
        workLimit: plan.workLimit, learning, scale, ...packed, ...(t.hurdle === undefined ? {} : { hurdle: t.hurdle }),
      });
      trained += run?.stepsRun ?? 0;
      if (run?.outcome.status === 'hurdle') saved += t.steps - run.stepsRun;
      return result;
    } catch (error) {
      return invalid(t.task, 'crashed', performance.now() - started, { message: error instanceof Error ? error.message : String(error) });
    }
  }));
  const chosen = chooseScale(scales, runs);
  return {
    ...combineTasks(genomeId, runs[chosen] as TaskResult[]), scale: scales[chosen] as number, steps: { trained, saved },
    ...(options.allScales === true ? { byScale: runs.map((tasks, i) => ({ scale: scales[i] as number, tasks })) } : {}),
  };
}
