// Hurdles (docs/evolution.md, Hurdles): a run whose training loss after a quarter of its updates
// is far above what the seeds reach there stops early, as AutoML-Zero stops candidates that fail a
// cheap first hurdle (Real et al. 2020, section 4.2; So et al. 2019 for the progressive form). The
// run is invalid with reason `hurdle`, the mildest penalty; the updates it did not run are counted
// as saved. The limit of each task comes from the seeds (src/evolve/calibrate.ts): HURDLE_MARGIN
// times the worst seed's normalised loss at that point at its best step size, and never below
// HURDLE_FLOOR (a run at or below its reference loss, the constant predictor's or the starting
// point's, is never stopped).

/** The share of a run's updates after which its hurdle is checked. */
export const HURDLE_FRACTION = 0.25;
/** How far above the worst seed a run may be at the hurdle. */
export const HURDLE_MARGIN = 3;
/** The lowest limit, in normalised loss: at or below the reference loss a run always goes on. */
export const HURDLE_FLOOR = 1.5;

/** The update after which a run of `steps` updates meets its hurdle (from 1). */
export function hurdleStep(steps: number): number {
  return Math.max(1, Math.floor(steps * HURDLE_FRACTION));
}

/** A task's hurdle limit (normalised loss) from the seeds' normalised losses at the hurdle; undefined without any. */
export function hurdleLimit(seedLosses: readonly number[]): number | undefined {
  let worst = Number.NEGATIVE_INFINITY;
  for (const x of seedLosses) if (Number.isFinite(x) && x > worst) worst = x;
  return worst === Number.NEGATIVE_INFINITY ? undefined : Math.max(HURDLE_FLOOR, HURDLE_MARGIN * worst);
}
