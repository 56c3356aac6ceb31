// The search benchmark (npm run bench:search): does evolution find better update rules than
// random mutation of the seeds, and than the seeds at their best step sizes, on task families it
// never trained on? Per run seed (SEARCH_SEEDS, at least 10), the same configuration code path as
// `l2l evolve` (src/evolve/config.ts defaults, with a smaller population and fewer generations so
// that 2 x 10 runs fit on a 2-core machine; SEARCH_POPULATION and SEARCH_GENERATIONS override):
//
//   evolution  breeding `evolution`: tournament parents, crossover and mutation
//   random     breeding `random`: every child a seed drawn at random after 1-4 mutations, with the
//              same calibration, plans, hurdles, cache, elites and step-size scoring: an equal
//              budget of evaluations (the task steps each trained are counted and reported)
//   seeds      the 26 seeds at their best step sizes, no evolution (the run's first report)
//
// Each method is judged on the report plan: the held-out tasks (Iris, glyphs, sequence families),
// every genome at its best step size on their training data. Measured: the held-out hypervolume of
// the final front (objectives normalised by the seeds' bounds on that plan), and per held-out task
// whether the front's best learner beats the best tuned seed at no more state bytes. The Wilcoxon
// signed-rank test (src/util/wilcoxon.ts, one-sided: evolution greater) over the run seeds compares
// evolution with each baseline. Writes bench/results/search.json. Not part of npm test.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/evolve/config.ts';
import { evolve, type EvolveResult } from '../src/evolve/evolve.ts';
import { formula } from '../src/genome/formula.ts';
import { exportGenome } from '../src/genome/export.ts';
import { stateBytesPerParameter } from '../src/genome/state.ts';
import { seedByName } from '../src/seeds/index.ts';
import { wilcoxonSignedRank } from '../src/util/wilcoxon.ts';

const list = (name: string, fallback: number[]): number[] => (process.env[name] === undefined ? fallback : (process.env[name] as string).split(',').map(Number));
const RUN_SEEDS = list('SEARCH_SEEDS', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
const POPULATION = Number(process.env.SEARCH_POPULATION ?? 52);
const GENERATIONS = Number(process.env.SEARCH_GENERATIONS ?? 30);
const ADAM_BYTES = stateBytesPerParameter(seedByName('adam').build());
const root = new URL('../', import.meta.url);

interface MethodRun {
  hypervolume: number;
  seeds: number;
  updates: number;
  saved: number;
  cacheHits: number;
  cacheLookups: number;
  tasksWon: number;
  lineages: number;
  front: number;
  novel: number;
  champion?: { id: number; origin: string; stateBytes: number; wins: string[]; winsOverall: string[]; tasks: Record<string, number>; formula: string; mermaid: string };
}

async function run(seed: number, breeding: 'evolution' | 'random'): Promise<MethodRun> {
  const config = resolveConfig({ population: POPULATION, generations: GENERATIONS, breeding, report: { every: GENERATIONS } }, { seed });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'l2l-search-'));
  let updates = 0;
  let saved = 0;
  let hits = 0;
  let lookups = 0;
  let lineages = 0;
  let result: EvolveResult;
  try {
    result = await evolve({ config }, {
      out: path.join(dir, 'run'),
      onGeneration: (report) => {
        updates += report.updates.trained;
        saved += report.updates.saved;
        hits += report.cache.hits;
        lookups += report.cache.lookups;
        lineages = report.lineages;
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const final = result.final;
  if (final === null || final.reportHypervolume === null || final.table === null) throw new Error('the run made no report');
  const table = final.table;
  const champion = table.members
    .filter((m) => m.structurallyNew && m.stateBytes <= ADAM_BYTES)
    .sort((a, b) => b.winsOverall.length - a.winsOverall.length || b.wins.length - a.wins.length || a.id - b.id)[0];
  const genome = champion === undefined ? undefined : final.members.find((m) => m.id === champion.id)?.genome;
  return {
    hypervolume: final.reportHypervolume.last.hypervolume,
    seeds: final.reportHypervolume.seeds ?? Number.NaN,
    updates, saved, cacheHits: hits, cacheLookups: lookups,
    tasksWon: table.tasks.filter((r) => r.best !== null && r.seed !== null && r.best.loss < r.seed.loss).length,
    lineages, front: final.members.length, novel: table.members.filter((m) => m.structurallyNew).length,
    ...(champion === undefined || genome === undefined ? {} : {
      champion: {
        id: champion.id, origin: champion.origin, stateBytes: champion.stateBytes, wins: champion.wins, winsOverall: champion.winsOverall,
        tasks: champion.tasks, formula: formula(genome), mermaid: exportGenome(genome, 'mermaid'),
      },
    }),
  };
}

const started = performance.now();
const rows: { seed: number; evolution: MethodRun; random: MethodRun }[] = [];
for (const seed of RUN_SEEDS) {
  const evolution = await run(seed, 'evolution');
  const random = await run(seed, 'random');
  rows.push({ seed, evolution, random });
  console.log(`seed ${seed}: held-out hypervolume evolution ${evolution.hypervolume.toFixed(4)}, random ${random.hypervolume.toFixed(4)}, seeds ${evolution.seeds.toFixed(4)}; tasks won ${evolution.tasksWon} / ${random.tasksWon}; updates ${evolution.updates} / ${random.updates}`);
}

const evo = rows.map((r) => r.evolution.hypervolume);
const rnd = rows.map((r) => r.random.hypervolume);
const seeds = rows.map((r) => r.evolution.seeds);
const vsRandom = wilcoxonSignedRank(evo, rnd, { alternative: 'greater' });
const vsSeeds = wilcoxonSignedRank(evo, seeds, { alternative: 'greater' });
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const best = rows.flatMap((r) => (r.evolution.champion === undefined ? [] : [{ seed: r.seed, ...r.evolution.champion }]))
  .sort((a, b) => b.winsOverall.length - a.winsOverall.length || b.wins.length - a.wins.length)[0];

const results = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.availableParallelism(),
  config: { population: POPULATION, generations: GENERATIONS, runSeeds: RUN_SEEDS, report: 'held-out tasks of the default curriculum, every genome at its best step size' },
  seconds: (performance.now() - started) / 1000,
  mean: { evolution: mean(evo), random: mean(rnd), seeds: mean(seeds) },
  wilcoxon: {
    evolutionVsRandom: { pValue: vsRandom.pValue, statistic: vsRandom.statistic, n: vsRandom.n, method: vsRandom.method, alternative: 'greater' },
    evolutionVsSeeds: { pValue: vsSeeds.pValue, statistic: vsSeeds.statistic, n: vsSeeds.n, method: vsSeeds.method, alternative: 'greater' },
  },
  updates: { evolution: mean(rows.map((r) => r.evolution.updates)), random: mean(rows.map((r) => r.random.updates)) },
  structurallyNewWinner: best === undefined ? null : {
    ...best, adamStateBytes: ADAM_BYTES,
    // Two readings of "beats the best tuned seed": the best seed of no more state bytes than the rule, and the best seed of all.
    atLeastThreeOfFiveAtItsState: best.wins.length >= 3, atLeastThreeOfFiveOverall: best.winsOverall.length >= 3,
  },
  rows,
};
console.log(`mean held-out hypervolume: evolution ${results.mean.evolution.toFixed(4)}, random mutation ${results.mean.random.toFixed(4)}, tuned seeds ${results.mean.seeds.toFixed(4)}`);
console.log(`Wilcoxon signed-rank (one-sided, evolution greater): vs random p = ${vsRandom.pValue.toPrecision(3)}, vs tuned seeds p = ${vsSeeds.pValue.toPrecision(3)} (n = ${rows.length})`);
console.log(best === undefined ? 'no structurally new front member at <= Adam\'s state bytes' : `best structurally new rule: run ${best.seed} #${best.id} (from ${best.origin}, ${best.stateBytes} B) beats the best tuned seed of all on ${best.winsOverall.length} of 5 held-out tasks (${best.winsOverall.join(', ')}), the best at no more state bytes on ${best.wins.length} (${best.wins.join(', ')})\n${best.formula}`);
mkdirSync(fileURLToPath(new URL('bench/results/', root)), { recursive: true });
writeFileSync(fileURLToPath(new URL('bench/results/search.json', root)), `${JSON.stringify(results, null, 2)}\n`);
