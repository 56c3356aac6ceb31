// The run's last word (final-front.json): the last generation's front evaluated once more on the
// report plan (the held-out tasks) at every step-size scale, beside the seeds' baseline on the same
// plan and the table of the front's best learners against the best tuned seeds (heldout.ts). Made
// from the last front file and the metrics lines as they were written, so that a run directory
// (evolve.ts) and the browser page's run in memory (src/browser/evolution.ts) give the same file.

import type { Genome } from '../genome/types.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';
import type { EvolveConfig } from './config.ts';
import { heldOutTable, type HeldOutTable } from './heldout.ts';
import type { FrontFile, MetricsLine } from './records.ts';
import { evaluateReport, reportPlan, seedsOnReport } from './report.ts';
import { roleKit } from './role.ts';
import type { GenerationTools, SeedBaseline } from './state.ts';

export interface FinalFront {
  generation: number;
  /** The report hypervolume (report.ts, reportPlan) of the first and the last report generation; null without reports. */
  reportHypervolume: { seeds: number | null; first: { generation: number; hypervolume: number }; last: { generation: number; hypervolume: number } } | null;
  members: { id: number; origin: string; made: string; born: string; scale: number; objectives: number[]; heldOut: GenomeEvaluation | null; genome: Genome }[];
  /** The seeds on the same plan at their best step sizes (report.ts); null without held-out tasks. */
  baseline: SeedBaseline[] | null;
  /** The front's best learners against the best tuned seeds on every held-out task (heldout.ts); null without held-out tasks. */
  table: HeldOutTable | null;
}

/**
 * The final front from the last generation's front file and every metrics line; `baseline` is the
 * run's seeds on the report plan when it has them (RunState.baseline), otherwise they are evaluated.
 */
export async function finalFrontOf(
  config: EvolveConfig, last: FrontFile, metrics: readonly MetricsLine[], baseline: readonly SeedBaseline[] | null | undefined, tools: GenerationTools,
): Promise<FinalFront> {
  const plan = reportPlan(config);
  const kit = roleKit(config.role);
  const held = config.curriculum.heldOut.length > 0;
  const results = !held || last.front.length === 0 ? [] : await evaluateReport(plan, last.front.map((m) => ({ id: m.id, genome: m.genome })), tools, kit.grid);
  const seeds = !held ? null : (baseline ?? (await seedsOnReport(config, tools)).baseline);
  const reports = metrics.flatMap((m) => (m.report === null ? [] : [{ generation: m.generation, ...m.report }]));
  const firstReport = reports[0];
  const lastReport = reports.at(-1);
  const members = last.front.map((m, i) => ({ ...m, heldOut: results[i] ?? null }));
  return {
    generation: last.generation,
    reportHypervolume: firstReport === undefined || lastReport === undefined ? null : {
      seeds: firstReport.seeds ?? null,
      first: { generation: firstReport.generation, hypervolume: firstReport.hypervolume },
      last: { generation: lastReport.generation, hypervolume: lastReport.hypervolume },
    },
    members,
    baseline: seeds === null ? null : [...seeds],
    table: seeds === null ? null : heldOutTable(plan.tasks.map((t) => t.task), members, seeds, kit),
  };
}
