// `l2l eval`'s work under a wall-clock limit (docs/tasks.md, Command line): the reports of one
// genome on the plan's tasks (src/tasks/report.ts), computed in a worker thread (timed-worker.ts,
// TypeScript through tsx's loader, as the pool's workers are). As in the pool, the worker records
// when each task starts in shared memory and this side polls it; a task that runs past the limit
// gets its worker terminated and the call rejected with a TimeLimitError. The work budget (the
// plan's workLimit) decides over-long genomes deterministically; this limit is the safety net.

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { pack } from '../genome/pack.ts';
import type { Genome } from '../genome/types.ts';
import { checkOptimizerRole } from '../optimizer/role.ts';
import type { EvaluationPlan } from '../tasks/evaluate.ts';
import type { EvalReport } from '../tasks/report.ts';
import { InputError, rules } from '../util/errors.ts';
import { sharedWords } from './messages.ts';

/** A task of an eval ran past its wall-clock limit; its worker thread has been stopped. */
export class TimeLimitError extends Error {
  override readonly name = 'TimeLimitError';
  constructor(
    readonly task: string,
    readonly limitMs: number,
  ) {
    super(`task ${task} ran past the time limit of ${limitMs} ms (--time-limit)`);
  }
}

export interface EvalReportsRequest {
  genome: Genome;
  /** The genome's name in the reports. */
  name: string;
  /** The run seed, the tasks' data and episode seeds derive from it: the plan's runSeed. */
  seed: number;
  plan: EvaluationPlan;
  /** The wall-clock limit of each task's evaluation, in ms from its start. */
  timeLimitMs: number;
}

/** What timed-worker.ts receives: the genome packed, its names apart (the layout has none). */
export interface TimedWork {
  words: Int32Array;
  names: Pick<Genome, 'name' | 'inputs' | 'outputs'>;
  name: string;
  plan: EvaluationPlan;
  /** [STARTED_AT (ms after base), TASK (-1 before the first)], written by the worker. */
  progress: Int32Array;
  base: number;
}

export const TIMED = { STARTED_AT: 0, TASK: 1, WORDS: 2 } as const;

// The worker is TypeScript: its entry is a line of JavaScript that registers tsx's ESM loader
// through its API (as bin/l2l.mjs does) and then imports the worker. (The pool gives the loader in
// execArgv instead; that serves Piscina's entry, which loads the task file later, but not a
// worker's own entry module.)
const TSX_API = new URL('./esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx'))).href;
const WORKER = new URL('./timed-worker.ts', import.meta.url).href;
const BOOT = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER)}); });`;
const MAX_POLL_MS = 250;
const MIN_POLL_MS = 10;
let live = 0;

/** Worker threads started here that have not exited yet (0 once every call has settled). */
export function liveEvalWorkers(): number {
  return live;
}

/**
 * The reports of `genome` on every task of the plan, computed in a worker thread; rejects with a
 * TimeLimitError when a task runs past `timeLimitMs`, and only after its worker has exited. Refuses
 * a genome outside the optimizer role at once (InputError), as the in-process path does.
 */
export async function runEvalReports(request: EvalReportsRequest): Promise<EvalReport[]> {
  const { genome, plan, timeLimitMs } = request;
  if (!Number.isInteger(timeLimitMs) || timeLimitMs < 1 || timeLimitMs > 2 ** 31 - 1) {
    throw new InputError('timeLimitMs', rules.range(1, 2 ** 31 - 1), timeLimitMs);
  }
  if (request.seed !== plan.runSeed) throw new InputError('seed', `must be the plan's run seed (${plan.runSeed})`, request.seed);
  checkOptimizerRole(genome);
  const words = pack(genome);
  const progress = sharedWords(TIMED.WORDS);
  progress[TIMED.TASK] = -1;
  const work: TimedWork = {
    words, names: { name: genome.name, inputs: genome.inputs, outputs: genome.outputs }, name: request.name, plan, progress, base: Date.now(),
  };
  const worker = new Worker(BOOT, { eval: true, workerData: work, transferList: [words.buffer] });
  live++;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => {
    live--;
    resolve();
  }));
  let watch: NodeJS.Timeout | undefined;
  try {
    return await new Promise<EvalReport[]>((resolve, reject) => {
      worker.once('message', (reports: EvalReport[]) => resolve(reports));
      worker.once('error', reject);
      void exited.then(() => reject(new Error('the eval worker exited without its reports')));
      watch = setInterval(() => {
        const task = Atomics.load(progress, TIMED.TASK);
        if (task < 0 || Date.now() - work.base - Atomics.load(progress, TIMED.STARTED_AT) <= timeLimitMs) return;
        reject(new TimeLimitError(plan.tasks[task]?.task ?? '', timeLimitMs));
      }, Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, timeLimitMs / 10)));
    });
  } finally {
    clearInterval(watch);
    await worker.terminate();
    await exited;
  }
}
