// What crosses Redis in a distributed run (docs/scale-out.md): one BullMQ job carries a batch of a
// generation's genomes. Its data is a msgpackr buffer holding the plan (task names, settings and
// seeds), the run's time limit, and per genome its id, its packed words (src/genome/pack.ts: the
// very words a pool worker thread unpacks, so a Redis worker evaluates bit for bit the same genome)
// and its GenomeJob. The results come back through V8's serializer, the structured clone that
// carries results out of the pool's worker threads: it keeps every double as it is (msgpackr would
// write -0 as 0). BullMQ stores both as JSON, so both travel as base64 text.
//
// Batches, not single genomes: BullMQ spends a few Lua scripts, events and round trips per job
// (about 3 ms of CPU over Redis, the run and the worker on this machine's cores), which a 20 ms
// evaluation cannot hide. The batches shrink along the generation (chunkSizes: guided
// self-scheduling), so that few jobs carry most genomes and small ones at the end keep every worker
// busy until the generation is done. Batching never changes a result: each genome is evaluated
// alone, as in a local pool.
//
// Each run has its own queue, named from its run directory and start time, and registers it in the set
// REGISTRY while it runs: `l2l worker` serves every queue in that set, so workers need not be told
// which run to serve and two runs can share one Redis. Each worker in turn says it is alive and how
// many threads it has (WORKERS, heartbeatKey), which sizes the batches.

import { deserialize, serialize } from 'node:v8';
import { pack as msgpack, unpack as msgunpack } from 'msgpackr';
import type { GenomeJob } from '../pool/messages.ts';
import type { EvaluationPlan } from '../tasks/evaluate.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';
import { InputError } from '../util/errors.ts';

/** The Redis set of the queues of the runs under way. */
export const REGISTRY = 'l2l:queues';
/** Every queue name starts with it, so that a worker serves only l2l's queues. */
export const QUEUE_PREFIX = 'l2l-eval-';

/** The set of the ids of the workers that said they are alive. */
export const WORKERS = 'l2l:workers';
/** How often a worker says it is alive, in ms; its key expires after HEARTBEAT_TTL_MS. */
export const HEARTBEAT_MS = 2000;
export const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_MS;

/** The key that holds a live worker's thread count. */
export function heartbeatKey(workerId: string): string {
  return `l2l:worker:${workerId}`;
}

/** One genome to evaluate. */
export interface JobGenome {
  id: number;
  words: Int32Array;
  job: GenomeJob;
}

/** A batch of one generation's genomes, as a Redis worker receives it. */
export interface EvaluationJob {
  plan: EvaluationPlan;
  genomes: JobGenome[];
  /** The run's --time-limit: a worker's pool uses it as the wall-clock safety net. */
  timeLimitMs: number;
}

/** How finely a generation divides: its first job carries 1/(BATCHES_PER_THREAD * threads) of it. */
const BATCHES_PER_THREAD = 2;

/**
 * The sizes of the jobs that carry `count` genomes to workers with `threads` threads in all, in
 * queue order: guided self-scheduling (Polychronopoulos and Kuck, IEEE Trans. Computers 36(12), 1987),
 * each job taking 1/(BATCHES_PER_THREAD * threads) of what is left, at least one genome. With no
 * worker known (threads 0), one genome per job: any number of workers that come can share it.
 */
export function chunkSizes(count: number, threads: number): number[] {
  const sizes: number[] = [];
  if (threads <= 0) return Array.from({ length: count }, () => 1);
  let left = count;
  while (left > 0) {
    const size = Math.max(1, Math.ceil(left / (BATCHES_PER_THREAD * threads)));
    sizes.push(size);
    left -= size;
  }
  return sizes;
}

/**
 * A failure of the connection to Redis or of the queue, not of the input: the CLI prints its
 * message (it names the Redis URL and what to do) and exits 1.
 */
export class DistributedError extends Error {
  override readonly name = 'DistributedError';
}

/** The URL of a Redis server given to `flag`: redis:// or rediss:// (TLS). */
export function redisUrl(text: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InputError(flag, 'must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379', text);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new InputError(flag, `must be a redis:// or rediss:// URL (not ${url.protocol})`, text);
  if (url.hostname === '') throw new InputError(flag, 'must name a host, as in redis://127.0.0.1:6379', text);
  return url;
}

/** The URL as messages show it: without a password. */
export function shownUrl(url: URL): string {
  return `${url.protocol}//${url.hostname}${url.port === '' ? '' : `:${url.port}`}${url.pathname.length > 1 ? url.pathname : ''}`;
}

/**
 * A run's queue name: its run directory's name (so a worker's log says which run it serves) and
 * the time it started (ms), unique for runs sharing a Redis, and new on each resume.
 */
export function queueName(run: string, startedAt: number): string {
  const base = run.replace(/[/\\]+$/, '').split(/[/\\]/).at(-1) ?? '';
  return `${QUEUE_PREFIX}${base.replace(/[^\w.-]+/g, '_').slice(0, 80)}-${startedAt.toString(36)}`;
}

export function encodeJob(job: EvaluationJob): string {
  const genomes = job.genomes.map((g) => ({ id: g.id, words: Buffer.from(g.words.buffer, g.words.byteOffset, g.words.byteLength), job: g.job }));
  return msgpack({ plan: job.plan, genomes, timeLimitMs: job.timeLimitMs }).toString('base64');
}

export function decodeJob(text: string): EvaluationJob {
  const raw = msgunpack(Buffer.from(text, 'base64')) as Omit<EvaluationJob, 'genomes'> & { genomes: (Omit<JobGenome, 'words'> & { words: Uint8Array })[] };
  return {
    ...raw,
    genomes: raw.genomes.map((g) => {
      // A copy: the words must be 4-byte aligned for an Int32Array view.
      const bytes = new Uint8Array(g.words);
      return { ...g, words: new Int32Array(bytes.buffer, 0, bytes.byteLength / 4) };
    }),
  };
}

export function encodeResults(results: readonly GenomeEvaluation[]): string {
  return serialize(results).toString('base64');
}

export function decodeResults(text: string): GenomeEvaluation[] {
  return deserialize(Buffer.from(text, 'base64')) as GenomeEvaluation[];
}
