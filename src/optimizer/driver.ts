// Runs an optimizer genome on a problem: each step evaluates the loss and gradient at the current
// parameters, gives them to the engine with the loss, the previous loss and the step, runs one tick
// and takes the output as the new parameters. All optimizer state lives in the graph.
//
// Random streams: gradient noise from createRng(seed), curvature probes from createRng(seed ^
// PROBE_SALT), so that reading the curvature slot does not change the noise. The previous loss of
// step 1 is the loss itself.

import { Engine } from '../engine/engine.ts';
import type { Genome } from '../genome/types.ts';
import { createRng, type Rng } from '../util/rng.ts';
import { checkOptimizerRole, readsSlot, SLOT } from './role.ts';
import type { Problem } from './problems.ts';

export const PROBE_SALT = 0x5bd1e995;

/** The random streams of a run on a problem from `seed`: gradient noise and curvature probes. */
export function problemStreams(seed: number): { noise: Rng; probe: Rng } {
  return { noise: createRng(seed), probe: createRng((seed ^ PROBE_SALT) >>> 0) };
}

/** Writes one step's optimizer slots; the previous loss of step 1 is the loss itself. */
export function writeOptimizerInputs(
  engine: Engine, step: number, loss: number, previous: number,
  gradient: Float32Array, parameter: Float32Array, curvature: Float32Array,
): void {
  engine.input(SLOT.gradient).set(gradient);
  engine.input(SLOT.parameter).set(parameter);
  engine.input(SLOT.loss)[0] = loss;
  engine.input(SLOT.previousLoss)[0] = step === 1 ? loss : previous;
  engine.input(SLOT.step)[0] = step;
  engine.input(SLOT.curvature).set(curvature);
}

export interface OptimizeOptions {
  steps: number;
  seed?: number;
}

export interface OptimizeResult {
  /** The loss at the start, before each update and after the last: steps + 1 values when ok. */
  trainLoss: number[];
  /** The parameters after the last update that ran. */
  parameters: Float32Array;
  /** Updates run; fewer than asked when the engine stopped on a non-finite value. */
  steps: number;
  status: 'ok' | 'non-finite';
  /** Set when status is non-finite: the node whose value stopped the run. */
  nodeKey?: number;
}

/** Runs `genome` on `problem` in `engine` (loaded here); throws on an invalid genome. */
export function optimize(engine: Engine, genome: Genome, problem: Problem, options: OptimizeOptions): OptimizeResult {
  checkOptimizerRole(genome);
  const seed = options.seed ?? 0;
  engine.load(genome, problem.groups, { seed });
  const lanes = engine.lanes;
  const { noise, probe } = problemStreams(seed);
  const wantsCurvature = readsSlot(genome, SLOT.curvature);
  const theta = problem.initial();
  const gradient = new Float32Array(lanes);
  const curvature = new Float32Array(lanes);
  const trainLoss: number[] = [];
  let previous = Number.NaN;
  for (let step = 1; step <= options.steps; step++) {
    const loss = problem.evaluate(theta, gradient, noise);
    trainLoss.push(loss);
    if (wantsCurvature) problem.curvature(theta, curvature, probe);
    writeOptimizerInputs(engine, step, loss, previous, gradient, theta, curvature);
    const result = engine.run(1);
    if (result.status === 'non-finite') {
      return { trainLoss, parameters: theta, steps: step - 1, status: 'non-finite', nodeKey: result.nodeKey };
    }
    // No work budget is set here, so the only other outcome is a trap.
    if (result.status !== 'ok') throw new Error(`engine: ${result.status === 'trapped' ? result.message : result.status}`);
    theta.set(engine.output(0));
    previous = loss;
  }
  trainLoss.push(problem.evaluate(theta, gradient, noise));
  return { trainLoss, parameters: theta, steps: options.steps, status: 'ok' };
}

/** optimize() in a fresh engine. */
export async function optimizeOnce(genome: Genome, problem: Problem, options: OptimizeOptions): Promise<OptimizeResult> {
  return optimize(await Engine.create(), genome, problem, options);
}
