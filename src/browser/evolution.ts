// A small evolution in the browser page (docs/browser.md): the generations of `l2l evolve`
// (src/evolve/generation.ts, runGeneration) from the same generation 0 (initialRun), kept in memory
// instead of a run directory: each generation yields its metrics.jsonl line (metricsLine, the line
// Node appends), so the page's lines and Node's can be compared. No checkpoint, fronts or final
// front are kept, and the surrogate is off. Pure of the DOM: the evaluator is given (pool.ts).

import type { EvolveConfig } from '../evolve/config.ts';
import { resolveConfig } from '../evolve/config.ts';
import { runGeneration } from '../evolve/generation.ts';
import { initialRun } from '../evolve/population.ts';
import { metricsLine } from '../evolve/records.ts';
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

/** Runs every generation; `onGeneration` gets each report and its metrics line as it lands. */
export async function evolveInMemory(
  config: EvolveConfig, evaluate: Evaluator, screen: Screener, onGeneration?: (report: GenerationReport, line: string) => void,
): Promise<string[]> {
  let state = initialRun(config);
  const lines: string[] = [];
  while (state.generation < config.generations) {
    const { state: next, report } = await runGeneration(config, state, { evaluate, screen, surrogate: null });
    const line = metricsLine(report);
    lines.push(line);
    onGeneration?.(report, line);
    state = next;
  }
  return lines;
}
