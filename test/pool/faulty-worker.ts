// A pool worker that fails on purpose, for the pool's crash and timeout tests: src/pool/worker.ts's
// batch evaluation, except that when the genome named by the request's `fault` starts, the thread
// exits (a crash) or spins until the pool terminates it (a timeout).

import type { BatchReply, BatchRequest } from '../../src/pool/messages.ts';
import { evaluateBatchWith } from '../../src/pool/worker.ts';

export default function faultyBatch(request: BatchRequest): Promise<BatchReply> {
  return evaluateBatchWith(request, (id) => {
    const fault = request.fault;
    if (fault?.genomeId !== id) return;
    if (fault.kind === 'exit') process.exit(70);
    for (;;) {
      // spin until the pool terminates this thread
    }
  });
}
