// The deterministic work budget of one task evaluation (docs/tasks.md, Work budget): the engine's
// work units (node-lane evaluations + edge-lane traversals + effect applications + effect search,
// docs/engine.md Costs) per update and parameter, averaged over the run. The budget of a task is
// workLimit x steps x parameters; the engine stops the tick that passes it, and the task is
// invalid with reason `over_budget` at that step on every machine alike. The pool's wall-clock
// limit is only the last safety net (reason `timeout`).
//
// Why 2,000. The 26 seeds use at most 59.5 units per update and parameter on the registry tasks
// (Adafactor on rosenbrock, whose 2 parameters share every scalar node; 47.2 on linreg-8, 46.0 on
// regression; SGD 3, Adam 22-31), so the default is over 30 times the costliest seed. Evolution's
// default caps (64 nodes and 128 edges, growing by 0.5 and 1 a generation) keep a graph of lane
// nodes with every edge used below it for about 1,000 generations. And it leaves the wall clock a
// safety net: the genomes built to be slow spend at most about 20 ns a unit on a 2-core VM (effect
// search over the largest graphs 12-17 ns, edge traversals 2-13 ns), so a whole budget on the
// largest registry task (classification: 371 parameters x 200 steps x 2,000) is about 3 s. What a
// budget does not count (a tick's bookkeeping of edges whose source stayed 0, up to 35 ms a tick
// at the caps' maxima; the task's own model) adds at most about 7 s over 200 steps: far below the
// pool's 60 s.

/** Work units per update and parameter that one task evaluation may use on average. */
export const DEFAULT_WORK_LIMIT = 2_000;
/** The bounds of a configured work limit. */
export const WORK_LIMIT_RANGE = [1, 1_000_000] as const;

/**
 * The work charged per update and parameter to a genome that reads the curvature slot: the host
 * computes z * (H z) for it, a Hessian-vector product by Pearlmutter's R-operator (Pearlmutter
 * 1994, "Fast exact multiplication by the Hessian"), which costs about one more forward and
 * backward pass. On the registry's models that is one multiply-add per weight and batch row each
 * way, 2 x 16-32 rows: 64 units, more than Adam's own 22-31. The same charge on every task, so
 * that the time objective compares across tasks; without it the probe was free and 90 of the 104
 * genomes of a default run's last population descended from AdaHessian (issue 11).
 */
export const CURVATURE_WORK = 64;
