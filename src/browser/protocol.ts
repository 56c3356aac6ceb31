// The messages between the browser page (main.ts) and its engine worker (engine-worker.ts): a
// request carries an id so that answers can be matched when several are in flight.

import type { EvalAnswer, EvalRequest } from './evaluate.ts';

export interface WorkerRequest {
  id: number;
  request: EvalRequest;
}

export type WorkerAnswer =
  | { id: number; ok: true; answer: EvalAnswer; wallMs: number }
  | { id: number; ok: false; error: string };
