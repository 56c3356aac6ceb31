// One generation of an evolution run (the l2l design; NEAT after Stanley & Miikkulainen
// 2002, selection after NSGA-II, Deb et al. 2002). A generation, in order:
//
//   0. generation 0 is the seeds and their mutants (population.ts), calibrated once: the seeds at
//      every step-size scale, their best scales and the hurdle limits (calibrate.ts);
//   1. the curriculum plans it: tasks, steps (scaled by the horizon), data share (curriculum.ts);
//   2. the main thread screens every genome: the learning check and the fingerprint cache
//      (screen.ts); the rest are evaluated on the plan's tasks at their scale and its neighbours
//      (a pool, or any evaluator: results depend only on the plan, the genome id, the genome and
//      its scales) into an objective vector;
//   3. NSGA-II ranks the valid genomes, feasible ones (that learned something usable on average)
//      first; the front's hypervolume on this generation's plan is measured in objectives
//      normalised by the bounds of generation 0 (its tasks and steps change from generation to
//      generation, so this one does not compare across generations); on report generations
//      (config.report, report.ts) the front is evaluated again on the fixed report plan of
//      held-out tasks, whose hypervolume (normalised by the tuned seeds' bounds there) does.
//      Genomes are ranked on the plan's tasks by their lifetime means on each (record.ts), so a
//      survivor's standing does not hang on one draw of steps, data and episodes;
//   4. the curriculum sees the scores and may unlock tasks;
//   5. speciation, relative-rank stagnation and offspring allocation (species.ts) from
//      each genome's species fitness (Pareto rank plus a normalised composite);
//   6. reproduction (reproduction.ts): the front's and the lineages' elites carry over, then each
//      species' elites, the rest are children of its parent pool by crossover (sometimes with
//      another species) and mutation, valid by construction or drawn again; new keys from the
//      innovation tracker;
//   7. with config.surrogate on (surrogate.ts): the surrogate learns from this generation's
//      evaluations and replaces shares of the children with guided, cross-species and filtered ones.
//
// RunState (state.ts) is plain data (a checkpoint stores it whole); every random draw comes from a
// stream of the run seed and the generation, so a resumed run continues exactly as an uninterrupted
// one.

import { compatibilityDistance } from '../genome/distance.ts';
import { InnovationTracker } from '../genome/innovation.ts';
import { columnBounds, rankAndCrowding, speciesFitness, type Ranking } from '../pareto/index.ts';
import { makePlan } from '../tasks/evaluate.ts';
import { INVALID_REASONS, objectiveVector, type GenomeEvaluation } from '../tasks/metrics.ts';
import { OBJECTIVES } from '../tasks/registry.ts';
import type { EvolveConfig } from './config.ts';
import { advance, planGeneration } from './curriculum.ts';
import { DEFAULT_NOVELTY, describeGenome, noveltyObjective, noveltyScores, updateArchive } from './novelty.ts';
import { addToRecord, lifetimeVector } from './record.ts';
import { frontVolume, isReportGeneration, summarise } from './report.ts';
import { breed, frontElites } from './reproduction.ts';
import { allocateOffspring, parentPool, speciate, updateStagnation } from './species.ts';
import { calibrate } from './calibrate.ts';
import { roleKit } from './role.ts';
import { evaluateScreened } from './screen.ts';
import { stream, type GenerationReport, type GenerationSummary, type GenerationTools, type Member, type RunState } from './state.ts';

export type { GenerationTools } from './state.ts';

/** Evaluates generation state.generation and breeds the next; returns the new state and the report. */
export async function runGeneration(config: EvolveConfig, start: RunState, tools: GenerationTools): Promise<{ state: RunState; report: GenerationReport }> {
  const { evaluate, screen } = tools;
  const g = start.generation;
  const planned = planGeneration(config.curriculum, start.curriculum, g, stream(config.seed, g, 2));
  const started = performance.now();
  let state = start;
  let evaluations = 0;
  const updates = { trained: 0, saved: 0 };
  if (state.hurdles === null) {
    const calibrated = await calibrate(config, state, planned.steps, planned.dataShare, screen, evaluate);
    state = calibrated.state;
    evaluations += calibrated.evaluations;
    updates.trained += calibrated.updates.trained;
    updates.saved += calibrated.updates.saved;
  }
  const hurdles = state.hurdles ?? {};
  const plan = makePlan(config.seed, g, planned.tasks.map((task) => ({
    task, steps: planned.steps, dataShare: planned.dataShare, ...(hurdles[task] === undefined ? {} : { hurdle: hurdles[task] }),
  })), { workLimit: config.workLimit });
  const { neighbours } = roleKit(config.role);
  const screened = await evaluateScreened(state.population.map((m) => ({ id: m.id, genome: m.genome, scales: neighbours(m.scale ?? 0) })), plan, screen, evaluate);
  const results = screened.results;
  evaluations += screened.evaluations;
  for (const r of results) {
    updates.trained += r.steps?.trained ?? 0;
    updates.saved += r.steps?.saved ?? 0;
  }
  const seconds = (performance.now() - started) / 1000;

  const current = results.map(objectiveVector);
  const valid = results.map((r) => r.status === 'ok');
  // Ranked by lifetime means: on each of this plan's tasks the mean of the genome's vectors on that
  // task so far (this generation's included), then the macro mean over the plan's tasks, as for one
  // evaluation. Every genome is thus judged on the same tasks; a survivor's judgement rests on more
  // draws. Only valid evaluations count; an invalid genome stays invalid for this generation.
  const lived = state.population.map((m, i): Member => {
    const r = results[i] as GenomeEvaluation;
    const scale = r.scale ?? m.scale ?? 0;
    return r.status === 'ok' ? { ...m, scale, record: addToRecord(m.record ?? {}, r) } : { ...m, scale };
  });
  const objectives = lived.map((m, i) => (valid[i] ? lifetimeVector(m.record ?? {}, plan.tasks.map((t) => t.task)) : (current[i] as number[])));
  const bounds = state.bounds ?? (valid.some(Boolean) ? columnBounds(objectives, valid) : null);
  const validAt = state.population.map((_, i) => i).filter((i) => valid[i]); // population index per valid row
  const validRows = validAt.map((i) => objectives[i] as number[]);
  // The one non-dominated sort of the generation (with crowding distances): the front, its
  // hypervolume, the elites, species fitness and the parents' tournaments all read it.
  const ranking = rankValid(feasibleFirst(validRows, config.feasibleLoss));
  const front = ranking.fronts[0] ?? [];
  const hv = frontVolume(front.map((i) => validRows[i] as number[]), bounds);
  let reportBounds = state.reportBounds;
  let baseline = state.baseline;
  let generationReport: GenerationSummary | null = null;
  if (isReportGeneration(config, g)) {
    const r = await summarise(config, front.map((i) => lived[validAt[i] as number] as Member), { bounds: reportBounds, baseline }, tools);
    generationReport = r.summary;
    reportBounds = r.bounds;
    baseline = r.baseline;
  }
  // Novelty, when on, is a fifth objective for selection only (the hypervolume stays on the four).
  let archive = state.novelty;
  let ranked: number[][] = objectives;
  let selection = ranking;
  if (config.novelty) {
    const descriptors = state.population.map((m) => describeGenome(m.genome));
    const novelty = noveltyScores(descriptors, archive, DEFAULT_NOVELTY.k);
    const column = noveltyObjective(novelty);
    ranked = objectives.map((row, i) => [...row, column[i] as number]);
    selection = rankValid(feasibleFirst(validAt.map((i) => ranked[i] as number[]), config.feasibleLoss));
    archive = updateArchive(archive, descriptors, novelty, DEFAULT_NOVELTY);
  }
  const { fitness, rank } = speciesFitness(ranked, valid, selection.fronts);
  const crowding = new Float64Array(state.population.length);
  validAt.forEach((i, k) => {
    crowding[i] = selection.crowding[k] as number;
  });

  const scores: Record<string, number[]> = {};
  results.forEach((r) => {
    if (r.status !== 'ok') return;
    for (const t of r.tasks) if (t.status === 'ok') (scores[t.task] ??= []).push(Math.max(0, 1 - t.metrics.normalisedValidationLoss));
  });
  const curriculum = advance(config.curriculum, state.curriculum, scores, results.length);

  const tracker = InnovationTracker.fromJSON(state.innovation);
  tracker.beginGeneration();
  const rng = stream(config.seed, g, 3);
  const genomes = state.population.map((m) => m.genome);
  const origins = state.population.map((m) => m.origin);
  const spec = speciate(genomes, state.species, compatibilityDistance, config.species, g, origins);
  const stag = updateStagnation(spec.state, spec.members, Array.from(fitness), config.species, g);
  // NSGA-II's elitism: the first front carries over whole (thinned by crowding distance when it
  // is larger than config.frontElites of the population); the species breed the rest.
  const elites = frontElites(front.map((i) => validAt[i] as number), front.map((k) => ranking.crowding[k] as number), Math.floor(config.frontElites * config.population));
  // Lineage elites: for the first config.lineageGenerations generations each seed lineage alive
  // keeps its best valid member, so that every seed's line is judged over more than a few draws.
  const carried = g < config.lineageGenerations ? withLineageElites(elites, lived, validAt, ranking) : elites;
  const offspring = allocateOffspring(stag.state, spec.members, Array.from(fitness), stag.reproduces, config.population - carried.length, config.species, g);
  const bred = breed(config, { ...state, population: lived }, spec.members, Array.from(fitness), { rank, crowding }, offspring, tracker, rng, g, carried);
  // The surrogate learns from this generation and makes its shares of the next (surrogate.ts).
  let population = bred.population;
  let surrogate: GenerationReport['surrogate'];
  if (tools.surrogate !== undefined && tools.surrogate !== null) {
    const begun = performance.now();
    const learned = tools.surrogate.learn(lived, current, g);
    let made = { children: { guided: 0, crossSpecies: 0, filtered: 0 }, invalid: 0 };
    if (g + 1 >= config.surrogate.startGeneration) {
      const pools = spec.members.map((m) => parentPool(m, Array.from(fitness), config.species));
      const r = tools.surrogate.children(lived, pools, { rank, crowding }, population, tracker, g);
      population = r.population;
      made = r;
    }
    surrogate = {
      observed: learned.observed, steps: learned.steps, loss: Number.isFinite(learned.loss) ? learned.loss : null,
      children: made.children, invalid: made.invalid, ms: performance.now() - begun,
    };
  }

  const report: GenerationReport = {
    generation: g, tasks: planned.tasks, steps: planned.steps, evaluations,
    evaluationsPerSecond: evaluations / Math.max(seconds, 1e-9), cache: screened.cache, updates,
    hypervolume: hv, report: generationReport, frontSize: front.length,
    front: front.map((i) => {
      const m = lived[validAt[i] as number] as Member;
      return { id: m.id, origin: m.origin, made: m.made, born: m.born ?? m.made, scale: m.scale ?? 0, objectives: validRows[i] as number[] };
    }),
    invalid: Object.fromEntries(INVALID_REASONS.map((r) => [r, results.filter((x) => x.status === 'invalid' && x.reason === r).length])),
    ...summary(validRows),
    species: stag.state.species.map((s, k) => ({
      id: s.id, size: (spec.members[k] as number[]).length, origin: s.origin,
      bestFitness: (spec.members[k] as number[]).reduce((b, i) => Math.max(b, fitness[i] as number), Number.NEGATIVE_INFINITY), offspring: offspring[k] as number,
    })),
    unlocked: curriculum.state.unlocked, rejectedChildren: bred.rejected,
    lineages: new Set(population.map((m) => m.origin)).size,
    ...(surrogate === undefined ? {} : { surrogate }),
  };
  return {
    state: {
      generation: g + 1, population, nextId: bred.nextId, species: stag.state,
      innovation: tracker.toJSON(), curriculum: curriculum.state, bounds, novelty: archive, reportBounds,
      hurdles: state.hurdles, seedScales: state.seedScales, baseline,
      ...(tools.surrogate === undefined || tools.surrogate === null ? {} : { surrogate: tools.surrogate.snapshot() }),
    },
    report,
  };
}

function summary(rows: number[][]): { best: Record<string, number>; mean: Record<string, number> } {
  const best: Record<string, number> = {};
  const mean: Record<string, number> = {};
  OBJECTIVES.forEach((name, j) => {
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

/** rankAndCrowding of the valid rows; empty without rows. */
function rankValid(rows: number[][]): Ranking {
  return rows.length === 0 ? { fronts: [], rank: new Int32Array(0), crowding: new Float64Array(0) } : rankAndCrowding(rows);
}

/**
 * `elites` plus, for each origin (seed lineage) with a valid member and none among them, its best
 * valid member by Pareto rank, then crowding distance, then population order; in population order.
 */
export function withLineageElites(elites: readonly number[], population: readonly Member[], validAt: readonly number[], ranking: Ranking): number[] {
  const kept = new Set(elites);
  const covered = new Set(elites.map((i) => (population[i] as Member).origin));
  const best = new Map<string, number>(); // origin -> row in validAt
  validAt.forEach((i, k) => {
    const origin = (population[i] as Member).origin;
    if (covered.has(origin)) return;
    const b = best.get(origin);
    const better = b === undefined || (ranking.rank[k] as number) < (ranking.rank[b] as number) ||
      ((ranking.rank[k] as number) === (ranking.rank[b] as number) && (ranking.crowding[k] as number) > (ranking.crowding[b] as number));
    if (better) best.set(origin, k);
  });
  for (const k of best.values()) kept.add(validAt[k] as number);
  return [...kept].sort((a, b) => a - b);
}

/** Added to every objective of an infeasible row: past any real value, so every feasible row dominates it. */
const INFEASIBLE_SHIFT = 1e6;

/**
 * Constrained domination (Deb et al. 2002, section VI): a row whose validation loss (column 0, the
 * normalised macro mean) is not below `limit` has learned nothing usable on average, however cheap
 * it is; it is ranked after every feasible row (its objectives shifted past them), and among the
 * infeasible rows as before. 0 turns the constraint off.
 */
export function feasibleFirst(rows: readonly number[][], limit: number): number[][] {
  if (limit === 0) return rows as number[][];
  return rows.map((r) => ((r[0] as number) < limit ? r : r.map((x) => x + INFEASIBLE_SHIFT)));
}
