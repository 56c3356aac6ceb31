// Step 0 of generation 0 (docs/evolution.md, Step size and Hurdles): the seeds on every training
// task of the curriculum, at every step-size scale of the grid (src/tasks/scale.ts), with
// generation 0's steps and data. Each seed's best scale on training data becomes the scale its
// lineage starts from (the seeds and their generation-0 mutants), so evolution starts from the
// seeds at their best step sizes, never at their defaults; and each task's hurdle limit comes from
// the seeds' losses at the hurdle point at those scales (src/tasks/hurdle.ts). Done once per run;
// the checkpoint keeps the result, so a resume does not repeat it.

import { makePlan } from '../tasks/evaluate.ts';
import { hurdleLimit } from '../tasks/hurdle.ts';
import type { EvolveConfig } from './config.ts';
import { evaluateScreened } from './screen.ts';
import { roleKit } from './role.ts';
import type { Evaluator, Member, RunState, Screener } from './state.ts';

/** A hurdle limit (normalised loss) no finite loss passes. */
const MEASURE_ONLY = Number.MAX_VALUE;

export interface Calibration {
  state: RunState;
  /** Task evaluations and updates it ran. */
  evaluations: number;
  updates: { trained: number; saved: number };
}

/** Calibrates generation 0 (state.generation must be 0): the members' scales and the hurdles. */
export async function calibrate(
  config: EvolveConfig, state: RunState, steps: number, dataShare: number, screen: Screener, evaluate: Evaluator,
): Promise<Calibration> {
  const tasks = config.curriculum.tasks.map((t) => t.task);
  const kit = roleKit(config.role);
  // A hurdle no run fails: the engine measures the whole training split's loss at the hurdle's
  // update, the quantity later hurdles check, and goes on.
  const plan = makePlan(config.seed, 0, tasks.map((task) => ({ task, steps, dataShare, hurdle: MEASURE_ONLY })), { workLimit: config.workLimit });
  const seeds = state.population.filter((m) => m.made === 'seed');
  const { results, evaluations } = await evaluateScreened(seeds.map((m) => ({ id: m.id, genome: m.genome, scales: [...kit.grid] })), plan, screen, evaluate);
  const scaleOf = new Map<string, number>();
  const atHurdle: Record<string, number[]> = {};
  let trained = 0;
  let saved = 0;
  results.forEach((r, i) => {
    trained += r.steps?.trained ?? 0;
    saved += r.steps?.saved ?? 0;
    scaleOf.set((seeds[i] as Member).origin, r.scale ?? 0);
    for (const t of r.tasks) if (t.status === 'ok') (atHurdle[t.task] ??= []).push(t.metrics.hurdleLoss);
  });
  const hurdles: Record<string, number> = {};
  for (const task of tasks) {
    const limit = kit.hurdles ? hurdleLimit(atHurdle[task] ?? []) : undefined;
    if (limit !== undefined) hurdles[task] = limit;
  }
  const population = state.population.map((m): Member => ({ ...m, scale: scaleOf.get(m.origin) ?? 0 }));
  return { state: { ...state, population, hurdles, seedScales: Object.fromEntries(scaleOf) }, evaluations, updates: { trained, saved } };
}
