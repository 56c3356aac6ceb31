// `l2l evolve` without the printing: a run from its configuration (or its checkpoint) to the last
// generation, writing the run directory as it goes (rundir.ts), with the worker pool as evaluator
// unless one is given. The final front is evaluated once more on the held-out tasks, for the report
// only.

import { EvaluationPool } from '../pool/pool.ts';
import { Engine } from '../engine/engine.ts';
import { evaluateGenome, InstanceCache } from '../tasks/evaluate.ts';
import type { EvolveConfig } from './config.ts';
import {
  checkpointOf, closeRunDir, createRunDir, openRunDir, readFront, readMetrics, writeFinalFront, writeGeneration,
  type ResumeChanges, type RunDir,
} from './rundir.ts';
import { runGeneration } from './generation.ts';
import { roleKit, type Role } from './role.ts';
import { initialRun } from './population.ts';
import { finalFrontOf, type FinalFront } from './final-front.ts';
import type { Evaluator, GenerationReport, GenerationTools, RunState, Screener } from './state.ts';

export type { ResumeChanges } from './rundir.ts';
export type { FinalFront } from './final-front.ts';

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

/** The last generation's front on the held-out tasks (final-front.ts), written to final-front.json. */
async function finalFront(run: RunDir, config: EvolveConfig, state: RunState, tools: GenerationTools): Promise<FinalFront> {
  const final = await finalFrontOf(config, readFront(run.dir, state.generation - 1), readMetrics(run.dir), state.baseline, tools);
  writeFinalFront(run, final);
  return final;
}
