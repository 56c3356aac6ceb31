// The run's data: a member of the population, the run state a checkpoint stores whole, the
// evaluator a run is given, what a generation reports, and the run's random streams: what every
// step of a generation (generation.ts) and the run directory (rundir.ts) share.

import type { InnovationState } from '../genome/innovation.ts';
import type { Genome } from '../genome/types.ts';
import type { ColumnBounds } from '../pareto/index.ts';
import type { EvaluationPlan } from '../tasks/evaluate.ts';
import { hashWords } from '../tasks/seeds.ts';
import type { LearningCheck } from '../tasks/learning.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';
import { createRng, type Rng } from '../util/rng.ts';
import type { CurriculumState } from './curriculum.ts';
import type { NoveltyArchive } from './novelty.ts';
import type { SpeciesState } from './species.ts';
import type { SurrogateState } from '../surrogate/state.ts';
import type { InnovationTracker } from '../genome/innovation.ts';
import type { RankAndCrowding } from '../pareto/index.ts';

/** How a member was made: a seed, an elite carried over, NEAT's children, the surrogate's children (surrogate.ts). */
export const MADE = ['seed', 'elite', 'mutation', 'crossover', 'guided', 'cross-species', 'filtered'] as const;

export interface Member {
  id: number;
  genome: Genome;
  /** The seed it descends from through its first parent. */
  origin: string;
  /** How it was made: one of MADE. */
  made: string;
  /** How it was first made, kept when it is carried over as an elite (absent: as `made`): counts surrogate children that reach fronts. */
  born?: string;
  /**
   * Per task, its objective vectors on that task summed over the generations it was valid in so
   * far, and how many: a genome that survives is ranked, on each of a generation's tasks, by its
   * mean over its lifetime, not by one draw of steps, data and episode.
   */
  record?: Record<string, { sums: number[]; count: number }>;
  /**
   * Its step-size scale, a grid index of src/tasks/scale.ts (absent: 0, its update as it is): the
   * best of the scales tried in its last evaluation; a child starts from its first parent's.
   */
  scale?: number;
}

/** A seed on the held-out plan at its best step size (the baseline of report.ts and the final table). */
export interface SeedBaseline {
  name: string;
  stateBytes: number;
  /** The scale chosen over all held-out tasks together, and per task its normalised validation loss at the scale best on that task's training data. */
  scale: number;
  tasks: Record<string, number>;
}

export interface RunState {
  /** The generation to evaluate next. */
  generation: number;
  population: Member[];
  nextId: number;
  species: SpeciesState<Genome>;
  innovation: InnovationState;
  curriculum: CurriculumState;
  /** Objective bounds of generation 0's valid genomes: the hypervolume's fixed normalisation. */
  bounds: ColumnBounds | null;
  /** Past novel genomes' descriptors (config.novelty). */
  novelty: NoveltyArchive;
  /** Objective bounds of the seeds on the report plan: the report hypervolume's normalisation. */
  reportBounds: ColumnBounds | null;
  /** Per training task, the hurdle's limit in normalised loss (calibrate.ts); null until generation 0 is calibrated. */
  hurdles: Record<string, number> | null;
  /** Per seed, its best step-size scale on the training tasks (calibrate.ts); null until then. */
  seedScales: Record<string, number> | null;
  /** The seeds on the report plan at their best step sizes (report.ts); null until the first report. */
  baseline: SeedBaseline[] | null;
  /** The surrogate (config.surrogate, surrogate.ts) after this state's last generation; absent or null when off. */
  surrogate?: SurrogateState | null;
}

/** A genome to evaluate: its id, and the step-size scales to try and its learning check when known (src/tasks/evaluate.ts). */
export interface Candidate {
  id: number;
  genome: Genome;
  scales?: number[];
  learning?: LearningCheck;
  allScales?: boolean;
}

export interface Evaluator {
  (candidates: Candidate[], plan: EvaluationPlan): Promise<GenomeEvaluation[]>;
}

/** The learning check of a genome on the main thread (screen.ts): verdict and functional fingerprint. */
export interface Screener {
  (genome: Genome): LearningCheck;
}

/** What a generation evaluates with: the evaluator (a pool) and the main thread's learning check. */
export interface GenerationTools {
  evaluate: Evaluator;
  screen: Screener;
  /** The run's surrogate, live on the main thread (its state travels in RunState.surrogate); null when off. */
  surrogate?: SurrogateTool | null;
}

/**
 * The surrogate's part in a generation (src/evolve/surrogate.ts, loaded only when the surrogate is
 * on, so that runs without it never load TensorFlow.js): learn from the evaluated population, make
 * its shares of the bred children, and its state for the checkpoint.
 */
export interface SurrogateTool {
  learn(population: readonly Member[], objectives: readonly number[][], generation: number): { observed: number; steps: number; loss: number };
  children(
    evaluated: readonly Member[], pools: readonly number[][], contest: RankAndCrowding, next: Member[], tracker: InnovationTracker, generation: number,
  ): { population: Member[]; children: { guided: number; crossSpecies: number; filtered: number }; invalid: number };
  snapshot(): SurrogateState;
  dispose(): void;
}

export interface GenerationReport {
  generation: number;
  tasks: string[];
  steps: number;
  /** Task evaluations: genomes evaluated x tasks x scales tried (cache hits and non-learners not counted). */
  evaluations: number;
  evaluationsPerSecond: number;
  /** On this generation's own plan: not comparable across generations (see the header). */
  hypervolume: number;
  /** The front on the report plan, on report generations; null on the others. */
  report: GenerationSummary | null;
  frontSize: number;
  /** The first front: id, origin, step-size scale (grid index) and objective vector of each member. */
  front: { id: number; origin: string; made: string; born: string; scale: number; objectives: number[] }[];
  /** The functional fingerprint cache (screen.ts): genomes looked up, and how many reused an earlier result. */
  cache: { lookups: number; hits: number };
  /** Updates trained in this generation's evaluations (every scale tried), and updates hurdles saved. */
  updates: { trained: number; saved: number };
  invalid: Record<string, number>;
  best: Record<string, number>;
  mean: Record<string, number>;
  species: { id: number; size: number; origin: string | null; bestFitness: number; offspring: number }[];
  unlocked: string[];
  rejectedChildren: number;
  /** Seed lineages (origins) alive in the next population. */
  lineages: number;
  /** What the surrogate did this generation, when on (surrogate.ts). */
  surrogate?: {
    observed: number; steps: number; loss: number | null;
    children: { guided: number; crossSpecies: number; filtered: number }; invalid: number; ms: number;
  };
}

/** The front of a report generation, evaluated on the report plan. */
export interface GenerationSummary {
  hypervolume: number;
  /** Front members valid on the report plan, and how many of them are non-dominated there. */
  valid: number;
  frontSize: number;
  evaluations: number;
  /** At the first report only: the 26 seeds' own hypervolume on the report plan, the baseline. */
  seeds?: number;
}

/** A random stream of (run seed, generation, purpose), hashed as the task seeds are. */
export function stream(seed: number, generation: number, purpose: number): Rng {
  return createRng(hashWords([seed >>> 0, Math.floor(seed / 2 ** 32), generation, purpose]));
}
