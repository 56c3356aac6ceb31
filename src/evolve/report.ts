// The report (docs/evolution.md, The report): one fixed plan for the whole run (the held-out
// tasks, the most steps, all the data) on which the first front is evaluated at generation
// 0, every config.report.every generations and the last, so its hypervolume compares across
// generations; objectives are normalised by the role's seeds' bounds on that plan (the 26
// optimizers, or the learner seeds).

import { columnBounds, hypervolume, nonDominatedSort, normaliseWith, type ColumnBounds } from '../pareto/index.ts';
import type { Genome } from '../genome/types.ts';
import { makePlan, type EvaluationPlan } from '../tasks/evaluate.ts';
import { objectiveVector, type GenomeEvaluation } from '../tasks/metrics.ts';
import { tunedPerTask } from '../tasks/scale.ts';
import { roleKit } from './role.ts';
import { evaluateScreened } from './screen.ts';
import { OBJECTIVES } from '../tasks/registry.ts';
import type { EvolveConfig } from './config.ts';
import type { GenerationSummary, GenerationTools, Member, SeedBaseline } from './state.ts';

/** The hypervolume's reference point in normalised objectives. */
const REFERENCE = 1.1;

/** The generation index of the report plan's data and episode seeds: past any run (at most 100,000 generations). */
export const REPORT_GENERATION = 100_001;

/** Episodes per learner task on the report plan: more than a generation's, for steadier held-out scores. */
export const REPORT_EPISODES = 8;

/**
 * One fixed plan for the whole run: the held-out tasks (the curriculum's tasks when none are held
 * out), at the most steps, all the data.
 */
export function reportPlan(config: EvolveConfig): EvaluationPlan {
  const heldOut = config.curriculum.heldOut;
  const tasks = heldOut.length > 0 ? [...heldOut] : config.curriculum.tasks.map((t) => t.task);
  const steps = config.role === 'learner' ? Math.max(REPORT_EPISODES, config.curriculum.steps.max) : config.curriculum.steps.max;
  return makePlan(config.seed, REPORT_GENERATION, tasks.map((task) => ({ task, steps })), { workLimit: config.workLimit });
}

export function isReportGeneration(config: EvolveConfig, generation: number): boolean {
  const every = config.report.every;
  return every > 0 && (generation % every === 0 || generation === config.generations - 1);
}

/** What the first report computes once and later ones reuse. */
export interface ReportKnown {
  bounds: ColumnBounds | null;
  baseline: SeedBaseline[] | null;
}

/** Evaluates genomes on the report plan at every scale of `grid`, each scored at its best on training data, with every scale's results kept. */
export async function evaluateReport(
  plan: EvaluationPlan, candidates: readonly { id: number; genome: Genome }[], tools: GenerationTools, grid: readonly number[],
): Promise<GenomeEvaluation[]> {
  const all = candidates.map((c) => ({ ...c, scales: [...grid], allScales: true }));
  return (await evaluateScreened(all, plan, tools.screen, tools.evaluate)).results;
}

/** The seeds' baseline from their report evaluations. */
function seedBaseline(seeds: readonly { name: string; genome: Genome }[], results: readonly GenomeEvaluation[], memory: (g: Genome) => number): SeedBaseline[] {
  return seeds.map((s, i) => {
    const r = results[i] as GenomeEvaluation;
    const tuned = tunedPerTask(r.byScale ?? []);
    return { name: s.name, stateBytes: memory(s.genome), scale: r.scale ?? 0, tasks: Object.fromEntries(Object.entries(tuned).map(([t, x]) => [t, x.loss])) };
  });
}

/** The role's seeds on the report plan at every scale: their objective rows (valid ones) and baseline, and the task evaluations it took. */
export async function seedsOnReport(config: EvolveConfig, tools: GenerationTools): Promise<{ rows: number[][]; baseline: SeedBaseline[]; evaluations: number }> {
  const plan = reportPlan(config);
  const kit = roleKit(config.role);
  const seeds = kit.seeds.map((s) => ({ name: s.name, genome: s.build() }));
  const results = await evaluateReport(plan, seeds.map((s, id) => ({ id, genome: s.genome })), tools, kit.grid);
  return {
    rows: results.filter((r) => r.status === 'ok').map(objectiveVector),
    baseline: seedBaseline(seeds, results, kit.memory),
    evaluations: seeds.length * plan.tasks.length * kit.grid.length,
  };
}

/**
 * The members' hypervolume on the report plan, every genome at its best step size (one scale per
 * genome, chosen on the plan's training data), in objectives normalised by the bounds of the 26
 * seeds on that plan, evaluated the same way at the first report (with their generation-0 ids) and
 * then kept with their per-task tuned losses (the held-out baseline): the seed library at its best
 * step sizes is the yardstick.
 */
export async function summarise(
  config: EvolveConfig, members: readonly Member[], known: ReportKnown, tools: GenerationTools,
): Promise<{ summary: GenerationSummary; bounds: ColumnBounds | null; baseline: SeedBaseline[] | null }> {
  const plan = reportPlan(config);
  let extra = 0;
  let fixed = known.bounds;
  let baseline = known.baseline;
  let seedRows: number[][] | undefined;
  if (fixed === null || baseline === null) {
    const seeds = await seedsOnReport(config, tools);
    extra = seeds.evaluations;
    seedRows = seeds.rows;
    fixed ??= seedRows.length > 0 ? columnBounds(seedRows) : null;
    baseline = seeds.baseline;
  }
  const grid = roleKit(config.role).grid;
  const results = await evaluateReport(plan, members.map((m) => ({ id: m.id, genome: m.genome })), tools, grid);
  const rows = results.filter((r) => r.status === 'ok').map(objectiveVector);
  const front = firstFront(rows);
  const summary: GenerationSummary = {
    hypervolume: frontVolume(front.map((i) => rows[i] as number[]), fixed), valid: rows.length, frontSize: front.length,
    evaluations: extra + results.length * plan.tasks.length * grid.length,
  };
  if (seedRows !== undefined) summary.seeds = frontVolume(firstFront(seedRows).map((i) => (seedRows as number[][])[i] as number[]), fixed);
  return { summary, bounds: fixed, baseline };
}

/** The first non-dominated front of `rows` (row indices); empty for no rows. */
export function firstFront(rows: readonly number[][]): number[] {
  return rows.length === 0 ? [] : (nonDominatedSort(rows)[0] ?? []);
}

/** The hypervolume of a front's rows normalised by `bounds` (reference REFERENCE); 0 without bounds or points. */
export function frontVolume(front: readonly number[][], bounds: ColumnBounds | null): number {
  return bounds === null || front.length === 0 ? 0 : hypervolume(normaliseWith(front, bounds), OBJECTIVES.map(() => REFERENCE));
}
