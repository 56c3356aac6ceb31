// The worker side of distributed evaluation (`l2l worker`, docs/scale-out.md): it serves every run
// registered in Redis (jobs.ts, REGISTRY), one BullMQ worker per run's queue, and evaluates each
// job's genome in an EvaluationPool of this machine (src/pool/): the same unpacking and the same
// evaluation as a local run's worker threads, so the result is the same bit for bit. The pool's
// threads leave this thread free to renew the jobs' locks, however long an evaluation takes.
//
// A worker that dies holding a job stops renewing its lock; after `stallMs` another worker's
// stalled-job check (BullMQ's stalledInterval) puts the job back in the queue and it runs again.
//
// While it serves, a worker says every HEARTBEAT_MS that it is alive and how many threads it has
// (jobs.ts, WORKERS): runs size their jobs by the threads alive.

import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { EvaluationPool } from '../pool/pool.ts';
import { unpackJob } from '../pool/worker.ts';
import { decodeJob, encodeResults, HEARTBEAT_MS, HEARTBEAT_TTL_MS, heartbeatKey, QUEUE_PREFIX, REGISTRY, shownUrl, WORKERS } from './jobs.ts';

export interface ServeOptions {
  url: URL;
  /** Evaluation threads; a queue's jobs are taken one more at a time. */
  threads: number;
  /**
   * How long a job of a dead worker stays claimed before another worker takes it, in ms: BullMQ's
   * lockDuration and stalledInterval.
   */
  stallMs: number;
  /** How often the registry of runs is read, in ms. */
  pollMs?: number;
  /** Lines for the user (queues served, failures). */
  log?: (line: string) => void;
  /** Called as each job starts, with its queue and id (tests watch for it). */
  onJob?: (queue: string, id: string) => void;
}

/** How many times a job may lose its worker before it fails (the run then stops with the reason). */
const MAX_STALLED = 5;

export interface Serving {
  /** Stops taking jobs, lets the ones under way finish, and disconnects. */
  close(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<Serving> {
  const log = options.log ?? (() => undefined);
  // Retries forever: a worker outlives a Redis restart and serves the runs registered afterwards.
  const registry = new Redis(options.url.toString(), { maxRetriesPerRequest: null });
  // Said once per outage, not at every retry.
  let down = false;
  registry.on('error', (error: Error) => {
    if (!down) log(`l2l worker: cannot reach Redis at ${shownUrl(options.url)} (${error.message}); retrying`);
    down = true;
  });
  registry.on('ready', () => {
    if (down) log(`l2l worker: connected to Redis at ${shownUrl(options.url)}`);
    down = false;
  });
  const pools = new Map<number, EvaluationPool>();
  const poolFor = (timeLimitMs: number): EvaluationPool => {
    let pool = pools.get(timeLimitMs);
    if (pool === undefined) {
      pool = new EvaluationPool({ workers: options.threads, timeLimitMs });
      pools.set(timeLimitMs, pool);
    }
    return pool;
  };
  const workers = new Map<string, Worker>();
  let stopped = false;
  const evaluateJob = async (job: Job<string, string>): Promise<string> => {
    options.onJob?.(job.queueName, job.id ?? '');
    const { plan, genomes, timeLimitMs } = decodeJob(job.data);
    const candidates = genomes.map(({ id, words, job: genomeJob }) => ({ ...genomeJob, id, genome: unpackJob(words, genomeJob) }));
    const results = await poolFor(timeLimitMs).evaluate(candidates, plan);
    if (results.length !== candidates.length) throw new Error(`${results.length} results for ${candidates.length} genomes`);
    return encodeResults(results);
  };
  // Who this worker is, for the runs that size their jobs (jobs.ts, WORKERS).
  const workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const heartbeat = async (): Promise<void> => {
    await registry.multi().set(heartbeatKey(workerId), String(options.threads), 'PX', HEARTBEAT_TTL_MS).sadd(WORKERS, workerId).exec();
  };
  const refresh = async (): Promise<void> => {
    const names = (await registry.smembers(REGISTRY)).filter((n) => n.startsWith(QUEUE_PREFIX));
    if (stopped) return;
    for (const name of names) {
      if (workers.has(name)) continue;
      const worker = new Worker<string, string>(name, evaluateJob, {
        connection: { url: options.url.toString(), maxRetriesPerRequest: null },
        // One job more than threads: the next genome waits in the pool while one is evaluated,
        // so the pool's threads do not idle through each job's round trips to Redis.
        concurrency: options.threads + 1,
        lockDuration: options.stallMs,
        stalledInterval: options.stallMs,
        maxStalledCount: MAX_STALLED,
        // An idle worker looks for jobs again this often (s): short, so that a new run starts at once.
        drainDelay: 1,
      });
      worker.on('error', (error) => log(`l2l worker: queue ${name}: ${error.message}`));
      workers.set(name, worker);
      log(`l2l worker: serving ${name} at ${shownUrl(options.url)}`);
    }
    for (const [name, worker] of workers) {
      if (names.includes(name)) continue;
      workers.delete(name);
      log(`l2l worker: ${name} finished`);
      void worker.close();
    }
  };
  let timer: NodeJS.Timeout | undefined;
  let lastBeat = -Infinity;
  const loop = async (): Promise<void> => {
    try {
      if (performance.now() - lastBeat >= HEARTBEAT_MS) {
        await heartbeat();
        lastBeat = performance.now();
      }
      await refresh();
    } catch (error) {
      if (!stopped) log(`l2l worker: reading the runs at ${shownUrl(options.url)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!stopped) timer = setTimeout(() => void loop(), options.pollMs ?? 500);
  };
  void loop();
  return {
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      await Promise.allSettled([...workers.values()].map((w) => w.close()));
      await Promise.allSettled([...pools.values()].map((p) => p.destroy()));
      // Gone at once, not when the heartbeat expires; quick when Redis is gone.
      await Promise.race([
        registry.multi().del(heartbeatKey(workerId)).srem(WORKERS, workerId).exec().catch(() => undefined),
        new Promise((r) => setTimeout(r, 1000).unref()),
      ]);
      registry.disconnect();
    },
  };
}
