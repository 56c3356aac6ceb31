// The worker side of the evaluation pool: one engine per worker thread (its module compiled once
// per thread; Engine re-instantiates it after a trap), a cache of task instances, and a handler
// that drains a shared queue of packed genomes (messages.ts), evaluating each on the plan's tasks
// (src/tasks/evaluate.ts).

import { Engine } from '../engine/engine.ts';
import { unpack } from '../genome/pack.ts';
import type { Genome } from '../genome/types.ts';
import { LEARNER_INPUTS, LEARNER_OUTPUT_SLOTS } from '../learner/role.ts';
import { OPTIMIZER_INPUTS, OPTIMIZER_OUTPUTS } from '../optimizer/role.ts';
import { evaluateGenome, InstanceCache } from '../tasks/evaluate.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';
import { CONTROL, PROGRESS, type GenomeJob, type QueueReply, type QueueRequest } from './messages.ts';

// Slot names are not part of the packed layout; unpack takes them from here.
const ROLE_TEMPLATE: Genome = {
  format: 'l2l-genome',
  version: 1,
  name: '',
  inputs: [...OPTIMIZER_INPUTS],
  outputs: [...OPTIMIZER_OUTPUTS],
  caps: { nodes: 0, edges: 0, effectsPerNode: 0, applicationsPerTick: 0 },
  maxDelay: 0,
  nodes: [],
  edges: [],
};

const LEARNER_TEMPLATE: Genome = { ...ROLE_TEMPLATE, inputs: [...LEARNER_INPUTS], outputs: [...LEARNER_OUTPUT_SLOTS] };

/** How long a worker that is ahead of the packing waits before it looks at STOP again, in ms. */
const READY_WAIT_MS = 100;

let engine: Promise<Engine> | undefined;
const cache = new InstanceCache();

/** Waits until genome `index` is packed; false if the pool stopped the queue instead. */
function whenReady(control: Int32Array, index: number): boolean {
  for (;;) {
    if (Atomics.load(control, CONTROL.STOP) !== 0) return false;
    const ready = Atomics.load(control, CONTROL.READY);
    if (ready > index) return true;
    Atomics.wait(control, CONTROL.READY, ready, READY_WAIT_MS);
  }
}

/**
 * A genome from its packed words and its job, as a worker evaluates it: the role's slot names and
 * the IO coding are not in the packed layout (src/distributed/ unpacks Redis jobs with it too).
 */
export function unpackJob(words: Int32Array, job: GenomeJob): Genome {
  const { genome } = unpack(words, job.role === 'learner' ? LEARNER_TEMPLATE : ROLE_TEMPLATE);
  if (job.coding !== undefined) genome.coding = job.coding;
  return genome;
}

/**
 * Claims and evaluates genomes from the request's queue until it is empty; `onGenome(id)` runs as
 * each genome's first task starts (test/pool/ uses it to make a worker fail on one genome).
 */
export async function evaluateQueueWith(request: QueueRequest, onGenome?: (id: number) => void): Promise<QueueReply> {
  engine ??= Engine.create();
  const e = await engine;
  const { control, owner, bounds, progress } = request;
  const results: GenomeEvaluation[] = [];
  for (;;) {
    const i = Atomics.add(control, CONTROL.NEXT, 1);
    if (i >= request.ids.length) break;
    Atomics.store(owner, i, request.request);
    if (!whenReady(control, i)) break;
    const id = request.ids[i] as number;
    const words = request.words.subarray(bounds[i], bounds[i + 1]);
    const job = request.jobs[i] ?? {};
    const genome = unpackJob(words, job);
    results.push(evaluateGenome(e, genome, id, request.plan, {
      cache,
      packed: words,
      ...(job.scales === undefined ? {} : { scales: job.scales }),
      ...(job.learning === undefined ? {} : { learning: job.learning }),
      ...(job.allScales === true ? { allScales: true } : {}),
      onTask: (task) => {
        Atomics.store(progress, PROGRESS.STARTED_AT, Date.now() - request.base);
        Atomics.store(progress, PROGRESS.TASK, task);
        Atomics.store(progress, PROGRESS.GENOME, i);
        if (task === 0) onGenome?.(id);
      },
    }));
  }
  return { results };
}

export default function evaluateQueue(request: QueueRequest): Promise<QueueReply> {
  return evaluateQueueWith(request);
}
