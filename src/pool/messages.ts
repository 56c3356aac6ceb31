// The messages between the pool (pool.ts, main thread) and its workers (worker.ts). The two sides
// share nothing else. A batch carries its genomes packed (src/genome/pack.ts) one after another in
// one Int32Array whose buffer is transferred, not copied:
//
//   words   | genome 0's words | genome 1's words | ... |
//   bounds  [0, end0, end1, ...]: genome i is words[bounds[i] .. bounds[i + 1])
//
// While it works, the worker writes into `progress`, an Int32Array over a SharedArrayBuffer, which
// genome and task it has started and when (ms since `base`, a Date.now() of the pool's), so the pool
// times each evaluation from its start (not from when the batch was queued) and knows which one was
// running when a worker died or ran out of time, without a message per evaluation:
//
//   progress  [STARTED_AT, GENOME, TASK]   GENOME = -1 until the first evaluation starts

import type { EvaluationPlan } from '../tasks/evaluate.ts';
import type { GenomeEvaluation } from '../tasks/metrics.ts';

/** A deliberate failure, for tests of the pool's crash and timeout handling only. */
export interface Fault {
  genomeId: number;
  /** exit: the worker thread exits when it starts this genome; hang: it spins forever. */
  kind: 'exit' | 'hang';
}

export interface BatchRequest {
  plan: EvaluationPlan;
  ids: number[];
  words: Int32Array;
  bounds: Int32Array;
  /** Shared with the pool: see PROGRESS. */
  progress: Int32Array;
  /** The pool's Date.now() when it made the request; STARTED_AT counts from it. */
  base: number;
  fault?: Fault;
}

/** Word offsets in `progress`. */
export const PROGRESS = { STARTED_AT: 0, GENOME: 1, TASK: 2, WORDS: 3 } as const;

export interface BatchReply {
  results: GenomeEvaluation[];
}
