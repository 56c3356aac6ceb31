// `l2l evolve` without the printing: a run from its configuration (or its checkpoint) to the last
// generation, writing the run directory as it goes (rundir.ts), with the worker pool as evaluator
// unless one is given. The final front is evaluated once more on the held-out tasks, for the report
// only.

import type { Genome } from '../genome/types.ts';
import { EvaluationPool } from '../pool/pool.ts';
import { Engine } from '../engine/engine.ts';
import { evaluateGenome, InstanceCache } from '../tasks/evaluate.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';
import type { EvolveConfig } from './config.ts';
import {
  checkpointOf, closeRunDir, createRunDir, openRunDir, readFront, readMetrics, writeFinalFront, writeGeneration,
  type ResumeChanges, type RunDir,
} from './rundir.ts';
import { runGeneration } from './generation.ts';
import { roleKit, type Role } from './role.ts';
import { initialRun } from './population.ts';
import { heldOutTable, type HeldOutTable } from './heldout.ts';
import { evaluateReport, reportPlan, seedsOnReport } from './report.ts';
import type { Evaluator, GenerationReport, GenerationTools, RunState, Screener, SeedBaseline } from './state.ts';

export type { ResumeChanges } from './rundir.ts';

/** A fresh run from its configuration, or the resume of the run in `out`. */
export type RunStart = { config: EvolveConfig } | { resume: ResumeChanges };

export interface EvolveOptions {
  /** The run directory: created for a fresh run (refused if it exists and is not empty), read for a resume. */
  out: string;
  /** The flag named in errors about `out`; default --out for a fresh run, --resume for a resume. */
  outField?: string;
  /** How genomes are evaluated; default: an EvaluationPool of config.workers workers. */
  evaluator?: Evaluator;
  /** The main thread's learning check (screen.ts); default: checkLearning on an engine of this thread. */
  screen?: Screener;
  /** When aborted, the generation under way finishes and is checkpointed; evolve then returns, interrupted. */
  signal?: AbortSignal;
  /** After the directory is created or opened and checked, before the first generation; notes: what resuming repaired. */
  onStart?: (info: { config: EvolveConfig; generation: number; resumed: boolean; notes: string[] }) => void;
  /** Called after each generation is written. */
  onGeneration?: (report: GenerationReport, state: RunState, config: EvolveConfig) => void;
}

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

export interface EvolveResult {
  config: EvolveConfig;
  state: RunState;
  /** The final front; null when the run was interrupted before its last generation. */
  final: FinalFront | null;
  interrupted: boolean;
}

export async function evolve(start: RunStart, options: EvolveOptions): Promise<EvolveResult> {
  let config: EvolveConfig;
  let state: RunState;
  let run: RunDir;
  let notes: string[] = [];
  if ('resume' in start) {
    ({ run, config, state, notes } = openRunDir(options.out, options.outField ?? '--resume', start.resume));
  } else {
    config = start.config;
    state = initialRun(config);
    run = createRunDir(options.out, options.outField ?? '--out', config, state);
  }
  try {
    options.onStart?.({ config, generation: state.generation, resumed: 'resume' in start, notes });
    const pool = options.evaluator === undefined ? new EvaluationPool({ workers: config.workers, timeLimitMs: config.timeLimitMs }) : undefined;
    const evaluate: Evaluator = options.evaluator ?? ((candidates, plan) => (pool as EvaluationPool).evaluate(candidates, plan));
    // Loaded only when on: TensorFlow.js takes about a second to load.
    const surrogate = config.surrogate.enabled ? await (await import('./surrogate.ts')).openSurrogate(config, state.surrogate) : null;
    const tools: GenerationTools = { evaluate, screen: options.screen ?? (await mainThreadScreen(config.workLimit, config.role)), surrogate };
    try {
      while (state.generation < config.generations) {
        if (options.signal?.aborted === true) return { config, state, final: null, interrupted: true };
        const genomes = new Map(state.population.map((m) => [m.id, m.genome]));
        const { state: next, report } = await runGeneration(config, state, tools);
        writeGeneration(run, report, genomes, checkpointOf(config, next));
        state = next;
        options.onGeneration?.(report, state, config);
      }
      const final = await finalFront(run, config, state, tools);
      return { config, state, final, interrupted: false };
    } finally {
      surrogate?.dispose();
      await pool?.destroy();
    }
  } finally {
    closeRunDir(run);
  }
}

/**
 * An evaluator on this thread's `engine` (tests and benchmarks): the same results as the pool's,
 * genome by genome, with each candidate's scales and learning check.
 */
export function inThreadEvaluator(engine: Engine, cache = new InstanceCache()): Evaluator {
  return async (candidates, plan) => candidates.map((c) => evaluateGenome(engine, c.genome, c.id, plan, {
    cache,
    ...(c.scales === undefined ? {} : { scales: c.scales }),
    ...(c.learning === undefined ? {} : { learning: c.learning }),
    ...(c.allScales === true ? { allScales: true } : {}),
  }));
}

/** The role's learning check on an engine of this thread, with the run's work limit. */
export async function mainThreadScreen(workLimit: number, role: Role = 'optimizer'): Promise<Screener> {
  const engine = await Engine.create();
  const check = roleKit(role).check;
  return (genome) => check(engine, genome, workLimit);
}

/**
 * The last generation's front, evaluated once more on the report plan (the held-out tasks) at every
 * step-size scale, written to final-front.json with the seeds' baseline on the same plan.
 */
async function finalFront(run: RunDir, config: EvolveConfig, state: RunState, tools: GenerationTools): Promise<FinalFront> {
  const last = readFront(run.dir, state.generation - 1);
  const plan = reportPlan(config);
  const kit = roleKit(config.role);
  const held = config.curriculum.heldOut.length > 0;
  const results = !held || last.front.length === 0 ? [] : await evaluateReport(plan, last.front.map((m) => ({ id: m.id, genome: m.genome })), tools, kit.grid);
  const baseline = !held ? null : (state.baseline ?? (await seedsOnReport(config, tools)).baseline);
  const reports = readMetrics(run.dir).flatMap((m) => (m.report === null ? [] : [{ generation: m.generation, ...m.report }]));
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
    baseline,
    table: baseline === null ? null : heldOutTable(plan.tasks.map((t) => t.task), last.front.map((m, i) => ({ ...m, heldOut: results[i] ?? null })), baseline, kit),
  };
  writeFinalFront(run, final);
  return final;
}
