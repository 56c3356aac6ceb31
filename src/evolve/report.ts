// The report (docs/evolution.md, The report): one fixed plan for the whole run (every curriculum and
// held-out task, the most steps, all the data) on which the first front is evaluated at generation
// 0, every config.report.every generations and the last, so its hypervolume compares across
// generations; objectives are normalised by the 26 seeds' bounds on that plan.

import { columnBounds, hypervolume, nonDominatedSort, normaliseWith, type ColumnBounds } from '../pareto/index.ts';
import { SEEDS } from '../seeds/index.ts';
import { makePlan, type EvaluationPlan } from '../tasks/evaluate.ts';
import { objectiveVector } from '../tasks/metrics.ts';
import { OBJECTIVES } from '../tasks/registry.ts';
import type { EvolveConfig } from './config.ts';
import type { Evaluator, GenerationSummary, Member } from './state.ts';

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
export async function summarise(config: EvolveConfig, members: readonly Member[], bounds: ColumnBounds | null, evaluate: Evaluator): Promise<{ summary: GenerationSummary; bounds: ColumnBounds | null }> {
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
export function firstFront(rows: readonly number[][]): number[] {
  return rows.length === 0 ? [] : (nonDominatedSort(rows)[0] ?? []);
}

/** The hypervolume of a front's rows normalised by `bounds` (reference REFERENCE); 0 without bounds or points. */
export function frontVolume(front: readonly number[][], bounds: ColumnBounds | null): number {
  return bounds === null || front.length === 0 ? 0 : hypervolume(normaliseWith(front, bounds), OBJECTIVES.map(() => REFERENCE));
}
