// The messages between the pool (pool.ts, main thread) and its workers (worker.ts). One evaluate()
// call is one queue of genomes in shared memory (SharedArrayBuffers, seen by every worker without a
// copy), and one request per worker that drains it:
//
//   words    | genome 0's packed words | genome 1's | ... |   (src/genome/pack.ts)
//   bounds   [0, end0, end1, ...]: genome i is words[bounds[i] .. bounds[i + 1])
//   control  [NEXT, READY, STOP]: a worker claims genome NEXT (Atomics.add); the pool packs the
//            genomes in order while the workers run and publishes how many are READY (a worker
//            that is ahead waits on it); STOP = 1 tells the workers to claim nothing more
//   owner    owner[i] = the request that claimed genome i (-1: none yet)
//
// So the load balances genome by genome, and the last genome ends at most one evaluation after
// the others, whatever the batch sizes were. Each request also has its own `progress`, which
// genome and task it has started and when (ms since `base`, a Date.now() of the pool's), so the
// pool times each evaluation from its start and knows which one was running when a worker died or
// ran out of time, without a message per evaluation:
//
//   progress  [STARTED_AT, GENOME, TASK]   GENOME = -1 until the request's first evaluation starts

import type { Coding, Genome } from '../genome/types.ts';
import { isLearnerGenome } from '../learner/role.ts';
import type { EvaluationPlan } from '../tasks/evaluate.ts';
import type { LearningCheck } from '../tasks/learning.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';

/** A deliberate failure, for tests of the pool's crash and timeout handling only. */
export interface Fault {
  genomeId: number;
  /**
   * exit: the worker thread exits when it starts this genome; hang: it spins forever; refuse: every
   * request fails before it claims a genome (genomeId unused).
   */
  kind: 'exit' | 'hang' | 'refuse';
}

/** What a genome is evaluated with beside the plan (src/tasks/evaluate.ts, GenomeEvaluationOptions). */
export interface GenomeJob {
  scales?: number[];
  learning?: LearningCheck;
  allScales?: boolean;
  /** A learner genome (its slots are the learner role's), with its IO coding when it has one. */
  role?: 'learner';
  coding?: Coding;
}

/** What travels beside a candidate's packed words: the packed layout holds neither the slots' names nor the IO coding. */
export function jobOf(c: { genome: Genome; scales?: number[]; learning?: LearningCheck; allScales?: boolean }): GenomeJob {
  return {
    ...(c.scales === undefined ? {} : { scales: c.scales }), ...(c.learning === undefined ? {} : { learning: c.learning }),
    ...(c.allScales === true ? { allScales: true } : {}),
    ...(isLearnerGenome(c.genome) ? { role: 'learner' as const, ...(c.genome.coding === undefined ? {} : { coding: c.genome.coding }) } : {}),
  };
}

/** The shared queue of one evaluate() call. */
export interface Queue {
  plan: EvaluationPlan;
  /** Genome ids, in queue order. */
  ids: number[];
  /** Per genome, in queue order: what the main thread decided before (scales to try, its learning check). */
  jobs: GenomeJob[];
  words: Int32Array;
  bounds: Int32Array;
  control: Int32Array;
  owner: Int32Array;
}

export interface QueueRequest extends Queue {
  /** This request's number within its queue: what it writes into `owner`. */
  request: number;
  /** Shared with the pool, this request's own: see PROGRESS. */
  progress: Int32Array;
  /** The pool's Date.now() when it made the request; STARTED_AT counts from it. */
  base: number;
  fault?: Fault;
}

export interface QueueReply {
  results: GenomeEvaluation[];
}

/** Word offsets in `control`. */
export const CONTROL = { NEXT: 0, READY: 1, STOP: 2, WORDS: 3 } as const;

/** Word offsets in `progress`. */
export const PROGRESS = { STARTED_AT: 0, GENOME: 1, TASK: 2, WORDS: 3 } as const;

/** An Int32Array of `length` words over a new SharedArrayBuffer. */
export function sharedWords(length: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, length) * 4));
}
