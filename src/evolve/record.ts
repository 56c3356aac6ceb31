// Lifetime records (docs/evolution.md, A generation): per task, a genome's objective vectors summed
// over the generations it was valid in, and how many. A survivor is ranked on each of a
// generation's tasks by its mean over its lifetime, not by one draw of steps, data and episode.

import type { GenomeEvaluation } from '../tasks/metrics.ts';
import { OBJECTIVES } from '../tasks/registry.ts';
import type { Member } from './state.ts';

export type LifetimeRecord = NonNullable<Member['record']>;

/** The record with a valid evaluation's task vectors added. */
export function addToRecord(record: LifetimeRecord, evaluation: Extract<GenomeEvaluation, { status: 'ok' }>): LifetimeRecord {
  const out: LifetimeRecord = { ...record };
  for (const t of evaluation.tasks) {
    if (t.status !== 'ok') continue;
    const m = t.metrics;
    const now = [m.normalisedValidationLoss, m.normalisedTrainLossArea, m.timeCost, m.memoryCost];
    const before = out[t.task];
    out[t.task] = before === undefined ? { sums: now, count: 1 } : { sums: before.sums.map((s, j) => s + (now[j] as number)), count: before.count + 1 };
  }
  return out;
}

/** The macro mean over `tasks` of the record's per-task means (each task must be in the record). */
export function lifetimeVector(record: LifetimeRecord, tasks: readonly string[]): number[] {
  const out = OBJECTIVES.map(() => 0);
  for (const task of tasks) {
    const r = record[task] as { sums: number[]; count: number };
    r.sums.forEach((s, j) => {
      out[j] = (out[j] as number) + s / r.count / tasks.length;
    });
  }
  return out;
}
