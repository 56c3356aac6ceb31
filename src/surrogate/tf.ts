// The surrogate's one door to TensorFlow.js (issue 13): every file under src/surrogate/ imports
// `tf` from here, and initSurrogateBackend() picks the backend they all run on.
//
// Why the wasm backend: @tensorflow/tfjs-node (native TensorFlow) cannot be installed here, and the
// webgl backend needs a GPU context that Node lacks, so the choice is wasm (XNNPACK kernels, SIMD
// where the runtime has it) or the plain-JavaScript cpu backend, several times slower. The wasm
// backend has no gradients for gather and the segment ops (unsortedSegmentSum and friends), so the
// surrogate's graph model is written with dense, masked operations (adjacency and mask matrices,
// matMul, elementwise products) rather than index-based message passing.
//
// Why exactly one thread: XNNPACK splits a kernel over a thread pool whose size defaults to the
// machine's cores, and a split changes the order of floating-point sums. With one thread the same
// seed gives the same run bit for bit, on any machine, which resuming from a checkpoint relies on.
// setThreadsCount(1) only takes effect if it is called before the wasm backend initialises, so it is
// called here, first; if something else initialised wasm earlier with more threads, the result says
// so in its note.
//
// If wasm cannot initialise, the cpu backend is used (also deterministic: it is single-threaded
// JavaScript) and the note says why.

import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

export { tf };

export type SurrogateBackendName = 'wasm' | 'cpu';

export interface SurrogateBackend {
  /** The backend tf now runs on: 'wasm', or 'cpu' after a fallback or when asked for. */
  backend: string;
  /** Why the backend is not single-threaded wasm, when it is not. */
  note?: string;
}

let chosen: { requested: SurrogateBackendName; result: Promise<SurrogateBackend> } | undefined;

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function selectCpu(): Promise<void> {
  if (!(await tf.setBackend('cpu'))) throw new Error('initSurrogateBackend: the cpu backend did not initialise');
  await tf.ready();
}

async function select(requested: SurrogateBackendName): Promise<SurrogateBackend> {
  if (requested === 'cpu') {
    await selectCpu();
    return { backend: 'cpu', note: 'the cpu backend was asked for (options.backend = "cpu")' };
  }
  let reason: string;
  try {
    setThreadsCount(1);
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      const threads = getThreadsCount();
      if (threads === 1) return { backend: 'wasm' };
      return {
        backend: 'wasm',
        note: `the wasm backend was initialised elsewhere with ${threads} threads before setThreadsCount(1); sums may depend on the machine's cores`,
      };
    }
    reason = 'tf.setBackend("wasm") returned false; tf logged the error it caught';
  } catch (error) {
    reason = messageOf(error);
  }
  await selectCpu();
  return { backend: 'cpu', note: `the wasm backend could not initialise (${reason}); fell back to the cpu backend` };
}

/**
 * Selects the surrogate's backend: wasm with one thread unless options.backend is 'cpu', falling
 * back to cpu with a note. Idempotent: later calls return the first call's result (and re-select its
 * backend if something switched tf away from it meanwhile); asking for a different backend than the
 * first call did is an error, since the first choice already fixed the numbers.
 */
export async function initSurrogateBackend(options: { backend?: SurrogateBackendName } = {}): Promise<SurrogateBackend> {
  const requested = options.backend ?? 'wasm';
  if (requested !== 'wasm' && requested !== 'cpu') {
    throw new Error(`initSurrogateBackend: options.backend must be "wasm" or "cpu" (got ${JSON.stringify(requested)})`);
  }
  if (chosen === undefined) {
    chosen = { requested, result: select(requested) };
    return chosen.result;
  }
  if (chosen.requested !== requested) {
    throw new Error(
      `initSurrogateBackend: the backend was already chosen with backend "${chosen.requested}"; it cannot be changed to "${requested}" in the same process`,
    );
  }
  const result = await chosen.result;
  if (tf.getBackend() !== result.backend && !(await tf.setBackend(result.backend))) {
    throw new Error(`initSurrogateBackend: could not switch tf back to the "${result.backend}" backend`);
  }
  return result;
}
