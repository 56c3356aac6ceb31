// Learner tasks in the task machinery (docs/learner.md, Evaluation): the learner role's
// environments (src/learner/tasks.ts) as task definitions of the registry, and the evaluation of a
// learner genome on a plan, which gives the same GenomeEvaluation as an optimizer's, so that
// selection, the curriculum, the cache and the reports work on both roles unchanged.
//
// A planned learner task's `steps` is its number of episodes. Every genome of a generation meets
// the same episodes (each drawn from the task's data seed and its index: common random numbers),
// and the engine's own seed (random firing policies) is the evaluation's episode seed. Per task:
//   validationLoss            the mean episode score (the task's success measure)
//   normalisedValidationLoss  its shortfall (src/learner/tasks.ts): 0 at the oracle, 1 at chance
//   trainLossArea (and normalised)  the same: a learner has no separate training curve yet
//   timeCost                  the engine's work per task step
//   memoryCost                what the learner carries: the engine's state bytes per lane plus its
//                             graph bytes (weights that effects rewrite are memory too)
// Validity in order: the learning check (a genome that ignores its feedback is non_learner on
// every task), the engine refusing it (engine_error), the work budget (workLimit units per trial,
// over_budget), a non-finite value (non_finite).

import type { Engine } from '../engine/engine.ts';
import { EngineError } from '../engine/errors.ts';
import { pack } from '../genome/pack.ts';
import type { Genome } from '../genome/types.ts';
import { checkFeedback } from '../learner/check.ts';
import { checkLearnerRole } from '../learner/role.ts';
import { runLearner } from '../learner/run.ts';
import { LEARNER_TASKS, shortfall, type LearnerTask } from '../learner/tasks.ts';
import type { EvaluationPlan, GenomeEvaluationOptions } from './evaluate.ts';
import type { LearningCheck } from './learning.ts';
import { combineTasks, LOSS_CAP, nonFinitePenalty, PENALTY, type GenomeEvaluation, type InvalidReason, type TaskResult } from './metrics.ts';
import type { TaskDefinition, TaskInstance } from './registry.ts';
import { dataSeed, episodeSeed, hashWords } from './seeds.ts';

/** Work units per trial a learner may use by default (EvaluationPlan.workLimit for learner plans). */
export const DEFAULT_LEARNER_WORK_LIMIT = 20_000;

/** Trials of the learning check's probes, for its work budget. */
const CHECK_TRIALS = 60;

/** A learner task as a registry definition. */
function definition(task: LearnerTask): TaskDefinition {
  return {
    name: task.name,
    description: `learner (${task.kind}): ${task.description}`,
    objectives: ['validationLoss', 'trainLossArea', 'timeCost', 'memoryCost'],
    defaults: { steps: task.episodes, batchSize: 1 },
    variants: task.variants,
    // A learner task without a variant is its first one (src/learner/tasks.ts), never drawn.
    drawn: false,
    build(seed, variant): TaskInstance {
      return {
        kind: 'learner', task: variant === undefined ? task.name : `${task.name}:${variant}`, referenceLoss: 1,
        detail: variant ?? task.kind, learner: task, variant, seed,
      };
    },
  };
}

export const LEARNER_TASK_DEFINITIONS: readonly TaskDefinition[] = LEARNER_TASKS.map(definition);

/** The learning check as the task machinery's LearningCheck. */
export function learnerCheck(engine: Engine, genome: Genome, workLimit: number, packed?: Int32Array): LearningCheck {
  const check = checkFeedback(engine, genome, { workLimit: workLimit * CHECK_TRIALS, ...(packed === undefined ? {} : { packed }) });
  if (check.verdict === 'undecided') return { verdict: 'undecided', ticks: check.steps, why: check.why };
  if (check.verdict === 'learner') return { verdict: 'learner', ticks: check.steps, fingerprint: check.fingerprint };
  return {
    verdict: 'non_learner', ignores: 'feedback', ticks: check.steps, fingerprint: check.fingerprint,
    message: 'the learner ignores its feedback: its outputs on the probes are the same with reward and errors held at 0',
  };
}

function invalid(task: string, reason: InvalidReason, wallTimeMs: number, extra: { step?: number; message?: string; code?: string; penalty?: number } = {}): TaskResult {
  return { status: 'invalid', task, reason, penalty: PENALTY[reason], wallTimeMs, ...extra };
}

/** The seed of episode `index` of a learner task instance. */
export function learnerEpisodeSeed(instanceSeed: number, index: number): number {
  return hashWords([instanceSeed, index]);
}

/** One learner task: `episodes` episodes of the instance, scored (see the header). */
export function runLearnerTask(
  engine: Engine, genome: Genome, instance: Extract<TaskInstance, { kind: 'learner' }>, episodes: number, seed: number, workLimit: number,
  packed: Int32Array = pack(genome),
): TaskResult {
  const started = performance.now();
  let scoreSum = 0;
  let first = Number.NaN;
  let last = Number.NaN;
  let work = 0;
  let steps = 0;
  let memory = 0;
  for (let e = 0; e < episodes; e++) {
    const env = instance.learner.make(learnerEpisodeSeed(instance.seed, e), instance.variant);
    let episode;
    try {
      episode = runLearner(engine, genome, env, { seed: hashWords([seed, e]), workLimit: workLimit * env.trials, packed });
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      return invalid(instance.task, 'engine_error', performance.now() - started, { message: error.message });
    }
    if (episode.status === 'work_limit') {
      const message = `work budget: the engine's work passed ${workLimit * env.trials} units (workLimit x trials) in episode ${e + 1} of ${episodes}, step ${episode.steps}`;
      return invalid(instance.task, 'over_budget', performance.now() - started, { step: e + 1, message });
    }
    if (episode.status === 'non_finite') {
      return invalid(instance.task, 'non_finite', performance.now() - started, { step: e + 1, penalty: nonFinitePenalty(e + 1, episodes) });
    }
    const s = shortfall(instance.learner, episode.score);
    if (e === 0) first = s;
    last = s;
    scoreSum += episode.score;
    work += episode.costs.work;
    steps += episode.steps;
    memory = Math.max(memory, episode.costs.stateBytesPerLane + episode.costs.graphBytes);
  }
  const score = scoreSum / episodes;
  const loss = Math.min(LOSS_CAP, shortfall(instance.learner, score));
  return {
    status: 'ok', task: instance.task,
    metrics: {
      validationLoss: score, trainLossArea: score, normalisedValidationLoss: loss, normalisedTrainLossArea: loss,
      timeCost: steps > 0 ? work / steps : 0, memoryCost: memory, initialLoss: first, finalTrainLoss: last, hurdleLoss: loss,
      referenceLoss: 1, steps: episodes, parameters: 1, wallTimeMs: performance.now() - started,
    },
  };
}

/**
 * Evaluates learner genome `genomeId` on every task of the plan (evaluate.ts dispatches here): the
 * learning check once (unless the caller ran it), then each task's episodes. A task that is not a
 * learner task is refused as bad input; an exception that is not an engine error marks the task
 * `crashed`, and the other tasks still run. Scales do not apply to learners: the result is at scale 0.
 */
export function evaluateLearnerGenome(
  engine: Engine, genome: Genome, genomeId: number, plan: EvaluationPlan, options: GenomeEvaluationOptions & { instance: (task: string, seed: number) => TaskInstance },
): GenomeEvaluation {
  checkLearnerRole(genome);
  const packed = options.packed ?? pack(genome);
  let learning = options.learning;
  let trained = 0;
  const tasks = plan.tasks.map((t, index): TaskResult => {
    options.onTask?.(index);
    const path = { runSeed: plan.runSeed, generation: plan.generation, task: t.task };
    const started = performance.now();
    try {
      learning ??= learnerCheck(engine, genome, plan.workLimit, packed);
      if (learning.verdict === 'non_learner') return invalid(t.task, 'non_learner', performance.now() - started, { message: learning.message });
      const instance = options.instance(t.task, dataSeed(path));
      if (instance.kind !== 'learner') throw new TypeError(`${t.task} is not a learner task`);
      trained += t.steps;
      return runLearnerTask(engine, genome, instance, t.steps, episodeSeed({ ...path, genomeId }), plan.workLimit, packed);
    } catch (error) {
      return invalid(t.task, 'crashed', performance.now() - started, { message: error instanceof Error ? error.message : String(error) });
    }
  });
  const combined = combineTasks(genomeId, tasks);
  return {
    ...combined, scale: 0, steps: { trained, saved: 0 },
    ...(options.allScales === true ? { byScale: [{ scale: 0, tasks }] } : {}),
  };
}
