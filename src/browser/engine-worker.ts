// The browser page's engine worker (docs/browser.md): compiles wasm-build/engine.wasm, the same file
// Node loads, once, and answers each request with evaluate.ts. Evaluating in a worker keeps the page
// responsive while a genome trains; the engine itself is synchronous.

import { Engine } from '../engine/engine.ts';
import { evaluateRequest } from './evaluate.ts';
import type { WorkerAnswer, WorkerRequest } from './protocol.ts';
import { compileEngine } from './wasm.ts';

// The DOM library types `self` as a window; in a dedicated worker it is this much.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerAnswer): void;
};

let engine: Promise<Engine> | undefined;

async function loadEngine(): Promise<Engine> {
  return Engine.create(await compileEngine());
}

scope.onmessage = (event) => {
  const { id, request } = event.data;
  void (async () => {
    try {
      engine ??= loadEngine();
      const ready = await engine;
      const started = performance.now();
      const answer = evaluateRequest(ready, request);
      scope.postMessage({ id, ok: true, answer, wallMs: performance.now() - started });
    } catch (error) {
      scope.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  })();
};
