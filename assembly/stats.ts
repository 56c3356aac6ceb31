// Per-tick node statistics (docs/engine.md, One tick): reset before a node is evaluated, settled
// after: fired lanes for the costs, the mean output and mean activation effects read, the first
// non-finite node in sweep order, and the firing list (nodes that fired and have effects, in
// sweep order, by slot and key) that the effects step walks.

import { ROLE_INPUT } from './layout';
import { NodeRec, L, capNodes } from './tables';
import { alloc } from './memory';
import { needMeans } from './schedule';

export let firing: usize = 0; // (slot, key) i32 pairs
export let firingCount: i32 = 0;
export let badNode: i32 = -1;
export let firedLanes: f64 = 0;

export function allocStats(): bool {
  firing = alloc(<u64>max(capNodes, 1) * 8);
  return firing != 0;
}

export function beginTick(): void {
  firingCount = 0;
  badNode = -1;
  firedLanes = 0;
}

@inline export function beginNode(n: NodeRec, clear: i32): void {
  n.nzMask &= clear;
  n.nonFinite = 0;
  n.fired = 0;
  n.actSum = 0;
  n.meanSum = 0;
}

/** endNode for a non-input node when L = 1 (its sums are its one value: no division needed). */
@inline export function endUnit(s: i32, n: NodeRec, fired: bool, a: f32, o: f32): void {
  n.fired = fired ? 1 : 0;
  n.actSum = fired ? <f64>a : 0;
  n.act = fired ? a : 0;
  n.meanSum = <f64>o;
  n.mean = o;
  if (!fired) return;
  firedLanes += 1;
  if (n.effCount > 0) {
    store<i32>(firing + (<usize>firingCount << 3), s);
    store<i32>(firing + (<usize>firingCount << 3), n.key, 4);
    firingCount++;
  }
}

@inline export function noteNonFinite(s: i32, n: NodeRec): void {
  n.nonFinite = 1;
  if (badNode < 0) badNode = s;
}

export function endNode(s: i32, n: NodeRec): void {
  if (needMeans) n.mean = <f32>(n.meanSum / <f64>L);
  if (n.role == ROLE_INPUT) {
    // An input node always fires in every lane: its activation is its data's mean.
    n.fired = <f64>L;
    n.act = <f32>(n.meanSum / <f64>L);
  } else {
    firedLanes += n.fired;
    n.act = n.fired > 0 ? <f32>(n.actSum / n.fired) : 0;
    if (n.nonFinite && badNode < 0) badNode = s;
  }
  if (n.effCount > 0 && n.fired > 0) {
    store<i32>(firing + (<usize>firingCount << 3), s);
    store<i32>(firing + (<usize>firingCount << 3), n.key, 4);
    firingCount++;
  }
}
