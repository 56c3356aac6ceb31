// A pool worker that fails on purpose, for the pool's crash and timeout tests: src/pool/worker.ts's
// queue draining, except that when the genome named by the request's `fault` starts, the thread
// exits (a crash) or spins until the pool terminates it (a timeout); or it refuses every request.

import type { QueueReply, QueueRequest } from '../../src/pool/messages.ts';
import { evaluateQueueWith } from '../../src/pool/worker.ts';

export default function faultyQueue(request: QueueRequest): Promise<QueueReply> {
  if (request.fault?.kind === 'refuse') return Promise.reject(new Error('refused on purpose'));
  return evaluateQueueWith(request, (id) => {
    const fault = request.fault;
    if (fault?.genomeId !== id) return;
    if (fault.kind === 'exit') process.exit(70);
    for (;;) {
      // spin until the pool terminates this thread
    }
  });
}
