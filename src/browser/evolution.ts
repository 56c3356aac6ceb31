// A small evolution in the browser page (docs/browser.md): the generations of `l2l evolve`
// (src/evolve/generation.ts, runGeneration) from the same generation 0 (initialRun), kept in memory
// instead of a run directory: each generation yields its metrics.jsonl line and its front file
// (records.ts, the texts Node writes), and the run ends with final-front.json made as `l2l evolve`
// makes it (final-front.ts, from the last front file and the metrics lines read back), so the page's
// files and Node's can be compared and downloaded. No checkpoint is kept (a page run is not resumed),
// and the surrogate is off. Pure of the DOM: the evaluator is given (pool.ts).

import type { EvolveConfig } from '../evolve/config.ts';
import { resolveConfig } from '../evolve/config.ts';
import { runGeneration } from '../evolve/generation.ts';
import { initialRun } from '../evolve/population.ts';
import { finalFrontOf, type FinalFront } from '../evolve/final-front.ts';
import { frontFileName, frontFileText, jsonFileText, metricsLine, parseFrontFile, parseMetricsLine } from '../evolve/records.ts';
import { roleKit } from '../evolve/role.ts';
import type { Evaluator, GenerationReport, Screener } from '../evolve/state.ts';
import type { Engine } from '../engine/engine.ts';
import { InputError, rules } from '../util/errors.ts';

/** The page's bounds: a run a browser tab finishes in about a minute. */
export const PAGE_LIMITS = { generations: [1, 20], population: [4, 64] } as const;

/**
 * The page's run: `population` genomes for `generations` generations on two analytic problems and
 * the linear regression (10 to 20 steps), a held-out problem for the reports; `seed` the run seed.
 */
export function pageConfig(seed: number, generations: number, population: number): EvolveConfig {
  for (const [field, value] of [['generations', generations], ['population', population]] as const) {
    const [lo, hi] = PAGE_LIMITS[field];
    if (!Number.isInteger(value) || value < lo || value > hi) throw new InputError(field, rules.range(lo, hi), value);
  }
  // The page evaluates with its own pool (pool.ts): config.workers, one, is not used; naming the
  // parallelism keeps resolveConfig from asking node:os for it.
  return resolveConfig({
    population,
    generations,
    workers: 1,
    curriculum: {
      tasks: [{ task: 'quadratic' }, { task: 'linreg-8' }, { task: 'rosenbrock', prerequisites: ['quadratic'] }],
      steps: { min: 10, max: 20 },
      tasksPerGeneration: 2,
      heldOut: ['quadratic-split'],
    },
  }, { seed }, { availableParallelism: 1 });
}

/** The role's learning check on `engine`, as `l2l evolve` screens on its main thread. */
export function screenOn(engine: Engine, config: EvolveConfig): Screener {
  const check = roleKit(config.role).check;
  return (genome) => check(engine, genome, config.workLimit);
}

/** A page run's files: as `l2l evolve` writes metrics.jsonl, fronts/gen-NNNN.json and final-front.json. */
export interface PageRun {
  /** metrics.jsonl's lines, without their newlines. */
  lines: string[];
  /** Each generation's front file. */
  fronts: string[];
  /** final-front.json's text, and what it holds. */
  finalText: string;
  final: FinalFront;
}

/** Runs every generation, then the final front; `onGeneration` gets each report and its metrics line as it lands. */
export async function evolveInMemory(
  config: EvolveConfig, evaluate: Evaluator, screen: Screener, onGeneration?: (report: GenerationReport, line: string) => void,
): Promise<PageRun> {
  const tools = { evaluate, screen, surrogate: null };
  let state = initialRun(config);
  const lines: string[] = [];
  const fronts: string[] = [];
  while (state.generation < config.generations) {
    const genomes = new Map(state.population.map((m) => [m.id, m.genome]));
    const { state: next, report } = await runGeneration(config, state, tools);
    const line = metricsLine(report);
    lines.push(line);
    fronts.push(frontFileText(report, genomes));
    onGeneration?.(report, line);
    state = next;
  }
  // As evolve() does from its run directory: the last front file and the metrics lines, read back.
  const lastGeneration = state.generation - 1;
  const last = parseFrontFile(fronts[lastGeneration] as string, lastGeneration, `fronts/${frontFileName(lastGeneration)}`);
  const metrics = lines.map((line, i) => parseMetricsLine(line, i, 'metrics.jsonl'));
  const final = await finalFrontOf(config, last, metrics, state.baseline, tools);
  return { lines, fronts, finalText: jsonFileText(final), final };
}
