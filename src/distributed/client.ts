// The run's side of distributed evaluation (docs/scale-out.md): an evaluator that sends the genomes
// of an evaluate() call to the run's BullMQ queue as jobs of a few genomes each (jobs.ts,
// chunkSizes, sized by the threads of the workers alive now) and collects the results in the
// candidates' order, whichever worker finished which job when, so that the run is the one a local
// pool gives with the same seed. A job is named by the call and its place in it, so a job retried
// after its worker died (BullMQ's stalled-job check moves it back to the queue) counts once.
// Results arrive as the queue's 'completed' events, read from the start of the queue's event
// stream, and jobs are removed as they complete: no call per job beyond adding it.
//
// Losing Redis stops the run: the generation under way is not written, the last checkpoint is
// whole, and the error says how to resume. Waiting instead would not be safe, since a restarted
// Redis without persistence has lost the queue and its jobs.

import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { pack } from '../genome/pack.ts';
import { jobOf } from '../pool/messages.ts';
import type { Candidate } from '../pool/pool.ts';
import type { EvaluationPlan } from '../tasks/evaluate.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';
import { chunkSizes, decodeResults, DistributedError, encodeJob, heartbeatKey, queueName, REGISTRY, shownUrl, WORKERS, type JobGenome } from './jobs.ts';

export interface RedisEvaluatorOptions {
  url: URL;
  /** The run directory: part of the queue name. */
  run: string;
  /** Sent with each job: the worker's wall-clock safety net per task evaluation. */
  timeLimitMs: number;
  /** What the error on losing Redis tells the user to run; default: nothing. */
  resumeHint?: string;
  /** The queue's name; default from the seed and the time now. */
  queue?: string;
}

const CLOSE_WAIT_MS = 2000;

function connect(url: URL): Redis {
  // No retries: a lost connection stops the run (see the header), and a first connection that
  // fails is reported at once.
  return new Redis(url.toString(), { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: () => null, enableOfflineQueue: true });
}

export class RedisEvaluator {
  readonly queueName: string;
  private readonly url: URL;
  /** Sent with each job; a resumed run sets it from its configuration once it is read. */
  timeLimitMs: number;
  private readonly resumeHint: string;
  private readonly client: Redis;
  private readonly eventsClient: Redis;
  private queue: Queue | undefined;
  private events: QueueEvents | undefined;
  private calls = 0;
  /** The jobs under way, by id: what their 'completed' or 'failed' event settles. */
  private readonly pending = new Map<string, { done: (text: string) => void; failed: (reason: string) => void }>();
  private lost: DistributedError | undefined;
  private readonly onLost = new Set<(error: DistributedError) => void>();
  private closing = false;

  constructor(options: RedisEvaluatorOptions) {
    this.url = options.url;
    this.timeLimitMs = options.timeLimitMs;
    this.resumeHint = options.resumeHint ?? '';
    this.queueName = options.queue ?? queueName(options.run, Date.now());
    this.client = connect(this.url);
    this.eventsClient = connect(this.url);
    for (const c of [this.client, this.eventsClient]) {
      // ioredis reports errors as events; the 'close' that follows decides.
      c.on('error', () => undefined);
      c.on('close', () => this.lose());
    }
  }

  /** Connects, and registers the queue for the workers; a Redis that cannot be reached is a DistributedError. */
  async open(): Promise<void> {
    try {
      await Promise.all([this.client.connect(), this.eventsClient.connect()]);
    } catch (error) {
      throw new DistributedError(`cannot reach Redis at ${shownUrl(this.url)} (--redis): ${error instanceof Error ? error.message : String(error)}`);
    }
    this.queue = new Queue(this.queueName, { connection: this.client });
    // From the stream's start, not its end: the queue is new, and no event may slip by before the
    // first read.
    this.events = new QueueEvents(this.queueName, { connection: this.eventsClient, lastEventId: '0-0' });
    // Their errors follow the connection's; lose() reports them once.
    this.queue.on('error', () => undefined);
    this.events.on('error', () => undefined);
    this.events.on('completed', ({ jobId, returnvalue }: { jobId: string; returnvalue: unknown }) => this.pending.get(jobId)?.done(String(returnvalue)));
    this.events.on('failed', ({ jobId, failedReason }: { jobId: string; failedReason: string }) => this.pending.get(jobId)?.failed(failedReason));
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
    await this.client.sadd(REGISTRY, this.queueName);
  }

  /** An evaluator for evolve(): results in the candidates' order. */
  readonly evaluate = async (candidates: readonly Candidate[], plan: EvaluationPlan): Promise<GenomeEvaluation[]> => {
    if (this.lost !== undefined) throw this.lost;
    const queue = this.queue;
    if (queue === undefined || this.events === undefined) throw new Error('RedisEvaluator: open() first');
    if (candidates.length === 0) return [];
    const call = this.calls++;
    let listener: ((error: DistributedError) => void) | undefined;
    const lost = new Promise<never>((_, reject) => {
      listener = (error: DistributedError): void => reject(error);
      this.onLost.add(listener);
    });
    lost.catch(() => undefined);
    const ids: string[] = [];
    try {
      const threads = await Promise.race([lost, this.threadsServing()]);
      const batches: JobGenome[][] = [];
      let next = 0;
      for (const size of chunkSizes(candidates.length, threads)) {
        batches.push(candidates.slice(next, next + size).map((c) => ({ id: c.id, words: pack(c.genome), job: jobOf(c) })));
        next += size;
      }
      // BullMQ refuses integer-like custom ids.
      for (let k = 0; k < batches.length; k++) ids.push(`c${call}-j${k}`);
      const texts = ids.map((id) => new Promise<string>((resolve, reject) => {
        this.pending.set(id, { done: resolve, failed: (reason) => reject(new Error(`job ${id}: ${reason}`)) });
      }));
      await Promise.race([lost, queue.addBulk(batches.map((genomes, k) => ({
        name: 'evaluate',
        data: encodeJob({ plan, genomes, timeLimitMs: this.timeLimitMs }),
        opts: { jobId: ids[k] as string, attempts: 1, removeOnComplete: true, removeOnFail: true },
      })))]);
      const results = (await Promise.race([lost, Promise.all(texts)])).flatMap((t) => decodeResults(t));
      if (results.length !== candidates.length) throw new Error(`${results.length} results for ${candidates.length} genomes`);
      return results;
    } catch (error) {
      if (this.lost !== undefined) throw this.lost;
      if (error instanceof DistributedError) throw error;
      throw new DistributedError(`an evaluation job failed on a worker (queue ${this.queueName} at ${shownUrl(this.url)}): ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (listener !== undefined) this.onLost.delete(listener);
      for (const id of ids) this.pending.delete(id);
    }
  };

  /** The threads of the workers alive now (jobs.ts, WORKERS); forgets the ids of those gone. */
  private async threadsServing(): Promise<number> {
    const ids = await this.client.smembers(WORKERS);
    if (ids.length === 0) return 0;
    const counts = await this.client.mget(ids.map((id) => heartbeatKey(id)));
    const gone = ids.filter((_, i) => counts[i] === null);
    if (gone.length > 0) await this.client.srem(WORKERS, ...gone);
    return counts.reduce((sum, c) => sum + (c === null ? 0 : Math.max(0, Number.parseInt(c, 10) || 0)), 0);
  }

  /** Unregisters and removes the queue, then disconnects; quick when Redis is gone. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.lost === undefined && this.queue !== undefined) {
      const tidy = async (): Promise<void> => {
        await this.client.srem(REGISTRY, this.queueName);
        await this.queue?.obliterate({ force: true });
      };
      await Promise.race([tidy().catch(() => undefined), new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
    }
    await Promise.race([
      Promise.allSettled([this.events?.close(), this.queue?.close()]),
      new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref()),
    ]);
    this.client.disconnect();
    this.eventsClient.disconnect();
  }

  private lose(): void {
    if (this.closing || this.lost !== undefined) return;
    const hint = this.resumeHint === '' ? '' : `; after Redis is back, continue with: ${this.resumeHint}`;
    this.lost = new DistributedError(
      `lost the connection to Redis at ${shownUrl(this.url)} (--redis): the run stopped; its last checkpoint is whole${hint}`,
    );
    for (const listener of this.onLost) listener(this.lost);
  }
}
