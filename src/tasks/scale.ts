// Step-size scoring (docs/evolution.md, Step size): a genome's update p' - p is multiplied by a
// scale from a small log-spaced grid, and the genome is scored at its best scale, chosen on
// training data only. So a rule is judged by what it does, not by the learning rate its constants
// happen to encode: re-tuning a seed's learning rate is not a discovery (issue 11), and a new rule
// is not lost because its step is ten times too large. AutoML-Zero and the Lion search tune the
// learning rate of every candidate the same way (Real et al. 2020; Chen et al. 2023).
//
// A scale is named by its grid index k: the value 10^(k / 2), k from SCALE_MIN to SCALE_MAX (0.01
// to 100 in half decades; k = 0 is the genome as it is). The choice: among the scales tried, the
// one whose runs are all valid with the lowest mean normalised final training loss (the training
// split's loss after the last update, over the reference loss); on a tie the one nearest k = the
// first scale tried. Validation data never takes part, so held-out and validation losses stay
// honest.

import type { TaskResult } from './metrics.ts';
import { normalise } from './metrics.ts';
import { pow10 } from '../util/math.ts';

export const SCALE_MIN = -4;
export const SCALE_MAX = 4;
/** Every grid index, smallest scale first. */
export const SCALE_GRID: readonly number[] = Array.from({ length: SCALE_MAX - SCALE_MIN + 1 }, (_, i) => SCALE_MIN + i);

const SQRT10 = 3.1622776601683795;

/** The scale of grid index k as a float32 value (what the engine multiplies by). */
export function scaleValue(k: number): number {
  if (!Number.isInteger(k) || k < SCALE_MIN || k > SCALE_MAX) throw new RangeError(`a scale index must be an integer from ${SCALE_MIN} to ${SCALE_MAX} (got ${k})`);
  // 10^(k/2) on every engine: an exact power of ten, or one times sqrt(10) (util/math.ts).
  return Math.fround(k % 2 === 0 ? pow10(k / 2) : pow10((k - 1) / 2) * SQRT10);
}

/** k and its neighbours on the grid, k first: what a genome of scale k is evaluated at in a generation. */
export function scaleNeighbours(k: number): number[] {
  return [k, k - 1, k + 1].filter((s) => s >= SCALE_MIN && s <= SCALE_MAX);
}

/** The selection score of one scale's task results: the mean normalised final training loss, or Infinity if a run is invalid. */
export function trainingScore(results: readonly TaskResult[]): number {
  let sum = 0;
  for (const r of results) {
    if (r.status !== 'ok') return Number.POSITIVE_INFINITY;
    const loss = normalise(r.metrics.finalTrainLoss, r.metrics.referenceLoss);
    if (!Number.isFinite(loss)) return Number.POSITIVE_INFINITY;
    sum += loss;
  }
  return results.length === 0 ? Number.POSITIVE_INFINITY : sum / results.length;
}

/**
 * The position in `scales` (grid indices, the genome's own first) of the best scale given each
 * one's task results: the lowest trainingScore; ties to the one nearest scales[0], then the smaller.
 * Position 0 when no scale has all runs valid (the genome is then judged at its own scale).
 */
export function chooseScale(scales: readonly number[], results: readonly (readonly TaskResult[])[]): number {
  let best = 0;
  let bestScore = Number.POSITIVE_INFINITY;
  const home = scales[0] as number;
  scales.forEach((k, i) => {
    const score = trainingScore(results[i] ?? []);
    const b = scales[best] as number;
    const better = score < bestScore ||
      (score === bestScore && score < Number.POSITIVE_INFINITY && (Math.abs(k - home) < Math.abs(b - home) || (Math.abs(k - home) === Math.abs(b - home) && k < b)));
    if (better) {
      best = i;
      bestScore = score;
    }
  });
  return best;
}

/** One scale's task results of an evaluation that kept them all (GenomeEvaluationOptions.allScales). */
export interface ScaledResults {
  scale: number;
  tasks: TaskResult[];
}

/**
 * Per task, the normalised validation loss at the scale best on that task's training data alone
 * (chooseScale on the one task), and that scale; a task invalid at every scale is left out. The
 * tuned baseline of the held-out table: every genome, seed or evolved, at its best step size per
 * task, chosen without looking at validation data.
 */
export function tunedPerTask(byScale: readonly ScaledResults[]): Record<string, { loss: number; scale: number }> {
  const out: Record<string, { loss: number; scale: number }> = {};
  const tasks = byScale[0]?.tasks.map((t) => t.task) ?? [];
  tasks.forEach((task, j) => {
    const results = byScale.map((s) => [s.tasks[j] as TaskResult]);
    const best = chooseScale(byScale.map((s) => s.scale), results);
    const r = byScale[best]?.tasks[j];
    if (r?.status === 'ok') out[task] = { loss: r.metrics.normalisedValidationLoss, scale: (byScale[best] as ScaledResults).scale };
  });
  return out;
}
