// The evaluation pool, main-thread side (docs/tasks.md, The pool): a Piscina pool of worker threads
// (worker.ts, TypeScript run through tsx's loader), each with its own engine. The genomes of one
// evaluate() call are checked, then packed one after another into a shared queue (messages.ts)
// while the workers already drain it, one genome at a time; every result depends only on (plan,
// genome id, genome), so any number of workers in any order give the same metric vectors.
//
// Over-long genomes are decided by the plan's work budget inside the engine (over_budget, the same
// on every machine); the wall-clock limit is only the safety net behind it.
//
// Failures: each task evaluation has a time limit, counted from when the worker starts it (the
// worker records each start in shared memory, which the pool polls: no message per evaluation). A
// worker that dies (its thread exits), throws, or runs past the limit fails its request: the genome
// it was on is marked `crashed` or `timeout`, the genomes it had finished (their results were lost
// with it) go round again, and a new request takes its place on the queue. Piscina replaces a dead
// worker.

import os from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { pack, packedLength } from '../genome/pack.ts';
import { checkLearnerRole, isLearnerGenome } from '../learner/role.ts';
import type { Genome } from '../genome/types.ts';
import { checkOptimizerRole } from '../optimizer/role.ts';
import type { EvaluationPlan } from '../tasks/evaluate.ts';
import { PENALTY, type GenomeEvaluation, type InvalidReason } from '../tasks/metrics.ts';
import { SCALE_MAX, SCALE_MIN } from '../tasks/scale.ts';
import { InputError, rules } from '../util/errors.ts';
import { CONTROL, jobOf, PROGRESS, sharedWords, type Fault, type GenomeJob, type Queue, type QueueReply, type QueueRequest } from './messages.ts';

export interface PoolOptions {
  /** Worker threads; default: the machine's available parallelism. */
  workers?: number;
  /**
   * The wall-clock limit of one task evaluation of one genome, in ms, from its start; default 60 s.
   * A safety net only (reason `timeout`): the plan's work budget decides over-long genomes.
   */
  timeLimitMs?: number;
  /**
   * The worker module (default ./worker.ts); tests use one that fails on purpose
   * (test/pool/faulty-worker.ts), built on worker.ts's evaluateQueueWith.
   */
  workerFile?: string | URL;
}

export interface Candidate extends GenomeJob {
  /** The genome's id: part of its episode seeds, so the same genome and id give the same result. */
  id: number;
  genome: Genome;
}

export interface EvaluateOptions {
  /** Passed to the worker: a failing test worker fails on this genome (docs/tasks.md, The pool). */
  fault?: Fault;
}

export const DEFAULT_TIME_LIMIT_MS = 60_000;
const MAX_WORKERS = 256;
/** How often a running request's progress is checked against the time limit, at most and at least. */
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

/** A queue and what the pool knows of it: the next request number, and failures that claimed nothing. */
interface Drain {
  queue: Queue;
  fault: Fault | undefined;
  requests: number;
  idleFailures: number;
}

export class EvaluationPool {
  readonly workers: number;
  readonly timeLimitMs: number;
  private readonly piscina: Piscina<QueueRequest, QueueReply>;

  constructor(options: PoolOptions = {}) {
    this.workers = positiveInt(options.workers, 'pool.workers', MAX_WORKERS, Math.min(MAX_WORKERS, os.availableParallelism()));
    this.timeLimitMs = positiveInt(options.timeLimitMs, 'pool.timeLimitMs', 2 ** 31 - 1, DEFAULT_TIME_LIMIT_MS);
    this.piscina = new Piscina<QueueRequest, QueueReply>({
      filename: (options.workerFile ?? new URL('./worker.ts', import.meta.url)).toString(),
      execArgv: ['--import', TSX_LOADER],
      minThreads: this.workers,
      maxThreads: this.workers,
      // One request per worker: each drains the shared queue until it is empty.
      concurrentTasksPerWorker: 1,
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
      if (!isLearnerGenome(c.genome)) checkOptimizerRole(c.genome);
      else checkLearnerRole(c.genome);
      c.scales?.forEach((k, j) => {
        if (!Number.isInteger(k) || k < SCALE_MIN || k > SCALE_MAX) throw new InputError(`candidates[${i}].scales[${j}]`, rules.range(SCALE_MIN, SCALE_MAX), k);
      });
    });
    if (candidates.length === 0) return [];
    const jobs = candidates.map(jobOf);
    const queue = newQueue(plan, candidates.map((c) => c.id), jobs, candidates.map((c) => packedLength(c.genome)));
    const drain: Drain = { queue, fault: options.fault, requests: 0, idleFailures: 0 };
    const running = this.start(drain);
    // The workers start on genome 0 while this thread packs the rest.
    try {
      candidates.forEach((c, i) => {
        const words = pack(c.genome);
        if (words.length !== (queue.bounds[i + 1] as number) - (queue.bounds[i] as number)) throw new Error(`candidates[${i}]: packed length changed`);
        queue.words.set(words, queue.bounds[i]);
        Atomics.store(queue.control, CONTROL.READY, i + 1);
        Atomics.notify(queue.control, CONTROL.READY);
      });
    } catch (error) {
      Atomics.store(queue.control, CONTROL.STOP, 1);
      Atomics.notify(queue.control, CONTROL.READY);
      await Promise.allSettled(running);
      throw error;
    }
    const byId = new Map((await Promise.all(running)).flat().map((r) => [r.genomeId, r]));
    // A genome claimed by a worker that was ending as the pool gave up on it has no result: once
    // more, then it is marked.
    const missing = candidates.flatMap((c, i) => (byId.has(c.id) ? [] : [i]));
    if (missing.length > 0) {
      for (const r of await this.retry(drain, missing)) byId.set(r.genomeId, r);
    }
    return candidates.map((c) => byId.get(c.id) ?? failure(c.id, plan, 0, 'crashed', 'no result: the worker was lost', 0));
  }

  /** Stops the workers; evaluate() must not be called afterwards. */
  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }

  /** One request per worker (at most one per genome) on the drain's queue. */
  private start(drain: Drain): Promise<GenomeEvaluation[]>[] {
    const count = Math.min(this.workers, drain.queue.ids.length);
    return Array.from({ length: count }, () => this.request(drain));
  }

  /** A new queue of the given genomes of `drain`'s queue (already packed), drained as evaluate() does. */
  private async retry(drain: Drain, indices: readonly number[]): Promise<GenomeEvaluation[]> {
    const { queue } = drain;
    const sizes = indices.map((i) => (queue.bounds[i + 1] as number) - (queue.bounds[i] as number));
    const sub = newQueue(queue.plan, indices.map((i) => queue.ids[i] as number), indices.map((i) => queue.jobs[i] as GenomeJob), sizes);
    indices.forEach((i, k) => sub.words.set(queue.words.subarray(queue.bounds[i], queue.bounds[i + 1]), sub.bounds[k]));
    sub.control[CONTROL.READY] = indices.length;
    const again: Drain = { queue: sub, fault: drain.fault, requests: 0, idleFailures: 0 };
    return (await Promise.all(this.start(again))).flat();
  }

  /** Runs one request on the drain's queue; on failure, blames the running genome and recovers the rest. */
  private async request(drain: Drain): Promise<GenomeEvaluation[]> {
    const { queue } = drain;
    const number = drain.requests++;
    const progress = sharedWords(PROGRESS.WORDS);
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
    const request: QueueRequest = { ...queue, request: number, progress, base, ...(drain.fault === undefined ? {} : { fault: drain.fault }) };
    try {
      return (await this.piscina.run(request, { signal: abort.signal })).results;
    } catch (error) {
      return await this.recover(drain, number, expired ?? readProgress(progress), expired !== undefined, error, base);
    } finally {
      clearInterval(watch);
    }
  }

  private async recover(drain: Drain, number: number, failed: Running | undefined, timedOut: boolean, error: unknown, base: number): Promise<GenomeEvaluation[]> {
    const { queue } = drain;
    const n = queue.ids.length;
    const reason: InvalidReason = timedOut ? 'timeout' : 'crashed';
    const message = timedOut ? wallClockMessage(this.timeLimitMs) : (error instanceof Error ? error.message : String(error));
    const out: GenomeEvaluation[] = [];
    if (failed !== undefined) {
      out.push(failure(queue.ids[failed.genome] as number, queue.plan, failed.task, reason, message, Date.now() - base - failed.startedAt));
    }
    // The genomes this request had finished: their results died with it.
    const lost: number[] = [];
    for (let i = 0; i < n; i++) if (Atomics.load(queue.owner, i) === number && i !== failed?.genome) lost.push(i);
    const more: Promise<GenomeEvaluation[]>[] = [];
    if (lost.length > 0) more.push(this.retry(drain, lost));
    if (failed === undefined && lost.length === 0) drain.idleFailures++;
    if (Atomics.load(queue.control, CONTROL.NEXT) < n && Atomics.load(queue.control, CONTROL.STOP) === 0) {
      if (drain.idleFailures <= this.workers + 1) {
        more.push(this.request(drain));
      } else {
        // Workers keep failing before they start anything: nothing can be blamed on one genome,
        // and the ones no worker has claimed are marked.
        const from = Atomics.exchange(queue.control, CONTROL.NEXT, n);
        for (let i = from; i < n; i++) out.push(failure(queue.ids[i] as number, queue.plan, 0, reason, message, 0));
      }
    }
    return [...out, ...(await Promise.all(more)).flat()];
  }
}

/**
 * A `timeout`'s message: it is the wall clock, a safety net that depends on the machine, unlike
 * `over_budget` (the plan's deterministic work budget), so that reports can keep the two apart.
 */
export function wallClockMessage(limitMs: number): string {
  return `wall clock: the evaluation ran past the time limit of ${limitMs} ms (timeLimitMs; the work budget is the plan's workLimit)`;
}

/** A queue for genomes of the given ids and packed sizes, nothing packed yet. */
function newQueue(plan: EvaluationPlan, ids: number[], jobs: GenomeJob[], sizes: readonly number[]): Queue {
  const bounds = sharedWords(ids.length + 1);
  sizes.forEach((size, i) => {
    bounds[i + 1] = (bounds[i] as number) + size;
  });
  const owner = sharedWords(ids.length);
  owner.fill(-1);
  return { plan, ids, jobs, words: sharedWords(bounds[ids.length] as number), bounds, control: sharedWords(CONTROL.WORDS), owner };
}

interface Running {
  /** The genome's index in its queue. */
  genome: number;
  task: number;
  /** ms after the request's base. */
  startedAt: number;
}

/** The evaluation a request is on, from its shared progress words; undefined before the first. */
function readProgress(progress: Int32Array): Running | undefined {
  const genome = Atomics.load(progress, PROGRESS.GENOME);
  if (genome < 0) return undefined;
  return { genome, task: Atomics.load(progress, PROGRESS.TASK), startedAt: Atomics.load(progress, PROGRESS.STARTED_AT) };
}

function failure(genomeId: number, plan: EvaluationPlan, taskIndex: number, reason: InvalidReason, message: string, wallTimeMs: number): GenomeEvaluation {
  // The worker's task index counts on over the scales it tries.
  const task = plan.tasks[taskIndex % Math.max(1, plan.tasks.length)]?.task ?? '';
  const penalty = PENALTY[reason];
  return {
    status: 'invalid', genomeId, task, reason, penalty, message,
    tasks: [{ status: 'invalid', task, reason, penalty, message, wallTimeMs }],
  };
}
