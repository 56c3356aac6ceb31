// Trains a dense model with an optimizer genome, the whole episode in one engine call
// (docs/task-models.md). This side checks the model, the data and the options, loads the genome with
// one lane group per weight matrix and per bias, stages the data and turns the engine's answer into a
// TrainResult.

import type { Engine, TaskData, TaskRequest } from '../engine/engine.ts';
import type { RunOptions } from '../engine/types.ts';
import * as Lay from '../engine/layout.ts';
import * as S from '../engine/status.ts';
import { stateBytesPerParameter } from '../genome/state.ts';
import type { Genome, LaneGroup } from '../genome/types.ts';
import { checkOptimizerRole, readsSlot, SLOT } from '../optimizer/role.ts';
import { InputError, rules } from '../util/errors.ts';
import { CURVATURE_WORK } from './limits.ts';
import type { Activation, Dataset, ModelSpec, TrainOptions, TrainResult, TrainStatus } from './types.ts';

/** Activations and losses by name, in the engine's code order (ACT_*, LOSS_*). */
export const ACTIVATIONS: readonly Activation[] = ['identity', 'sin', 'tanh', 'relu'];
export const LOSSES: readonly ModelSpec['loss'][] = ['mse', 'softmax-cross-entropy'];
export const MAX_STEPS = 1_000_000;
const MAX_WIDTH = 1 << 20;

/** The engine's lane groups for a model: W_l (outputs x inputs), then b_l (1 x outputs), per layer. */
export function modelGroups(model: ModelSpec): LaneGroup[] {
  return model.layers.flatMap((l) => [{ rows: l.outputs, cols: l.inputs }, { rows: 1, cols: l.outputs }]);
}

/** The number of parameters (lanes) of a model. */
export function modelParameters(model: ModelSpec): number {
  return model.layers.reduce((n, l) => n + l.outputs * l.inputs + l.outputs, 0);
}

function checkInteger(field: string, value: unknown, lo: number, hi: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    throw new InputError(field, rules.range(lo, hi), value);
  }
}

/** Throws an InputError naming the field and the rule unless `model` is a valid ModelSpec. */
export function checkModel(model: ModelSpec): void {
  if (!Array.isArray(model.layers)) throw new InputError('model.layers', rules.array, model.layers);
  if (model.layers.length < 1 || model.layers.length > Lay.MAX_LAYERS) {
    throw new InputError('model.layers', `must hold 1 to ${Lay.MAX_LAYERS} layers`, model.layers.length);
  }
  model.layers.forEach((layer, i) => {
    const at = `model.layers[${i}]`;
    checkInteger(`${at}.inputs`, layer.inputs, 1, MAX_WIDTH);
    checkInteger(`${at}.outputs`, layer.outputs, 1, MAX_WIDTH);
    if (!ACTIVATIONS.includes(layer.activation)) throw new InputError(`${at}.activation`, rules.oneOf(ACTIVATIONS), layer.activation);
    const before = model.layers[i - 1];
    if (before !== undefined && layer.inputs !== before.outputs) {
      throw new InputError(`${at}.inputs`, `must equal model.layers[${i - 1}].outputs (${before.outputs})`, layer.inputs);
    }
  });
  if (!LOSSES.includes(model.loss)) throw new InputError('model.loss', rules.oneOf(LOSSES), model.loss);
  const lanes = modelParameters(model);
  if (lanes > Lay.MAX_LANES) throw new InputError('model.layers', rules.atMost(Lay.MAX_LANES, 'parameters the engine holds'), lanes);
}

/** The index of the first value that is not finite, or -1 (a plain loop: data sets are large). */
function firstNonFinite(values: Float32Array): number {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v - v !== 0) return i;
  }
  return -1;
}

/** Throws unless `data` (named `field`) fits `model`: shapes, lengths and finite values. */
export function checkDataset(field: string, data: Dataset, model: ModelSpec): void {
  const first = model.layers[0];
  const last = model.layers[model.layers.length - 1];
  checkInteger(`${field}.count`, data.count, 1, 2 ** 31 - 1);
  if (data.features !== first?.inputs) {
    throw new InputError(`${field}.features`, `must equal model.layers[0].inputs (${first?.inputs})`, data.features);
  }
  if (data.targets !== last?.outputs) {
    throw new InputError(`${field}.targets`, `must equal the last layer's outputs (${last?.outputs})`, data.targets);
  }
  for (const [name, array, width] of [['x', data.x, data.features], ['y', data.y, data.targets]] as const) {
    if (!(array instanceof Float32Array)) throw new InputError(`${field}.${name}`, 'must be a Float32Array', typeof array);
    if (array.length !== data.count * width) {
      throw new InputError(`${field}.${name}`, `must hold count x ${name === 'x' ? 'features' : 'targets'} = ${data.count * width} values`, array.length);
    }
    const bad = firstNonFinite(array);
    if (bad >= 0) throw new InputError(`${field}.${name}[${bad}]`, rules.finite, array[bad]);
  }
}

// Data sets already checked against a model: a task instance's splits are checked by the first run
// that uses them, not again by every run of every genome and scale (they are never changed after
// they are built).
const checkedData = new WeakMap<Dataset, ModelSpec>();

/** checkDataset, once per data set and model object. */
export function checkDatasetOnce(field: string, data: Dataset, model: ModelSpec): void {
  if (checkedData.get(data) === model) return;
  checkDataset(field, data, model);
  checkedData.set(data, model);
}

/** Throws unless the options are valid for a training set of `trainCount` rows. */
export function checkTrainOptions(options: TrainOptions, trainCount: number): void {
  checkInteger('options.steps', options.steps, 1, MAX_STEPS);
  checkInteger('options.batchSize', options.batchSize, 1, trainCount);
  checkInteger('options.seed', options.seed, 0, Number.MAX_SAFE_INTEGER);
  checkWorkBudget(options.workBudget);
  checkScale(options.scale);
  if (options.hurdle !== undefined) {
    checkInteger('options.hurdle.step', options.hurdle.step, 1, options.steps);
    if (!(options.hurdle.limit > 0)) throw new InputError('options.hurdle.limit', 'must be a number above 0', options.hurdle.limit);
  }
}

/** Throws unless a step-size scale, when given, is a finite number above 0. */
export function checkScale(scale: number | undefined): void {
  if (scale !== undefined && !(typeof scale === 'number' && scale > 0 && Number.isFinite(scale))) {
    throw new InputError('options.scale', 'must be a finite number above 0', scale);
  }
}

/** The work per update and parameter a run reports: the engine's, plus CURVATURE_WORK when it reads the curvature slot. */
export function workPerStep(work: number, ticks: number, lanes: number, curvature: boolean): number {
  if (ticks === 0) return 0;
  return work / ticks / lanes + (curvature ? CURVATURE_WORK : 0);
}

/** Throws unless a work budget, when given, is a number >= 0 (Infinity: no limit). */
export function checkWorkBudget(budget: number | undefined): void {
  if (budget !== undefined && !(typeof budget === 'number' && budget >= 0)) {
    throw new InputError('options.workBudget', 'must be a number of work units, 0 or more', budget);
  }
}

/** The engine's load options for a run: its seed, the packed genome and the work budget, when given. */
export function loadOptions(options: TrainOptions): RunOptions {
  return {
    seed: options.seed,
    ...(options.packed === undefined ? {} : { packed: options.packed }),
    ...(options.workBudget === undefined ? {} : { workBudget: options.workBudget }),
  };
}

function taskData(data: Dataset): TaskData {
  return { count: data.count, x: data.x, y: data.y };
}

/** The engine's request for a checked model, data and options. */
export function taskRequest(model: ModelSpec, train: Dataset, validation: Dataset, options: Pick<TrainOptions, 'steps' | 'batchSize'>): TaskRequest {
  return {
    layers: model.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, activation: ACTIVATIONS.indexOf(l.activation) })),
    loss: LOSSES.indexOf(model.loss),
    train: taskData(train),
    validation: taskData(validation),
    batchSize: options.batchSize,
    steps: options.steps,
  };
}

/** An engine status as a name, from src/engine/status.ts: "out_of_memory", "bad_argument", ... */
export function engineStatusCode(status: number): string {
  const entry = Object.entries(S).find(([name, value]) => value === status && name !== 'STATUS_COUNT');
  return entry === undefined ? `status_${status}` : entry[0].toLowerCase();
}

/**
 * Trains `model` on `train` with the optimizer `genome` for `options.steps` steps and measures the
 * validation loss, in one call into the engine's WebAssembly. Throws InputError on bad arguments
 * (and if the genome is not an optimizer); every failure of the run itself is in `outcome`.
 */
export function trainModel(
  engine: Engine, genome: Genome, model: ModelSpec, train: Dataset, validation: Dataset, options: TrainOptions,
): TrainResult {
  checkOptimizerRole(genome);
  checkModel(model);
  checkDatasetOnce('train', train, model);
  checkDatasetOnce('validation', validation, model);
  checkTrainOptions(options, train.count);
  engine.load(genome, modelGroups(model), loadOptions(options));
  const curvature = readsSlot(genome, SLOT.curvature);
  const run = engine.train(taskRequest(model, train, validation, options), {
    seed: options.seed, curvature, scale: options.scale ?? 1, ...(options.hurdle === undefined ? {} : { hurdle: options.hurdle }),
  });
  const costs = engine.costs();
  let outcome: TrainStatus;
  if (run.outcome === 'trapped') outcome = { status: 'engine_error', code: 'trapped' };
  else if (run.outcome === Lay.OUTCOME_NON_FINITE) {
    outcome = run.nodeKey >= 0 ? { status: 'non_finite', step: run.failStep, nodeKey: run.nodeKey } : { status: 'non_finite', step: run.failStep };
  } else if (run.outcome === Lay.OUTCOME_WORK_LIMIT) {
    outcome = { status: 'over_budget', step: run.failStep, work: costs.work, budget: options.workBudget ?? Number.POSITIVE_INFINITY };
  }
  else if (run.outcome === Lay.OUTCOME_HURDLE) outcome = { status: 'hurdle', step: run.failStep, loss: run.trainLoss[run.stepsRun] ?? Number.NaN };
  else if (run.outcome === Lay.OUTCOME_ENGINE) outcome = { status: 'engine_error', code: engineStatusCode(run.engineStatus) };
  else outcome = { status: 'ok' };
  const lanes = modelParameters(model);
  return {
    trainLoss: run.trainLoss,
    validationLoss: outcome.status === 'ok' ? run.validationLoss : Number.NaN,
    parametersChanged: run.parametersChanged,
    stepsRun: run.stepsRun,
    outcome,
    workPerStepPerParameter: workPerStep(costs.work, costs.ticks, lanes, curvature),
    stateBytesPerParameter: stateBytesPerParameter(genome),
    ...(run.hurdleLoss !== undefined && Number.isFinite(run.hurdleLoss) ? { hurdleLoss: run.hurdleLoss } : {}),
    parameters: run.parameters,
  };
}
