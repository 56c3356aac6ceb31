// The evolution benchmark (npm run bench:evolve): does NEAT + NSGA-II find better optimizers than
// random mutation of the seeds, for the same number of evaluations? Fixed tasks and step counts
// (no curriculum), several run seeds each:
//
//   evolution  l2l evolve's loop (src/evolve/generation.ts): POPULATION genomes for GENERATIONS generations
//   random     POPULATION x GENERATIONS genomes, each a seed (drawn at random) after 1-4 random
//              mutations (src/genome/mutate.ts), with no selection
//
// Each method's non-dominated genomes (by their own evaluations) are evaluated again on one common
// plan, and their hypervolume is measured in objectives normalised by the 26 seeds' bounds on that
// plan (reference point 1.1 in each of the four objectives); the seeds alone give the baseline.
// Writes bench/results/evolve.json. Not part of npm test, never a CI gate.

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { Engine } from '../src/engine/engine.ts';
import { resolveConfig } from '../src/evolve/config.ts';
import { runGeneration } from '../src/evolve/generation.ts';
import { initialRun } from '../src/evolve/population.ts';
import type { Evaluator } from '../src/evolve/state.ts';
import { InnovationTracker } from '../src/genome/innovation.ts';
import { mutate } from '../src/genome/mutate.ts';
import { mutationOptions } from '../src/genome/mutation.ts';
import type { Genome } from '../src/genome/types.ts';
import { columnBounds, hypervolume, nonDominatedSort, normaliseWith } from '../src/pareto/index.ts';
import { SEEDS } from '../src/seeds/index.ts';
import { evaluateGenome, InstanceCache, makePlan } from '../src/tasks/evaluate.ts';
import { objectiveVector } from '../src/tasks/metrics.ts';
import { createRng } from '../src/util/rng.ts';

const TASKS = ['quadratic', 'linreg-8', 'rosenbrock'];
const STEPS = 50;
const POPULATION = 78;
const GENERATIONS = 20;
const RUN_SEEDS = [1, 2, 3, 4, 5];
const REFERENCE = [1.1, 1.1, 1.1, 1.1];
const root = new URL('../', import.meta.url);

const engine = await Engine.create();
const cache = new InstanceCache();
const evaluator: Evaluator = async (candidates, plan) => candidates.map((c) => evaluateGenome(engine, c.genome, c.id, plan, { cache }));
const commonPlan = makePlan(0, 0, TASKS.map((task) => ({ task, steps: STEPS })));

interface Scored { genome: Genome; objectives: number[] }

/** The non-dominated valid genomes of a list. */
function nonDominated(all: Scored[]): Scored[] {
  if (all.length === 0) return [];
  const front = nonDominatedSort(all.map((s) => s.objectives))[0] ?? [];
  return front.map((i) => all[i] as Scored);
}

async function scoreOnCommonPlan(genomes: Genome[]): Promise<Scored[]> {
  const results = await evaluator(genomes.map((genome, id) => ({ id, genome })), commonPlan);
  return results.flatMap((r, i) => (r.status === 'ok' ? [{ genome: genomes[i] as Genome, objectives: objectiveVector(r) }] : []));
}

const seedScores = await scoreOnCommonPlan(SEEDS.map((s) => s.build()));
const bounds = columnBounds(seedScores.map((s) => s.objectives));
const hv = (set: Scored[]): number => (set.length === 0 ? 0 : hypervolume(normaliseWith(nonDominated(set).map((s) => s.objectives), bounds), REFERENCE));

async function evolution(seed: number): Promise<Scored[]> {
  const config = resolveConfig({
    population: POPULATION, generations: GENERATIONS,
    curriculum: { tasks: TASKS.map((task) => ({ task })), tasksPerGeneration: TASKS.length, steps: { min: STEPS, max: STEPS }, heldOut: [] },
    report: { every: 0 },
  }, { seed });
  let state = initialRun(config);
  const seen: Scored[] = [];
  // Every genome the loop evaluates, as it evaluates it.
  const recording: Evaluator = async (candidates, plan) => {
    const results = await evaluator(candidates, plan);
    results.forEach((r, i) => {
      if (r.status === 'ok') seen.push({ genome: (candidates[i] as { genome: Genome }).genome, objectives: objectiveVector(r) });
    });
    return results;
  };
  for (let g = 0; g < GENERATIONS; g++) state = (await runGeneration(config, state, recording)).state;
  return scoreOnCommonPlan(nonDominated(seen).map((s) => s.genome));
}

async function randomMutation(seed: number): Promise<Scored[]> {
  const rng = createRng(seed * 7919 + 13);
  const seeds = SEEDS.map((s) => s.build());
  const tracker = new InnovationTracker(seeds);
  const options = mutationOptions();
  const seen: Scored[] = [];
  for (let g = 0; g < GENERATIONS; g++) {
    tracker.beginGeneration();
    const genomes: Genome[] = [];
    while (genomes.length < POPULATION) {
      let genome = seeds[rng.int(seeds.length)] as Genome;
      for (let k = 1 + rng.int(4); k > 0; k--) {
        const m = mutate(genome, rng, tracker, options);
        if (m.status === 'ok') genome = m.genome;
      }
      genomes.push(genome);
    }
    const results = await evaluator(genomes.map((genome, id) => ({ id, genome })), makePlan(seed, g, TASKS.map((task) => ({ task, steps: STEPS }))));
    results.forEach((r, i) => {
      if (r.status === 'ok') seen.push({ genome: genomes[i] as Genome, objectives: objectiveVector(r) });
    });
  }
  return scoreOnCommonPlan(nonDominated(seen).map((s) => s.genome));
}

const started = performance.now();
const rows: { seed: number; evolution: number; random: number }[] = [];
for (const seed of RUN_SEEDS) rows.push({ seed, evolution: hv(await evolution(seed)), random: hv(await randomMutation(seed)) });
// A timing of one generation, so the file also says what a generation costs here.
const bench = new Bench({ name: 'one generation', iterations: 3, time: 0 });
const config = resolveConfig({ population: POPULATION, curriculum: { tasks: TASKS.map((task) => ({ task })), tasksPerGeneration: TASKS.length, steps: { min: STEPS, max: STEPS }, heldOut: [] } });
const state = initialRun(config);
bench.add(`generation of ${POPULATION} on ${TASKS.join(', ')} (${STEPS} steps), one thread`, async () => {
  await runGeneration(config, state, evaluator);
});
await bench.run();

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const evo = rows.map((r) => r.evolution);
const rnd = rows.map((r) => r.random);
const results = {
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version, loadAverage: os.loadavg()[0] },
  tasks: TASKS, steps: STEPS, population: POPULATION, generations: GENERATIONS, evaluationsPerRun: POPULATION * GENERATIONS,
  seedsHypervolume: hv(seedScores),
  evolution: { mean: mean(evo), sd: sd(evo) },
  random: { mean: mean(rnd), sd: sd(rnd) },
  runs: rows,
  generationMs: bench.tasks[0]?.result && 'latency' in bench.tasks[0].result ? bench.tasks[0].result.latency.mean : null,
  seconds: (performance.now() - started) / 1000,
};
console.table(rows);
console.log(`hypervolume on ${TASKS.join(', ')}: seeds alone ${results.seedsHypervolume.toFixed(4)}, evolution ${results.evolution.mean.toFixed(4)} ± ${results.evolution.sd.toFixed(4)}, random mutation ${results.random.mean.toFixed(4)} ± ${results.random.sd.toFixed(4)} (${RUN_SEEDS.length} seeds, ${POPULATION * GENERATIONS} evaluations each)`);
mkdirSync(new URL('bench/results/', root), { recursive: true });
const out = new URL('bench/results/evolve.json', root);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${fileURLToPath(out)}`);
