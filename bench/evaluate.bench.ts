// The evaluation benchmark (npm run bench:evaluate): how many genome evaluations one core runs per
// second, and how the worker pool scales.
//
//   per core  one evaluation = train one task instance with an optimizer genome and score it
//             (src/tasks/evaluate.ts evaluateTask), in this thread: linreg-8 with 100 steps and
//             regression with 25 steps, for the Adam and SGD seeds. Fixed data and episode seeds.
//   pool      EvaluationPool.evaluate() of POOL_GENOMES genomes (Adam and SGD alternating, each
//             its own id) on linreg-8 (100 steps), with 1 and 2 workers: evaluations per second
//             (the median of POOL_ROUNDS interleaved rounds after POOL_WARMUP_ROUNDS warm-up rounds) and the speedup.
//
// Targets (issue 4): 2,000 evaluations per second per core on linreg-8 with 100 steps (AutoML-Zero,
// Real et al. 2020, reports 2,000 to 10,000 per core on comparable proxy tasks in C++); 2 workers
// at least 1.8 times one. Writes bench/results/evaluate.json. Not part of npm test, never a CI gate.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Bench, type Task } from 'tinybench';
import { Engine } from '../src/engine/engine.ts';
import type { Genome } from '../src/genome/types.ts';
import { EvaluationPool, type Candidate } from '../src/pool/pool.ts';
import { seedByName } from '../src/seeds/index.ts';
import { evaluateTask, makePlan } from '../src/tasks/evaluate.ts';
import { buildTask, parseTaskRef } from '../src/tasks/registry.ts';

const DATA_SEED = 20240601;
const EPISODE_SEED = 7;
const POOL_GENOMES = 256;
const POOL_ROUNDS = 9;
const POOL_WARMUP_ROUNDS = 8;
const TARGETS = { linreg8EvaluationsPerSecondPerCore: 2000, twoWorkerSpeedup: 1.8 };
const CASES = [
  { task: 'linreg-8', steps: 100, genome: 'adam' },
  { task: 'linreg-8', steps: 100, genome: 'sgd' },
  { task: 'regression', steps: 25, genome: 'adam' },
  { task: 'regression', steps: 25, genome: 'sgd' },
] as const;

const root = new URL('../', import.meta.url);

function meanMs(task: Task | undefined): number {
  const r = task?.result;
  if (r === undefined || r.state === 'errored' || !('latency' in r)) throw new Error(`no result for ${task?.name}`);
  return r.latency.mean;
}

async function perCore(): Promise<Record<string, number>> {
  const engine = await Engine.create();
  const bench = new Bench({ name: 'one evaluation, this thread', time: 2000, warmupTime: 300 });
  for (const c of CASES) {
    const ref = parseTaskRef(c.task);
    const instance = buildTask(ref, DATA_SEED);
    const settings = { steps: c.steps, batchSize: ref.definition.defaults.batchSize };
    const genome = seedByName(c.genome).build();
    const check = evaluateTask(engine, genome, instance, settings, EPISODE_SEED);
    if (check.status !== 'ok') throw new Error(`${c.genome} on ${c.task}: ${check.reason}`);
    bench.add(`${c.task} (${c.steps} steps), ${c.genome}`, () => {
      evaluateTask(engine, genome, instance, settings, EPISODE_SEED);
    });
  }
  await bench.run();
  console.log(`\n${bench.name}`);
  console.table(bench.table());
  return Object.fromEntries(bench.tasks.map((t) => [t.name, 1000 / meanMs(t)]));
}

function candidates(): Candidate[] {
  const genomes: Genome[] = [seedByName('adam').build(), seedByName('sgd').build()];
  return Array.from({ length: POOL_GENOMES }, (_, id) => ({ id, genome: genomes[id % 2] as Genome }));
}

interface PoolRate { evaluationsPerSecond: number; roundsMs: number[] }

/**
 * Pools of 1 and 2 workers, their rounds interleaved (1, 2, 1, 2, ...) so that both see the same
 * machine load; each rate from its median round.
 */
async function poolRates(): Promise<{ one: PoolRate; two: PoolRate }> {
  const pools = [new EvaluationPool({ workers: 1 }), new EvaluationPool({ workers: 2 })];
  const plan = makePlan(DATA_SEED, 0, [{ task: 'linreg-8', steps: 100 }]);
  const all = candidates();
  try {
    // Warm-up: threads started, engines and chains compiled, and enough evaluations for V8 to
    // optimise the workers' code (one round is not: the workers then run 2-3x slower).
    for (let round = 0; round < POOL_WARMUP_ROUNDS; round++) {
      for (const pool of pools) await pool.evaluate(all, { ...plan, generation: 1000 + round });
    }
    const rounds: number[][] = [[], []];
    for (let round = 0; round < POOL_ROUNDS; round++) {
      for (const [i, pool] of pools.entries()) {
        const started = performance.now();
        const results = await pool.evaluate(all, { ...plan, generation: round + 1 });
        rounds[i]?.push(performance.now() - started);
        const bad = results.find((r) => r.status !== 'ok');
        if (bad !== undefined && bad.status === 'invalid') throw new Error(`genome ${bad.genomeId}: ${bad.reason}`);
      }
    }
    const rate = (roundsMs: number[]): PoolRate => {
      const median = [...roundsMs].sort((a, b) => a - b)[Math.floor(roundsMs.length / 2)] as number;
      return { evaluationsPerSecond: (POOL_GENOMES * 1000) / median, roundsMs };
    };
    return { one: rate(rounds[0] as number[]), two: rate(rounds[1] as number[]) };
  } finally {
    await Promise.all(pools.map((p) => p.destroy()));
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const rates = await perCore();
  const { one, two } = await poolRates();
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, availableParallelism: os.availableParallelism(),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`, node: process.version,
      loadAverage: { before: loadBefore[0], after: os.loadavg()[0] },
    },
    /** Adam's rate on linreg-8 with 100 steps, one thread: the slower of the two seeds. */
    linreg8EvaluationsPerSecondPerCore: rates['linreg-8 (100 steps), adam'] as number,
    twoWorkerSpeedup: two.evaluationsPerSecond / one.evaluationsPerSecond,
    evaluationsPerSecondPerCore: rates,
    pool: { genomes: POOL_GENOMES, task: 'linreg-8', steps: 100, oneWorker: one, twoWorkers: two },
    targets: TARGETS,
    seconds: (performance.now() - started) / 1000,
  };
  console.log('\nTargets');
  console.table([
    { measure: 'linreg-8 evaluations / s / core', value: results.linreg8EvaluationsPerSecondPerCore.toFixed(0), target: `>= ${TARGETS.linreg8EvaluationsPerSecondPerCore}` },
    { measure: 'pool: 2 workers / 1 worker', value: results.twoWorkerSpeedup.toFixed(2), target: `>= ${TARGETS.twoWorkerSpeedup}` },
  ]);
  console.log(`pool: 1 worker ${one.evaluationsPerSecond.toFixed(0)} evaluations/s, 2 workers ${two.evaluationsPerSecond.toFixed(0)} evaluations/s`);
  mkdirSync(new URL('bench/results/', root), { recursive: true });
  const out = new URL('bench/results/evaluate.json', root);
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${fileURLToPath(out)} (${results.seconds.toFixed(0)} s)`);
}

await main();
