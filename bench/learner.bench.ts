// The learner benchmark (npm run bench:learner; issue 12, docs/learner.md):
//
// 1. Throughput: episodes per second in this thread (one core) on the T-maze (200 trials) and the
//    reversal bandit (200 trials), for seed learners run as genomes through runLearner (fixed
//    episode seeds; tinybench), each as a ratio against the same episode driven by the plain
//    hand-written delta-rule agent in the same process (the engine's cost over arithmetic).
// 2. Search: per run seed (LEARNER_SEEDS, at least 10), `l2l evolve --role learner`'s code path with
//    a smaller population and fewer generations (LEARNER_POPULATION, LEARNER_GENERATIONS), once with
//    breeding `evolution` and once with breeding `random` (every child a learner seed mutated 1-4
//    times: the same budget of evaluations, plans, elites and scoring). Judged on the report plan,
//    the held-out families (the cognitive-map tasks and delayed match / non-match to sample), each
//    task 8 episodes: the held-out hypervolume of the final front (objectives normalised by the
//    learner seeds' bounds there), and the mean held-out shortfall (0: the oracle, 1: chance) of
//    the front's best learner against the best learner seed's on the same episodes. Wilcoxon
//    signed-rank tests (src/util/wilcoxon.ts, one-sided) over the run seeds: evolution's
//    hypervolume greater than random mutation's, and the best evolved learner's shortfall less than
//    the best seed's.
//
// Writes bench/results/learner.json. Not part of npm test.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { Engine } from '../src/engine/engine.ts';
import { resolveConfig } from '../src/evolve/config.ts';
import { evolve, type EvolveResult } from '../src/evolve/evolve.ts';
import { deltaAgent, runAgent } from '../src/learner/agents.ts';
import { ReversalBandit } from '../src/learner/bandit.ts';
import type { LearnerEnv } from '../src/learner/env.ts';
import { learnerSeedByName } from '../src/learner/index.ts';
import { runLearner } from '../src/learner/run.ts';
import { SwitchingTMaze } from '../src/learner/tmaze.ts';
import { wilcoxonSignedRank } from '../src/util/wilcoxon.ts';

const list = (name: string, fallback: number[]): number[] => (process.env[name] === undefined ? fallback : (process.env[name] as string).split(',').map(Number));
const RUN_SEEDS = list('LEARNER_SEEDS', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
const POPULATION = Number(process.env.LEARNER_POPULATION ?? 48);
const GENERATIONS = Number(process.env.LEARNER_GENERATIONS ?? 25);
/** Seed learners timed: a spiking learner (R-STDP, 6 ticks per step), a rate learner (neuromodulated Hebbian) and the delta rule. */
const TIMED = (process.env.LEARNER_TIMED ?? 'rstdp,neuromodulated,delta').split(',').filter((n) => n !== '');
/** Configuration merged over the learner defaults (JSON), for trying search settings: LEARNER_CONFIG='{"curriculum":{...}}'. */
const OVERRIDES = JSON.parse(process.env.LEARNER_CONFIG ?? '{}') as Record<string, unknown>;
/** Where the results go (default bench/results/learner.json). */
const OUT = process.env.LEARNER_OUT ?? 'bench/results/learner.json';
const root = new URL('../', import.meta.url);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

// 1. Throughput.
const engine = await Engine.create();
const ENVS: Record<string, (seed: number) => LearnerEnv> = { tmaze: (s) => new SwitchingTMaze(s), bandit: (s) => new ReversalBandit(s) };
const throughput: Record<string, Record<string, { episodesPerSecond: number; referenceEpisodesPerSecond: number; ratio: number }>> = {};
for (const [task, make] of Object.entries(ENVS)) {
  throughput[task] = {};
  for (const name of TIMED) {
    let genome;
    try {
      genome = learnerSeedByName(name).build();
    } catch {
      continue;
    }
    let k = 0;
    const bench = new Bench({ time: 1500, warmupTime: 300 });
    bench.add('genome', () => {
      runLearner(engine, genome, make(1000 + (k++ % 16)));
    });
    let j = 0;
    bench.add('reference', () => {
      const env = make(1000 + (j++ % 16));
      runAgent(env, deltaAgent(env.actions, 0.05, 0, j));
    });
    await bench.run();
    const hz = (i: number): number => bench.tasks[i]?.result?.state === 'completed' ? (bench.tasks[i]?.result as { throughput: { mean: number } }).throughput.mean : Number.NaN;
    const [genomeHz, referenceHz] = [hz(0), hz(1)];
    (throughput[task] as Record<string, unknown>)[name] = { episodesPerSecond: genomeHz, referenceEpisodesPerSecond: referenceHz, ratio: genomeHz / referenceHz };
    console.log(`${task} ${name}: ${genomeHz.toFixed(0)} episodes/s on one core (the hand-written delta agent: ${referenceHz.toFixed(0)}/s; ratio ${(genomeHz / referenceHz).toFixed(3)})`);
  }
}

// 2. Search.
interface MethodRun {
  hypervolume: number;
  seedsHypervolume: number;
  /** The front member with the lowest mean held-out shortfall (valid on every held-out task), and it. */
  best: { id: number; origin: string; shortfall: number; tasks: Record<string, number>; structurallyNew: boolean } | null;
  /** The learner seed with the lowest mean held-out shortfall on the same episodes. */
  bestSeed: { name: string; shortfall: number; tasks: Record<string, number> } | null;
  evaluations: number;
  front: number;
}

async function run(seed: number, breeding: 'evolution' | 'random'): Promise<MethodRun> {
  const config = resolveConfig({ ...OVERRIDES, population: POPULATION, generations: GENERATIONS, breeding, report: { every: GENERATIONS } }, { seed, role: 'learner' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'l2l-learner-bench-'));
  let evaluations = 0;
  let result: EvolveResult;
  try {
    result = await evolve({ config }, { out: path.join(dir, 'run'), onGeneration: (report) => { evaluations += report.evaluations; } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const final = result.final;
  if (final === null || final.table === null || final.baseline === null || final.reportHypervolume === null) throw new Error('the run made no report');
  const tasks = final.table.tasks.map((t) => t.task);
  const meanOver = (r: Record<string, number>): number | null => (tasks.every((t) => r[t] !== undefined) ? mean(tasks.map((t) => r[t] as number)) : null);
  let best: MethodRun['best'] = null;
  for (const m of final.table.members) {
    const s = meanOver(m.tasks);
    if (s !== null && (best === null || s < best.shortfall)) best = { id: m.id, origin: m.origin, shortfall: s, tasks: m.tasks, structurallyNew: m.structurallyNew };
  }
  let bestSeed: MethodRun['bestSeed'] = null;
  for (const b of final.baseline) {
    const s = meanOver(b.tasks);
    if (s !== null && (bestSeed === null || s < bestSeed.shortfall)) bestSeed = { name: b.name, shortfall: s, tasks: b.tasks };
  }
  return {
    hypervolume: final.reportHypervolume.last.hypervolume, seedsHypervolume: final.reportHypervolume.seeds ?? Number.NaN,
    best, bestSeed, evaluations, front: final.members.length,
  };
}

const started = performance.now();
const rows: { seed: number; evolution: MethodRun; random: MethodRun }[] = [];
for (const seed of RUN_SEEDS) {
  const evolution = await run(seed, 'evolution');
  const random = await run(seed, 'random');
  rows.push({ seed, evolution, random });
  const f = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(4));
  console.log(`seed ${seed}: held-out hypervolume evolution ${f(evolution.hypervolume)}, random ${f(random.hypervolume)}, seeds ${f(evolution.seedsHypervolume)}; ` +
    `mean held-out shortfall of the best: evolved ${f(evolution.best?.shortfall)}, random ${f(random.best?.shortfall)}, best seed ${f(evolution.bestSeed?.shortfall)} (${evolution.bestSeed?.name ?? '-'})`);
}

const evo = rows.map((r) => r.evolution.hypervolume);
const rnd = rows.map((r) => r.random.hypervolume);
const paired = rows.filter((r) => r.evolution.best !== null && r.evolution.bestSeed !== null);
const evolved = paired.map((r) => r.evolution.best?.shortfall as number);
const seedBest = paired.map((r) => r.evolution.bestSeed?.shortfall as number);
const vsRandom = wilcoxonSignedRank(evo, rnd, { alternative: 'greater' });
const vsSeed = wilcoxonSignedRank(evolved, seedBest, { alternative: 'less' });
const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.availableParallelism(),
  throughput,
  config: { population: POPULATION, generations: GENERATIONS, runSeeds: RUN_SEEDS, overrides: OVERRIDES, report: 'held-out tasks of the learner defaults, 8 episodes each' },
  seconds: (performance.now() - started) / 1000,
  mean: {
    hypervolume: { evolution: mean(evo), random: mean(rnd), seeds: mean(rows.map((r) => r.evolution.seedsHypervolume)) },
    shortfall: { evolved: mean(evolved), bestSeed: mean(seedBest), random: mean(rows.flatMap((r) => (r.random.best === null ? [] : [r.random.best.shortfall]))) },
  },
  wilcoxon: {
    evolutionVsRandomHypervolume: { ...vsRandom, alternative: 'greater' },
    evolvedVsBestSeedShortfall: { ...vsSeed, alternative: 'less' },
  },
  rows,
};
console.log(`mean held-out hypervolume: evolution ${results.mean.hypervolume.evolution.toFixed(4)}, random mutation ${results.mean.hypervolume.random.toFixed(4)}, learner seeds ${results.mean.hypervolume.seeds.toFixed(4)}`);
console.log(`mean held-out shortfall: best evolved ${results.mean.shortfall.evolved.toFixed(4)}, best seed ${results.mean.shortfall.bestSeed.toFixed(4)}`);
console.log(`Wilcoxon signed-rank, one-sided: evolution vs random (hypervolume greater) p = ${vsRandom.pValue.toPrecision(3)}; best evolved vs best seed (shortfall less) p = ${vsSeed.pValue.toPrecision(3)} (n = ${paired.length})`);
const out = path.resolve(fileURLToPath(root), OUT);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
