// The schedule (docs/engine.md, One tick and Lanes and groups): the sweep order (Kahn's algorithm over
// the enabled delay-0 edges, the smallest ready key first) and each node's width (scalar, group or
// lane) as the least fixed point of the width rules over the enabled edges.

import type { OpName } from '../../../src/genome/types.ts';
import { isReduction } from './ops.ts';
import type { GraphState, NodeState } from './state.ts';

export type Width = 'scalar' | 'group' | 'lane';
const RANK: Record<Width, number> = { scalar: 0, group: 1, lane: 2 };

/** Node keys in sweep order. */
export function sweepOrder(g: GraphState): number[] {
  const indegree = new Map<number, number>();
  for (const key of g.nodes.keys()) indegree.set(key, 0);
  for (const e of g.edges.values()) {
    if (e.enabled && e.delay === 0) indegree.set(e.target, (indegree.get(e.target) as number) + 1);
  }
  const ready = [...indegree].filter(([, d]) => d === 0).map(([k]) => k);
  const order: number[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const key = ready.shift() as number;
    order.push(key);
    for (const e of g.edges.values()) {
      if (!e.enabled || e.delay !== 0 || e.source !== key) continue;
      const d = (indegree.get(e.target) as number) - 1;
      indegree.set(e.target, d);
      if (d === 0) ready.push(e.target);
    }
  }
  if (order.length !== g.nodes.size) throw new Error('reference: the delay-0 edges close a cycle');
  return order;
}

/** The width an op or policy fixes, or null when the node takes the widest of its sources. */
function fixedWidth(n: NodeState): Width | null {
  if (n.role === 'input') return null; // handled by the caller
  // A random policy makes the lanes fire differently: lane, whatever the op.
  if (n.policy === 'random') return 'lane';
  const op: OpName = n.op;
  if (op === 'const' || op === 'every') return 'scalar';
  if (isReduction(op)) return 'group';
  if (op === 'rowmean' || op === 'colmean') return 'lane';
  return null;
}

/** Each node's width, by key. */
export function widths(g: GraphState): Map<number, Width> {
  const w = new Map<number, Width>();
  for (const n of g.nodes.values()) w.set(n.key, 'scalar');
  for (let changed = true; changed;) {
    changed = false;
    for (const n of g.nodes.values()) {
      let next: Width;
      if (n.role === 'input') {
        next = g.inputWidths[n.slot] === 'lane' ? 'lane' : 'scalar';
      } else {
        next = fixedWidth(n) ?? 'scalar';
        if (fixedWidth(n) === null) {
          for (const e of g.edges.values()) {
            if (!e.enabled || e.target !== n.key) continue;
            const s = w.get(e.source) as Width;
            if (RANK[s] > RANK[next]) next = s;
          }
        }
      }
      if (next !== w.get(n.key)) {
        w.set(n.key, next);
        changed = true;
      }
    }
  }
  return w;
}

/** How many values a width stores: 1, one per group, or one per lane. */
export function widthCount(width: Width, groups: number, lanes: number): number {
  return width === 'scalar' ? 1 : width === 'group' ? groups : lanes;
}
