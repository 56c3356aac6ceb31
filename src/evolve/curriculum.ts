// The curriculum of an evolution run (the l2l design's seed proposal): what each generation trains
// on. Each generation draws its number of training steps between A and B (one draw for the whole
// generation, so every genome gets the same budget), scaled by a horizon that grows from generation
// to generation, as does the size of the training data; the generation's tasks are sampled from the unlocked ones, where a
// task unlocks once enough genomes of some generation did well enough on each of its
// prerequisites (a skill tree); a held-out task set is planned for reports only and never feeds
// selection. Pure functions over plain data: the run's checkpoint stores CurriculumState as is.

import type { Rng } from '../util/rng.ts';
import { InputError, rules } from '../util/errors.ts';
import { powInt } from '../util/math.ts';

export interface CurriculumTask {
  task: string;
  /** Tasks that must be unlocked and mastered first (none: unlocked from the start). */
  prerequisites: readonly string[];
}

export interface CurriculumConfig {
  tasks: readonly CurriculumTask[];
  /** Training steps per generation at the full horizon, drawn uniformly from [min, max]. */
  steps: { min: number; max: number };
  /** The horizon: the drawn steps are scaled by min(1, start x growth^generation) (at least 2). */
  horizon: { start: number; growth: number };
  /** Tasks per generation, sampled without replacement from the unlocked ones. */
  tasksPerGeneration: number;
  /** A prerequisite is mastered in a generation where `share` of the genomes reach `score`. */
  unlock: { share: number; score: number };
  /** The training data's share at generation 0 and its growth per generation, capped at 1. */
  data: { start: number; growth: number };
  /** Tasks evaluated for reports only. */
  heldOut: readonly string[];
}

export interface CurriculumState {
  unlocked: string[];
  /** Tasks whose mastery has been seen (their dependants may unlock). */
  mastered: string[];
}

export interface GenerationPlan {
  generation: number;
  steps: number;
  /** The share of each task's training set to use, in (0, 1]. */
  dataShare: number;
  tasks: string[];
  heldOut: string[];
}

/** The rules checkCurriculum holds, as docs/config.md lists them. */
export const CURRICULUM_RELATIONS: readonly string[] = [
  '`curriculum.tasks`: no task twice; each prerequisite names a task of the list; at least one task without prerequisites; no prerequisites in a cycle',
  '`curriculum.steps.max` at least `curriculum.steps.min`',
  '`curriculum.tasksPerGeneration` at most the number of `curriculum.tasks`',
];

/**
 * Checks the relations between a curriculum's keys (CURRICULUM_RELATIONS). Each value's own rule
 * (ranges, known task names) is the config schema's (config-schema.ts), checked first.
 */
export function checkCurriculum(c: CurriculumConfig, field = 'curriculum'): void {
  const names = new Set<string>();
  c.tasks.forEach((t, i) => {
    if (names.has(t.task)) throw new InputError(`${field}.tasks[${i}].task`, rules.unique, t.task);
    names.add(t.task);
  });
  c.tasks.forEach((t, i) => t.prerequisites.forEach((p, j) => {
    if (!names.has(p)) throw new InputError(`${field}.tasks[${i}].prerequisites[${j}]`, 'must name a task of the curriculum', p);
  }));
  if (initialState(c).unlocked.length === 0) throw new InputError(`${field}.tasks`, 'must have a task without prerequisites', c.tasks.length);
  const reach = reachable(c);
  if (reach.size !== names.size) throw new InputError(`${field}.tasks`, 'must not have prerequisites in a cycle', [...names].filter((n) => !reach.has(n)).join(', '));
  if (c.steps.max < c.steps.min) throw new InputError(`${field}.steps.max`, `must be at least ${field}.steps.min (${c.steps.min})`, c.steps.max);
  if (c.tasksPerGeneration > c.tasks.length) {
    throw new InputError(`${field}.tasksPerGeneration`, rules.atMost(c.tasks.length, `the number of ${field}.tasks`), c.tasksPerGeneration);
  }
}

/** The tasks that unlock if every task is eventually mastered (all of them, unless in a cycle). */
function reachable(c: CurriculumConfig): Set<string> {
  const done = new Set<string>();
  for (let changed = true; changed;) {
    changed = false;
    for (const t of c.tasks) {
      if (!done.has(t.task) && t.prerequisites.every((p) => done.has(p))) {
        done.add(t.task);
        changed = true;
      }
    }
  }
  return done;
}

export function initialState(c: CurriculumConfig): CurriculumState {
  return { unlocked: c.tasks.filter((t) => t.prerequisites.length === 0).map((t) => t.task), mastered: [] };
}

/** What generation g trains on: its steps, data share, tasks (in curriculum order) and held-out tasks. */
export function planGeneration(c: CurriculumConfig, state: CurriculumState, generation: number, rng: Rng): GenerationPlan {
  const drawn = c.steps.min + rng.int(c.steps.max - c.steps.min + 1);
  const steps = Math.max(Math.min(2, drawn), Math.round(drawn * horizonAt(c, generation)));
  const dataShare = Math.min(1, c.data.start * powInt(c.data.growth, generation));
  const pool = c.tasks.map((t) => t.task).filter((t) => state.unlocked.includes(t));
  const chosen = new Set<string>();
  while (chosen.size < Math.min(c.tasksPerGeneration, pool.length)) {
    const rest = pool.filter((t) => !chosen.has(t));
    chosen.add(rest[rng.int(rest.length)] as string);
  }
  return { generation, steps, dataShare, tasks: pool.filter((t) => chosen.has(t)), heldOut: [...c.heldOut] };
}

/** The horizon factor of generation g: min(1, start x growth^g). */
export function horizonAt(c: CurriculumConfig, generation: number): number {
  return Math.min(1, c.horizon.start * powInt(c.horizon.growth, generation));
}

/**
 * After a generation of `genomes` genomes: `scores[task]` are the scores (higher better, in [0, 1])
 * of its valid genomes on each task it trained on. A task is mastered once unlock.share of all the
 * genomes reach unlock.score on it (an invalid genome counts as not reaching it); tasks whose
 * prerequisites are all mastered unlock. Returns the new state and the tasks unlocked now.
 */
export function advance(c: CurriculumConfig, state: CurriculumState, scores: Readonly<Record<string, readonly number[]>>, genomes: number): { state: CurriculumState; unlockedNow: string[] } {
  const mastered = new Set(state.mastered);
  for (const [task, xs] of Object.entries(scores)) {
    if (xs.filter((x) => x >= c.unlock.score).length >= c.unlock.share * genomes) mastered.add(task);
  }
  const unlocked = new Set(state.unlocked);
  const unlockedNow: string[] = [];
  for (const t of c.tasks) {
    if (!unlocked.has(t.task) && t.prerequisites.length > 0 && t.prerequisites.every((p) => mastered.has(p))) {
      unlocked.add(t.task);
      unlockedNow.push(t.task);
    }
  }
  const order = c.tasks.map((t) => t.task);
  return {
    state: { unlocked: order.filter((t) => unlocked.has(t)), mastered: order.filter((t) => mastered.has(t)) },
    unlockedNow,
  };
}
