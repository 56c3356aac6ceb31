// `l2l evolve` without the printing: a run from its configuration (or its checkpoint) to the last
// generation, writing the run directory as it goes (rundir.ts), with the worker pool as evaluator
// unless one is given. The final front is evaluated once more on the held-out tasks, for the report
// only.

import type { Genome } from '../genome/types.ts';
import { EvaluationPool } from '../pool/pool.ts';
import { makePlan } from '../tasks/evaluate.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';
import type { EvolveConfig } from './config.ts';
import {
  checkpointOf, createRunDir, readCheckpoint, readFront, readMetrics, truncateMetrics, writeFinalFront, writeGeneration,
} from './rundir.ts';
import { initialRun, runGeneration, type Evaluator, type GenerationReport, type RunState } from './run.ts';

export interface EvolveOptions {
  /** The run directory (created, or read with `resume`). */
  out: string;
  /** Continue the run in `out` from its checkpoint (its configuration wins). */
  resume?: boolean;
  /** How genomes are evaluated; default: an EvaluationPool of config.workers workers. */
  evaluator?: Evaluator;
  /** Called after each generation is written. */
  onGeneration?: (report: GenerationReport, state: RunState, config: EvolveConfig) => void;
}

export interface FinalFront {
  generation: number;
  /** The report hypervolume (run.ts, reportPlan) of the first and the last report generation; null without reports. */
  reportHypervolume: { seeds: number | null; first: { generation: number; hypervolume: number }; last: { generation: number; hypervolume: number } } | null;
  members: { id: number; origin: string; made: string; objectives: number[]; heldOut: GenomeEvaluation | null; genome: Genome }[];
}

export async function evolve(config: EvolveConfig, options: EvolveOptions): Promise<{ config: EvolveConfig; state: RunState; final: FinalFront }> {
  let state: RunState;
  if (options.resume === true) {
    const checkpoint = readCheckpoint(options.out, '--resume');
    config = checkpoint.config;
    state = checkpoint.state;
    truncateMetrics(options.out, state.generation);
  } else {
    createRunDir(options.out, config);
    state = initialRun(config);
  }
  const pool = options.evaluator === undefined ? new EvaluationPool({ workers: config.workers, timeLimitMs: config.timeLimitMs }) : undefined;
  const evaluate: Evaluator = options.evaluator ?? ((candidates, plan) => (pool as EvaluationPool).evaluate(candidates, plan));
  try {
    while (state.generation < config.generations) {
      const genomes = new Map(state.population.map((m) => [m.id, m.genome]));
      const { state: next, report } = await runGeneration(config, state, evaluate);
      writeGeneration(options.out, report, genomes, checkpointOf(config, next));
      state = next;
      options.onGeneration?.(report, state, config);
    }
    const last = readFront(options.out, state.generation - 1);
    const heldOut = config.curriculum.heldOut;
    const results = heldOut.length === 0 || last.front.length === 0
      ? []
      : await evaluate(last.front.map((m) => ({ id: m.id, genome: m.genome })), makePlan(config.seed, state.generation, heldOut.map((task) => ({ task, steps: config.curriculum.steps.max }))));
    const reports = readMetrics(options.out).flatMap((m) => (m.report === null ? [] : [{ generation: m.generation, ...m.report }]));
    const firstReport = reports[0];
    const lastReport = reports.at(-1);
    const final: FinalFront = {
      generation: last.generation,
      reportHypervolume: firstReport === undefined || lastReport === undefined ? null : {
        seeds: firstReport.seeds ?? null,
        first: { generation: firstReport.generation, hypervolume: firstReport.hypervolume },
        last: { generation: lastReport.generation, hypervolume: lastReport.hypervolume },
      },
      members: last.front.map((m, i) => ({ ...m, heldOut: results[i] ?? null })),
    };
    writeFinalFront(options.out, final);
    return { config, state, final };
  } finally {
    await pool?.destroy();
  }
}
