// What the host sees of a run: results, costs and the structural history (docs/engine.md).

export const NOOP_REASON_NAMES = [
  'no-target', 'cap-nodes', 'cap-edges', 'cap-applications', 'cycle', 'duplicate', 'range', 'role',
  'index',
] as const;
export type NoopReason = (typeof NOOP_REASON_NAMES)[number];

export const EVENT_NAMES = [
  'edge-create', 'edge-delete', 'node-create', 'node-delete', 'set-op', 'set-policy',
  'remap-input', 'remap-output', 'effect-list',
] as const;
export type HistoryEvent = (typeof EVENT_NAMES)[number];

export const MODE_NAMES = ['auto', 'tiled', 'event'] as const;
export type ExecutionMode = (typeof MODE_NAMES)[number];

export interface RunOptions {
  /** The run seed, an integer in [0, 2^53); split into seedLo (low 32 bits) and seedHi. */
  seed?: number;
  mode?: ExecutionMode;
  /** Lanes per tile in tiled mode (a multiple of 4); 0 lets the engine choose. */
  tile?: number;
  /** The genome already packed (pack(genome)), when the caller has it: load() then does not pack it again. */
  packed?: Int32Array;
  /**
   * The work limit (docs/engine.md, Work limit): run() and train() stop in the tick whose work takes
   * the work since load past this many units (costs().work); default: no limit.
   */
  workBudget?: number;
}

export type RunResult =
  | { status: 'ok' }
  | { status: 'non-finite'; nodeKey: number; tick: number }
  /** The work since load passed RunOptions.workBudget in tick `tick` (its outputs are complete). */
  | { status: 'work-limit'; tick: number }
  | { status: 'trapped'; message: string };

export interface Costs {
  nodeLaneEvaluations: number;
  edgeLaneTraversals: number;
  effectApplications: number;
  /** Edges examined by effects: selections' searches, edge-create's checks, deleted nodes' edges. */
  effectSearch: number;
  /** The time cost: node-lane evaluations + edge-lane traversals + effect applications + effect search. */
  work: number;
  stateBytesPerLane: number;
  graphBytes: number;
  ticks: number;
  firedNodeLanes: number;
  noops: Record<NoopReason, number>;
}

export interface HistoryEntry {
  tick: number;
  event: HistoryEvent;
  a: number;
  b: number;
  c: number;
}
