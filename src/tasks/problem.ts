// Runs an optimizer genome on an analytic problem and answers with a TrainResult, like trainModel
// does for model tasks, so that both kinds of task are scored the same way. The loop is the one of
// src/optimizer/driver.ts (same slots, same random streams, same losses: trainLoss[i] is the loss
// after i updates); in addition it notes whether the parameters moved in the first
// INACTIVE_STEPS updates and turns engine failures into a status instead of throwing. The engine
// holds the work budget (options.workBudget) and stops the tick that passes it (docs/engine.md, Work
// limit), inside the tick, so this loop only reads the outcome.

import type { Engine } from '../engine/engine.ts';
import { EngineError } from '../engine/errors.ts';
import type { Genome } from '../genome/types.ts';
import { problemStreams, writeOptimizerInputs } from '../optimizer/driver.ts';
import type { Problem } from '../optimizer/problems.ts';
import { checkOptimizerRole, readsSlot, SLOT } from '../optimizer/role.ts';
import { stateBytesPerParameter } from '../genome/state.ts';
import { checkScale, checkWorkBudget, engineStatusCode, loadOptions, workPerStep } from './train.ts';
import type { TrainOptions, TrainResult, TrainStatus } from './types.ts';

/** A genome whose parameters have not moved after this many updates is inactive. */
export const INACTIVE_STEPS = 10; // trainModel's CHANGE_WINDOW (assembly/task/train.ts)

function engineFailure(error: unknown): TrainStatus {
  if (error instanceof EngineError) return { status: 'engine_error', code: engineStatusCode(error.status) };
  throw error;
}

/**
 * Runs `genome` on `problem` for `options.steps` updates in `engine` (loaded here). Throws an
 * InputError, before loading, if the genome is not in the optimizer role; every failure of the run
 * itself is in `outcome`.
 */
export function runProblem(engine: Engine, genome: Genome, problem: Problem, options: TrainOptions): TrainResult {
  checkOptimizerRole(genome);
  checkWorkBudget(options.workBudget);
  checkScale(options.scale);
  const scale = Math.fround(options.scale ?? 1);
  const wantsCurvature = readsSlot(genome, SLOT.curvature);
  const theta = problem.initial();
  const start = theta.slice();
  const lanes = theta.length;
  const trainLoss = new Float64Array(options.steps + 1);
  const result = (stepsRun: number, outcome: TrainStatus, validationLoss: number, moved: boolean): TrainResult => {
    // No costs when the load failed; a run over its budget in update 1 has the costs of that tick.
    const costs = stepsRun > 0 || outcome.status === 'over_budget' ? engine.costs() : undefined;
    return {
      trainLoss: trainLoss.subarray(0, stepsRun + 1),
      validationLoss,
      parametersChanged: moved,
      stepsRun,
      outcome,
      workPerStepPerParameter: costs === undefined ? 0 : workPerStep(costs.work, costs.ticks, lanes, wantsCurvature),
      stateBytesPerParameter: costs === undefined ? 0 : stateBytesPerParameter(genome),
      parameters: theta,
    };
  };
  try {
    engine.load(genome, problem.groups, loadOptions(options));
  } catch (error) {
    return result(0, engineFailure(error), Number.NaN, false);
  }
  const { noise, probe } = problemStreams(options.seed);
  const hurdle = options.hurdle;
  const gradient = new Float32Array(lanes);
  const curvature = new Float32Array(lanes);
  let moved = false;
  let previous = Number.NaN;
  for (let step = 1; step <= options.steps; step++) {
    const loss = problem.evaluate(theta, gradient, noise);
    trainLoss[step - 1] = loss;
    if (!Number.isFinite(loss)) return result(step - 1, { status: 'non_finite', step }, Number.NaN, moved);
    // The hurdle reads the loss after update hurdle.step, which this step measured anyway (so a
    // run that passes it draws the same noise as a run without one).
    if (hurdle !== undefined && step - 1 === hurdle.step && !(loss <= hurdle.limit)) {
      return result(step - 1, { status: 'hurdle', step: step - 1, loss }, Number.NaN, moved);
    }
    if (wantsCurvature) problem.curvature(theta, curvature, probe);
    writeOptimizerInputs(engine, step, loss, previous, gradient, theta, curvature);
    let run;
    try {
      run = engine.run(1);
    } catch (error) {
      return result(step - 1, engineFailure(error), Number.NaN, moved);
    }
    if (run.status === 'non-finite') return result(step - 1, { status: 'non_finite', step, nodeKey: run.nodeKey }, Number.NaN, moved);
    if (run.status === 'work-limit') {
      return result(step - 1, { status: 'over_budget', step, work: engine.costs().work, budget: options.workBudget ?? Number.POSITIVE_INFINITY }, Number.NaN, moved);
    }
    if (run.status === 'trapped') return result(step - 1, { status: 'engine_error', code: 'trapped' }, Number.NaN, moved);
    const output = engine.output(0);
    if (scale === 1) theta.set(output);
    else if (!scaleUpdate(theta, output, scale)) return result(step - 1, { status: 'non_finite', step }, Number.NaN, moved);
    if (step <= INACTIVE_STEPS && !moved) moved = theta.some((v, i) => v !== start[i]);
    previous = loss;
  }
  const final = problem.evaluate(theta, gradient, noise);
  trainLoss[options.steps] = final;
  const outcome: TrainStatus = Number.isFinite(final) ? { status: 'ok' } : { status: 'non_finite', step: options.steps + 1 };
  return result(options.steps, outcome, final, moved);
}

/**
 * theta + scale * (output - theta) in float32, as the engine's trainTask computes it; false (theta
 * unchanged) if a value is not finite.
 */
export function scaleUpdate(theta: Float32Array, output: Float32Array, scale: number): boolean {
  for (let i = 0; i < theta.length; i++) {
    const old = theta[i] as number;
    const v = Math.fround(old + Math.fround(scale * Math.fround((output[i] as number) - old)));
    if (!Number.isFinite(v)) return false;
  }
  for (let i = 0; i < theta.length; i++) {
    const old = theta[i] as number;
    theta[i] = Math.fround(old + Math.fround(scale * Math.fround((output[i] as number) - old)));
  }
  return true;
}
