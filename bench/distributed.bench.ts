// The distributed evaluation benchmark (npm run bench:distributed, docs/scale-out.md): what a job
// through Redis costs against the local pool, and whether Redis workers scale as pool workers do.
//
//   contestants  the same GENOMES genomes (Adam and SGD alternating, each its own id) on linreg-8
//                with STEPS steps, evaluated by: a local EvaluationPool of 1 and of 2 workers; and
//                `l2l worker` processes (1 thread each) through a Redis of their own, 1 and 2 of
//                them (two redis-server processes on free loopback ports, so that the one-worker
//                queue is never served by the second worker).
//   rounds       ROUNDS rounds after WARMUP_ROUNDS warm-up rounds; in each round every contestant
//                runs once, one after the other, so that all see the same machine load (this VM
//                has neighbours). Rates from each contestant's median round; each speedup is the
//                median over rounds of the round's ratio.
//   overhead     per genome: (1 Redis worker's round - the 1-worker pool's round) / GENOMES, median
//                over rounds: what sending a genome through Redis and back adds to its evaluation's
//                time (the jobs carry several genomes each: src/distributed/jobs.ts, chunkSizes).
//   CPU          (Linux) the CPU time per genome of what is not evaluation, from /proc: in the pool
//                rounds, the run's main thread; in the 2-worker Redis rounds, the run's main thread,
//                the redis-server and the worker processes' main threads. Once both cores evaluate,
//                this time is taken from evaluation, which is why it bounds the Redis speedup here.
//
// Target (issue 15): two Redis workers give at least the speedup two pool workers give in the same
// run. Writes bench/results/distributed.json. Not part of npm test, never a CI gate.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { RedisEvaluator } from '../src/distributed/client.ts';
import { chunkSizes } from '../src/distributed/jobs.ts';
import type { Genome } from '../src/genome/types.ts';
import { EvaluationPool, type Candidate } from '../src/pool/pool.ts';
import { seedByName } from '../src/seeds/index.ts';
import { makePlan, type EvaluationPlan } from '../src/tasks/evaluate.ts';
import type { GenomeEvaluation } from '../src/tasks/metrics.ts';
import { RedisServer, startWorker, type WorkerProcess } from '../test/system/redis.ts';
import { machineInfo } from './machine.ts';

const DATA_SEED = 20240601;
const GENOMES = 48;
const STEPS = 8000;
const ROUNDS = 7;
const WARMUP_ROUNDS = 2;

const root = new URL('../', import.meta.url);

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/** Clock ticks per second of /proc's times (getconf CLK_TCK; 100 on Linux). */
const CLK_TCK = 100;

/** CPU time (ms) of a process's threads, from /proc: its main thread, and the others. Undefined without /proc. */
function cpuMs(pid: number | undefined): { main: number; others: number } | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/task`)) return undefined;
  const out = { main: 0, others: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // a thread that ended
    }
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
    if (tid === String(pid)) out.main += ms;
    else out.others += ms;
  }
  return out;
}

function candidates(): Candidate[] {
  const genomes: Genome[] = [seedByName('adam').build(), seedByName('sgd').build()];
  return Array.from({ length: GENOMES }, (_, id) => ({ id, genome: genomes[id % 2] as Genome }));
}

type Contestant = { name: string; run: (all: Candidate[], plan: EvaluationPlan) => Promise<GenomeEvaluation[]> };

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = os.loadavg();
  const servers = [await RedisServer.start(), await RedisServer.start()];
  const [oneServer, twoServer] = servers as [RedisServer, RedisServer];
  const workers: WorkerProcess[] = [await startWorker(oneServer.url, [], false), await startWorker(twoServer.url, [], false), await startWorker(twoServer.url, [], false)];
  const pools = [new EvaluationPool({ workers: 1 }), new EvaluationPool({ workers: 2 })];
  const redis = [
    new RedisEvaluator({ url: new URL(oneServer.url), run: 'bench-one', timeLimitMs: 60_000 }),
    new RedisEvaluator({ url: new URL(twoServer.url), run: 'bench-two', timeLimitMs: 60_000 }),
  ];
  try {
    await Promise.all(redis.map((r) => r.open()));
    const contestants: Contestant[] = [
      { name: 'pool, 1 worker', run: (all, plan) => (pools[0] as EvaluationPool).evaluate(all, plan) },
      { name: 'pool, 2 workers', run: (all, plan) => (pools[1] as EvaluationPool).evaluate(all, plan) },
      { name: 'Redis, 1 worker process', run: (all, plan) => (redis[0] as RedisEvaluator).evaluate(all, plan) },
      { name: 'Redis, 2 worker processes', run: (all, plan) => (redis[1] as RedisEvaluator).evaluate(all, plan) },
    ];
    const all = candidates();
    const plan = makePlan(DATA_SEED, 0, [{ task: 'linreg-8', steps: STEPS }]);
    let reference: string | undefined;
    for (let round = 0; round < WARMUP_ROUNDS; round++) {
      for (const c of contestants) {
        const results = await c.run(all, { ...plan, generation: 1000 + round });
        const bad = results.find((r) => r.status !== 'ok');
        if (bad !== undefined && bad.status === 'invalid') throw new Error(`${c.name}: genome ${bad.genomeId}: ${bad.reason}`);
        // Every contestant must compute the same thing, or the comparison means nothing.
        const text = JSON.stringify(results.map((r) => (r.status === 'ok' ? { ...r.metrics, wallTimeMs: 0 } : null)));
        if (round === 0) {
          reference ??= text;
          if (text !== reference) throw new Error(`${c.name} gave other results than ${contestants[0]?.name}`);
        }
      }
    }
    const rounds: number[][] = contestants.map(() => []);
    // CPU time (ms) outside evaluation, summed over the rounds: [pool with 2 workers, Redis with 2].
    const machinery = (): number | undefined => {
      const server = cpuMs(twoServer.pid);
      const parts = [cpuMs(process.pid)?.main, server === undefined ? undefined : server.main + server.others, ...workers.slice(1).map((w) => cpuMs(w.child.pid)?.main)];
      return parts.some((p) => p === undefined) ? undefined : parts.reduce<number>((sum, p) => sum + (p as number), 0);
    };
    const cpu = { pool: 0, poolEvaluation: 0, redis: 0, redisEvaluation: 0, known: machinery() !== undefined };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, c] of contestants.entries()) {
        const before = i === 1 ? cpuMs(process.pid)?.main : i === 3 ? machinery() : undefined;
        const evaluationBefore = i === 1 ? (cpuMs(process.pid)?.others ?? 0) : i === 3 ? workers.slice(1).reduce((sum, w) => sum + (cpuMs(w.child.pid)?.others ?? 0), 0) : 0;
        const t = performance.now();
        await c.run(all, { ...plan, generation: round + 1 });
        rounds[i]?.push(performance.now() - t);
        if (i === 1 && before !== undefined) {
          cpu.pool += (cpuMs(process.pid)?.main ?? 0) - before;
          cpu.poolEvaluation += (cpuMs(process.pid)?.others ?? 0) - evaluationBefore;
        }
        if (i === 3 && before !== undefined) {
          cpu.redis += (machinery() ?? 0) - before;
          cpu.redisEvaluation += workers.slice(1).reduce((sum, w) => sum + (cpuMs(w.child.pid)?.others ?? 0), 0) - evaluationBefore;
        }
      }
    }
    const [p1, p2, r1, r2] = rounds as [number[], number[], number[], number[]];
    const ratio = (a: number[], b: number[]): number => median(a.map((t, i) => t / (b[i] as number)));
    const results = {
      date: new Date().toISOString(),
      machine: machineInfo(loadBefore),
      workload: { genomes: GENOMES, task: 'linreg-8', steps: STEPS, rounds: ROUNDS, warmupRounds: WARMUP_ROUNDS },
      /** Median over rounds of (1 Redis worker's round - the 1-worker pool's round) / genomes, in ms. */
      overheadPerGenomeMs: median(r1.map((t, i) => (t - (p1[i] as number)) / GENOMES)),
      /** Jobs per round with two worker threads serving, and genomes in each. */
      jobsPerRound: chunkSizes(GENOMES, 2),
      /**
       * CPU time outside evaluation per genome (ms, from /proc; null elsewhere): the pool's main thread
       * (2 workers); and with 2 Redis workers, the run's main thread, redis-server and the workers'
       * main threads; and for scale, the other threads of the pool's process and of the Redis workers
       * (evaluation, and V8's helpers).
       */
      cpuPerGenomeMs: cpu.known ? {
        pool: cpu.pool / (ROUNDS * GENOMES), redis: cpu.redis / (ROUNDS * GENOMES),
        poolEvaluation: cpu.poolEvaluation / (ROUNDS * GENOMES), redisWorkersEvaluation: cpu.redisEvaluation / (ROUNDS * GENOMES),
      } : null,
      /** The median time per genome of the 1-worker pool, in ms: what the overhead adds to. */
      poolMsPerGenome: median(p1) / GENOMES,
      poolSpeedup: ratio(p1, p2),
      redisSpeedup: ratio(r1, r2),
      /** redisSpeedup / poolSpeedup: the target is at least 1. */
      speedupRatio: ratio(r1, r2) / ratio(p1, p2),
      rates: Object.fromEntries(contestants.map((c, i) => [c.name, { evaluationsPerSecond: (GENOMES * 1000) / median(rounds[i] as number[]), roundsMs: rounds[i] }])),
      seconds: 0,
    };
    results.seconds = (performance.now() - started) / 1000;
    console.table(contestants.map((c, i) => ({ contestant: c.name, 'evaluations / s': ((GENOMES * 1000) / median(rounds[i] as number[])).toFixed(0), 'median round (ms)': median(rounds[i] as number[]).toFixed(0) })));
    console.table([
      { measure: 'overhead per genome through Redis (ms)', value: results.overheadPerGenomeMs.toFixed(2), note: `on ${results.poolMsPerGenome.toFixed(2)} ms per genome in the pool; ${results.jobsPerRound.length} jobs per round` },
      ...(results.cpuPerGenomeMs === null ? [] : [
        { measure: 'CPU outside evaluation per genome, pool (ms)', value: results.cpuPerGenomeMs.pool.toFixed(2), note: `the run's main thread; evaluation ${results.cpuPerGenomeMs.poolEvaluation.toFixed(2)} ms` },
        { measure: 'CPU outside evaluation per genome, Redis (ms)', value: results.cpuPerGenomeMs.redis.toFixed(2), note: `run, redis-server, workers' main threads; evaluation ${results.cpuPerGenomeMs.redisWorkersEvaluation.toFixed(2)} ms` },
      ]),
      { measure: 'pool: 2 workers / 1 worker', value: results.poolSpeedup.toFixed(2), note: '' },
      { measure: 'Redis: 2 worker processes / 1', value: results.redisSpeedup.toFixed(2), note: `target: >= the pool's (ratio ${results.speedupRatio.toFixed(2)}, target >= 1)` },
    ]);
    mkdirSync(new URL('bench/results/', root), { recursive: true });
    const out = new URL('bench/results/distributed.json', root);
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(`\nwrote ${fileURLToPath(out)} (${results.seconds.toFixed(0)} s)`);
  } finally {
    await Promise.all(redis.map((r) => r.close()));
    await Promise.all(pools.map((p) => p.destroy()));
    await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    await Promise.all(servers.map((s) => s.stop()));
  }
}

await main();
