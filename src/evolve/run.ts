// One evolution run, generation by generation (the l2l design; NEAT after Stanley & Miikkulainen
// 2002, selection after NSGA-II, Deb et al. 2002). A generation, in order:
//
//   1. the curriculum plans it: tasks, steps, data share (src/evolve/curriculum.ts);
//   2. every genome is evaluated on those tasks (a pool, or any evaluator: results depend only on
//      the plan, the genome id and the genome) into an objective vector;
//   3. NSGA-II ranks the valid genomes; the front's hypervolume on this generation's plan is
//      measured in objectives normalised by the bounds of generation 0 (its tasks and steps change
//      from generation to generation, so this one does not compare across generations); on report
//      generations (config.report) the front is evaluated again on the fixed report plan, whose
//      hypervolume (normalised by the seeds' bounds on that plan) does. Genomes are ranked on the
//      plan's tasks by their lifetime means on each (Member.record), so a survivor's standing does
//      not hang on one draw of steps, data and episodes;
//   4. the curriculum sees the scores and may unlock tasks;
//   5. speciation, relative-rank stagnation and offspring allocation (src/evolve/species.ts) from
//      each genome's species fitness (Pareto rank plus a normalised composite);
//   6. reproduction: each species' elites carry over, the rest are children of its parent pool,
//      by crossover (sometimes with another species) and mutation, valid by construction or
//      drawn again; new keys from the innovation tracker.
//
// RunState is plain data (a checkpoint stores it whole); every random draw comes from a stream of
// the run seed and the generation, so a resumed run continues exactly as an uninterrupted one.

import { crossover } from '../genome/crossover.ts';
import { compatibilityDistance } from '../genome/distance.ts';
import { InnovationTracker, type InnovationState } from '../genome/innovation.ts';
import { mutate } from '../genome/mutate.ts';
import { mutationOptions } from '../genome/mutation.ts';
import type { Genome } from '../genome/types.ts';
import { columnBounds, crowdingDistance, hypervolume, nonDominatedSort, normaliseWith, speciesFitness, type ColumnBounds } from '../pareto/index.ts';
import { SEEDS } from '../seeds/index.ts';
import { makePlan, type EvaluationPlan } from '../tasks/evaluate.ts';
import { hashWords } from '../tasks/seeds.ts';
import { INVALID_REASONS, objectiveVector, type GenomeEvaluation } from '../tasks/metrics.ts';
import { createRng, type Rng } from '../util/rng.ts';
import type { EvolveConfig } from './config.ts';
import { advance, initialState, planGeneration, type CurriculumState } from './curriculum.ts';
import { DEFAULT_NOVELTY, describeGenome, emptyArchive, noveltyObjective, noveltyScores, updateArchive, type NoveltyArchive } from './novelty.ts';
import { allocateOffspring, initialSpecies, parentPool, speciate, updateStagnation, type SpeciesState } from './species.ts';

export const OBJECTIVE_NAMES = ['validationLoss', 'trainLossArea', 'timeCost', 'memoryCost'] as const;

export interface Member {
  id: number;
  genome: Genome;
  /** The seed it descends from through its first parent. */
  origin: string;
  /** How it was made: 'seed', 'elite', 'mutation' or 'crossover'. */
  made: string;
  /**
   * Per task, its objective vectors on that task summed over the generations it was valid in so
   * far, and how many: a genome that survives is ranked, on each of a generation's tasks, by its
   * mean over its lifetime, not by one draw of steps, data and episode.
   */
  record?: Record<string, { sums: number[]; count: number }>;
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
}

export interface Evaluator {
  (candidates: { id: number; genome: Genome }[], plan: EvaluationPlan): Promise<GenomeEvaluation[]>;
}

export interface GenerationReport {
  generation: number;
  tasks: string[];
  steps: number;
  evaluations: number;
  evaluationsPerSecond: number;
  /** On this generation's own plan: not comparable across generations (see the header). */
  hypervolume: number;
  /** The front on the report plan, on report generations; null on the others. */
  report: GenerationSummary | null;
  frontSize: number;
  /** The first front: id, origin and objective vector of each member. */
  front: { id: number; origin: string; made: string; objectives: number[] }[];
  invalid: Record<string, number>;
  best: Record<string, number>;
  mean: Record<string, number>;
  species: { id: number; size: number; origin: string | null; bestFitness: number; offspring: number }[];
  unlocked: string[];
  rejectedChildren: number;
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

/** The hypervolume's reference point in normalised objectives. */
const REFERENCE = 1.1;

/** The generation index of the report plan's data and episode seeds: past any run (at most 100,000 generations). */
export const REPORT_GENERATION = 100_001;

/** One fixed plan for the whole run: every curriculum and held-out task, at the most steps, all the data. */
export function reportPlan(config: EvolveConfig): EvaluationPlan {
  const tasks = [...new Set([...config.curriculum.tasks.map((t) => t.task), ...config.curriculum.heldOut])];
  return makePlan(config.seed, REPORT_GENERATION, tasks.map((task) => ({ task, steps: config.curriculum.steps.max })), { workLimit: config.workLimit });
}

export function isReportGeneration(config: EvolveConfig, generation: number): boolean {
  const every = config.report.every;
  return every > 0 && (generation % every === 0 || generation === config.generations - 1);
}

/**
 * The members' hypervolume on the report plan, in objectives normalised by the bounds of the 26
 * seeds on that plan (evaluated at the first report, with their generation-0 ids, then kept): the
 * seed library is the yardstick.
 */
async function summarise(config: EvolveConfig, members: readonly Member[], bounds: ColumnBounds | null, evaluate: Evaluator): Promise<{ summary: GenerationSummary; bounds: ColumnBounds | null }> {
  const plan = reportPlan(config);
  let extra = 0;
  let fixed = bounds;
  let seedRows: number[][] | undefined;
  if (fixed === null) {
    const seeds = await evaluate(SEEDS.map((s, id) => ({ id, genome: s.build() })), plan);
    extra = seeds.length * plan.tasks.length;
    seedRows = seeds.filter((r) => r.status === 'ok').map(objectiveVector);
    fixed = seedRows.length > 0 ? columnBounds(seedRows) : null;
  }
  const results = await evaluate(members.map((m) => ({ id: m.id, genome: m.genome })), plan);
  const rows = results.filter((r) => r.status === 'ok').map(objectiveVector);
  const front = firstFront(rows);
  const summary: GenerationSummary = {
    hypervolume: frontVolume(front.map((i) => rows[i] as number[]), fixed), valid: rows.length, frontSize: front.length,
    evaluations: extra + results.length * plan.tasks.length,
  };
  if (seedRows !== undefined) summary.seeds = frontVolume(firstFront(seedRows).map((i) => (seedRows as number[][])[i] as number[]), fixed);
  return { summary, bounds: fixed };
}

/** The first non-dominated front of `rows` (row indices); empty for no rows. */
function firstFront(rows: readonly number[][]): number[] {
  return rows.length === 0 ? [] : (nonDominatedSort(rows)[0] ?? []);
}

/** The hypervolume of a front's rows normalised by `bounds` (reference REFERENCE); 0 without bounds or points. */
function frontVolume(front: readonly number[][], bounds: ColumnBounds | null): number {
  return bounds === null || front.length === 0 ? 0 : hypervolume(normaliseWith(front, bounds), OBJECTIVE_NAMES.map(() => REFERENCE));
}

/** Generation 0: the 26 seeds, then single mutants of them (round robin) up to the population. */
export function initialRun(config: EvolveConfig): RunState {
  const seeds = SEEDS.map((s) => ({ name: s.name, genome: s.build() }));
  const tracker = new InnovationTracker(seeds.map((s) => s.genome));
  const rng = stream(config.seed, 0, 1);
  const options = mutationOptions();
  const population: Member[] = seeds.slice(0, config.population).map((s, i) => ({ id: i, genome: s.genome, origin: s.name, made: 'seed' }));
  for (let i = population.length; population.length < config.population; i++) {
    const parent = seeds[i % seeds.length] as { name: string; genome: Genome };
    const child = mutate(parent.genome, rng, tracker, options);
    if (child.status === 'ok') population.push({ id: population.length, genome: child.genome, origin: parent.name, made: 'mutation' });
  }
  return {
    generation: 0, population, nextId: population.length, species: initialSpecies(config.species),
    innovation: tracker.toJSON(), curriculum: initialState(config.curriculum), bounds: null, novelty: emptyArchive(),
    reportBounds: null,
  };
}

/** A random stream of (run seed, generation, purpose), hashed as the task seeds are. */
function stream(seed: number, generation: number, purpose: number): Rng {
  return createRng(hashWords([seed >>> 0, Math.floor(seed / 2 ** 32), generation, purpose]));
}

/** Evaluates generation state.generation and breeds the next; returns the new state and the report. */
export async function runGeneration(config: EvolveConfig, state: RunState, evaluate: Evaluator): Promise<{ state: RunState; report: GenerationReport }> {
  const g = state.generation;
  const planned = planGeneration(config.curriculum, state.curriculum, g, stream(config.seed, g, 2));
  const plan = makePlan(config.seed, g, planned.tasks.map((task) => ({ task, steps: planned.steps, dataShare: planned.dataShare })), { workLimit: config.workLimit });
  const started = performance.now();
  const results = await evaluate(state.population.map((m) => ({ id: m.id, genome: m.genome })), plan);
  const seconds = (performance.now() - started) / 1000;

  const current = results.map(objectiveVector);
  const valid = results.map((r) => r.status === 'ok');
  // Ranked by lifetime means: on each of this plan's tasks the mean of the genome's vectors on that
  // task so far (this generation's included), then the macro mean over the plan's tasks, as for one
  // evaluation. Every genome is thus judged on the same tasks; a survivor's judgement rests on more
  // draws. Only valid evaluations count; an invalid genome stays invalid for this generation.
  const lived = state.population.map((m, i): Member => {
    const r = results[i] as GenomeEvaluation;
    return r.status === 'ok' ? { ...m, record: addToRecord(m.record ?? {}, r) } : m;
  });
  const objectives = lived.map((m, i) => (valid[i] ? lifetimeVector(m.record ?? {}, plan.tasks.map((t) => t.task)) : (current[i] as number[])));
  const bounds = state.bounds ?? (valid.some(Boolean) ? columnBounds(objectives, valid) : null);
  const validAt = state.population.map((_, i) => i).filter((i) => valid[i]); // population index per valid row
  const validRows = validAt.map((i) => objectives[i] as number[]);
  const front = firstFront(validRows);
  const hv = frontVolume(front.map((i) => validRows[i] as number[]), bounds);
  let reportBounds = state.reportBounds;
  let generationReport: GenerationSummary | null = null;
  if (isReportGeneration(config, g)) {
    const r = await summarise(config, front.map((i) => state.population[validAt[i] as number] as Member), reportBounds, evaluate);
    generationReport = r.summary;
    reportBounds = r.bounds;
  }
  // Novelty, when on, is a fifth objective for selection only (the hypervolume stays on the four).
  let archive = state.novelty;
  let ranked: number[][] = objectives;
  if (config.novelty) {
    const descriptors = state.population.map((m) => describeGenome(m.genome));
    const novelty = noveltyScores(descriptors, archive, DEFAULT_NOVELTY.k);
    const column = noveltyObjective(novelty);
    ranked = objectives.map((row, i) => [...row, column[i] as number]);
    archive = updateArchive(archive, descriptors, novelty, DEFAULT_NOVELTY);
  }
  const { fitness } = speciesFitness(ranked, valid);

  const scores: Record<string, number[]> = {};
  results.forEach((r) => {
    if (r.status !== 'ok') return;
    for (const t of r.tasks) if (t.status === 'ok') (scores[t.task] ??= []).push(Math.max(0, 1 - t.metrics.normalisedValidationLoss));
  });
  const curriculum = advance(config.curriculum, state.curriculum, scores);

  const tracker = InnovationTracker.fromJSON(state.innovation);
  tracker.beginGeneration();
  const rng = stream(config.seed, g, 3);
  const genomes = state.population.map((m) => m.genome);
  const origins = state.population.map((m) => m.origin);
  const spec = speciate(genomes, state.species, compatibilityDistance, config.species, g, origins);
  const stag = updateStagnation(spec.state, spec.members, Array.from(fitness), config.species, g);
  // NSGA-II's elitism: the first front carries over whole (thinned by crowding distance when it
  // is larger than config.frontElites of the population); the species breed the rest.
  const carried = frontElites(front.map((i) => validAt[i] as number), objectives, Math.floor(config.frontElites * config.population));
  const offspring = allocateOffspring(stag.state, spec.members, Array.from(fitness), stag.reproduces, config.population - carried.length, config.species, g);
  const bred = breed(config, { ...state, population: lived }, spec.members, Array.from(fitness), offspring, tracker, rng, g, carried);

  const report: GenerationReport = {
    generation: g, tasks: planned.tasks, steps: planned.steps, evaluations: results.length * plan.tasks.length,
    evaluationsPerSecond: (results.length * plan.tasks.length) / Math.max(seconds, 1e-9),
    hypervolume: hv, report: generationReport, frontSize: front.length,
    front: front.map((i) => {
      const m = state.population[validAt[i] as number] as Member;
      return { id: m.id, origin: m.origin, made: m.made, objectives: validRows[i] as number[] };
    }),
    invalid: Object.fromEntries(INVALID_REASONS.map((r) => [r, results.filter((x) => x.status === 'invalid' && x.reason === r).length])),
    ...summary(validRows),
    species: stag.state.species.map((s, k) => ({
      id: s.id, size: (spec.members[k] as number[]).length, origin: s.origin,
      bestFitness: (spec.members[k] as number[]).reduce((b, i) => Math.max(b, fitness[i] as number), Number.NEGATIVE_INFINITY), offspring: offspring[k] as number,
    })),
    unlocked: curriculum.state.unlocked, rejectedChildren: bred.rejected,
  };
  return {
    state: {
      generation: g + 1, population: bred.population, nextId: bred.nextId, species: stag.state,
      innovation: tracker.toJSON(), curriculum: curriculum.state, bounds, novelty: archive, reportBounds,
    },
    report,
  };
}

type LifetimeRecord = NonNullable<Member['record']>;

/** The record with a valid evaluation's task vectors added. */
function addToRecord(record: LifetimeRecord, evaluation: Extract<GenomeEvaluation, { status: 'ok' }>): LifetimeRecord {
  const out: LifetimeRecord = { ...record };
  for (const t of evaluation.tasks) {
    if (t.status !== 'ok') continue;
    const m = t.metrics;
    const now = [m.normalisedValidationLoss, m.normalisedTrainLossArea, m.timeCost, m.memoryCost];
    const before = out[t.task];
    out[t.task] = before === undefined ? { sums: now, count: 1 } : { sums: before.sums.map((s, j) => s + (now[j] as number)), count: before.count + 1 };
  }
  return out;
}

/** The macro mean over `tasks` of the record's per-task means (each task must be in the record). */
function lifetimeVector(record: LifetimeRecord, tasks: readonly string[]): number[] {
  const out = OBJECTIVE_NAMES.map(() => 0);
  for (const task of tasks) {
    const r = record[task] as { sums: number[]; count: number };
    r.sums.forEach((s, j) => {
      out[j] = (out[j] as number) + s / r.count / tasks.length;
    });
  }
  return out;
}

function summary(rows: number[][]): { best: Record<string, number>; mean: Record<string, number> } {
  const best: Record<string, number> = {};
  const mean: Record<string, number> = {};
  OBJECTIVE_NAMES.forEach((name, j) => {
    let min = Number.POSITIVE_INFINITY;
    let sum = 0;
    for (const r of rows) {
      const x = r[j] as number;
      if (x < min) min = x;
      sum += x;
    }
    best[name] = rows.length === 0 ? Number.NaN : min;
    mean[name] = rows.length === 0 ? Number.NaN : sum / rows.length;
  });
  return { best, mean };
}

/** Up to `limit` members of the first front (population indices), the most isolated first. */
function frontElites(front: number[], objectives: number[][], limit: number): number[] {
  if (front.length <= limit) return front;
  const distance = crowdingDistance(objectives, front);
  return front.map((i, k) => ({ i, d: distance[k] as number })).sort((a, b) => b.d - a.d || a.i - b.i).slice(0, limit).map((x) => x.i).sort((a, b) => a - b);
}

const MAX_TRIES = 8;

/** The next population: per species its elites, then children of its parent pool. */
function breed(
  config: EvolveConfig, state: RunState, members: number[][], fitness: number[], offspring: number[],
  tracker: InnovationTracker, rng: Rng, generation: number, carried: readonly number[],
): { population: Member[]; nextId: number; rejected: number } {
  const options = mutationOptions({
    caps: {
      nodes: Math.floor(64 + config.capGrowth.nodes * generation),
      edges: Math.floor(128 + config.capGrowth.edges * generation),
    },
  });
  const pools = members.map((m) => parentPool(m, fitness, config.species));
  const population: Member[] = carried.map((i) => ({ ...(state.population[i] as Member), made: 'elite' }));
  const kept = new Set(carried);
  let nextId = state.nextId;
  let rejected = 0;
  members.forEach((m, k) => {
    const count = offspring[k] as number;
    const pool = pools[k] as number[];
    const elites = pool.filter((i) => !kept.has(i)).slice(0, Math.min(config.species.elitism, count));
    for (const i of elites) population.push({ ...(state.population[i] as Member), made: 'elite' });
    for (let c = elites.length; c < count; c++) {
      let child: Member | undefined;
      for (let attempt = 0; attempt < MAX_TRIES && child === undefined; attempt++) {
        const ai = pool[rng.int(pool.length)] as number;
        const a = state.population[ai] as Member;
        let genome: Genome = a.genome;
        let made = 'mutation';
        if (rng.next() < config.crossoverRate) {
          const others = rng.next() < config.interspeciesRate ? (pools[rng.int(pools.length)] as number[]) : pool;
          const bi = others[rng.int(others.length)] as number;
          const x = crossover({ genome: a.genome, fitness: fitness[ai] as number }, { genome: (state.population[bi] as Member).genome, fitness: fitness[bi] as number }, rng);
          if (x.status === 'ok') {
            genome = x.genome;
            made = 'crossover';
          }
        }
        const mutated = mutate(genome, rng, tracker, options);
        if (mutated.status === 'ok') child = { id: nextId, genome: mutated.genome, origin: a.origin, made };
        else rejected++;
      }
      if (child === undefined) continue;
      population.push(child);
      nextId++;
    }
  });
  return { population, nextId, rejected };
}
