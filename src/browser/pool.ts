// The browser page's evaluation pool (docs/browser.md): an Evaluator (src/evolve/state.ts) over Web
// Workers that drain one queue of packed genomes, the Node pool's queue (src/pool/messages.ts). Where
// the page is cross-origin isolated the queue lives in SharedArrayBuffers and every worker claims
// genomes from it with Atomics, genome by genome, as Node's workers do; elsewhere SharedArrayBuffer
// does not exist, and one worker gets its own copy of the queue. Either way each genome is evaluated
// alone with seeds from its id, so the results do not depend on the number of workers. Unlike Node's
// pool there is no wall-clock limit or crash retry: a genome's work budget still bounds it.

import { pack, packedLength } from '../genome/pack.ts';
import type { Candidate, Evaluator } from '../evolve/state.ts';
import { CONTROL, jobOf, PROGRESS, type Queue, type QueueRequest } from '../pool/messages.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';
import type { EvaluationPlan } from '../tasks/evaluate.ts';
import type { PoolReply } from './pool-worker.ts';

export interface BrowserPool {
  evaluate: Evaluator;
  workers: number;
  shared: boolean;
  destroy(): void;
}

/** Whether this page may share memory with its workers (the COOP/COEP headers, `l2l serve`). */
export function canShare(): boolean {
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
}

function words(length: number, shared: boolean): Int32Array {
  const bytes = Math.max(1, length) * 4;
  return new Int32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
}

/** The queue of one evaluate() call, every genome packed and READY before any worker starts. */
function fillQueue(candidates: readonly Candidate[], plan: EvaluationPlan, shared: boolean): Queue {
  const jobs = candidates.map(jobOf);
  const bounds = words(candidates.length + 1, shared);
  candidates.forEach((c, i) => {
    bounds[i + 1] = (bounds[i] as number) + packedLength(c.genome);
  });
  const queue: Queue = {
    plan, ids: candidates.map((c) => c.id), jobs, bounds,
    words: words(bounds[candidates.length] as number, shared), control: words(CONTROL.WORDS, shared), owner: words(candidates.length, shared).fill(-1),
  };
  candidates.forEach((c, i) => queue.words.set(pack(c.genome), bounds[i]));
  queue.control[CONTROL.READY] = candidates.length;
  return queue;
}

/** `count` workers (1 where memory cannot be shared) and the Evaluator that drains a queue with them. */
export function browserPool(count: number): BrowserPool {
  const shared = canShare();
  const workers = Array.from({ length: shared ? Math.max(1, count) : 1 }, () => new Worker(new URL('./pool-worker.ts', import.meta.url), { type: 'module' }));
  const drain = (worker: Worker, request: QueueRequest): Promise<GenomeEvaluation[]> => new Promise((done, fail) => {
    worker.onmessage = (event: MessageEvent<PoolReply>) => (event.data.ok ? done(event.data.reply.results) : fail(new Error(event.data.error)));
    worker.onerror = (event) => fail(new Error(`an evaluation worker failed: ${event.message}`));
    worker.postMessage(request);
  });
  const evaluate: Evaluator = async (candidates, plan) => {
    if (candidates.length === 0) return [];
    const queue = fillQueue(candidates, plan, shared);
    const busy = workers.slice(0, candidates.length);
    const replies = await Promise.all(busy.map((w, request) => drain(w, { ...queue, request, progress: words(PROGRESS.WORDS, shared), base: Date.now() })));
    const byId = new Map(replies.flat().map((r) => [r.genomeId, r]));
    return candidates.map((c) => {
      const result = byId.get(c.id);
      if (result === undefined) throw new Error(`genome ${c.id} was not evaluated`);
      return result;
    });
  };
  return { evaluate, workers: workers.length, shared, destroy: () => workers.forEach((w) => w.terminate()) };
}
