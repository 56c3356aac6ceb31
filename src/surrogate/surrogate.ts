// The surrogate of an evolution run (docs/surrogate.md): the graph VAE, its fitness predictor, their
// optimiser, and what they were trained on, with the whole of it as plain data for the checkpoint
// (state.ts), so that a resumed run trains and decodes exactly as an uninterrupted one. It runs on
// the main thread only (TensorFlow.js; the pool's workers never import it).
//
// Training data: every genome evaluated so far that the surrogate can model (graph.ts, batch.ts),
// once per graph signature, with its objective vector on the predictor's scale (the newest
// evaluation wins); and the invalid decodes, with a fixed penalty as their objectives, mixed into
// each batch at a share that grows with the generation and never exceeds `invalidShare.max` (20%)
// of the valid graphs (the founding proposal's rule). The newest `maxExamples` valid graphs are
// kept. Training is a fixed number of Adam steps per generation (a count, not a time, so that the
// same seed gives the same run on any machine).

import type { Genome } from '../genome/types.ts';
import type { Rng } from '../util/rng.ts';
import { Adam } from './adam.ts';
import { unmodelled } from './batch.ts';
import { compactGraph, expandGraph, type CompactGraph } from './compact.ts';
import type { GraphShape } from './generate.ts';
import { representable, signature, toArrays, type GraphArrays } from './graph.ts';
import { GraphVae, type ModelSize } from './model.ts';
import { ParamStore } from './params.ts';

/** Adam's global-norm gradient clipping for the surrogate. */
export const ADAM_CLIP_NORM = 10;
import { Predictor, predictorTarget } from './predictor.ts';
import { trainOn, type Example, type TrainSettings } from './train.ts';

export interface SurrogateSettings {
  size: ModelSize;
  train: TrainSettings;
  learningRate: number;
  stepsPerGeneration: number;
  /** Valid graphs kept for training, the newest. */
  maxExamples: number;
  /** The objective value an invalid decode is stored with, and its share of the valid graphs: `perGeneration` times the generation, at most `max`. */
  invalidPenalty: number;
  invalidShare: { perGeneration: number; max: number };
}

/** Objectives of the predictor (the evolution's four: validation loss, train loss area, time, memory). */
export const SURROGATE_OBJECTIVES = 4;

export interface StoredExample {
  genome: Genome;
  /** The objective vector as evaluated (not yet on the predictor's scale). */
  objectives: number[];
  generation: number;
}

export class Surrogate {
  readonly settings: SurrogateSettings;
  readonly shape: GraphShape;
  readonly model: GraphVae;
  readonly predictor: Predictor;
  adam: Adam;
  /** Adam steps taken so far (the KL warm-up counts them). */
  steps = 0;
  /** Valid graphs by signature, oldest first. */
  readonly examples = new Map<string, StoredExample & { graph: CompactGraph }>();
  /** Invalid decodes, oldest first. */
  readonly invalid: CompactGraph[] = [];

  /** A new surrogate, its parameters drawn from `rng` in one fixed order. */
  constructor(settings: SurrogateSettings, shape: GraphShape, rng: Rng) {
    this.settings = settings;
    this.shape = shape;
    const store = new ParamStore();
    this.model = new GraphVae(settings.size, rng, store);
    this.predictor = new Predictor(store, rng, settings.size.latent, settings.size.hidden, SURROGATE_OBJECTIVES);
    this.adam = new Adam({ learningRate: settings.learningRate, clipNorm: ADAM_CLIP_NORM });
  }

  /** The arrays of a genome, or why the surrogate cannot model it. */
  arraysOf(genome: Genome): GraphArrays | string {
    const r = representable(genome, this.settings.size.maxNodes);
    if (!r.ok) return r.reason;
    const a = toArrays(genome, this.settings.size.maxNodes);
    return unmodelled(a) ?? a;
  }

  /** Adds an evaluated genome (its objective vector) to the training data; false if it cannot be modelled. */
  observe(genome: Genome, objectives: readonly number[], generation: number): boolean {
    const a = this.arraysOf(genome);
    if (typeof a === 'string') return false;
    const key = signature(a);
    this.examples.delete(key);
    this.examples.set(key, { genome, objectives: [...objectives], generation, graph: compactGraph(a) });
    while (this.examples.size > this.settings.maxExamples) {
      const oldest = this.examples.keys().next().value as string;
      this.examples.delete(oldest);
    }
    return true;
  }

  /** Keeps an invalid decode for training (at most as many as the share can ever use). */
  observeInvalid(arrays: GraphArrays): void {
    this.invalid.push(compactGraph(arrays));
    const limit = Math.ceil(this.settings.invalidShare.max * this.settings.maxExamples);
    if (this.invalid.length > limit) this.invalid.splice(0, this.invalid.length - limit);
  }

  /** The training set of a generation: the valid graphs and the newest invalid decodes at their share. */
  trainingSet(generation: number): Example[] {
    const valid: Example[] = [];
    for (const e of this.examples.values()) valid.push({ load: () => expandGraph(e.graph), target: predictorTarget(e.objectives) });
    const share = Math.min(this.settings.invalidShare.max, this.settings.invalidShare.perGeneration * generation);
    const count = Math.min(this.invalid.length, Math.floor(share * valid.length));
    const penalty = predictorTarget(Array.from({ length: SURROGATE_OBJECTIVES }, () => this.settings.invalidPenalty));
    const invalid = this.invalid.slice(this.invalid.length - count).map((graph) => ({ load: () => expandGraph(graph), target: penalty }));
    return [...valid, ...invalid];
  }

  /** The generation's training: stepsPerGeneration Adam steps; the mean loss (NaN without data). */
  train(generation: number, rng: Rng): { steps: number; loss: number } {
    const set = this.trainingSet(generation);
    if (set.length === 0) return { steps: 0, loss: Number.NaN };
    let sum = 0;
    for (let k = 0; k < this.settings.stepsPerGeneration; k++) {
      sum += trainOn(this.model, this.predictor, this.adam, set, this.settings.train, this.steps, rng).loss;
      this.steps++;
    }
    return { steps: this.settings.stepsPerGeneration, loss: sum / Math.max(1, this.settings.stepsPerGeneration) };
  }

  dispose(): void {
    this.model.store.dispose();
    this.adam.dispose();
  }
}
