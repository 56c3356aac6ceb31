// The run's side of distributed evaluation (docs/scale-out.md): an evaluator that sends each genome
// of an evaluate() call to the run's BullMQ queue as one job and collects the results in the
// candidates' order, whichever worker finished which job when, so that the run is the one a local
// pool gives with the same seed. A job is named by the call and the genome id, so a job retried
// after its worker died (BullMQ's stalled-job check moves it back to the queue) counts once.
//
// Losing Redis stops the run: the generation under way is not written, the last checkpoint is
// whole, and the error says how to resume. Waiting instead would not be safe, since a restarted
// Redis without persistence has lost the queue and its jobs.

import { Queue, QueueEvents, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { pack } from '../genome/pack.ts';
import { isLearnerGenome } from '../learner/role.ts';
import type { Candidate } from '../pool/pool.ts';
import type { EvaluationPlan } from '../tasks/evaluate.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';
import { decodeResult, DistributedError, encodeJob, queueName, REGISTRY, shownUrl } from './jobs.ts';

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
    this.events = new QueueEvents(this.queueName, { connection: this.eventsClient });
    // Their errors follow the connection's; lose() reports them once.
    this.queue.on('error', () => undefined);
    // Each job waited on listens for the queue's closing until it ends: one listener per job under way.
    this.queue.setMaxListeners(0);
    this.events.on('error', () => undefined);
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
    await this.client.sadd(REGISTRY, this.queueName);
  }

  /** An evaluator for evolve(): results in the candidates' order. */
  readonly evaluate = async (candidates: readonly Candidate[], plan: EvaluationPlan): Promise<GenomeEvaluation[]> => {
    if (this.lost !== undefined) throw this.lost;
    const queue = this.queue;
    const events = this.events;
    if (queue === undefined || events === undefined) throw new Error('RedisEvaluator: open() first');
    if (candidates.length === 0) return [];
    const call = this.calls++;
    let listener: ((error: DistributedError) => void) | undefined;
    const lost = new Promise<never>((_, reject) => {
      listener = (error: DistributedError): void => reject(error);
      this.onLost.add(listener);
    });
    lost.catch(() => undefined);
    try {
      const jobs = await Promise.race([lost, queue.addBulk(candidates.map((c) => ({
        name: 'evaluate',
        data: encodeJob({
          plan, id: c.id, words: pack(c.genome), timeLimitMs: this.timeLimitMs,
          job: {
            ...(c.scales === undefined ? {} : { scales: c.scales }), ...(c.learning === undefined ? {} : { learning: c.learning }),
            ...(c.allScales === true ? { allScales: true } : {}),
            ...(isLearnerGenome(c.genome) ? { role: 'learner' as const, ...(c.genome.coding === undefined ? {} : { coding: c.genome.coding }) } : {}),
          },
        }),
        // BullMQ refuses integer-like custom ids.
        opts: { jobId: `c${call}-g${c.id}`, attempts: 1 },
      })))]);
      const texts = await Promise.race([lost, Promise.all(jobs.map((job: Job) => job.waitUntilFinished(events) as Promise<string>))]);
      // Only this call's jobs: another call's may be finished and not yet collected.
      await Promise.race([lost, Promise.all(jobs.map((job: Job) => job.remove()))]);
      return texts.map((t) => decodeResult(t));
    } catch (error) {
      if (this.lost !== undefined) throw this.lost;
      if (error instanceof DistributedError) throw error;
      throw new DistributedError(`an evaluation job failed on a worker (queue ${this.queueName} at ${shownUrl(this.url)}): ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      if (listener !== undefined) this.onLost.delete(listener);
    }
  };

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
