// A worker of the browser page's evaluation pool (pool.ts, docs/browser.md): it drains the shared
// queue of packed genomes with the Node pool's own worker code (src/pool/worker.ts), on an engine
// compiled from the engine.wasm it fetched, so each genome's evaluation is the one Node makes.

import { provideEngineModule } from '../engine/engine.ts';
import type { QueueReply, QueueRequest } from '../pool/messages.ts';
import { evaluateQueueWith } from '../pool/worker.ts';
import { compileEngine } from './wasm.ts';

export type PoolReply = { ok: true; reply: QueueReply } | { ok: false; error: string };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<QueueRequest>) => void) | null;
  postMessage(message: PoolReply): void;
};

provideEngineModule(compileEngine());

scope.onmessage = (event) => {
  evaluateQueueWith(event.data).then(
    (reply) => scope.postMessage({ ok: true, reply }),
    (error: unknown) => scope.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
};
