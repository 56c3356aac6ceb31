// The surrogate benchmark (npm run bench:surrogate; issue 13, docs/surrogate.md). Two parts:
//
// 1. Quality (SURROGATE_QUALITY=1, default on; off keeps the figures of the last results file): an optimizer run with the surrogate collecting data but making no children
//    (startGeneration past the end, no training steps) gives every evaluated genome with its
//    objectives and generation. A fresh surrogate trains offline for SURROGATE_STEPS steps on all
//    generations but the last, then is measured:
//      reconstruction  held-out genomes (the last generation's, not trained on, up to 40 nodes):
//                      share rebuilt exactly in structure, and with numbers within 5%
//      prior samples   1,000 decodes of z ~ N(0, I): valid, unique, novel (not in the data)
//      predictor       Kendall's tau-b per objective on the last generation (the "next" one)
//      time            ms per training step and per decoded graph
// 2. End to end (SURROGATE_E2E=1, default on): per run seed (SURROGATE_SEEDS, at least 10) the
//    same optimizer run three times, at equal true evaluations (surrogate children replace bred
//    children one for one): with the surrogate (guided, cross-species and filtered children), with
//    the predictor filter alone, and without the surrogate. Judged by the held-out hypervolume of
//    the final report (the seeds' bounds), with one-sided Wilcoxon signed-rank tests; and the
//    surrogate's share of the run's time; and how many members of each final front the surrogate
//    made (born guided, cross-species or filtered, kept through elite carry-over).
//
// Writes bench/results/surrogate.json. Not part of npm test.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SURROGATE, resolveConfig, type EvolveConfig } from '../src/evolve/config.ts';
import { evolve } from '../src/evolve/evolve.ts';
import { readCheckpoint, readFront, readMetrics } from '../src/evolve/rundir.ts';
import { roleShape, surrogateSettings } from '../src/evolve/surrogate.ts';
import { predictorTau, priorSamples, reconstruction } from '../src/surrogate/assess.ts';
import { signature, type GraphArrays } from '../src/surrogate/graph.ts';
import { predictorTarget } from '../src/surrogate/predictor.ts';
import { Surrogate } from '../src/surrogate/surrogate.ts';
import { initSurrogateBackend } from '../src/surrogate/tf.ts';
import { createRng } from '../src/util/rng.ts';
import { wilcoxonSignedRank } from '../src/util/wilcoxon.ts';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const RUN_SEEDS = (process.env.SURROGATE_SEEDS ?? '1,2,3,4,5,6,7,8,9,10').split(',').map(Number);
const POPULATION = env('SURROGATE_POPULATION', 64);
const GENERATIONS = env('SURROGATE_GENERATIONS', 20);
const STEPS = env('SURROGATE_STEPS', 2000);
const E2E = (process.env.SURROGATE_E2E ?? '1') === '1';
const QUALITY = (process.env.SURROGATE_QUALITY ?? '1') === '1';
const root = new URL('../', import.meta.url);
const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function config(seed: number, surrogate: Partial<EvolveConfig['surrogate']>): EvolveConfig {
  return resolveConfig({ population: POPULATION, generations: GENERATIONS, report: { every: GENERATIONS }, surrogate: { ...DEFAULT_SURROGATE, ...surrogate } }, { seed });
}

async function run(c: EvolveConfig): Promise<{ dir: string; seconds: number; surrogateMs: number }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'l2l-surrogate-bench-'));
  const started = performance.now();
  await evolve({ config: c }, { out: path.join(dir, 'run') });
  const seconds = (performance.now() - started) / 1000;
  const surrogateMs = readMetrics(path.join(dir, 'run')).reduce((s, m) => s + (m.surrogate?.ms ?? 0), 0);
  return { dir, seconds, surrogateMs };
}

// 1. Quality.
const file = fileURLToPath(new URL('bench/results/surrogate.json', root));
async function measureQuality(): Promise<unknown> {
  await initSurrogateBackend();
  const collect = await run(config(1, { enabled: true, stepsPerGeneration: 0, startGeneration: 100_000, maxExamples: 100_000 }));
  const examples = readCheckpoint(path.join(collect.dir, 'run')).state.surrogate?.examples ?? [];
  rmSync(collect.dir, { recursive: true, force: true });
  const last = GENERATIONS - 1;
  // Trained in rounds of 100 steps, the loss of each round recorded.
  const settings = { ...surrogateSettings(DEFAULT_SURROGATE), stepsPerGeneration: 100 };
  const surrogate = new Surrogate(settings, roleShape(config(1, {})), createRng(7));
  const trainSet = examples.filter((e) => e.generation < last);
  for (const e of trainSet) surrogate.observe(e.genome, e.objectives, e.generation);
  const known = new Set([...surrogate.examples.keys()]);
  const held = examples.filter((e) => e.generation === last).flatMap((e) => {
    const a = surrogate.arraysOf(e.genome);
    return typeof a === 'string' || a.count > 40 || known.has(signature(a)) ? [] : [{ arrays: a, target: predictorTarget(e.objectives) }];
  });
  const rng = createRng(11);
  const trainStarted = performance.now();
  const lossAt: { step: number; loss: number }[] = [];
  while (surrogate.steps < STEPS) lossAt.push({ step: surrogate.steps + 100, loss: surrogate.train(0, rng).loss });
  const msPerStep = (performance.now() - trainStarted) / Math.max(1, surrogate.steps);
  const rebuilt = reconstruction(surrogate.model, held.map((h) => h.arrays), surrogate.shape, 0.05);
  const template = examples[0]?.genome;
  if (template === undefined) throw new Error('the collecting run gave no data');
  const decodeStarted = performance.now();
  const prior = priorSamples(surrogate.model, 1000, createRng(13), surrogate.shape, template, known);
  const msPerDecode = (performance.now() - decodeStarted) / 1000;
  const tau = predictorTau(surrogate.model, surrogate.predictor, held.map((h) => h.arrays as GraphArrays), held.map((h) => h.target));
  const quality = {
    data: { genomes: examples.length, trained: surrogate.examples.size, heldOut: held.length },
    steps: surrogate.steps, msPerStep, lossAt,
    reconstruction: rebuilt, prior, predictorTau: tau, msPerDecode,
  };
  console.log(`data: ${examples.length} evaluated genomes, ${surrogate.examples.size} distinct trained on, ${held.length} held out (generation ${last}, up to 40 nodes)`);
  console.log(`training: ${surrogate.steps} steps, ${msPerStep.toFixed(0)} ms per step`);
  console.log(`reconstruction: structure ${(100 * rebuilt.structure).toFixed(1)}%, numbers within 5% ${(100 * rebuilt.attributes).toFixed(1)}%`);
  console.log(`prior samples: valid ${(100 * prior.valid).toFixed(1)}%, unique ${(100 * prior.unique).toFixed(1)}%, novel ${(100 * prior.novel).toFixed(1)}%; ${msPerDecode.toFixed(1)} ms per decode`);
  console.log(`predictor Kendall tau on the next generation: ${tau.map((t) => t.toFixed(3)).join(', ')}`);
  surrogate.dispose();
  return quality;
}
await initSurrogateBackend();
const quality = QUALITY ? await measureQuality() : (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { quality: unknown }).quality : null);

// 2. End to end.
interface Row { seed: number; with: number; filter: number; without: number; seconds: { with: number; filter: number; without: number }; surrogateShare: number; front: Record<string, number> }
const rows: Row[] = [];
if (E2E) {
  const variants = {
    with: { enabled: true },
    filter: { enabled: true, guided: 0, crossSpecies: 0 },
    without: { enabled: false },
  } as const;
  for (const seed of RUN_SEEDS) {
    const out: Record<string, { hv: number; seconds: number; surrogateMs: number }> = {};
    // How the final front of the run with the surrogate was born.
    const front: Record<string, number> = {};
    for (const [name, s] of Object.entries(variants)) {
      const r = await run(config(seed, s));
      const metrics = readMetrics(path.join(r.dir, 'run'));
      const report = metrics.flatMap((m) => (m.report === null ? [] : [m.report.hypervolume])).at(-1) ?? Number.NaN;
      out[name] = { hv: report, seconds: r.seconds, surrogateMs: r.surrogateMs };
      if (name === 'with') for (const m of readFront(path.join(r.dir, 'run'), GENERATIONS - 1).front) front[m.born ?? m.made] = (front[m.born ?? m.made] ?? 0) + 1;
      rmSync(r.dir, { recursive: true, force: true });
    }
    const w = out.with as { hv: number; seconds: number; surrogateMs: number };
    const row: Row = {
      seed, with: w.hv, filter: out.filter?.hv ?? Number.NaN, without: out.without?.hv ?? Number.NaN,
      seconds: { with: w.seconds, filter: out.filter?.seconds ?? Number.NaN, without: out.without?.seconds ?? Number.NaN },
      surrogateShare: w.surrogateMs / 1000 / w.seconds, front,
    };
    rows.push(row);
    console.log(`seed ${seed}: held-out hypervolume with the surrogate ${row.with.toFixed(4)}, filter alone ${row.filter.toFixed(4)}, without ${row.without.toFixed(4)}; surrogate ${(100 * row.surrogateShare).toFixed(0)}% of the run; final front born ${JSON.stringify(front)}`);
  }
}
const e2e = rows.length === 0 ? null : {
  mean: { with: mean(rows.map((r) => r.with)), filter: mean(rows.map((r) => r.filter)), without: mean(rows.map((r) => r.without)), surrogateShare: mean(rows.map((r) => r.surrogateShare)) },
  frontBornTotal: rows.reduce<Record<string, number>>((t, r) => {
    for (const [k, n] of Object.entries(r.front)) t[k] = (t[k] ?? 0) + n;
    return t;
  }, {}),
  wilcoxon: {
    withVsWithout: wilcoxonSignedRank(rows.map((r) => r.with), rows.map((r) => r.without), { alternative: 'greater' }),
    filterVsWithout: wilcoxonSignedRank(rows.map((r) => r.filter), rows.map((r) => r.without), { alternative: 'greater' }),
  },
  rows,
};
if (e2e !== null) {
  console.log(`mean held-out hypervolume: with ${e2e.mean.with.toFixed(4)}, filter alone ${e2e.mean.filter.toFixed(4)}, without ${e2e.mean.without.toFixed(4)}`);
  console.log(`Wilcoxon one-sided: with > without p = ${e2e.wilcoxon.withVsWithout.pValue.toPrecision(3)}; filter > without p = ${e2e.wilcoxon.filterVsWithout.pValue.toPrecision(3)}`);
}
const results = { date: new Date().toISOString(), node: process.version, cpus: os.availableParallelism(), config: { population: POPULATION, generations: GENERATIONS, steps: STEPS, surrogate: DEFAULT_SURROGATE }, quality, e2e };
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
