// The evaluation pool, main-thread side (docs/tasks.md, The pool): a Piscina pool of worker threads
// (worker.ts, TypeScript run through tsx's loader), each with its own engine. Genomes are checked
// and packed here, sent in batches with their buffers transferred, and evaluated on a plan's tasks;
// every result depends only on (plan, genome id, genome), so any number of workers in any order
// give the same metric vectors.
//
// Failures: each task evaluation has a time limit, counted from when the worker starts it (the
// worker records each start in shared memory, which the pool polls: no message per evaluation). A worker that dies (its thread exits), throws, or
// runs past the limit fails its batch: the genome it was on is marked `crashed` or `timeout`, and
// the other genomes of the batch go round again in a new batch. Piscina replaces a dead worker.

import os from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { pack } from '../genome/pack.ts';
import type { Genome } from '../genome/types.ts';
import { checkOptimizerRole } from '../optimizer/role.ts';
import type { EvaluationPlan } from '../tasks/evaluate.ts';
import { PENALTY, type GenomeEvaluation, type InvalidReason } from '../tasks/metrics.ts';
import { InputError, rules } from '../util/errors.ts';
import { PROGRESS, type BatchReply, type BatchRequest, type Fault } from './messages.ts';

export interface PoolOptions {
  /** Worker threads; default: the machine's available parallelism. */
  workers?: number;
  /** The limit of one task evaluation of one genome, in ms, from its start; default 60 s. */
  timeLimitMs?: number;
  /** Genomes per batch; default: each worker gets about four batches per evaluate() call. */
  batchSize?: number;
  /**
   * The worker module (default ./worker.ts); tests use one that fails on purpose
   * (test/pool/faulty-worker.ts), built on worker.ts's evaluateBatchWith.
   */
  workerFile?: string | URL;
}

export interface Candidate {
  /** The genome's id: part of its episode seeds, so the same genome and id give the same result. */
  id: number;
  genome: Genome;
}

export interface EvaluateOptions {
  /** Passed to the worker: a failing test worker fails on this genome (docs/tasks.md, The pool). */
  fault?: Fault;
}

interface Packed {
  id: number;
  words: Int32Array;
}

export const DEFAULT_TIME_LIMIT_MS = 60_000;
const MAX_WORKERS = 256;
/** How often a running batch's progress is checked against the time limit, at most and at least. */
const MAX_POLL_MS = 250;
const MIN_POLL_MS = 10;

function positiveInt(value: number | undefined, field: string, hi: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > hi) throw new InputError(field, rules.range(1, hi), value);
  return value;
}

// The worker runs as TypeScript through tsx's ESM loader, resolved from here so that it is found
// whatever the working directory.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export class EvaluationPool {
  readonly workers: number;
  readonly timeLimitMs: number;
  private readonly batchSize: number | undefined;
  private readonly piscina: Piscina<BatchRequest, BatchReply>;

  constructor(options: PoolOptions = {}) {
    this.workers = positiveInt(options.workers, 'pool.workers', MAX_WORKERS, Math.min(MAX_WORKERS, os.availableParallelism()));
    this.timeLimitMs = positiveInt(options.timeLimitMs, 'pool.timeLimitMs', 2 ** 31 - 1, DEFAULT_TIME_LIMIT_MS);
    this.batchSize = options.batchSize === undefined ? undefined : positiveInt(options.batchSize, 'pool.batchSize', 1 << 20, 1);
    this.piscina = new Piscina<BatchRequest, BatchReply>({
      filename: (options.workerFile ?? new URL('./worker.ts', import.meta.url)).toString(),
      execArgv: ['--import', TSX_LOADER],
      minThreads: this.workers,
      maxThreads: this.workers,
      // Two batches per worker: the next one waits in the worker, so no worker idles between them.
      concurrentTasksPerWorker: 2,
      idleTimeout: Number.POSITIVE_INFINITY,
    });
  }

  /** Evaluates every candidate on the plan's tasks; the results come in the candidates' order. */
  async evaluate(candidates: readonly Candidate[], plan: EvaluationPlan, options: EvaluateOptions = {}): Promise<GenomeEvaluation[]> {
    const seen = new Set<number>();
    candidates.forEach((c, i) => {
      if (!Number.isSafeInteger(c.id) || c.id < 0) throw new InputError(`candidates[${i}].id`, 'must be a non-negative safe integer', c.id);
      if (seen.has(c.id)) throw new InputError(`candidates[${i}].id`, rules.unique, c.id);
      seen.add(c.id);
      checkOptimizerRole(c.genome);
    });
    // Each batch is packed just before it is sent: the workers start on the first batches while
    // this thread packs the later ones.
    const size = this.batchSize ?? Math.max(1, Math.ceil(candidates.length / (this.workers * 4)));
    const pending: Promise<GenomeEvaluation[]>[] = [];
    for (let i = 0; i < candidates.length; i += size) {
      const batch = candidates.slice(i, i + size).map((c): Packed => ({ id: c.id, words: pack(c.genome) }));
      pending.push(this.runBatch(batch, plan, options.fault));
    }
    const replies = await Promise.all(pending);
    const byId = new Map(replies.flat().map((r) => [r.genomeId, r]));
    return candidates.map((c) => byId.get(c.id) as GenomeEvaluation);
  }

  /** Stops the workers; evaluate() must not be called afterwards. */
  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }

  private async runBatch(batch: readonly Packed[], plan: EvaluationPlan, fault: Fault | undefined, retried = false): Promise<GenomeEvaluation[]> {
    if (batch.length === 0) return [];
    const bounds = new Int32Array(batch.length + 1);
    batch.forEach((p, i) => {
      bounds[i + 1] = (bounds[i] as number) + p.words.length;
    });
    const words = new Int32Array(bounds[batch.length] as number);
    batch.forEach((p, i) => words.set(p.words, bounds[i]));

    const progress = new Int32Array(new SharedArrayBuffer(PROGRESS.WORDS * 4));
    progress[PROGRESS.GENOME] = -1;
    const base = Date.now();
    const abort = new AbortController();
    let expired: Running | undefined;
    const watch = setInterval(() => {
      const running = readProgress(progress);
      if (running !== undefined && Date.now() - base - running.startedAt > this.timeLimitMs) {
        expired = running;
        abort.abort();
      }
    }, Math.min(MAX_POLL_MS, Math.max(MIN_POLL_MS, this.timeLimitMs / 10)));
    const request: BatchRequest = { plan, ids: batch.map((p) => p.id), words, bounds, progress, base, ...(fault === undefined ? {} : { fault }) };
    try {
      const reply = await this.piscina.run(request, { signal: abort.signal, transferList: [words.buffer] });
      return reply.results;
    } catch (error) {
      const failed = expired ?? readProgress(progress);
      const reason: InvalidReason = expired === undefined ? 'crashed' : 'timeout';
      const message = expired === undefined ? (error instanceof Error ? error.message : String(error)) : `over ${this.timeLimitMs} ms`;
      if (failed === undefined) {
        // The worker failed before it started any genome of this batch: a batch that was waiting
        // behind another one on a worker that crashed goes round again, once; failing a second
        // time, nothing in it can be blamed on one genome, and all of it is marked.
        if (!retried && expired === undefined) return this.runBatch(batch, plan, fault, true);
        return batch.map((p) => failure(p.id, plan, 0, reason, message, 0));
      }
      const rest = batch.filter((_, i) => i !== failed.genome);
      const culprit = batch[failed.genome] as Packed;
      const wallTimeMs = Date.now() - base - failed.startedAt;
      return [failure(culprit.id, plan, failed.task, reason, message, wallTimeMs), ...(await this.runBatch(rest, plan, fault))];
    } finally {
      clearInterval(watch);
    }
  }
}

interface Running {
  genome: number;
  task: number;
  /** ms after the request's base. */
  startedAt: number;
}

/** The evaluation a worker is on, from the shared progress words; undefined before the first. */
function readProgress(progress: Int32Array): Running | undefined {
  const genome = Atomics.load(progress, PROGRESS.GENOME);
  if (genome < 0) return undefined;
  return { genome, task: Atomics.load(progress, PROGRESS.TASK), startedAt: Atomics.load(progress, PROGRESS.STARTED_AT) };
}

function failure(genomeId: number, plan: EvaluationPlan, taskIndex: number, reason: InvalidReason, message: string, wallTimeMs: number): GenomeEvaluation {
  const task = plan.tasks[taskIndex]?.task ?? '';
  const penalty = PENALTY[reason];
  return {
    status: 'invalid', genomeId, task, reason, penalty, message,
    tasks: [{ status: 'invalid', task, reason, penalty, message, wallTimeMs }],
  };
}
