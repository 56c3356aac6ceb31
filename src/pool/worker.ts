// The worker side of the evaluation pool: one engine per worker thread (its module compiled once
// per thread; Engine re-instantiates it after a trap), a cache of task instances, and a handler
// that evaluates a batch of packed genomes on the plan's tasks (src/tasks/evaluate.ts).

import { Engine } from '../engine/engine.ts';
import { unpack } from '../genome/pack.ts';
import type { Genome } from '../genome/types.ts';
import { OPTIMIZER_INPUTS, OPTIMIZER_OUTPUTS } from '../optimizer/role.ts';
import { evaluateGenome, InstanceCache } from '../tasks/evaluate.ts';
import { PROGRESS, type BatchReply, type BatchRequest } from './messages.ts';

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

let engine: Promise<Engine> | undefined;
const cache = new InstanceCache();

/**
 * Evaluates a batch; `onGenome(id)` runs as each genome's first task starts (test/pool/ uses it to
 * make a worker fail on one genome).
 */
export async function evaluateBatchWith(request: BatchRequest, onGenome?: (id: number) => void): Promise<BatchReply> {
  engine ??= Engine.create();
  const e = await engine;
  const results = request.ids.map((id, i) => {
    const words = request.words.subarray(request.bounds[i], request.bounds[i + 1]);
    const { genome } = unpack(words, ROLE_TEMPLATE);
    return evaluateGenome(e, genome, id, request.plan, cache, (task) => {
      Atomics.store(request.progress, PROGRESS.STARTED_AT, Date.now() - request.base);
      Atomics.store(request.progress, PROGRESS.TASK, task);
      Atomics.store(request.progress, PROGRESS.GENOME, i);
      if (task === 0) onGenome?.(id);
    });
  });
  return { results };
}

export default function evaluateBatch(request: BatchRequest): Promise<BatchReply> {
  return evaluateBatchWith(request);
}
