// The machine's own two-thread scaling, the reference for the pool's speedup in
// bench/evaluate.bench.ts: a plain worker thread that evaluates a range of genome ids in a loop
// (the Adam seed for even ids, SGD for odd ones, as the pool benchmark's candidates), with no pool,
// no queue and no packing. Run in one thread and in two side by side, it shows how much of two
// cores this VM gives to two threads doing exactly the pool's work.

import { Engine } from '../src/engine/engine.ts';
import { seedByName } from '../src/seeds/index.ts';
import { evaluateGenome, InstanceCache, type EvaluationPlan } from '../src/tasks/evaluate.ts';

export interface LoopJob {
  plan: EvaluationPlan;
  firstId: number;
  count: number;
}

let engine: Promise<Engine> | undefined;
const cache = new InstanceCache();
const genomes = [seedByName('adam').build(), seedByName('sgd').build()];

/** Evaluates ids firstId .. firstId + count - 1; answers with how many were valid. */
export default async function evaluateRange(job: LoopJob): Promise<number> {
  engine ??= Engine.create();
  const e = await engine;
  let ok = 0;
  for (let id = job.firstId; id < job.firstId + job.count; id++) {
    if (evaluateGenome(e, genomes[id % 2] as (typeof genomes)[number], id, job.plan, { cache }).status === 'ok') ok++;
  }
  return ok;
}
