// The update program of an optimizer genome: what one tick of the graph computes, written as a
// straight-line list of node computations over tensors, with the values that cross ticks held as
// explicit history buffers. The exporters (pytorch.ts, onnx.ts, tfjs.ts) translate this, never the
// genome itself, so the three agree by construction on order, widths and state.
//
// Semantics (docs/engine.md, One tick; docs/optimizer.md, Running a genome) for a genome that is
// exportable (no effects, every policy `always` with emit `value`, no refractory count):
// - Step t = 1, 2, ... is one tick. The inputs are the optimizer role's slots.
// - `nodes` are in sweep order (Kahn's algorithm over the enabled delay-0 edges, smaller key first).
//   A node's port p is the float32 sum, in `terms` order (ascending edge key), of weight * x, where x
//   is the source's output this step (delay 0) or `delay` steps ago (delay >= 1), 0 before step 1.
// - After the last node, every history buffer shifts: it keeps the node's output of this step and
//   its previous `depth - 1` values.
// - The new parameter is the output of node `output`.
// Widths: `lane` is one value per parameter element, `group` one per parameter tensor (a reduction
// over it), `scalar` one per step. rowmean/colmean view a tensor of shape [n0, n1, ...] as a
// matrix n0 x (n1 * ...); a 1-D tensor of n elements as 1 x n and a 0-D one as 1 x 1.

import type { OpName } from '../genome/types.ts';
import type { Width } from '../genome/state.ts';

export const SLOT_NAMES = ['gradient', 'parameter', 'loss', 'previousLoss', 'step', 'curvature'] as const;
export type SlotName = (typeof SLOT_NAMES)[number];

/** One term of a port sum: weight * (the output of `source`, `delay` steps ago). */
export interface Term {
  source: number;
  weight: number;
  delay: number;
}

/** An input node: its output is the slot's value this step. */
export interface InputStep {
  kind: 'input';
  key: number;
  slot: SlotName;
  width: Width;
}

/** A hidden or output node: op over its three port sums (x, y, z), attributes a0..a3. */
export interface OpStep {
  kind: 'op';
  key: number;
  op: OpName;
  attrs: [number, number, number, number];
  /** Terms of ports x, y, z; an empty port is 0. */
  ports: [Term[], Term[], Term[]];
  width: Width;
}

export type ProgramStep = InputStep | OpStep;

/** A node's past outputs kept across steps: index 0 is last step's output, depth - 1 the oldest. */
export interface History {
  key: number;
  depth: number;
  width: Width;
}

export interface UpdateProgram {
  name: string;
  nodes: ProgramStep[];
  history: History[];
  output: number;
  /** True when the curvature slot is read: the host must supply z * (H z) (docs/optimizer.md). */
  readsCurvature: boolean;
}

/** Why a genome cannot be exported: the node (or edge) and the rule. */
export interface NotExportable {
  status: 'not-exportable';
  reason: string;
}
