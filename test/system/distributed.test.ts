// Distributed evaluation through a real Redis (src/distributed/, docs/scale-out.md): runs on
// `l2l worker` processes give the local run's metrics and fronts, with a worker killed while it
// holds a job, with two runs sharing one Redis, and after Redis dies under a run and the run is
// resumed; a generation travels in jobs of several genomes, sized by the workers' threads; bad and
// unreachable --redis URLs are refused with messages that name the flag.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { RedisEvaluator } from '../../src/distributed/client.ts';
import { chunkSizes } from '../../src/distributed/jobs.ts';
import { Engine } from '../../src/engine/engine.ts';
import { resolveConfig } from '../../src/evolve/config.ts';
import { evolve, inThreadEvaluator } from '../../src/evolve/evolve.ts';
import { readMetrics } from '../../src/evolve/rundir.ts';
import type { Evaluator } from '../../src/evolve/state.ts';
import type { Genome } from '../../src/genome/types.ts';
import { seedByName } from '../../src/seeds/index.ts';
import { InstanceCache, makePlan } from '../../src/tasks/evaluate.ts';
import { freePort, L2L, RedisServer, startWorker, waitFor, type WorkerProcess } from './redis.ts';

/** A result without its wall-clock times, the one thing that differs between evaluators. */
const timeless = (result: unknown): string => JSON.stringify(result, (key, value: unknown) => (key === 'wallTimeMs' ? 0 : value));

/** Cheap: a run takes a second or two on one thread. */
const CHEAP = {
  population: 12, generations: 3,
  curriculum: { tasks: [{ task: 'quadratic' }, { task: 'rosenbrock' }], tasksPerGeneration: 2, steps: { min: 20, max: 20 }, heldOut: ['iris:logistic'] },
  species: { targetSpecies: 3 }, lineageGenerations: 0, frontElites: 0.1, report: { every: 1 },
};
/** Jobs long enough (a tenth of a second or more) that a worker killed after it starts one still holds it. */
const SLOW = {
  ...CHEAP, population: 8, generations: 2,
  curriculum: { tasks: [{ task: 'linreg-8' }, { task: 'glyphs' }], tasksPerGeneration: 2, steps: { min: 1000, max: 1000 }, heldOut: ['iris:logistic'] },
};

let redis: RedisServer;
let engine: Engine;
const workers: WorkerProcess[] = [];
const cache = new InstanceCache();
const inThread: Evaluator = (candidates, plan) => inThreadEvaluator(engine, cache)(candidates, plan);
const dir = (): string => mkdtempSync(join(tmpdir(), 'l2l-dist-'));

/** What a run directory holds that does not depend on timing: metrics lines without their rate, and the fronts. */
function results(out: string): { metrics: unknown[]; fronts: string[] } {
  return {
    metrics: readMetrics(out).map(({ evaluationsPerSecond: _, ...rest }) => rest),
    fronts: readdirSync(join(out, 'fronts')).sort().map((f) => readFileSync(join(out, 'fronts', f), 'utf8')),
  };
}

async function localRun(settings: object, seed: number): Promise<string> {
  const out = dir();
  await evolve({ config: resolveConfig(settings, { seed, workers: 1 }) }, { out, evaluator: inThread });
  return out;
}

function configFile(settings: object): string {
  const file = join(dir(), 'config.json');
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

/** `l2l evolve ... --redis URL` as a process: its exit code and stderr. */
function evolveProcess(args: string[]): { done: Promise<{ code: number | null; stderr: string }>; child: ReturnType<typeof spawn> } {
  const child = spawn(process.execPath, [L2L, 'evolve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.resume();
  return { child, done: new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr }))) };
}

/** The ids of the jobs a worker's log says it started. */
const jobsOf = (log: string): string[] => [...log.matchAll(/job (\S+) of (\S+)/g)].map((m) => `${m[2]}/${m[1]}`);

describe('distributed evaluation', () => {
  beforeAll(async () => {
    redis = await RedisServer.start();
    engine = await Engine.create();
    workers.push(await startWorker(redis.url), await startWorker(redis.url));
  }, 30_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await redis?.stop();
  });

  it('gives the local run with two workers, one killed while it holds a job', async () => {
    const local = await localRun(SLOW, 7);
    const out = join(dir(), 'run');
    const [a, b] = workers as [WorkerProcess, WorkerProcess];
    const run = evolveProcess(['--config', configFile(SLOW), '--seed', '7', '--out', out, '--redis', redis.url]);
    // A's third job: it is in the middle of it when SIGKILL lands.
    await waitFor(a.child, 'stderr', /(job .*\n[^]*){3}/, 30_000);
    await a.kill();
    const killedJob = jobsOf(a.log()).at(-1) as string;
    const { code, stderr } = await run.done;
    expect(code, stderr).toBe(0);
    // BullMQ's stalled-job check gave the dead worker's job to the other one.
    expect(jobsOf(b.log())).toContain(killedJob);
    expect(results(out)).toEqual(results(local));
    workers[0] = await startWorker(redis.url);
  }, 90_000);

  it('runs two runs on one Redis, each as its local run', async () => {
    const [local5, local6] = [await localRun(CHEAP, 5), await localRun(CHEAP, 6)];
    const runs = [5, 6].map((seed) => {
      const out = join(dir(), `run-${seed}`);
      const evaluator = new RedisEvaluator({ url: new URL(redis.url), run: out, timeLimitMs: 60_000 });
      return { out, evaluator, seed };
    });
    expect(runs[0]?.evaluator.queueName).not.toBe(runs[1]?.evaluator.queueName);
    await Promise.all(runs.map(async ({ out, evaluator, seed }) => {
      await evaluator.open();
      try {
        await evolve({ config: resolveConfig(CHEAP, { seed, workers: 1 }) }, { out, evaluator: evaluator.evaluate });
      } finally {
        await evaluator.close();
      }
    }));
    expect(results(runs[0]?.out as string)).toEqual(results(local5));
    expect(results(runs[1]?.out as string)).toEqual(results(local6));
    expect(results(local5)).not.toEqual(results(local6));
    // Both queues were served, and each was removed when its run ended.
    const served = workers.flatMap((w) => jobsOf(w.log()));
    for (const { evaluator } of runs) expect(served.some((j) => j.startsWith(`${evaluator.queueName}/`))).toBe(true);
  }, 90_000);

  it('sends a generation in jobs of several genomes, sized by the threads of the workers alive', async () => {
    const evaluator = new RedisEvaluator({ url: new URL(redis.url), run: join(dir(), 'batches'), timeLimitMs: 60_000 });
    const genomes = [seedByName('adam').build(), seedByName('sgd').build(), seedByName('lion').build()];
    const candidates = Array.from({ length: 12 }, (_, id) => ({ id, genome: genomes[id % 3] as Genome }));
    const plan = makePlan(11, 0, [{ task: 'quadratic', steps: 50 }]);
    await evaluator.open();
    try {
      const remote = await evaluator.evaluate(candidates, plan);
      const local = await inThread(candidates, plan);
      expect(remote.map(timeless)).toEqual(local.map(timeless));
    } finally {
      await evaluator.close();
    }
    // Two or three threads alive (a worker killed above stays counted until its heartbeat expires):
    // chunkSizes(12, 2) is 7 jobs, chunkSizes(12, 3) is 9.
    const jobs = workers.flatMap((w) => jobsOf(w.log())).filter((j) => j.startsWith(`${evaluator.queueName}/`));
    expect([chunkSizes(12, 2).length, chunkSizes(12, 3).length]).toContain(jobs.length);
  }, 30_000);

  it('stops resumable when Redis dies, and the resumed run is the local run', async () => {
    const local = await localRun(CHEAP, 8);
    const out = join(dir(), 'run');
    const config = configFile(CHEAP);
    const run = evolveProcess(['--config', config, '--seed', '8', '--out', out, '--redis', redis.url]);
    // Once generation 0 is checkpointed, Redis dies.
    for (let i = 0; i < 400 && !existsSync(join(out, 'fronts', 'gen-0000.json')); i++) await new Promise((r) => setTimeout(r, 25));
    await redis.stop();
    const { code, stderr } = await run.done;
    expect(code).toBe(1);
    expect(stderr).toContain(`lost the connection to Redis at ${redis.url} (--redis): the run stopped; its last checkpoint is whole; after Redis is back, continue with: l2l evolve --resume ${out} --redis ${redis.url}`);
    expect(readMetrics(out).length).toBeLessThan(3);
    await redis.up();
    // The workers reconnect by themselves and serve the resumed run's new queue.
    const resumed = evolveProcess(['--resume', out, '--redis', redis.url]);
    const end = await resumed.done;
    expect(end.code, end.stderr).toBe(0);
    expect(results(out)).toEqual(results(local));
  }, 90_000);

  it('refuses a --redis that is not a Redis URL, and says when Redis cannot be reached', async () => {
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (t: string) => { stderr += t; } };
    expect(await runCli(['worker', '--redis', 'http://127.0.0.1:6379'], io)).toBe(2);
    expect(stderr).toContain('--redis must be a redis:// or rediss:// URL (not http:) (got "http://127.0.0.1:6379")');
    stderr = '';
    expect(await runCli(['evolve', '--redis', 'not a url', '--out', join(dir(), 'x')], io)).toBe(2);
    expect(stderr).toContain('--redis must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (got "not a url")');
    stderr = '';
    expect(await runCli(['worker'], io)).toBe(2);
    expect(stderr).toContain('--redis is required');
    stderr = '';
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const out = join(dir(), 'y');
    expect(await runCli(['evolve', '--config', configFile(CHEAP), '--redis', nowhere, '--out', out], io)).toBe(1);
    expect(stderr).toContain(`l2l: cannot reach Redis at ${nowhere} (--redis)`);
  }, 30_000);
});
