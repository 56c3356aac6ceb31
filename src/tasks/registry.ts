// The task registry (docs/tasks.md): every task an optimizer genome can be evaluated on, with its
// description, objectives, defaults and a builder that makes an instance (data, splits, model)
// from a seed. A task is referred to as `name` or `name:variant` (`classification:spirals`,
// `iris:mlp`).

import { movedProblem, PROBLEMS, type Problem } from '../optimizer/problems.ts';
import { createRng } from '../util/rng.ts';
import { InputError, rules } from '../util/errors.ts';
import { CLASSIFICATION_SETS, classCount, classificationData, type ClassificationSet } from './classification.ts';
import { linearData, LINREG, regressionData, type Splits } from './data.ts';
import { GLYPH, GLYPH_CLASS_COUNTS, glyphData } from './glyphs.ts';
import { IRIS, irisData } from './iris.ts';
import { constantPredictorLoss, problemReferenceLoss } from './metrics.ts';
import { SEQUENCE, SEQUENCE_MODELS, sequenceData } from './sequence.ts';
import type { Activation, Dataset, Layer, ModelSpec } from './types.ts';
import type { LearnerTask } from '../learner/tasks.ts';
import { LEARNER_TASK_DEFINITIONS } from './learner.ts';

/** What evaluation minimises for every task, in this order (docs/tasks.md, Metrics). */
export const OBJECTIVES = ['validationLoss', 'trainLossArea', 'timeCost', 'memoryCost'] as const;
export type Objective = (typeof OBJECTIVES)[number];

export interface TaskSettings {
  /** Optimizer steps (updates). */
  steps: number;
  /** Minibatch size (model tasks; analytic problems ignore it). */
  batchSize: number;
  /**
   * The share of the training split to train on, in (0, 1] (model tasks; analytic problems ignore
   * it): evenly spaced rows, at least one minibatch. A curriculum grows it from generation to
   * generation. Default 1.
   */
  dataShare?: number;
}

export const LIMITS = { steps: [1, 100_000], batchSize: [1, 4096] } as const;

interface Common {
  /** The reference as given: `name` or `name:variant`. */
  task: string;
  /** The loss the normalised losses divide by (docs/tasks.md, Normalisation). */
  referenceLoss: number;
  /** What was drawn from the seed, for reports (`spirals`, `latent 3, observed 7, 420 samples`). */
  detail: string;
}

export type TaskInstance =
  | (Common & { kind: 'model'; model: ModelSpec; train: Dataset; validation: Dataset })
  | (Common & { kind: 'problem'; problem: Problem })
  /** A learner task (learner.ts): episodes are made from `seed` and their index. */
  | (Common & { kind: 'learner'; learner: LearnerTask; variant: string | undefined; seed: number });

export interface TaskDefinition {
  name: string;
  description: string;
  objectives: readonly Objective[];
  defaults: TaskSettings;
  /** The variants `name:variant` may name; the first is the default unless `drawn` is set. */
  variants: readonly string[];
  /** Whether, without a variant, the variant is drawn from the seed. */
  drawn: boolean;
  build(seed: number, variant: string | undefined): TaskInstance;
}

/** A dense network: `sizes` = inputs, hidden..., outputs; hidden layers use `hidden`. */
export function mlp(sizes: readonly number[], hidden: Activation | readonly Activation[], loss: ModelSpec['loss']): ModelSpec {
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    const activation = last ? 'identity' : typeof hidden === 'string' ? hidden : (hidden[i] ?? 'identity');
    layers.push({ inputs: sizes[i] as number, outputs: sizes[i + 1] as number, activation });
  }
  return { layers, loss };
}

function modelInstance(task: string, model: ModelSpec, splits: Splits, detail: string): TaskInstance {
  const referenceLoss = constantPredictorLoss(model.loss, splits.train, splits.validation);
  return { kind: 'model', task, model, train: splits.train, validation: splits.validation, referenceLoss, detail };
}

export const REGRESSION_HIDDEN = 20;
export const CLASSIFIER_HIDDEN = 16;
export const IRIS_HIDDEN = 8;
export const GLYPH_HIDDEN = 16;
export const SEQUENCE_HIDDEN = 16;

const ALL_OBJECTIVES = OBJECTIVES;

const regression: TaskDefinition = {
  name: 'regression',
  description: 'a random regression drawn from the seed (x = sin(z A) + noise, y = tanh(z b) + noise); fc-sin-fc-tanh-fc, 20 hidden, MSE',
  objectives: ALL_OBJECTIVES,
  defaults: { steps: 100, batchSize: 32 },
  variants: [],
  drawn: false,
  build(seed, _variant) {
    const data = regressionData(seed);
    const { latent, observed, samples } = data.shape;
    const model = mlp([observed, REGRESSION_HIDDEN, REGRESSION_HIDDEN, 1], ['sin', 'tanh'], 'mse');
    return modelInstance('regression', model, data, `latent ${latent}, observed ${observed}, ${samples} samples`);
  },
};

const classification: TaskDefinition = {
  name: 'classification',
  description: 'two spirals, concentric circles or Gaussian blobs (drawn from the seed, or :spirals, :circles, :blobs); MLP 2-16-16-C, tanh, softmax cross-entropy',
  objectives: ALL_OBJECTIVES,
  defaults: { steps: 200, batchSize: 32 },
  variants: CLASSIFICATION_SETS,
  drawn: true,
  build(seed, variant) {
    const data = classificationData(seed, variant as ClassificationSet | undefined);
    const model = mlp([2, CLASSIFIER_HIDDEN, CLASSIFIER_HIDDEN, classCount(data.set)], 'tanh', 'softmax-cross-entropy');
    return modelInstance(variant === undefined ? 'classification' : `classification:${variant}`, model, data, data.set);
  },
};

const iris: TaskDefinition = {
  name: 'iris',
  description: 'the Iris data (Fisher 1936): logistic regression (:logistic, default) or an MLP 4-8-3 with tanh (:mlp), softmax cross-entropy',
  objectives: ALL_OBJECTIVES,
  defaults: { steps: 100, batchSize: 16 },
  variants: ['logistic', 'mlp'],
  drawn: false,
  build(seed, variant) {
    const sizes = variant === 'mlp' ? [IRIS.features, IRIS_HIDDEN, IRIS.classes] : [IRIS.features, IRIS.classes];
    const task = variant === undefined ? 'iris' : `iris:${variant}`;
    return modelInstance(task, mlp(sizes, 'tanh', 'softmax-cross-entropy'), irisData(seed), variant ?? 'logistic');
  },
};

const linreg8: TaskDefinition = {
  name: 'linreg-8',
  description: 'linear regression on 8 Gaussian features, 256 training rows; one linear layer, MSE; the throughput proxy',
  objectives: ALL_OBJECTIVES,
  defaults: { steps: 100, batchSize: 32 },
  variants: [],
  drawn: false,
  build(seed, _variant) {
    return modelInstance('linreg-8', mlp([LINREG.features, 1], 'identity', 'mse'), linearData(seed), '8 features');
  },
};

const glyphs: TaskDefinition = {
  name: 'glyphs',
  description: '8x8 glyphs of 2-3 strokes drawn from the seed, under affine jitter and pixel noise; 10 classes (default) or :4; MLP 64-16-C, relu, softmax cross-entropy',
  objectives: ALL_OBJECTIVES,
  defaults: { steps: 200, batchSize: 32 },
  variants: GLYPH_CLASS_COUNTS.map(String),
  drawn: false,
  build(seed, variant) {
    const classes = variant === undefined ? GLYPH_CLASS_COUNTS[0] : Number(variant);
    const data = glyphData(seed, classes);
    const sizes = [GLYPH.side * GLYPH.side, GLYPH_HIDDEN, classes];
    const strokes = data.prototypes.reduce((n, g) => n + g.strokes, 0);
    const arcs = data.prototypes.reduce((n, g) => n + g.arcs, 0);
    const detail = `${classes} classes, ${strokes} strokes (${arcs} arcs), ${GLYPH.samples} samples`;
    return modelInstance(variant === undefined ? 'glyphs' : `glyphs:${variant}`, mlp(sizes, 'relu', 'softmax-cross-entropy'), data, detail);
  },
};

const sequence: TaskDefinition = {
  name: 'sequence',
  description: 'one-step-ahead forecasting of a series drawn from the seed (2-3 sines + AR(2) + noise) from its last 12 values, split in time order; MLP 12-16-1, tanh (default) or :linear (12-1), MSE',
  objectives: ALL_OBJECTIVES,
  defaults: { steps: 200, batchSize: 32 },
  variants: SEQUENCE_MODELS,
  drawn: false,
  build(seed, variant) {
    const data = sequenceData(seed);
    const w = SEQUENCE.window;
    const sizes = variant === 'linear' ? [w, 1] : [w, SEQUENCE_HIDDEN, 1];
    const periods = data.process.sines.map((s) => s.period.toFixed(1)).join(', ');
    const detail = `periods ${periods}; AR(2) phi ${data.process.phi1.toFixed(2)}, ${data.process.phi2.toFixed(2)}; ${SEQUENCE.samples} windows of ${w}`;
    return modelInstance(variant === undefined ? 'sequence' : `sequence:${variant}`, mlp(sizes, 'tanh', 'mse'), data, detail);
  },
};

function analytic(problem: Problem): TaskDefinition {
  return {
    name: problem.name,
    description: `analytic: ${problem.description}; by default moved to a place drawn from the seed (:moved), or as it is (:fixed)`,
    objectives: ALL_OBJECTIVES,
    defaults: { steps: 200, batchSize: 1 },
    variants: ['moved', 'fixed'],
    drawn: false,
    // :moved (the default) draws where the optimum lies and how far the start is from it from the
    // data seed (movedProblem), so that no genome scores by pulling parameters toward a constant;
    // :fixed is the textbook problem. Gradient noise and curvature probes come from the episode seed.
    build: (seed, variant) => {
      const placed = variant === 'fixed' ? problem : movedProblem(problem, createRng(seed));
      const task = variant === undefined ? problem.name : `${problem.name}:${variant}`;
      return { kind: 'problem', task, problem: placed, referenceLoss: problemReferenceLoss(placed), detail: variant === 'fixed' ? 'fixed' : 'moved' };
    },
  };
}

/** The optimizer role's tasks. */
export const OPTIMIZER_TASKS: readonly TaskDefinition[] = [
  regression, classification, iris, linreg8, glyphs, sequence, ...Object.values(PROBLEMS).map(analytic),
];

/** Every task: the optimizer role's, then the learner role's (learner.ts). */
export const TASKS: readonly TaskDefinition[] = [...OPTIMIZER_TASKS, ...LEARNER_TASK_DEFINITIONS];

/** Whether a task reference names a learner task. */
export function isLearnerTask(text: string): boolean {
  const name = text.split(':')[0] as string;
  return LEARNER_TASK_DEFINITIONS.some((t) => t.name === name);
}

export const TASK_NAMES: readonly string[] = TASKS.map((t) => t.name);

export interface TaskRef {
  definition: TaskDefinition;
  variant: string | undefined;
  /** The reference in canonical form: `name` or `name:variant`. */
  text: string;
}

/** Reads `name` or `name:variant`; `field` names the argument in errors. */
export function parseTaskRef(text: string, field = 'task'): TaskRef {
  const colon = text.indexOf(':');
  const name = colon < 0 ? text : text.slice(0, colon);
  const variant = colon < 0 ? undefined : text.slice(colon + 1);
  const definition = TASKS.find((t) => t.name === name);
  if (definition === undefined) throw new InputError(field, rules.oneOf(TASK_NAMES), text);
  if (variant !== undefined && !definition.variants.includes(variant)) {
    const rule = definition.variants.length === 0
      ? `must not name a variant (${name} has none)`
      : `must name a variant of ${name}: ${definition.variants.map((v) => `${name}:${v}`).join(', ')}`;
    throw new InputError(field, rule, text);
  }
  return { definition, variant, text: variant === undefined ? name : `${name}:${variant}` };
}

/** The instance of a task for a data seed. */
export function buildTask(ref: TaskRef | string, seed: number): TaskInstance {
  const r = typeof ref === 'string' ? parseTaskRef(ref) : ref;
  return r.definition.build(seed, r.variant);
}

/** Task settings with `overrides` checked against LIMITS; `field` prefixes the errors. */
export function taskSettings(ref: TaskRef, overrides: Partial<TaskSettings> = {}, field = 'settings'): TaskSettings {
  const settings = { ...ref.definition.defaults, ...overrides };
  for (const key of ['steps', 'batchSize'] as const) {
    const [lo, hi] = LIMITS[key];
    const value = settings[key];
    if (!Number.isInteger(value) || value < lo || value > hi) throw new InputError(`${field}.${key}`, rules.range(lo, hi), value);
  }
  const share = settings.dataShare;
  if (share !== undefined && !(share > 0 && share <= 1)) throw new InputError(`${field}.dataShare`, 'must be a number in (0, 1]', share);
  return settings;
}
