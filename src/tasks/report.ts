// What `l2l eval` reports per task (docs/tasks.md, Command line): one genome trained on one planned
// task with the data and episode seeds of generation 0 and genome id 0, as an EvalReport (the loss
// per step, how training ended, the genome's size and costs, and the TaskResult). The command line
// formats these; src/pool/timed.ts computes them in a worker thread under a wall-clock limit.

import type { Engine } from '../engine/engine.ts';
import { stateBytesPerParameter } from '../genome/state.ts';
import type { Genome } from '../genome/types.ts';
import { checkOptimizerRole } from '../optimizer/role.ts';
import { runTask, type EvaluationPlan, type PlannedTask } from './evaluate.ts';
import { checkLearning, type LearningCheck } from './learning.ts';
import { DEFAULT_WORK_LIMIT } from './limits.ts';
import type { TaskResult } from './metrics.ts';
import { buildTask, parseTaskRef } from './registry.ts';
import { dataSeed, episodeSeed } from './seeds.ts';

/** `l2l eval` evaluates one genome as genome 0 of generation 0: its seeds derive from these. */
export const EVAL_GENOME_ID = 0;
export const EVAL_GENERATION = 0;

export interface EvalReport {
  genome: string;
  task: string;
  /** The run seed; the task's data and episode seeds derive from it. */
  seed: number;
  dataSeed: number;
  episodeSeed: number;
  /** What the task drew from its data seed (a data set's name, a regression's shape). */
  detail: string;
  /** Updates run: fewer than asked when a value went non-finite or the work passed the budget. */
  steps: number;
  batchSize: number;
  /**
   * How training ended: non-finite and over-budget stop it early (nodeKey: the engine node whose
   * value was not finite, when one was); over-budget is the plan's work budget (docs/tasks.md).
   */
  status: 'ok' | 'non-finite' | 'over-budget' | 'engine-error' | 'hurdle';
  nodeKey?: number;
  trainLoss: number[];
  initialLoss: number;
  finalLoss: number;
  nodes: number;
  edges: number;
  /** Counted from the genome (lane-width values carried across ticks). */
  stateBytesPerParameter: number;
  /** The engine's cost: node-lane evaluations + edge-lane traversals + effects, per update and parameter. */
  workPerStepPerParameter: number;
  /** The score: metrics (validation loss, loss area, costs, normalised losses) or an invalid reason. */
  result: TaskResult;
}

export interface ReportOptions {
  /** pack(genome), when the caller has it. */
  packed?: Int32Array;
  /** Called with each task's index before it starts (the timed worker records the start). */
  onTask?: (index: number) => void;
}

const STATUS = { ok: 'ok', non_finite: 'non-finite', over_budget: 'over-budget', engine_error: 'engine-error', hurdle: 'hurdle' } as const;

/**
 * Trains `genome` (reported as `name`) on one planned task with run seed `seed` and the work limit
 * of its plan. Throws an InputError if the genome is not in the optimizer role. `learning`: the
 * genome's learning check, when the caller has run it (else runTask runs it).
 */
export function reportTask(
  engine: Engine, genome: Genome, name: string, planned: PlannedTask, seed: number, workLimit = DEFAULT_WORK_LIMIT, packed?: Int32Array,
  learning?: LearningCheck,
): EvalReport {
  const path = { runSeed: seed, generation: EVAL_GENERATION, task: planned.task };
  const data = dataSeed(path);
  const episode = episodeSeed({ ...path, genomeId: EVAL_GENOME_ID });
  const instance = buildTask(parseTaskRef(planned.task), data);
  const { run, result } = runTask(engine, genome, instance, planned, episode, {
    workLimit, ...(packed === undefined ? {} : { packed }), ...(learning === undefined ? {} : { learning }),
  });
  const trainLoss = run === undefined ? [] : Array.from(run.trainLoss);
  const outcome = run?.outcome;
  const nodeKey = outcome?.status === 'non_finite' ? outcome.nodeKey : undefined;
  return {
    genome: name,
    task: planned.task,
    seed,
    dataSeed: data,
    episodeSeed: episode,
    detail: instance.detail,
    steps: run?.stepsRun ?? 0,
    batchSize: planned.batchSize,
    status: STATUS[outcome?.status ?? 'engine_error'],
    ...(nodeKey === undefined ? {} : { nodeKey }),
    trainLoss,
    initialLoss: trainLoss[0] ?? Number.NaN,
    finalLoss: trainLoss.at(-1) ?? Number.NaN,
    nodes: genome.nodes.length,
    edges: genome.edges.length,
    stateBytesPerParameter: stateBytesPerParameter(genome),
    workPerStepPerParameter: run?.workPerStepPerParameter ?? 0,
    result,
  };
}

/**
 * reportTask for every task of the plan, in order, with the plan's run seed and work limit. The
 * learning check runs once, in the first task (as evaluateGenome runs it), not once per task.
 */
export function reportTasks(engine: Engine, genome: Genome, name: string, plan: EvaluationPlan, options: ReportOptions = {}): EvalReport[] {
  checkOptimizerRole(genome);
  let learning: LearningCheck | undefined;
  return plan.tasks.map((planned, index) => {
    options.onTask?.(index);
    learning ??= checkLearning(engine, genome, { workLimit: plan.workLimit, ...(options.packed === undefined ? {} : { packed: options.packed }) });
    return reportTask(engine, genome, name, planned, plan.runSeed, plan.workLimit, options.packed, learning);
  });
}
