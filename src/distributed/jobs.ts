// What crosses Redis in a distributed run (docs/scale-out.md): the evaluation of one genome is one
// BullMQ job. Its data is a msgpackr buffer holding the plan (task names, settings and seeds), the
// genome's id, its packed words (src/genome/pack.ts: the very words a pool worker thread unpacks, so
// a Redis worker evaluates bit for bit the same genome) and its GenomeJob. The result comes back
// through V8's serializer, the structured clone that carries results out of the pool's worker
// threads: it keeps every double as it is (msgpackr would write -0 as 0). BullMQ stores both as
// JSON, so both travel as base64 text.
//
// Each run has its own queue, named from its run directory and start time, and registers it in the set
// REGISTRY while it runs: `l2l worker` serves every queue in that set, so workers need not be told
// which run to serve and two runs can share one Redis.

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

/** One genome to evaluate, as a Redis worker receives it. */
export interface EvaluationJob {
  plan: EvaluationPlan;
  id: number;
  words: Int32Array;
  job: GenomeJob;
  /** The run's --time-limit: a worker's pool uses it as the wall-clock safety net. */
  timeLimitMs: number;
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
  const words = Buffer.from(job.words.buffer, job.words.byteOffset, job.words.byteLength);
  return msgpack({ plan: job.plan, id: job.id, words, job: job.job, timeLimitMs: job.timeLimitMs }).toString('base64');
}

export function decodeJob(text: string): EvaluationJob {
  const raw = msgunpack(Buffer.from(text, 'base64')) as Omit<EvaluationJob, 'words'> & { words: Uint8Array };
  // A copy: the words must be 4-byte aligned for an Int32Array view.
  const bytes = new Uint8Array(raw.words);
  return { ...raw, words: new Int32Array(bytes.buffer, 0, bytes.byteLength / 4) };
}

export function encodeResult(result: GenomeEvaluation): string {
  return serialize(result).toString('base64');
}

export function decodeResult(text: string): GenomeEvaluation {
  return deserialize(Buffer.from(text, 'base64')) as GenomeEvaluation;
}
