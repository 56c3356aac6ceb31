// Small real run directories for the report's tests: a tiny evolution run on this thread's engine
// (the same code `l2l evolve` runs, without the worker pool), and copies of a run cut back to fewer
// generations, to which a test appends the next generation as a running `l2l evolve` would.

import { appendFileSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.ts';
import { resolveConfig, type EvolveConfig } from '../../src/evolve/config.ts';
import { evolve, inThreadEvaluator } from '../../src/evolve/evolve.ts';
import type { Evaluator } from '../../src/evolve/state.ts';
import { InstanceCache } from '../../src/tasks/evaluate.ts';

/** A run small enough for a test (a few seconds): every report generation, one held-out task. */
export function smallConfig(options: { generations?: number; population?: number; surrogate?: boolean; seed?: number } = {}): EvolveConfig {
  return resolveConfig({
    population: options.population ?? 12,
    generations: options.generations ?? 3,
    curriculum: { tasks: [{ task: 'quadratic' }, { task: 'rosenbrock' }], tasksPerGeneration: 2, steps: { min: 20, max: 20 }, heldOut: ['iris:logistic'] },
    species: { targetSpecies: 3 },
    // Few elites, so most of each generation is bred: children to draw, and some invalid ones.
    lineageGenerations: 0,
    frontElites: 0.1,
    report: { every: 1 },
    ...(options.surrogate === true ? {
      surrogate: { enabled: true, latent: 8, hidden: 16, edgeHidden: 8, batchSize: 8, stepsPerGeneration: 2, startGeneration: 1, guided: 0.2, crossSpecies: 0.1, filtered: 0.2, guidanceSteps: 5 },
    } : {}),
  }, { seed: options.seed ?? 5, workers: 1 });
}

/** Runs `config` into the new run directory `out` and answers it. */
export async function makeRun(out: string, config: EvolveConfig): Promise<string> {
  const engine = await Engine.create();
  const cache = new InstanceCache();
  const evaluator: Evaluator = (candidates, plan) => inThreadEvaluator(engine, cache)(candidates, plan);
  await evolve({ config }, { out, evaluator });
  return out;
}

const frontFile = (g: number): string => join('fronts', `gen-${String(g).padStart(4, '0')}.json`);

/** metrics.jsonl's lines (each with its newline). */
export function metricLines(dir: string): string[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').split('\n').slice(0, -1).map((l) => `${l}\n`);
}

/** A copy of the run `from` in `to` as it was after its first `generations` generations, not finished. */
export function cutCopy(from: string, to: string, generations: number): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(join(to, 'fronts'), { recursive: true });
  copyFileSync(join(from, 'config.json'), join(to, 'config.json'));
  writeFileSync(join(to, 'metrics.jsonl'), metricLines(from).slice(0, generations).join(''));
  for (let g = 0; g < generations; g++) copyFileSync(join(from, frontFile(g)), join(to, frontFile(g)));
}

/** Lands generation `g` of the run `from` in `to` as `l2l evolve` writes it: the front file, then the metrics line. */
export function appendGeneration(from: string, to: string, g: number): void {
  copyFileSync(join(from, frontFile(g)), join(to, frontFile(g)));
  appendFileSync(join(to, 'metrics.jsonl'), metricLines(from)[g] as string);
}

/** Finishes the copy `to` as the run `from` finished: its final-front.json. */
export function finishCopy(from: string, to: string): void {
  copyFileSync(join(from, 'final-front.json'), join(to, 'final-front.json'));
}

/** A whole copy of a run directory. */
export function copyRun(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
}
